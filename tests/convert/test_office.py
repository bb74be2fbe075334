"""Office files to PDF with LibreOffice, on real documents that LibreOffice itself writes.

A letter written by hand as flat ODF XML becomes DOCX, ODT, RTF and DOC, and a CSV table becomes XLSX
(one soffice run each, at the start of the session); each is then converted to PDF, all five at once.
"""

import io
import os
import re
import shutil
import subprocess
import tempfile
import threading
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pymupdf
import pytest

from redaction.convert.office import PACKAGES, TEMP_PREFIX, ConversionFailed, office_kind, office_to_pdf
from redaction.errors import ExitCode, MissingDependency

pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="LibreOffice is not installed (soffice not on PATH); install Debian's libreoffice-writer-nogui, "
           "libreoffice-calc-nogui and libreoffice-impress-nogui to run these tests")

PERSONAL_DATA = ["Jansen", "111222333", "Jan de Vries", "06-12345678"]
TEXT_FORMATS = ["docx", "odt", "rtf", "doc"]

LETTER = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
  xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
  xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
  office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
 <office:body>
  <office:text>
   <text:h text:outline-level="1">Besluit op uw Woo-verzoek</text:h>
   <text:p>Geachte heer Jansen,</text:p>
   <text:p>In uw verzoek noemt u uw burgerservicenummer, BSN 111222333. Vragen kunt u stellen aan:</text:p>
   <table:table table:name="Contact">
    <table:table-column table:number-columns-repeated="2"/>
    <table:table-row>
     <table:table-cell office:value-type="string"><text:p>Jan de Vries</text:p></table:table-cell>
     <table:table-cell office:value-type="string"><text:p>06-12345678</text:p></table:table-cell>
    </table:table-row>
   </table:table>
   <text:p>Kenmerk WOO-{marker}</text:p>
  </office:text>
 </office:body>
</office:document>
"""

TABLE = "Naam,Telefoon,BSN,Kenmerk\nJan de Vries,06-12345678,111222333,WOO-XLSX\nP. Jansen,,,\n"


def _soffice(work: Path, *arguments: str) -> None:
    """Run LibreOffice in ``work`` with a profile of its own (so runs can overlap)."""
    profile = work / "profile"
    subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                    *arguments], cwd=work, env={**os.environ, "HOME": str(work)}, check=True,
                   capture_output=True, timeout=120)


def _write(work: Path, fmt: str) -> bytes:
    if fmt == "xlsx":
        (work / "tabel.csv").write_text(TABLE, encoding="utf-8")
        _soffice(work, "--infilter=CSV:44,34,76", "--convert-to", "xlsx", "tabel.csv")
        return (work / "tabel.xlsx").read_bytes()
    (work / "brief.fodt").write_text(LETTER.replace("{marker}", fmt.upper()), encoding="utf-8")
    _soffice(work, "--convert-to", fmt, "brief.fodt")
    return (work / f"brief.{fmt}").read_bytes()


@pytest.fixture(scope="session")
def documents(tmp_path_factory) -> dict[str, bytes]:
    """Format ("docx", "odt", "rtf", "doc", "xlsx") -> the document's bytes, as LibreOffice wrote them."""
    formats = [*TEXT_FORMATS, "xlsx"]
    folders = [tmp_path_factory.mktemp(f"office-{fmt}") for fmt in formats]
    with ThreadPoolExecutor(len(formats)) as pool:
        return dict(zip(formats, pool.map(_write, folders, formats)))


@pytest.fixture(scope="session")
def pdfs(documents) -> dict[str, bytes]:
    """Format -> ``office_to_pdf`` of its document; all conversions start at the same moment."""
    start = threading.Barrier(len(documents))

    def convert(fmt: str) -> bytes:
        start.wait()
        return office_to_pdf(documents[fmt], f"besluit.{fmt}")

    with ThreadPoolExecutor(len(documents)) as pool:
        return dict(zip(documents, pool.map(convert, documents)))


@pytest.fixture
def no_leftovers():
    """Fails the test when a conversion leaves a temporary folder behind."""
    folder = Path(tempfile.gettempdir())
    before = set(folder.glob(f"{TEMP_PREFIX}*"))
    yield
    assert set(folder.glob(f"{TEMP_PREFIX}*")) - before == set()


def _text(pdf: bytes) -> tuple[int, str]:
    with pymupdf.open(stream=pdf, filetype="pdf") as document:
        return document.page_count, " ".join(page.get_text() for page in document)


def _one_sentence(message: str) -> None:
    assert message.endswith(".") and "\n" not in message and ". " not in message
    assert "Traceback" not in message


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_letter_keeps_its_personal_data(pdfs, fmt):
    pages, text = _text(pdfs[fmt])
    assert pages >= 1
    for value in [*PERSONAL_DATA, "Besluit op uw Woo-verzoek", f"WOO-{fmt.upper()}"]:
        assert value in text


def test_spreadsheet_keeps_its_cells(pdfs):
    pages, text = _text(pdfs["xlsx"])
    assert pages >= 1
    for value in [*PERSONAL_DATA, "Telefoon", "WOO-XLSX"]:
        assert value in text


def test_conversions_at_once_each_get_their_own_pdf(pdfs):
    """Five LibreOffice processes ran at the same time: none failed for a shared profile and none got
    another's document."""
    for fmt, pdf in pdfs.items():
        text = _text(pdf)[1]
        markers = [other for other in pdfs if f"WOO-{other.upper()}" in text.split()]
        assert markers == [fmt]


@pytest.mark.parametrize("name, head, kind", [
    ("besluit.docx", b"PK\x03\x04\x14\x00\x06\x00", "Word"),
    ("BESLUIT.DOCX", b"PK\x03\x04\x14\x00\x06\x00", "Word"),
    ("oud.doc", bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 8, "Word"),
    ("als-doc-opgeslagen.doc", b"{\\rtf1\\ansi", "Word"),
    ("brief.rtf", b"{\\rtf1\\ansi", "RTF"),
    ("brief.odt", b"PK\x03\x04mimetype", "OpenDocument text"),
    ("tabel.xls", bytes.fromhex("d0cf11e0a1b11ae1"), "Excel"),
    ("tabel.ods", b"PK\x03\x04", "OpenDocument spreadsheet"),
    ("sheets.pptx", b"PK\x03\x04", "PowerPoint"),
    ("sheets.odp", b"PK\x03\x04", "OpenDocument presentation"),
    ("eigenlijk-pdf.docx", b"%PDF-1.7\n%\xe2\xe3", None),
    ("eigenlijk-tekst.xlsx", b"Naam,Telefoon", None),
    ("leeg.docx", b"", None),
    ("notities.txt", b"PK\x03\x04", None),
    ("notities.txt", b"Geachte heer Jansen", None),
    ("archief.zip", b"PK\x03\x04", None),
    ("zonder-extensie", b"PK\x03\x04", None),
])
def test_office_kind(name, head, kind):
    assert office_kind(name, head) == kind


def test_office_kind_of_real_documents(documents):
    names = {"docx": "Word", "doc": "Word", "odt": "OpenDocument text", "rtf": "RTF", "xlsx": "Excel"}
    for fmt, content in documents.items():
        assert office_kind(f"stuk.{fmt}", content[:16]) == names[fmt]


def test_damaged_file_fails_in_one_sentence(no_leftovers):
    damaged = b"PK\x03\x04" + bytes(range(256)) * 40
    with pytest.raises(ConversionFailed) as caught:
        office_to_pdf(damaged, "kapot.docx")
    message = str(caught.value)
    assert caught.value.exit_code == ExitCode.INPUT_FILE
    assert message.startswith("kapot.docx: the Word file cannot be converted to PDF (")
    assert "damaged" in message and "save it as PDF" in message
    _one_sentence(message)


def test_timeout_kills_libreoffice(documents, no_leftovers):
    with pytest.raises(ConversionFailed) as caught:
        office_to_pdf(documents["docx"], "traag.docx", timeout=0.01)
    assert "did not finish within 0.01 s" in str(caught.value)
    _one_sentence(str(caught.value))


def test_password_protected_odf_is_named_as_such(documents, no_leftovers):
    """An ODF file whose manifest lists encryption data (the real ODT with its manifest so marked)."""
    source = zipfile.ZipFile(io.BytesIO(documents["odt"]))
    marked = io.BytesIO()
    with zipfile.ZipFile(marked, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "META-INF/manifest.xml":
                data = re.sub(rb'(<manifest:file-entry manifest:full-path="content.xml"[^>]*)/>',
                              rb"\1><manifest:encryption-data/></manifest:file-entry>", data)
                assert b"encryption-data" in data
            target.writestr(item, data)
    with pytest.raises(ConversionFailed, match="password-protected"):
        office_to_pdf(marked.getvalue(), "geheim.odt")


def test_password_protected_ooxml_is_named_as_such(no_leftovers):
    """Encrypted OOXML is an OLE compound file holding an EncryptedPackage stream."""
    content = bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504) + "EncryptedPackage".encode("utf-16-le") + bytes(64)
    with pytest.raises(ConversionFailed) as caught:
        office_to_pdf(content, "geheim.xlsx")
    assert "the Excel file cannot be converted to PDF (it is password-protected)" in str(caught.value)
    _one_sentence(str(caught.value))


def test_missing_libreoffice_names_the_packages(monkeypatch, tmp_path, documents, no_leftovers):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(MissingDependency) as caught:
        office_to_pdf(documents["docx"], "besluit.docx")
    message = str(caught.value)
    assert caught.value.exit_code == ExitCode.MISSING_DEPENDENCY == 3
    assert PACKAGES in message
    for package in ["libreoffice-writer-nogui", "libreoffice-calc-nogui", "libreoffice-impress-nogui"]:
        assert package in message
    _one_sentence(message)


def test_missing_module_names_its_package(monkeypatch, tmp_path, documents, no_leftovers):
    """A LibreOffice with Writer only (Debian's layout: share/registry holds one file per module)."""
    program = tmp_path / "lib" / "program" / "soffice"
    program.parent.mkdir(parents=True)
    program.write_text("#!/bin/sh\nexit 1\n")
    program.chmod(0o755)
    (tmp_path / "lib" / "share" / "registry").mkdir(parents=True)
    (tmp_path / "lib" / "share" / "registry" / "writer.xcd").write_text("<oor:data/>")
    monkeypatch.setenv("PATH", str(program.parent))
    with pytest.raises(MissingDependency, match="libreoffice-calc-nogui"):
        office_to_pdf(documents["xlsx"], "tabel.xlsx")


def test_name_without_office_suffix_is_a_bug():
    with pytest.raises(ValueError):
        office_to_pdf(b"Geachte heer Jansen", "brief.txt")
