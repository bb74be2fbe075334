"""The release of a plain-text file: every accepted finding replaced by its ground code, with Presidio's
anonymizer, and the result checked for any redacted text that is still there."""

from __future__ import annotations

from pathlib import Path

from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import OperatorConfig, RecognizerResult

from ..errors import VerificationFailed
from ..findings import Finding
from .verify import still_readable

_ANONYMIZER: AnonymizerEngine | None = None


def render_text_release(text: str, chosen: list[Finding], out: Path, format_ground=str,
                        kept_texts: list[str] = ()) -> str:
    """Write ``text`` with each finding replaced by ``[code]``; return the released text."""
    global _ANONYMIZER
    if _ANONYMIZER is None:
        _ANONYMIZER = AnonymizerEngine()
    # Presidio replaces by entity type; one type per finding lets every span carry its own ground.
    results, operators = [], {}
    for i, finding in enumerate(chosen):
        kind = f"F{i}"
        results.append(RecognizerResult(kind, finding.start, finding.end, finding.score))
        code = format_ground(finding.ground) if finding.ground else "gelakt"
        operators[kind] = OperatorConfig("replace", {"new_value": f"[{code}]"})
    released = _ANONYMIZER.anonymize(text=text, analyzer_results=results, operators=operators).text
    readable = still_readable([f.text for f in chosen], kept_texts, [("the text", released)])
    if readable:
        failure = VerificationFailed("a redacted text is still in the released text; no release file was written, "
                                     "review this document by hand.")
        failure.readable = readable
        raise failure
    out.write_text(released, encoding="utf-8")
    return released
