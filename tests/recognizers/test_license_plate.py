import pytest
from conftest import find

from redaction.recognizers.license_plate import NlLicensePlateRecognizer


@pytest.fixture(scope="module")
def recognizer():
    return NlLicensePlateRecognizer()


SIDECODE_EXAMPLES = [
    "XB-12-34", "12-34-XB", "12-XB-34", "XB-12-BX", "XB-BX-12", "12-XB-BX",  # 1-6
    "12-BXF-3", "1-BXF-23", "XB-123-F", "X-123-BF", "XBF-12-D", "G-01-FNJ", "1-XB-234", "123-XB-4",  # 7-14
]


@pytest.mark.parametrize("plate", SIDECODE_EXAMPLES)
def test_every_sidecode_after_kenteken(recognizer, plate):
    assert find(recognizer, f"met het voertuig met kenteken {plate} een overtreding") == [plate]


@pytest.mark.parametrize("plate", ["95-ZBK-7", "LNL-51-S", "9-GNN-45"])
def test_new_sidecodes_without_context(recognizer, plate):
    assert find(recognizer, f"Gezien op de parkeerplaats: {plate}.") == [plate]


@pytest.mark.parametrize(
    "text",
    [
        "artikel AB-12-34 van de regeling",  # old sidecode without a vehicle word
        "project KA-123-E loopt",  # vowels: not plate letters
        "COVID-19",
        "referentie 2023-0000746066",
        "datum 12-05-2024",
        "kenteken ab-12-cd",  # lowercase is not how plates are written
        "BE45-3191-8427",
    ],
)
def test_not_plates(recognizer, text):
    assert find(recognizer, text) == []


def test_form_label_counts_as_context(recognizer):
    assert find(recognizer, "Kenteken\nAB-12-34\n2. Omschrijving") == ["AB-12-34"]
