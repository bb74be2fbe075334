"""The shared set-up of our pattern recognizers (not a recognizer itself: its name starts with ``_``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional

import regex
from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult


def words_regex(words: List[str], edge: str = r"\w") -> "regex.Pattern":
    """One case-insensitive pattern for any of ``words`` (longest first), standing on its own: no ``edge``
    character may touch it on either side; a space inside a word matches any whitespace."""
    alternatives = sorted((regex.escape(w).replace(r"\ ", r"\s+") for w in words), key=len, reverse=True)
    return regex.compile(rf"(?<![{edge}])(?:" + "|".join(alternatives) + rf")(?![{edge}])", regex.IGNORECASE)


@dataclass
class Verdict:
    """How a recognizer judges one of its pattern matches: its score, the reason shown to the reviewer,
    and, for a match that is found but must stay visible, why (``keep_reason``)."""

    score: float
    reason: str
    keep_reason: Optional[str] = None


class DutchPatternRecognizer(PatternRecognizer):
    """A Presidio pattern recognizer for Dutch text, configured by class constants.

    A subclass sets ``ENTITY``, ``PATTERNS``, ``CONTEXT`` and, when its patterns need them, ``REGEX_FLAGS``;
    the constructor keeps Presidio's signature so a caller may still pass its own patterns or context.
    Each match of the patterns is then judged by ``judge``, which a subclass overrides.
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

    def matches(self, text: str, entities: List[str], nlp_artifacts=None, regex_flags: Optional[int] = None
                ) -> List[RecognizerResult]:
        """Presidio's matches of the patterns, validated by ``validate_result``, not yet judged."""
        return PatternRecognizer.analyze(self, text, entities, nlp_artifacts, regex_flags)

    def order(self, matches: List[RecognizerResult]) -> List[RecognizerResult]:
        """The order in which the matches are judged (a subclass that resolves overlaps sets its own)."""
        return matches

    def judge(self, text: str, result: RecognizerResult, accepted: List[RecognizerResult]) -> Optional[Verdict]:
        """Judge one match: ``None`` drops it, a ``Verdict`` keeps it. ``accepted`` holds the matches kept
        so far. A subclass may also move ``result.start``/``result.end`` (to trim a match)."""
        return Verdict(result.score, result.analysis_explanation.textual_explanation)

    def analyze(
        self,
        text: str,
        entities: List[str],
        nlp_artifacts=None,
        regex_flags: Optional[int] = None,
    ) -> List[RecognizerResult]:
        """Presidio's pattern matches (validated), each judged by ``judge``; in the order of the text."""
        accepted: List[RecognizerResult] = []
        for result in self.order(self.matches(text, entities, nlp_artifacts, regex_flags)):
            verdict = self.judge(text, result, accepted)
            if verdict is None:
                continue
            result.score = verdict.score
            explanation = result.analysis_explanation
            explanation.textual_explanation = verdict.reason
            explanation.score = verdict.score
            if verdict.keep_reason:
                result.recognition_metadata["keep_reason"] = verdict.keep_reason
            accepted.append(result)
        return sorted(accepted, key=lambda r: r.start)
