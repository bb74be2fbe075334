"""A package of Word files, e-mails (EML, MSG) with attachments and a scan: every one converted, read and
released; an e-mail's attachments are documents of its family; a file that cannot be converted fails alone."""

from __future__ import annotations

import csv
import datetime
import io
import json
import shutil
import subprocess
import zipfile
from email.message import EmailMessage
from pathlib import Path

import pymupdf
import pytest

from pdfkit import REPO, WOO_REDACT, make_pdf

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("tesseract") is None,
                                reason="LibreOffice and Tesseract are needed (see .ci/run)")

NOTE = ["Notitie over de aanvraag", "Datum: 4 maart 2024", "",
        "De aanvraag van Gerrit Wolters-Bijl is besproken met Femke Aydogan.",
        "Zijn BSN is 111222333; bel hem op 06-12345678.", "", "Met vriendelijke groet,", "Femke Aydogan"]
PII = ["Wolters-Bijl", "Aydogan", "111222333", "06-12345678"]


def docx_of(folder: Path, lines: list[str]) -> bytes:
    """A real Word file, written by LibreOffice from plain text."""
    (folder / "notitie.txt").write_text("\n".join(lines), encoding="utf-8")
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{folder}/profile", "--convert-to",
                    "docx", "--outdir", str(folder), str(folder / "notitie.txt")], check=True, capture_output=True,
                   timeout=180, env={"HOME": str(folder), "PATH": "/usr/bin:/bin"})
    return (folder / "notitie.docx").read_bytes()


def eml_with_attachments(pdf: bytes, copy_of_pdf: bytes) -> bytes:
    message = EmailMessage()
    message["From"] = "Femke Aydogan <f.aydogan@minbzk.nl>"
    message["To"] = "Gerrit Wolters-Bijl <g.woltersbijl@gmail.com>"
    message["Subject"] = "Uw aanvraag"
    message["Date"] = "Tue, 05 Mar 2024 10:12:00 +0100"
    message.set_content("Beste Gerrit Wolters-Bijl,\n\nIn de bijlage vindt u de notitie.\n\nGroet,\nFemke Aydogan")
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename="notitie.pdf")
    message.add_attachment(copy_of_pdf, maintype="application", subtype="pdf", filename="brief.pdf")
    return message.as_bytes()


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    work = tmp_path_factory.mktemp("formats")
    source = work / "in"
    source.mkdir()
    note_pdf = make_pdf(work / "note.pdf", NOTE).read_bytes()
    letter_pdf = make_pdf(work / "letter.pdf", ["Brief", "Geachte heer Wolters-Bijl,", "Met groet, Femke Aydogan"])
    (source / "brieven").mkdir()
    shutil.copy(letter_pdf, source / "brieven" / "brief.pdf")  # the mail's second attachment is a copy of it
    (source / "notitie.docx").write_bytes(docx_of(work, NOTE))
    (source / "mail.eml").write_bytes(eml_with_attachments(note_pdf, letter_pdf.read_bytes()))
    msgforge = pytest.importorskip("msgforge")
    outlook = msgforge.Message(subject="Afspraak", text_body="Beste Gerrit Wolters-Bijl, tot morgen. Femke Aydogan",
                               sender=("f.aydogan@minbzk.nl", "Femke Aydogan"),
                               to=[("g.woltersbijl@gmail.com", "Gerrit Wolters-Bijl")],
                               sent=datetime.datetime(2024, 3, 6, 9, 0))
    (source / "afspraak.msg").write_bytes(outlook.as_bytes())
    with pymupdf.open(work / "note.pdf") as pdf:
        pdf[0].get_pixmap(dpi=200, colorspace=pymupdf.csGRAY).save(source / "scan.png")
    (source / "kapot.docx").write_bytes(b"PK\x03\x04 damaged beyond repair")
    out, report = work / "out.zip", work / "report.json"
    result = subprocess.run([*WOO_REDACT, "package", str(source), "--out", str(out), "--report", str(report),
                             "--workers", "2"], cwd=REPO, capture_output=True, text=True, timeout=900)
    files = json.loads(report.read_text(encoding="utf-8"))["files"]
    return result, {f["path"]: f for f in files}, zipfile.ZipFile(out)


def test_every_format_is_converted_and_released(released):
    result, files, archive = released
    assert result.returncode == 2, result.stderr  # the damaged Word file fails, alone
    assert "Traceback" not in result.stderr
    statuses = {path: f["status"] for path, f in files.items()}
    assert statuses == {
        "afspraak.msg": "released", "brieven/brief.pdf": "released", "kapot.docx": "failed",
        "mail.eml": "released", "mail.eml/notitie.pdf": "released", "mail.eml/brief.pdf": "duplicate",
        "notitie.docx": "released", "scan.png": "released"}, statuses
    assert files["kapot.docx"]["note"] == "het bestand kan niet naar PDF worden omgezet"  # as in the inventory
    # the report says what each file was converted from, and which pages OCR read, how well
    assert files["notitie.docx"]["converted_from"] == "Word"
    assert files["mail.eml"]["converted_from"] == "e-mail (EML)"
    assert files["afspraak.msg"]["converted_from"] == "e-mail (MSG)"
    assert files["scan.png"]["converted_from"] == "image (PNG)"
    [page] = files["scan.png"]["ocr_pages"]
    assert page["page"] == 1 and page["confidence"] > 70
    assert "tekstherkenning" in files["scan.png"]["note"]
    for path, entry in files.items():
        if entry["status"] != "released":
            continue
        [name] = [n for n in archive.namelist() if n.startswith(f"documenten/{entry['id']} ")]
        assert name.endswith(".pdf")
        with pymupdf.open("pdf", archive.read(name)) as pdf:
            text = " ".join(" ".join(page.get_text() for page in pdf).split())
        for pii in PII:
            assert pii not in text, (path, pii, text)


def test_an_e_mails_attachments_are_its_family_in_the_inventory(released):
    _, files, archive = released
    rows = {r["Document"]: r for r in csv.DictReader(io.StringIO(
        archive.read("inventarislijst.csv").decode("utf-8-sig")))}
    mail = rows["mail.eml"]
    assert mail["File type"] == "EML" and rows["afspraak.msg"]["File type"] == "MSG"
    assert rows["notitie.docx"]["File type"] == "DOCX" and rows["scan.png"]["File type"] == "PNG"
    for attachment in ("mail.eml/notitie.pdf", "mail.eml/brief.pdf"):
        assert rows[attachment]["Family ID"] == mail["ID"], rows[attachment]
    assert rows["mail.eml/brief.pdf"]["Gerelateerd ID"] == rows["brieven/brief.pdf"]["ID"]
    # the attachments follow their e-mail in the list
    order = list(rows)
    assert order.index("mail.eml/notitie.pdf") == order.index("mail.eml") + 1
    assert mail["Datum"] == "2024-03-05"
