"""Recognizer for telephone numbers, Dutch and foreign."""

from __future__ import annotations

from functools import lru_cache
from typing import List, Optional

import phonenumbers
import regex
import yaml
from phonenumbers import PhoneNumberType
from presidio_analyzer import Pattern, RecognizerResult
from stdnum.nl import bsn

from ._dutch import DutchPatternRecognizer
from .email import NlEmailRecognizer, is_function_mailbox
from ..rules import rules_dir


# Number types that belong to an organisation by their nature (0800, 0900, 0906, 0909, 085/088
# is not among them: organisations hand out personal direct lines in those ranges too).
SERVICE_TYPES = {
    PhoneNumberType.TOLL_FREE,
    PhoneNumberType.PREMIUM_RATE,
    PhoneNumberType.SHARED_COST,
}


@lru_cache(maxsize=1)
def _context_words() -> tuple["regex.Pattern", "regex.Pattern"]:
    data = yaml.safe_load((rules_dir() / "phone_context.yaml").read_text(encoding="utf-8"))

    def words(key: str) -> "regex.Pattern":
        alternatives = sorted((regex.escape(w).replace(r"\ ", r"\s+") for w in data[key]), key=len, reverse=True)
        return regex.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", regex.IGNORECASE)

    return words("organisation_words"), words("personal_words")


class NlPhoneRecognizer(DutchPatternRecognizer):
    """Recognizes telephone numbers in every notation Dutch documents use.

    A person's phone number is personal data (AVG art. 4) and is redacted under
    art. 5.1 lid 2 sub e Woo. An organisation's general number stays visible: it is returned
    with ``recognition_metadata["keep_reason"]`` set. That holds for service numbers
    (0800, 0900, 0906, 0909 and the municipal 14 0xx numbers) and for numbers that stand in
    a sentence with an organisation mailbox or words such as *klantenservice*
    (``rules/phone_context.yaml``); once a number is known to be an organisation's, all its
    occurrences in the document are.

    Format: Dutch numbers have ten digits starting with 0 (area code 2-4 digits, mobile
    ``06``), written ``06-12345678``, ``06 1234 5678``, ``0612345678``, ``070-1234567``,
    ``(020) 123 45 67``, ``+31 6 12345678``, ``+31 (0)70 123 4567`` or ``0031 6 ...``;
    foreign numbers start with ``+`` or ``00`` and a country code. A number may be broken
    over a line end. Every candidate is validated with phonenumbers (libphonenumber).
    A number that libphonenumber rejects is still taken when it is written in Dutch area-code
    notation, the area code set apart (``046-555555``, ``(0474) 555555``, ``088-75 555555``)
    and nine to eleven digits long: an unallocated range, an old nine-digit number or a
    number with a typo identifies a person just the same. Without that notation (a bare
    ``0123456789``) only a valid number is taken.
    Fictitious example: ``06-12345678``.
    """

    _SEP = r"(?:[ \u00a0]?[-–][ \u00a0]?\n?|[ \u00a0]{1,2}|\n|\.(?=\d))"
    _GROUP = r"(?:\(0\)|\(\d{1,4}\)|\d{1,10})"
    PATTERNS = [
        Pattern(
            "telefoonnummer (internationaal)",
            rf"(?<![\w+/.,:€@-])(?:\+|00)[ \u00a0]?[1-9]\d{{0,2}}(?:{_SEP}?{_GROUP}){{1,7}}(?!\d)",
            0.4,
        ),
        Pattern(
            "telefoonnummer (nationaal)",
            rf"(?<![\w+/.,:€@-])(?:\(0\d{{1,3}}\)|0\d{{1,10}})(?:{_SEP}?{_GROUP}){{0,6}}(?!\d)",
            0.4,
        ),
        Pattern("gemeentenummer (14 0xx)", r"(?<![\w+/.,:€@-])14[ \u00a0]?0\d{2,3}(?![\w-]|[.,]\d)", 0.4),
    ]

    CONTEXT = ["telefoon", "telefoonnummer", "tel", "t", "m", "mobiel", "bellen", "bereikbaar", "nummer", "whatsapp"]

    # Dutch area-code notation: an area code (06, or three or four digits starting with 0),
    # bracketed or followed by a hyphen or space, then groups of at least two digits. Dots are
    # left out ("09.00 - 17.00"), and so are other two-digit starts ("05 10 15 20 25").
    _AREA_CODE = r"(?:06|0[1-9]\d{1,2})"
    _AREA_NOTATION = regex.compile(
        rf"(?:\({_AREA_CODE}\)[ ]?[-–]?[ ]?|{_AREA_CODE}(?:[ ]?[-–][ ]?|[ ]))\d{{2,}}(?:(?:[ ]?[-–][ ]?|[ ])\d{{2,}})*"
    )
    # A number that continues a code in front of it ("NL91 ABNA 0417 1643 00") is part of that code.
    _CODE_BEFORE = regex.compile(r"(?<![\w-])(?:[A-Z]{4}|[A-Za-z]{0,3}\d[A-Za-z\d]*)[ \u00a0]$")

    # A date or time inside a candidate means the "number" is a date followed by something.
    _DATE_INSIDE = regex.compile(r"(?<!\d)\d{1,2}[-/.]\d{1,2}[-/.](?:19|20)?\d{2}(?!\d)|\d{1,2}:\d{2}")

    ENTITY = "PHONE"
    REGEX_FLAGS = regex.DOTALL | regex.MULTILINE

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._email = NlEmailRecognizer()

    def analyze(
        self,
        text: str,
        entities: List[str],
        nlp_artifacts=None,
        regex_flags: Optional[int] = None,
    ) -> List[RecognizerResult]:
        """Find valid numbers, then decide per number whether it is an organisation's."""
        found = []  # (result, parsed number)
        taken_until = -1
        candidates = sorted(self.matches(text, entities, nlp_artifacts, regex_flags), key=lambda r: (r.start, -r.end))
        for candidate in candidates:
            if candidate.start < taken_until:
                continue
            for start, end, number in self._valid_parts(text, candidate.start, candidate.end):
                result = RecognizerResult(
                    entity_type=candidate.entity_type,
                    start=start,
                    end=end,
                    score=1.0,
                    analysis_explanation=candidate.analysis_explanation,
                    recognition_metadata=dict(candidate.recognition_metadata),
                )
                found.append((result, number))
                taken_until = max(taken_until, end)

        org_mailbox_spans = self._function_mailbox_spans(text)
        org_numbers = set()
        reasons = {}
        for result, number in found:
            reason = self._organisation_reason(text, result, number, org_mailbox_spans)
            if reason:
                key = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
                org_numbers.add(key)
                reasons[key] = reason

        results = []
        for result, number in found:
            key = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            explanation = result.analysis_explanation
            if key in org_numbers:
                result.score = 0.9
                explanation.textual_explanation = f"telefoonnummer van een organisatie ({reasons[key]})"
                result.recognition_metadata["keep_reason"] = reasons[key]
            elif not phonenumbers.is_valid_number(number) and not self._MOBILE_SHAPE.fullmatch(
                regex.sub(r"\D", "", text[result.start : result.end])
            ):
                explanation.textual_explanation = (
                    "telefoonnummer in netnummernotatie (nummerreeks niet uitgegeven of een cijfer te veel/te weinig)"
                )
            else:
                kind = "mobiel nummer" if phonenumbers.number_type(number) == PhoneNumberType.MOBILE else "telefoonnummer"
                explanation.textual_explanation = f"{kind}, geldig volgens phonenumbers"
            explanation.score = result.score
            results.append(result)
        return results

    def _valid_parts(self, text: str, start: int, end: int):
        """Valid numbers inside a candidate, longest first, split at line breaks if needed."""
        pieces = []  # (start, end) of each line piece
        offset = start
        for line in text[start:end].split("\n"):
            pieces.append((offset, offset + len(line)))
            offset += len(line) + 1
        i = 0
        while i < len(pieces):
            for j in range(len(pieces) - 1, i - 1, -1):
                s, e = pieces[i][0], pieces[j][1]
                number = self._parse(text[s:e], text[max(0, s - 12) : s])
                if number is not None:
                    yield s, e, number
                    i = j
                    break
            i += 1

    _MOBILE_SHAPE = regex.compile(r"(?:00316|316|06)\d{8}")

    def _parse(self, raw: str, before: str = "") -> Optional[phonenumbers.PhoneNumber]:
        """The number in ``raw`` when it is one; ``before`` is the text just in front of it."""
        raw = raw.strip(" \u00a0-–.")
        if not raw or self._DATE_INSIDE.search(raw):
            return None
        compact = regex.sub(r"[\s\u00a0]+", " ", raw)
        if compact.startswith("00"):
            compact = "+" + compact[2:]
        # "+31 (0)6 ...": the trunk zero in brackets is not dialled from abroad
        compact = regex.sub(r"^(\+\d{1,3})[ ]?\(0\)", r"\1 ", compact)
        digits = regex.sub(r"\D", "", compact)
        if regex.fullmatch(r"140\d{2,3}", digits):
            return phonenumbers.parse(digits, "NL") if self._is_valid(digits) else None
        if len(digits) < 8 or len(digits) > 15:
            return None
        if not compact.startswith("+") and not digits.startswith("0"):
            return None
        if self._is_valid(compact):
            return phonenumbers.parse(compact, "NL")
        # A Dutch mobile number in a range that is not (yet) allocated is still a mobile
        # number to the reader; its shape (06 + eight digits) is unmistakable.
        if regex.fullmatch(r"(?:\+?316|06)\d{8}", digits if not compact.startswith("+") else "+" + digits):
            return phonenumbers.parse(compact, "NL")
        if self._in_area_code_notation(compact, digits, before):
            return phonenumbers.parse(digits, "NL")
        return None

    def _in_area_code_notation(self, compact: str, digits: str, before: str) -> bool:
        """A national number written with its area code apart, 9-11 digits, not part of another code."""
        if compact.startswith("+") or not 9 <= len(digits) <= 11:
            return False
        if not self._AREA_NOTATION.fullmatch(compact):
            return False
        if self._CODE_BEFORE.search(before):
            return False
        # nine digits in BSN shape that pass the elfproef are left to the BSN recognizer
        return not (len(digits) == 9 and bsn.is_valid(digits))

    @staticmethod
    def _is_valid(raw: str) -> bool:
        try:
            return phonenumbers.is_valid_number(phonenumbers.parse(raw, "NL"))
        except phonenumbers.NumberParseException:
            return False

    def _function_mailbox_spans(self, text: str) -> List[tuple[int, int]]:
        return [
            (r.start, r.end)
            for r in self._email.analyze(text, ["EMAIL"])
            if is_function_mailbox(text[r.start : r.end].replace("\n", ""))
        ]

    @staticmethod
    def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
        """Bounds of the sentence around a span: up to '. ', '?', '!', a blank line or a page break."""
        left = max(0, start - 200)
        boundary = None
        for m in regex.finditer(r"[.!?](?=\s)|\n\n|\f", text[left:start]):
            boundary = m.end()
        s = left + boundary if boundary is not None else left
        m = regex.search(r"[.!?](?=\s|$)|\n\n|\f", text[end : end + 200])
        e = end + m.start() if m else min(len(text), end + 200)
        return s, e

    def _organisation_reason(self, text, result, number, org_mailbox_spans) -> Optional[str]:
        digits = regex.sub(r"\D", "", text[result.start : result.end])
        if regex.fullmatch(r"140\d{2,3}", digits):
            return "gemeentelijk servicenummer 14 0xx"
        number_type = phonenumbers.number_type(number)
        if number_type in SERVICE_TYPES:
            return "servicenummer (0800/090x)"
        if number_type == PhoneNumberType.MOBILE:
            return None
        s, e = self._sentence(text, result.start, result.end)
        sentence = text[s:e]
        organisation_words, personal_words = _context_words()
        # In "op 036-5399000 (algemeen nummer) en op haar mobiel 06 ..." each number takes the nearest word.
        personal = self._nearest(personal_words, sentence, result.start - s, result.end - s)
        organisation = self._nearest(organisation_words, sentence, result.start - s, result.end - s)
        if personal is not None and (organisation is None or personal <= organisation):
            return None
        if any(s <= ms and me <= e for ms, me in org_mailbox_spans):
            return "algemeen nummer, genoemd naast een functionele mailbox"
        if organisation is not None:
            return "algemeen nummer van een organisatie (context)"
        return None

    @staticmethod
    def _nearest(words: "regex.Pattern", sentence: str, start: int, end: int) -> Optional[int]:
        """Characters between the number (``start``-``end`` in ``sentence``) and the nearest match, if any."""
        distances = [max(start - m.end(), m.start() - end, 0) for m in words.finditer(sentence)]
        return min(distances) if distances else None
