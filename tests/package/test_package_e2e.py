"""A generated release package of 300 documents through `woo-redact package`, end to end.

Every document that is not a duplicate is released and verified; the duplicates are found and point at
their originals; the inventory list agrees with the release (Beoordeling and grounds per document); every
person is redacted in every released document where they appear; public officials stay visible.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import zipfile
from collections import Counter

import pymupdf
import pytest

from packagekit import make_package
from pdfkit import REPO, WOO_REDACT

DOCUMENTS = 300


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("package300")
    plan = make_package(folder / "in", DOCUMENTS, seed=7, as_zip=folder / "pakket.zip")
    out, report = folder / "out.zip", folder / "report.json"
    result = subprocess.run([*WOO_REDACT, "package", str(folder / "pakket.zip"), "--out", str(out),
                             "--report", str(report), "--workers", "2", "--case-number", "WOO-2026-300"],
                            cwd=REPO, capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, result.stderr[-3000:]
    files = json.loads(report.read_text(encoding="utf-8"))["files"]
    return plan, {f["path"]: f for f in files}, zipfile.ZipFile(out)


def files_by_id(files: dict) -> dict:
    return {f["id"]: f for f in files.values()}


def released_text(archive: zipfile.ZipFile, entry: dict) -> str:
    [name] = [n for n in archive.namelist() if n.startswith(f"documenten/{entry['id']} ")]
    with pymupdf.open("pdf", archive.read(name)) as pdf:
        return " ".join(" ".join(page.get_text() for page in pdf).split())


def test_every_file_is_accounted_for_and_every_original_released(run):
    plan, files, archive = run
    assert len(files) == DOCUMENTS
    assert set(files) == {d.path for d in plan.documents}
    for document in plan.documents:
        entry = files[document.path]
        if document.kind == "unsupported":
            assert entry["status"] == "unsupported" and entry["note"], entry
        elif document.duplicate_of is None:
            # released and verified (else it would have failed), or grouped under its own near copy
            near_copies = {d.path for d in plan.documents if d.duplicate_of == document.path}
            assert entry["status"] == "released" or files_by_id(files)[entry["duplicate_of"]]["path"] in near_copies, \
                entry
    released = [n for n in archive.namelist() if n.startswith("documenten/")]
    assert len(released) == sum(1 for f in files.values() if f["status"] == "released")


def test_duplicates_are_found_and_point_at_an_original(run):
    plan, files, _ = run
    by_id = {f["id"]: f for f in files.values()}
    planned = [d for d in plan.documents if d.duplicate_of is not None]
    found = Counter()
    for document in planned:
        entry = files[document.path]
        original = files[document.duplicate_of]
        # the pair is grouped one way or the other (a near copy may be the more complete of the two)
        pair = {document.path, document.duplicate_of}
        if entry["status"] == "duplicate":
            target = by_id[entry["duplicate_of"]]
            assert target["status"] == "released", (document.path, target)  # never a chain
            grouped = target["path"] in pair or plan.get(target["path"]).duplicate_of in pair
        else:
            grouped = original["status"] == "duplicate" and by_id[original["duplicate_of"]]["path"] in pair
        found[document.duplicate_kind] += grouped
        if document.duplicate_kind == "exact":  # "near" when its original is itself a near copy of another
            assert entry["status"] == "duplicate", entry
            assert entry["duplicate_kind"] == "exact" or original["status"] == "duplicate", entry
    total = Counter(d.duplicate_kind for d in planned)
    assert found == total, (found, total)
    # and no unique document is taken for a duplicate of another
    planned_paths = {d.path for d in planned} | {d.duplicate_of for d in planned}
    false = [p for p, f in files.items() if f["status"] == "duplicate" and p not in planned_paths]
    assert not false, false


def test_the_inventory_agrees_with_the_release(run):
    _, files, archive = run
    rows = list(csv.DictReader(io.StringIO(archive.read("inventarislijst.csv").decode("utf-8-sig"))))
    assert len(rows) == DOCUMENTS
    for row in rows:
        entry = files[row["Document"]]
        assert row["ID"] == entry["id"]
        assert row["Zaaknummer"] == "WOO-2026-300"
        if entry["status"] == "released":
            redactions = sum(entry["counts_per_ground"].values())
            assert row["Beoordeling"] == ("Deels openbaar" if redactions else "Openbaar"), row
            assert row["Beoordelingsgrond"].split("; ") == sorted(entry["counts_per_ground"]) if redactions \
                else row["Beoordelingsgrond"] == ""
        elif entry["status"] == "duplicate":
            assert row["Beoordeling"] == "Duplicaat" and row["Gerelateerd ID"] == entry["duplicate_of"]
        else:
            assert row["Beoordeling"] == "Niet openbaar" and row["Toelichting"]
    families = [r for r in rows if r["Family ID"]]
    assert families, "attachments are put in their e-mail's family"
    assert any(r["Email Thread ID"] for r in rows)


def test_every_person_is_redacted_wherever_they_appear_and_officials_stay(run):
    plan, files, archive = run
    leaks, officials, visible = [], 0, 0
    for document in plan.documents:
        entry = files[document.path]
        if entry["status"] != "released":
            continue
        text = released_text(archive, entry)
        leaks += [(document.path, name) for name in document.persons if name in text]
        officials += len(document.officials)
        visible += sum(1 for name in document.officials if name in text)
    assert not leaks, leaks[:20]
    assert officials and visible / officials >= 0.85, (visible, officials)
