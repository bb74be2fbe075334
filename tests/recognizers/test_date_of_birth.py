import pytest
from conftest import find

from redaction.recognizers.date_of_birth import NlDateOfBirthRecognizer


@pytest.fixture(scope="module")
def recognizer():
    return NlDateOfBirthRecognizer()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Ik ben Jan, geboren op 3 mei 1978. Op 2 mei 2023 heb ik", "3 mei 1978"),
        ("Geboortedatum\n03-05-1978\nBSN", "03-05-1978"),
        ("mijn gegevens: Jan, geboortedatum: 3-5-1978, BSN: 111222333", "3-5-1978"),
        ("Uw geboortedatum (16 juli 1959) en uw burgerservicenummer", "16 juli 1959"),
        ("J. Jansen (geb. 1978-05-03)", "1978-05-03"),
        ("geb. 03/05/1978", "03/05/1978"),
        ("geboren 3 mei '78 te Utrecht", "3 mei '78"),
        ("geboren te Utrecht op 3 mei 1978", "3 mei 1978"),
        ("Date of birth: 03.05.1978", "03.05.1978"),
    ],
)
def test_dates_after_a_birth_word(recognizer, text, expected):
    assert find(recognizer, text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "Datum\n15 februari 2024\nZaaknummer",
        "Het overleg van 3 mei 2023 is verplaatst.",
        "Geboortedatum\n31-02-1978",  # does not exist
        "geboren op 3 mei 2999",  # in the future
        "Datum:\n08-09-2023 12:31",
        "Uw geboortedatum is bekend. Op 3 mei 2023 hebben wij",
    ],
)
def test_other_dates_are_not_returned(recognizer, text):
    assert find(recognizer, text) == []


def test_explanation_names_the_birth_word(recognizer):
    [result] = recognizer.analyze("Geboortedatum: 1 januari 1970", ["DATE_OF_BIRTH"])
    assert "Geboortedatum" in result.analysis_explanation.textual_explanation
