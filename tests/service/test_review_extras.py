"""The audit export, decisions by text, restart safety, and `woo-redact serve`."""

from __future__ import annotations

import csv
import io
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from sqlalchemy import func, select

from service_helpers import SAMPLE, auth, db_session, new_dossier, wait_for


def ready_document_with(app, dossier_id, texts):
    """A ready document with one finding per text, written straight into the database."""
    from service.models import Document, Finding

    with db_session(app) as session:
        document = Document(dossier_id=dossier_id, filename="x.pdf", sha256="0" * 64, status="ready", pages=1)
        session.add(document)
        session.flush()
        for text in texts:
            session.add(Finding(document_id=document.id, entity="PERSON", text=text, page=0, state="suggested"))
        session.commit()
        return document.id


# --- audit export -------------------------------------------------------------------------------------------

def test_audit_as_json_and_csv(client, tokens, names):
    dossier_id = new_dossier(client, tokens["officer"], names.values(), title="Audit, \"quoted\"")
    for role in ("reviewer", "officer", "admin"):
        response = client.get(f"/api/v1/dossiers/{dossier_id}/audit", headers=auth(tokens[role]))
        assert response.status_code == 200
        event, *members = response.get_json()
        assert [m["action"] for m in members] == ["dossier.member_add", "dossier.member_add"]
        assert set(event) == {"who", "when", "action", "before", "after"}
        assert event["who"].startswith("officer-")
        assert event["action"] == "dossier.create"
        assert event["before"] is None
        assert event["after"] == {"title": "Audit, \"quoted\"", "case_number": "WOO-2026-001", "received_on": None,
                                  "deadline": None}
        assert event["when"]

    response = client.get(f"/api/v1/dossiers/{dossier_id}/audit?format=csv", headers=auth(tokens["reviewer"]))
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["who", "when", "action", "before", "after"]
    assert len(rows) == 4
    assert rows[1][2] == "dossier.create" and "quoted" in rows[1][4]


def test_audit_needs_a_token_and_an_existing_dossier(client, tokens):
    assert client.get("/api/v1/dossiers/1/audit").status_code == 401
    assert client.get("/api/v1/dossiers/999999/audit", headers=auth(tokens["admin"])).status_code == 404
    assert client.get("/api/v1/dossiers/999999/audit?format=csv",
                      headers=auth(tokens["admin"])).status_code == 404


# --- decisions by text --------------------------------------------------------------------------------------

def test_decide_by_text_in_a_document_and_in_the_dossier(app, client, tokens, names):
    from service.models import AuditEvent, Decision, Finding

    dossier_id = new_dossier(client, tokens["officer"], names.values())
    first = ready_document_with(app, dossier_id, ["Jan  Jansen", "jan jansen", "Piet Pieters"])
    second = ready_document_with(app, dossier_id, [" JAN\nJANSEN ", "Klaas"])
    other_dossier = new_dossier(client, tokens["officer"], names.values())
    elsewhere = ready_document_with(app, other_dossier, ["Jan Jansen"])

    def counts():
        with db_session(app) as session:
            return (session.scalar(select(func.count()).select_from(Decision)),
                    session.scalar(select(func.count()).select_from(AuditEvent)
                                   .where(AuditEvent.dossier_id == dossier_id)))

    decisions, events = counts()
    url = f"/api/v1/documents/{first}/decisions"
    response = client.post(url, json={"text": "JAN JANSEN", "decision": "accept", "scope": "document"},
                           headers=auth(tokens["reviewer"]))
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"changed": 2, "added": 0}
    assert counts() == (decisions + 2, events + 2)

    response = client.post(url, json={"text": "jan jansen", "decision": "accept", "scope": "dossier"},
                           headers=auth(tokens["admin"]))
    assert response.get_json() == {"changed": 1, "added": 0}  # the first document's two are accepted already
    assert counts() == (decisions + 3, events + 3)

    response = client.post(url, json={"text": "Jan Jansen", "decision": "reject", "scope": "dossier"},
                           headers=auth(tokens["reviewer"]))
    assert response.get_json() == {"changed": 3, "added": 0}
    assert counts() == (decisions + 6, events + 6)

    with db_session(app) as session:
        states = {(f.document_id, f.text): f.state for f in session.scalars(select(Finding).where(
            Finding.document_id.in_((first, second, elsewhere))))}
    assert states == {(first, "Jan  Jansen"): "rejected", (first, "jan jansen"): "rejected",
                      (first, "Piet Pieters"): "suggested", (second, " JAN\nJANSEN "): "rejected",
                      (second, "Klaas"): "suggested", (elsewhere, "Jan Jansen"): "suggested"}

    audit = client.get(f"/api/v1/dossiers/{dossier_id}/audit", headers=auth(tokens["reviewer"])).get_json()
    assert [e["action"] for e in audit][-3:] == ["finding.reject"] * 3


def test_decide_by_text_checks_role_and_input(app, client, tokens, names):
    dossier_id = new_dossier(client, tokens["officer"], names.values())
    document = ready_document_with(app, dossier_id, ["Anna"])
    url = f"/api/v1/documents/{document}/decisions"
    good = {"text": "anna", "decision": "accept", "scope": "document"}
    assert client.post(url, json=good).status_code == 401
    assert client.post(url, json=good, headers=auth(tokens["officer"])).status_code == 403
    assert client.post("/api/v1/documents/999999/decisions", json=good,
                       headers=auth(tokens["reviewer"])).status_code == 404
    for bad in ({**good, "decision": "maybe"}, {**good, "scope": "world"}, {**good, "text": "  "},
                {"decision": "accept", "scope": "document"}):
        response = client.post(url, json=bad, headers=auth(tokens["reviewer"]))
        assert response.status_code == 400, bad
        assert isinstance(response.get_json()["error"], str)
    assert client.post(url, json=good, headers=auth(tokens["reviewer"])).get_json() == {"changed": 1, "added": 0}


# --- restart safety -----------------------------------------------------------------------------------------

def test_interrupted_analysis_is_resumed_when_the_app_starts_again(app, client, tokens, names):
    from service import create_app
    from service.analysis import INTERRUPTED
    from service.models import Document
    from service import storage

    dossier_id = new_dossier(client, tokens["officer"], names.values())
    digest = storage.store(app.config["DATA_DIR"], SAMPLE.read_bytes())
    with db_session(app) as session:
        stranded = Document(dossier_id=dossier_id, filename="nota.pdf", sha256=digest, status="analyzing")
        waiting = Document(dossier_id=dossier_id, filename="nota2.pdf", sha256=digest, status="queued")
        lost = Document(dossier_id=dossier_id, filename="gone.pdf", sha256="f" * 64, status="queued")
        session.add_all([stranded, waiting, lost])
        session.commit()
        ids = stranded.id, waiting.id, lost.id

    again = create_app({"DATA_DIR": str(app.config["DATA_DIR"]), "DATABASE_URL": app.config["DATABASE_URL"]})
    try:
        second = again.test_client()
        for document_id in ids[:2]:
            body = wait_for(second, tokens["officer"], document_id)
            assert body["status"] == "ready", body
            findings = second.get(f"/api/v1/documents/{document_id}/findings",
                                  headers=auth(tokens["officer"])).get_json()
            assert findings
        body = second.get(f"/api/v1/documents/{ids[2]}", headers=auth(tokens["officer"])).get_json()
        assert body["status"] == "failed" and body["error"] == INTERRUPTED
    finally:
        again.extensions["woo_redact"]["analyser"].shutdown(wait=True)
        again.extensions["woo_redact"]["engine"].dispose()


# --- woo-redact serve ---------------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_answers_http(tmp_path, app):
    # GET /api/v1/dossiers/1 has no route (404 before any token check); its audit route asks for a token.
    if app.extensions["woo_redact"]["engine"].dialect.name != "sqlite":
        import pytest

        pytest.skip("`woo-redact serve` is tested once, on its default SQLite database")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "WOO_REDACT_DATA")}
    command = [str(Path(sys.executable).parent / "woo-redact"), "serve", "--port", str(port),
               "--data", str(tmp_path / "data")]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 20
        status = None
        while time.monotonic() < deadline and status is None:
            assert process.poll() is None, process.stdout.read().decode(errors="replace")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/dossiers/1/audit", timeout=2)
                status = 200
            except urllib.error.HTTPError as exc:
                status = exc.code
            except OSError:
                time.sleep(0.2)
        assert status == 401
        assert (tmp_path / "data" / "woo-redact.db").exists()
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
