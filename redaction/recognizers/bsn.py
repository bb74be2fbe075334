"""Recognizer for the Dutch citizen service number (burgerservicenummer, BSN)."""

from __future__ import annotations

from typing import List, Optional

import regex
from presidio_analyzer import Pattern, RecognizerResult
from stdnum.nl import bsn

from ._dutch import DutchPatternRecognizer, Verdict, words_regex


class NlBsnRecognizer(DutchPatternRecognizer):
    """Recognizes the Dutch burgerservicenummer (BSN).

    The BSN is the personal number every resident of the Netherlands gets from the
    Basisregistratie Personen (Wet algemene bepalingen burgerservicenummer, art. 1).
    Releasing it is refused under art. 5.1 lid 1 sub e Woo.

    Format: nine digits that pass the *elfproef*: 9·d1 + 8·d2 + ... + 2·d8 − d9 is a
    multiple of 11. Written as ``111222333``, ``1112.22.333`` or ``111 222 333``; a
    number that lost its leading zero (eight digits) is only taken right after the word BSN.
    Fictitious example: ``111222333``.

    A nine-digit number that passes the elfproef by chance is common in case files:
    roughly one in eleven zaak-, factuur- and dossiernummers does. The text before the
    number decides: after a BSN label it is a BSN; after a reference label (zaaknummer,
    factuurnummer, kenmerk, ...) it is returned with ``keep_reason`` set; with neither it
    is returned with a lower score.
    """

    PATTERNS = [
        Pattern("BSN (9 cijfers)", r"(?<![\w.,/+€-])\d{9}(?![\w]|[.,/-]\d)", 0.5),
        Pattern("BSN (1234.56.782)", r"(?<![\w.,/+€-])\d{4}\.\d{2}\.\d{3}(?![\w]|[.,/-]\d)", 0.5),
        Pattern("BSN (123 456 782)", r"(?<![\w.,/+€-])\d{3}[ \u00a0]\d{3}[ \u00a0]\d{3}(?![\w]|[.,/-]\d|[ \u00a0]\d)", 0.5),
        Pattern("BSN (8 cijfers)", r"(?<![\w.,/+€-])\d{8}(?![\w]|[.,/-]\d)", 0.3),
    ]

    CONTEXT = [
        "bsn",
        "bsn-nummer",
        "burgerservicenummer",
        "burger service nummer",
        "burgerservice nummer",
        "sofinummer",
        "sofi-nummer",
        "persoonsnummer",
        "citizen service number",
    ]

    # Labels of numbers that are not personal: a number directly after one of these is a
    # reference, even when it happens to pass the elfproef.
    REFERENCE_LABELS = [
        "zaaknummer", "zaaknr", "zaak", "factuurnummer", "factuurnr", "factuur",
        "kenmerk", "ons kenmerk", "uw kenmerk", "referentie", "referentienummer",
        "dossiernummer", "dossier", "klachtnummer", "klacht", "klachtdossier",
        "klantnummer", "relatienummer", "debiteurnummer", "ordernummer", "contractnummer",
        "polisnummer", "aanslagnummer", "betalingskenmerk", "beschikkingsnummer",
        "vergadernummer", "vergadering", "registratienummer", "kvk", "kvk-nummer",
        "btw", "btw-nummer", "rsin", "documentnummer", "volgnummer", "nummer", "nr",
    ]

    # How far before a number a label may stand (characters).
    WINDOW = 60

    ENTITY = "BSN"
    REGEX_FLAGS = regex.DOTALL | regex.MULTILINE

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._bsn_label = words_regex(self.context, edge=r"\w-")
        self._reference_label = words_regex(self.REFERENCE_LABELS, edge=r"\w-")

    def validate_result(self, pattern_text: str) -> Optional[bool]:
        """Elfproef via python-stdnum (also checks length; eight digits get a leading zero)."""
        return bsn.is_valid(pattern_text)

    def judge(self, text: str, result: RecognizerResult, accepted: List[RecognizerResult]) -> Optional[Verdict]:
        """An elfproef-valid number, judged by the label in front of it."""
        digits = regex.sub(r"\D", "", text[result.start : result.end])
        before = text[max(0, result.start - self.WINDOW) : result.start]
        bsn_at = self._last_label(self._bsn_label, before)
        ref_at = self._last_label(self._reference_label, before)
        if bsn_at is not None and (ref_at is None or bsn_at >= ref_at):
            return Verdict(1.0, "BSN, elfproef klopt, na het woord BSN/burgerservicenummer")
        if len(digits) == 8:
            return None  # eight digits without a BSN label: far more often something else
        if ref_at is not None:
            return Verdict(0.4, "elfproef klopt, maar het nummer staat na een kenmerk-/zaaknummerlabel",
                           keep_reason="zaak-, factuur- of referentienummer, geen BSN")
        return Verdict(0.6, "BSN, elfproef klopt (geen label in de buurt)")

    @staticmethod
    def _last_label(label: "regex.Pattern", before: str) -> Optional[int]:
        """End offset of the last label in ``before`` that is followed only by punctuation."""
        last = None
        for match in label.finditer(before):
            gap = before[match.end() :]
            # a label only governs the number when nothing but punctuation or a short filler
            # stands between them ("BSN: ", "burgerservicenummer\n(", "BSN-nummer is ")
            if regex.fullmatch(r"[\s:(.,#-]*(?:(?:is|was|luidt|van|nr\.?|nummer)[\s:(.,#-]*)*", gap, regex.IGNORECASE):
                last = match.end()
        return last
