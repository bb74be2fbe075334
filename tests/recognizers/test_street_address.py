import pytest
from conftest import find

from redaction.recognizers.street_address import NlStreetAddressRecognizer


@pytest.fixture(scope="module")
def recognizer():
    return NlStreetAddressRecognizer()


@pytest.mark.parametrize(
    "address",
    ["Kerkstraat 12", "Van der Helststraat 9-III", "Laan van Meerdervoort 12A", "Dorpsweg 3 bis",
     "Burgemeester de Withstraat 112", "Molenweg 8 hs", "Prins Hendrikkade 21-2", "Eikenlaan 65"],
)
def test_private_address_in_recipient_block(recognizer, address):
    text = f"Dienst Toeslagen\nDe heer J. Jansen\n{address}\n1234 AB Plaats\nDatum\n1 mei 2024"
    assert find(recognizer, text, keep=False) == [address]


def test_address_in_sentence_and_form(recognizer):
    assert find(recognizer, "Mijn nieuwe adres is Middenweg 128, 5032 RJ Tilburg.", keep=False) == ["Middenweg 128"]
    assert find(recognizer, "Naam\nA. de Vries\nAdres\nVeldweg 193\nPostcode en woonplaats", keep=False) == ["Veldweg 193"]


def test_unusual_street_name_only_under_a_person(recognizer):
    assert find(recognizer, "Mevrouw A. Bakker\nOude Delft 12\n2611 BB Delft", keep=False) == ["Oude Delft 12"]
    assert find(recognizer, "Tijdens de vergadering\nOude Delft 12\n") == []


@pytest.mark.parametrize(
    "text",
    [
        "Ministerie van Binnenlandse Zaken\nDirectie Digitale Overheid\nTurfmarkt 147\n2511 DP Den Haag\nContactpersoon",
        "Ministerie van Infrastructuur en Waterstaat\nRijnstraat 8 | 2515 XP Den Haag\nM 06-12345678",
        "Locatie\nKorte Voorhout 7, Den Haag, zaal 4.52",
    ],
)
def test_organisation_address_is_kept_or_ignored(recognizer, text):
    assert find(recognizer, text, keep=False) == []


def test_organisation_address_has_keep_reason(recognizer):
    results = recognizer.analyze("Directie Woningmarkt\nParnassusplein 5\n2511 VX Den Haag", ["ADDRESS"])
    assert [r.recognition_metadata.get("keep_reason") is not None for r in results] == [True]


@pytest.mark.parametrize(
    "text",
    ["Pagina 3 van 4", "Woningmarkt 2024", "Artikel 5 lid 2", "Amsterdam 12 mei", "de Kerkstraat is lang",
     "De Energiemarkt 3 procent"],
)
def test_not_addresses(recognizer, text):
    assert find(recognizer, text, keep=False) == []
