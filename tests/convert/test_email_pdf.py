"""E-mails as PDF: real .eml messages built with Python's email package, real Outlook .msg files built with
msgforge, read back, printed with the Dutch Outlook header block and checked in the PDF's text."""

from __future__ import annotations

import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

import pymupdf
import pytest

from redaction.convert.email import (
    Attachment,
    Email,
    email_kind,
    email_to_pdf,
    html_to_text,
    read_email,
)
from redaction.errors import ExitCode, InputError
from redaction.package.duplicates import document_date, is_email

OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
DOCX_BLOB = b"PK\x03\x04" + bytes(range(256)) * 4  # stands in for a Word file: only the bytes must survive

SENDER = "Jan de Vries <jan.devries@gemeente-voorbeeld.nl>"
TO = ["Fatima el Amrani <f.elamrani@provincie-voorbeeld.nl>", "Pieter Bakker <p.bakker@voorbeeld.nl>"]
CC = ["Sanne Jansen <sanne.jansen@voorbeeld.nl>"]
BODY = ("Beste Fatima,\n\n"
        "Hierbij de notitie over de subsidieaanvraag van de heer Bakker. Je kunt me bereiken op 06-12345678.\n\n"
        "Met vriendelijke groet,\n"
        "Jan de Vries\n"
        "Afdeling Vergunningen")


# As the pipeline reads a PDF (redaction/document.py): ligatures expanded, so "Hoff" reads "Hoff", not "Hoﬀ".
TEXT_FLAGS = pymupdf.TEXTFLAGS_TEXT & ~pymupdf.TEXT_PRESERVE_LIGATURES


def make_pdf() -> bytes:
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "Notitie subsidieaanvraag", fontname="helv")
    try:
        return doc.tobytes()
    finally:
        doc.close()


SMALL_PDF = make_pdf()  # made once: MuPDF gives each new PDF another file id


def pdf_text(pdf: bytes) -> tuple[str, int, dict]:
    doc = pymupdf.open("pdf", pdf)
    try:
        return "".join(page.get_text(flags=TEXT_FLAGS) for page in doc), doc.page_count, doc.metadata
    finally:
        doc.close()


def plain_message() -> EmailMessage:
    message = EmailMessage()
    message["From"] = SENDER
    message["To"] = ", ".join(TO)
    message["Cc"] = ", ".join(CC)
    message["Date"] = "Tue, 05 Mar 2024 10:12:00 +0100"
    message["Subject"] = "Subsidieaanvraag Bakker"
    message["Message-ID"] = "<20240305101200.1234@gemeente-voorbeeld.nl>"
    message.set_content(BODY)
    message.add_attachment(SMALL_PDF, maintype="application", subtype="pdf", filename="notitie.pdf")
    message.add_attachment(DOCX_BLOB, maintype="application",
                           subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
                           filename="brief aan aanvrager.docx")
    return message


# --- .eml ------------------------------------------------------------------------------------------------

def test_plain_eml_is_read_with_headers_body_and_attachments():
    mail = read_email(plain_message().as_bytes(), "eml")

    assert mail.sender == SENDER
    assert mail.to == TO
    assert mail.cc == CC
    assert mail.date == datetime.datetime(2024, 3, 5, 10, 12, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))
    assert mail.subject == "Subsidieaanvraag Bakker"
    assert mail.body == BODY
    assert [a.name for a in mail.attachments] == ["notitie.pdf", "brief aan aanvrager.docx"]
    assert mail.attachments[0].content == SMALL_PDF
    assert mail.attachments[0].content_type == "application/pdf"
    assert mail.attachments[1].content == DOCX_BLOB


# The header block of plain_message() as Outlook prints it (and so the e-mail's PDF).
OUTLOOK_HEADER = [
    f"Van: {SENDER}",
    "Verzonden: dinsdag 5 maart 2024 10:12",
    f"Aan: {TO[0]}; {TO[1]}",
    f"CC: {CC[0]}",
    "Onderwerp: Subsidieaanvraag Bakker",
    "Bijlagen: notitie.pdf; brief aan aanvrager.docx",
]


def test_plain_eml_prints_like_an_outlook_mail():
    mail = read_email(plain_message().as_bytes(), "eml")
    text, pages, metadata = pdf_text(email_to_pdf(mail))
    lines = text.splitlines()

    assert lines[:6] == OUTLOOK_HEADER
    for expected in ("Beste Fatima,", "06-12345678", "Jan de Vries", "Afdeling Vergunningen"):
        assert expected in text
    assert pages == 1
    # What the package code reads from a printed e-mail.
    assert is_email(text)
    assert document_date(text) == datetime.date(2024, 3, 5)
    # The title is the subject; no person's name or address in the metadata.
    assert metadata["title"] == "Subsidieaanvraag Bakker"
    assert metadata["producer"] == metadata["creator"] == "woo-redact"
    assert metadata["author"] == "" and metadata["subject"] == ""
    everything = " ".join(str(value) for value in metadata.values())
    for person in ("Vries", "Amrani", "Jansen", "@"):
        assert person not in everything


def test_given_title_replaces_the_subject_in_metadata():
    mail = read_email(plain_message().as_bytes(), "eml")
    _, _, metadata = pdf_text(email_to_pdf(mail, title="mail-0042.eml"))
    assert metadata["title"] == "mail-0042.eml"


def test_html_only_eml_becomes_readable_text_without_styles_or_scripts():
    message = EmailMessage()
    message["From"] = SENDER
    message["To"] = TO[0]
    message["Subject"] = "Verslag overleg"
    message["Date"] = "Wed, 06 Mar 2024 14:03:00 +0100"
    message.set_content(
        "<html><head><title>Verslag</title><style>p { color: red; } .geheim { display: none }</style></head>"
        "<body><p>Beste Fatima,</p>"
        "<p>Zie <a href=\"https://intranet.voorbeeld.nl/verslag?id=7\">het verslag van dinsdag</a> "
        "en bel me even.<br>Tweede regel<br/>Derde regel</p>"
        "<script>document.write('verborgen script')</script>"
        "<div>Met vriendelijke&nbsp;groet,</div><div>Jan de Vries</div>"
        "<ul><li>actiepunt een</li><li>actiepunt twee</li></ul>"
        "<!-- een opmerking die niemand ziet --></body></html>",
        subtype="html",
    )
    mail = read_email(message.as_bytes(), "eml")

    assert mail.body == ("Beste Fatima,\n\n"
                         "Zie het verslag van dinsdag en bel me even.\n"
                         "Tweede regel\n"
                         "Derde regel\n\n"
                         "Met vriendelijke groet,\n"
                         "Jan de Vries\n\n"
                         "- actiepunt een\n"
                         "- actiepunt twee")
    text, _, _ = pdf_text(email_to_pdf(mail))
    assert "het verslag van dinsdag" in text
    for hidden in ("color", "display", "verborgen script", "document.write", "<p>", "opmerking", "intranet"):
        assert hidden not in text
    assert mail.attachments == []


def test_html_to_text_keeps_table_cells_apart_and_pre_blocks_as_written():
    text = html_to_text("<table><tr><td>Naam</td><td>Telefoon</td></tr><tr><td>Jan</td><td>06-12345678</td></tr>"
                        "</table><pre>regel  een\n  regel twee</pre>")
    assert text == "Naam  Telefoon\nJan  06-12345678\n\nregel  een\n  regel twee"
    # Sloppy HTML as mail programs write it: a head never closed, an entity, a paragraph never closed.
    assert html_to_text("<html><head><style>p {}</style><body><p>Caf&eacute; <b>open</b><p>tot 17:00") == (
        "Café open\n\ntot 17:00")


def test_encoded_headers_accents_and_a_long_body_over_pages():
    body_lines = [f"Regel {n}: overleg met mevrouw Eëlco-Hélène van 't Hoff over de aanvraag." for n in range(1, 151)]
    raw = (
        "From: =?utf-8?q?Ren=C3=A9e_B=C3=ABrends?= <renee.berends@voorbeeld.nl>\r\n"
        "To: =?utf-8?b?Sm9zw6kgTcO8bGxlcg==?= <jose.muller@voorbeeld.nl>\r\n"
        "Subject: =?utf-8?q?Re=3A_overleg_caf=C3=A9_=E2=82=AC_50?=\r\n"
        "Date: Fri, 29 Nov 2024 08:05:00 +0000\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n"
        "\r\n" + "\r\n".join(body_lines) + "\r\n"
    ).encode("utf-8")
    mail = read_email(raw, "eml")

    assert mail.sender == "Renée Bërends <renee.berends@voorbeeld.nl>"
    assert mail.to == ["José Müller <jose.muller@voorbeeld.nl>"]
    assert mail.subject == "Re: overleg café € 50"
    assert mail.body.splitlines() == body_lines
    text, pages, metadata = pdf_text(email_to_pdf(mail))
    assert pages >= 2
    assert "Van: Renée Bërends <renee.berends@voorbeeld.nl>" in text
    assert "Onderwerp: Re: overleg café € 50" in text
    assert "Verzonden: vrijdag 29 november 2024 09:05" in text  # 08:05 UTC is 09:05 in the Netherlands
    assert body_lines[0] in text and body_lines[-1] in text
    assert metadata["title"] == "Re: overleg café € 50"


def test_body_in_windows_1252_without_charset_is_read():
    raw = b"From: a@voorbeeld.nl\nSubject: test\n\nCaf\xe9 en \x80 5\n"
    assert read_email(raw, "eml").body == "Café en € 5"


def test_markup_in_a_message_prints_literally():
    mail = Email(sender="<b>Jan</b> <jan@voorbeeld.nl>", to=["x & y <xy@voorbeeld.nl>"],
                 date=datetime.datetime(2024, 3, 4, 9, 5), subject="<script>alert(1)</script>",
                 body="<p>geen alinea</p> & &amp; &lt;b&gt; &#65;", attachments=[Attachment("<i>.pdf", b"", None)])
    text, _, _ = pdf_text(email_to_pdf(mail))
    assert "Van: <b>Jan</b> <jan@voorbeeld.nl>" in text
    assert "Verzonden: maandag 4 maart 2024 09:05" in text
    assert "Aan: x & y <xy@voorbeeld.nl>" in text
    assert "Onderwerp: <script>alert(1)</script>" in text
    assert "Bijlagen: <i>.pdf" in text
    assert "<p>geen alinea</p> & &amp; &lt;b&gt; &#65;" in text  # MuPDF decodes references twice


def test_a_word_longer_than_a_line_is_printed_whole():
    link = "https://intranet.voorbeeld.nl/zaak/" + "ab12cd34ef" * 30 + "/jan.devries@voorbeeld.nl"
    mail = Email(sender=SENDER, subject="link", body=f"Zie {link} graag.")
    doc = pymupdf.open("pdf", email_to_pdf(mail))
    page = doc[0]
    assert link in page.get_text().replace("\n", "")
    assert max(word[2] for word in page.get_text("words", flags=0)) <= page.rect.width - 40  # nothing off the page


def test_attachment_names_are_cleaned_or_made_up():
    message = EmailMessage()
    message["From"] = SENDER
    message["Subject"] = "bijlagen"
    message.set_content("zie bijlagen")
    message.add_attachment(b"%PDF-1.4 a", maintype="application", subtype="pdf",
                           filename="..\\map/sub/\x07rap\u202eport.pdf")
    message.add_attachment(b"%PDF-1.4 b", maintype="application", subtype="pdf")  # no file name
    message.add_attachment(b"geheim", maintype="application", subtype="octet-stream")
    mail = read_email(message.as_bytes(), "eml")
    assert [a.name for a in mail.attachments] == ["rapport.pdf", "bijlage-2.pdf", "bijlage-3.bin"]
    assert [a.content for a in mail.attachments] == [b"%PDF-1.4 a", b"%PDF-1.4 b", b"geheim"]


def test_inline_image_of_the_html_body_is_no_attachment_but_an_attached_mail_is():
    message = EmailMessage()
    message["From"] = SENDER
    message["Subject"] = "met logo"
    message.set_content("Zie logo")
    message.add_alternative('<p>Zie logo</p><img src="cid:logo123@voorbeeld">', subtype="html")
    html_part = message.get_payload()[1]
    html_part.add_related(b"\x89PNG\r\n\x1a\nlogo", maintype="image", subtype="png", cid="<logo123@voorbeeld>",
                          filename="image001.png", disposition="inline")
    forwarded = EmailMessage()
    forwarded["From"] = TO[0]
    forwarded["Subject"] = "Oorspronkelijk bericht"
    forwarded.set_content("Het doorgestuurde bericht.")
    message.add_attachment(forwarded)
    mail = read_email(message.as_bytes(), "eml")

    assert mail.body == "Zie logo"
    assert [a.name for a in mail.attachments] == ["bijlage-1.eml"]
    inner = BytesParser(policy=policy.default).parsebytes(mail.attachments[0].content)
    assert inner["Subject"] == "Oorspronkelijk bericht"
    assert read_email(mail.attachments[0].content, "eml").body == "Het doorgestuurde bericht."


@pytest.mark.parametrize("content", [
    bytes(range(256)) * 8,  # binary garbage
    b"\x00\x01\x02PK\x03\x04 not a mail at all \xff\xfe",
    b"Dit is gewoon een tekst zonder kopregels.\n",
    b"",
    b"   \r\n\r\n",
])
def test_damaged_eml_is_an_input_error_of_one_sentence(content):
    with pytest.raises(InputError) as caught:
        read_email(content, "eml")
    message = str(caught.value)
    assert caught.value.exit_code == ExitCode.INPUT_FILE
    assert "\n" not in message and message.endswith(".") and message.count(". ") == 0


# --- .msg ------------------------------------------------------------------------------------------------

def outlook_message(**changes) -> bytes:
    """A real Outlook .msg file (compound file with MAPI properties), written by msgforge."""
    msgforge = pytest.importorskip("msgforge", reason="msgforge writes the .msg test files: pip install -e .[test]")
    fields = {
        "subject": "Subsidieaanvraag Bakker",
        "text_body": BODY,
        "sender": ("jan.devries@gemeente-voorbeeld.nl", "Jan de Vries"),
        "to": [("f.elamrani@provincie-voorbeeld.nl", "Fatima el Amrani"), ("p.bakker@voorbeeld.nl", "Pieter Bakker")],
        "cc": [("sanne.jansen@voorbeeld.nl", "Sanne Jansen")],
        "bcc": [("archief@voorbeeld.nl", "Archief")],
        "sent": datetime.datetime(2024, 3, 5, 9, 12),  # Outlook stores UTC: 10:12 in the Netherlands
    }
    fields.update(changes)
    message = msgforge.Message(**fields)
    message.attach_bytes("notitie.pdf", SMALL_PDF)
    message.attach_bytes("brief aan aanvrager.docx", DOCX_BLOB)
    return message.as_bytes()


def test_outlook_msg_is_read_and_printed():
    content = outlook_message()
    assert content.startswith(OLE_MAGIC)
    assert email_kind("Subsidieaanvraag.msg", content[:1024]) == "msg"

    mail = read_email(content, "msg")
    assert mail.sender == SENDER
    assert mail.to == TO
    assert mail.cc == CC  # BCC recipients are not printed, as in Outlook
    assert mail.date == datetime.datetime(2024, 3, 5, 9, 12, tzinfo=datetime.timezone.utc)
    assert mail.subject == "Subsidieaanvraag Bakker"
    assert mail.body == BODY
    assert [(a.name, a.content) for a in mail.attachments] == [("notitie.pdf", SMALL_PDF),
                                                               ("brief aan aanvrager.docx", DOCX_BLOB)]
    assert mail.attachments[0].content_type == "application/pdf"

    text, _, metadata = pdf_text(email_to_pdf(mail))
    assert text.splitlines()[:6] == OUTLOOK_HEADER
    assert "06-12345678" in text and "Archief" not in text
    assert metadata["title"] == "Subsidieaanvraag Bakker" and "Vries" not in str(metadata)


def test_outlook_msg_with_html_body_and_accents():
    content = outlook_message(subject="Overleg café met Eëlco", text_body=None,
                              html_body="<p>Beste Renée,</p><p>Tot <b>dinsdag</b>.<br>Groet, Eëlco</p>")
    mail = read_email(content, "msg")
    assert mail.subject == "Overleg café met Eëlco"
    assert "Beste Renée," in mail.body and "Groet, Eëlco" in mail.body and "<" not in mail.body


@pytest.mark.parametrize("content", [
    OLE_MAGIC + bytes(range(256)) * 8,  # a compound file header and then garbage
    OLE_MAGIC,
])
def test_damaged_msg_is_an_input_error_of_one_sentence(content):
    with pytest.raises(InputError) as caught:
        read_email(content, "msg")
    message = str(caught.value)
    assert "\n" not in message and message.endswith(".")


def test_truncated_msg_is_an_input_error():
    content = outlook_message()
    with pytest.raises(InputError):
        read_email(content[: len(content) // 3], "msg")


# --- which files are e-mails ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "head", "kind"), [
    ("bericht.eml", b"Received: from mail.voorbeeld.nl\r\n\tby mx.voorbeeld.nl\r\n", "eml"),
    ("BERICHT.EML", b"anything at all", "eml"),  # by name; read_email says whether it is readable
    ("export/bericht", b"Return-Path: <jan@voorbeeld.nl>\nReceived: from x\n", "eml"),
    ("bericht.txt", b"From: Jan <jan@voorbeeld.nl>\nTo: piet@voorbeeld.nl\nSubject: hoi\n", "eml"),
    ("bericht", b"MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nhoi", "eml"),
    ("bericht.msg", b"From: jan@voorbeeld.nl\nSubject: saved as text by a webmail\n", "eml"),
    ("bericht.msg", OLE_MAGIC + bytes(100), "msg"),
    ("map\\Bericht.MSG", OLE_MAGIC, "msg"),
    ("rapport.doc", OLE_MAGIC + bytes(100), None),  # a Word 97 file is a compound file too
    ("bericht.msg", b"just some text", None),
    ("brief.txt", b"Van: Jan de Vries\nAan: Piet\nOnderwerp: printed mail\n", None),
    ("notitie.txt", b"From: the minutes of Tuesday\nwe agreed to meet again\n", None),
    ("archief.mbox", b"From jan@voorbeeld.nl Tue Mar  5 10:12:00 2024\nFrom: jan@voorbeeld.nl\n", None),
    ("rapport.pdf", b"%PDF-1.7\n", None),
    ("eml", b"plain", None),
])
def test_email_kind(name, head, kind):
    assert email_kind(name, head) == kind
