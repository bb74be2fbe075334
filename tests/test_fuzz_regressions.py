"""Regression tests from fuzzing (benchmarks/fuzz.py): minimal reproducers of what it found, and a small
fixed-seed sample of its inputs per target, each checked against the entry point's contract.

Contracts: ``open_document`` raises only ``RedactionError``; ``redact_file`` never raises and never takes
long; ``Engine.analyze_text`` never raises and its findings' offsets lie within the text;
``unpack`` raises only ``PackageError``; ``read_email(data, "eml")`` raises only ``InputError``.
"""

from __future__ import annotations

import importlib.util
import random
import signal
import struct
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from redaction.convert.email import read_email
from redaction.document import open_document
from redaction.errors import InputError, RedactionError
from redaction.package.unpack import PackageError, unpack
from redaction.pipeline import redact_file

FUZZ_PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "fuzz.py"


def _fuzz_module():
    spec = importlib.util.spec_from_file_location("woo_redact_fuzz", FUZZ_PATH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


fuzz = _fuzz_module()


class TooSlow(BaseException):
    """A BaseException, so that the product code's ``except Exception`` cannot swallow it."""


@contextmanager
def time_limit(seconds: float):
    """Fail a call that takes longer than ``seconds`` (SIGALRM; main thread, Linux)."""

    def on_alarm(signum, frame):
        raise TooSlow(f"slower than {seconds} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    slow = False
    try:
        yield
    except TooSlow:
        slow = True  # fail outside the except block: the interrupted frames may lack line numbers
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    if slow:
        pytest.fail(f"slower than {seconds} s", pytrace=False)


def check_offsets(text, findings):
    for f in findings:
        assert 0 <= f.start < f.end <= len(text), (f.entity, f.start, f.end, len(text))
        assert text[f.start:f.end] == f.text


# --- minimal reproducers of the findings -------------------------------------------------------------

# A Date header whose year does not fit in a C int: the standard library's header parser raises
# OverflowError, which redaction.convert.email._PARSE_ERRORS does not list (_eml_date lets it through).
EML_HUGE_YEAR = b"From: a@b.nl\r\nDate: Tue, 4 Mar 204294967295 09:00:00 +0000\r\n\r\nx\r\n"
# The same through the time zone offset (timedelta(seconds=...) overflows).
EML_HUGE_ZONE = b"From: a@b.nl\r\nDate: 1 Jan 2025 10:00 +99999999999999999999\r\n\r\nx\r\n"


@pytest.mark.parametrize("data", [EML_HUGE_YEAR, EML_HUGE_ZONE], ids=["year", "zone"])
def test_eml_with_overflowing_date_raises_input_error_or_reads(data):
    try:
        read_email(data, "eml")
    except InputError:
        pass


def test_open_document_eml_with_overflowing_date(tmp_path):
    path = tmp_path / "bericht.eml"
    path.write_bytes(EML_HUGE_YEAR)
    try:
        open_document(path).close()
    except RedactionError:
        pass


# An HTML body with a malformed marked section: html.parser raises AssertionError ("unknown status
# keyword 'CDAT ' in marked section"), which _PARSE_ERRORS does not list.
EML_BAD_MARKED_SECTION = b"From: a@b.nl\r\nContent-Type: text/html\r\n\r\n<![CDAT x\r\n"


def test_eml_with_malformed_html_marked_section():
    try:
        read_email(EML_BAD_MARKED_SECTION, "eml")
    except InputError:
        pass


# Found by `benchmarks/fuzz.py --seed 11`: a multipart part whose Content-Type ends in a parameter name
# without a value. The standard library's header parser raises IndexError while the message is parsed,
# before any of read_email's own error handling.
EML_PARAMETER_WITHOUT_VALUE = (
    b"From: j@example.nl\r\nTo: x@example.nl\r\nSubject: bijlage\r\n"
    b"Content-Type: multipart/mixed; boundary=\"AAA\"\r\n\r\n--AAA\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n\r\nHallo\r\n--AAA\r\n"
    b"Content-Type: apt; filename*\r\n\r\nxx\r\n--AAA--\r\n")


def test_eml_with_a_content_type_parameter_without_value():
    try:
        read_email(EML_PARAMETER_WITHOUT_VALUE, "eml")
    except InputError as exc:
        assert "cannot be read" in str(exc)


# The end of a ZIP file that says it spans two disks (what the last part of a split ZIP archive says):
# a ZIP64 end-of-central-directory locator with "total disks 2", then an empty end record.
# zipfile.is_zipfile raises BadZipFile for it, and unpack() calls is_zipfile outside its error handling.
SPLIT_ZIP = b"PK\x06\x07" + struct.pack("<IQI", 0, 0, 2) + b"PK\x05\x06" + b"\x00" * 18


def test_unpack_split_zip_raises_package_error(tmp_path):
    path = tmp_path / "pakket.zip"
    path.write_bytes(SPLIT_ZIP)
    with pytest.raises(PackageError):
        list(unpack(path))


def test_iban_recognizer_is_fast_on_long_alphanumeric_run(engine):
    text = "NL00" + "A" * 301  # e.g. a base64 blob or a token in a URL that starts like an IBAN
    with time_limit(1):  # a few milliseconds when the pattern is linear
        findings = engine.analyze_text(text)
    check_offsets(text, findings)


def _pdf_with_high_object_number(path: Path, number: int) -> Path:
    """A valid one-page PDF whose catalog has object number ``number`` (the xref grows to that size)."""
    body = b"BT /F0 24 Tf 50 700 Td (Hallo wereld) Tj ET"
    objects = [
        (1, b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"),
        (2, b"<< /Type /Page /Parent 1 0 R /MediaBox [0 0 612 792] /Resources 3 0 R /Contents 4 0 R >>"),
        (3, b"<< /Font << /F0 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>"),
        (4, b"<< /Length %d >>\nstream\n" % len(body) + body + b"\nendstream"),
        (number, b"<< /Type /Catalog /Pages 1 0 R >>"),
    ]
    out = bytearray(b"%PDF-1.4\n")
    for num, content in objects:
        out += b"%d 0 obj\n" % num + content + b"\nendobj\n"
    # no xref table: MuPDF rebuilds it (as for the damaged file the fuzzer produced)
    out += b"trailer\n<< /Root %d 0 R /Size %d >>\n%%%%EOF\n" % (number, number + 1)
    path.write_bytes(bytes(out))
    return path


def test_redact_file_is_fast_with_a_high_object_number(tmp_path, engine):
    path = _pdf_with_high_object_number(tmp_path / "hoog.pdf", 8_000_000)
    # Before, cleaning walked every object number and took ~40 s. What is left is MuPDF's own opening and
    # saving of an 8-million-entry table (~1 s each); MuPDF allows no object number above 8,388,607, so this
    # is about the worst such a file can do. The limit leaves room for a loaded machine.
    with time_limit(10):
        result = redact_file(path, tmp_path / "uit.pdf", engine=engine)
    assert result.exit_code != 15, result.error


def test_high_object_number_pdf_opens(tmp_path):
    """The reproducer above is a readable PDF (the slowness is in redacting it, not in opening it)."""
    path = _pdf_with_high_object_number(tmp_path / "hoog.pdf", 8_000_000)
    with time_limit(5):
        document = open_document(path)
    try:
        assert "Hallo wereld" in document.text
    finally:
        document.close()


# --- fixed-seed samples of the fuzzer's inputs --------------------------------------------------------

@pytest.fixture(scope="module")
def pdf_seeds(tmp_path_factory):
    return fuzz.pdf_seeds(tmp_path_factory.mktemp("pdf-seeds"))


def test_mutated_pdfs_raise_only_redaction_errors(pdf_seeds, tmp_path, engine):
    rng = random.Random(20240501)
    for case in range(30):
        name, seed = rng.choice(pdf_seeds)
        data = fuzz.mutate(rng, seed, fuzz.PDF_TOKENS)
        path = tmp_path / f"case{case}.pdf"
        path.write_bytes(data)
        try:
            with time_limit(10):
                open_document(path, password=fuzz.PASSWORD if name == "encrypted" else None).close()
        except RedactionError as exc:
            assert str(exc).strip(), case
        if case % 8 == 0:
            with time_limit(10):
                result = redact_file(path, tmp_path / f"out{case}.pdf", engine=engine)
            assert result.exit_code != 15, (case, result.error)
            assert (result.status == "ok") == (result.exit_code == 0), case


NASTY_TEXTS = [
    "",
    "\x00" * 50,
    "BSN 111222333" * 300,
    "NL91ABNA0417164300 " * 50,
    "NL91 ABNA 0417 1643 00\nNL91 ABNA 0417 1643 00-" * 20,
    "\u202eJan Jansen\u202c, BSN 1\u200b11222333, IBAN NL91\u00a0ABNA\u00a00417\u00a01643\u00a000",
    "J\u0301a\u0308n de V\u0301ries, 06-1234\u03015678, p.jansen@exa\u0301mple.nl",
    "\ud800\udfff Piet \udc00 1234 AB \ufeff",
    "1234 AB " * 500,
    "0" * 5000,
    " " * 5000 + "Jan",
    "\n" * 3000 + "mevrouw A.B. de Vries-van der Berg",
    "ﬁ ß İ ǅ Ａ 𝟏𝟐𝟑 ١٢٣٤ — 12-03-1980 — 31 februari 2001",
    "@" * 200 + "a@b.c" + "." * 200,
    "+31 6 12345678 " * 100 + "0031201234567",
]


@pytest.mark.parametrize("text", NASTY_TEXTS, ids=range(len(NASTY_TEXTS)))
def test_analyze_text_on_nasty_strings(text, engine):
    with time_limit(10):
        check_offsets(text, engine.analyze_text(text))


def test_analyze_text_on_random_texts(engine):
    from redaction.document import Document

    rng = random.Random(77)
    done = 0
    while done < 30:
        text = fuzz.random_text(rng)[:3000]
        with time_limit(10):
            check_offsets(text, engine.analyze_text(text))
            if done % 10 == 0:
                check_offsets(text, engine.analyze(Document(path=None, text=text)))
        done += 1


def test_mutated_zips_raise_only_package_error(tmp_path):
    rng = random.Random(31337)
    seeds = fuzz.zip_seeds()
    for case in range(150):
        data = fuzz.mutate(rng, rng.choice(seeds), fuzz.ZIP_TOKENS)
        if case % 5 == 0:
            data = fuzz.zip_bytes([("ok.txt", b"ok"), ("inner.zip", data)])
        path = tmp_path / f"case{case}.zip"
        path.write_bytes(data)
        try:
            with time_limit(10):
                for entry in unpack(path):
                    if entry.kind in ("unsupported", "refused"):
                        assert entry.reason, (case, entry.path)
                    else:  # pdf, text, or a convertible kind (office, email, image): the bytes are there
                        assert entry.content is not None and len(entry.content) == entry.size, (case, entry.path)
        except PackageError as exc:
            assert str(exc).strip(), case


def test_mutated_emails_raise_only_input_error():
    rng = random.Random(4242)
    seeds = fuzz.eml_seeds()
    started = time.monotonic()
    for case in range(300):
        data = fuzz.mutate(rng, rng.choice(seeds), fuzz.EML_TOKENS)
        try:
            read_email(data, "eml")
        except InputError as exc:
            assert str(exc).strip(), case
    assert time.monotonic() - started < 10
