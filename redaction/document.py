"""Documents: open an input once, extract its text once, and keep a map from every character to its box.

Detection works on ``Document.text``; a finding is a character span of that text, and ``Document.boxes``
turns it into rectangles on pages. There is never a second search for strings on the page.

Text layout (the contract the recognizers rely on): every text line ends in ``\\n``, every block ends in
an extra ``\\n``, pages are separated by ``\\f``. A word hyphenated at a line end reads ``-\\n``.
"""

from __future__ import annotations

import io
import itertools
import os
import stringprep
import unicodedata
from array import array
from dataclasses import dataclass, field
from pathlib import Path

import pymupdf

from .errors import DamagedInput, EncryptedInput, InputError, short_reason
from .findings import Finding, Rect

PAGE_BREAK = "\f"

# Ligatures are expanded (so "ﬁ" reads "fi"); whitespace is kept so offsets line up with what is drawn.
# Images are not needed in the text (they are counted separately), and copying them out is costly.
_TEXT_FLAGS = (pymupdf.TEXTFLAGS_RAWDICT | pymupdf.TEXT_PRESERVE_WHITESPACE) & ~(
    pymupdf.TEXT_PRESERVE_LIGATURES | pymupdf.TEXT_PRESERVE_IMAGES
)
_CONTROL = frozenset("\f\n\r\x0b")
_CONTROL_TO_SPACE = str.maketrans({c: " " for c in _CONTROL})
_chain = itertools.chain.from_iterable


@dataclass
class PageInfo:
    index: int
    width: float
    height: float
    start: int  # offset of the page's first character in Document.text
    end: int
    has_text: bool  # the page has a text layer of its own
    image_count: int = 0
    ocr_confidence: float | None = None  # set when (part of) the page was read by OCR: Tesseract's mean, 0-100
    ocr_words: int = 0
    scanned: bool = False  # the page (or a large part of it) is an image: it needs OCR


@dataclass
class Document:
    """The text of a document with a character→box map (for PDFs) and the PDF itself, opened once."""

    path: Path | None
    text: str
    pages: list[PageInfo] = field(default_factory=list)
    pdf: pymupdf.Document | None = None
    # For character i: the page it is on (-1 for separators) and its box (x0, y0, x1, y1).
    char_page: array = field(default_factory=lambda: array("i"))
    char_box: array = field(default_factory=lambda: array("f"))
    char_line: array = field(default_factory=lambda: array("i"))
    converted_from: str | None = None  # "Word", "e-mail (EML)", "image (TIFF)": the PDF was made from it
    attachments: list = field(default_factory=list)  # an e-mail's attachments, not part of this document

    @property
    def is_pdf(self) -> bool:
        return self.pdf is not None

    def page_of(self, offset: int) -> int | None:
        if not self.is_pdf or offset >= len(self.char_page):
            return None
        page = self.char_page[offset]
        return page if page >= 0 else None

    def boxes(self, start: int, end: int) -> dict[int, list[Rect]]:
        """The rectangles of text[start:end], one per page line, grouped by page.

        Whitespace and separators contribute no box; characters of one line are united into one rect.
        """
        result: dict[int, list[Rect]] = {}
        if not self.is_pdf:
            return result
        current_key = None
        x0 = y0 = x1 = y1 = 0.0
        for i in range(start, min(end, len(self.char_page))):
            page = self.char_page[i]
            if page < 0 or self.text[i].isspace():
                continue
            key = (page, self.char_line[i])
            bx0, by0, bx1, by1 = self.char_box[4 * i : 4 * i + 4]
            if key != current_key:
                if current_key is not None:
                    result.setdefault(current_key[0], []).append((x0, y0, x1, y1))
                current_key = key
                x0, y0, x1, y1 = bx0, by0, bx1, by1
            else:
                x0, y0, x1, y1 = min(x0, bx0), min(y0, by0), max(x1, bx1), max(y1, by1)
        if current_key is not None:
            result.setdefault(current_key[0], []).append((x0, y0, x1, y1))
        return result

    def page_text(self, index: int) -> str:
        page = self.pages[index]
        return self.text[page.start : page.end]

    def close(self) -> None:
        if self.pdf is not None:
            self.pdf.close()


IMAGE_TYPES = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpeg", b"II*\x00": "tiff", b"MM\x00*": "tiff"}


def image_type(head: bytes) -> str | None:
    """``png``, ``jpeg`` or ``tiff`` when the bytes start like such an image."""
    return next((kind for magic, kind in IMAGE_TYPES.items() if head.startswith(magic)), None)


def open_document(path: str | os.PathLike, password: str | None = None, normalise: bool = False,
                  ocr: bool = True) -> Document:
    """Open a PDF, an image (PNG, JPEG, TIFF with all its pages) or a plain-text file; raise ``InputError``
    (or ``EncryptedInput``) with a clear sentence.

    ``normalise`` rewrites a PDF in memory (MuPDF writes every object anew) and works on that copy: the
    retry for damaged files whose edits would otherwise be lost on save. Scanned pages are read by OCR
    unless ``ocr`` is false.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: file not found; check the path.")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a file; give the files inside it.")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror}); check its permissions.") from exc
    if not data:
        raise InputError(f"{path}: the file is empty; give a PDF or a text file.")
    if data[:1024].find(b"%PDF") >= 0 or path.suffix.lower() == ".pdf":
        return _open_pdf(path, data, password, normalise, ocr)
    from .convert.inputs import convert

    converted = convert(path.name, data)
    if converted is not None:
        document = _open_pdf(path, converted.pdf, None, False, ocr)
        document.converted_from, document.attachments = converted.source, converted.attachments
        return document
    if path.suffix.lower() == ".txt" or _looks_like_text(data):
        return _open_text(path, data)
    raise InputError(f"{path}: not a PDF, image, Office file, e-mail or plain-text file; convert it to PDF first.")


def image_to_pdf(path: Path, data: bytes, kind: str) -> bytes:
    """A scan or photo as a PDF with one page per image frame, sized by the image's resolution."""
    try:
        with pymupdf.open(stream=data, filetype=kind) as image:
            if image.page_count == 0:
                raise InputError(f"{path}: the image has no frames; ask the sender for a complete copy.")
            return image.convert_to_pdf()
    except InputError:
        raise
    except Exception as exc:
        raise InputError(f"{path}: the image is damaged and cannot be read ({short_reason(exc)}); "
                         "ask the sender for an undamaged copy.") from exc


def _looks_like_text(data: bytes) -> bool:
    sample = data[:4096]
    if b"\x00" in sample:
        return False
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character may be cut at the end of the sample.
        return exc.start > len(sample) - 4
    return True


def _open_text(path: Path, data: bytes) -> Document:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Document(path=path, text=text)


def _open_pdf(path: Path, data: bytes, password: str | None, normalise: bool = False, ocr: bool = True
              ) -> Document:
    pdf = _load(path, data)
    try:
        _unlock(pdf, path, password)
        if pdf.page_count == 0:
            raise InputError(f"{path}: the PDF has no pages; ask the sender for a complete copy.")
        if normalise:
            try:
                fresh = _load(path, pdf.tobytes(garbage=3, no_new_id=True))
            except Exception as exc:
                raise DamagedInput(f"{path}: the PDF is damaged and cannot be rewritten ({short_reason(exc)}); "
                                   "repair it (for example by printing it to a new PDF) and try again.") from exc
            pdf.close()
            pdf = fresh
            if pdf.page_count == 0:
                raise InputError(f"{path}: the PDF has no readable pages; ask the sender for a complete copy.")
        _bake_visible_annotations(pdf)
        return extract(pdf, path, ocr=ocr)
    except BaseException:
        pdf.close()
        raise


def _load(path: Path, data: bytes) -> pymupdf.Document:
    try:
        pdf = pymupdf.open(stream=io.BytesIO(data), filetype="pdf")
        pdf.page_count  # a broken page tree raises here
        return pdf
    except Exception as exc:  # MuPDF raises several types for damaged files
        raise InputError(f"{path}: the PDF is damaged and cannot be opened ({short_reason(exc)}); "
                         "ask the sender for an undamaged copy.") from exc


def _unlock(pdf: pymupdf.Document, path: Path, password: str | None) -> None:
    if not pdf.needs_pass:
        return
    if password:
        for candidate in password_candidates(password):
            if pdf.authenticate(candidate):
                return
        raise EncryptedInput(f"{path}: the password is wrong; give the document's password with --password.")
    raise EncryptedInput(f"{path}: the PDF is encrypted; give its password with --password.")


def password_candidates(password: str) -> list[str]:
    """The password as typed, then as SASLprep (RFC 4013) prepares it, which AES-256 (R5/R6) PDFs
    require: "SªSL\u00adprep" opens a file whose password is "SaSLprep"."""
    candidates = [password]
    prepared = saslprep(password)
    if prepared is not None and prepared not in candidates:
        candidates.append(prepared)
    return candidates


def saslprep(text: str) -> str | None:
    """SASLprep of RFC 4013 for a stored string; ``None`` if the result holds a prohibited character."""
    mapped = "".join(
        " " if stringprep.in_table_c12(c) else c for c in text if not stringprep.in_table_b1(c)
    )
    prepared = unicodedata.normalize("NFKC", mapped)
    prohibited = (stringprep.in_table_c12, stringprep.in_table_c21, stringprep.in_table_c22,
                  stringprep.in_table_c3, stringprep.in_table_c4, stringprep.in_table_c5,
                  stringprep.in_table_c6, stringprep.in_table_c7, stringprep.in_table_c8,
                  stringprep.in_table_c9, stringprep.in_table_a1)
    if any(check(c) for c in prepared for check in prohibited):
        return None
    if any(stringprep.in_table_d1(c) for c in prepared):  # bidirectional rule of RFC 3454, section 6
        if any(stringprep.in_table_d2(c) for c in prepared):
            return None
        if not (stringprep.in_table_d1(prepared[0]) and stringprep.in_table_d1(prepared[-1])):
            return None
    return prepared


def _bake_visible_annotations(pdf: pymupdf.Document) -> None:
    """Make filled-in form fields and visible annotations part of the page content.

    Their text is then read, detected and truly removed like any other text; what stays an annotation
    (comments, attachments) is removed from the release by the cleaner.
    """
    try:
        has_any = False
        for page in pdf:
            if page.first_widget is not None or page.first_annot is not None:
                has_any = True
                break
        if has_any:
            pdf.bake(annots=True, widgets=True)
    except Exception:
        # A damaged appearance stream must not stop the document; the cleaner removes what was not baked.
        pass


# A page is read by OCR when it has no text layer but images, or when images cover this share of it
# (a scan with a stamp or a typed header in a text layer, a text page with a pasted-in scan).
OCR_IMAGE_SHARE = 0.15


def _needs_ocr(page: pymupdf.Page, has_text: bool, images: int) -> bool:
    if not images:
        return False
    if not has_text:
        return True
    try:
        area = sum(abs(pymupdf.Rect(info["bbox"]) & page.rect) for info in page.get_image_info())
    except Exception:
        return False
    return area >= OCR_IMAGE_SHARE * abs(page.rect)


def _ocr_blocks(page: pymupdf.Page, raw: dict) -> tuple[list[dict], float | None, int]:
    """The OCR'd words of ``page`` that the text layer does not already hold, as rawdict blocks."""
    from . import ocr

    read = ocr.read_page(page)
    taken = [char["bbox"] for block in raw.get("blocks", []) for line in block.get("lines", ())
             for span in line.get("spans", ()) for char in span.get("chars", ()) if not char["c"].isspace()]

    def in_text_layer(word) -> bool:
        cx, cy = (word.bbox[0] + word.bbox[2]) / 2, (word.bbox[1] + word.bbox[3]) / 2
        return any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in taken)

    words = [w for w in read.words if not in_text_layer(w)] if taken else read.words
    return ocr.rawdict(words)["blocks"], ocr.OcrPage(words).confidence, len(words)


def extract(pdf: pymupdf.Document, path: Path | None = None, ocr: bool = True) -> Document:
    """Extract the text of every page once, with the box of every character; scanned pages (and scanned
    parts of pages) are read by OCR unless ``ocr`` is false (for a release whose boxes are known)."""
    parts: list[str] = []
    char_page = array("i")
    char_box = array("f")
    char_line = array("i")
    pages: list[PageInfo] = []
    line_no = 0
    no_box = (0.0, 0.0, 0.0, 0.0)

    def separator(c: str) -> None:
        parts.append(c)
        char_page.append(-1)
        char_box.extend(no_box)
        char_line.append(-1)

    for index in range(pdf.page_count):
        try:
            page = pdf[index]
            raw = page.get_text("rawdict", flags=_TEXT_FLAGS)
        except Exception as exc:
            # A page whose text cannot be read cannot be redacted either: never release it as "no text".
            raise DamagedInput(f"{path}: page {index + 1} of the PDF cannot be read ({short_reason(exc)}); repair "
                               "the PDF (for example by printing it to a new PDF) and try again.") from exc
        if index:
            separator(PAGE_BREAK)
        start = len(parts)
        has_text = any(char["c"].strip() for block in raw.get("blocks", []) for line in block.get("lines", ())
                       for span in line.get("spans", ()) for char in span.get("chars", ()))
        try:
            images = len(page.get_images(full=False))
        except Exception:
            images = 0
        blocks = raw.get("blocks", [])
        confidence, ocr_words = None, 0
        scanned = _needs_ocr(page, has_text, images)
        if ocr and scanned:
            extra, confidence, ocr_words = _ocr_blocks(page, raw)
            blocks = blocks + extra
        for block in blocks:
            wrote_block = False
            for line in block.get("lines", ()):
                first = len(parts)
                for span in line.get("spans", ()):
                    chars = span.get("chars", ())
                    text = "".join([char["c"] for char in chars]).translate(_CONTROL_TO_SPACE)
                    if len(text) == len(chars):
                        parts.extend(text)
                        char_box.extend(_chain([char["bbox"] for char in chars]))
                        continue
                    for char in chars:  # an expanded ligature gives its box to each letter
                        for sub in char["c"]:
                            parts.append(" " if sub in _CONTROL else sub)
                            char_box.extend(char["bbox"])
                count = len(parts) - first
                if count:
                    char_page.extend([index] * count)
                    char_line.extend([line_no] * count)
                    separator("\n")
                    line_no += 1
                    wrote_block = True
            if wrote_block:
                separator("\n")
        rect = page.rect
        pages.append(
            PageInfo(index=index, width=rect.width, height=rect.height, start=start, end=len(parts),
                     has_text=has_text, image_count=images, ocr_confidence=confidence, ocr_words=ocr_words,
                     scanned=scanned)
        )
    return Document(path=path, text="".join(parts), pages=pages, pdf=pdf,
                    char_page=char_page, char_box=char_box, char_line=char_line)


def locate(document: Document, findings: list[Finding]) -> None:
    """Give each finding its page and rectangles through the document's character map."""
    for finding in findings:
        by_page = document.boxes(finding.start, finding.end)
        if not by_page:
            continue
        pages = sorted(by_page)
        finding.page = pages[0]
        finding.rects = by_page[pages[0]]
        finding.extra_pages = [(p, by_page[p]) for p in pages[1:]]
