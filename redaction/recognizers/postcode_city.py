"""Recognizer for a Dutch postcode with the place name after it (``1234 AB Plaats``)."""

from __future__ import annotations

from typing import List, Optional

import regex
from presidio_analyzer import Pattern, RecognizerResult
from stdnum.nl import postcode

from .street_address import address_owner, address_verdict

from ._dutch import DutchPatternRecognizer, Verdict

# First words of multi-word place names ("Den Haag", "Nieuw Vennep", "Sint Michielsgestel").
_PLACE_FIRST_WORDS = (
    r"Den|De|Het|Ter|Ten|Sint|St\.|Nieuw|Nieuwe|Oud|Oude|Groot|Grote|Klein|Kleine|Hoog|Hoge|Laag|Lage|"
    r"Noord|Zuid|Oost|West|Midden|Nederhorst|Ouder|Capelle|Alphen|Bergen|Krimpen|Rijswijk|Berkel"
)
_PLACE_LINKS = r"aan|den|de|der|op|bij|in|en|van|ter|ten|a/d|aan\s+den|aan\s+de"


class NlPostcodeCityRecognizer(DutchPatternRecognizer):
    """Recognizes a Dutch postcode followed by a place name (postcode + woonplaats).

    Together with the street address, a private person's postcode and place identify where
    they live; both are redacted under art. 5.1 lid 2 sub e Woo. An organisation's postcode
    (letterhead, ``Postbus 20011 2500 EA Den Haag``, e-mail signature) stays visible: it is
    returned with ``recognition_metadata["keep_reason"]``.

    Format: four digits (first digit not 0), an optional space, two capital letters other
    than SA, SD and SS (checked with python-stdnum), then the place name: ``2511 DP Den Haag``,
    ``5219 HX 's-Hertogenbosch``, ``1234AB Alphen aan den Rijn``. A postcode after the word
    *postcode* is taken also without a place. Fictitious example: ``1234 AB Voorbeeldstad``.
    """

    _PLACE = (
        rf"(?:'s-|'t[ ])?[A-Z][\w'’-]*"
        rf"(?:(?<=\b(?:{_PLACE_FIRST_WORDS}))[ ][A-Z][\w'’-]*)?"
        rf"(?:[ ](?:{_PLACE_LINKS})[ ](?:'t[ ])?[A-Z][\w'’-]*)?"
    )
    PATTERNS = [
        Pattern(
            "postcode + plaats",
            rf"(?<![\w-])[1-9]\d{{3}}[ \u00a0]?[A-Z]{{2}},?[ \u00a0]{{1,2}}{_PLACE}(?![\w'’-])",
            0.6,
        ),
        Pattern("postcode na het woord postcode", r"(?i:postcode)\s*:?\s*\K[1-9]\d{3}[ \u00a0]?[A-Z]{2}(?![\w])", 0.5),
    ]

    CONTEXT = ["postcode", "woonplaats", "adres", "plaats"]

    ENTITY = "POSTCODE_CITY"

    def validate_result(self, pattern_text: str) -> Optional[bool]:
        """The postcode part must be a valid Dutch postcode (no SA, SD, SS)."""
        match = regex.match(r"(\d{4})[ \u00a0]?([A-Z]{2})", pattern_text)
        return bool(match) and postcode.is_valid(match.group(1) + match.group(2))

    def order(self, matches: List[RecognizerResult]) -> List[RecognizerResult]:
        return sorted(matches, key=lambda r: r.start)

    def judge(self, text: str, result: RecognizerResult, accepted: List[RecognizerResult]) -> Optional[Verdict]:
        """Postcode + place (not inside one found before), judged by whose address it is."""
        if any(r.start <= result.start < r.end for r in accepted):
            return None
        owner, reason = address_owner(text, result.start, result.end)
        return address_verdict(owner, reason, "postcode en plaats", "postcode en woonplaats", "postcode en plaats")
