"""`woo-redact package` on small real packages: what OUT.zip holds, the inventory, bad input, consistency."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pymupdf
import pytest

from pdfkit import REPO, WOO_REDACT, make_pdf

MAIL = ["Van: Xandrijn Ploeterbeek <x.ploeterbeek@minvws.nl>",
        "Aan: team planning", "Verzonden: dinsdag 5 maart 2024 10:12", "Onderwerp: cijfers kwartaal",
        "", "Dank aan Xandrijn Ploeterbeek voor de cijfers.", "Bel gerust: 06-12345678.", "",
        "Met vriendelijke groet,", "Xandrijn Ploeterbeek"]
# The engine does not see this line as a name on its own: only the package's other document tells it.
NOTE = ["Notitie planning", "Datum: 7 maart 2024", "", "Overleg Xandrijn Ploeterbeek en team",
        "De cijfers komen volgende week. Minister De Jong is geinformeerd."]


def run(*args, cwd=REPO) -> subprocess.CompletedProcess:
    return subprocess.run([*WOO_REDACT, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def small_package(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("package") / "in"
    (folder / "mails").mkdir(parents=True)
    make_pdf(folder / "mails" / "mail-0001.pdf", MAIL)
    make_pdf(folder / "notitie.pdf", NOTE)
    (folder / "oud").mkdir()
    shutil.copy(folder / "mails" / "mail-0001.pdf", folder / "oud" / "mail kopie.pdf")  # an exact duplicate
    (folder / "memo.txt").write_text("Verslag\n\nAanwezig: Xandrijn Ploeterbeek, Minister De Jong\n", encoding="utf-8")
    (folder / "tekening.dwg").write_bytes(b"AC1027 a drawing, not a document")
    return folder


@pytest.fixture(scope="module")
def released(small_package, tmp_path_factory):
    out = tmp_path_factory.mktemp("out") / "release.zip"
    report = out.with_name("report.json")
    result = run("package", small_package, "--out", out, "--report", report, "--workers", 1,
                 "--case-number", "WOO-2024-17")
    return result, out, json.loads(report.read_text(encoding="utf-8")) if report.exists() else None


def test_the_package_is_released_with_inventory_and_report(released):
    result, out, report = released
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    names = zipfile.ZipFile(out).namelist()
    assert {"inventarislijst.csv", "inventarislijst.xlsx", "rapport.html"} <= set(names)
    pdfs = sorted(n for n in names if n.startswith("documenten/"))
    # three documents released (mail, note, the text memo as PDF); the copy and the photo are listed only
    assert len(pdfs) == 3, pdfs
    assert not Path(str(out) + ".work").exists(), "the work folder is removed once OUT.zip is complete"
    statuses = {f["path"]: f["status"] for f in report["files"]}
    assert statuses == {"tekening.dwg": "unsupported", "oud/mail kopie.pdf": "duplicate", "mails/mail-0001.pdf": "released",
                        "memo.txt": "released", "notitie.pdf": "released"}


def test_the_inventory_matches_the_release(released):
    _, out, report = released
    archive = zipfile.ZipFile(out)
    rows = list(csv.DictReader(io.StringIO(archive.read("inventarislijst.csv").decode("utf-8-sig"))))
    assert [r["Document"] for r in rows] == [f["path"] for f in report["files"]]
    by_name = {r["Document"]: r for r in rows}
    original = by_name["mails/mail-0001.pdf"]
    copy = by_name["oud/mail kopie.pdf"]
    assert copy["Beoordeling"] == "Duplicaat" and copy["Gerelateerd ID"] == original["ID"]
    assert by_name["tekening.dwg"]["Beoordeling"] == "Niet openbaar"
    # the inventory is published: the reason is Dutch, not the engine's English sentence
    assert by_name["tekening.dwg"]["Toelichting"] == "Niet verwerkt: bestanden van het type .dwg worden niet ondersteund."
    assert original["Beoordeling"] == "Deels openbaar" and "5.1.2e" in original["Beoordelingsgrond"]
    assert original["Datum"] == "2024-03-05"
    assert {r["Zaaknummer"] for r in rows} == {"WOO-2024-17"}
    for row in rows:  # every released document is in the ZIP under its inventory number
        released_pdf = [n for n in archive.namelist() if n.startswith(f"documenten/{row['ID']} ")]
        assert len(released_pdf) == (1 if row["Beoordeling"] in ("Openbaar", "Deels openbaar") else 0), row


def test_the_same_person_is_redacted_in_every_document(released):
    _, out, report = released
    archive = zipfile.ZipFile(out)
    for name in archive.namelist():
        if not name.startswith("documenten/"):
            continue
        text = " ".join(pymupdf.open("pdf", archive.read(name))[0].get_text().split())
        assert "Ploeterbeek" not in text, (name, text)
        assert "De Jong" in text or "mail-0001" in name, (name, text)  # a minister in office stays visible
    assert report["consistency"]["added"] >= 1, "the note's mention is found through the mail"


def test_a_zip_gives_the_same_release_as_its_folder(small_package, released, tmp_path):
    _, _, from_folder = released
    package = tmp_path / "pakket.zip"
    with zipfile.ZipFile(package, "w") as archive:
        for path in sorted(small_package.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(small_package).as_posix())
    out = tmp_path / "out.zip"
    result = run("package", package, "--out", out, "--report", tmp_path / "r.json", "--workers", 1,
                 "--case-number", "WOO-2024-17")
    assert result.returncode == 0, result.stderr
    from_zip = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    strip = [{k: v for k, v in f.items()} for f in from_zip["files"]]
    assert strip == from_folder["files"]


@pytest.mark.parametrize("make,code,words", [
    (lambda d: d / "missing.zip", 2, "not found"),
    (lambda d: (d / "x.zip").write_bytes(b"this is no zip") and d / "x.zip", 2, "ZIP"),
    (lambda d: (d / "empty").mkdir() or d / "empty", 2, "no files"),
])
def test_bad_packages_get_one_sentence_and_exit_2(tmp_path, make, code, words):
    source = make(tmp_path)
    result = run("package", source, "--out", tmp_path / "out.zip")
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    assert words.lower() in result.stderr.lower()
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert not (tmp_path / "out.zip").exists()


def test_the_output_must_be_a_zip(small_package, tmp_path):
    result = run("package", small_package, "--out", tmp_path / "out.pdf")
    assert result.returncode == 1 and "zip" in result.stderr.lower()
