import pytest
from conftest import find, load_external

from redaction.recognizers.phone import NlPhoneRecognizer


@pytest.fixture(scope="module")
def recognizer():
    return NlPhoneRecognizer()


@pytest.mark.parametrize(
    "number",
    [
        "06-12345678",
        "06 1234 5678",
        "0612345678",
        "06 12 34 56 78",
        "+31 6 12345678",
        "+31 (0)6 1234 5678",
        "+31(0)612345678",
        "0031 6 12345678",
        "0031 (0)6 12345678",
        "+31612345678",
        "070-1234567",
        "070 123 4567",
        "(020) 123 45 67",
        "(0517) 123456",
        "+31 (0)70 123 4567",
        "010 - 123 45 67",
        "+32 470 12 34 56",
        "+49 30 12345678",
        "+44 20 7946 0958",
        "+33 1 23 45 67 89",
    ],
)
def test_notations_are_found_whole(recognizer, number):
    assert find(recognizer, f"U kunt hem bellen op {number}, graag na 17.00 uur.", keep=False) == [number]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("bereikbaar via 06-\n12345678.", "06-12345678"),
        ("contact opnemen met Jan (06 1234\n5678) of", "06 12345678"),
        ("bereikbaar via +31\n(0)6 1234 5678.", "+31(0)6 1234 5678"),
    ],
)
def test_number_broken_over_a_line_end(recognizer, text, expected):
    assert find(recognizer, text, keep=False) == [expected]


def test_two_numbers_on_consecutive_lines_are_separate(recognizer):
    text = "Deelnemers\n06 1234 5678\n070 123 4567\nteamleider"
    assert find(recognizer, text, keep=False) == ["06 1234 5678", "070 123 4567"]


@pytest.mark.parametrize(
    "text",
    [
        "Datum:\n05-01-2023 10:33\nOnderwerp",  # 050 1202310 would be a valid Groningen number
        "geboren op 03-05-1978",
        "Zaaknummer 453592751",
        "Kamerstuk 36 200 VII, nr. 17",
        "IBAN FR76 4453 5505 0341 3330 4152 964",
        "Onze referentie 2023-0000746066",
        "€ 1.021.000",
        "1234567890",
        "BSN 104 922 114",
    ],
)
def test_not_phone_numbers(recognizer, text):
    assert find(recognizer, text, keep=False) == []


@pytest.mark.parametrize("number", ["0800 - 0543", "0800-1234", "0900 123 4567", "14 070", "14 0318"])
def test_service_numbers_are_kept(recognizer, number):
    assert find(recognizer, f"Bel ons op {number}.", keep=True) == [number]


def test_number_next_to_function_mailbox_is_kept_everywhere_in_the_document(recognizer):
    text = (
        "Behandeld door\nA. Jansen\nTelefoon\n058 - 205 09 11\n\f"
        "U kunt ook bellen met 058 - 205 09 11 of mailen naar info@voorbeeld.nl.\n"
    )
    results = recognizer.analyze(text, ["PHONE"])
    assert len(results) == 2
    assert all("keep_reason" in r.recognition_metadata for r in results)


def test_personal_number_next_to_personal_mailbox_is_redacted(recognizer):
    text = "Bel anders even met Jan op 070 123 4567 of mail j.jansen@minbzk.nl."
    assert find(recognizer, text, keep=False) == ["070 123 4567"]


def test_mobile_number_is_never_an_organisation_number(recognizer):
    text = "Voor vragen: 06-12345678 of info@voorbeeld.nl."
    assert find(recognizer, text, keep=False) == ["06-12345678"]


def test_explanation_is_set(recognizer):
    [result] = recognizer.analyze("M 06-12345678", ["PHONE"])
    assert "mobiel" in result.analysis_explanation.textual_explanation


def test_pii_filter_phone_numbers(recognizer):
    cases = load_external("pii-filter-nl/benchmark_nl.json")
    spans = [(c["text"], s["text"]) for c in cases for s in c["spans"] if s["tag"] == "phone_number"]
    assert len(spans) == 22
    missed = [(t, s) for t, s in spans if s not in find(recognizer, t, keep=False)]
    # known miss: 003111223344 has too few digits for any Dutch number
    assert [s for _, s in missed] == ["003111223344"]


def test_pii_filter_texts_without_phone_give_none(recognizer):
    cases = load_external("pii-filter-nl/benchmark_nl.json")
    for case in cases:
        if not any(s["tag"] == "phone_number" for s in case["spans"]):
            assert find(recognizer, case["text"]) == [], case["text"]


def test_deduce_phone_numbers(recognizer):
    cases = [c for c in load_external("deduce/regression_cases.json") if c["category"] == "phone_numbers"]
    assert cases
    missed = []
    for case in cases:
        expected = [s["text"] for s in case["spans"]]
        found = find(recognizer, case["text"])
        if found != expected:
            missed.append(case["text"])
    # Numbers libphonenumber rejects are found when written in area-code notation (046-555555,
    # 0474 555555, 088-75 555555, 088-75 5555); a bare 0123456789 (unallocated 012 range, no
    # notation) is not. Everything else must be found exactly.
    assert missed == ["0123456789"]


@pytest.mark.parametrize(
    "number",
    ["046-555555", "0474 555555", "(0474) 555555", "088-75 555555", "088-75 5555", "06-1234567", "(06) 1234 56789"],
)
def test_invalid_numbers_in_area_code_notation_are_found(recognizer, number):
    [result] = recognizer.analyze(f"Bel hem op {number}.", ["PHONE"])
    assert f"Bel hem op {number}."[result.start : result.end] == number
    assert "keep_reason" not in result.recognition_metadata
    assert "netnummernotatie" in result.analysis_explanation.textual_explanation


@pytest.mark.parametrize(
    "text",
    [
        "0123456789",  # no notation: only a valid number is taken
        "IBAN NL91 ABNA 0417 1643 00",  # the tail of an IBAN
        "BSN 012 345 672",  # nine digits that pass the elfproef: a BSN
        "tabel 05 10 15 20 25",  # 05 is no area code
        "van 09.00 - 12.30 uur",
        "bel 010-12345 nu",  # eight digits: too short for any notation
    ],
)
def test_area_code_notation_needs_a_phone_shape(recognizer, text):
    assert find(recognizer, text, keep=False) == []


def test_each_number_takes_the_nearest_context_word():
    from redaction.recognizers.phone import NlPhoneRecognizer

    text = ("Zij is bereikbaar op 036-5399000 (algemeen nummer) en op haar mobiel 06 41 22 87 90.")
    results = {text[r.start:r.end]: r for r in NlPhoneRecognizer().analyze(text, ["PHONE"])}
    assert results["036-5399000"].recognition_metadata.get("keep_reason")
    assert not results["06 41 22 87 90"].recognition_metadata.get("keep_reason")
