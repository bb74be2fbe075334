"""Recognizer for dates of birth, found by the words that announce them."""

from __future__ import annotations

import datetime
from typing import List, Optional

import regex
from presidio_analyzer import Pattern, RecognizerResult

from ._dutch import DutchPatternRecognizer, Verdict, words_regex

_MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "febr": 2, "maart": 3, "mrt": 3, "mar": 3,
    "april": 4, "apr": 4, "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "augustus": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))


class NlDateOfBirthRecognizer(DutchPatternRecognizer):
    """Recognizes a person's date of birth (geboortedatum).

    A date of birth is personal data (AVG art. 4) and is redacted under art. 5.1 lid 2
    sub e Woo. Meeting, document and other dates stay visible, so a date is only returned
    when a birth word stands right before it: *geboren (op)*, *geboortedatum*, *geb.*,
    *geboortedag*, *date of birth*, or a form label ``Geboortedatum`` on the line above.

    Format: every Dutch date notation: ``3 mei 1978``, ``3 mei '78``, ``03-05-1978``,
    ``3-5-1978``, ``03/05/1978``, ``03.05.1978``, ``1978-05-03``. The date must exist and
    lie in the past. Fictitious example: ``geboren op 1 januari 1970``.
    """

    PATTERNS = [
        Pattern("datum (3 mei 1978)", rf"(?<![\w-])\d{{1,2}}[ \u00a0](?i:{_MONTH_NAMES})\.?[ \u00a0](?:\d{{4}}|'\d{{2}})(?![\w])", 0.1),
        Pattern("datum (03-05-1978)", r"(?<![\w/.-])\d{1,2}([-/.])\d{1,2}\1(?:\d{4}|\d{2})(?![\w]|[-/.]\d)", 0.1),
        Pattern("datum (1978-05-03)", r"(?<![\w/.-])\d{4}-\d{2}-\d{2}(?![\w]|[-/.]\d)", 0.1),
    ]

    CONTEXT = [
        "geboren",
        "geboren op",
        "geboortedatum",
        "geb.",
        "geb",
        "geboortedag",
        "geboortedatum/-plaats",
        "date of birth",
        "dob",
        "born",
    ]

    # Between the birth word and the date only punctuation and a few small words may stand.
    _GAP = regex.compile(
        r"[\s:(,.-]*(?:(?:op|is|was|d\.d\.|de|dd|datum|te\s+[A-Z][\w'-]+\s+op|in\s+[A-Z][\w'-]+\s+op)[\s:(,.-]*)*",
        regex.IGNORECASE,
    )

    ENTITY = "DATE_OF_BIRTH"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._birth_word = words_regex(self.context)

    def validate_result(self, pattern_text: str) -> Optional[bool]:
        """The date must exist and not lie in the future."""
        parsed = self._parse(pattern_text)
        return None if parsed and parsed <= datetime.date.today() else False

    def judge(self, text: str, result: RecognizerResult, accepted: List[RecognizerResult]) -> Optional[Verdict]:
        """Only a date that a birth word announces."""
        before = text[max(0, result.start - 60) : result.start]
        word = None
        for match in self._birth_word.finditer(before):
            if self._GAP.fullmatch(before[match.end() :]):
                word = match.group(0)
        if word is None:
            return None
        return Verdict(0.95, f"geboortedatum (na '{' '.join(word.split())}')")

    @staticmethod
    def _parse(value: str) -> Optional[datetime.date]:
        value = value.replace("\u00a0", " ").strip()
        try:
            match = regex.fullmatch(r"(\d{1,2}) ([A-Za-z]+)\.? (\d{4}|'\d{2})", value)
            if match:
                day, month, year = int(match.group(1)), _MONTHS[match.group(2).lower()], match.group(3)
            elif regex.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                year, month, day = value.split("-")
                year, month, day = year, int(month), int(day)
            else:
                day, month, year = regex.split(r"[-/.]", value)
                day, month = int(day), int(month)
            if year.startswith("'") or len(year) == 2:
                short = int(year.lstrip("'"))
                year = 2000 + short if 2000 + short <= datetime.date.today().year else 1900 + short
            return datetime.date(int(year), month, day)
        except (ValueError, KeyError):
            return None
