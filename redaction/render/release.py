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
from pymupdf import mupdf

from ..errors import DamagedInput, short_reason
from ..findings import Finding, Rect

RASTER_DPI = 150
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
    area: pymupdf.Rect | None = None  # the untrimmed box: what is painted over when a page is rasterised


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
                boxes.append(Box(page_index, trim(rect), code, pymupdf.Rect(rect)))
    return boxes


def trim(rect: Rect) -> pymupdf.Rect:
    x0, y0, x1, y1 = rect
    h = y1 - y0
    side = min(SIDE_TRIM, (x1 - x0) / 4)
    return pymupdf.Rect(x0 + side, y0 + h * TOP_TRIM, x1 - side, y1 - h * BOTTOM_TRIM)


def render_release(pdf: pymupdf.Document, boxes: list[Box], redacted_texts: list[str], out: Path,
                   options: ReleaseOptions | None = None, rasterise: frozenset[int] | set[int] = frozenset()
                   ) -> list[int]:
    """Apply ``boxes`` to ``pdf`` (changed in place), clean it and save it to ``out`` without history.

    A page in ``rasterise``, or a page whose redaction MuPDF cannot apply (a content stream nested too deep
    for it), is replaced by a picture of itself with the boxes painted in: no text is left on it. Returns
    the (0-based) pages treated so; raises ``DamagedInput`` when even that or saving fails.
    """
    options = options or ReleaseOptions()
    by_page: dict[int, list[Box]] = {}
    for box in boxes:
        by_page.setdefault(box.page, []).append(box)
    rasterised = []
    for page_index, page_boxes in sorted(by_page.items()):
        page = _page(pdf, page_index)
        if page_index not in rasterise:
            try:
                redact_page(page, [box.rect for box in page_boxes], options.fill)
            except Exception:
                page = _page(pdf, page_index)
                rasterise = set(rasterise) | {page_index}
        if page_index in rasterise:
            page = _rasterise(pdf, page, page_boxes, options.fill)
            rasterised.append(page_index)
        if options.show_ground:
            try:
                write_codes(page, page_boxes, options.fill)
            except Exception:
                pass  # the code is a courtesy; the box itself is already applied
    clean(pdf, redacted_texts)
    try:
        pdf.save(str(out), garbage=4, deflate=True, clean=False, incremental=False, no_new_id=False)
    except Exception as exc:
        raise DamagedInput(f"the redacted PDF cannot be saved ({short_reason(exc)}); repair the PDF (for example "
                           "by printing it to a new PDF) and try again.") from exc
    return rasterised


def redact_page(page: pymupdf.Page, rects: list[pymupdf.Rect], fill) -> None:
    """Remove text, image pixels and covered line art under ``rects`` and fill them.

    PyMuPDF's ``add_redact_annot``/``apply_redactions`` keep a Python record of every annotation, which
    costs more than MuPDF's redaction itself on pages with many boxes. The same MuPDF calls are made here
    directly through PyMuPDF's low-level ``mupdf`` module, and the fills are drawn in one stroke. Should
    that module ever change shape, the public calls are used instead.
    """
    try:
        pdf_page = page._pdf_page()
        doc = pdf_page.doc()
        # Like PyMuPDF's own add_redact_annot: the boxes are placed with the page's rotation set aside.
        rotation = page.rotation
        if rotation:
            page.set_rotation(0)
        try:
            for r in rects:
                annot = mupdf.pdf_create_annot(pdf_page, mupdf.PDF_ANNOT_REDACT)
                mupdf.pdf_set_annot_rect(annot, mupdf.FzRect(r.x0, r.y0, r.x1, r.y1))
        finally:
            if rotation:
                page.set_rotation(rotation)
        opts = mupdf.PdfRedactOptions()
        opts.black_boxes = 0
        opts.text = pymupdf.PDF_REDACT_TEXT_REMOVE
        opts.image_method = pymupdf.PDF_REDACT_IMAGE_PIXELS
        opts.line_art = pymupdf.PDF_REDACT_LINE_ART_REMOVE_IF_COVERED
        if not mupdf.pdf_redact_page(doc, pdf_page, opts):
            raise RuntimeError("MuPDF applied no redaction")
    except (AttributeError, TypeError):
        for r in rects:
            page.add_redact_annot(r, cross_out=False)
        page.apply_redactions(
            images=pymupdf.PDF_REDACT_IMAGE_PIXELS,
            graphics=pymupdf.PDF_REDACT_LINE_ART_REMOVE_IF_COVERED,
            text=pymupdf.PDF_REDACT_TEXT_REMOVE,
        )
    shape = page.new_shape()
    for r in rects:
        shape.draw_rect(r)
    shape.finish(fill=fill, color=fill, width=0)
    shape.commit()


def _page(pdf: pymupdf.Document, index: int) -> pymupdf.Page:
    try:
        return pdf[index]
    except Exception as exc:
        raise DamagedInput(f"page {index + 1} cannot be loaded for redaction ({short_reason(exc)}); repair the PDF "
                           "(for example by printing it to a new PDF) and try again.") from exc


def _rasterise(pdf: pymupdf.Document, page: pymupdf.Page, boxes: list[Box], fill) -> pymupdf.Page:
    """Replace the page's content by an image of it with every box painted over."""
    try:
        for annot in list(page.annots(types=[pymupdf.PDF_ANNOT_REDACT]) or []):
            page.delete_annot(annot)
        rotation = page.rotation
        page.set_rotation(0)  # text boxes are in unrotated coordinates
        zoom = RASTER_DPI / 72
        pix = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), annots=False, alpha=False)
        colour = tuple(int(round(255 * c)) for c in fill)[: pix.n] if pix.n >= 3 else (int(255 * sum(fill) / 3),)
        origin = page.rect.tl
        for box in boxes:
            r = pymupdf.Rect(box.area or box.rect) - (origin.x, origin.y, origin.x, origin.y)
            area = pymupdf.IRect(int(r.x0 * zoom) - 1, int(r.y0 * zoom) - 1, int(r.x1 * zoom) + 2,
                                 int(r.y1 * zoom) + 2) & pix.irect
            if not area.is_empty:
                pix.set_rect(area, colour)
        pdf.xref_set_key(page.xref, "Contents", "null")
        pdf.xref_set_key(page.xref, "Resources", "<<>>")
        pdf.xref_set_key(page.xref, "Group", "null")
        page = pdf[page.number]
        page.insert_image(page.rect, pixmap=pix)
        page.set_rotation(rotation)
        return page
    except Exception as exc:
        raise DamagedInput(f"page {page.number + 1} cannot be redacted ({short_reason(exc)}); repair the PDF (for "
                           "example by printing it to a new PDF) and try again.") from exc


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
        width = _code_width(font, box.code)
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
_WIDTHS: dict[str, float] = {}


def _code_width(font: pymupdf.Font, code: str) -> float:
    """Width of ``code`` at font size 1 (there are only a handful of distinct codes)."""
    width = _WIDTHS.get(code)
    if width is None:
        width = _WIDTHS[code] = font.text_length(code, fontsize=1)
    return width


def _font() -> pymupdf.Font:
    global _FONT
    if _FONT is None:
        _FONT = pymupdf.Font(FONT)
    return _FONT


def clean(pdf: pymupdf.Document, redacted_texts: list[str]) -> None:
    """Remove what lives outside the page content: metadata, XMP, JavaScript, attachments, comments,
    form fields, links to redacted addresses, and redacted text in bookmarks.

    Written against damaged files: every step works on raw objects, one at a time, so one broken object
    neither stops the cleaning nor lets anything else through. Annotations are removed from each page's
    /Annots array directly, which also catches those MuPDF does not list (a FreeText without /DA)."""
    patterns = [_loose(t) for t in redacted_texts if len(re.findall(r"\w", t)) >= 2]
    for page in pdf:
        _clean_page(pdf, page, patterns)
    catalog = pdf.pdf_catalog()
    for key in ("AcroForm", "Names/EmbeddedFiles", "Names/JavaScript", "AA", "AF", "Collection",
                "Metadata", "PieceInfo", "SpiderInfo", "Perms",
                # The structure tree repeats text (/Alt, /ActualText) and points at annotations and form
                # fields that were baked or removed, which would keep their values in the file.
                "StructTreeRoot", "MarkInfo"):
        _drop(pdf, catalog, key)
    try:
        if pdf.xref_get_key(catalog, "OpenAction/S")[1] != "/GoTo":
            _drop(pdf, catalog, "OpenAction")
    except Exception:
        _drop(pdf, catalog, "OpenAction")
    _clean_outline(pdf, patterns)
    for xref, source in _reachable(pdf).items():  # JavaScript actions anywhere (links, outline items)
        try:
            # A JavaScript action is /S /JavaScript by definition. The walk has each object's source as MuPDF
            # writes it (names decoded), so only objects that mention JavaScript are asked for their key.
            if "JavaScript" in source and pdf.xref_get_key(xref, "S")[1] == "/JavaScript":
                pdf.update_object(xref, "<</S/JavaScript/JS()>>")
        except Exception:
            continue
    try:
        pdf.set_metadata({})
    except Exception:
        _drop(pdf, -1, "Info")
    try:
        pdf.del_xml_metadata()
    except Exception:
        pass


_REFERENCE = re.compile(r"(\d+)\s+\d+\s+R\b")


def _reachable(pdf: pymupdf.Document) -> dict[int, str]:
    """The objects reachable from the trailer, what the garbage-collecting save keeps: number -> source.

    Walking the references, not every number below ``xref_length``, keeps the cost to the objects that are
    there: a tiny damaged file may declare an object numbered in the millions. A reference found inside a
    string only adds an object to look at, never hides one."""
    length = _xref_length(pdf)
    sources: dict[int, str] = {}
    todo = [-1]  # the trailer
    seen = {-1}
    while todo:
        xref = todo.pop()
        try:
            source = pdf.xref_object(xref, compressed=True)
        except Exception:
            continue
        if xref > 0:
            sources[xref] = source
        for match in _REFERENCE.finditer(source):
            number = int(match.group(1))
            if 0 < number < length and number not in seen:
                seen.add(number)
                todo.append(number)
    return dict(sorted(sources.items()))


def _xref_length(pdf: pymupdf.Document) -> int:
    try:
        return pdf.xref_length()
    except Exception:
        return 0


def _drop(pdf: pymupdf.Document, xref: int, key: str) -> None:
    try:
        if pdf.xref_get_key(xref, key)[0] != "null":
            pdf.xref_set_key(xref, key, "null")
    except Exception:
        pass


def _clean_page(pdf: pymupdf.Document, page: pymupdf.Page, patterns: list[re.Pattern[str]]) -> None:
    """Keep only the page's links that lead nowhere redacted; drop every other annotation and widget."""
    keep = []
    try:
        for link in page.get_links():
            target = " ".join(str(link.get(k) or "") for k in ("uri", "file", "nameddest"))
            if target.strip() and (target.lower().startswith("mailto:") or any(p.search(target) for p in patterns)):
                continue
            if link.get("xref"):
                keep.append(link["xref"])
    except Exception:
        keep = []
    try:
        present = {xref for xref, *_ in page.annot_xrefs()}
    except Exception:
        present = set()
    kept = [x for x in keep if x in present]
    try:
        if kept:
            pdf.xref_set_key(page.xref, "Annots", "[" + " ".join(f"{x} 0 R" for x in kept) + "]")
        else:
            pdf.xref_set_key(page.xref, "Annots", "null")
    except Exception as exc:
        raise DamagedInput(f"the annotations of page {page.number + 1} cannot be removed ({short_reason(exc)}); repair "
                           "the PDF (for example by printing it to a new PDF) and try again.") from exc
    # Other objects (the structure tree, a field's parent) may still point at a removed annotation, and
    # would keep it and its values in the file: empty it.
    for xref in present - set(kept):
        try:
            pdf.update_object(xref, "<<>>")
        except Exception:
            pass
    for key in ("Thumb", "AA", "AF", "PieceInfo"):
        _drop(pdf, page.xref, key)


def _clean_outline(pdf: pymupdf.Document, patterns: list[re.Pattern[str]]) -> None:
    """Bookmarks: redacted text becomes "[gelakt]"; an outline that cannot be read whole goes entirely."""
    catalog = pdf.pdf_catalog()
    try:
        if pdf.xref_get_key(catalog, "Outlines")[0] == "null":
            return
    except Exception:
        return
    try:
        toc = pdf.get_toc(simple=False)
        items = _outline_items(pdf)
    except Exception:
        toc, items = None, None
    if toc is None or items is None or len(items) != len(toc):
        # Damaged (a loop, a dangling reference): a partial rewrite could keep hidden titles; drop it all.
        _drop(pdf, catalog, "Outlines")
        return
    if not patterns:
        return
    # The titles as MuPDF decodes them (a title may be an indirect string object, or UTF-16): a changed
    # title is written back as a direct string, and the old string object is dropped by the save.
    walked = set(items)
    for entry in toc:
        xref = entry[3].get("xref") if len(entry) > 3 and isinstance(entry[3], dict) else None
        title = entry[1]
        if not xref or xref not in walked or not isinstance(title, str):
            _drop(pdf, catalog, "Outlines")  # an item MuPDF shows but the walk did not reach
            return
        new = title
        for p in patterns:
            new = p.sub("[gelakt]", new)
        if new != title:
            pdf.xref_set_key(xref, "Title", pymupdf.get_pdf_str(new))


def _outline_items(pdf: pymupdf.Document) -> list[int] | None:
    """The xrefs of all outline items, walked by First/Next; ``None`` for a loop or a broken link."""
    seen: list[int] = []
    seen_set: set[int] = set()
    root = pdf.xref_get_key(pdf.pdf_catalog(), "Outlines")
    if root[0] != "xref":
        return None
    stack = [int(root[1].split()[0])]
    while stack:
        node = stack.pop()
        kind, value = pdf.xref_get_key(node, "First")
        child = int(value.split()[0]) if kind == "xref" else 0
        while child:
            if child in seen_set or len(seen) > 100000:
                return None
            seen.append(child)
            seen_set.add(child)
            stack.append(child)
            kind, value = pdf.xref_get_key(child, "Next")
            child = int(value.split()[0]) if kind == "xref" else 0
    return seen


def _loose(text: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in text.split()]
    return re.compile(r"\s+".join(words), re.IGNORECASE)
