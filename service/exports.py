"""The review PDF and the release PDF of a stored document, made by the engine from the reviewers' decisions.

The release redacts the accepted findings (manual ones included) and, only when an admin forces a release
with suggestions still open, those suggestions too: an undecided suggestion is never published by force.
Rejected and kept findings stay readable. The engine verifies the saved file; an export that fails to
verify is never handed out.
"""

from __future__ import annotations

from pathlib import Path

from redaction.findings import AREA, DecisionKind
from redaction.findings import Finding as EngineFinding

from .models import Document, Finding
from .review import drawn
from .storage import file_path

_KIND_OF_STATE = {
    "accepted": DecisionKind.REDACT,
    "suggested": DecisionKind.SUGGEST,
    "rejected": DecisionKind.KEEP,
    "kept": DecisionKind.KEEP,
}


def engine_finding(row: Finding) -> EngineFinding:
    """A stored finding as the engine's dataclass (its boxes are in PDF points of its pages)."""
    return EngineFinding(
        entity=row.entity, text=row.text, start=row.start or 0, end=row.end or 0, score=row.score or 1.0,
        recognizer=AREA if drawn(row) else row.recognizer or "", reason=row.reason or "", ground=row.ground,
        decision=_KIND_OF_STATE[row.state], page=row.page,
        rects=[tuple(r) for r in (row.rects or [])],
        extra_pages=[(p["page"], [tuple(r) for r in p["rects"]]) for p in (row.more_pages or [])],
    )


def exports_dir(data_dir: Path, document: Document) -> Path:
    return Path(data_dir) / "exports" / str(document.id)


def write_review(data_dir: Path, document: Document, rows: list[Finding]) -> Path:
    """The document with every finding highlighted in the colour of its state."""
    import pymupdf

    from redaction.atomic import write_atomic
    from redaction.render import render_review
    from redaction.rules import load_rules

    out = exports_dir(data_dir, document) / "review.pdf"
    findings = [engine_finding(r) for r in rows if r.page is not None]
    source = pymupdf.open(str(file_path(data_dir, document.sha256)))
    try:
        write_atomic(out, lambda tmp: render_review(source, findings, tmp, load_rules().format_ground))
    finally:
        source.close()
    return out


def write_release(data_dir: Path, document: Document, rows: list[Finding], include_suggested: bool = False,
                  out: Path | None = None) -> tuple[Path, list[str], int]:
    """The verified release PDF (at ``out``, by default in the document's exports folder); returns its path,
    the engine's warnings and the number of boxes' findings.

    Raises the engine's ``RedactionError`` when no verified release can be made.
    """
    from redaction.pipeline import release_pdf
    from redaction.rules import load_rules

    chosen = [engine_finding(r) for r in redacted(rows, include_suggested)]
    kept = [r.text for r in rows if r.state in ("rejected", "kept")]
    out = out or exports_dir(data_dir, document) / "release.pdf"
    # The boxes are in page coordinates, which a normalised copy (the engine's second attempt) keeps.
    _, warnings = release_pdf(file_path(data_dir, document.sha256), out, lambda _document: (chosen, kept),
                              format_ground=load_rules().format_ground, ocr=False)
    return out, warnings, len(chosen)


def release_counts(rows: list[Finding], include_suggested: bool = False) -> dict:
    """How many passages a release redacts, per entity and per ground (for the inventory and the report)."""
    from collections import Counter

    chosen = redacted(rows, include_suggested)
    return {"counts_per_entity": dict(Counter(r.entity for r in chosen)),
            "counts_per_ground": dict(Counter(r.ground for r in chosen if r.ground))}


def redacted(rows: list[Finding], include_suggested: bool = False) -> list[Finding]:
    """The findings a release blacks out: the accepted ones, and with ``include_suggested`` the open ones."""
    states = {"accepted", "suggested"} if include_suggested else {"accepted"}
    return [r for r in rows if r.state in states and r.page is not None]
