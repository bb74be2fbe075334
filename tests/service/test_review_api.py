"""The review API end to end, on SQLite and on PostgreSQL: who sees a dossier, manual redactions, the
review and release exports, four-eyes approval, reviewed pages, upload limits, retries and decisions by
text. Real PDFs, the real database and the real engine; no mocks.
"""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pymupdf
import pytest
from sqlalchemy import func, select

from service_helpers import SAMPLE, auth, db_session, new_dossier, upload, wait_for


# --- helpers -------------------------------------------------------------------------------------------------


def ready_upload(client, token, dossier_id, name="nota minister.pdf", content=None) -> int:
    response = upload(client, token, dossier_id, (name, content if content is not None else SAMPLE.read_bytes()))
    assert response.status_code == 201, response.get_json()
    [entry] = response.get_json()
    body = wait_for(client, token, entry["id"])
    assert body["status"] == "ready", body
    return entry["id"]


def fresh_document(app, tokens, names, content=None, name="nota minister.pdf") -> tuple[int, int]:
    """A dossier of the officer's (everyone a member) with one analysed document: (dossier id, document id)."""
    client = app.test_client()
    dossier_id = new_dossier(client, tokens["officer"], names.values())
    return dossier_id, ready_upload(client, tokens["officer"], dossier_id, name, content)


@contextmanager
def configured(app, **values):
    """Change app settings for the duration of a block; they are restored even when the block fails."""
    saved = {key: app.config[key] for key in values}
    app.config.update(values)
    try:
        yield
    finally:
        app.config.update(saved)


def pdf_bytes(pages: list[list[str]], fontsize: float = 11) -> bytes:
    """An A4 PDF with one page per list of lines."""
    doc = pymupdf.open()
    for lines in pages:
        page = doc.new_page(width=595.28, height=841.89)
        y = 80
        for line in lines:
            page.insert_text((72, y), line, fontsize=fontsize, fontname="helv")
            y += fontsize * 1.25
    try:
        return doc.tobytes()
    finally:
        doc.close()


def stored_pdf(app, document_id: int) -> pymupdf.Document:
    """The uploaded original as the service keeps it."""
    from service.models import Document
    from service.storage import file_path

    with db_session(app) as session:
        digest = session.get(Document, document_id).sha256
    return pymupdf.open(str(file_path(app.config["DATA_DIR"], digest)))


def word_box(app, document_id: int, word: str, page: int = 0) -> pymupdf.Rect:
    doc = stored_pdf(app, document_id)
    try:
        boxes = [pymupdf.Rect(w[:4]) for w in doc[page].get_text("words") if w[4].rstrip(".,;:") == word]
    finally:
        doc.close()
    assert len(boxes) == 1, f"{word!r} should occur once on page {page}"
    return boxes[0]


def flat(text: str) -> str:
    return " ".join(text.split())


def pdf_text(content: bytes) -> str:
    doc = pymupdf.open(stream=content, filetype="pdf")
    try:
        return flat(" ".join(page.get_text("text") for page in doc))
    finally:
        doc.close()


def findings_of(client, token, document_id) -> list[dict]:
    response = client.get(f"/api/v1/documents/{document_id}/findings", headers=auth(token))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def user_id(app, name: str) -> int:
    from service.models import User

    with db_session(app) as session:
        return session.scalar(select(User.id).where(User.name == name))


def events(app, dossier_id: int, action: str | None = None) -> list:
    from service.models import AuditEvent

    query = select(AuditEvent).where(AuditEvent.dossier_id == dossier_id).order_by(AuditEvent.id)
    if action:
        query = query.where(AuditEvent.action == action)
    with db_session(app) as session:
        return list(session.scalars(query))


def count(app, model, *where) -> int:
    with db_session(app) as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def decision_count(app, document_id: int) -> int:
    from service.models import Decision, Finding

    with db_session(app) as session:
        return session.scalar(select(func.count()).select_from(Decision).join(Finding)
                              .where(Finding.document_id == document_id))


def is_error(response, code: int) -> bool:
    body = response.get_json(silent=True) or {}
    return response.status_code == code and isinstance(body.get("error"), str) and body["error"].endswith(".")


@pytest.fixture(scope="module")
def shared_document(app, tokens, names):
    """One analysed copy of the sample memo for the tests that only read (or add their own manual findings)."""
    return fresh_document(app, tokens, names)


# --- 1. who sees a dossier -------------------------------------------------------------------------------------

def test_a_dossier_is_visible_to_its_creator_members_and_admins_only(app, client, tokens, names):
    from service.models import Approval, Decision, DossierMember, Finding, PageReview
    from service.users import add_user

    other_officer, other_officer_token = add_user(app, f"officer-{uuid.uuid4().hex[:6]}", "officer")
    dossier_id = new_dossier(client, tokens["officer"], members=(), title="Alleen voor de maker")
    document_id = ready_upload(client, tokens["officer"], dossier_id)
    finding_id = findings_of(client, tokens["officer"], document_id)[0]["id"]

    def listed(token) -> set[int]:
        response = client.get("/api/v1/dossiers", headers=auth(token))
        assert response.status_code == 200
        return {d["id"] for d in response.get_json()}

    # the creator and the admins see it; it lists only its creator as member
    for token in (tokens["officer"], tokens["admin"]):
        assert dossier_id in listed(token)
        response = client.get(f"/api/v1/dossiers/{dossier_id}", headers=auth(token))
        assert response.status_code == 200
        assert response.get_json()["members"] == [names["officer"]]
        assert client.get(f"/api/v1/documents/{document_id}", headers=auth(token)).status_code == 200

    # a reviewer (and another officer) who is no member: as if it did not exist
    state_before = (count(app, Finding, Finding.document_id == document_id), decision_count(app, document_id),
                    count(app, PageReview, PageReview.document_id == document_id),
                    count(app, Approval, Approval.document_id == document_id), len(events(app, dossier_id)))
    base = f"/api/v1/documents/{document_id}"
    for token in (tokens["reviewer"], other_officer_token):
        assert dossier_id not in listed(token)
        for response in (
            client.get(f"/api/v1/dossiers/{dossier_id}", headers=auth(token)),
            client.get(base, headers=auth(token)),
            client.get(f"{base}/findings", headers=auth(token)),
            client.get(f"{base}/review.pdf", headers=auth(token)),
            client.get(f"{base}/release.pdf", headers=auth(token)),
            client.get(f"{base}/release.pdf?force=1", headers=auth(token)),
            client.post(f"{base}/retry", headers=auth(token)),
            client.get(f"/api/v1/dossiers/{dossier_id}/audit", headers=auth(token)),
            client.get(f"/api/v1/dossiers/{dossier_id}/audit?format=csv", headers=auth(token)),
        ):
            assert is_error(response, 404), (response.request.path, response.status_code, response.get_data())
    reviewer = auth(tokens["reviewer"])
    for response in (
        client.post(f"/api/v1/findings/{finding_id}/decision", json={"decision": "accept"}, headers=reviewer),
        client.post(f"{base}/decisions", json={"all": True, "decision": "accept"}, headers=reviewer),
        client.post(f"{base}/decisions", json={"text": "Kaya", "decision": "accept"}, headers=reviewer),
        client.post(f"{base}/redactions", json={"text": "Kaya"}, headers=reviewer),
        client.post(f"{base}/redactions", json={"page": 0, "rect": [72, 72, 200, 90]}, headers=reviewer),
        client.post(f"{base}/reviewed-pages", json={"pages": [0]}, headers=reviewer),
        client.post(f"{base}/approve", headers=reviewer),
    ):
        assert is_error(response, 404), (response.request.path, response.status_code, response.get_data())
    outsider = auth(other_officer_token)
    assert is_error(upload(client, other_officer_token, dossier_id, ("a.pdf", SAMPLE.read_bytes())), 404)
    assert is_error(client.post(f"/api/v1/dossiers/{dossier_id}/members", json={"user": other_officer.name},
                                headers=outsider), 404)
    # a hidden document answers exactly like one that does not exist
    hidden = client.get(base, headers=reviewer).get_json()
    assert hidden == {"error": f"There is no document {document_id}."}
    assert state_before == (count(app, Finding, Finding.document_id == document_id),
                            decision_count(app, document_id),
                            count(app, PageReview, PageReview.document_id == document_id),
                            count(app, Approval, Approval.document_id == document_id), len(events(app, dossier_id)))

    # a reviewer may not add members, not even themselves; an unknown user is refused
    response = client.post(f"/api/v1/dossiers/{dossier_id}/members", json={"user": names["reviewer"]},
                           headers=reviewer)
    assert is_error(response, 403)
    response = client.post(f"/api/v1/dossiers/{dossier_id}/members", json={"user": "nobody-by-this-name"},
                           headers=auth(tokens["officer"]))
    assert is_error(response, 400)
    with db_session(app) as session:
        assert session.scalar(select(func.count()).select_from(DossierMember)
                              .where(DossierMember.dossier_id == dossier_id)) == 1
    assert events(app, dossier_id, "dossier.member_add") == []

    # once the creator adds the reviewer, the reviewer sees the dossier and may work in it
    response = client.post(f"/api/v1/dossiers/{dossier_id}/members", json={"user": names["reviewer"]},
                           headers=auth(tokens["officer"]))
    assert response.status_code == 201
    assert response.get_json() == {"user": names["reviewer"], "role": "reviewer"}
    with db_session(app) as session:
        assert session.get(DossierMember, (dossier_id, user_id(app, names["reviewer"]))) is not None
    [added] = events(app, dossier_id, "dossier.member_add")
    assert added.after == {"user": names["reviewer"], "role": "reviewer"}
    assert added.user_id == user_id(app, names["officer"])

    assert dossier_id in listed(tokens["reviewer"])
    assert dossier_id not in listed(other_officer_token)
    body = client.get(f"/api/v1/dossiers/{dossier_id}", headers=reviewer).get_json()
    assert sorted(body["members"]) == sorted([names["officer"], names["reviewer"]])
    assert client.get(f"{base}/findings", headers=reviewer).status_code == 200
    assert client.get(f"/api/v1/dossiers/{dossier_id}/audit", headers=reviewer).status_code == 200
    response = client.post(f"/api/v1/findings/{finding_id}/decision", json={"decision": "reject"}, headers=reviewer)
    assert response.status_code == 200
    with db_session(app) as session:
        assert session.get(Finding, finding_id).state == "rejected"
        assert session.scalar(select(func.count()).select_from(Decision)
                              .where(Decision.finding_id == finding_id)) == 1
    # adding the same member twice changes nothing
    response = client.post(f"/api/v1/dossiers/{dossier_id}/members", json={"user": names["reviewer"]},
                           headers=auth(tokens["officer"]))
    assert response.status_code == 201
    assert len(events(app, dossier_id, "dossier.member_add")) == 1


def test_dossier_list_shows_only_visible_dossiers(app, client, tokens, names):
    from service.models import Dossier, DossierMember

    mine = new_dossier(client, tokens["officer"], members=(), title="Lijst: alleen officer")
    shared = new_dossier(client, tokens["officer"], members=[names["reviewer"]], title="Lijst: met reviewer")
    by_admin = new_dossier(client, tokens["admin"], members=(), title="Lijst: alleen admin")

    def listed(role):
        return [d["id"] for d in client.get("/api/v1/dossiers", headers=auth(tokens[role])).get_json()]

    reviewer, officer, admin = listed("reviewer"), listed("officer"), listed("admin")
    assert shared in reviewer and mine not in reviewer and by_admin not in reviewer
    assert mine in officer and shared in officer and by_admin not in officer
    assert {mine, shared, by_admin} <= set(admin)
    assert admin == sorted(admin, reverse=True)  # newest first
    with db_session(app) as session:  # the reviewer's list is exactly the dossiers they are a member of
        reviewer_id = user_id(app, names["reviewer"])
        expected = set(session.scalars(select(DossierMember.dossier_id).where(DossierMember.user_id == reviewer_id)))
        assert set(reviewer) == expected
        assert set(admin) == set(session.scalars(select(Dossier.id)))


# --- 2. dossiers: details and dates ----------------------------------------------------------------------------

def test_get_dossier_returns_it_with_its_documents(client, tokens, names, shared_document):
    dossier_id, document_id = shared_document
    response = client.get(f"/api/v1/dossiers/{dossier_id}", headers=auth(tokens["reviewer"]))
    assert response.status_code == 200
    body = response.get_json()
    assert body == {"id": dossier_id, "title": "Verzoek om informatie", "case_number": "WOO-2026-001",
                    "received_on": None, "deadline": None, "members": sorted(names.values()),
                    "documents": [{"id": document_id, "dossier_id": dossier_id, "filename": "nota_minister.pdf",
                                   "status": "ready", "pages": 1, "error": None, "path": None, "job_id": None,
                                   "date": body["documents"][0]["date"], "duplicate_of": None,
                                   "duplicate_kind": None, "similarity": None, "family_id": None,
                                   "thread_id": None}]}
    assert is_error(client.get("/api/v1/dossiers/999999", headers=auth(tokens["admin"])), 404)
    assert client.get(f"/api/v1/dossiers/{dossier_id}").status_code == 401


def test_create_dossier_with_dates(app, client, tokens):
    from service.models import Dossier

    response = client.post("/api/v1/dossiers", json={"title": "Met data", "case_number": "2026/9",
                                                     "received_on": "2026-03-02", "deadline": "2026-04-13"},
                           headers=auth(tokens["officer"]))
    assert response.status_code == 201, response.get_json()
    dossier_id = response.get_json()["id"]
    body = client.get(f"/api/v1/dossiers/{dossier_id}", headers=auth(tokens["officer"])).get_json()
    assert (body["received_on"], body["deadline"], body["documents"]) == ("2026-03-02", "2026-04-13", [])
    with db_session(app) as session:
        dossier = session.get(Dossier, dossier_id)
        assert (dossier.received_on, dossier.deadline) == (date(2026, 3, 2), date(2026, 4, 13))
    [created] = events(app, dossier_id, "dossier.create")
    assert created.after["received_on"] == "2026-03-02" and created.after["deadline"] == "2026-04-13"

    # both are optional; an empty text counts as absent
    response = client.post("/api/v1/dossiers", json={"title": "Zonder", "case_number": "2026/10", "deadline": ""},
                           headers=auth(tokens["officer"]))
    assert response.status_code == 201
    with db_session(app) as session:
        dossier = session.get(Dossier, response.get_json()["id"])
        assert (dossier.received_on, dossier.deadline) == (None, None)


@pytest.mark.parametrize("dates", [{"received_on": "2026-02-30"}, {"deadline": "13-04-2026"},
                                   {"deadline": "morgen"}, {"received_on": 20260413},
                                   {"deadline": ["2026-04-13"]}, {"received_on": "2026-04-13T10:00:00"},
                                   {"deadline": "20260413"}, {"received_on": "2026-W16-1"}],
                         ids=["feb-30", "dd-mm-yyyy", "word", "number", "list", "datetime", "basic-iso", "iso-week"])
def test_create_dossier_with_a_bad_date_is_400(app, client, tokens, dates):
    from service.models import Dossier

    before = count(app, Dossier)
    response = client.post("/api/v1/dossiers", json={"title": "Fout", "case_number": "2026/11", **dates},
                           headers=auth(tokens["officer"]))
    assert is_error(response, 400)
    field = next(iter(dates))
    assert field in response.get_json()["error"] and "YYYY-MM-DD" in response.get_json()["error"]
    assert count(app, Dossier) == before


# --- 3. manual redactions --------------------------------------------------------------------------------------

def test_manual_rectangle_over_a_word(app, client, tokens, names, shared_document):
    from service.models import Decision, Finding

    dossier_id, document_id = shared_document
    box = word_box(app, document_id, "besproken")
    response = client.post(f"/api/v1/documents/{document_id}/redactions",
                           json={"page": 0, "rect": list(box), "comment": "Interne notitie"},
                           headers=auth(tokens["reviewer"]))
    assert response.status_code == 201, response.get_json()
    [finding] = response.get_json()
    assert (finding["entity"], finding["state"], finding["page"]) == ("MANUAL", "accepted", 0)
    assert "besproken" in finding["text"]
    assert finding["ground"] == "5.1.2e"
    assert [f["id"] for f in findings_of(client, tokens["reviewer"], document_id)].count(finding["id"]) == 1

    reviewer_id = user_id(app, names["reviewer"])
    with db_session(app) as session:
        row = session.get(Finding, finding["id"])
        assert (row.document_id, row.entity, row.state, row.recognizer, row.created_by) == (
            document_id, "MANUAL", "accepted", "manual", reviewer_id)
        [rect] = row.rects
        assert pymupdf.Rect(rect).contains(pymupdf.Point((box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2))
        [decision] = session.scalars(select(Decision).where(Decision.finding_id == finding["id"])).all()
        assert (decision.decision, decision.user_id, decision.ground) == ("accept", reviewer_id, "5.1.2e")
    [event] = [e for e in events(app, dossier_id, "finding.manual") if e.after["finding"] == finding["id"]]
    assert event.user_id == reviewer_id and event.before is None
    assert (event.after["document"], event.after["page"], event.after["words"]) == (document_id, 0, False)
    assert event.after["rect"] == pytest.approx(list(box))


def test_manual_rectangle_with_words_widens_to_the_whole_word(app, client, tokens, shared_document):
    _, document_id = shared_document
    box = word_box(app, document_id, "Uitvoeringsorganisatie")
    third = box.width / 3
    middle = [box.x0 + third, box.y0 + 2, box.x1 - third, box.y1 - 2]
    url = f"/api/v1/documents/{document_id}/redactions"

    response = client.post(url, json={"page": 0, "rect": middle, "words": True}, headers=auth(tokens["reviewer"]))
    assert response.status_code == 201, response.get_json()
    [whole] = response.get_json()
    assert whole["text"].rstrip(".") == "Uitvoeringsorganisatie"
    covered = pymupdf.Rect()
    for rect in whole["rects"]:
        covered |= pymupdf.Rect(rect)
    assert covered.x0 <= box.x0 + 1 and covered.x1 >= box.x1 - 1

    # without "words" exactly the drawn area is taken: only the middle of the word
    response = client.post(url, json={"page": 0, "rect": middle}, headers=auth(tokens["admin"]))
    assert response.status_code == 201, response.get_json()
    [part] = response.get_json()
    assert part["text"] and part["text"] in "Uitvoeringsorganisatie" and part["text"] != "Uitvoeringsorganisatie"
    assert part["rects"] == [pytest.approx(middle, abs=0.01)]


def test_manual_text_redacts_every_occurrence(app, client, tokens, names):
    from service.models import Decision, Finding

    content = pdf_bytes([["Het advies van Zwanenburg is op 3 mei besproken.",
                          "Daarna belde Zwanenburg over het dossier van de gemeente en Zwanen-",
                          "burg stuurde de stukken door aan de afdeling."]])
    dossier_id, document_id = fresh_document(app, tokens, names, content, "zoekterm.pdf")
    before = {f["id"] for f in findings_of(client, tokens["reviewer"], document_id)}
    response = client.post(f"/api/v1/documents/{document_id}/redactions", json={"text": "zwanenburg"},
                           headers=auth(tokens["reviewer"]))
    assert response.status_code == 201, response.get_json()
    made = response.get_json()
    assert len(made) == 3, made
    assert all(f["entity"] == "MANUAL" and f["state"] == "accepted" and f["page"] == 0 for f in made)
    assert sorted(flat(f["text"]).replace("- ", "-") for f in made) == ["Zwanen-burg", "Zwanenburg", "Zwanenburg"]
    hyphenated = next(f for f in made if "-" in f["text"])
    assert len(hyphenated["rects"]) == 2  # the end of one line and the start of the next
    after = findings_of(client, tokens["reviewer"], document_id)
    assert {f["id"] for f in after} == before | {f["id"] for f in made}

    reviewer_id = user_id(app, names["reviewer"])
    with db_session(app) as session:
        for f in made:
            assert session.get(Finding, f["id"]).recognizer == "manual"
            [decision] = session.scalars(select(Decision).where(Decision.finding_id == f["id"])).all()
            assert (decision.decision, decision.user_id) == ("accept", reviewer_id)
    manual = events(app, dossier_id, "finding.manual")
    assert sorted(e.after["finding"] for e in manual) == sorted(f["id"] for f in made)
    assert all(e.after["text"] == "zwanenburg" and e.user_id == reviewer_id for e in manual)

    # all three are gone from the release (the other suggestions are decided first)
    response = client.post(f"/api/v1/documents/{document_id}/decisions", json={"all": True, "decision": "reject"},
                           headers=auth(tokens["reviewer"]))
    assert response.status_code == 200
    with configured(app, FOUR_EYES=False):
        response = client.get(f"/api/v1/documents/{document_id}/release.pdf", headers=auth(tokens["officer"]))
    assert response.status_code == 200, response.get_json()
    text = pdf_text(response.data).lower()
    assert "zwanen" not in text and "burg stuurde" not in text
    assert "daarna belde" in text


@pytest.mark.parametrize("body", [
    {"page": 0, "rect": [700, 900, 800, 950]},  # outside the page
    {"page": 0, "rect": [-200, -200, -100, -100]},
    {"page": 0, "rect": [100, 100, 100.5, 100.5]},  # too small
    {"page": 1, "rect": [72, 72, 200, 90]},  # the memo has one page
    {"page": -1, "rect": [72, 72, 200, 90]},
    {"page": "0", "rect": [72, 72, 200, 90]},
    {"page": True, "rect": [72, 72, 200, 90]},
    {"rect": [72, 72, 200, 90]},
    {"page": 0},
    {"page": 0, "rect": [72, 72, 200]},
    {"page": 0, "rect": ["a", "b", "c", "d"]},
    {"page": 0, "rect": None},
    {"page": 0, "rect": "1357"},  # a text is no list of four numbers, even if its characters are digits
    {"page": 0, "rect": {"x0": 72, "y0": 72, "x1": 200, "y1": 90}},
    {"page": 0, "rect": [10, 600, 200, 700], "words": True},  # no word under it
    {"page": 0, "rect": [72, 72, 200, 90], "ground": "9.9.9z"},
    {},
    {"text": "  "},
    {"text": 5},
], ids=["outside-page", "negative", "too-small", "page-out-of-range", "page-negative", "page-text", "page-bool",
        "no-page", "no-rect", "three-numbers", "rect-texts", "rect-null", "rect-string", "rect-object",
        "words-on-blank", "unknown-ground", "empty-body", "blank-text", "text-number"])
def test_bad_manual_redaction_is_400_and_stores_nothing(app, client, tokens, shared_document, body):
    from service.models import Finding

    dossier_id, document_id = shared_document
    before = (count(app, Finding, Finding.document_id == document_id), decision_count(app, document_id),
              len(events(app, dossier_id)))
    response = client.post(f"/api/v1/documents/{document_id}/redactions", json=body,
                           headers=auth(tokens["reviewer"]))
    assert is_error(response, 400), response.get_json()
    assert before == (count(app, Finding, Finding.document_id == document_id), decision_count(app, document_id),
                      len(events(app, dossier_id)))


@pytest.mark.parametrize("rect", ["[NaN, 100, 300, 200]", "[72, NaN, 200, 90]"], ids=["nan-x0", "nan-y0"])
def test_manual_rectangle_with_nan_is_400(app, client, tokens, names, rect):
    """Python's JSON reader accepts NaN; such a rectangle must be refused, not stored."""
    from service.models import Finding

    dossier_id, document_id = fresh_document(app, tokens, names)
    before = (count(app, Finding, Finding.document_id == document_id), len(events(app, dossier_id)))
    with configured(app, PROPAGATE_EXCEPTIONS=False):
        response = client.post(f"/api/v1/documents/{document_id}/redactions", data=f'{{"page": 0, "rect": {rect}}}',
                               content_type="application/json", headers=auth(tokens["reviewer"]))
    assert response.status_code == 400, (response.status_code, response.get_data()[:300])
    assert before == (count(app, Finding, Finding.document_id == document_id), len(events(app, dossier_id)))


def test_manual_redaction_refusals(app, client, tokens, shared_document):
    from service.models import Finding

    dossier_id, document_id = shared_document
    url = f"/api/v1/documents/{document_id}/redactions"
    before = (count(app, Finding, Finding.document_id == document_id), decision_count(app, document_id),
              len(events(app, dossier_id)))
    response = client.post(url, json={"text": "Bestaat niet in dit document"}, headers=auth(tokens["reviewer"]))
    assert is_error(response, 404)
    assert "does not occur" in response.get_json()["error"]
    assert is_error(client.post(url, json={"text": "Kaya"}, headers=auth(tokens["officer"])), 403)
    assert is_error(client.post(url, json={"page": 0, "rect": [72, 72, 200, 90]},
                                headers=auth(tokens["officer"])), 403)
    assert is_error(client.post(url, json={"text": "Kaya"}), 401)
    assert is_error(client.post(url, json={"text": "Kaya"}, headers=auth("not-a-token")), 401)
    assert is_error(client.post("/api/v1/documents/999999/redactions", json={"text": "Kaya"},
                                headers=auth(tokens["reviewer"])), 404)
    assert is_error(client.post("/api/v1/documents/999999/redactions", json={"page": 0, "rect": [72, 72, 200, 90]},
                                headers=auth(tokens["admin"])), 404)
    assert before == (count(app, Finding, Finding.document_id == document_id), decision_count(app, document_id),
                      len(events(app, dossier_id)))


# --- 4. exports ------------------------------------------------------------------------------------------------

def test_release_needs_every_suggestion_decided_unless_an_admin_forces_it(app, client, tokens, names):
    dossier_id, document_id = fresh_document(app, tokens, names)
    url = f"/api/v1/documents/{document_id}/release.pdf"
    before = findings_of(client, tokens["reviewer"], document_id)
    suggested = [f for f in before if f["state"] == "suggested"]
    kept = [f for f in before if f["state"] == "kept"]
    assert suggested and kept

    with configured(app, FOUR_EYES=False):
        for role in ("officer", "reviewer", "admin"):
            response = client.get(url, headers=auth(tokens[role]))
            assert is_error(response, 409)
            assert f"{len(suggested)} suggestions are still undecided" in response.get_json()["error"]
        for role in ("officer", "reviewer"):
            assert is_error(client.get(f"{url}?force=1", headers=auth(tokens[role])), 403)
        assert events(app, dossier_id, "document.release") == []

        response = client.get(f"{url}?force=1", headers=auth(tokens["admin"]))
        assert response.status_code == 200, response.get_json()
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF-")
    assert "nota_minister-openbaar.pdf" in response.headers["Content-Disposition"]
    text = pdf_text(response.data)
    for f in suggested:
        if len(f["text"]) >= 4:
            assert flat(f["text"]) not in text, f
    for f in kept:  # what the engine keeps visible stays visible
        assert flat(f["text"]) in text, f
    assert "Uitvoeringsorganisatie" in text

    [event] = events(app, dossier_id, "document.release")
    assert event.user_id == user_id(app, names["admin"])
    assert event.after["forced"] is True
    assert event.after["document"] == document_id
    assert event.after["undecided_redacted"] == len(suggested)
    # forcing decides nothing: the suggestions are still open
    assert [f["state"] for f in findings_of(client, tokens["reviewer"], document_id)] == [f["state"] for f in before]
    assert decision_count(app, document_id) == 0


def test_release_after_decisions_removes_accepted_and_keeps_rejected_text(app, client, tokens, names):
    from service.models import Finding

    dossier_id, document_id = fresh_document(app, tokens, names)
    reviewer = auth(tokens["reviewer"])
    findings = findings_of(client, tokens["reviewer"], document_id)
    rejected = next(f for f in findings if f["text"] == "Kaya")
    response = client.post(f"/api/v1/findings/{rejected['id']}/decision", json={"decision": "reject"},
                           headers=reviewer)
    assert response.status_code == 200
    box = word_box(app, document_id, "besproken")
    response = client.post(f"/api/v1/documents/{document_id}/redactions", json={"page": 0, "rect": list(box)},
                           headers=reviewer)
    assert response.status_code == 201
    response = client.post(f"/api/v1/documents/{document_id}/decisions", json={"all": True, "decision": "accept"},
                           headers=reviewer)
    assert response.status_code == 200
    assert response.get_json()["changed"] == sum(f["state"] == "suggested" for f in findings) - 1
    assert client.get(f"/api/v1/documents/{document_id}", headers=reviewer).get_json()["undecided"] == 0

    with configured(app, FOUR_EYES=False):
        response = client.get(f"/api/v1/documents/{document_id}/release.pdf", headers=auth(tokens["officer"]))
    assert response.status_code == 200, response.get_json()
    assert response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    with db_session(app) as session:
        accepted = list(session.scalars(select(Finding.text).where(Finding.document_id == document_id,
                                                                   Finding.state == "accepted")))
    assert len(accepted) >= 5
    for gone in accepted:
        if len(gone.strip()) >= 4:
            assert flat(gone) not in text, gone
    assert "Kaya" in text
    assert "besproken" not in text
    doc = pymupdf.open(stream=response.data, filetype="pdf")
    try:
        left = doc[0].get_text("text", clip=box).strip()
    finally:
        doc.close()
    # nothing of the word is left under the drawn area: at most the ground code the release prints in the box
    assert left in ("", "5.1.2e"), left

    [event] = events(app, dossier_id, "document.release")
    assert event.after["forced"] is False and event.after["undecided_redacted"] == 0
    assert event.after["redacted"] == len(accepted)
    assert event.user_id == user_id(app, names["officer"])


def test_review_pdf_highlights_every_finding(app, client, tokens, shared_document):
    _, document_id = shared_document
    response = client.get(f"/api/v1/documents/{document_id}/review.pdf", headers=auth(tokens["officer"]))
    assert response.status_code == 200, response.get_json()
    assert response.mimetype == "application/pdf"
    assert "nota_minister-review.pdf" in response.headers["Content-Disposition"]
    findings = [f for f in findings_of(client, tokens["officer"], document_id) if f["page"] is not None]
    assert findings
    doc = pymupdf.open(stream=response.data, filetype="pdf")
    try:
        highlights = [(page.number, pymupdf.Rect(a.rect), a.info) for page in doc
                      for a in page.annots(types=[pymupdf.PDF_ANNOT_HIGHLIGHT])]
    finally:
        doc.close()
    # one highlight per finding and page (or one per box, which is at most the number of boxes)
    groups = sum(1 + len(f["more_pages"] or []) for f in findings if f["rects"])
    boxes = sum(len(f["rects"]) + sum(len(p["rects"]) for p in f["more_pages"] or []) for f in findings)
    assert groups <= len(highlights) <= boxes
    for f in findings:
        if not f["rects"]:
            continue
        area = pymupdf.Rect(f["rects"][0])
        matching = [info for page, rect, info in highlights
                    if page == f["page"] and rect.intersects(area) and info["title"].startswith(f["entity"])]
        assert matching, f
        assert f["entity"] in matching[0]["content"]
    assert is_error(client.get("/api/v1/documents/999999/review.pdf", headers=auth(tokens["admin"])), 404)
    assert is_error(client.get(f"/api/v1/documents/{document_id}/review.pdf"), 401)


# --- 5. four-eyes ----------------------------------------------------------------------------------------------

def test_four_eyes_release_needs_an_approval_by_someone_who_did_not_decide(app, client, tokens, names):
    from service.models import Approval

    dossier_id, document_id = fresh_document(app, tokens, names)
    reviewer, admin, officer = auth(tokens["reviewer"]), auth(tokens["admin"]), auth(tokens["officer"])
    release = f"/api/v1/documents/{document_id}/release.pdf"
    approve = f"/api/v1/documents/{document_id}/approve"
    with configured(app, FOUR_EYES=True):
        # nothing to approve while suggestions are open
        assert is_error(client.post(approve, headers=admin), 409)
        response = client.post(f"/api/v1/documents/{document_id}/decisions",
                               json={"all": True, "decision": "accept"}, headers=reviewer)
        assert response.status_code == 200 and response.get_json()["changed"] >= 1

        response = client.get(release, headers=officer)
        assert is_error(response, 409)
        assert "four-eyes" in response.get_json()["error"]
        assert is_error(client.post(approve, headers=reviewer), 409)  # the reviewer decided everything
        assert is_error(client.post(approve, headers=officer), 403)
        assert is_error(client.get(release, headers=officer), 409)
        assert count(app, Approval, Approval.document_id == document_id) == 0

        response = client.post(approve, headers=admin)
        assert response.status_code == 201, response.get_json()
        assert response.get_json() == {"id": document_id, "approved_by": names["admin"]}
        with db_session(app) as session:
            [approval] = session.scalars(select(Approval).where(Approval.document_id == document_id)).all()
            assert approval.user_id == user_id(app, names["admin"])
        [event] = events(app, dossier_id, "document.approve")
        assert event.after == {"document": document_id} and event.user_id == user_id(app, names["admin"])

        response = client.get(release, headers=officer)
        assert response.status_code == 200, response.get_json()
        assert response.mimetype == "application/pdf"

        # a decision after the approval voids it
        finding = findings_of(client, tokens["reviewer"], document_id)[0]
        response = client.post(f"/api/v1/findings/{finding['id']}/decision", json={"decision": "reject"},
                               headers=reviewer)
        assert response.status_code == 200
        response = client.get(release, headers=officer)
        assert is_error(response, 409)
        assert "four-eyes" in response.get_json()["error"]

        # approved again, and then a manual redaction voids it too
        assert client.post(approve, headers=admin).status_code == 201
        assert client.get(release, headers=officer).status_code == 200
        response = client.post(f"/api/v1/documents/{document_id}/redactions", json={"text": "Uitvoeringsorganisatie"},
                               headers=reviewer)
        assert response.status_code == 201
        assert is_error(client.get(release, headers=officer), 409)

    # without four-eyes the same decisions may be released
    with configured(app, FOUR_EYES=False):
        assert client.get(release, headers=officer).status_code == 200


# --- 6. reviewed pages -----------------------------------------------------------------------------------------

def test_reviewed_pages_are_marked_and_unmarked(app, client, tokens, names):
    from service.models import PageReview

    content = pdf_bytes([["Pagina een over het advies."], ["Pagina twee over de planning."]])
    dossier_id, document_id = fresh_document(app, tokens, names, content, "twee paginas.pdf")
    url = f"/api/v1/documents/{document_id}/reviewed-pages"
    reviewer = auth(tokens["reviewer"])

    response = client.post(url, json={"pages": [0]}, headers=reviewer)
    assert response.status_code == 200
    assert response.get_json() == {"reviewed_pages": [0]}
    assert client.get(f"/api/v1/documents/{document_id}", headers=auth(tokens["officer"])).get_json()[
        "reviewed_pages"] == [0]
    with db_session(app) as session:
        [row] = session.scalars(select(PageReview).where(PageReview.document_id == document_id)).all()
        assert (row.page, row.user_id) == (0, user_id(app, names["reviewer"]))
    # marking again changes nothing
    assert client.post(url, json={"pages": [0, 0]}, headers=reviewer).get_json() == {"reviewed_pages": [0]}
    assert client.post(url, json={"pages": [1]}, headers=auth(tokens["admin"])).get_json() == {
        "reviewed_pages": [0, 1]}

    response = client.post(url, json={"pages": [0], "reviewed": False}, headers=reviewer)
    assert response.status_code == 200
    assert response.get_json() == {"reviewed_pages": [1]}
    assert client.get(f"/api/v1/documents/{document_id}", headers=reviewer).get_json()["reviewed_pages"] == [1]
    assert count(app, PageReview, PageReview.document_id == document_id) == 1

    marked = events(app, dossier_id, "page.reviewed")
    assert [(e.after, e.user_id) for e in marked] == [
        ({"document": document_id, "page": 0}, user_id(app, names["reviewer"])),
        ({"document": document_id, "page": 1}, user_id(app, names["admin"]))]
    [unmarked] = events(app, dossier_id, "page.unreviewed")
    assert (unmarked.before, unmarked.after) == ({"document": document_id, "page": 0}, None)

    before = len(events(app, dossier_id))
    for body in ({"pages": [2]}, {"pages": [-1]}, {"pages": [0, 2]}, {"pages": []}, {"pages": "0"},
                 {"pages": [True]}, {"pages": [0.0]}, {}):
        assert is_error(client.post(url, json=body, headers=reviewer), 400), body
    assert is_error(client.post(url, json={"pages": [0]}, headers=auth(tokens["officer"])), 403)
    assert is_error(client.post("/api/v1/documents/999999/reviewed-pages", json={"pages": [0]}, headers=reviewer),
                    404)
    assert len(events(app, dossier_id)) == before
    assert client.get(f"/api/v1/documents/{document_id}", headers=reviewer).get_json()["reviewed_pages"] == [1]


# --- 7. upload limits ------------------------------------------------------------------------------------------

def test_upload_over_the_page_limit_is_413_and_stores_nothing(app, client, tokens, names):
    from service.models import Document

    dossier_id = new_dossier(client, tokens["officer"], names.values())
    one = pdf_bytes([["Een pagina."]])
    two = pdf_bytes([["Eerste pagina."], ["Tweede pagina."]])
    with configured(app, MAX_PAGES=1):
        response = upload(client, tokens["officer"], dossier_id, ("een.pdf", one), ("twee.pdf", two))
        assert is_error(response, 413)
        message = response.get_json()["error"]
        assert "twee.pdf" in message and "2 pages" in message and "1" in message
        assert is_error(upload(client, tokens["officer"], dossier_id, ("twee.pdf", two)), 413)
        assert count(app, Document, Document.dossier_id == dossier_id) == 0
        assert events(app, dossier_id, "document.upload") == []
        # one page is within the limit
        response = upload(client, tokens["officer"], dossier_id, ("een.pdf", one))
        assert response.status_code == 201
    assert count(app, Document, Document.dossier_id == dossier_id) == 1
    wait_for(client, tokens["officer"], response.get_json()[0]["id"])


def test_encrypted_pdf_is_400(app, client, tokens, names):
    from service.models import Document

    doc = pymupdf.open()
    doc.new_page().insert_text((72, 80), "Geheim: Jan Jansen", fontname="helv")
    encrypted = doc.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="x", owner_pw="y")
    doc.close()
    dossier_id = new_dossier(client, tokens["officer"], names.values())
    response = upload(client, tokens["officer"], dossier_id, ("versleuteld.pdf", encrypted))
    assert is_error(response, 400)
    assert "password" in response.get_json()["error"]
    assert count(app, Document, Document.dossier_id == dossier_id) == 0


def test_the_content_decides_not_the_name(app, client, tokens, names):
    """A GIF named .pdf is refused (415); a PNG named .pdf is taken for the scan it is."""
    from service.models import Document

    dossier_id = new_dossier(client, tokens["officer"], names.values())
    response = upload(client, tokens["officer"], dossier_id, ("x.pdf", b"GIF89a\x01\x00\x01\x00 an image"))
    assert is_error(response, 415)
    assert "x.pdf" in response.get_json()["error"]
    assert count(app, Document, Document.dossier_id == dossier_id) == 0
    png = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 8, 8), False).tobytes("png")
    response = upload(client, tokens["officer"], dossier_id, ("x.pdf", png))
    assert response.status_code == 201, response.get_json()
    assert count(app, Document, Document.dossier_id == dossier_id) == 1


@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "..\\..\\windows\\win.pdf", "/etc/passwd.pdf"])
def test_upload_name_with_a_path_is_sanitised(app, client, tokens, names, name):
    from service.models import Document

    dossier_id = new_dossier(client, tokens["officer"], names.values())
    response = upload(client, tokens["officer"], dossier_id, (name, pdf_bytes([["Een brief."]])))
    assert response.status_code == 201, response.get_json()
    [entry] = response.get_json()
    with db_session(app) as session:
        stored = session.get(Document, entry["id"]).filename
    assert "/" not in stored and "\\" not in stored and not stored.startswith(".")
    assert ".." not in stored, stored
    assert stored.endswith(".pdf") and len(stored) > len(".pdf")
    [event] = events(app, dossier_id, "document.upload")
    assert event.after["filename"] == stored
    body = wait_for(client, tokens["officer"], entry["id"])
    assert body["filename"] == stored
    # the original is kept under its hash; no file anywhere in the data folder carries the uploaded name
    data_dir = Path(app.config["DATA_DIR"])
    assert not [p for p in data_dir.rglob("*") if p.name in (stored, Path(name).name) or "passwd" in p.name]


# --- 8. retry --------------------------------------------------------------------------------------------------

def test_a_failed_analysis_is_retried(app, client, tokens, names):
    from service.models import Document, Finding

    dossier_id, document_id = fresh_document(app, tokens, names)
    original = sorted((f["entity"], f["text"]) for f in findings_of(client, tokens["officer"], document_id))
    url = f"/api/v1/documents/{document_id}/retry"

    response = client.post(url, headers=auth(tokens["reviewer"]))  # ready: nothing to retry
    assert is_error(response, 409)

    with db_session(app) as session:
        document = session.get(Document, document_id)
        document.status, document.error = "failed", "The analysis failed unexpectedly (Boom)."
        session.commit()
    assert is_error(client.post(url, headers=auth("not-a-token")), 401)
    response = client.post(url, headers=auth(tokens["reviewer"]))
    assert response.status_code == 202, response.get_json()
    assert response.get_json()["id"] == document_id
    assert response.get_json()["status"] in ("queued", "analyzing", "ready")
    body = wait_for(client, tokens["officer"], document_id)
    assert (body["status"], body["error"]) == ("ready", None)
    again = sorted((f["entity"], f["text"]) for f in findings_of(client, tokens["officer"], document_id))
    assert again == original  # the old findings were replaced, not doubled
    assert count(app, Finding, Finding.document_id == document_id) == len(original)
    [event] = events(app, dossier_id, "document.retry")
    assert event.after == {"document": document_id} and event.user_id == user_id(app, names["reviewer"])

    assert is_error(client.post(url, headers=auth(tokens["reviewer"])), 409)
    assert is_error(client.post("/api/v1/documents/999999/retry", headers=auth(tokens["admin"])), 404)


def test_a_failed_document_with_decisions_is_not_analysed_again(app, client, tokens, names):
    from service.models import Document, Finding

    dossier_id, document_id = fresh_document(app, tokens, names)
    finding = findings_of(client, tokens["reviewer"], document_id)[0]
    assert client.post(f"/api/v1/findings/{finding['id']}/decision", json={"decision": "accept"},
                       headers=auth(tokens["reviewer"])).status_code == 200
    with db_session(app) as session:
        document = session.get(Document, document_id)
        document.status = "failed"
        session.commit()
    before = count(app, Finding, Finding.document_id == document_id)
    response = client.post(f"/api/v1/documents/{document_id}/retry", headers=auth(tokens["officer"]))
    assert is_error(response, 409)
    assert "decisions" in response.get_json()["error"]
    with db_session(app) as session:
        assert session.get(Document, document_id).status == "failed"
    assert count(app, Finding, Finding.document_id == document_id) == before
    assert events(app, dossier_id, "document.retry") == []


# --- 9. decisions by text and "all" --------------------------------------------------------------------------

def test_decide_all_decides_only_open_suggestions_and_may_set_a_ground(app, client, tokens, names):
    from service.models import AuditEvent, Decision, Finding

    dossier_id, document_id = fresh_document(app, tokens, names)
    reviewer = auth(tokens["reviewer"])
    url = f"/api/v1/documents/{document_id}/decisions"
    findings = findings_of(client, tokens["reviewer"], document_id)
    rejected = next(f for f in findings if f["text"] == "Kaya")
    assert rejected["state"] == "suggested"
    assert client.post(f"/api/v1/findings/{rejected['id']}/decision", json={"decision": "reject"},
                       headers=reviewer).status_code == 200
    kept = {f["id"] for f in findings if f["state"] == "kept"}
    open_ids = {f["id"] for f in findings if f["state"] == "suggested"} - {rejected["id"]}
    assert kept and open_ids

    decisions = decision_count(app, document_id)
    response = client.post(url, json={"all": True, "decision": "accept", "ground": "5.1.2i"}, headers=reviewer)
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"changed": len(open_ids), "added": 0}
    assert decision_count(app, document_id) == decisions + len(open_ids)
    with db_session(app) as session:
        rows = {f.id: f for f in session.scalars(select(Finding).where(Finding.document_id == document_id))}
        for fid in open_ids:
            assert (rows[fid].state, rows[fid].ground) == ("accepted", "5.1.2i")
            [decision] = session.scalars(select(Decision).where(Decision.finding_id == fid)).all()
            assert (decision.decision, decision.ground) == ("accept", "5.1.2i")
        assert (rows[rejected["id"]].state, rows[rejected["id"]].ground) == ("rejected", "5.1.2e")
        for fid in kept:
            assert (rows[fid].state, rows[fid].ground) == ("kept", "5.1.2e")
            assert session.scalar(select(func.count()).select_from(Decision).where(Decision.finding_id == fid)) == 0
        accepted_events = session.scalars(select(AuditEvent).where(AuditEvent.dossier_id == dossier_id,
                                                                   AuditEvent.action == "finding.accept")).all()
    assert sorted(e.after["finding"] for e in accepted_events) == sorted(open_ids)
    assert all(e.before["state"] == "suggested" and e.after["ground"] == "5.1.2i" for e in accepted_events)

    # nothing is open any more
    assert client.post(url, json={"all": True, "decision": "reject"}, headers=reviewer).get_json() == {
        "changed": 0, "added": 0}
    assert decision_count(app, document_id) == decisions + len(open_ids)

    # by text, a ground changes findings already in the wanted state; the same ground again changes nothing
    joost = [fid for fid in open_ids if rows[fid].text == "Joost"]
    assert joost
    response = client.post(url, json={"text": "joost", "decision": "accept", "ground": "5.1.2e"}, headers=reviewer)
    assert response.get_json() == {"changed": len(joost), "added": 0}
    with db_session(app) as session:
        assert all(session.get(Finding, fid).ground == "5.1.2e" for fid in joost)
    response = client.post(url, json={"text": "joost", "decision": "accept", "ground": "5.1.2e"}, headers=reviewer)
    assert response.get_json() == {"changed": 0, "added": 0}

    # an unknown ground is refused and changes nothing
    before = (decision_count(app, document_id), len(events(app, dossier_id)))
    for body in ({"all": True, "decision": "accept", "ground": "9.9.9z"},
                 {"text": "Kaya", "decision": "accept", "ground": "9.9.9z"}):
        response = client.post(url, json=body, headers=reviewer)
        assert is_error(response, 400)
        assert "9.9.9z" in response.get_json()["error"]
    assert before == (decision_count(app, document_id), len(events(app, dossier_id)))
    with db_session(app) as session:
        assert session.get(Finding, rejected["id"]).state == "rejected"
