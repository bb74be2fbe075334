"""The shared set-up of our pattern recognizers (not a recognizer itself: its name starts with ``_``)."""

from __future__ import annotations

from typing import List, Optional

import regex
from presidio_analyzer import Pattern, PatternRecognizer


class DutchPatternRecognizer(PatternRecognizer):
    """A Presidio pattern recognizer for Dutch text, configured by class constants.

    A subclass sets ``ENTITY``, ``PATTERNS``, ``CONTEXT`` and, when its patterns need them, ``REGEX_FLAGS``;
    the constructor keeps Presidio's signature so a caller may still pass its own patterns or context.
    """

    ENTITY: str = ""
    PATTERNS: List[Pattern] = []
    CONTEXT: List[str] = []
    REGEX_FLAGS: int = regex.MULTILINE

    def __init__(
        self,
        patterns: Optional[List[Pattern]] = None,
        context: Optional[List[str]] = None,
        supported_language: str = "nl",
        supported_entity: Optional[str] = None,
    ):
        super().__init__(
            supported_entity=supported_entity or self.ENTITY,
            patterns=patterns if patterns else self.PATTERNS,
            context=context if context else self.CONTEXT,
            supported_language=supported_language,
            global_regex_flags=self.REGEX_FLAGS,
        )
