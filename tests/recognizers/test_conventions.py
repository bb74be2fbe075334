"""The conventions of redaction/recognizers/__init__.py, for the recognizers in this test folder."""

import pytest
from presidio_analyzer import EntityRecognizer

from redaction.recognizers import ENTITIES, recognizer_classes

OURS = {"BSN", "PHONE", "EMAIL", "IBAN", "ADDRESS", "POSTCODE_CITY", "DATE_OF_BIRTH", "LICENSE_PLATE"}
MODULES = {"bsn", "phone", "email", "iban", "street_address", "postcode_city", "date_of_birth", "license_plate"}


def _ours():
    """The recognizer classes of the non-name modules, as the package discovers them."""
    return [c for c in recognizer_classes() if c.__module__.rsplit(".", 1)[-1] in MODULES]


def test_every_entity_has_exactly_one_recognizer():
    entities = [c().supported_entities[0] for c in _ours()]
    assert sorted(entities) == sorted(OURS)


@pytest.mark.parametrize("cls", _ours(), ids=lambda c: c.__name__)
def test_recognizer_follows_conventions(cls):
    recognizer = cls()
    assert isinstance(recognizer, EntityRecognizer)
    assert recognizer.supported_language == "nl"
    assert len(recognizer.supported_entities) == 1 and recognizer.supported_entities[0] in ENTITIES
    assert cls.__doc__ and "Fictitious example" in cls.__doc__
    assert cls.PATTERNS and cls.CONTEXT


@pytest.mark.parametrize("cls", _ours(), ids=lambda c: c.__name__)
def test_every_result_explains_itself(cls):
    text = (
        "Mevrouw J. Jansen\nKerkstraat 12\n1234 AB Plaats\nGeboortedatum\n01-01-1970\nBSN\n111222333\n"
        "Telefoon\n06-12345678\nE-mail\nj.jansen@voorbeeld.nl\nIBAN\nNL91 ABNA 0417 1643 00\nKenteken\n12-BXF-3\n"
    )
    recognizer = cls()
    results = recognizer.analyze(text, recognizer.supported_entities)
    assert results, "the sample form holds one value of every entity"
    for result in results:
        assert result.analysis_explanation.textual_explanation
        assert result.entity_type == recognizer.supported_entities[0]
