import pytest
from conftest import find, load_external

from redaction.recognizers.iban import NlIbanRecognizer


@pytest.fixture(scope="module")
def recognizer():
    return NlIbanRecognizer()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Rekeningnummer (IBAN)\nNL91 ABNA 0417 1643 00\nKenteken", "NL91 ABNA 0417 1643 00"),
        ("overgemaakt op NL91ABNA0417164300 onder vermelding van", "NL91ABNA0417164300"),
        ("op BE71 0961 2345 6769 onder", "BE71 0961 2345 6769"),
        ("IBAN: DE89 3704 0044 0532 0130 00.", "DE89 3704 0044 0532 0130 00"),
        ("rekening GB29 NWBK 6016 1331 9268 19", "GB29 NWBK 6016 1331 9268 19"),
        ("iban NL91 ABNA\n0417 1643 00 (afgebroken)", "NL91 ABNA0417 1643 00"),
    ],
)
def test_valid_ibans(recognizer, text, expected):
    assert find(recognizer, text, keep=False) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "NL92 ABNA 0417 1643 00",  # check digits wrong
        "NL91 ABNA 0417 1643 0",  # too short
        "NL56 3003 0A17 1643 00",  # letter where NL wants digits
        "XX43 1234 5678 9012",  # no such country
        "Kamerstuk 36 200 VII, nr. 17",
    ],
)
def test_invalid_ibans(recognizer, text):
    assert find(recognizer, text) == []


def test_organisation_account_is_kept(recognizer):
    text = "Betaal op NL91 ABNA 0417 1643 00 t.n.v. Centraal Justitieel Incassobureau."
    assert find(recognizer, text, keep=True) == ["NL91 ABNA 0417 1643 00"]
    assert find(recognizer, "Wij maken het over op NL91 ABNA 0417 1643 00 ten name van mevrouw Smit.", keep=False)


def test_stdnum_vectors(recognizer):
    """python-stdnum's IBAN samples: no invalid one is accepted; valid ones are found whole.

    A few valid samples use spellings we do not read as one IBAN (dots inside the number,
    a space inside the check digits); at most 5 % may be missed.
    """
    vectors = [
        v for v in load_external("stdnum/stdnum_vectors.json") if v["scheme"] == "iban" and not v.get("options")
    ]
    assert len(vectors) > 150
    missed = []
    for v in vectors:
        found = find(recognizer, f"IBAN {v['number']}")
        if v["valid"] and found != [v["number"]]:
            missed.append(v["number"])
        if not v["valid"]:
            assert found == [], v
    assert len(missed) <= 0.05 * len(vectors), missed


def test_presidio_vectors(recognizer):
    """Presidio's IBAN table: every IBAN it expects is found; its negatives give no result."""
    vectors = [v for v in load_external("presidio-vectors/presidio_recognizer_vectors.json") if v["entity"] == "IBAN_CODE"]
    assert vectors
    failures = []
    for v in vectors:
        found = find(recognizer, v["text"])
        expected = [e["text"] for e in v["expected"]]
        if found != expected:
            failures.append((v["text"], expected, found))
    # Presidio accepts some separators and lowercase forms we deliberately do not; allow a few
    assert len(failures) <= len(vectors) * 0.1, failures[:20]
