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
        raise ReviewError(400, f"The file {name!r} is empty.", f"Het bestand {name!r} is leeg.")
    if not storage.looks_like_pdf(content):
        raise ReviewError(415, f"The file {name!r} is not a PDF, scan image (PNG, JPEG, TIFF), Office file or e-mail "
                               "(checked by its content).",
                          f"Het bestand {name!r} is geen PDF, scan (PNG, JPEG, TIFF), Office-bestand of e-mail "
                          "(gecontroleerd aan de hand van de inhoud).")
    import pymupdf

    try:
        pdf = pymupdf.open(stream=content, filetype="pdf")
    except Exception:
        raise ReviewError(400, f"The file {name!r} is damaged: it cannot be opened as a PDF.",
                          f"Het bestand {name!r} is beschadigd: het kan niet als PDF worden geopend.") from None
    try:
        if pdf.needs_pass:
            raise ReviewError(400, f"The file {name!r} is encrypted with a password; upload it without one.",
                              f"Het bestand {name!r} is met een wachtwoord beveiligd; upload het zonder wachtwoord.")
        pages = pdf.page_count
    except ReviewError:
        raise
    except Exception:
        raise ReviewError(400, f"The file {name!r} is damaged: its pages cannot be read.",
                          f"Het bestand {name!r} is beschadigd: de pagina's kunnen niet worden gelezen.") from None
    finally:
        pdf.close()
    if pages < 1:
        raise ReviewError(400, f"The file {name!r} has no pages.", f"Het bestand {name!r} heeft geen pagina's.")
    if pages > max_pages:
        raise ReviewError(413, f"The file {name!r} has {pages} pages; the limit is {max_pages}.",
                          f"Het bestand {name!r} heeft {pages} pagina's; de limiet is {max_pages}.")
    return pages


def stored_name(name: str | None) -> str:
    """A safe file name to show and offer for download: no folders, no control characters."""
    safe = re.sub(r"\.{2,}", ".", secure_filename(name or "")).strip("._") or DEFAULT_NAME
    if not safe.lower().endswith(".pdf"):
        safe += ".pdf"
    return safe[-255:]


def as_pdf(name: str, content: bytes):
    """An image, Office file or e-mail upload converted to PDF (``redaction.convert``); None for anything
    else. A file that cannot be converted is refused (400), as is one whose converter is missing (503)."""
    if not content or storage.looks_like_pdf(content):
        return None
    from redaction.convert.inputs import CONVERTED, convert, input_kind
    from redaction.errors import MissingDependency, RedactionError

    if input_kind(name, content[:4096]) not in CONVERTED:
        return None
    try:
        return convert(name, content)
    except MissingDependency as exc:
        raise ReviewError(503, f"The file {name!r} cannot be converted on this server: {exc}",
                          f"Het bestand {name!r} kan op deze server niet worden omgezet: {exc}") from None
    except RedactionError as exc:
        raise ReviewError(400, f"The file {name!r} cannot be converted to PDF: {exc}",
                          f"Het bestand {name!r} kan niet naar PDF worden omgezet: {exc}") from None


def accept_uploads(db, user: User, dossier: Dossier, files: list[FileStorage], data_dir, max_pages: int
                   ) -> list[Document]:
    """Check every upload (PDFs; images, Office files and e-mails after their conversion to PDF), then store
    them all; an e-mail's attachments become documents of its family."""
    if not files:
        raise ReviewError(400, "Send one or more PDF files in the multipart field 'file'.",
                          "Kies een of meer PDF-bestanden om te uploaden (het multipart-veld 'file').")
    checked = []
    for upload in files:
        content = upload.read()
        name = upload.filename or DEFAULT_NAME
        converted = as_pdf(name, content)
        pdf = converted.pdf if converted is not None else content
        pages = check_pdf(name, pdf, max_pages)
        checked.append((name, content, converted, pdf, pages))
    documents = []
    for name, original, converted, pdf, pages in checked:
        documents += _store(db, user, dossier, data_dir, name, original, converted, pdf, pages, max_pages)
    return documents


def _store(db, user: User, dossier: Dossier, data_dir, name: str, original: bytes, converted, pdf: bytes,
           pages: int, max_pages: int, family: Document | None = None) -> list[Document]:
    digest = storage.store(data_dir, pdf)
    document = Document(dossier_id=dossier.id, filename=stored_name(name), sha256=digest, pages=pages,
                        status="queued", family_id=str(family.id) if family else None,
                        path=f"{family.filename}/{name}" if family else None)
    if converted is not None:
        document.source_kind, document.source = converted.kind, converted.source
        document.original_sha256 = storage.store(data_dir, original)
    db.add(document)
    db.flush()
    audit(db, user, dossier.id, "document.upload", None,
          {"document": document.id, "filename": document.filename, "sha256": digest, "pages": pages,
           **({"converted_from": converted.source} if converted is not None else {}),
           **({"attachment_of": family.id} if family else {})})
    stored = [document]
    for attachment in (converted.attachments if converted is not None else []):
        stored += _attachment(db, user, dossier, data_dir, document, attachment, max_pages)
    return stored


def _attachment(db, user: User, dossier: Dossier, data_dir, mail: Document, attachment, max_pages: int
                ) -> list[Document]:
    """An e-mail's attachment as a document of the mail's family; one that cannot be read is listed as
    unsupported with the reason (the e-mail itself is not refused for it)."""
    mail.family_id = str(mail.id)
    try:
        converted = as_pdf(attachment.name, attachment.content)
        pdf = converted.pdf if converted is not None else attachment.content
        pages = check_pdf(attachment.name, pdf, max_pages)
    except ReviewError as exc:
        document = Document(dossier_id=dossier.id, filename=stored_name(attachment.name), sha256="",
                            status="unsupported", error=exc.message, family_id=str(mail.id),
                            path=f"{mail.filename}/{attachment.name}")
        db.add(document)
        db.flush()
        return [document]
    return _store(db, user, dossier, data_dir, attachment.name, attachment.content, converted, pdf, pages,
                  max_pages, family=mail)
