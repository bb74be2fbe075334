"""Property-based tests (Hypothesis) of the recognizers and of PDF intake.

Hypothesis generates the inputs and, when a property fails, shrinks the input to a smallest example. In the
test run each property is tried on a fixed, derandomised set of examples (the ``ci`` profile below), so a
run is repeatable; ``benchmarks/fuzz.py --target properties --seconds N`` runs the same properties with
fresh random seeds for a bounded time.

The properties:

* any text: the engine never raises, and every finding's offsets point at its text;
* a BSN that passes the elfproef (python-stdnum decides) is found as BSN with ground 5.1.1e, whatever the
  sentence around it; nine digits that fail it are never a BSN;
* a Dutch IBAN with correct check digits (ISO 7064 mod 97-10), with or without spaces, is found whole;
* an e-mail address and a Dutch mobile number in any common notation are found whole;
* a PDF with bytes overwritten anywhere either opens or fails with one of the engine's own errors.
"""

from __future__ import annotations

import os
import string
from functools import lru_cache

import pymupdf
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from stdnum.iso7064 import mod_97_10
from stdnum.nl import bsn as stdnum_bsn

from redaction.document import Document

settings.register_profile("ci", max_examples=60, derandomize=True, deadline=None, database=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("fuzz", max_examples=400, derandomize=False, deadline=None, database=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("WOO_REDACT_HYPOTHESIS_PROFILE", "ci"))


@lru_cache(maxsize=1)
def engine():
    """One engine for every example (the fixture of the same name cannot be used inside ``@given``)."""
    from redaction.analyzer import get_engine

    return get_engine()


def analysed(text: str):
    """The findings of the whole pipeline on a text document, grounds included."""
    findings = engine().analyze(Document(path=None, text=text))
    for f in findings:
        assert 0 <= f.start < f.end <= len(text), (f, len(text))
        assert text[f.start:f.end] == f.text, (f, text[f.start:f.end])
    return findings


# --- strategies ------------------------------------------------------------------------------------------

def _bsn_digits(draw, valid: bool) -> str:
    digits = draw(st.lists(st.integers(0, 9), min_size=8, max_size=8))
    digits[0] = draw(st.integers(1, 9))  # no leading zero, as on the documents we read
    weighted = sum(d * w for d, w in zip(digits, range(9, 1, -1)))
    check = weighted % 11
    if valid:
        assume(check < 10)
        number = "".join(map(str, digits)) + str(check)
    else:
        wrong = draw(st.integers(0, 9).filter(lambda d: d != check))
        number = "".join(map(str, digits)) + str(wrong)
    assert stdnum_bsn.is_valid(number) is valid
    return number


@st.composite
def valid_bsns(draw) -> str:
    return _bsn_digits(draw, valid=True)


@st.composite
def invalid_bsns(draw) -> str:
    return _bsn_digits(draw, valid=False)


@st.composite
def dutch_ibans(draw) -> str:
    bank = draw(st.sampled_from(["ABNA", "INGB", "RABO", "SNSB", "TRIO", "ASNB", "BUNQ", "KNAB", "RBRB"]))
    account = draw(st.text(string.digits, min_size=10, max_size=10))
    bban = bank + account
    check = mod_97_10.calc_check_digits(bban + "NL")
    iban = f"NL{check}{bban}"
    if draw(st.booleans()):
        iban = " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))
    return iban


@st.composite
def emails(draw) -> str:
    word = st.text(string.ascii_lowercase, min_size=1, max_size=10)
    local = ".".join(draw(st.lists(word, min_size=1, max_size=3)))
    domain = draw(st.text(string.ascii_lowercase, min_size=2, max_size=12))
    top = draw(st.sampled_from(["nl", "com", "org", "eu", "net"]))
    return f"{local}@{domain}.{top}"


@st.composite
def mobile_numbers(draw) -> str:
    rest = draw(st.text(string.digits, min_size=8, max_size=8))
    notation = draw(st.sampled_from(["06{a}", "06-{a}", "06 {b} {c}", "+31 6 {b} {c}", "+316{a}",
                                     "06 {d} {e} {f}"]))
    return notation.format(a=rest, b=rest[:4], c=rest[4:], d=rest[:2], e=rest[2:5], f=rest[5:])


SENTENCES = st.sampled_from([
    "Het BSN van betrokkene is {}.",
    "Burgerservicenummer: {}\nGeboren te Utrecht.",
    "Zie bijlage ({}) voor de gegevens.",
    "{} is het nummer dat verzoeker opgaf.",
])

WORDS = st.lists(st.sampled_from(["de", "aanvraag", "is", "ontvangen", "op", "Kenmerk", "gemeente", "en",
                                  "het", "besluit", "volgt", "nog", "zie", "ook"]), max_size=12).map(" ".join)


def covered(findings, text: str, part: str, entity: str) -> bool:
    """Some finding of ``entity`` covers the whole of ``part`` in ``text``."""
    start = text.index(part)
    return any(f.entity == entity and f.start <= start and start + len(part) <= f.end for f in findings)


# --- properties --------------------------------------------------------------------------------------------

@given(st.text(max_size=400))
def test_any_text_is_analysed_without_error_and_offsets_hold(text):
    findings = engine().analyze_text(text)
    for f in findings:
        assert 0 <= f.start < f.end <= len(text)
        assert text[f.start:f.end] == f.text


@given(WORDS, valid_bsns(), SENTENCES, WORDS)
def test_a_valid_bsn_is_found_with_its_ground(before, number, sentence, after):
    text = f"{before}\n{sentence.format(number)}\n{after}"
    findings = analysed(text)
    assert covered(findings, text, number, "BSN"), findings
    assert {f.ground for f in findings if f.entity == "BSN"} == {"5.1.1e"}


@given(invalid_bsns(), SENTENCES)
def test_nine_digits_failing_the_elfproef_are_no_bsn(number, sentence):
    text = sentence.format(number)
    assert not [f for f in analysed(text) if f.entity == "BSN"]


@given(WORDS, dutch_ibans(), WORDS)
def test_a_dutch_iban_is_found_whole(before, iban, after):
    text = f"{before} rekeningnummer {iban} {after}".strip()
    assert covered(analysed(text), text, iban, "IBAN"), text


@given(WORDS, emails(), mobile_numbers(), WORDS)
def test_an_email_address_and_a_mobile_number_are_found_whole(before, address, phone, after):
    text = f"{before}\nE-mail: {address}\nTelefoon: {phone}\n{after}"
    findings = analysed(text)
    assert covered(findings, text, address, "EMAIL"), (text, findings)
    assert covered(findings, text, phone, "PHONE"), (text, findings)


@lru_cache(maxsize=1)
def seed_pdf() -> bytes:
    doc = pymupdf.open()
    page = doc.new_page(width=595.28, height=841.89)
    page.insert_text((72, 80), "Contactpersoon: Sanne Oudejans, telefoon 06-12345678", fontname="helv")
    page.add_text_annot((400, 60), "Opmerking van Sanne Oudejans")
    doc.set_toc([[1, "Inhoud", 1]])
    try:
        return doc.tobytes()
    finally:
        doc.close()


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.binary(min_size=1, max_size=16)),
                min_size=1, max_size=6))
def test_a_damaged_pdf_opens_or_fails_with_the_engines_own_error(edits):
    from redaction.document import open_document
    from redaction.errors import RedactionError

    data = bytearray(seed_pdf())
    for where, chunk in edits:
        at = int(where * len(data))
        data[at:at + len(chunk)] = chunk
    path = _scratch() / "case.pdf"
    path.write_bytes(bytes(data))
    try:
        document = open_document(path)
    except RedactionError as exc:
        assert str(exc).strip(), "a refusal names its reason"
        return
    try:
        for f in engine().analyze(document):
            assert document.text[f.start:f.end] == f.text
    finally:
        document.close()


@lru_cache(maxsize=1)
def _scratch():
    import tempfile
    from pathlib import Path

    return Path(tempfile.mkdtemp(prefix="woo-properties-"))
