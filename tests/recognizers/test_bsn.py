import random

import pytest
from conftest import find, load_external
from stdnum.nl import bsn

from redaction.recognizers.bsn import NlBsnRecognizer


@pytest.fixture(scope="module")
def recognizer():
    return NlBsnRecognizer()


def _numbers(valid: bool, count: int = 200, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    out = []
    while len(out) < count:
        n = f"{rng.randrange(100_000_000, 999_999_999)}"
        if bsn.is_valid(n) == valid:
            out.append(n)
    return out


@pytest.mark.parametrize("number", _numbers(valid=True, count=50))
def test_elfproef_valid_numbers_after_label_are_found(recognizer, number):
    assert find(recognizer, f"BSN: {number}.", keep=False) == [number]


def test_elfproef_invalid_numbers_are_never_returned(recognizer):
    for number in _numbers(valid=False):
        assert find(recognizer, f"Burgerservicenummer {number}") == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("BSN\n1112.22.333\nTelefoon", "1112.22.333"),
        ("burgerservicenummer 111 222 333 is gebruikt", "111 222 333"),
        ("mijn burgerservicenummer\n(111222333) stond verkeerd", "111222333"),
        ("sofinummer: 111222333", "111222333"),
    ],
)
def test_written_forms(recognizer, text, expected):
    assert find(recognizer, text, keep=False) == [expected]


def test_eight_digits_only_with_label(recognizer):
    # 012345672 passes the elfproef; written without its leading zero
    assert bsn.is_valid("012345672")
    assert find(recognizer, "BSN: 12345672", keep=False) == ["12345672"]
    assert find(recognizer, "KvK-nummer 12345672") == []


@pytest.mark.parametrize("label", ["Zaaknummer", "factuurnummer", "Kenmerk:", "Uw dossier (", "Klacht"])
def test_valid_number_after_reference_label_is_kept(recognizer, label):
    results = recognizer.analyze(f"{label} 111222333", ["BSN"])
    assert len(results) == 1
    assert "keep_reason" in results[0].recognition_metadata


def test_unlabelled_valid_number_has_lower_score(recognizer):
    [result] = recognizer.analyze("Zie 111222333 in de bijlage.", ["BSN"])
    assert 0.5 <= result.score < 1.0
    assert "elfproef" in result.analysis_explanation.textual_explanation


@pytest.mark.parametrize(
    "text",
    [
        "Onze referentie 2023-111222333",  # part of a longer reference
        "bedrag € 111.222.333",
        "telefoon 0111222333",
        "IBAN NL91ABNA0417164300",
        "1112223334",  # ten digits
    ],
)
def test_not_part_of_other_numbers(recognizer, text):
    assert find(recognizer, text) == []


def test_stdnum_vectors(recognizer):
    vectors = [v for v in load_external("stdnum/stdnum_vectors.json") if v["scheme"] == "nl.bsn"]
    assert vectors
    for v in vectors:
        found = find(recognizer, f"BSN {v['number']}", keep=False)
        assert (found == [v["number"]]) == v["valid"], v


def test_deduce_bsn_examples(recognizer):
    cases = [c for c in load_external("deduce/regression_cases.json") if c["category"] == "identifiers"]
    for case in cases:
        expected = [s["text"] for s in case["spans"] if s["tag"] == "bsn"]
        found = find(recognizer, case["text"], keep=False)
        assert found == expected, case["text"]
