"""Sanity checks of the Woo package generator (tests/packagekit.py) itself, on a small package."""

from __future__ import annotations

import collections
import difflib
import gzip
import importlib.util
import json
import re
import zipfile
from pathlib import Path

import pymupdf
import pytest

from packagekit import PlannedPackage, _check_vocabulary, make_package

N = 40


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> tuple[Path, Path, PlannedPackage]:
    root = tmp_path_factory.mktemp("woo-package")
    folder, archive = root / "pakket", root / "pakket.zip"
    plan = make_package(folder, N, seed=7, as_zip=archive)
    return folder, archive, plan


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def page_text(path: Path) -> str:
    with pymupdf.open(str(path)) as doc:
        return norm(" ".join(page.get_text("text") for page in doc))


def pdfs(plan: PlannedPackage):
    return [d for d in plan.documents if d.kind != "unsupported"]


def test_every_planned_file_exists_and_opens(package):
    folder, _, plan = package
    assert len(plan.documents) == N
    assert len({d.path for d in plan.documents}) == N
    for d in plan.documents:
        path = folder / d.path
        assert path.is_file(), d.path
        if d.kind == "unsupported":
            assert d.pages == 0 and path.suffix != ".pdf"
            continue
        with pymupdf.open(str(path)) as doc:
            assert doc.page_count == d.pages >= 1, d.path
            assert doc.metadata["title"] == d.title != ""
    on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert on_disk == {d.path for d in plan.documents}


def test_kinds_and_duplicate_kinds_are_varied(package):
    _, _, plan = package
    kinds = collections.Counter(d.kind for d in plan.documents)
    assert set(kinds) == {"email", "note", "letter", "minutes", "chat", "unsupported"}
    dups = collections.Counter(d.duplicate_kind for d in plan.documents)
    assert dups["exact"] == 10 and dups["near"] == 4 and dups["quoted"] >= 1
    assert any(d.family_of for d in plan.documents)
    assert max(d.pages for d in plan.documents) >= 2


def test_exact_duplicates_are_byte_identical_and_near_ones_are_not(package):
    folder, _, plan = package
    for d in plan.documents:
        if d.duplicate_kind in ("exact", "near"):
            original = plan.get(d.duplicate_of)
            assert original.duplicate_kind is None and original.kind == d.kind
            same = (folder / d.path).read_bytes() == (folder / original.path).read_bytes()
            assert same == (d.duplicate_kind == "exact"), d.path
            if d.duplicate_kind == "near":
                ratio = difflib.SequenceMatcher(None, page_text(folder / d.path),
                                                page_text(folder / original.path), autojunk=False).ratio()
                assert ratio > 0.9, (d.path, ratio)
                assert set(d.persons) == set(original.persons)


def test_quoted_mails_are_contained_whole_in_the_later_reply(package):
    folder, _, plan = package
    quoted = [d for d in plan.documents if d.duplicate_kind == "quoted"]
    for d in quoted:
        reply = plan.get(d.duplicate_of)
        assert d.kind == reply.kind == "email" and reply.duplicate_kind is None
        with pymupdf.open(str(folder / d.path)) as doc:
            lines = [ln.strip() for page in doc for ln in page.get_text("text").splitlines()]
        lines = [ln for ln in lines if ln and not ln.isdigit()]
        later = "\n" + "\n".join(ln.strip() for page in pymupdf.open(str(folder / reply.path))
                                 for ln in page.get_text("text").splitlines()) + "\n"
        missing = [ln for ln in lines if f"\n{ln}\n" not in later]
        assert len(missing) <= 1, missing  # at most the printed mailbox name at the top of the page
        assert set(d.persons) - set(reply.persons) <= set(missing)


def test_attachments_belong_to_an_email_that_lists_them(package):
    folder, _, plan = package
    for d in plan.documents:
        if d.family_of:
            mail = plan.get(d.family_of)
            assert mail.kind == "email" and d.kind in ("note", "letter")
            name = d.path.rsplit("/", 1)[1]
            assert name.startswith(mail.path.rsplit("/", 1)[1][:-4] + "_bijlage")
            assert re.search(r"Bijlagen: [^\n]*" + re.escape(name), page_text(folder / mail.path))


def test_every_planned_name_and_personal_datum_is_in_the_text(package):
    folder, _, plan = package
    for d in pdfs(plan):
        text = page_text(folder / d.path)
        for s in d.persons + d.officials + d.pii:
            assert s in text, (d.path, s)
        assert d.persons, d.path


def test_officials_appear_and_never_share_a_word_with_a_redacted_name(package):
    _, _, plan = package
    officials = {s for d in plan.documents for s in d.officials}
    assert len(officials) >= 3
    words = lambda s: {w.lower() for w in re.findall(r"[^\W\d_]{3,}", s)} - {"van", "der", "den"}
    for d in pdfs(plan):
        for person in d.persons:
            for official in d.officials:
                assert not words(person) & words(official), (d.path, person, official)
    roles = collections.Counter(p.role for p in plan.people)
    assert 50 <= len(plan.people) <= 70 and roles["official"] >= 6 and roles["citizen"] and roles["civil_servant"]


def test_names_recur_across_documents_and_belong_to_one_person(package):
    _, _, plan = package
    originals = plan.originals()
    per_person = collections.Counter()
    for d in originals:
        owners = {plan.owner(s).name for s in d.persons}
        per_person.update(owners)
        for s in d.persons + d.officials:
            assert plan.owner(s) is not None, s
    assert per_person.most_common(1)[0][1] >= 3
    for person in plan.people:
        for alias in person.aliases:
            assert plan.owner(alias) is person


def test_names_are_not_ordinary_words(package):
    _, _, plan = package
    assert _check_vocabulary() == []
    spec = importlib.util.find_spec("spellchecker")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("pyspellchecker's Dutch word list is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / "resources" / "nl.json.gz"
    with gzip.open(path) as fh:
        frequent = {w for w, count in json.load(fh).items() if count >= 100}
    particles = {"van", "der", "den", "de", "ter", "te", "ten", "el", "ben", "ait", "al", "a"}
    for person in plan.people:
        for token in re.findall(r"[^\W\d_]{2,}", " ".join(person.aliases) or person.name):  # initials aside
            assert token.lower() in particles or token.lower() not in frequent, (person.name, token)


def test_no_personal_data_in_metadata(package):
    folder, _, plan = package
    secrets = {s.lower() for d in plan.documents for s in d.persons + d.pii}
    for d in pdfs(plan):
        with pymupdf.open(str(folder / d.path)) as doc:
            meta = " ".join(str(v) for v in doc.metadata.values() if v) + (doc.get_xml_metadata() or "")
        meta = meta.lower()
        assert not [s for s in secrets if s in meta], d.path


def test_same_seed_gives_the_same_bytes(package, tmp_path):
    folder, _, plan = package
    again = make_package(tmp_path / "again", N, seed=7)
    assert again == plan
    for d in plan.documents:
        assert (tmp_path / "again" / d.path).read_bytes() == (folder / d.path).read_bytes(), d.path
    other = make_package(tmp_path / "other", N, seed=8)
    assert other != plan


def test_zip_variant_holds_the_same_files(package):
    folder, archive, plan = package
    with zipfile.ZipFile(archive) as zf:
        assert sorted(zf.namelist()) == sorted(d.path for d in plan.documents)
        for d in plan.documents:
            assert zf.read(d.path) == (folder / d.path).read_bytes()
