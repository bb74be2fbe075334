"""Recognizer for Dutch vehicle registration numbers (kentekens)."""

from __future__ import annotations

from typing import List, Optional

import regex
from presidio_analyzer import Pattern, RecognizerResult

from ._dutch import DutchPatternRecognizer, Verdict, words_regex

# Letters the RDW has issued since the late 1970s: no vowels (no words), no C, Q, W.
_PLATE_LETTER = "[BDFGHJKLMNPRSTVXZ]"


def _sidecode(letters_digits: str) -> str:
    """A regex for one sidecode, e.g. ``'XX-99-99'``."""
    groups = []
    for group in letters_digits.split("-"):
        kind = r"[A-Z]" if group[0] == "X" else r"\d"
        groups.append(f"{kind}{{{len(group)}}}")
    return "-".join(groups)


class NlLicensePlateRecognizer(DutchPatternRecognizer):
    """Recognizes Dutch licence plates (kentekens).

    A licence plate points to the registered keeper (kentekenhouder) via the RDW register,
    so it is personal data when the keeper is a private person; it is redacted under
    art. 5.1 lid 2 sub e Woo.

    Format: six characters in three groups separated by hyphens, one of the RDW sidecodes
    1 XX-99-99, 2 99-99-XX, 3 99-XX-99, 4 XX-99-XX, 5 XX-XX-99, 6 99-XX-XX, 7 99-XXX-9,
    8 9-XXX-99, 9 XX-999-X, 10 X-999-XX, 11 XXX-99-X, 12 X-99-XXX, 13 9-XX-999, 14 999-XX-9.
    Sidecodes 1-6 look like dates and article codes, so they are taken only after a vehicle
    word (*kenteken*, *voertuig*, *auto*, *RDW*, ...). Sidecodes 7-14 are also taken without
    such a word when their letters are plate letters (no vowels). Fictitious example:
    ``kenteken 12-BDF-3``.
    """

    SIDECODES_OLD = ["XX-99-99", "99-99-XX", "99-XX-99", "XX-99-XX", "XX-XX-99", "99-XX-XX"]
    SIDECODES_NEW = ["99-XXX-9", "9-XXX-99", "XX-999-X", "X-999-XX", "XXX-99-X", "X-99-XXX", "9-XX-999", "999-XX-9"]

    PATTERNS = [
        Pattern("kenteken (sidecode 1-6)", r"(?<![\w-])(?:" + "|".join(map(_sidecode, SIDECODES_OLD)) + r")(?![\w]|-\w)", 0.2),
        Pattern("kenteken (sidecode 7-14)", r"(?<![\w-])(?:" + "|".join(map(_sidecode, SIDECODES_NEW)) + r")(?![\w]|-\w)", 0.5),
    ]

    CONTEXT = [
        "kenteken",
        "kentekens",
        "kentekenhouder",
        "kentekennummer",
        "kentekenplaat",
        "nummerbord",
        "voertuig",
        "auto",
        "personenauto",
        "bestelauto",
        "bedrijfsauto",
        "dienstauto",
        "motor",
        "bromfiets",
        "scooter",
        "aanhanger",
        "vrachtwagen",
        "rdw",
        "geparkeerd",
        "parkeerbon",
        "flitser",
        "voertuiggegevens",
    ]

    ENTITY = "LICENSE_PLATE"
    REGEX_FLAGS = regex.MULTILINE  # plates are written in capitals

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._vehicle_word = words_regex(self.context)

    def judge(self, text: str, result: RecognizerResult, accepted: List[RecognizerResult]) -> Optional[Verdict]:
        """A plate with a vehicle word near it, or one that is unmistakably a plate."""
        letters = regex.sub(r"[^A-Z]", "", text[result.start : result.end])
        near = text[max(0, result.start - 80) : result.start] + " " + text[result.end : result.end + 40]
        if self._vehicle_word.search(near):
            return Verdict(0.95, "kenteken (sidecode klopt, voertuigwoord in de buurt)")
        if result.score >= 0.5 and regex.fullmatch(f"{_PLATE_LETTER}+", letters):
            return Verdict(0.7, "kenteken (sidecode 7-14 met kentekenletters)")
        return None
