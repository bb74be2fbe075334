import socket

import pytest
from conftest import find, load_external

from redaction.recognizers.email import NlEmailRecognizer, is_function_mailbox


@pytest.fixture(scope="module")
def recognizer():
    return NlEmailRecognizer()


@pytest.mark.parametrize(
    "address",
    ["voornaam.achternaam@minbzk.nl", "j.devries@gmail.com", "h.pelupessy96@hotmail.com", "a.jansen-bakker@minienw.nl",
     "info.jansen@gmail.com", "achternaam_voornaam@gmail.com", "jan@voorbeeld.co.uk"],
)
def test_personal_addresses(recognizer, address):
    assert find(recognizer, f"Van: Jan <{address}>\nAan:", keep=False) == [address]


@pytest.mark.parametrize(
    "address",
    ["info@cjib.nl", "woo@minbzk.nl", "secretariaat@gemeente.nl", "postbus@voorbeeld.nl", "privacy@toeslagen.nl",
     "woo-verzoeken@minvws.nl", "team.communicatie@minezk.nl", "noreply@rijksoverheid.nl"],
)
def test_function_mailboxes_are_kept(recognizer, address):
    results = recognizer.analyze(f"mail naar {address}.", ["EMAIL"])
    assert len(results) == 1
    assert "keep_reason" in results[0].recognition_metadata
    assert "mailbox" in results[0].analysis_explanation.textual_explanation


def test_first_names_that_start_like_function_words_are_personal():
    assert not is_function_mailbox("ingrid.willems@minezk.nl")
    assert not is_function_mailbox("infoinfo@gmail.com")  # consumer provider: always a person


@pytest.mark.parametrize(
    "text, expected",
    [
        ("E\ninge.schimmelpenninck@\nminienw.nl\nDatum", "inge.schimmelpenninck@minienw.nl"),
        ("E tjeerd.dehaan-\nboersma@minvws.nl\nDatum", "tjeerd.dehaan-boersma@minvws.nl"),
        ("mail: jan.\njansen@voorbeeld.nl", "jan.jansen@voorbeeld.nl"),
        ("mailen naar\ninfo@cjib.nl.\nGebruik bij iedere betaling", "info@cjib.nl"),
    ],
)
def test_addresses_broken_over_a_line_end(recognizer, text, expected):
    assert find(recognizer, text) == [expected]


@pytest.mark.parametrize("text", ["jan@localhost", "a@b.c", "naam@voorbeeld.nietbestaand", "open.overheid.nl", "@minbzk"])
def test_not_addresses(recognizer, text):
    assert find(recognizer, text) == []


def test_works_offline(recognizer, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the e-mail recognizer tried to open a network connection")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    fresh = NlEmailRecognizer()
    assert find(fresh, "mail j.devries@voorbeeld.nl") == ["j.devries@voorbeeld.nl"]


def test_presidio_vectors(recognizer):
    vectors = [v for v in load_external("presidio-vectors/presidio_recognizer_vectors.json") if v["entity"] == "EMAIL_ADDRESS"]
    assert vectors
    for v in vectors:
        assert find(recognizer, v["text"]) == [e["text"] for e in v["expected"]], v["text"]


def test_pii_filter_addresses(recognizer):
    cases = load_external("pii-filter-nl/benchmark_nl.json")
    for case in cases:
        expected = [s["text"] for s in case["spans"] if s["tag"] == "email_address"]
        assert find(recognizer, case["text"], keep=False) == expected, case["text"]


def test_deduce_addresses(recognizer):
    cases = [c for c in load_external("deduce/regression_cases.json") if c["category"] == "emails"]
    assert cases
    for case in cases:
        assert find(recognizer, case["text"]) == [s["text"] for s in case["spans"]], case["text"]


def test_function_mailbox_is_decided_by_its_first_word():
    from redaction.recognizers.email import is_function_mailbox

    assert is_function_mailbox("secretariaat.dgo@minbzk.nl")
    assert is_function_mailbox("woo-verzoeken@gemeente.nl")
    assert not is_function_mailbox("jan.team@minbzk.nl")
    assert not is_function_mailbox("een-afdeling@ziekenhuis.nl")
