"""The JSON API of the review service, on SQLite and on PostgreSQL."""

from __future__ import annotations


import pytest
from sqlalchemy import func, select

from service_helpers import SAMPLE, auth, db_session, new_dossier, upload, wait_for


@pytest.fixture(scope="module")
def ready_document(app, tokens, names):
    client = app.test_client()
    dossier_id = new_dossier(client, tokens["officer"], names.values())
    response = upload(client, tokens["officer"], dossier_id, ("nota minister.pdf", SAMPLE.read_bytes()))
    assert response.status_code == 201, response.get_json()
    [entry] = response.get_json()
    assert entry["status"] in ("queued", "analyzing", "ready")
    body = wait_for(client, tokens["officer"], entry["id"])
    assert body["status"] == "ready", body
    return dossier_id, entry["id"]


# --- schema --------------------------------------------------------------------------------------------------

def test_migration_matches_the_models(app):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from service.db import alembic_config
    from service.models import Base

    with app.extensions["woo_redact"]["engine"].connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert context.get_current_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()
        diffs = compare_metadata(context, Base.metadata)
    assert diffs == []


def test_sqlite_runs_in_wal_mode(app):
    engine = app.extensions["woo_redact"]["engine"]
    if engine.dialect.name != "sqlite":
        pytest.skip("WAL is a SQLite setting")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


# --- authentication and roles -----------------------------------------------------------------------------------

@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic abc"},
                                     {"Authorization": "Bearer "}])
def test_without_a_valid_token_is_401(client, headers):
    response = client.post("/api/v1/dossiers", json={"title": "t", "case_number": "c"}, headers=headers)
    assert response.status_code == 401
    assert isinstance(response.get_json()["error"], str)
    assert client.get("/api/v1/documents/1", headers=headers).status_code == 401


def test_wrong_role_is_403(client, tokens, ready_document):
    dossier_id, document_id = ready_document
    response = client.post("/api/v1/dossiers", json={"title": "t", "case_number": "c"},
                           headers=auth(tokens["reviewer"]))
    assert response.status_code == 403 and "error" in response.get_json()
    response = upload(client, tokens["reviewer"], dossier_id, ("a.pdf", SAMPLE.read_bytes()))
    assert response.status_code == 403
    finding_id = client.get(f"/api/v1/documents/{document_id}/findings",
                            headers=auth(tokens["officer"])).get_json()[0]["id"]
    response = client.post(f"/api/v1/findings/{finding_id}/decision", json={"decision": "accept"},
                           headers=auth(tokens["officer"]))
    assert response.status_code == 403


def test_unknown_ids_are_404(client, tokens):
    headers = auth(tokens["admin"])
    for response in (
        client.get("/api/v1/documents/999999", headers=headers),
        client.get("/api/v1/documents/999999/findings", headers=headers),
        client.post("/api/v1/findings/999999/decision", json={"decision": "accept"}, headers=headers),
        upload(client, tokens["admin"], 999999, ("a.pdf", SAMPLE.read_bytes())),
        client.get("/api/v1/no-such-endpoint", headers=headers),
    ):
        assert response.status_code == 404
        assert isinstance(response.get_json()["error"], str)


# --- dossiers ---------------------------------------------------------------------------------------------------

def test_create_dossier(app, client, tokens, names):
    from service.models import AuditEvent, Dossier

    for role in ("officer", "admin"):
        dossier_id = new_dossier(client, tokens[role], names.values(),
                                 title=f"Dossier van {role}", case_number="2026/17")
        with db_session(app) as session:
            dossier = session.get(Dossier, dossier_id)
            assert (dossier.title, dossier.case_number) == (f"Dossier van {role}", "2026/17")
            assert dossier.created_at is not None
            events = session.scalars(select(AuditEvent).where(AuditEvent.dossier_id == dossier_id)).all()
            # the creator has access already; the two others are added
            assert [e.action for e in events] == ["dossier.create", "dossier.member_add", "dossier.member_add"]


@pytest.mark.parametrize("body", [None, [], {"title": "t"}, {"case_number": "c"}, {"title": " ", "case_number": "c"},
                                  {"title": 5, "case_number": "c"}, {"title": "t" * 301, "case_number": "c"}])
def test_bad_dossier_is_400(client, tokens, body):
    kwargs = {"json": body} if body is not None else {"data": "not json", "content_type": "application/json"}
    response = client.post("/api/v1/dossiers", headers=auth(tokens["officer"]), **kwargs)
    assert response.status_code == 400
    message = response.get_json()["error"]
    assert isinstance(message, str) and message.endswith(".")


# --- uploads ----------------------------------------------------------------------------------------------------

def test_upload_a_real_pdf_reaches_ready_with_findings(app, client, tokens, ready_document):
    from service.models import Document
    from service.storage import file_path

    _, document_id = ready_document
    body = client.get(f"/api/v1/documents/{document_id}", headers=auth(tokens["reviewer"])).get_json()
    assert body == {"id": document_id, "dossier_id": body["dossier_id"], "filename": "nota_minister.pdf",
                    "status": "ready", "pages": body["pages"], "error": None, "reviewed_pages": [],
                    "undecided": body["undecided"], "path": None, "job_id": None, "date": body["date"],
                    "duplicate_of": None, "duplicate_kind": None, "similarity": None, "family_id": None,
                    "thread_id": None}
    assert body["undecided"] >= 1
    assert body["pages"] >= 1
    findings = client.get(f"/api/v1/documents/{document_id}/findings", headers=auth(tokens["reviewer"])).get_json()
    assert findings, "the sample memo contains personal data"
    for f in findings:
        assert set(f) == {"id", "entity", "text", "page", "rects", "more_pages", "ground", "score", "state",
                          "reason"}
        assert f["state"] in ("suggested", "kept")
        assert isinstance(f["page"], int) and f["rects"] and all(len(r) == 4 for r in f["rects"])
    assert any(f["state"] == "suggested" for f in findings)
    with db_session(app) as session:
        document = session.get(Document, document_id)
        assert document.filename == "nota_minister.pdf"  # sanitised
        stored = file_path(app.config["DATA_DIR"], document.sha256)
        assert stored.read_bytes() == SAMPLE.read_bytes()


def test_several_files_at_once_and_a_damaged_pdf_refuses_the_whole_upload(app, client, tokens, names):
    from service.models import Document

    dossier_id = new_dossier(client, tokens["admin"], names.values())
    response = upload(client, tokens["admin"], dossier_id, ("a.pdf", SAMPLE.read_bytes()),
                      ("c.pdf", SAMPLE.read_bytes()))
    assert response.status_code == 201
    first, second = response.get_json()
    assert wait_for(client, tokens["admin"], first["id"])["status"] == "ready"
    assert wait_for(client, tokens["admin"], second["id"])["status"] == "ready"

    damaged = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
    response = upload(client, tokens["admin"], dossier_id, ("a.pdf", SAMPLE.read_bytes()), ("b.pdf", damaged))
    assert response.status_code == 400
    assert "b.pdf" in response.get_json()["error"]
    with db_session(app) as session:  # nothing of the refused request was stored
        assert session.scalar(select(func.count()).select_from(Document)
                              .where(Document.dossier_id == dossier_id)) == 2


def test_upload_checks_type_by_content_not_name(client, tokens, names):
    dossier_id = new_dossier(client, tokens["officer"], names.values())
    response = upload(client, tokens["officer"], dossier_id, ("report.pdf", b"PK\x03\x04 this is a zip file"))
    assert response.status_code == 415
    assert "not a PDF" in response.get_json()["error"]


def test_upload_bad_input_is_400(client, tokens, names):
    dossier_id = new_dossier(client, tokens["officer"], names.values())
    response = client.post(f"/api/v1/dossiers/{dossier_id}/documents", data={}, headers=auth(tokens["officer"]),
                           content_type="multipart/form-data")
    assert response.status_code == 400
    response = upload(client, tokens["officer"], dossier_id, ("empty.pdf", b""))
    assert response.status_code == 400


def test_upload_over_the_size_limit_is_413(app, client, tokens, names):
    dossier_id = new_dossier(client, tokens["officer"], names.values())
    too_big = b"%PDF-1.7\n" + b"0" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = upload(client, tokens["officer"], dossier_id, ("big.pdf", too_big))
    assert response.status_code == 413
    assert "limit" in response.get_json()["error"]


# --- decisions --------------------------------------------------------------------------------------------------

def test_decision_is_recorded_once_in_the_database_and_the_audit_trail(app, client, tokens, ready_document):
    from service.models import AuditEvent, Decision, Finding, User

    dossier_id, document_id = ready_document
    findings = client.get(f"/api/v1/documents/{document_id}/findings", headers=auth(tokens["reviewer"])).get_json()
    target = next(f for f in findings if f["state"] == "suggested")
    response = client.post(f"/api/v1/findings/{target['id']}/decision",
                           json={"decision": "reject", "ground": "5.1.2i", "comment": "Openbaar bekend."},
                           headers=auth(tokens["reviewer"]))
    assert response.status_code == 200
    assert response.get_json()["state"] == "rejected"
    after = client.get(f"/api/v1/documents/{document_id}/findings", headers=auth(tokens["reviewer"])).get_json()
    changed = next(f for f in after if f["id"] == target["id"])
    assert (changed["state"], changed["ground"]) == ("rejected", "5.1.2i")

    with db_session(app) as session:
        decisions = session.scalars(select(Decision).where(Decision.finding_id == target["id"])).all()
        assert len(decisions) == 1
        [decision] = decisions
        assert (decision.decision, decision.ground, decision.comment) == ("reject", "5.1.2i", "Openbaar bekend.")
        assert session.get(User, decision.user_id).role == "reviewer"
        assert decision.at is not None
        events = [e for e in session.scalars(select(AuditEvent).where(AuditEvent.dossier_id == dossier_id,
                                                                       AuditEvent.action == "finding.reject"))
                  if e.before["finding"] == target["id"]]
        assert len(events) == 1
        assert events[0].before["state"] == "suggested"
        assert events[0].after["state"] == "rejected" and events[0].after["ground"] == "5.1.2i"
        assert events[0].user_id == decision.user_id
        assert session.get(Finding, target["id"]).state == "rejected"

    # an admin may decide too, and accepting again writes a second decision
    response = client.post(f"/api/v1/findings/{target['id']}/decision", json={"decision": "accept"},
                           headers=auth(tokens["admin"]))
    assert response.status_code == 200 and response.get_json()["state"] == "accepted"
    with db_session(app) as session:
        count = session.scalar(select(func.count()).select_from(Decision).where(Decision.finding_id == target["id"]))
        assert count == 2


@pytest.mark.parametrize("body", [{}, {"decision": "maybe"}, {"decision": "accept", "ground": "9.9.9z"},
                                  {"decision": "accept", "ground": 5}, {"decision": "reject", "comment": ["x"]}])
def test_bad_decision_is_400_and_changes_nothing(app, client, tokens, ready_document, body):
    from service.models import Decision

    _, document_id = ready_document
    finding_id = client.get(f"/api/v1/documents/{document_id}/findings",
                            headers=auth(tokens["reviewer"])).get_json()[-1]["id"]
    with db_session(app) as session:
        before = session.scalar(select(func.count()).select_from(Decision))
    response = client.post(f"/api/v1/findings/{finding_id}/decision", json=body, headers=auth(tokens["reviewer"]))
    assert response.status_code == 400
    assert isinstance(response.get_json()["error"], str)
    with db_session(app) as session:
        assert session.scalar(select(func.count()).select_from(Decision)) == before


def test_audit_trail_is_append_only_in_the_database_too(app, client, tokens, names):
    """Plain SQL past the ORM (a script, a console) cannot change or delete an audit event either."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from service.models import AuditEvent

    new_dossier(client, tokens["officer"], names.values())
    engine = app.extensions["woo_redact"]["engine"]
    with db_session(app) as session:
        last = session.scalar(select(func.max(AuditEvent.id)))
        total = session.scalar(select(func.count()).select_from(AuditEvent))
    statements = ["UPDATE audit_events SET action = 'tampered' WHERE id = :id",
                  "DELETE FROM audit_events WHERE id = :id"]
    if engine.dialect.name == "postgresql":
        statements.append("TRUNCATE audit_events")
    for statement in statements:
        with engine.connect() as connection:
            with pytest.raises(DBAPIError, match="append-only"):
                connection.execute(text(statement), {"id": last})
            connection.rollback()
    with db_session(app) as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == total
        assert session.get(AuditEvent, last).action != "tampered"
    with engine.connect() as connection:  # adding stays possible
        connection.execute(text("INSERT INTO audit_events (action, at) VALUES ('test.insert', CURRENT_TIMESTAMP)"))
        connection.commit()


def test_audit_trail_is_append_only(app, client, tokens, names):
    from service.models import AppendOnlyError, AuditEvent

    new_dossier(client, tokens["officer"], names.values())
    with db_session(app) as session:
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        event.action = "tampered"
        with pytest.raises(AppendOnlyError):
            session.commit()
        session.rollback()
        with pytest.raises(AppendOnlyError):
            session.delete(event)
            session.commit()
