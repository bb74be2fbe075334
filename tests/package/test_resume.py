"""`kill -9` at any point of `woo-redact package`, then the same command: it finishes, without redoing finished
documents and without losing or duplicating any."""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

from pdfkit import REPO, WOO_REDACT, make_pdf

FIRST = ["Sanne", "Mohamed", "Anouk", "Kemal", "Priya", "Joris", "Fleur", "Bart", "Yara", "Daan", "Noor", "Tariq"]
LAST = ["Ploeterbeek", "Quakkelaar", "Vermeulen-Dros", "El Idrissi", "Ramsaran", "van der Kolk", "Wiersma",
        "Nowak", "de Greef", "Bouzid", "Tjon A Fong", "Hagedoorn"]
DOCUMENTS = 24


def write_package(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(DOCUMENTS):
        first, last = FIRST[n % len(FIRST)], LAST[(n * 5) % len(LAST)]
        make_pdf(folder / f"brief-{n:03d}.pdf", [
            "Ministerie van Binnenlandse Zaken", f"Kenmerk 2024-{1000 + n}", f"Datum: {1 + n % 27} mei 2024", "",
            f"Geachte heer/mevrouw {last},", "",
            f"Naar aanleiding van uw verzoek van {1 + n % 27} april bericht ik u als volgt.",
            f"Het dossier is in behandeling bij {first} {last}.",
            f"Voor vragen: {first.lower()}.{last.split()[-1].lower()}@minbzk.nl of 06-{12000000 + n * 7919}.",
            "", "Met vriendelijke groet,", f"{FIRST[(n + 3) % len(FIRST)]} {LAST[(n + 7) % len(LAST)]}",
            "senior beleidsmedewerker"])
    return folder


def state(work: Path) -> dict:
    db = work / "package.db"
    if not db.exists():
        return {}
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            docs = dict(conn.execute("SELECT status, count(*) FROM documents GROUP BY status").fetchall())
            items = dict(conn.execute("SELECT status, count(*) FROM job_items GROUP BY status").fetchall())
            phases = dict(conn.execute("SELECT kind, phase FROM jobs").fetchall())
    except sqlite3.Error:  # not migrated yet
        return {}
    return {"documents": docs, "items": items, "phases": phases}


def snapshot(work: Path) -> dict:
    with sqlite3.connect(f"file:{work / 'package.db'}?mode=ro", uri=True, timeout=5) as conn:
        findings = conn.execute("SELECT document_id, id, entity, start, \"end\" FROM findings "
                                "ORDER BY document_id, id").fetchall()
        ready = [r[0] for r in conn.execute("SELECT id FROM documents WHERE status = 'ready'")]
        items = [r[0] for r in conn.execute("SELECT document_id FROM job_items WHERE status = 'done'")]
    return {"findings": findings, "ready": ready, "released": items}


KILL_POINTS = {
    "early": lambda s: True,  # during start-up or unpacking
    "analysing": lambda s: s.get("documents", {}).get("ready", 0) >= 4,
    "releasing": lambda s: s.get("items", {}).get("done", 0) >= 3,
}


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_kill_9_then_the_same_command_finishes_the_package(tmp_path, point):
    source = write_package(tmp_path / "in")
    out = tmp_path / "out.zip"
    work = tmp_path / "out.zip.work"
    command = [*WOO_REDACT, "package", str(source), "--out", str(out), "--workers", "2", "--keep-work"]
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 240
    try:
        if point == "early":
            time.sleep(1.5)
        else:
            while not KILL_POINTS[point](state(work)):
                assert process.poll() is None, f"finished before the kill point: {process.stderr.read().decode()}"
                assert time.monotonic() < deadline, state(work)
                time.sleep(0.05)
    finally:
        process.kill()  # SIGKILL: no clean-up of any kind
        process.wait()
    assert not out.exists()
    before = snapshot(work) if (work / "package.db").exists() else {"findings": [], "ready": [], "released": []}

    again = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    after = snapshot(work)
    # not redone: every document analysed before the kill keeps exactly the findings it had
    kept = {f for f in before["findings"] if f[0] in before["ready"]}
    assert kept <= set(after["findings"])
    for document_id in before["ready"]:
        assert [f for f in after["findings"] if f[0] == document_id] == \
               [f for f in before["findings"] if f[0] == document_id]
    # none duplicated: one finding per span, one release per document
    spans = [(f[0], f[2], f[3], f[4]) for f in after["findings"]]
    assert len(spans) == len(set(spans))
    assert len(after["ready"]) == DOCUMENTS == len(after["released"]) == len(set(after["released"]))
    # none lost: OUT.zip lists and holds every document once
    archive = zipfile.ZipFile(out)
    rows = list(csv.DictReader(io.StringIO(archive.read("inventarislijst.csv").decode("utf-8-sig"))))
    assert sorted(r["Document"] for r in rows) == sorted(p.name for p in source.iterdir())
    assert len([n for n in archive.namelist() if n.startswith("documenten/")]) == DOCUMENTS
    assert all(r["Beoordeling"] == "Deels openbaar" for r in rows)


def test_a_changed_input_starts_again(tmp_path):
    source = write_package(tmp_path / "in")
    out = tmp_path / "out.zip"
    first = subprocess.run([*WOO_REDACT, "package", str(source), "--out", str(out), "--workers", "1",
                            "--keep-work"], cwd=REPO, capture_output=True, text=True, timeout=600)
    assert first.returncode == 0, first.stderr
    os.remove(source / "brief-000.pdf")
    second = subprocess.run([*WOO_REDACT, "package", str(source), "--out", str(out), "--workers", "1"],
                            cwd=REPO, capture_output=True, text=True, timeout=600)
    assert second.returncode == 0, second.stderr
    assert "starting again" in second.stderr
    rows = list(csv.DictReader(io.StringIO(zipfile.ZipFile(out).read("inventarislijst.csv").decode("utf-8-sig"))))
    assert len(rows) == DOCUMENTS - 1


def test_a_document_that_keeps_stopping_its_worker_fails_alone(tmp_path):
    """A file that crashes the PDF engine (or exhausts memory) three times is given up; the package goes on."""
    source = write_package(tmp_path / "in")
    out, work = tmp_path / "out.zip", tmp_path / "out.zip.work"
    command = [*WOO_REDACT, "package", str(source), "--out", str(out), "--workers", "1", "--keep-work"]
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    try:
        while not state(work).get("documents", {}).get("ready", 0) >= 2:
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        process.kill()
        process.wait()
    # as if the worker had died three times on this document
    with sqlite3.connect(work / "package.db") as conn:
        [(victim, path)] = conn.execute("SELECT id, path FROM documents WHERE status = 'queued' "
                                        "ORDER BY id LIMIT 1").fetchall()
        conn.execute("UPDATE documents SET status = 'analyzing', claim = 'dead', attempts = 3 WHERE id = ?",
                     (victim,))
    again = subprocess.run([*command, "--report", str(tmp_path / "r.json")], cwd=REPO, capture_output=True,
                           text=True, timeout=600)
    assert again.returncode == 2, again.stderr
    assert "Traceback" not in again.stderr
    import json

    files = {f["path"]: f for f in json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["files"]}
    assert files[path]["status"] == "failed" and "3 keer vast" in files[path]["note"]
    assert sum(f["status"] == "released" for f in files.values()) == DOCUMENTS - 1
