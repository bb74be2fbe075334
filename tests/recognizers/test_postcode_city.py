import pytest
from conftest import find, load_external

from redaction.recognizers.postcode_city import NlPostcodeCityRecognizer


@pytest.fixture(scope="module")
def recognizer():
    return NlPostcodeCityRecognizer()


@pytest.mark.parametrize(
    "value", ["1826 VM Alkmaar", "2538 HT Den Haag", "5219 HX 's-Hertogenbosch", "1234AB Utrecht",
              "2400 AA Alphen aan den Rijn", "4611 AA Bergen op Zoom", "8161 AA Epe"],
)
def test_private_postcode_and_place(recognizer, value):
    text = f"Mevrouw E. Jansen\nKerkstraat 54\n{value}\nDatum\n11 december 2023"
    assert find(recognizer, text, keep=False) == [value]


def test_in_a_sentence(recognizer):
    assert find(recognizer, "Mijn nieuwe adres is Brinkweg 61, 5921 GV Venlo.", keep=False) == ["5921 GV Venlo"]


@pytest.mark.parametrize(
    "text, value",
    [
        ("Postbus 3866, 8164 WS Leeuwarden", "8164 WS Leeuwarden"),
        ("Directie Juridische Zaken\nParnassusplein 5\n2511 VX Den Haag\nPostbus 20350", "2511 VX Den Haag"),
        ("Ministerie van Justitie en Veiligheid\nTurfmarkt 147 | 2511 DP Den Haag\n", "2511 DP Den Haag"),
        ("Postbus 20350\n2500 EJ Den Haag\nDe heer M. van Es", "2500 EJ Den Haag"),
    ],
)
def test_organisation_postcode_is_kept(recognizer, text, value):
    assert find(recognizer, text, keep=True) == [value]
    assert find(recognizer, text, keep=False) == []


@pytest.mark.parametrize("text", ["2611 SS Delft", "0123 AB Plaats", "12345 AB Plaats", "1234 ab plaats", "in 2023 Den Haag"])
def test_not_postcodes(recognizer, text):
    assert find(recognizer, text) == []


def test_stdnum_vectors(recognizer):
    vectors = [v for v in load_external("stdnum/stdnum_vectors.json") if v["scheme"] == "nl.postcode"]
    assert vectors
    for v in vectors:
        number = v["number"].removeprefix("NL-")
        found = find(recognizer, f"Postcode: {number}")
        assert bool(found) == v["valid"], v
