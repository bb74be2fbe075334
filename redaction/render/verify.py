"""The verifier: re-open a release PDF and prove that nothing redacted can still be read from it.

Three checks, all on the saved file:

1. no character of the text layer has its centre inside a redaction box (other than the ground code
   printed there): this catches edits lost on save;
2. no redacted text (of at least four letters or digits) occurs anywhere else a reader can get at: page
   text, annotations, form fields, bookmarks, metadata, XMP, names of embedded files. A text that the
   engine deliberately kept visible elsewhere (a minister with the same surname) is not counted;
3. no image keeps picture information under a redaction box: each image is decoded as stored, and the part
   under a box must be one flat colour (the black fill on top does not count: it hides, it does not
   remove). This is what proves a scan's redaction.

A failure of check 1 or 3 names its pages: the release may then turn just those pages into pictures.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path

import pymupdf

from .release import Box

# A redacted text shorter than this (in letters and digits) is not looked for elsewhere: "Jan" or "Bos" is
# too often an ordinary word.
READABLE_MIN_CHARS = 4
_VERIFY_FLAGS = pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_PRESERVE_LIGATURES
_JOIN_BREAKS = re.compile(r"([-./@])[ \t]*\n\s*")
_SPACE = re.compile(r"\s+")


@dataclass
class VerifyReport:
    ok: bool
    problems: list[str] = field(default_factory=list)
    # 0-based pages where characters are still under a box (MuPDF kept them): these, and only these,
    # may be retried by rasterising the page. Any other problem has no known place and is final.
    box_pages: set[int] = field(default_factory=set)
    other_problems: int = 0
    # (normalised text, first place) of each redacted text still readable outside the kept texts
    readable: list[tuple[str, str]] = field(default_factory=list)


def normalise(text: str) -> str:
    return _SPACE.sub(" ", _JOIN_BREAKS.sub(r"\1", text)).strip().casefold()


EDGES = re.compile(r"^\W+|\W+$")


def core(text: str) -> str:
    """``text`` normalised, without the punctuation at its ends: a box drawn over "Zeewolde," redacts the
    place name, which may stand elsewhere without the comma."""
    return EDGES.sub("", normalise(text))


def _word_pattern(text: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(normalise(text))}(?!\w)")


def verify_release(path: Path, boxes: list[Box], redacted_texts: list[str], kept_texts: list[str] = (),
                   password: str | None = None, pages: int | None = None) -> VerifyReport:
    problems: list[str] = []
    readable: list[tuple[str, str]] = []
    try:
        pdf = pymupdf.open(str(path))
    except Exception as exc:
        return VerifyReport(False, [f"the release file cannot be re-opened ({exc})"])
    try:
        if pdf.needs_pass and not pdf.authenticate(password or ""):
            return VerifyReport(False, ["the release file is encrypted"])
        codes = {b.code for b in boxes}
        by_page: dict[int, list[Box]] = {}
        for box in boxes:
            by_page.setdefault(box.page, []).append(box)
        places: list[tuple[str, str]] = []
        box_pages: set[int] = set()
        if pages is not None and pdf.page_count != pages:
            problems.append(f"the release file has {pdf.page_count} pages instead of {pages}")
        for number in range(pdf.page_count):
            try:
                page = pdf[number]
                # One text page serves both checks; text outside the page's box is included.
                textpage = page.get_textpage(flags=_VERIFY_FLAGS)
                places.append((f"page {page.number + 1}", textpage.extractText()))
                if page.number in by_page:
                    leftovers = _text_in_boxes(page.number, textpage.extractWORDS(), by_page[page.number], codes)
                    leftovers += _pixels_in_boxes(pdf, page, by_page[page.number])
                    if leftovers:
                        problems += leftovers
                        box_pages.add(page.number)
                for annot in page.annots() or []:
                    info = annot.info or {}
                    places.append((f"an annotation on page {page.number + 1}",
                                   " ".join(str(v) for v in info.values())))
                for widget in page.widgets() or []:
                    places.append((f"a form field on page {page.number + 1}",
                                   f"{widget.field_name or ''} {widget.field_value or ''}"))
                if page.annot_xrefs():
                    # Annotations MuPDF does not list (a FreeText without /DA) can still be shown by others.
                    listed = len(list(page.annots() or [])) + len(list(page.widgets() or [])) + len(page.get_links())
                    if len(page.annot_xrefs()) > listed:
                        problems.append(f"page {page.number + 1} has annotations that cannot be checked")
            except Exception as exc:
                problems.append(f"page {number + 1} of the release cannot be read back ({type(exc).__name__})")
        places.append(("the document metadata", " ".join(str(v) for v in (pdf.metadata or {}).values() if v)))
        places.append(("the XMP metadata", pdf.get_xml_metadata() or ""))
        places.append(("the bookmarks", " ".join(str(e[1]) for e in pdf.get_toc(simple=True))))
        try:
            places.append(("the embedded files", " ".join(pdf.embfile_names())))
        except Exception:
            pass
        readable = still_readable(redacted_texts, kept_texts, places)
        problems += [f"redacted text is still readable in {where}" for _, where in readable]
    except Exception as exc:
        problems.append(f"the release file cannot be read back ({type(exc).__name__})")
        box_pages = set()
    finally:
        pdf.close()
    other = sum(1 for p in problems if "still under redaction boxes" not in p)
    return VerifyReport(not problems, problems, box_pages, other, readable)


def still_readable(redacted_texts, kept_texts, places: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``(text, where)`` for each redacted text (of at least four letters or digits) that can still be read
    as a word in one of ``places`` (``(where, text)`` pairs), with its first place.

    The places where a text was deliberately kept visible do not count: every occurrence of a kept text is
    masked first. So a minister who shares a surname with a redacted civil servant, or a name kept in
    "R. Soekhlal" while "Soekhlal" is redacted elsewhere, is not a leak; the same surname standing on its
    own anywhere else is."""
    kept = sorted({k for k in map(core, kept_texts) if k}, key=len, reverse=True)
    mask = re.compile("|".join(rf"(?<!\w){re.escape(k)}(?!\w)" for k in kept)) if kept else None
    normalised = []
    for where, text in places:
        text = normalise(text)
        normalised.append((where, mask.sub("\x00", text) if mask else text))
    everything = "\n".join(text for _, text in normalised)
    found = []
    for text in sorted({core(t) for t in redacted_texts}):
        if len(re.findall(r"\w", text)) < READABLE_MIN_CHARS or text not in everything:
            continue
        pattern = _word_pattern(text)
        for where, haystack in normalised:
            if pattern.search(haystack):
                found.append((text, where))
                break
    return found


# Inside a box, an image whose pixels were removed is one flat colour. A box over a word of a scan that
# still shows it has its most common colour on some 60 to 85% of the pixels (the paper), so any share below
# this is a leak. The box is looked at two image pixels in from its edges, where resampling blurs.
FLAT_SHARE = 0.99
EDGE_PIXELS = 2


def _pixels_in_boxes(pdf: pymupdf.Document, page: pymupdf.Page, boxes: list[Box]) -> list[str]:
    """Images on the saved page that still hold picture information under a redaction box.

    Every image is decoded from the file as it is stored, so what lies under the black fill counts, not
    what a viewer shows. An image placed skewed, or one that cannot be decoded, is not judged here."""
    found = 0
    try:
        images = page.get_images(full=True)
    except Exception:
        return []
    for image in images:
        xref = image[0]
        try:
            placements = page.get_image_rects(xref, transform=True)
        except Exception:
            continue
        placements = [(bbox, m) for bbox, m in placements
                      if any(bbox.intersects(b.rect) for b in boxes) and (abs(m.b) + abs(m.c) < 1e-6
                                                                           or abs(m.a) + abs(m.d) < 1e-6)]
        if not placements:
            continue
        try:
            pixels = pymupdf.Pixmap(pdf, xref)
        except Exception:
            continue
        for bbox, matrix in placements:
            try:
                to_unit = ~matrix
            except Exception:
                continue
            for box in boxes:
                if not bbox.intersects(box.rect):
                    continue
                unit = (box.rect & bbox) * to_unit  # in the image's unit square
                area = pymupdf.IRect(unit.x0 * pixels.width + EDGE_PIXELS, unit.y0 * pixels.height + EDGE_PIXELS,
                                     unit.x1 * pixels.width - EDGE_PIXELS, unit.y1 * pixels.height - EDGE_PIXELS)
                area &= pixels.irect
                if area.is_empty or area.width * area.height < 4:
                    continue
                share, _ = pixels.color_topusage(clip=area)
                if share < FLAT_SHARE:
                    found += 1
    if found:
        return [f"image pixels of {found} boxes are still under redaction boxes on page {page.number + 1}"]
    return []


def _text_in_boxes(number: int, words: list, boxes: list[Box], codes: set[str]) -> list[str]:
    """Words of the saved page that still stand in a redaction box, other than the printed ground code.

    A word counts when its centre lies in a box, or when at least half of its width overlaps one on
    the same line: this catches a character left behind on its own as well as edits lost on save.
    """
    rects = sorted((b.rect for b in boxes), key=lambda r: r.y0)
    tops = [r.y0 for r in rects]
    tallest = max((r.height for r in rects), default=0)
    leftovers = 0
    for x0, y0, x1, y1, text, *_ in words:
        rest = text
        for code in codes:
            if code:
                rest = rest.replace(code, "")
        if not any(ch.isalnum() for ch in rest):
            continue
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        width = max(x1 - x0, 0.01)
        start = bisect.bisect_left(tops, cy - tallest)
        for r in rects[start:bisect.bisect_right(tops, cy)]:
            if not r.y0 <= cy <= r.y1:
                continue
            if r.x0 <= cx <= r.x1 or (min(x1, r.x1) - max(x0, r.x0)) >= width / 2:
                leftovers += 1
                break
    if leftovers:
        return [f"{leftovers} words are still under redaction boxes on page {number + 1}"]
    return []
