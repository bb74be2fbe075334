"""Helpers for tests: real PDFs built with PyMuPDF, and everything a reader can get out of one."""

from __future__ import annotations

import sys
from pathlib import Path

import pymupdf

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
WOO_REDACT = [sys.executable, "-m", "redaction.cli"]


def make_pdf(path: Path, lines: list[str], *, author: str | None = None, annotation: str | None = None,
             field_value: str | None = None, bookmark: str | None = None, password: str | None = None,
             fontsize: float = 11) -> Path:
    """A one-page A4 PDF with the given lines of text, and optionally PII in places outside the text."""
    doc = pymupdf.open()
    page = doc.new_page(width=595.28, height=841.89)
    y = 80
    for line in lines:
        page.insert_text((72, y), line, fontsize=fontsize, fontname="helv")
        y += fontsize * 1.25
    if annotation:
        annot = page.add_text_annot((400, 60), annotation)
        annot.set_info(title=annotation, content=annotation)
        annot.update()
    if field_value:
        widget = pymupdf.Widget()
        widget.field_type = pymupdf.PDF_WIDGET_TYPE_TEXT
        widget.field_name = "naam"
        widget.field_value = field_value
        widget.rect = pymupdf.Rect(72, 700, 300, 720)
        page.add_widget(widget)
    if author:
        doc.set_metadata({"author": author, "title": "test"})
        doc.set_xml_metadata(
            '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
            f'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>{author}</dc:creator></rdf:Description>'
            '</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
        )
    if bookmark:
        doc.set_toc([[1, bookmark, 1]])
    kwargs = {}
    if password:
        kwargs = dict(encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw=password, owner_pw=password + "x")
    doc.save(str(path), **kwargs)
    doc.close()
    return path


def all_text(path: Path) -> str:
    """Everything a reader can get out of a PDF as text: pages, annotations, fields, metadata, XMP, TOC."""
    doc = pymupdf.open(str(path))
    parts = [str(v) for v in (doc.metadata or {}).values() if v]
    parts.append(doc.get_xml_metadata() or "")
    parts += [str(e[1]) for e in doc.get_toc()]
    parts += doc.embfile_names()
    for page in doc:
        parts.append(page.get_text("text"))
        for annot in page.annots() or []:
            parts += [str(v) for v in (annot.info or {}).values()]
        for widget in page.widgets() or []:
            parts.append(str(widget.field_value or ""))
    doc.close()
    return "\n".join(parts)
