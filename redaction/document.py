"""Documents: open an input once, extract its text once, and keep a map from every character to its box.

Detection works on ``Document.text``; a finding is a character span of that text, and ``Document.boxes``
turns it into rectangles on pages. There is never a second search for strings on the page.

Text layout (the contract the recognizers rely on): every text line ends in ``\\n``, every block ends in
an extra ``\\n``, pages are separated by ``\\f``. A word hyphenated at a line end reads ``-\\n``.
"""

from __future__ import annotations

import io
import os
from array import array
from dataclasses import dataclass, field
from pathlib import Path

import pymupdf

from .errors import EncryptedInput, InputError
from .findings import Rect

PAGE_BREAK = "\f"

# Ligatures are expanded (so "ﬁ" reads "fi"); whitespace is kept so offsets line up with what is drawn.
# Images are not needed in the text (they are counted separately), and copying them out is costly.
_TEXT_FLAGS = (pymupdf.TEXTFLAGS_RAWDICT | pymupdf.TEXT_PRESERVE_WHITESPACE) & ~(
    pymupdf.TEXT_PRESERVE_LIGATURES | pymupdf.TEXT_PRESERVE_IMAGES
)
_CONTROL = frozenset("\f\n\r\x0b")


@dataclass
class PageInfo:
    index: int
    width: float
    height: float
    start: int  # offset of the page's first character in Document.text
    end: int
    has_text: bool
    image_count: int = 0


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


def open_document(path: str | os.PathLike, password: str | None = None) -> Document:
    """Open a PDF or a plain-text file; raise ``InputError`` (or ``EncryptedInput``) with a clear sentence."""
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
    if data.lstrip()[:5] == b"%PDF-" or data[:1024].find(b"%PDF-") >= 0:
        return _open_pdf(path, data, password)
    if path.suffix.lower() == ".txt" or _looks_like_text(data):
        return _open_text(path, data)
    raise InputError(f"{path}: not a PDF or a plain-text file; convert it to PDF first.")


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


def _open_pdf(path: Path, data: bytes, password: str | None) -> Document:
    try:
        pdf = pymupdf.open(stream=io.BytesIO(data), filetype="pdf")
    except Exception as exc:  # MuPDF raises several types for damaged files
        raise InputError(f"{path}: the PDF is damaged and cannot be opened ({_short(exc)}).") from exc
    if pdf.needs_pass:
        if not password or not pdf.authenticate(password):
            pdf.close()
            if password:
                raise EncryptedInput(f"{path}: the password is wrong; give the document's password with --password.")
            raise EncryptedInput(f"{path}: the PDF is encrypted; give its password with --password.")
    if pdf.page_count == 0:
        pdf.close()
        raise InputError(f"{path}: the PDF has no pages; ask the sender for a complete copy.")
    _bake_visible_annotations(pdf)
    return extract(pdf, path)


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:120]


def _bake_visible_annotations(pdf: pymupdf.Document) -> None:
    """Make filled-in form fields and visible annotations part of the page content.

    Their text is then read, detected and truly removed like any other text; what stays an annotation
    (comments, attachments) is removed from the release by the cleaner.
    """
    has_any = False
    for page in pdf:
        if page.first_widget is not None or page.first_annot is not None:
            has_any = True
            break
    if not has_any:
        return
    try:
        pdf.bake(annots=True, widgets=True)
    except Exception:
        # A damaged appearance stream must not stop the document; the cleaner removes what was not baked.
        pass


def extract(pdf: pymupdf.Document, path: Path | None = None) -> Document:
    """Extract the text of every page once, with the box of every character."""
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
        page = pdf[index]
        if index:
            separator(PAGE_BREAK)
        start = len(parts)
        has_text = False
        try:
            raw = page.get_text("rawdict", flags=_TEXT_FLAGS)
        except Exception:
            raw = {"blocks": []}
        for block in raw.get("blocks", []):
            wrote_block = False
            for line in block.get("lines", ()):
                first = len(parts)
                for span in line.get("spans", ()):
                    for char in span.get("chars", ()):
                        c = char["c"]
                        if len(c) == 1:
                            parts.append(" " if c in _CONTROL else c)
                            char_box.extend(char["bbox"])
                        else:  # an expanded ligature gives its box to each letter
                            for sub in c:
                                parts.append(" " if sub in _CONTROL else sub)
                                char_box.extend(char["bbox"])
                count = len(parts) - first
                if count:
                    char_page.extend([index] * count)
                    char_line.extend([line_no] * count)
                    if not has_text and "".join(parts[first:]).strip():
                        has_text = True
                    separator("\n")
                    line_no += 1
                    wrote_block = True
            if wrote_block:
                separator("\n")
        try:
            images = len(page.get_images(full=False))
        except Exception:
            images = 0
        rect = page.rect
        pages.append(
            PageInfo(index=index, width=rect.width, height=rect.height, start=start, end=len(parts),
                     has_text=has_text, image_count=images)
        )
    return Document(path=path, text="".join(parts), pages=pages, pdf=pdf,
                    char_page=char_page, char_box=char_box, char_line=char_line)
