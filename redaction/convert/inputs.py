"""Which kind of input a file is, and the PDF every kind becomes before analysis.

PDFs and plain text are read as they are; images (PNG, JPEG, TIFF) become a PDF page per frame (their
text is then read by OCR), Office files are converted by LibreOffice, e-mails are typeset with their
headers and body, and their attachments are handed back to be processed as documents of their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath

KINDS = ("pdf", "text", "image", "office", "email")
CONVERTED = ("image", "office", "email")  # the kinds that become a PDF before analysis


@dataclass
class Converted:
    pdf: bytes
    kind: str  # image | office | email
    source: str  # what it was, for the report: "Word", "e-mail (EML)", "image (TIFF)"
    attachments: list = field(default_factory=list)  # an e-mail's attachments (convert.email.Attachment)


def input_kind(name: str, head: bytes) -> str | None:
    """The kind of a file from its name and first bytes: one of ``KINDS``, or None (not supported)."""
    from ..document import image_type
    from .email import email_kind
    from .office import office_kind

    if b"%PDF" in head[:1024]:
        return "pdf"
    if image_type(head[:8]):
        return "image"
    if email_kind(name, head):  # before Office: an Outlook .msg is an OLE file like an old .doc
        return "email"
    if office_kind(name, head):
        return "office"
    if PurePath(name).suffix.lower() == ".txt":
        return "text"
    return None


def convert(name: str, data: bytes) -> Converted | None:
    """The PDF that ``data`` becomes (None for a PDF or text, which are read as they are).

    Raises the converters' errors: ``InputError`` (exit 2) for a file that cannot be converted,
    ``MissingDependency`` (exit 3) naming the Debian package when LibreOffice is missing.
    """
    kind = input_kind(name, data[:4096])
    if kind == "image":
        from ..document import image_to_pdf, image_type

        image = image_type(data[:8])
        return Converted(image_to_pdf(PurePath(name), data, image), "image", f"image ({image.upper()})")
    if kind == "office":
        from .office import office_kind, office_to_pdf

        return Converted(office_to_pdf(data, PurePath(name).name), "office", office_kind(name, data[:4096]))
    if kind == "email":
        from .email import email_kind, email_to_pdf, read_email

        form = email_kind(name, data[:4096])
        message = read_email(data, form)
        return Converted(email_to_pdf(message, title=message.subject), "email", f"e-mail ({form.upper()})",
                         list(message.attachments))
    return None
