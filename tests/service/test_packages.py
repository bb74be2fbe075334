"""Release packages in the service: a ZIP uploaded into a dossier, its job, consistent decisions, release.zip."""

from __future__ import annotations

import csv
import io
import time
import zipfile

from pathlib import Path

import pymupdf
import pytest
from sqlalchemy import select

from service_helpers import auth, db_session, new_dossier, package_zip, wait_job

MAIL = ["Van: Xandrijn Ploeterbeek <x.ploeterbeek@minvws.nl>", "Aan: team planning",
        "Verzonden: dinsdag 5 maart 2024 10:12", "Onderwerp: cijfers kwartaal", "",
        "Dank aan Xandrijn Ploeterbeek voor de cijfers.", "Met vriendelijke groet,", "Xandrijn Ploeterbeek"]
NOTE = ["Notitie planning", "Datum: 7 maart 2024", "", "Overleg Xandrijn Ploeterbeek en team",
        "Ook Jorinde Quakkelaar (06-87654321) schuift aan."]


def package_bytes(folder, extra: dict[str, bytes] | None = None) -> bytes:
    return package_zip(folder, {"mails/mail-0001.pdf": MAIL, "notities/notitie.pdf": NOTE},
                       copies={"zz-kopie/mail-0001.pdf": "mails/mail-0001.pdf"},
                       extra={"tekening.dwg": b"AC1027 a drawing, not a document", **(extra or {})})


def send_package(client, token: str, dossier_id: int, content: bytes, name: str = "pakket.zip"):
    return client.post(f"/api/v1/dossiers/{dossier_id}/packages", headers=auth(token),
                       data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data")


@pytest.fixture(scope="module")
def processed(app, tokens, names, tmp_path_factory):
    """A dossier with one processed package: (dossier id, job body, documents by path)."""
    client = app.test_client()
    dossier_id = new_dossier(client, tokens["officer"], members=[names["reviewer"]], case_number="WOO-2024-88")
    response = send_package(client, tokens["officer"], dossier_id, package_bytes(tmp_path_factory.mktemp("pkg")))
    assert response.status_code == 202, response.get_json()
    assert response.headers["Location"].endswith(f"/jobs/{response.get_json()['job']['id']}")
    job = wait_job(client, tokens["officer"], response.get_json()["job"]["id"])
    dossier = client.get(f"/api/v1/dossiers/{dossier_id}", headers=auth(tokens["officer"])).get_json()
    return dossier_id, job, {d["path"]: d for d in dossier["documents"]}


def test_a_package_job_unpacks_groups_and_analyses(processed):
    _, job, documents = processed
    assert job["status"] == "done", job
    assert job["progress"]["percent"] == 100.0 and job["progress"]["phase"] == "done"
    assert {p: d["status"] for p, d in documents.items()} == {
        "tekening.dwg": "unsupported", "mails/mail-0001.pdf": "ready", "notities/notitie.pdf": "ready",
        "zz-kopie/mail-0001.pdf": "duplicate"}
    copy = documents["zz-kopie/mail-0001.pdf"]
    assert copy["duplicate_of"] == documents["mails/mail-0001.pdf"]["id"] and copy["duplicate_kind"] == "exact"
    assert ".dwg" in documents["tekening.dwg"]["error"]
    assert documents["mails/mail-0001.pdf"]["date"] == "2024-03-05"
    assert job["result"]["consistency"]["added"] >= 1


def findings_of(client, token, document_id) -> list[dict]:
    return client.get(f"/api/v1/documents/{document_id}/findings", headers=auth(token)).get_json()


def test_a_name_found_in_one_document_is_suggested_in_the_others(app, tokens, processed):
    _, _, documents = processed
    client = app.test_client()
    note = findings_of(client, tokens["reviewer"], documents["notities/notitie.pdf"]["id"])
    texts = {f["text"] for f in note}
    assert "Xandrijn Ploeterbeek" in texts, texts


def test_one_decision_is_followed_across_the_dossier_and_one_occurrence_can_differ(app, tokens, processed):
    _, _, documents = processed
    client = app.test_client()
    mail = findings_of(client, tokens["reviewer"], documents["mails/mail-0001.pdf"]["id"])
    target = next(f for f in mail if f["text"] == "Xandrijn Ploeterbeek" and f["state"] == "suggested")
    reply = client.post(f"/api/v1/findings/{target['id']}/decision", json={"decision": "accept"},
                        headers=auth(tokens["reviewer"]))
    assert reply.status_code == 200 and reply.get_json()["followed"] >= 2, reply.get_json()
    note = findings_of(client, tokens["reviewer"], documents["notities/notitie.pdf"]["id"])
    same = [f for f in note if f["text"] == "Xandrijn Ploeterbeek"]
    assert same and all(f["state"] == "accepted" for f in same)
    # a reviewer overrides one occurrence: only that one changes
    reply = client.post(f"/api/v1/findings/{same[0]['id']}/decision", json={"decision": "reject"},
                        headers=auth(tokens["reviewer"]))
    assert reply.get_json() == {"id": same[0]["id"], "state": "rejected", "ground": same[0]["ground"], "followed": 0,
                               "added": 0}
    mail = findings_of(client, tokens["reviewer"], documents["mails/mail-0001.pdf"]["id"])
    assert all(f["state"] == "accepted" for f in mail if f["text"] == "Xandrijn Ploeterbeek")
    client.post(f"/api/v1/findings/{same[0]['id']}/decision", json={"decision": "accept", "only_this": True},
                headers=auth(tokens["reviewer"]))


def test_release_zip_waits_for_decisions_then_is_made_by_a_job(app, tokens, processed):
    dossier_id, _, documents = processed
    client = app.test_client()
    url = f"/api/v1/dossiers/{dossier_id}/release.zip"
    refused = client.post(url, headers=auth(tokens["reviewer"]))
    assert refused.status_code == 409 and "undecided" in refused.get_json()["error"]
    assert client.post(url + "?force=1", headers=auth(tokens["reviewer"])).status_code == 403
    assert client.post(url, json={"force": True}, headers=auth(tokens["reviewer"])).status_code == 403
    for path in ("mails/mail-0001.pdf", "notities/notitie.pdf"):
        reply = client.post(f"/api/v1/documents/{documents[path]['id']}/decisions",
                            json={"all": True, "decision": "accept"}, headers=auth(tokens["reviewer"]))
        assert reply.status_code == 200
    # a GET only downloads: nothing was asked for yet, so nothing is started
    jobs_before = len(client.get(f"/api/v1/dossiers/{dossier_id}/jobs", headers=auth(tokens["reviewer"])).get_json())
    not_made = client.get(url, headers=auth(tokens["reviewer"]))
    assert not_made.status_code == 409 and "POST" in not_made.get_json()["error"], not_made.get_json()
    assert len(client.get(f"/api/v1/dossiers/{dossier_id}/jobs",
                          headers=auth(tokens["reviewer"])).get_json()) == jobs_before
    started = client.post(url, headers=auth(tokens["reviewer"]))
    assert started.status_code == 202, started.get_json()
    assert started.headers["Location"] == f"/api/v1/jobs/{started.get_json()['job']['id']}"
    job = wait_job(client, tokens["reviewer"], started.get_json()["job"]["id"])
    assert job["status"] == "done", job
    again = client.get(url, headers=auth(tokens["reviewer"]))
    assert again.status_code == 202 or again.status_code == 200
    if again.status_code == 202:  # the job had not yet been seen as done by this request
        wait_job(client, tokens["reviewer"], again.get_json()["job"]["id"])
        again = client.get(url, headers=auth(tokens["reviewer"]))
    assert again.status_code == 200 and again.mimetype == "application/zip"
    made = client.post(url, headers=auth(tokens["reviewer"]))  # asking again names the finished job
    assert made.status_code == 200 and made.get_json()["job"]["id"] == job["id"]
    assert "WOO-2024-88" in again.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(again.data))
    rows = list(csv.DictReader(io.StringIO(archive.read("inventarislijst.csv").decode("utf-8-sig"))))
    beoordeling = {r["Document"]: r["Beoordeling"] for r in rows}
    assert beoordeling == {"mails/mail-0001.pdf": "Deels openbaar", "notities/notitie.pdf": "Deels openbaar",
                           "zz-kopie/mail-0001.pdf": "Duplicaat", "tekening.dwg": "Niet openbaar"}
    for name in archive.namelist():
        if name.startswith("documenten/"):
            text = " ".join(pymupdf.open("pdf", archive.read(name))[0].get_text().split())
            assert "Ploeterbeek" not in text and "Quakkelaar" not in text, (name, text)
    # nothing changed: the same ZIP at once; a decision later: a new job
    assert client.get(url, headers=auth(tokens["reviewer"])).status_code == 200
    note = findings_of(client, tokens["reviewer"], documents["notities/notitie.pdf"]["id"])
    client.post(f"/api/v1/findings/{note[0]['id']}/decision", json={"decision": "accept", "only_this": True},
                headers=auth(tokens["reviewer"]))
    assert client.get(url, headers=auth(tokens["reviewer"])).status_code == 409
    assert client.post(url, headers=auth(tokens["reviewer"])).status_code == 202


def test_bad_packages_are_refused_with_one_sentence(app, tokens, names, tmp_path):
    client = app.test_client()
    dossier_id = new_dossier(client, tokens["officer"])
    not_zip = send_package(client, tokens["officer"], dossier_id, b"%PDF-1.7 not a zip", "pakket.zip")
    assert not_zip.status_code == 415 and "ZIP" in not_zip.get_json()["error"]
    nothing = client.post(f"/api/v1/dossiers/{dossier_id}/packages", headers=auth(tokens["officer"]),
                          data={}, content_type="multipart/form-data")
    assert nothing.status_code == 400
    limit = app.config["MAX_PACKAGE_BYTES"]
    app.config["MAX_PACKAGE_BYTES"] = 1000
    try:
        big = send_package(client, tokens["officer"], dossier_id, package_bytes(tmp_path))
        assert big.status_code == 413 and "limit" in big.get_json()["error"]
    finally:
        app.config["MAX_PACKAGE_BYTES"] = limit
    assert not list((app.config["DATA_DIR"] / "packages").glob(".upload-*")), "no partial upload is left"
    # a ZIP that holds nothing: the job fails with a sentence, the dossier keeps what it had
    empty = io.BytesIO()
    zipfile.ZipFile(empty, "w").close()
    job = send_package(client, tokens["officer"], dossier_id, empty.getvalue()).get_json()["job"]
    job = wait_job(client, tokens["officer"], job["id"])
    assert job["status"] == "failed" and "no files" in job["error"]


def test_jobs_of_other_dossiers_are_invisible(app, tokens, processed):
    _, job, _ = processed
    client = app.test_client()
    assert client.get(f"/api/v1/jobs/{job['id']}", headers=auth(tokens["officer"])).status_code == 200
    from service.users import add_user

    _, stranger = add_user(app, f"stranger-{job['id']}-{time.monotonic_ns()}", "officer")
    assert client.get(f"/api/v1/jobs/{job['id']}", headers=auth(stranger)).status_code == 404
    listed = client.get(f"/api/v1/dossiers/{job['dossier_id']}/jobs", headers=auth(tokens["officer"])).get_json()
    assert [j["kind"] for j in listed][:1] == ["package"]


def test_a_zip_bomb_member_is_refused_and_listed_the_rest_goes_on(app, tokens, tmp_path):
    client = app.test_client()
    dossier_id = new_dossier(client, tokens["officer"])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bom.txt", b"\0" * (64 << 20))  # 64 MiB of zeros in about 64 KiB
    content = package_bytes(tmp_path, extra={"diep/bom.zip": buffer.getvalue()})
    assert len(content) < 200_000
    job = send_package(client, tokens["officer"], dossier_id, content).get_json()["job"]
    assert wait_job(client, tokens["officer"], job["id"])["status"] == "done"
    documents = client.get(f"/api/v1/dossiers/{dossier_id}", headers=auth(tokens["officer"])).get_json()["documents"]
    by_path = {d["path"]: d for d in documents}
    bomb = by_path["diep/bom.zip/bom.txt"]
    assert bomb["status"] == "unsupported" and "ratio" in bomb["error"], bomb
    assert by_path["mails/mail-0001.pdf"]["status"] == "ready"


def test_a_package_that_declares_too_much_is_refused_at_upload_and_not_stored(app, tokens, tmp_path):
    from redaction.package import unpack

    client = app.test_client()
    dossier_id = new_dossier(client, tokens["officer"])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for n in range(3):
            archive.writestr(f"nul-{n}.bin", b"\0" * (2 << 20))
    app.config["PACKAGE_LIMITS"] = unpack.Limits(max_total_bytes=5 << 20)  # 6 MiB declared: too much
    try:
        response = send_package(client, tokens["officer"], dossier_id, buffer.getvalue())
    finally:
        app.config.pop("PACKAGE_LIMITS")
    assert response.status_code == 413 and "unpacks to" in response.get_json()["error"]
    assert client.get(f"/api/v1/dossiers/{dossier_id}/jobs", headers=auth(tokens["officer"])).get_json() == []
    assert not list((app.config["DATA_DIR"] / "packages").glob(".upload-*"))


def test_member_names_that_climb_out_are_kept_inside_the_data_folder(app, tokens, tmp_path):
    """ZIP members named '../../x.pdf', '/abs/x.pdf' or 'C:\\x.pdf' land under the dossier's clean names;
    nothing is written outside the service's data folder."""
    from service.models import Document

    client = app.test_client()
    dossier_id = new_dossier(client, tokens["officer"])
    data_dir = Path(app.config["DATA_DIR"])
    escape = tmp_path / "outside"
    escape.mkdir()
    pdf = (tmp_path / "x.pdf")
    from pdfkit import make_pdf

    make_pdf(pdf, ["Notitie van Wendelmoet Grauwkoper."])
    climbing = {"../../../../../../../../..{}/klimmer.pdf".format(escape): pdf.read_bytes(),
                "/etc/woo-absoluut.pdf": pdf.read_bytes(), "C:\\\\Windows\\\\schijf.pdf": pdf.read_bytes()}
    content = package_bytes(tmp_path, extra=climbing)
    before = {p for p in data_dir.parent.rglob("*") if data_dir not in p.parents and p != data_dir}
    job = send_package(client, tokens["officer"], dossier_id, content).get_json()
    assert wait_job(client, tokens["officer"], job["job"]["id"])["status"] == "done"
    paths = {d["path"] for d in client.get(f"/api/v1/dossiers/{dossier_id}",
                                           headers=auth(tokens["officer"])).get_json()["documents"]}
    assert f"{str(escape).strip('/')}/klimmer.pdf" in paths and "etc/woo-absoluut.pdf" in paths, paths
    assert "Windows/schijf.pdf" in paths, paths
    assert all(".." not in p.split("/") and not p.startswith("/") for p in paths), paths
    assert list(escape.iterdir()) == [] and not Path("/etc/woo-absoluut.pdf").exists()
    after = {p for p in data_dir.parent.rglob("*") if data_dir not in p.parents and p != data_dir}
    assert after == before, sorted(map(str, after - before))
    with db_session(app) as session:
        stored = session.scalars(select(Document).where(Document.dossier_id == dossier_id)).all()
        assert all(d.path in paths for d in stored)
