"""Uploads: checked by content (not by name), limited in size and pages, stored once, queued for analysis.

Nothing of a request is stored unless every file in it passes, so a refused upload leaves no trace but
its error.
"""

from __future__ import annotations

import re

from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from . import storage
from .models import Document, Dossier, User
from .review import ReviewError, audit

DEFAULT_NAME = "document.pdf"


def check_pdf(name: str, content: bytes, max_pages: int) -> int:
    """The page count of an upload that MuPDF can open; ``ReviewError`` (400/413/415) otherwise."""
    if not content:
        raise ReviewError(400, f"The file {name!r} is empty.")
    if not storage.looks_like_pdf(content):
        raise ReviewError(415, f"The file {name!r} is not a PDF (checked by its content).")
    import pymupdf

    try:
        pdf = pymupdf.open(stream=content, filetype="pdf")
    except Exception:
        raise ReviewError(400, f"The file {name!r} is damaged: it cannot be opened as a PDF.") from None
    try:
        if pdf.needs_pass:
            raise ReviewError(400, f"The file {name!r} is encrypted with a password; upload it without one.")
        pages = pdf.page_count
    except ReviewError:
        raise
    except Exception:
        raise ReviewError(400, f"The file {name!r} is damaged: its pages cannot be read.") from None
    finally:
        pdf.close()
    if pages < 1:
        raise ReviewError(400, f"The file {name!r} has no pages.")
    if pages > max_pages:
        raise ReviewError(413, f"The file {name!r} has {pages} pages; the limit is {max_pages}.")
    return pages


def stored_name(name: str | None) -> str:
    """A safe file name to show and offer for download: no folders, no control characters."""
    safe = re.sub(r"\.{2,}", ".", secure_filename(name or "")).strip("._") or DEFAULT_NAME
    if not safe.lower().endswith(".pdf"):
        safe += ".pdf"
    return safe[-255:]


def accept_uploads(db, user: User, dossier: Dossier, files: list[FileStorage], data_dir, max_pages: int
                   ) -> list[Document]:
    if not files:
        raise ReviewError(400, "Send one or more PDF files in the multipart field 'file'.")
    checked = []
    for upload in files:
        content = upload.read()
        name = upload.filename or DEFAULT_NAME
        pages = check_pdf(name, content, max_pages)
        checked.append((stored_name(name), content, pages))
    documents = []
    for name, content, pages in checked:
        digest = storage.store(data_dir, content)
        document = Document(dossier_id=dossier.id, filename=name, sha256=digest, pages=pages, status="queued")
        db.add(document)
        db.flush()
        audit(db, user, dossier.id, "document.upload", None,
              {"document": document.id, "filename": name, "sha256": digest, "pages": pages})
        documents.append(document)
    return documents
