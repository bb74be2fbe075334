"""E-mails (RFC 5322 ``.eml`` files and Outlook ``.msg`` files) read and printed as a PDF, attachments apart.

A Woo package is mostly e-mail, and an e-mail is reviewed as a printed e-mail: the header block that
Outlook prints in Dutch (``Van:``, ``Verzonden:``, ``Aan:``, ``CC:``, ``Onderwerp:``, ``Bijlagen:``),
a blank line, then the body text. ``redaction.package.duplicates`` reads those labels to find threads,
families and dates, so they are printed exactly so. The attachments are returned as files of their own,
to be converted and reviewed as separate documents of the family.

Contract:

* ``email_kind(name, head)`` says whether a file is an e-mail and which kind; ``read_email`` reads one
  into an ``Email``; ``email_to_pdf`` typesets it on A4 pages.
* A message that cannot be read raises ``InputError`` (one sentence). Reading ``.msg`` files needs the
  package extract-msg; without it ``MissingDependency`` is raised.
* Everything printed comes from the message as text: HTML bodies are reduced to their text (no tags,
  scripts or styles) and every value is escaped before typesetting, so nothing in a message is markup.
* The PDF's metadata hold the title (the subject unless another is given) and "woo-redact" as producer
  and creator; never the sender or recipients.
"""

from __future__ import annotations

import email.errors
import mimetypes
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.header import decode_header, make_header
from email.message import EmailMessage
from email.parser import BytesParser
from html.parser import HTMLParser
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


from ..errors import InputError, MissingDependency, short_reason
from .typeset import STYLE, decode, markup, pdf_from_html

__all__ = ["Attachment", "Email", "dutch_date", "email_kind", "email_to_pdf", "html_to_text", "read_email"]

EML, MSG = "eml", "msg"

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound files: Outlook .msg, but also old Office files

# Header fields that open a stored message: the transport adds Received/Return-Path/Delivered-To on top,
# a mail program saving a draft or sent item starts with From, Date, MIME-Version or an X- field.
_FIRST_HEADERS = re.compile(
    rb"(?:received|return-path|delivered-to|from|to|date|subject|mime-version|message-id|sender|reply-to"
    rb"|dkim-signature|arc-[a-z-]+|authentication-results|received-spf|x-[a-z0-9-]+)[ \t]*:",
    re.IGNORECASE,
)
_HEADER_LINE = re.compile(rb"[!-9;-~]+[ \t]*:")  # a field name is printable ASCII without ':' (RFC 5322)

# A message without any of these is no e-mail (or so damaged that nothing can be printed of it).
_ESSENTIAL_HEADERS = ("From", "To", "Subject", "Date", "Message-ID")

# What the standard library raises on header and payload values it cannot parse (mostly it records a
# defect instead, but not always); none of them is a bug on our side.
# OverflowError: the standard library's date parser on an absurd year or zone offset.
_PARSE_ERRORS = (email.errors.MessageError, ValueError, LookupError, IndexError, AttributeError, TypeError,
                 OverflowError)

_WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
_MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
           "oktober", "november", "december")
_LOCAL_ZONE = "Europe/Amsterdam"  # printed e-mails show the time of the office that printed them


@dataclass
class Attachment:
    """A file attached to an e-mail.

    ``name`` is the file name as sent, cleaned (no folders, no control characters), or ``bijlage-N.ext``
    when the message gave none; ``content_type`` the MIME type the message states, if any.
    """

    name: str
    content: bytes
    content_type: str | None = None


@dataclass
class Email:
    """What is printed of an e-mail, and its attachments.

    Addresses read ``Naam <adres>`` (or only one of both, as the message has them). ``date`` is when the
    message was sent, None when it does not say. ``body`` is plain text.
    """

    sender: str
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    date: datetime | None = None
    subject: str = ""
    body: str = ""
    attachments: list[Attachment] = field(default_factory=list)


# --- which files are e-mails -----------------------------------------------------------------------------

def email_kind(name: str, head: bytes) -> str | None:
    """``"eml"``, ``"msg"`` or None for a file with this name whose content starts with ``head``.

    ``"msg"``: an Outlook message, i.e. a compound file (OLE magic) named ``.msg`` (other compound files
    are Word, Excel or PowerPoint documents). ``"eml"``: named ``.eml``, or starting with an RFC 5322
    header block opened by a field that stored messages start with (``Received:``, ``Return-Path:``,
    ``From:``, ``MIME-Version:``, ...); some programs save such messages as ``.msg`` too.
    """
    _, dot, extension = name.replace("\\", "/").rpartition("/")[2].rpartition(".")
    suffix = extension.lower() if dot else ""
    if head.startswith(_OLE_MAGIC):
        return MSG if suffix == MSG else None
    if suffix == EML or _starts_with_headers(head):
        return EML
    return None


def _starts_with_headers(head: bytes) -> bool:
    """Whether ``head`` opens with a typical first header field, followed by another field, a folded
    continuation or the blank line that ends the header block."""
    lines = head.split(b"\n", 2)
    if not _FIRST_HEADERS.match(lines[0]):
        return False
    if len(lines) < 3:  # the head ends within the second line: nothing more to check
        return True
    second = lines[1].rstrip(b"\r")
    return not second or second[:1] in b" \t" or bool(_HEADER_LINE.match(second))


# --- reading ---------------------------------------------------------------------------------------------

def read_email(content: bytes, kind: str) -> Email:
    """The e-mail in ``content``, of the ``kind`` that ``email_kind`` gave.

    Raises ``InputError`` when the message cannot be read, and ``MissingDependency`` for a ``.msg`` file
    when extract-msg is not installed.
    """
    if kind == EML:
        return _read_eml(content)
    if kind == MSG:
        return _read_msg(content)
    raise ValueError(f"unknown e-mail kind {kind!r}; expected 'eml' or 'msg'")


def _read_eml(content: bytes) -> Email:
    if not content.strip():
        raise InputError("The e-mail file is empty; save the e-mail again from the mail program.")
    try:  # the standard library's parser itself can fail on a broken header ("filename*" with no value)
        message = BytesParser(policy=policy.default).parsebytes(content)
    except _PARSE_ERRORS as exc:
        raise InputError(f"The e-mail cannot be read ({short_reason(exc).rstrip('.')}); save the e-mail again "
                         "from the mail program.") from exc
    if not any(name in message for name in _ESSENTIAL_HEADERS):
        raise InputError("The e-mail file has no From, To, Subject or Date header, so it is damaged or no "
                         "e-mail; save the e-mail again from the mail program.")
    try:
        body_part = message.get_body(preferencelist=("plain", "html"))
        html_part = message.get_body(preferencelist=("html",))
        html_source = _part_text(html_part) if html_part is not None else ""
        body = ""
        if body_part is not None:
            body = html_source if body_part is html_part else _part_text(body_part)
            if body_part.get_content_subtype() == "html":
                body = html_to_text(body)
        return Email(
            sender="; ".join(_eml_addresses(message, "From")) or _eml_header(message, "From"),
            to=_eml_addresses(message, "To"),
            cc=_eml_addresses(message, "Cc"),
            date=_eml_date(message),
            subject=_eml_header(message, "Subject"),
            body=_plain(body),
            attachments=_eml_attachments(message, body_part, html_source),
        )
    except _PARSE_ERRORS as exc:
        raise InputError(f"The e-mail cannot be read ({short_reason(exc).rstrip('.')}); save the e-mail again "
                         "from the mail program.") from exc


def _eml_header(message: EmailMessage, name: str) -> str:
    """The decoded value of the first ``name`` field, on one line; '' without one."""
    try:
        value = message[name]
        return "" if value is None else _one_line(str(value))
    except _PARSE_ERRORS:
        # The policy could not parse the field: decode its encoded words by the older, lenient rules.
        for key, raw in message.raw_items():
            if key.lower() == name.lower():
                try:
                    return _one_line(str(make_header(decode_header(raw))))
                except _PARSE_ERRORS:
                    return _one_line(raw)
        return ""


def _eml_addresses(message: EmailMessage, name: str) -> list[str]:
    """Each address of every ``name`` field as ``Naam <adres>``; groups are flattened."""
    try:
        fields = message.get_all(name) or []
        return [_address(a.display_name, a.addr_spec) for f in fields for a in f.addresses]
    except _PARSE_ERRORS:
        value = _eml_header(message, name)
        return [part.strip() for part in value.split(",") if part.strip()]


def _eml_date(message: EmailMessage) -> datetime | None:
    try:
        value = message["Date"]
        return value.datetime if value is not None else None
    except _PARSE_ERRORS:
        return None


def _part_text(part: EmailMessage) -> str:
    """The text of a text part, decoded by its charset; without a usable charset as UTF-8, else
    Windows-1252 (what Dutch mail programs write)."""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = (part.get_content_charset() or "").lower()
    if charset in ("", "us-ascii", "ascii"):
        return decode(payload)
    if charset in ("iso-8859-1", "latin1", "latin-1"):
        charset = "cp1252"  # as browsers do: mail labelled Latin-1 is often Windows-1252 (quotes, euro sign)
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:
        return decode(payload)


def _eml_attachments(message: EmailMessage, body_part: EmailMessage | None, html_source: str) -> list[Attachment]:
    """Parts with ``Content-Disposition: attachment``, with a file name, or attached messages; not the body,
    nor the inline images that the HTML body shows (``cid:`` references)."""
    found: list[Attachment] = []
    referenced = html_source.lower()

    def visit(part: EmailMessage) -> None:
        if part is body_part:
            return
        content_type = part.get_content_type()
        if part.is_multipart() and content_type != "message/rfc822":
            for child in part.iter_parts():
                visit(child)
            return
        disposition = part.get_content_disposition()
        filename = part.get_filename()
        if content_type == "message/rfc822":
            inner = part.get_payload(0)
            content = inner.as_bytes() if isinstance(inner, EmailMessage) else b""
        elif disposition == "attachment" or (filename and not _shown_inline(part, referenced)):
            payload = part.get_payload(decode=True)
            content = payload if isinstance(payload, bytes) else b""
        else:
            return
        found.append(Attachment(_attachment_name(filename, len(found) + 1, content_type), content, content_type))

    visit(message)
    return found


def _shown_inline(part: EmailMessage, html_source: str) -> bool:
    content_id = (part.get("Content-ID") or "").strip().strip("<>").lower()
    return part.get_content_disposition() != "attachment" and bool(content_id) and f"cid:{content_id}" in html_source


def _read_msg(content: bytes) -> Email:
    try:
        import extract_msg
        from extract_msg.enums import ErrorBehavior
    except ImportError as exc:
        raise MissingDependency("Reading Outlook .msg files needs the Python package extract-msg; install the "
                                "project again (make install) or run: pip install extract-msg.") from exc
    # extract-msg and olefile raise many kinds of errors on a damaged file, while opening it or while
    # reading a property or attachment stream later; none of them is a bug on our side.
    try:
        message = extract_msg.openMsg(content, errorBehavior=ErrorBehavior.ATTACH_SUPPRESS_ALL | ErrorBehavior.RTFDE)
    except Exception as exc:
        raise _unreadable_msg(exc) from exc
    try:
        return _msg_email(message)
    except Exception as exc:
        raise _unreadable_msg(exc) from exc
    finally:
        message.close()


def _unreadable_msg(exc: Exception) -> InputError:
    return InputError(f"The Outlook message cannot be read ({short_reason(exc).rstrip('.')}); save it again "
                      "from Outlook, or save it as PDF.")


def _msg_email(message) -> Email:
    """The ``Email`` of an opened extract-msg message (an e-mail, or a meeting request and such)."""
    to: list[str] = []
    cc: list[str] = []
    for recipient in getattr(message, "recipients", None) or []:
        kind = int(recipient.type)  # MAPI recipient types: 1 To, 2 CC, 3 BCC (not printed, as in Outlook)
        address = _address(recipient.name or "", recipient.email or "")
        if kind == 1 and address:
            to.append(address)
        elif kind == 2 and address:
            cc.append(address)
    body = getattr(message, "body", None) or ""
    if not body.strip():
        html_body = getattr(message, "htmlBody", None) or b""
        body = html_to_text(decode(html_body) if isinstance(html_body, bytes) else html_body)
    attachments = []
    for item in getattr(message, "attachments", None) or []:
        if getattr(item, "hidden", False):  # Outlook hides the images shown inside the HTML body
            continue
        data = item.data
        if isinstance(data, bytes):
            content = data
        elif hasattr(data, "exportBytes"):  # an attached e-mail: saved as an .msg file of its own
            content = data.exportBytes()
        else:  # a link to a file in the cloud, or an attachment extract-msg could not read
            continue
        content_type = getattr(item, "mimetype", None)
        attachments.append(Attachment(_attachment_name(item.name, len(attachments) + 1, content_type),
                                      content, content_type))
    return Email(
        sender=_one_line(getattr(message, "sender", None) or ""),
        to=to,
        cc=cc,
        date=getattr(message, "date", None),
        subject=_one_line(getattr(message, "subject", None) or ""),
        body=_plain(body),
        attachments=attachments,
    )


# --- text ------------------------------------------------------------------------------------------------

def _one_line(text: str) -> str:
    """Header text on one line: folded lines joined, whitespace runs as one space, no control characters."""
    return " ".join(_without_controls(text).split())


def _without_controls(text: str) -> str:
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs"))


def _plain(text: str) -> str:
    """Body text with ``\\n`` line ends, tabs as spaces and no other control characters, trailing space removed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").expandtabs(4)
    return "\n".join(line.rstrip() for line in _without_controls(text).split("\n")).strip("\n")


def _address(name: str, address: str) -> str:
    name, address = _one_line(name).strip("'\""), _one_line(address)
    if name and address and name.lower() != address.lower():
        return f"{name} <{address}>"
    return name or address


def _attachment_name(name: str | None, number: int, content_type: str | None) -> str:
    """The file name without folders or control characters; ``bijlage-N`` with an extension for the
    content type when the message gave none."""
    base = unicodedata.normalize("NFC", _one_line(name or "")).replace("\\", "/").rpartition("/")[2].strip()
    if base.strip(". "):
        return base
    extension = mimetypes.guess_extension(content_type or "") or ".bin"
    if content_type == "message/rfc822":
        extension = ".eml"
    return f"bijlage-{number}{extension}"


_SKIPPED_ELEMENTS = {"script", "style", "head", "title", "template", "noscript", "svg", "object", "iframe"}
_PARAGRAPHS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "table", "pre", "dl", "hr"}
_LINES = {"div", "li", "tr", "section", "article", "header", "footer", "address", "dt", "dd", "caption",
          "center", "form", "fieldset", "main", "nav", "aside", "figure", "figcaption", "body", "html"}
_VOID = {"br", "img", "hr", "meta", "link", "input", "col", "area", "base", "wbr", "source", "embed"}


class _TextExtractor(HTMLParser):
    """Collects the readable text of an HTML body: blocks on lines of their own, paragraphs apart."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping: list[str] = []  # open elements whose content is not text (script, style, ...)
        self.preformatted = 0

    def _tail(self) -> str:
        return self.parts[-1] if self.parts else "\n"

    def _newlines(self, count: int) -> None:
        """End the current line and leave ``count - 1`` blank lines, without adding to blank lines already there."""
        text = "".join(self.parts[-4:])
        have = text[len(text.rstrip(" \n")):].count("\n") if self.parts else count
        if have < count:
            self.parts.append("\n" * (count - have))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body" and "head" in self.skipping:  # a <head> left open ends where the body starts
            del self.skipping[self.skipping.index("head"):]
        if tag in _SKIPPED_ELEMENTS:
            if tag not in _VOID:
                self.skipping.append(tag)
            return
        if self.skipping:
            return
        if tag == "br":
            self.parts.append("\n")
        elif tag in _PARAGRAPHS:
            self._newlines(2)
        elif tag in _LINES:
            self._newlines(1)
        if tag == "li":
            self.parts.append("- ")
        elif tag in ("td", "th") and not self._tail().endswith(("\n", " ")):
            self.parts.append("  ")
        elif tag == "pre":
            self.preformatted += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_ELEMENTS:
            return
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_ELEMENTS:
            if tag in self.skipping:  # close up to the matching start tag (end tags may be missing)
                del self.skipping[len(self.skipping) - 1 - self.skipping[::-1].index(tag):]
            return
        if self.skipping:
            return
        if tag in _PARAGRAPHS:
            self._newlines(2)
        elif tag in _LINES:
            self._newlines(1)
        if tag == "pre" and self.preformatted:
            self.preformatted -= 1

    def handle_data(self, data: str) -> None:
        if self.skipping or not data:
            return
        data = data.replace("\xa0", " ")
        if self.preformatted:
            self.parts.append(data)
            return
        text = " ".join(data.split())
        if not text:
            if not self._tail().endswith(("\n", " ")):
                self.parts.append(" ")
            return
        if data[:1].isspace() and not self._tail().endswith(("\n", " ")):
            text = " " + text
        if data[-1:].isspace():
            text += " "
        self.parts.append(text)


def html_to_text(source: str) -> str:
    """The readable text of an HTML document: paragraphs separated by a blank line, line breaks kept,
    list items as ``- item``, a link as its text; no tags, scripts, styles or comments."""
    extractor = _TextExtractor()
    try:
        extractor.feed(source)
        extractor.close()
    except AssertionError:  # html.parser gives up on some broken markup ("<![CDAT"): keep what it had
        pass
    lines = [line.rstrip(" ") for line in "".join(extractor.parts).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


# --- printing --------------------------------------------------------------------------------------------

def dutch_date(moment: datetime) -> str:
    """``dinsdag 5 maart 2024 10:12``, as Outlook prints ``Verzonden:``; in Dutch time when the moment
    knows its time zone."""
    if moment.tzinfo is not None:
        try:
            moment = moment.astimezone(ZoneInfo(_LOCAL_ZONE))
        except ZoneInfoNotFoundError:  # no time zone database on this machine: the sender's time
            pass
    return f"{_WEEKDAYS[moment.weekday()]} {moment.day} {_MONTHS[moment.month - 1]} {moment.year} {moment:%H:%M}"


def _header_lines(message: Email) -> list[tuple[str, str]]:
    lines = [("Van", message.sender),
             ("Verzonden", dutch_date(message.date) if message.date else ""),
             ("Aan", "; ".join(message.to))]
    if message.cc:
        lines.append(("CC", "; ".join(message.cc)))
    lines.append(("Onderwerp", message.subject))
    if message.attachments:
        lines.append(("Bijlagen", "; ".join(attachment.name for attachment in message.attachments)))
    return lines


def email_to_pdf(message: Email, title: str = "") -> bytes:
    """The e-mail printed on A4 pages: the header block, a blank line, the body (lines wrapped, pages as
    needed). The PDF's title is ``title``, or the subject when ``title`` is empty."""
    header = "".join(f'<p style="margin: 0"><b>{label}:</b> {markup(_one_line(value)).replace(chr(10), "<br>")}</p>'
                     for label, value in _header_lines(message))
    return pdf_from_html(f'<div style="{STYLE}">{header}</div>'
                         f'<pre style="{STYLE}; white-space: pre-wrap">\n{markup(_plain(message.body))}</pre>',
                         _one_line(title or message.subject))
