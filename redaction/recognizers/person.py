"""Person names (PERSON, ground 5.1.2e) without an NER model.

Detection is lexicons + structure + consistency (see ``redaction.names.detector``): e-mail headers,
signatures, greetings, forms, chat senders and table cells; initials, titles, mevrouw/de heer,
tussenvoegsels and Outlook forms in running text; and every name found once is looked up again in the
whole document. Public officials acting in office (minister, Kamerlid, wethouder, ...; the roles are in
``rules/public_officials.yaml``) are returned too, with ``recognition_metadata["keep_reason"]`` set.
Academic titles in front of a name (mr., dr., prof. dr. ir.) are part of the span; forms of address
(mevrouw, de heer, mijnheer) are left out of it.
"""

from __future__ import annotations

from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult

from redaction.names.detector import detect_names
from redaction.names.lexicon import get_lexicon


class PersonRecognizer(EntityRecognizer):
    """Finds person names in a whole Dutch document; public officials come back with a keep_reason."""

    ENTITIES = ["PERSON"]

    def __init__(self, supported_language: str = "nl", name: str = "PersonRecognizer"):
        super().__init__(supported_entities=self.ENTITIES, supported_language=supported_language, name=name)

    def load(self) -> None:
        get_lexicon()

    def analyze(self, text: str, entities: list[str], nlp_artifacts=None) -> list[RecognizerResult]:
        if entities and "PERSON" not in entities:
            return []
        results = []
        for m in detect_names(text):
            explanation = AnalysisExplanation(
                recognizer=self.name,
                original_score=m.score,
                textual_explanation=(f"naam van publieke functionaris ({m.keep_reason}), blijft zichtbaar"
                                     if m.keep_reason else f"persoonsnaam: {m.reason}"),
            )
            metadata = {
                RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                "context": m.context,
            }
            if m.keep_reason:
                metadata["keep_reason"] = m.keep_reason
            results.append(RecognizerResult("PERSON", m.start, m.end, m.score, explanation, metadata))
        return results
