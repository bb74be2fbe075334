"""The JSON API, version 1, described by ``/api/v1/openapi.json``.

Every endpoint authenticates (bearer token, or the web session with its CSRF token), checks the role and
checks that the caller may see the dossier; errors are one sentence in ``{"error": ...}``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date

from flask import Blueprint, Response, current_app, g, jsonify, request, send_file
from sqlalchemy import select
from werkzeug.exceptions import RequestEntityTooLarge

from . import consistency, exports, packages, review
from .auth import db, may_see, require, visible_dossier_ids
from .intake import accept_uploads
from .models import AuditEvent, Document, Dossier, DossierMember, Finding, Job, User
from .review import ReviewError, audit
from .storage import file_path

api = Blueprint("api", __name__, url_prefix="/api/v1")

MAX_TITLE = 300
MAX_CASE_NUMBER = 100
MAX_COMMENT = 2000
MAX_TEXT = 500
EDITORS = ("officer", "admin")  # create dossiers, upload, manage members
DECIDERS = ("reviewer", "admin")  # decide findings, add redactions, approve


def error_response(code: int, message: str):
    return jsonify(error=message), code


# --- looking things up, with the caller's right to see them ----------------------------------------------

def visible_dossier(dossier_id: int) -> Dossier:
    dossier = db().get(Dossier, dossier_id)
    if dossier is None or not may_see(g.user, dossier.id):
        raise ReviewError(404, f"There is no dossier {dossier_id}.", f"Dossier {dossier_id} bestaat niet.")
    return dossier


def visible_document(document_id: int) -> Document:
    document = db().get(Document, document_id)
    if document is None or not may_see(g.user, document.dossier_id):
        raise ReviewError(404, f"There is no document {document_id}.", f"Document {document_id} bestaat niet.")
    return document


def visible_finding(finding_id: int, lock: bool = False) -> Finding:
    query = select(Finding).where(Finding.id == finding_id)
    if lock:
        query = query.with_for_update()
    finding = db().scalar(query)
    if finding is None or not may_see(g.user, finding.document.dossier_id):
        raise ReviewError(404, f"There is no finding {finding_id}.", f"Bevinding {finding_id} bestaat niet.")
    return finding


# --- reading the request ---------------------------------------------------------------------------------

def json_body() -> dict:
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if request.content_length is not None and limit and request.content_length > limit:
        raise ReviewError(413, f"The request body is larger than the limit of {limit // (1024 * 1024)} MB.",
                          f"De inhoud van het verzoek is groter dan de limiet van {limit // (1024 * 1024)} MB.")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ReviewError(400, "The request body must be a JSON object.",
                          "De inhoud van het verzoek moet een JSON-object zijn.")
    return body


def text_field(body: dict, name: str, limit: int, required: bool = True) -> str | None:
    value = body.get(name)
    if not required and (value is None or (isinstance(value, str) and not value.strip())):
        return None
    if not isinstance(value, str) or not value.strip():
        raise ReviewError(400, f"The field {name!r} must be a non-empty text.",
                          f"Het veld {name!r} moet een tekst bevatten; het mag niet leeg zijn.")
    value = value.strip()
    if len(value) > limit:
        raise ReviewError(400, f"The field {name!r} is longer than {limit} characters.",
                          f"Het veld {name!r} is langer dan {limit} tekens.")
    return value


def flag_field(body: dict, name: str, default: bool = False) -> bool:
    value = body.get(name, default)
    if not isinstance(value, bool):
        raise ReviewError(400, f"The field {name!r} must be true or false.",
                          f"Het veld {name!r} moet true (ja) of false (nee) zijn.")
    return value


def date_field(body: dict, name: str) -> date | None:
    value = body.get(name)
    if value in (None, ""):
        return None
    try:
        if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise ReviewError(400, f"The field {name!r} must be a date written as YYYY-MM-DD.",
                          f"Het veld {name!r} moet een datum zijn, geschreven als JJJJ-MM-DD.") from None


# --- what the API returns --------------------------------------------------------------------------------

def dossier_json(dossier: Dossier, with_documents: bool = False) -> dict:
    data = {"id": dossier.id, "title": dossier.title, "case_number": dossier.case_number,
            "received_on": dossier.received_on.isoformat() if dossier.received_on else None,
            "deadline": dossier.deadline.isoformat() if dossier.deadline else None,
            "members": [m.name for m in dossier.members]}
    if with_documents:
        data["documents"] = [document_json(d) for d in dossier.documents]
    return data


def document_json(document: Document) -> dict:
    return {"id": document.id, "dossier_id": document.dossier_id, "filename": document.filename,
            "status": document.status, "pages": document.pages, "error": document.error,
            "path": document.path, "job_id": document.job_id,
            "date": document.doc_date.isoformat() if document.doc_date else None,
            "duplicate_of": document.duplicate_of, "duplicate_kind": document.duplicate_kind,
            "similarity": document.similarity, "family_id": document.family_id, "thread_id": document.thread_id}


def finding_json(f: Finding) -> dict:
    return {"id": f.id, "entity": f.entity, "text": f.text, "page": f.page, "rects": f.rects,
            "more_pages": f.more_pages, "ground": f.ground, "score": f.score, "state": f.state,
            "reason": f.reason}


# --- dossiers --------------------------------------------------------------------------------------------

@api.get("/openapi.json")
def openapi():
    from .openapi import document

    return jsonify(document())


def create_dossier_from(body: dict, user: User) -> Dossier:
    dossier = Dossier(title=text_field(body, "title", MAX_TITLE),
                      case_number=text_field(body, "case_number", MAX_CASE_NUMBER),
                      received_on=date_field(body, "received_on"), deadline=date_field(body, "deadline"),
                      created_by=user.id)
    session = db()
    session.add(dossier)
    session.flush()
    session.add(DossierMember(dossier_id=dossier.id, user_id=user.id))
    audit(session, user, dossier.id, "dossier.create", None,
          {"title": dossier.title, "case_number": dossier.case_number,
           "received_on": body.get("received_on") or None, "deadline": body.get("deadline") or None})
    return dossier


@api.post("/dossiers")
@require(*EDITORS)
def create_dossier():
    dossier = create_dossier_from(json_body(), g.user)
    db().commit()
    return jsonify(id=dossier.id), 201


def visible_dossiers() -> list[Dossier]:
    """The dossiers the caller may see, newest first."""
    query = select(Dossier).order_by(Dossier.id.desc())
    visible = visible_dossier_ids(g.user)
    if visible is not None:
        query = query.where(Dossier.id.in_(visible))
    return list(db().scalars(query))


@api.get("/dossiers")
@require()
def list_dossiers():
    return jsonify([dossier_json(d) for d in visible_dossiers()])


@api.get("/dossiers/<int:dossier_id>")
@require()
def get_dossier(dossier_id: int):
    return jsonify(dossier_json(visible_dossier(dossier_id), with_documents=True))


def add_member_to(dossier: Dossier, name: str, user: User) -> User:
    session = db()
    member = session.scalar(select(User).where(User.name == name))
    if member is None:
        raise ReviewError(400, f"There is no user named {name!r}.", f"Er is geen gebruiker met de naam {name!r}.")
    if session.get(DossierMember, (dossier.id, member.id)) is None:
        session.add(DossierMember(dossier_id=dossier.id, user_id=member.id))
        audit(session, user, dossier.id, "dossier.member_add", None, {"user": member.name, "role": member.role})
    return member


@api.post("/dossiers/<int:dossier_id>/members")
@require(*EDITORS)
def add_member(dossier_id: int):
    dossier = visible_dossier(dossier_id)
    member = add_member_to(dossier, text_field(json_body(), "user", 100), g.user)
    db().commit()
    return jsonify(user=member.name, role=member.role), 201


# --- documents -------------------------------------------------------------------------------------------

def uploaded_files():
    try:
        return request.files.getlist("file")
    except RequestEntityTooLarge:
        raise ReviewError(413, f"The upload is larger than the limit of "
                               f"{current_app.config['MAX_CONTENT_LENGTH'] // (1024 * 1024)} MB.",
                          f"De upload is groter dan de limiet van "
                          f"{current_app.config['MAX_CONTENT_LENGTH'] // (1024 * 1024)} MB.") from None


def upload_into(dossier: Dossier) -> list[Document]:
    documents = accept_uploads(db(), g.user, dossier, uploaded_files(), current_app.config["DATA_DIR"],
                               current_app.config["MAX_PAGES"])
    db().commit()
    analyser = current_app.extensions["woo_redact"]["analyser"]
    for document in documents:
        analyser.submit(document.id)
    return documents


@api.post("/dossiers/<int:dossier_id>/documents")
@require(*EDITORS)
def upload_documents(dossier_id: int):
    documents = upload_into(visible_dossier(dossier_id))
    return jsonify([{"id": d.id, "status": d.status} for d in documents]), 201


@api.get("/documents/<int:document_id>")
@require()
def get_document(document_id: int):
    document = visible_document(document_id)
    data = document_json(document)
    data["reviewed_pages"] = review.reviewed_pages(db(), document)
    data["undecided"] = review.undecided(db(), document)
    return jsonify(data)


def retry_analysis(document: Document) -> None:
    if document.status != "failed":
        raise ReviewError(409, f"Document {document.id} is {document.status}; only a failed analysis is retried.",
                          f"Document {document.id} heeft de status {document.status}; alleen een mislukte analyse "
                          "wordt opnieuw gestart.")
    session = db()
    for finding in document.findings:
        if finding.recognizer == "manual" or finding.decisions:
            raise ReviewError(409, f"Document {document.id} already has decisions; it is not analysed again.",
                              f"Document {document.id} heeft al besluiten; het wordt niet opnieuw geanalyseerd.")
    for finding in list(document.findings):
        session.delete(finding)
    document.status, document.error = "queued", None
    audit(session, g.user, document.dossier_id, "document.retry", None, {"document": document.id})
    session.commit()
    current_app.extensions["woo_redact"]["analyser"].submit(document.id)


@api.post("/documents/<int:document_id>/retry")
@require(*EDITORS, "reviewer")
def retry(document_id: int):
    document = visible_document(document_id)
    retry_analysis(document)
    return jsonify(id=document.id, status=document.status), 202


@api.get("/documents/<int:document_id>/findings")
@require()
def list_findings(document_id: int):
    visible_document(document_id)
    findings = db().scalars(select(Finding).where(Finding.document_id == document_id).order_by(Finding.id))
    return jsonify([finding_json(f) for f in findings])


# --- decisions -------------------------------------------------------------------------------------------

@api.post("/findings/<int:finding_id>/decision")
@require(*DECIDERS)
def decide(finding_id: int):
    finding = visible_finding(finding_id, lock=True)
    body = json_body()
    # "only_this": decide this occurrence alone; by default the dossier's open suggestions of the same
    # text follow (one name, one decision).
    decision = review.check_decision(body.get("decision"))
    followed = review.decide(db(), g.user, finding, decision, text_field(body, "ground", 40, required=False),
                             text_field(body, "comment", MAX_COMMENT, False),
                             follow=not flag_field(body, "only_this"))
    added = cover_accepted(finding.document, decision)
    db().commit()
    return jsonify(id=finding.id, state=finding.state, ground=finding.ground, followed=followed,
                   added=len(added)), 200


def cover_accepted(document: Document, decision: str) -> list[Finding]:
    """After an accept: the places in ``document`` where a text it now redacts stands without a finding of
    its own become suggestions at once (they would otherwise first show up when the release is asked for)."""
    if decision != "accept":
        return []
    return consistency.cover_and_audit(db(), current_app.config["DATA_DIR"], g.user, document)


@api.post("/documents/<int:document_id>/decisions")
@require(*DECIDERS)
def decide_by_text(document_id: int):
    document = visible_document(document_id)
    body = json_body()
    changed = review.decide_many(db(), g.user, document, review.check_decision(body.get("decision")),
                                 text=text_field(body, "text", MAX_TEXT, required=not flag_field(body, "all")),
                                 scope=body.get("scope", "document"),
                                 ground=text_field(body, "ground", 40, required=False),
                                 comment=text_field(body, "comment", MAX_COMMENT, required=False))
    added = cover_accepted(document, body.get("decision"))
    db().commit()
    return jsonify(changed=changed, added=len(added)), 200


@api.post("/documents/<int:document_id>/redactions")
@require(*DECIDERS)
def add_redaction(document_id: int):
    document = visible_document(document_id)
    body = json_body()
    ground = text_field(body, "ground", 40, required=False)
    comment = text_field(body, "comment", MAX_COMMENT, required=False)
    data_dir = current_app.config["DATA_DIR"]
    if "text" in body:
        findings = review.add_manual_text(db(), g.user, document, data_dir, text_field(body, "text", MAX_TEXT),
                                          ground, comment)
    elif "rect" in body:
        findings = [review.add_manual_rect(db(), g.user, document, data_dir, body.get("page"), body.get("rect"),
                                           flag_field(body, "words"), ground, comment)]
    else:
        raise ReviewError(400, "Send {\"page\", \"rect\"} for an area or {\"text\"} for every occurrence of a text.",
                          "Stuur {\"page\", \"rect\"} voor een vlak of {\"text\"} voor elke vindplaats van "
                          "een tekst.")
    db().commit()
    return jsonify([finding_json(f) for f in findings]), 201


@api.post("/documents/<int:document_id>/reviewed-pages")
@require(*DECIDERS)
def mark_pages(document_id: int):
    document = visible_document(document_id)
    body = json_body()
    pages = body.get("pages")
    if not isinstance(pages, list) or not pages:
        raise ReviewError(400, "The field 'pages' must be a list of page numbers (0-based).",
                          "Het veld 'pages' moet een lijst met paginanummers zijn (de eerste pagina is 0).")
    reviewed = review.mark_pages(db(), g.user, document, pages, flag_field(body, "reviewed", True))
    db().commit()
    return jsonify(reviewed_pages=reviewed), 200


@api.post("/documents/<int:document_id>/approve")
@require(*DECIDERS)
def approve(document_id: int):
    document = visible_document(document_id)
    review.approve(db(), g.user, document)
    db().commit()
    return jsonify(id=document.id, approved_by=g.user.name), 201


# --- exports ---------------------------------------------------------------------------------------------

def review_pdf(document: Document):
    review.require_ready(document)
    path = exports.write_review(current_app.config["DATA_DIR"], document, list(document.findings))
    return _pdf(path, document, "review")


def release_pdf(document: Document, force: bool):
    """The verified release: 409 while suggestions are open (an admin may force), or without four-eyes approval."""
    from redaction.errors import RedactionError

    session = db()
    review.require_ready(document)
    added = consistency.cover_for_release(session, current_app.config["DATA_DIR"], g.user, [document])
    open_count = review.undecided(session, document)
    if force and open_count and g.user.role != "admin":
        raise ReviewError(403, "Only an admin may force a release while suggestions are undecided.",
                          "Alleen een beheerder mag een openbaarmaking forceren zolang er nog voorstellen "
                          "zonder besluit zijn.")
    blockers = []  # (English, Dutch)
    if open_count and not force:
        blockers.append(consistency.undecided_blocker(open_count, added))
    if current_app.config["FOUR_EYES"] and review.valid_approval(session, document) is None:
        blockers.append(("a second reviewer has not approved the decisions (four-eyes)",
                         "een tweede beoordelaar heeft de besluiten nog niet goedgekeurd (vier-ogenprincipe)"))
    if blockers:
        raise ReviewError(409, f"The release of document {document.id} is not possible yet: "
                               f"{'; '.join(e for e, _ in blockers)}.",
                          f"De openbare versie van document {document.id} kan nog niet worden gemaakt: "
                          f"{'; '.join(nl for _, nl in blockers)}.")
    forced = bool(force and open_count)
    try:
        path, warnings, boxes = exports.write_release(current_app.config["DATA_DIR"], document,
                                                      list(document.findings), include_suggested=forced)
    except RedactionError as exc:
        # the engine names the file by its path; the caller knows it by its name
        reason = str(exc).replace(str(file_path(current_app.config["DATA_DIR"], document.sha256)), document.filename)
        dutch = reason  # the engine's sentence is English; what the service adds to it is said in Dutch too
        readable = getattr(getattr(exc, "report", None), "readable", None) or getattr(exc, "readable", None)
        if readable:  # the reviewer may see the text; the engine's own message never names it
            text, where = readable[0]
            reason += f" (the redacted text '{text}' can still be read in {where})"
            dutch += f" (de gelakte tekst '{text}' is nog leesbaar in {where})"
        audit(session, g.user, document.dossier_id, "document.release_failed", None,
              {"document": document.id, "error": reason})
        session.commit()
        raise ReviewError(422, f"No verified release could be made: {reason}",
                          f"Er kon geen geverifieerde openbare versie worden gemaakt: {dutch}") from None
    audit(session, g.user, document.dossier_id, "document.release", None,
          {"document": document.id, "redacted": boxes, "forced": forced,
           "undecided_redacted": open_count if forced else 0, "warnings": warnings})
    session.commit()
    return _pdf(path, document, "openbaar")


def _pdf(path, document: Document, label: str):
    stem = document.filename[:-4] if document.filename.lower().endswith(".pdf") else document.filename
    response = send_file(path, mimetype="application/pdf", as_attachment=True,
                         download_name=f"{stem}-{label}.pdf", max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response


def truthy(value: str | None) -> bool:
    return (value or "").lower() in ("1", "true", "yes", "ja")


@api.get("/documents/<int:document_id>/review.pdf")
@require()
def get_review_pdf(document_id: int):
    return review_pdf(visible_document(document_id))


@api.get("/documents/<int:document_id>/release.pdf")
@require()
def get_release_pdf(document_id: int):
    return release_pdf(visible_document(document_id), truthy(request.args.get("force")))


# --- release packages and jobs ----------------------------------------------------------------------------

@api.post("/dossiers/<int:dossier_id>/packages")
@require(*EDITORS)
def upload_package(dossier_id: int):
    dossier = visible_dossier(dossier_id)
    # End the request's transaction before the upload streams in: on SQLite it holds the write lock.
    db().commit()
    request.max_content_length = current_app.config["MAX_PACKAGE_BYTES"]
    try:
        upload = request.files.get("file")
    except RequestEntityTooLarge:
        raise ReviewError(413, f"The package is larger than the limit of "
                               f"{current_app.config['MAX_PACKAGE_BYTES'] // (1024 * 1024)} MB.",
                          f"Het pakket is groter dan de limiet van "
                          f"{current_app.config['MAX_PACKAGE_BYTES'] // (1024 * 1024)} MB.") from None
    job = packages.accept_package(db(), g.user, dossier, upload)
    response = jsonify(job=packages.job_json(db(), job))
    response.headers["Location"] = f"/api/v1/jobs/{job.id}"
    return response, 202


def visible_job(job_id: int) -> Job:
    job = db().get(Job, job_id)
    if job is None or not may_see(g.user, job.dossier_id):
        raise ReviewError(404, f"There is no job {job_id}.", f"Taak {job_id} bestaat niet.")
    return job


@api.get("/jobs/<int:job_id>")
@require()
def get_job(job_id: int):
    return jsonify(packages.job_json(db(), visible_job(job_id)))


@api.get("/dossiers/<int:dossier_id>/jobs")
@require()
def list_jobs(dossier_id: int):
    dossier = visible_dossier(dossier_id)
    jobs = db().scalars(select(Job).where(Job.dossier_id == dossier.id).order_by(Job.id))
    return jsonify([packages.job_json(db(), j) for j in jobs])


@api.post("/dossiers/<int:dossier_id>/release.zip")
@require()
def make_release_zip(dossier_id: int):
    """Start the job that makes the release ZIP (202), or name the one that is running or done (200)."""
    dossier = visible_dossier(dossier_id)
    body = request.get_json(silent=True) or {}
    force = truthy(request.args.get("force")) or body.get("force") is True
    job, path = packages.release_package(db(), g.user, dossier, force)
    response = jsonify(job=packages.job_json(db(), job))
    response.headers["Location"] = f"/api/v1/jobs/{job.id}"
    return response, 200 if path is not None else 202


@api.get("/dossiers/<int:dossier_id>/release.zip")
@require()
def get_release_zip(dossier_id: int):
    """The release ZIP made for the current decisions; 202 while its job runs, 409 when none was asked for."""
    dossier = visible_dossier(dossier_id)
    job, path = packages.release_package(db(), g.user, dossier, truthy(request.args.get("force")), start=False)
    if path is None:
        response = jsonify(job=packages.job_json(db(), job))
        response.headers["Location"] = f"/api/v1/jobs/{job.id}"
        response.headers["Retry-After"] = "5"
        return response, 202
    name = re.sub(r"[^\w.-]+", "-", dossier.case_number or f"dossier-{dossier.id}").strip("-") or "dossier"
    response = send_file(path, mimetype="application/zip", as_attachment=True,
                         download_name=f"{name}-openbaar.zip", max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response


# --- the audit trail -------------------------------------------------------------------------------------

AUDIT_COLUMNS = ("who", "when", "action", "before", "after")


def audit_rows(dossier_id: int) -> list[dict]:
    events = db().scalars(select(AuditEvent).where(AuditEvent.dossier_id == dossier_id).order_by(AuditEvent.id))
    return [{"who": e.user.name if e.user else None, "when": e.at.isoformat(), "action": e.action,
             "before": e.before, "after": e.after} for e in events]


def audit_csv(dossier_id: int, rows: list[dict]) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(AUDIT_COLUMNS)
    for row in rows:
        writer.writerow([row["who"] or "", row["when"], row["action"],
                         "" if row["before"] is None else json.dumps(row["before"], ensure_ascii=False),
                         "" if row["after"] is None else json.dumps(row["after"], ensure_ascii=False)])
    return Response(buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="dossier-{dossier_id}-audit.csv"'})


@api.get("/dossiers/<int:dossier_id>/audit")
@require()
def dossier_audit(dossier_id: int):
    visible_dossier(dossier_id)
    output = request.args.get("format", "json")
    if output not in ("json", "csv"):
        raise ReviewError(400, "The parameter 'format' must be \"json\" or \"csv\".",
                          "De parameter 'format' moet \"json\" of \"csv\" zijn.")
    rows = audit_rows(dossier_id)
    return jsonify(rows) if output == "json" else audit_csv(dossier_id, rows)
