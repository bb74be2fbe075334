"""The JSON API, version 1. Every endpoint checks the bearer token and the caller's role."""

from __future__ import annotations

import csv
import io
import json
from functools import wraps

from flask import Blueprint, Response, current_app, g, jsonify, request
from sqlalchemy import select
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.utils import secure_filename

from . import storage
from .models import AuditEvent, Decision, Document, Dossier, Finding, User

api = Blueprint("api", __name__, url_prefix="/api/v1")

MAX_TITLE = 300
MAX_CASE_NUMBER = 100
MAX_COMMENT = 2000
STATE_OF_DECISION = {"accept": "accepted", "reject": "rejected"}


class ApiError(HTTPException):
    """An error whose one-sentence description is sent to the client as {"error": ...}."""

    woo_message = True

    def __init__(self, code: int, message: str):
        super().__init__(description=message)
        self.code = code


def session():
    if "db" not in g:
        g.db = current_app.extensions["woo_redact"]["sessions"]()
    return g.db


@api.teardown_app_request
def _close_session(_exc):
    db = g.pop("db", None)
    if db is not None:
        db.close()


def require(*roles: str):
    """Authenticate by ``Authorization: Bearer <token>`` (401) and check the role (403)."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            header = request.headers.get("Authorization", "")
            scheme, _, token = header.partition(" ")
            token = token.strip()
            if scheme.lower() != "bearer" or not token:
                raise ApiError(401, "A valid API token is needed (Authorization: Bearer ...).")
            user = session().scalar(select(User).where(User.token_hash == User.hash_token(token)))
            if user is None:
                raise ApiError(401, "The API token is not valid.")
            if roles and user.role not in roles:
                raise ApiError(403, f"Your role ({user.role}) does not allow this; it needs {' or '.join(roles)}.")
            g.user = user
            return view(*args, **kwargs)

        return wrapper

    return decorator


def get_or_404(model, ident: int, name: str):
    obj = session().get(model, ident)
    if obj is None:
        raise ApiError(404, f"There is no {name} {ident}.")
    return obj


def json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "The request body must be a JSON object.")
    return body


def text_field(body: dict, name: str, limit: int, required: bool = True) -> str | None:
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise ApiError(400, f"The field {name!r} must be a non-empty text.")
    value = value.strip()
    if len(value) > limit:
        raise ApiError(400, f"The field {name!r} is longer than {limit} characters.")
    return value


def audit(dossier_id: int | None, action: str, before: dict | None = None, after: dict | None = None) -> None:
    session().add(AuditEvent(dossier_id=dossier_id, user_id=g.user.id, action=action, before=before, after=after))


@api.post("/dossiers")
@require("officer", "admin")
def create_dossier():
    body = json_body()
    dossier = Dossier(title=text_field(body, "title", MAX_TITLE),
                      case_number=text_field(body, "case_number", MAX_CASE_NUMBER))
    db = session()
    db.add(dossier)
    db.flush()
    audit(dossier.id, "dossier.create", None, {"title": dossier.title, "case_number": dossier.case_number})
    db.commit()
    return jsonify(id=dossier.id), 201


@api.post("/dossiers/<int:dossier_id>/documents")
@require("officer", "admin")
def upload_documents(dossier_id: int):
    dossier = get_or_404(Dossier, dossier_id, "dossier")
    try:
        files = request.files.getlist("file")
    except RequestEntityTooLarge:
        raise ApiError(413, f"The upload is larger than the limit of "
                            f"{current_app.config['MAX_CONTENT_LENGTH'] // (1024 * 1024)} MB.") from None
    if not files:
        raise ApiError(400, "Send one or more PDF files in the multipart field 'file'.")
    contents = []
    for upload in files:
        content = upload.read()
        name = upload.filename or "document.pdf"
        if not content:
            raise ApiError(400, f"The file {name!r} is empty.")
        if not storage.looks_like_pdf(content):
            raise ApiError(415, f"The file {name!r} is not a PDF (checked by its content).")
        contents.append((secure_filename(name) or "document.pdf", content))
    db = session()
    documents = []
    for name, content in contents:
        digest = storage.store(current_app.config["DATA_DIR"], content)
        document = Document(dossier_id=dossier.id, filename=name[:255], sha256=digest, status="queued")
        db.add(document)
        db.flush()
        audit(dossier.id, "document.upload", None, {"document": document.id, "filename": name, "sha256": digest})
        documents.append(document)
    db.commit()
    analyser = current_app.extensions["woo_redact"]["analyser"]
    for document in documents:
        analyser.submit(document.id)
    return jsonify([{"id": d.id, "status": d.status} for d in documents]), 201


@api.get("/documents/<int:document_id>")
@require()
def get_document(document_id: int):
    document = get_or_404(Document, document_id, "document")
    return jsonify(id=document.id, status=document.status, pages=document.pages, error=document.error)


@api.get("/documents/<int:document_id>/findings")
@require()
def list_findings(document_id: int):
    get_or_404(Document, document_id, "document")
    findings = session().scalars(select(Finding).where(Finding.document_id == document_id).order_by(Finding.id))
    return jsonify([{
        "id": f.id, "entity": f.entity, "text": f.text, "page": f.page, "rects": f.rects, "ground": f.ground,
        "score": f.score, "state": f.state, "reason": f.reason,
    } for f in findings])


@api.post("/findings/<int:finding_id>/decision")
@require("reviewer", "admin")
def decide(finding_id: int):
    db = session()
    finding = db.scalar(select(Finding).where(Finding.id == finding_id).with_for_update())
    if finding is None:
        raise ApiError(404, f"There is no finding {finding_id}.")
    body = json_body()
    decision = body.get("decision")
    if decision not in STATE_OF_DECISION:
        raise ApiError(400, "The field 'decision' must be \"accept\" or \"reject\".")
    ground = text_field(body, "ground", 40, required=False)
    if ground is not None:
        from redaction.rules import load_rules

        if ground not in load_rules().grounds:
            raise ApiError(400, f"{ground!r} is not a Woo ground this organisation allows.")
    comment = text_field(body, "comment", MAX_COMMENT, required=False)
    before = {"state": finding.state, "ground": finding.ground}
    finding.state = STATE_OF_DECISION[decision]
    if ground is not None:
        finding.ground = ground
    db.add(Decision(finding_id=finding.id, decision=decision, ground=finding.ground, comment=comment,
                    user_id=g.user.id))
    audit(finding.document.dossier_id, f"finding.{decision}",
          {"finding": finding.id, **before}, {"finding": finding.id, "state": finding.state, "ground": finding.ground,
                                              "comment": comment})
    db.commit()
    return jsonify(id=finding.id, state=finding.state, ground=finding.ground), 200


AUDIT_COLUMNS = ("who", "when", "action", "before", "after")


@api.get("/dossiers/<int:dossier_id>/audit")
@require("reviewer", "officer", "admin")
def dossier_audit(dossier_id: int):
    get_or_404(Dossier, dossier_id, "dossier")
    output = request.args.get("format", "json")
    if output not in ("json", "csv"):
        raise ApiError(400, "The parameter 'format' must be \"json\" or \"csv\".")
    events = session().scalars(select(AuditEvent).where(AuditEvent.dossier_id == dossier_id)
                               .order_by(AuditEvent.id))
    rows = [{"who": e.user.name if e.user else None, "when": e.at.isoformat(), "action": e.action,
             "before": e.before, "after": e.after} for e in events]
    if output == "json":
        return jsonify(rows)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(AUDIT_COLUMNS)
    for row in rows:
        writer.writerow([row["who"] or "", row["when"], row["action"],
                         "" if row["before"] is None else json.dumps(row["before"], ensure_ascii=False),
                         "" if row["after"] is None else json.dumps(row["after"], ensure_ascii=False)])
    return Response(buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="dossier-{dossier_id}-audit.csv"'})


def normalised(text: str) -> str:
    return " ".join(text.split()).casefold()


@api.post("/documents/<int:document_id>/decisions")
@require("reviewer", "admin")
def decide_by_text(document_id: int):
    db = session()
    document = get_or_404(Document, document_id, "document")
    body = json_body()
    text = text_field(body, "text", MAX_COMMENT)
    decision = body.get("decision")
    if decision not in STATE_OF_DECISION:
        raise ApiError(400, "The field 'decision' must be \"accept\" or \"reject\".")
    scope = body.get("scope", "document")
    if scope not in ("document", "dossier"):
        raise ApiError(400, "The field 'scope' must be \"document\" or \"dossier\".")
    query = select(Finding).order_by(Finding.id).with_for_update()
    if scope == "document":
        query = query.where(Finding.document_id == document.id)
    else:
        query = query.where(Finding.document_id.in_(
            select(Document.id).where(Document.dossier_id == document.dossier_id)))
    wanted = normalised(text)
    target = STATE_OF_DECISION[decision]
    changed = 0
    for finding in db.scalars(query):
        if normalised(finding.text) != wanted or finding.state == target:
            continue
        before = {"finding": finding.id, "state": finding.state, "ground": finding.ground}
        finding.state = target
        db.add(Decision(finding_id=finding.id, decision=decision, ground=finding.ground, user_id=g.user.id))
        audit(document.dossier_id, f"finding.{decision}", before,
              {"finding": finding.id, "state": finding.state, "ground": finding.ground, "scope": scope})
        changed += 1
    db.commit()
    return jsonify(changed=changed), 200
