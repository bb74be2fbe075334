"""The inventory is published in Dutch: every reason the engine gives in English has a Dutch sentence."""

from __future__ import annotations

import re

import pytest

from redaction.package import dutch, unpack

# Words that give an English sentence away; none of them is Dutch.
ENGLISH = re.compile(r"\b(the|is not|are not|file|cannot|was|has|with|only|save it)\b", re.IGNORECASE)

ENGINE_SENTENCES = [
    # redaction.package.unpack, as written there
    *unpack._REASONS.values(),
    unpack.SYSTEM_FILE,
    "files of type .dwg are not supported; only PDF, images, Office files, e-mails and .txt files are.",
    "files of unknown type are not supported; only PDF, images, Office files, e-mails and .txt files are.",
    "the .txt file holds binary data (perhaps UTF-16 text); save it as UTF-8 text.",
    "the .txt file is neither UTF-8 nor Windows-1252 text; save it as UTF-8 text.",
    "the file is larger than 200 MB", "compression ratio 1024:1 looks like a zip bomb", "the file is empty",
    "ZIP file nested more than 3 deep, not unpacked", "encrypted ZIP member",
    "ZIP member compressed with LZMA; pack the ZIP again with ordinary compression.",
    "a folder entry in the ZIP file holds data", "the ZIP member is damaged (Bad CRC-32)",
    "the ZIP file is damaged (truncated)", "the ZIP file holds no files", "the folder cannot be read (denied)",
    "symbolic link outside the package", "broken symbolic link", "symbolic link to a folder, not followed",
    "special file (named pipe), not a document",
    # errors of reading and releasing, with the server's path in front as the engine writes them
    "/srv/data/files/ab/abcdef.pdf: the PDF is encrypted; give its password with --password.",
    "/srv/data/files/ab/abcdef.pdf: the PDF has no pages; ask the sender for a complete copy.",
    "/srv/data/files/ab/abcdef.pdf: the PDF is damaged and cannot be opened (format error); repair the PDF.",
    "/srv/data/files/ab/abcdef.pdf: verification failed, redacted text is still readable in page 2; no release "
    "file was written, review this document by hand.",
    "brief.docx: the Word file cannot be converted to PDF (it is password-protected); remove the password.",
    "The e-mail file is empty; save the e-mail again from the mail program.",
    "its worker stopped 3 times while processing this document (a file that crashes the PDF engine, or too "
    "little memory); review it by hand.",
    "kapot.docx: the Word file cannot be converted to PDF (LibreOffice cannot open it: it may be damaged or "
    "password-protected); save it again.",
]


@pytest.mark.parametrize("english", ENGINE_SENTENCES)
def test_every_reason_has_a_dutch_sentence_without_a_path(english):
    said = dutch.reason(english, "unsupported")
    assert said not in dutch.DEFAULT_REASON.values(), f"no Dutch sentence for {english!r}"
    assert not ENGLISH.search(said), said
    assert "/srv" not in said and "abcdef" not in said


def test_an_unknown_reason_becomes_the_sentence_of_its_status():
    assert dutch.reason("Something nobody foresaw at /srv/data/x.pdf", "failed") == "de verwerking is mislukt"
    assert dutch.reason(None, "unsupported") == "dit bestandstype wordt niet ondersteund"


def test_warnings_of_a_released_document():
    assert dutch.warning("page 3 was turned into an image: its text could not be removed otherwise") == (
        "pagina 3 is als afbeelding opgenomen: de tekst kon niet anders worden verwijderd")
    assert dutch.warning("page 2 was read by OCR with low confidence (41%); check its redactions by hand") == (
        "pagina 2 is met lage betrouwbaarheid (41%) door tekstherkenning gelezen: controleer de lakken")
    assert dutch.warning("something new the engine says") is None


def test_a_conversion_that_may_have_failed_for_a_password_does_not_claim_one():
    assert dutch.reason("x.docx: the Word file cannot be converted to PDF (LibreOffice cannot open it: it may be "
                        "damaged or password-protected); save it again.", "failed") == (
        "het bestand kan niet naar PDF worden omgezet")
    assert dutch.reason("x.docx: the Word file cannot be converted to PDF (it is password-protected); remove it.",
                        "failed") == "het bestand kan niet naar PDF worden omgezet: het is met een wachtwoord beveiligd"
