"""Nothing is lost under load: parallel uploads and parallel decisions, over real HTTP, on SQLite and PostgreSQL.

The app is served by waitress (16 worker threads) in a background thread and every request comes from a thread of
its own, released together by a barrier, so requests really overlap in the service and in the database.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from service_helpers import db_session

UPLOADS = 20
DECISIONS = 200
SAME_FINDING = 10
READY_TIMEOUT = 180.0  # seconds, for all uploaded documents together

# fictitious people; each document names a few of them, so the engine finds several spans per document
PEOPLE = [
    ("Jan", "de Vries"), ("Pieter", "Bakker"), ("Anna", "Jansen"), ("Kees", "Visser"), ("Marieke", "Smit"),
    ("Henk", "Mulder"), ("Sanne", "de Boer"), ("Willem", "Dekker"), ("Lotte", "Brouwer"), ("Joost", "van Dijk"),
    ("Femke", "Hendriks"), ("Bram", "Vermeulen"), ("Ineke", "Peters"), ("Ruud", "Kuipers"), ("Eva", "van Leeuwen"),
    ("Gerrit", "Bos"), ("Nienke", "Vos"), ("Daan", "Koster"), ("Sophie", "Meijer"), ("Tom", "de Groot"),
]


# --- a real server ------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def server(app):
    """The app behind waitress on a free port, in a daemon thread; yields (host, port)."""
    import waitress

    srv = waitress.create_server(app, host="127.0.0.1", port=0, threads=16, connection_limit=512, backlog=1024)
    thread = threading.Thread(target=srv.run, name="waitress-concurrency", daemon=True)
    thread.start()
    yield srv.effective_host, srv.effective_port
    srv.close()
    thread.join(timeout=10)


class Reply:
    def __init__(self, status: int, body: bytes):
        self.status = status
        self.body = body

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def __repr__(self):
        return f"Reply({self.status}, {self.body[:500]!r})"


def call(address, method: str, path: str, token: str, body: bytes | None = None, content_type: str | None = None,
         barrier: threading.Barrier | None = None) -> Reply:
    """One HTTP request on a connection of its own; with ``barrier``, connect first, then wait, then send."""
    conn = http.client.HTTPConnection(*address, timeout=120)
    try:
        conn.connect()
        headers = {"Authorization": f"Bearer {token}", "Connection": "close"}
        if content_type:
            headers["Content-Type"] = content_type
        if barrier is not None:
            barrier.wait(timeout=60)
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return Reply(response.status, response.read())
    finally:
        conn.close()


def call_json(address, method, path, token, payload=None, barrier=None) -> Reply:
    body = None if payload is None else json.dumps(payload).encode("utf-8")
    return call(address, method, path, token, body, "application/json" if body is not None else None, barrier)


def multipart(filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = f"----woo-{uuid.uuid4().hex}"
    body = (f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            f"Content-Type: application/pdf\r\n\r\n").encode("ascii")
    body += content + f"\r\n--{boundary}--\r\n".encode("ascii")
    return body, f"multipart/form-data; boundary={boundary}"


def in_parallel(jobs):
    """Run each job(barrier) in its own thread, all released at once; return the results in order."""
    barrier = threading.Barrier(len(jobs))
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        futures = [pool.submit(job, barrier) for job in jobs]
        return [f.result() for f in futures]



def user_name(app, token: str) -> str:
    from service.models import User

    with db_session(app) as session:
        return session.scalar(select(User.name).where(User.token_hash == User.hash_token(token)))


# --- the documents -----------------------------------------------------------------------------------------------

def letter(number: int) -> bytes:
    """A one-page Dutch letter, different for every ``number``, naming four fictitious people."""
    import pymupdf

    people = [PEOPLE[(number + k * 7) % len(PEOPLE)] for k in range(4)]
    lines = [f"Gemeente Voorbeeld, kenmerk WOO-2026-{1000 + number}", "", "Geachte heer, mevrouw,", ""]
    for k, (first, last) in enumerate(people):
        mail = f"{first[0].lower()}.{last.replace(' ', '').lower()}{number}@example.nl"
        phone = f"06-{12345600 + number * 10 + k}"
        lines.append(f"Contactpersoon {first} {last} is bereikbaar via {mail}")
        lines.append(f"of telefonisch op {phone}.")
    lines += ["", f"Dit is brief nummer {number} over het verzoek om informatie.", "Met vriendelijke groet,"]
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 72), "\n".join(lines), fontsize=11)
    try:
        return doc.tobytes()
    finally:
        doc.close()


@pytest.fixture(scope="module")
def upload_run(app, tokens, server):
    """A dossier, then 20 uploads at once (the last two byte-identical); waits until they are no longer queued."""
    officer = tokens["officer"]
    reply = call_json(server, "POST", "/api/v1/dossiers", officer,
                      {"title": "Gelijktijdige uploads", "case_number": "WOO-2026-CONC"})
    assert reply.status == 201, reply
    dossier_id = reply.json()["id"]
    # a reviewer sees only the dossiers they were added to (admins see all); older versions had no members
    reviewer = user_name(app, tokens["reviewer"])
    reply = call_json(server, "POST", f"/api/v1/dossiers/{dossier_id}/members", officer, {"user": reviewer})
    assert reply.status in (201, 404, 405), reply

    contents = [letter(n) for n in range(UPLOADS - 1)]
    contents.append(contents[-1])  # one pair of byte-identical uploads
    names = [f"brief {n:02d}.pdf" for n in range(UPLOADS)]

    def job(n):
        body, content_type = multipart(names[n], contents[n])
        return lambda barrier: call(server, "POST", f"/api/v1/dossiers/{dossier_id}/documents", officer, body,
                                    content_type, barrier)

    started = time.monotonic()
    replies = in_parallel([job(n) for n in range(UPLOADS)])

    ids = []
    for reply in replies:
        if reply.status == 201:
            ids.extend(entry["id"] for entry in reply.json())
    statuses = {}
    deadline = time.monotonic() + READY_TIMEOUT
    pending = set(ids)
    while pending and time.monotonic() < deadline:
        for document_id in sorted(pending):
            reply = call_json(server, "GET", f"/api/v1/documents/{document_id}", officer)
            assert reply.status == 200, reply
            statuses[document_id] = reply.json()
            if statuses[document_id]["status"] in ("ready", "failed"):
                pending.discard(document_id)
        if pending:
            time.sleep(0.2)
    return {"dossier": dossier_id, "contents": contents, "names": names, "replies": replies, "ids": ids,
            "statuses": statuses, "seconds": time.monotonic() - started}


# --- 20 parallel uploads -------------------------------------------------------------------------------------------

def test_twenty_parallel_uploads_lose_nothing(app, tokens, server, upload_run):
    import hashlib

    from service.models import AuditEvent, Document
    from service.storage import file_path

    replies, dossier_id = upload_run["replies"], upload_run["dossier"]
    assert [r.status for r in replies] == [201] * UPLOADS, [r for r in replies if r.status != 201]
    assert all(len(r.json()) == 1 for r in replies)
    ids = upload_run["ids"]
    assert len(ids) == UPLOADS and len(set(ids)) == UPLOADS

    # every document reaches ready, with its pages counted
    statuses = upload_run["statuses"]
    not_ready = {i: statuses.get(i) for i in ids if (statuses.get(i) or {}).get("status") != "ready"}
    assert not not_ready, f"not ready after {READY_TIMEOUT:.0f} s: {not_ready}"
    assert all(statuses[i]["pages"] == 1 and statuses[i]["error"] is None for i in ids)

    # the database holds exactly these documents in the dossier, each with the content that was sent
    digests = [hashlib.sha256(c).hexdigest() for c in upload_run["contents"]]
    assert len(set(digests)) == UPLOADS - 1  # the last two are the same bytes
    by_reply = {reply.json()[0]["id"]: n for n, reply in enumerate(replies)}
    with db_session(app) as session:
        documents = session.scalars(select(Document).where(Document.dossier_id == dossier_id)).all()
        assert sorted(d.id for d in documents) == sorted(ids)
        for document in documents:
            n = by_reply[document.id]
            assert document.sha256 == digests[n]
            assert document.filename == upload_run["names"][n].replace(" ", "_")
            stored = file_path(app.config["DATA_DIR"], document.sha256)
            assert stored.is_file()
            assert stored.read_bytes() == upload_run["contents"][n]
        assert len({d.sha256 for d in documents}) == UPLOADS - 1
        # no half-written temporary files are left next to the stored ones
        leftovers = list((app.config["DATA_DIR"] / "files").rglob(".upload-*"))
        assert leftovers == []
        db_events = session.scalars(select(AuditEvent).where(AuditEvent.dossier_id == dossier_id,
                                                             AuditEvent.action == "document.upload")).all()
        assert sorted(e.after["document"] for e in db_events) == sorted(ids)

    # the audit trail, as the API shows it: exactly one upload event per document
    reply = call_json(server, "GET", f"/api/v1/dossiers/{dossier_id}/audit", tokens["officer"])
    assert reply.status == 200, reply
    uploads = [e for e in reply.json() if e["action"] == "document.upload"]
    assert Counter(e["after"]["document"] for e in uploads) == Counter(ids)
    for event in uploads:
        n = by_reply[event["after"]["document"]]
        assert event["after"]["sha256"] == digests[n]
        assert event["who"] is not None and event["who"].startswith("officer-")

    # the two byte-identical uploads are two documents on one stored file, both analysed
    twin_a, twin_b = (replies[-2].json()[0]["id"], replies[-1].json()[0]["id"])
    findings_a = call_json(server, "GET", f"/api/v1/documents/{twin_a}/findings", tokens["reviewer"]).json()
    findings_b = call_json(server, "GET", f"/api/v1/documents/{twin_b}/findings", tokens["reviewer"]).json()
    assert findings_a and [(f["entity"], f["text"]) for f in findings_a] == \
        [(f["entity"], f["text"]) for f in findings_b]


# --- 200 parallel decisions ------------------------------------------------------------------------------------

def add_findings(app, document_id: int, count: int, label: str) -> list[int]:
    from service.models import Finding

    with db_session(app) as session:
        findings = [Finding(document_id=document_id, entity="PERSON", text=f"{label} {k}", page=0,
                            rects=[[10, 10, 50, 20]], ground="5.1.2e", score=0.9, state="suggested")
                    for k in range(count)]
        session.add_all(findings)
        session.commit()
        return [f.id for f in findings]


def test_two_hundred_parallel_decisions_lose_nothing(app, tokens, server, upload_run):
    from service.models import AuditEvent, Decision, Finding, User

    dossier_id, ids = upload_run["dossier"], upload_run["ids"]
    assert ids, "the uploads gave no documents"
    reviewer = tokens["reviewer"]

    # the findings the engine stored, topped up through the ORM to 200 when there are fewer
    found = []
    for document_id in ids:
        reply = call_json(server, "GET", f"/api/v1/documents/{document_id}/findings", reviewer)
        assert reply.status == 200, reply
        found.extend(f["id"] for f in reply.json())
    assert found, "the analysis found nothing in the uploaded letters"
    targets = found[:DECISIONS]
    if len(targets) < DECISIONS:
        targets += add_findings(app, ids[0], DECISIONS - len(targets), "Extra Persoon")
    assert len(set(targets)) == DECISIONS

    with db_session(app) as session:
        states_before = {f.id: (f.state, f.ground) for f in
                         session.scalars(select(Finding).where(Finding.id.in_(targets)))}
        assert not session.scalars(select(Decision).where(Decision.finding_id.in_(targets))).first()
        events_before = {e.id for e in session.scalars(select(AuditEvent).where(AuditEvent.dossier_id == dossier_id))}

    plan = {}
    for k, finding_id in enumerate(targets):
        role = "admin" if k % 5 == 0 else "reviewer"
        # one occurrence each: this test is about locking, not about consistency across occurrences
        payload = {"decision": "accept" if k % 2 == 0 else "reject", "only_this": True}
        if k % 7 == 0:
            payload["ground"] = "5.1.2i"
        if k % 3 == 0:
            payload["comment"] = f"Besluit {k} in de gelijktijdige ronde."
        plan[finding_id] = (role, payload)

    def job(finding_id):
        role, payload = plan[finding_id]
        return lambda barrier: call_json(server, "POST", f"/api/v1/findings/{finding_id}/decision", tokens[role],
                                         payload, barrier)

    replies = in_parallel([job(f) for f in targets])
    failed = {f: r for f, r in zip(targets, replies) if r.status != 200}
    assert not failed, f"{len(failed)} of {DECISIONS} decisions did not answer 200: {list(failed.items())[:5]}"
    state_of = {"accept": "accepted", "reject": "rejected"}
    for finding_id, reply in zip(targets, replies):
        body = reply.json()
        assert body["id"] == finding_id and body["state"] == state_of[plan[finding_id][1]["decision"]]

    with db_session(app) as session:
        role_of_user = {u.id: u.role for u in session.scalars(select(User))}
        decisions = session.scalars(select(Decision).where(Decision.finding_id.in_(targets))).all()
        per_finding = Counter(d.finding_id for d in decisions)
        assert per_finding == Counter(targets), "every finding has exactly one decision"
        findings = {f.id: f for f in session.scalars(select(Finding).where(Finding.id.in_(targets)))}
        for decision in decisions:
            role, payload = plan[decision.finding_id]
            expected_ground = payload.get("ground", states_before[decision.finding_id][1])
            assert decision.decision == payload["decision"]
            assert decision.ground == expected_ground
            assert decision.comment == payload.get("comment")
            assert role_of_user[decision.user_id] == role
            finding = findings[decision.finding_id]
            assert (finding.state, finding.ground) == (state_of[payload["decision"]], expected_ground)

        new_events = [e for e in session.scalars(select(AuditEvent).where(AuditEvent.dossier_id == dossier_id))
                      if e.id not in events_before]
        assert all(e.action in ("finding.accept", "finding.reject") for e in new_events), \
            Counter(e.action for e in new_events)
        assert Counter(e.after["finding"] for e in new_events) == Counter(targets)

    # the audit trail, as the API shows it: one event per finding, with the right action and states
    reply = call_json(server, "GET", f"/api/v1/dossiers/{dossier_id}/audit", reviewer)
    assert reply.status == 200, reply
    events = [e for e in reply.json() if e["action"] in ("finding.accept", "finding.reject")]
    assert Counter(e["after"]["finding"] for e in events) == Counter(targets)
    for event in events:
        finding_id = event["after"]["finding"]
        role, payload = plan[finding_id]
        assert event["action"] == f"finding.{payload['decision']}"
        assert event["before"] == {"finding": finding_id, "state": states_before[finding_id][0],
                                   "ground": states_before[finding_id][1]}
        assert event["after"]["state"] == state_of[payload["decision"]]
        assert event["after"].get("comment") == payload.get("comment")
        assert event["who"].startswith(f"{role}-")


def decide_one_finding_at_once(app, tokens, server, dossier_id, document_id):
    """SAME_FINDING threads decide one new finding at once (accept and reject mixed); returns its id, the plan,
    the replies, its decisions and its audit events (both in id order)."""
    from service.models import AuditEvent, Decision

    [finding_id] = add_findings(app, document_id, 1, "Gedeelde Persoon")
    plan = [("admin" if k % 4 == 0 else "reviewer", {"decision": "accept" if k % 2 == 0 else "reject",
                                                      "comment": f"draad {k}"}) for k in range(SAME_FINDING)]

    def job(role, payload):
        return lambda barrier: call_json(server, "POST", f"/api/v1/findings/{finding_id}/decision", tokens[role],
                                         payload, barrier)

    replies = in_parallel([job(role, payload) for role, payload in plan])
    with db_session(app) as session:
        decisions = session.scalars(select(Decision).where(Decision.finding_id == finding_id)
                                    .order_by(Decision.id)).all()
        events = [e for e in session.scalars(select(AuditEvent).where(AuditEvent.dossier_id == dossier_id)
                                             .order_by(AuditEvent.id))
                  if e.action in ("finding.accept", "finding.reject") and e.after["finding"] == finding_id]
    return finding_id, plan, replies, decisions, events


def test_many_decisions_on_one_finding_at_once_are_all_kept(app, tokens, server, upload_run):
    dossier_id, ids = upload_run["dossier"], upload_run["ids"]
    assert ids, "the uploads gave no documents"
    finding_id, plan, replies, decisions, events = decide_one_finding_at_once(app, tokens, server, dossier_id, ids[0])

    assert [r.status for r in replies] == [200] * SAME_FINDING, [r for r in replies if r.status != 200]
    assert len(decisions) == SAME_FINDING
    assert sorted((d.decision, d.comment) for d in decisions) == \
        sorted((p["decision"], p["comment"]) for _, p in plan)
    assert len(events) == SAME_FINDING
    assert sorted((e.action, e.after["comment"]) for e in events) == \
        sorted((f"finding.{p['decision']}", p["comment"]) for _, p in plan)

    reply = call_json(server, "GET", f"/api/v1/dossiers/{dossier_id}/audit", tokens["reviewer"])
    assert reply.status == 200, reply
    shown = [e for e in reply.json() if e["action"] in ("finding.accept", "finding.reject")
             and e["after"]["finding"] == finding_id]
    assert len(shown) == SAME_FINDING


def test_decisions_on_one_finding_at_once_are_applied_one_after_the_other(app, tokens, server, upload_run):
    """The finding shows the last decision, and each audit event starts from the state the previous one left.

    Five rounds, since a race shows itself only now and then.
    """
    from service.models import Finding

    dossier_id, ids = upload_run["dossier"], upload_run["ids"]
    assert ids, "the uploads gave no documents"
    state_of = {"accept": "accepted", "reject": "rejected"}
    problems = []
    for _ in range(5):
        finding_id, _plan, replies, decisions, events = decide_one_finding_at_once(app, tokens, server, dossier_id,
                                                                                   ids[0])
        assert [r.status for r in replies] == [200] * SAME_FINDING, [r for r in replies if r.status != 200]
        assert len(decisions) == len(events) == SAME_FINDING
        with db_session(app) as session:
            state = session.get(Finding, finding_id).state
        if state != state_of[decisions[-1].decision]:
            problems.append(f"finding {finding_id} is {state} but its last decision is {decisions[-1].decision}")
        chain = [(e.before["state"], e.after["state"]) for e in events]
        if [before for before, _ in chain] != ["suggested"] + [after for _, after in chain[:-1]]:
            problems.append(f"finding {finding_id}: audit trail (before, after) in order: {chain}")
    assert not problems, "\n".join(problems)
