"""The Dutch vocabulary behind the person-name detector (pyspellchecker's Dutch word list).

It is only asked where a capitalised word could just be an ordinary word: sentence-initial or lone
capitalised words, table cells, two unknown capitalised words, a roster column, and a known surname alone
on its own line. Surnames that are also nouns (Bakker, Visser, Post, Boer) stay names in name positions.
The names here are invented for these tests.
"""

from __future__ import annotations

import pytest

from redaction.names.detector import detect_names
from redaction.names.lexicon import get_lexicon


@pytest.fixture(scope="module")
def lex():
    return get_lexicon()


def names(text: str) -> list[str]:
    return [m.text for m in detect_names(text) if not m.keep_reason]


def test_vocabulary_is_loaded_without_first_names(lex):
    assert len(lex.dutch_words) > 20000
    for word in ("post", "bakker", "visser", "boer", "vergadering", "notulen"):
        assert word in lex.dutch_words
    for first in ("hans", "eva", "peter"):  # names that subtitles use often: judged by the name rules
        assert first not in lex.dutch_words
    for surname in ("wiegmans", "zoutenbier", "smit", "jansen"):  # the list's dictionary band is not used
        assert surname not in lex.dutch_words


@pytest.mark.parametrize("text", [
    "Post is verstuurd naar alle betrokkenen.",
    "Boer heeft hier geen rol in.",
    "Datum\nPost\nActie\n",                            # a table header
    "Onderwerp\nPost\n",
    "Post\n",
    "zie ook de afspraken met Bakkerij Zuid\nover de levering",
])
def test_ordinary_words_at_sentence_start_or_alone_are_not_names(text):
    assert names(text) == []


@pytest.mark.parametrize("text, name", [
    ("Gesprek met J. Bakker over de planning.", "J. Bakker"),
    ("Gisteren belde Marloes Visser terug.", "Marloes Visser"),
    ("Wij spraken met mevrouw Post over het besluit.", "Post"),
    ("Beste Visser,\n\nDank voor uw bericht.", "Visser"),
    ("Met vriendelijke groet,\n\nTeun Boer\nAdviseur\n", "Teun Boer"),
    ("Van: Post, Ilse\nAan: Koster, Daan\n", "Post, Ilse"),
    ("dr. Bakker gaf een toelichting.", "dr. Bakker"),
    ("Visser zei dat het dossier compleet was.", "Visser"),
])
def test_surnames_that_are_nouns_are_found_in_name_positions(text, name):
    assert name in names(text)


def test_established_surname_at_sentence_start_stays_found():
    text = "Overleg met J. Bakker op 3 mei.\nBakker komt later terug op de planning."
    assert names(text) == ["J. Bakker", "Bakker"]


@pytest.mark.parametrize("text, name", [
    ("Wiegmans", "Wiegmans"),
    ("Zoutenbier\n", "Zoutenbier"),
    ("Met vriendelijke groet,\n\nWiegmans\n", "Wiegmans"),
    ("Naam\nZoutenbier\nFunctie\nbeleidsmedewerker\n", "Zoutenbier"),
])
def test_known_surname_alone_on_its_line_is_found(text, name):
    assert name in names(text)


@pytest.mark.parametrize("text", [
    "Het gesprek ging over de vraag of\nWiegmans\nmee zou doen.",  # a sentence wrapped over lines
    "Zuidgeest\n",                                                  # a place as well
    "Hans\nOverige\n",                                              # first names: the name rules decide
])
def test_lone_line_rule_limits(text):
    assert not any(m.reason == "bekende achternaam alleen op een regel" for m in detect_names(text))


def test_roster_column_skips_vocabulary_words():
    text = ("Rooster\nKwabena Asante\nJanneke Visser\nMarloes de Wit\nVoorjaarsnota Overzicht\n"
            "Tjeerd Hoekstra\n")
    found = names(text)
    assert "Voorjaarsnota Overzicht" not in found
    assert "Kwabena Asante" in found and "Tjeerd Hoekstra" in found


def test_two_capitalised_vocabulary_words_mid_sentence_are_not_a_name():
    assert names("wij bespraken gisteren Nieuwe Vergadering met het team") == []
