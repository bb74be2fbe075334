"""Text typeset as A4 PDF pages with MuPDF's Story: printed e-mails and plain-text files, so that they are
reviewed, redacted and verified like any document."""

from __future__ import annotations

import functools
import html
import io
import re

import pymupdf

A4 = pymupdf.paper_rect("a4")
MARGIN = 56
FONT_SIZE = 10
STYLE = f"font-family: sans-serif; font-size: {FONT_SIZE}pt"
# MuPDF's Story drops what does not fit of a word longer than a line (a long link): such words are broken
# up beforehand into pieces that surely fit, measured in Helvetica (the Story's sans-serif) with room to spare.
_PIECE_WIDTH = 0.9 * (A4.width - 2 * MARGIN)


def decode(content: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252, the two encodings Dutch offices write text in."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def pdf_from_html(markup_: str, title: str = "") -> bytes:
    """Story HTML laid out on as many A4 pages as it needs; the PDF's bytes, titled ``title``."""
    story = pymupdf.Story(html=markup_)
    buffer = io.BytesIO()
    writer = pymupdf.DocumentWriter(buffer)
    area = A4 + (MARGIN, MARGIN, -MARGIN, -MARGIN)
    more = True
    while more:
        device = writer.begin_page(A4)
        more, _ = story.place(area)
        story.draw(device)
        writer.end_page()
    writer.close()
    pdf = pymupdf.open("pdf", buffer.getvalue())
    try:
        pdf.set_metadata({"title": title, "producer": "woo-redact", "creator": "woo-redact"})
        return pdf.tobytes(garbage=3, deflate=True)
    finally:
        pdf.close()


def text_to_pdf(content: bytes, title: str = "") -> bytes:
    """A plain-text file typeset on A4 pages (lines wrapped, blank lines kept)."""
    body = markup(decode(content).replace("\r\n", "\n").replace("\r", "\n"))
    return pdf_from_html(f'<pre style="{STYLE}; white-space: pre-wrap">{body}</pre>', title)


@functools.cache
def _font() -> pymupdf.Font:
    return pymupdf.Font("helv")


def _char_width(ch: str) -> float:
    font = _font()
    code = ord(ch)
    # A character Helvetica lacks comes from a fallback font: count it a full em wide, the widest there is.
    return font.glyph_advance(code) * FONT_SIZE if font.has_glyph(code) else FONT_SIZE


def _break_long_words(text: str) -> str:
    """``text`` with every word too wide for a line split over lines of its own, nothing else changed."""

    def pieces(match: re.Match[str]) -> str:
        word = match.group()
        if len(word) * FONT_SIZE <= _PIECE_WIDTH:  # no character is wider than an em: it fits
            return word
        lines, start, width = [], 0, 0.0
        for i, ch in enumerate(word):
            advance = _char_width(ch)
            if width + advance > _PIECE_WIDTH and i > start:
                lines.append(word[start:i])
                start, width = i, 0.0
            width += advance
        lines.append(word[start:])
        return "\n".join(lines)

    return re.sub(r"\S+", pieces, text)


def markup(text: str) -> str:
    """``text`` as Story HTML that prints it literally, long words broken up.

    MuPDF's HTML reader decodes character references twice (``&amp;amp;`` prints ``&``, ``&amp;lt;``
    prints ``<``), so the text is escaped twice: a body that reads ``&lt;b&gt;`` or ``&amp;`` prints as written.
    """
    return html.escape(html.escape(_break_long_words(text)))
