"""The steps after Presidio: overlaps, user terms, the allow list and the sweep for repeats."""

import shutil

from redaction.findings import DecisionKind, Finding
from redaction.rules import DEFAULT_RULES_DIR, load_rules
from redaction.steps import SearchIndex, apply_rules, find_terms, resolve_overlaps, sweep_repeats


def finding(text, whole, entity="PERSON", decision=DecisionKind.SUGGEST, start=None):
    start = whole.index(text) if start is None else start
    return Finding(entity=entity, text=text, start=start, end=start + len(text), score=0.8, recognizer="t",
                   decision=decision)


def test_search_index_ignores_case_whitespace_and_line_end_hyphens():
    text = "Het advies van Sanne\nde Vries en SANNE DE VRIES; Jansen-\nBakker belt. sanne.devries@x.nl"
    index = SearchIndex(text)
    hits = [text[s:e] for s, e in index.find_all("Sanne de Vries")]
    assert hits == ["Sanne\nde Vries", "SANNE DE VRIES"]
    assert [text[s:e] for s, e in index.find_all("Jansen-Bakker")] == ["Jansen-\nBakker"]
    # whole words only: no hit inside an e-mail address or a longer word
    assert list(index.find_all("devries")) == []
    assert list(index.find_all("advie")) == []


def test_sweep_finds_other_occurrences_but_not_inside_kept_findings():
    text = "Contact: Pieter Zandbergen. Later belde Pieter Zandbergen opnieuw. Minister Zandbergen sprak."
    found = [finding("Pieter Zandbergen", text),
             finding("Zandbergen", text, decision=DecisionKind.KEEP, start=text.index("Minister") + 9)]
    swept = sweep_repeats(text, found)
    added = [f for f in swept if f.recognizer == "consistency"]
    assert [f.start for f in added] == [text.index("Pieter Zandbergen", 20)]
    assert added[0].decision is DecisionKind.SUGGEST


def test_resolve_overlaps_keeps_the_longest():
    text = "mr. Sanne de Vries-Jansen"
    long = finding("Sanne de Vries-Jansen", text)
    short = finding("Sanne", text, entity="TERM")
    assert resolve_overlaps([short, long]) == [long]


def test_terms_and_allow_list(tmp_path):
    text = "De heer Bakkerman en de bakkerman."
    terms = find_terms(text, ["Bakkerman"], [])
    assert [t.start for t in terms] == [8, 24]
    assert all(t.decision is DecisionKind.REDACT and t.entity == "TERM" for t in terms)
    shutil.copy(DEFAULT_RULES_DIR / "grounds.yaml", tmp_path / "grounds.yaml")
    (tmp_path / "allow.txt").write_text("Sanne de Vries\n")
    rules = load_rules(str(tmp_path))
    f = apply_rules([finding("Sanne  de Vries", "x Sanne  de Vries")], rules)[0]
    assert f.decision is DecisionKind.KEEP and "allow" in f.reason
    g = apply_rules([finding("Joost", "x Joost", entity="BSN")], rules)[0]
    assert g.ground == "5.1.1e" and g.decision is DecisionKind.REDACT


def test_titles_get_a_box_of_their_own():
    from redaction.steps import split_titles

    text = "Volgens prof. dr. Anouk de Wit is het zo."
    parts = split_titles([finding("prof. dr. Anouk de Wit", text)])
    assert [p.text for p in parts] == ["prof. dr.", "Anouk de Wit"]
    assert [text[p.start:p.end] for p in parts] == ["prof. dr.", "Anouk de Wit"]
    assert split_titles([finding("Drs", "Drs")])[0].text == "Drs"
    assert split_titles([finding("Ingrid van Dijk", "Ingrid van Dijk")])[0].text == "Ingrid van Dijk"
    assert [p.text for p in split_titles([finding("ir Inge Bos", "ir Inge Bos")])] == ["ir", "Inge Bos"]


def test_lines_of_one_address_block_are_decided_together():
    from redaction.steps import pair_address_lines

    text = "Turfmarkt 147\n2511 DP Den Haag\n\nKerkstraat 1\n1234 AB Ons Dorp"
    street = finding("Turfmarkt 147", text, entity="ADDRESS")
    street.score = 0.6  # owner unknown
    postcode = finding("2511 DP Den Haag", text, entity="POSTCODE_CITY", decision=DecisionKind.KEEP)
    private_street = finding("Kerkstraat 1", text, entity="ADDRESS")
    private_street.score = 0.9  # known to be a person's
    private_postcode = finding("1234 AB Ons Dorp", text, entity="POSTCODE_CITY")
    pair_address_lines(text, [street, postcode, private_street, private_postcode])
    assert street.decision is DecisionKind.KEEP and "adres" in street.reason
    assert private_street.decision is DecisionKind.SUGGEST and private_postcode.decision is DecisionKind.SUGGEST


def test_search_index_reads_a_line_end_hyphen_both_ways():
    text = "De heer Jansen-\nsen belde; mevrouw Jansen-\nBakker ook."
    index = SearchIndex(text)
    assert [text[s:e] for s, e in index.find_all("Jansensen")] == ["Jansen-\nsen"]
    assert [text[s:e] for s, e in index.find_all("Jansen-Bakker")] == ["Jansen-\nBakker"]
