"""The release PDF: text and image pixels under each box truly removed, the ground code in the box,
and everything outside the page content that could carry personal data cleaned away.

MuPDF removes a character when its box overlaps a redaction, so a box of the full line height would also
take characters of a line above or below when lines are set tightly. Boxes are therefore trimmed to the
middle of the line: the glyphs' ink is still covered and removed, the neighbours are not touched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pymupdf

from ..findings import Finding, Rect

TOP_TRIM = 0.18
BOTTOM_TRIM = 0.10
SIDE_TRIM = 0.3
FONT = "helv"


@dataclass
class ReleaseOptions:
    fill: tuple[float, float, float] = (0.0, 0.0, 0.0)
    show_ground: bool = True


@dataclass
class Box:
    page: int
    rect: pymupdf.Rect
    code: str


def redaction_boxes(findings: list[Finding], format_ground=str) -> list[Box]:
    boxes = []
    for finding in findings:
        code = format_ground(finding.ground) if finding.ground else ""
        pages = []
        if finding.page is not None:
            pages.append((finding.page, finding.rects))
        pages += finding.extra_pages
        for page_index, rects in pages:
            for rect in rects:
                boxes.append(Box(page_index, trim(rect), code))
    return boxes


def trim(rect: Rect) -> pymupdf.Rect:
    x0, y0, x1, y1 = rect
    h = y1 - y0
    side = min(SIDE_TRIM, (x1 - x0) / 4)
    return pymupdf.Rect(x0 + side, y0 + h * TOP_TRIM, x1 - side, y1 - h * BOTTOM_TRIM)


def render_release(pdf: pymupdf.Document, boxes: list[Box], redacted_texts: list[str], out: Path,
                   options: ReleaseOptions | None = None) -> None:
    """Apply ``boxes`` to ``pdf`` (changed in place), clean it and save it to ``out`` without history."""
    options = options or ReleaseOptions()
    by_page: dict[int, list[Box]] = {}
    for box in boxes:
        by_page.setdefault(box.page, []).append(box)
    for page_index, page_boxes in sorted(by_page.items()):
        page = pdf[page_index]
        for box in page_boxes:
            page.add_redact_annot(box.rect, fill=options.fill, cross_out=False)
        page.apply_redactions(
            images=pymupdf.PDF_REDACT_IMAGE_PIXELS,
            graphics=pymupdf.PDF_REDACT_LINE_ART_REMOVE_IF_COVERED,
            text=pymupdf.PDF_REDACT_TEXT_REMOVE,
        )
        if options.show_ground:
            write_codes(page, page_boxes, options.fill)
    clean(pdf, redacted_texts)
    pdf.save(str(out), garbage=4, deflate=True, clean=False, incremental=False, no_new_id=False)


def write_codes(page: pymupdf.Page, boxes: list[Box], fill) -> None:
    """Print each box's ground code at the start of the box, as large as fits, in one text object.

    Left-aligned rather than centred: when one box covers two adjacent names ("A, B"), the code then
    stands whole inside the first name's area instead of straddling both."""
    font = _font()
    writer = pymupdf.TextWriter(page.rect)
    wrote = False
    for box in boxes:
        if not box.code or box.rect.is_empty:
            continue
        width = font.text_length(box.code, fontsize=1)
        size = min(box.rect.height * 0.85, (box.rect.width - 1) / width if width else 0)
        size = max(size, min(box.rect.height * 0.85, 2.0))
        x = box.rect.x0 + min(1.0, box.rect.width * 0.05)
        y = box.rect.y0 + (box.rect.height + size * 0.7) / 2
        writer.append((x, y), box.code, font=font, fontsize=size)
        wrote = True
    if wrote:
        dark = sum(fill) / 3 < 0.5
        writer.write_text(page, color=(1, 1, 1) if dark else (0, 0, 0))


_FONT: pymupdf.Font | None = None


def _font() -> pymupdf.Font:
    global _FONT
    if _FONT is None:
        _FONT = pymupdf.Font(FONT)
    return _FONT


def clean(pdf: pymupdf.Document, redacted_texts: list[str]) -> None:
    """Remove what lives outside the page content: metadata, XMP, JavaScript, attachments, comments,
    form fields, links to redacted addresses, and redacted text in bookmarks."""
    patterns = [_loose(t) for t in redacted_texts if len(re.findall(r"\w", t)) >= 2]
    for page in pdf:
        for annot in list(page.annots() or []):
            page.delete_annot(annot)
        for widget in list(page.widgets() or []):
            page.delete_widget(widget)
        for link in page.get_links():
            target = " ".join(str(link.get(k) or "") for k in ("uri", "file", "nameddest"))
            if target.strip() and (target.lower().startswith("mailto:") or any(p.search(target) for p in patterns)):
                page.delete_link(link)
    toc = pdf.get_toc(simple=False)
    if toc:
        changed = False
        for entry in toc:
            title = entry[1]
            for p in patterns:
                title = p.sub("[gelakt]", title)
            if title != entry[1]:
                entry[1] = title
                changed = True
        if changed:
            pdf.set_toc(toc)
    pdf.scrub(
        attached_files=True, clean_pages=False, embedded_files=True, hidden_text=False, javascript=True,
        metadata=True, redactions=False, redact_images=0, remove_links=False, reset_fields=True,
        reset_responses=True, thumbnails=True, xml_metadata=True,
    )
    pdf.set_metadata({})
    pdf.del_xml_metadata()


def _loose(text: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in text.split()]
    return re.compile(r"\s+".join(words), re.IGNORECASE)
