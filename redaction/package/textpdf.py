"""A plain-text file of a package as a PDF, so that it is reviewed, redacted and verified like any document."""

from __future__ import annotations

import html
import io

import pymupdf

A4 = pymupdf.paper_rect("a4")
MARGIN = 56


def decode(content: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252, the two encodings Dutch offices write text in."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def text_to_pdf(content: bytes, title: str = "") -> bytes:
    """Typeset the text on A4 pages (lines wrapped, blank lines kept) and return the PDF's bytes."""
    body = html.escape(decode(content).replace("\r\n", "\n").replace("\r", "\n"))
    story = pymupdf.Story(html=f'<pre style="font-family: sans-serif; font-size: 10pt; white-space: pre-wrap">'
                               f"{body}</pre>")
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
