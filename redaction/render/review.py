"""The review PDF: the document untouched, every finding highlighted with its entity, ground and reason."""

from __future__ import annotations

from pathlib import Path

import pymupdf

from ..findings import DecisionKind, Finding

COLOURS = {
    DecisionKind.SUGGEST: (1.0, 0.92, 0.0),  # yellow, as reviewers expect for suggestions
    DecisionKind.REDACT: (1.0, 0.55, 0.0),  # orange: will be redacted unless a reviewer objects
    DecisionKind.KEEP: (0.55, 0.85, 0.55),  # green: found but kept visible, with the reason
}

LABELS = {
    DecisionKind.SUGGEST: "voorstel",
    DecisionKind.REDACT: "lakken",
    DecisionKind.KEEP: "zichtbaar laten",
}


def render_review(source: pymupdf.Document, findings: list[Finding], out: Path, format_ground=str) -> None:
    """Write a copy of ``source`` with a highlight annotation on every finding."""
    review = pymupdf.open("pdf", source.tobytes(garbage=0))
    try:
        for finding in findings:
            for page_index, rects in _page_rects(finding):
                page = review[page_index]
                quads = [pymupdf.Rect(r).quad for r in rects]
                annot = page.add_highlight_annot(quads)
                annot.set_colors(stroke=COLOURS[finding.decision])
                ground = format_ground(finding.ground) if finding.ground else "-"
                annot.set_info(
                    title=f"{finding.entity} · {ground}",
                    subject=LABELS[finding.decision],
                    content=f"{LABELS[finding.decision]}: {finding.entity}, grond {ground}. {finding.reason}",
                )
                annot.update()
        review.set_metadata({**(source.metadata or {}), "title": (source.metadata or {}).get("title") or ""})
        review.save(str(out), garbage=3, deflate=True)
    finally:
        review.close()


def _page_rects(finding: Finding):
    if finding.page is not None and finding.rects:
        yield finding.page, finding.rects
    for page_index, rects in finding.extra_pages:
        yield page_index, rects
