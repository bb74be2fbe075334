"""Recognizer for bank account numbers in IBAN form (Dutch and foreign)."""

from __future__ import annotations

from typing import List, Optional

import regex
from presidio_analyzer import Pattern, RecognizerResult
from stdnum import iban

from ._dutch import DutchPatternRecognizer, Verdict


class NlIbanRecognizer(DutchPatternRecognizer):
    """Recognizes International Bank Account Numbers (IBAN, ISO 13616).

    A private person's bank account number is personal data (AVG art. 4) and is redacted
    under art. 5.1 lid 2 sub e Woo. An account that the text puts in an organisation's
    name (``t.n.v. Centraal Justitieel Incassobureau``) is returned with ``keep_reason``.

    Format: two-letter country code, two check digits, then up to 30 letters and digits
    (the length is fixed per country; NL: 18 characters, ``NLkk BBBB 0123 4567 89``),
    written in groups of four or without spaces. Validated with python-stdnum (mod 97-10,
    country length and format). Fictitious example: ``NL91 ABNA 0417 1643 00``.
    """

    PATTERNS = [
        Pattern(
            "IBAN (met of zonder groepen van vier)",
            # Possessive groups: a long run of letters and digits (a base64 blob, "NL00AAAA…") must fail at
            # once instead of being split in every possible way (catastrophic backtracking).
            r"(?<![A-Za-z0-9])[A-Z]{2}[ \u00a0]?\d{2}(?:[ \u00a0\n-]?[A-Za-z0-9]{1,30}+){1,10}+(?![A-Za-z0-9])",
            0.5,
        ),
    ]

    CONTEXT = ["iban", "rekeningnummer", "rekening", "bankrekening", "bankrekeningnummer", "overmaken", "t.n.v."]

    # An account "ten name van" an organisation is the organisation's, not a person's.
    _ORGANISATION_HOLDER = regex.compile(
        r"^[\s,]*(?:t\.?\s?n\.?\s?v\.?|ten\s+name\s+van)\s+(?:de\s+|het\s+)?"
        r"(?:[\w.-]+\s+){0,4}?(?:Ministerie|Gemeente|Provincie|Waterschap|Dienst|Belastingdienst|"
        r"[A-Z]\w*(?:bureau|dienst|raad|instituut|autoriteit|inspectie|fonds|bank)|Stichting|Vereniging|"
        r"B\.?V\.?|N\.?V\.?|CJIB|DUO|UWV|SVB|RVO|RDW|CAK|COA|IND)\b"
    )

    ENTITY = "IBAN"
    REGEX_FLAGS = regex.DOTALL | regex.MULTILINE

    def judge(self, text: str, result: RecognizerResult, accepted: List[RecognizerResult]) -> Optional[Verdict]:
        """A match that runs into a following word is shortened until valid; an organisation's account is kept."""
        end = self._valid_end(text, result.start, result.end)
        if end is None:
            return None
        result.end = end
        if self._ORGANISATION_HOLDER.match(text[end : end + 120]):
            return Verdict(0.8, "IBAN, controlegetal klopt, rekening op naam van een organisatie",
                           keep_reason="bankrekening van een organisatie")
        return Verdict(1.0, "IBAN, controlegetal (mod 97) klopt")

    @staticmethod
    def _valid_end(text: str, start: int, end: int) -> Optional[int]:
        """End of the longest valid IBAN from ``start``, dropping trailing groups if needed."""
        while end > start + 4:
            if len(regex.sub(r"\s", "", text[start:end])) <= 34 and iban.is_valid(regex.sub(r"[\s-]", "", text[start:end])):
                return end
            # drop the last group (everything after the last separator)
            cut = max(text.rfind(separator, start, end) for separator in (" ", "\u00a0", "\n", "-"))
            if cut <= start:
                return None
            end = cut
        return None
