"""The OpenAPI 3.1 description of the JSON API, version 1, served at ``/api/v1/openapi.json``.

Written by hand from ``service/api.py``, which stays the source of truth; ``tests/service/test_openapi.py``
checks that every route of the ``api`` blueprint is described (and nothing else), that the roles named here
are those of the ``@require(...)`` decorators, and that real responses fit the schemas.
"""

from __future__ import annotations

from .api import DECIDERS, EDITORS, MAX_CASE_NUMBER, MAX_COMMENT, MAX_TEXT, MAX_TITLE
from .models import DOCUMENT_STATUSES, FINDING_STATES, JOB_KINDS, JOB_STATUSES, ROLES
from .review import STATE_OF_DECISION

PREFIX = "/api/v1"
ANY_ROLE = ROLES
MAX_GROUND = 40  # the length api.py allows for a ground
MAX_USER = 100  # the length api.py allows for a user name

VISIBILITY = ("Admins see every dossier; other users only the dossiers they created or were added to as a member. "
              "A dossier, document or finding the caller may not see answers 404, as if it did not exist.")


def version() -> str:
    """The installed version of the ``woo-redact`` package (``0.1.0`` when it is not installed)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as package_version

    try:
        return package_version("woo-redact")
    except PackageNotFoundError:
        return "0.1.0"


# --- small builders ----------------------------------------------------------------------------------------------

def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict) -> dict:
    """``schema`` or null, written as a type list (JSON Schema 2020-12, as OpenAPI 3.1 uses it)."""
    result = dict(schema)
    result["type"] = [schema["type"], "null"]
    return result


def json_content(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


def ok(description: str, schema: dict) -> dict:
    return {"description": description, "content": json_content(schema)}


def error(description: str) -> dict:
    return {"description": description, "content": json_content(ref("Error"))}


def roles_text(roles: tuple[str, ...]) -> str:
    if set(roles) == set(ANY_ROLE):
        return "Any authenticated user (every role: " + ", ".join(ANY_ROLE) + ")."
    return "Only the roles " + " and ".join(roles) + "; any other role gets 403."


ADDED = {"type": "integer",
         "description": "After an accept: how many places in the document where a text it now redacts stood "
                        "without a finding of its own were added as suggestions (audited as "
                        "`finding.suggested`)."}
FORCE = {"name": "force", "in": "query", "required": False,
         "description": "`1`, `true`, `yes` or `ja` to release while suggestions are undecided (admins only); "
                        "they are then redacted.",
         "schema": {"type": "string"}}
ZIP_REFUSALS = {
    "403": error("`force` was sent by a user who is not an admin while suggestions are undecided."),
    "409": error("A package is still being processed, documents are still being analysed, there is nothing to "
                 "release, suggestions are undecided (without `force`), approvals are missing (four-eyes), or "
                 "(GET) no ZIP was asked for since the decisions last changed."),
}


def operation(operation_id: str, tag: str, summary: str, description: str, roles: tuple[str, ...],
              responses: dict, *, parameters: list | None = None, request_body: dict | None = None,
              visible: bool = True, writes: bool = False) -> dict:
    """One operation; the role rule, the visibility rule and the standard errors are added here.

    ``x-roles`` lists the roles the operation's ``@require(...)`` lets in (all roles for ``@require()``).
    """
    text = [description, "", f"**Roles:** {roles_text(roles)}"]
    if visible:
        text.append(f"**Visibility:** {VISIBILITY}")
    if writes:
        text.append("**CSRF:** a caller authenticated by the web session cookie (not by a bearer token) must "
                    "send the session's CSRF token in the `X-CSRFToken` header; without it the answer is 400.")
    result = {"operationId": operation_id, "tags": [tag], "summary": summary, "description": "\n\n".join(text),
              "x-roles": list(roles)}
    if parameters:
        result["parameters"] = parameters
    if request_body:
        result["requestBody"] = request_body
    answers = dict(responses)
    if writes:
        answers.setdefault("400", error("The request is not valid, or a session caller sent no valid CSRF token."))
    answers["401"] = error("No `Authorization` header (and no web session), a header that is not "
                           "`Bearer <token>`, or a token that is not valid.")
    if set(roles) != set(ANY_ROLE):
        answers["403"] = error(f"The caller's role is not one of: {', '.join(roles)}.")
    if visible:
        answers.setdefault("404", error("There is no such resource, or the caller may not see its dossier."))
    result["responses"] = dict(sorted(answers.items()))
    return result


def path_id(name: str, what: str) -> dict:
    return {"name": name, "in": "path", "required": True, "description": f"The id of the {what}.",
            "schema": {"type": "integer"}}


DOSSIER_ID = path_id("dossier_id", "dossier")
DOCUMENT_ID = path_id("document_id", "document")
FINDING_ID = path_id("finding_id", "finding")


def json_body(schema: dict, description: str) -> dict:
    return {"required": True, "description": description, "content": json_content(schema)}


def text(limit: int, description: str, *, optional: bool = False) -> dict:
    """A text field as ``text_field`` in api.py reads it: stripped, then at most ``limit`` characters."""
    schema = {"type": "string", "maxLength": limit, "description": description}
    if optional:
        return nullable(schema)
    schema["minLength"] = 1
    schema["description"] = description + " Must not be empty or only spaces."
    return schema


GROUND = text(MAX_GROUND, "A Woo ground this organisation allows (e.g. `5.1.2e`); 400 for an unknown one.",
              optional=True)
COMMENT = text(MAX_COMMENT, "A comment, kept with the decision and in the audit trail.", optional=True)
RECT = {"type": "array", "items": {"type": "number"}, "minItems": 4, "maxItems": 4,
        "description": "A rectangle `[x0, y0, x1, y1]` in PDF points, origin at the top left of the page."}


# --- the schemas ---------------------------------------------------------------------------------------------------

def schemas() -> dict:
    return {
        "Error": {
            "type": "object",
            "description": "Every error of the API: one English sentence.",
            "properties": {"error": {"type": "string"}},
            "required": ["error"],
        },
        "Dossier": {
            "type": "object",
            "description": "A Woo request and the documents gathered for it.",
            "properties": {
                "id": {"type": "integer"},
                "title": {"type": "string"},
                "case_number": {"type": "string"},
                "received_on": nullable({"type": "string", "format": "date",
                                         "description": "The day the Woo request came in."}),
                "deadline": nullable({"type": "string", "format": "date",
                                      "description": "The day the decision is due."}),
                "members": {"type": "array", "items": {"type": "string"},
                            "description": "The names of the users who may see the dossier (its creator "
                                           "included), sorted by name. Admins see every dossier anyway."},
            },
            "required": ["id", "title", "case_number", "received_on", "deadline", "members"],
        },
        "DossierWithDocuments": {
            "description": "A dossier with its documents, oldest first.",
            "allOf": [
                ref("Dossier"),
                {"type": "object",
                 "properties": {"documents": {"type": "array", "items": ref("Document")}},
                 "required": ["documents"]},
            ],
        },
        "Document": {
            "type": "object",
            "description": "An uploaded PDF and the state of its analysis.",
            "properties": {
                "id": {"type": "integer"},
                "dossier_id": {"type": "integer"},
                "filename": {"type": "string", "description": "The uploaded name, made safe; ends in `.pdf`."},
                "status": {"type": "string", "enum": list(DOCUMENT_STATUSES),
                           "description": "`queued` and `analyzing` until the findings are there; `ready`, or "
                                          "`failed` with `error`. A package's documents are `waiting` until "
                                          "their duplicates are known; a `duplicate` is not analysed (see "
                                          "`duplicate_of`); an `unsupported` file is listed, with the reason "
                                          "in `error`, and not processed."},
                "pages": nullable({"type": "integer"}),
                "error": nullable({"type": "string", "description": "Why the analysis failed."}),
                "path": nullable({"type": "string", "description": "Where the file was in its package."}),
                "job_id": nullable({"type": "integer", "description": "The package job that brought it."}),
                "date": nullable({"type": "string", "format": "date",
                                  "description": "The document's own date (an e-mail's sent date, a letter's "
                                                 "date), for the inventory list."}),
                "duplicate_of": nullable({"type": "integer", "description": "The document it duplicates."}),
                "duplicate_kind": {"type": ["string", "null"], "enum": ["exact", "near", None]},
                "similarity": nullable({"type": "number", "description": "How alike it is to its original "
                                                                         "(1 for an exact copy)."}),
                "family_id": nullable({"type": "string", "description": "The e-mail its attachment belongs to."}),
                "thread_id": nullable({"type": "string", "description": "The e-mail conversation it is part of."}),
            },
            "required": ["id", "dossier_id", "filename", "status", "pages", "error"],
        },
        "Job": {
            "type": "object",
            "description": "A package being processed, or a dossier's release ZIP being made.",
            "properties": {
                "id": {"type": "integer"},
                "kind": {"type": "string", "enum": list(JOB_KINDS)},
                "dossier_id": {"type": "integer"},
                "status": {"type": "string", "enum": list(JOB_STATUSES)},
                "filename": nullable({"type": "string"}),
                "error": nullable({"type": "string", "description": "Why the job failed (one sentence)."}),
                "created_at": {"type": "string", "format": "date-time"},
                "finished_at": nullable({"type": "string", "format": "date-time"}),
                "progress": {
                    "type": "object",
                    "description": "The phase (package: unpack, read, group, analyse, consistency; release: "
                                   "release, assemble; then done), its documents done of total, the job's "
                                   "percentage, and counts per document or item status.",
                    "properties": {"phase": {"type": "string"}, "done": {"type": "integer"},
                                   "total": {"type": "integer"}, "percent": {"type": "number"},
                                   "counts": {"type": "object", "description": "Status: number."}},
                    "required": ["phase", "done", "total", "percent", "counts"],
                },
                "result": nullable({"type": "object", "description": "What the job found or made (counts)."}),
            },
            "required": ["id", "kind", "dossier_id", "status", "progress"],
        },
        "Finding": {
            "type": "object",
            "description": "A passage the analysis found (or a reviewer redacted by hand) and its state.",
            "properties": {
                "id": {"type": "integer"},
                "entity": {"type": "string", "description": "What was found (e.g. `PERSON`); `MANUAL` for a "
                                                            "reviewer's own redaction."},
                "text": {"type": "string", "description": "The text of the passage; may be empty for a drawn "
                                                          "area without text."},
                "page": nullable({"type": "integer", "description": "The 0-based page the passage starts on."}),
                "rects": nullable({"type": "array", "items": RECT,
                                   "description": "The boxes to redact on `page`, in PDF points."}),
                "more_pages": nullable({
                    "type": "array",
                    "description": "For a passage that runs over onto following pages: their boxes.",
                    "items": {"type": "object",
                              "properties": {"page": {"type": "integer"},
                                             "rects": {"type": "array", "items": RECT}},
                              "required": ["page", "rects"]}}),
                "ground": nullable({"type": "string", "description": "The Woo ground for redacting it."}),
                "score": nullable({"type": "number"}),
                "state": {"type": "string", "enum": list(FINDING_STATES),
                          "description": "`suggested`: waits for a decision; `accepted`: redacted; `rejected`: "
                                         "stays readable; `kept`: the analysis itself advises to keep it."},
                "reason": nullable({"type": "string", "description": "Why it was found or redacted."}),
            },
            "required": ["id", "entity", "text", "page", "rects", "more_pages", "ground", "score", "state",
                         "reason"],
        },
        "AuditEvent": {
            "type": "object",
            "description": "One entry of a dossier's append-only audit trail.",
            "properties": {
                "who": nullable({"type": "string", "description": "The user's name; null for the system."}),
                "when": {"type": "string", "format": "date-time"},
                "action": {"type": "string", "description": "E.g. `dossier.create`, `document.upload`, "
                                                            "`finding.accept`, `document.release`."},
                "before": nullable({"type": "object", "description": "The state before the change."}),
                "after": nullable({"type": "object", "description": "The state after the change."}),
            },
            "required": ["who", "when", "action", "before", "after"],
        },
    }


# --- the operations ------------------------------------------------------------------------------------------------

def paths() -> dict:
    decision = {"type": "string", "enum": list(STATE_OF_DECISION),
                "description": "`accept` redacts the finding, `reject` leaves it readable."}
    pdf = {"description": "The PDF, as a download.",
           "content": {"application/pdf": {"schema": {"type": "string", "contentMediaType": "application/pdf"}}}}
    not_ready = error("The document's analysis is not ready (it is queued, analyzing or failed).")
    return {
        f"{PREFIX}/openapi.json": {
            "get": {
                "operationId": "openapi",
                "tags": ["Meta"],
                "summary": "This description of the API",
                "description": "The OpenAPI 3.1 document of the API. Needs no authentication.",
                "security": [],
                "responses": {"200": ok("The OpenAPI document.", {"type": "object"})},
            },
        },
        f"{PREFIX}/dossiers": {
            "get": operation(
                "list_dossiers", "Dossiers", "List the dossiers the caller may see",
                "The dossiers the caller may see, newest first (without their documents).", ANY_ROLE,
                {"200": ok("The dossiers.", {"type": "array", "items": ref("Dossier")})}, visible=False),
            "post": operation(
                "create_dossier", "Dossiers", "Create a dossier",
                "Creates a dossier; the caller becomes its first member. Written to the audit trail as "
                "`dossier.create`.", EDITORS,
                {"201": ok("The dossier was created.",
                           {"type": "object", "properties": {"id": {"type": "integer"}}, "required": ["id"]}),
                 "400": error("The body is not a JSON object, or a field is missing, empty, too long or not a "
                              "date written as YYYY-MM-DD.")},
                request_body=json_body({
                    "type": "object",
                    "properties": {
                        "title": text(MAX_TITLE, "The title of the dossier."),
                        "case_number": text(MAX_CASE_NUMBER, "The organisation's case number."),
                        "received_on": nullable({"type": "string", "format": "date",
                                                 "description": "The day the Woo request came in (YYYY-MM-DD); "
                                                                "null or an empty text for none."}),
                        "deadline": nullable({"type": "string", "format": "date",
                                              "description": "The day the decision is due (YYYY-MM-DD); null or "
                                                             "an empty text for none."}),
                    },
                    "required": ["title", "case_number"],
                }, "The new dossier."),
                visible=False, writes=True),
        },
        f"{PREFIX}/dossiers/{{dossier_id}}": {
            "get": operation(
                "get_dossier", "Dossiers", "Get a dossier with its documents",
                "The dossier, its members and its documents.", ANY_ROLE,
                {"200": ok("The dossier.", ref("DossierWithDocuments"))}, parameters=[DOSSIER_ID]),
        },
        f"{PREFIX}/dossiers/{{dossier_id}}/members": {
            "post": operation(
                "add_member", "Dossiers", "Give a user access to a dossier",
                "Adds the user named `user` to the dossier's members, so they may see it. Adding a member "
                "twice changes nothing. Written to the audit trail as `dossier.member_add`.", EDITORS,
                {"201": ok("The user is a member.",
                           {"type": "object",
                            "properties": {"user": {"type": "string"},
                                           "role": {"type": "string", "enum": list(ROLES)}},
                            "required": ["user", "role"]}),
                 "400": error("The body is not a JSON object, `user` is missing or empty, or there is no user "
                              "of that name.")},
                parameters=[DOSSIER_ID],
                request_body=json_body({"type": "object",
                                        "properties": {"user": text(MAX_USER, "The name of the user to add.")},
                                        "required": ["user"]}, "Who to add."),
                writes=True),
        },
        f"{PREFIX}/dossiers/{{dossier_id}}/documents": {
            "post": operation(
                "upload_documents", "Documents", "Upload documents",
                "Uploads one or more documents (the multipart field `file`, repeated for several files): PDFs, "
                "scans (PNG, JPEG, multi-page TIFF; read by OCR), Office files (DOCX, DOC, ODT, RTF, XLSX, XLS, "
                "ODS, PPTX, PPT, ODP; converted by LibreOffice) and e-mails (EML, MSG; printed with their "
                "headers, each attachment added as a document of the e-mail's family). Each file is checked by "
                "its content: it must be (or convert to) a PDF that opens, without a password, with at least one "
                "page and not more pages than the limit. If any file fails, nothing of the request is stored. "
                "The documents are then analysed in the background: poll `GET /api/v1/documents/{id}` until "
                "`status` is `ready` or `failed`. Written to the audit trail as `document.upload`.", EDITORS,
                {"201": ok("The documents were stored and queued for analysis, in the order sent.",
                           {"type": "array",
                            "items": {"type": "object",
                                      "properties": {"id": {"type": "integer"},
                                                     "status": {"type": "string", "enum": list(DOCUMENT_STATUSES)}},
                                      "required": ["id", "status"]}}),
                 "400": error("No file in the field `file`, or a file that is empty, damaged, encrypted, "
                              "without pages, or cannot be converted to PDF."),
                 "413": error("The request is larger than the upload limit, or a file has more pages than the "
                              "page limit."),
                 "415": error("A file is none of the accepted kinds (checked by its content, not its name)."),
                 "503": error("A file needs a converter this server lacks (LibreOffice or Tesseract).")},
                parameters=[DOSSIER_ID],
                request_body={"required": True, "description": "The PDF files.", "content": {
                    "multipart/form-data": {
                        "schema": {"type": "object",
                                   "properties": {"file": {"type": "array", "minItems": 1,
                                                           "items": {"type": "string",
                                                                     "contentMediaType": "application/pdf"}}},
                                   "required": ["file"]},
                        "encoding": {"file": {"contentType": "application/pdf"}},
                    }}},
                writes=True),
        },
        f"{PREFIX}/dossiers/{{dossier_id}}/audit": {
            "get": operation(
                "dossier_audit", "Audit", "The dossier's audit trail",
                "Every recorded change of the dossier, oldest first: as JSON, or with `format=csv` as a CSV file "
                "with the columns who, when, action, before, after (before and after as JSON texts).", ANY_ROLE,
                {"200": {"description": "The audit trail.",
                         "content": {"application/json": {"schema": {"type": "array", "items": ref("AuditEvent")}},
                                     "text/csv": {"schema": {"type": "string"}}}},
                 "400": error("The parameter `format` is neither `json` nor `csv`.")},
                parameters=[DOSSIER_ID,
                            {"name": "format", "in": "query", "required": False,
                             "description": "`json` (the default) or `csv`.",
                             "schema": {"type": "string", "enum": ["json", "csv"], "default": "json"}}]),
        },
        f"{PREFIX}/documents/{{document_id}}": {
            "get": operation(
                "get_document", "Documents", "Get a document and its review progress",
                "The document, the pages marked as reviewed and how many suggestions wait for a decision.",
                ANY_ROLE,
                {"200": ok("The document.", {"allOf": [ref("Document"), {
                    "type": "object",
                    "properties": {"reviewed_pages": {"type": "array", "items": {"type": "integer"},
                                                      "description": "The 0-based pages marked as reviewed."},
                                   "undecided": {"type": "integer",
                                                 "description": "The number of findings still `suggested`."}},
                    "required": ["reviewed_pages", "undecided"]}]})},
                parameters=[DOCUMENT_ID]),
        },
        f"{PREFIX}/documents/{{document_id}}/retry": {
            "post": operation(
                "retry", "Documents", "Analyse a failed document again",
                "Queues a document whose analysis failed for a new analysis; its findings are replaced. Refused "
                "when the document has not failed or already has decisions or manual redactions. Written to the "
                "audit trail as `document.retry`.", (*EDITORS, "reviewer"),
                {"202": ok("The document is queued again.",
                           {"type": "object",
                            "properties": {"id": {"type": "integer"},
                                           "status": {"type": "string", "enum": list(DOCUMENT_STATUSES)}},
                            "required": ["id", "status"]}),
                 "409": error("The document's analysis did not fail, or the document already has decisions.")},
                parameters=[DOCUMENT_ID], writes=True),
        },
        f"{PREFIX}/documents/{{document_id}}/findings": {
            "get": operation(
                "list_findings", "Findings", "List a document's findings",
                "Every finding of the document in the order they were stored (empty until the analysis is "
                "ready).", ANY_ROLE,
                {"200": ok("The findings.", {"type": "array", "items": ref("Finding")})},
                parameters=[DOCUMENT_ID]),
        },
        f"{PREFIX}/findings/{{finding_id}}/decision": {
            "post": operation(
                "decide", "Findings", "Decide one finding",
                "Accepts (redact) or rejects (keep readable) one finding, optionally with a ground and a comment. "
                "The open suggestions with the same text (any case) in the rest of the dossier take the same "
                "decision (one name, one decision), unless `only_this` is sent; a decided occurrence can always "
                "be decided otherwise afterwards. Every decision is kept, also one that repeats the current state. Written to the audit trail as "
                "`finding.accept` or `finding.reject`.", DECIDERS,
                {"200": ok("The finding after the decision.",
                           {"type": "object",
                            "properties": {"id": {"type": "integer"},
                                           "state": {"type": "string", "enum": list(FINDING_STATES)},
                                           "ground": {"type": ["string", "null"]},
                                           "followed": {"type": "integer",
                                                        "description": "How many open suggestions of the same "
                                                                       "text elsewhere in the dossier took the "
                                                                       "same decision."},
                                           "added": ADDED},
                            "required": ["id", "state", "ground"]}),
                 "400": error("The body is not a JSON object, `decision` is not `accept` or `reject`, or "
                              "`ground` or `comment` is not valid.")},
                parameters=[FINDING_ID],
                request_body=json_body({"type": "object",
                                        "properties": {"decision": decision, "ground": GROUND, "comment": COMMENT,
                                                       "only_this": {"type": "boolean", "default": False,
                                                                     "description": "Decide this occurrence "
                                                                                    "alone; by default the "
                                                                                    "dossier's open suggestions "
                                                                                    "of the same text follow."}},
                                        "required": ["decision"]}, "The decision."),
                writes=True),
        },
        f"{PREFIX}/documents/{{document_id}}/decisions": {
            "post": operation(
                "decide_by_text", "Findings", "Decide findings by their text, or all open ones",
                "Decides every finding whose text equals `text` (ignoring case and spacing) in the document, or "
                "with `scope: \"dossier\"` in every document of its dossier. With `\"all\": true` and no `text`: "
                "every finding still `suggested` in the scope. Findings already in the wanted state (and ground) "
                "are left alone. Each change is written to the audit trail.", DECIDERS,
                {"200": ok("How many findings changed.",
                           {"type": "object", "properties": {"changed": {"type": "integer"}, "added": ADDED},
                            "required": ["changed"]}),
                 "400": error("The body is not a JSON object, `decision` or `scope` is not valid, `text` is "
                              "missing without `\"all\": true`, or `ground` or `comment` is not valid.")},
                parameters=[DOCUMENT_ID],
                request_body=json_body({
                    "type": "object",
                    "properties": {
                        "decision": decision,
                        "text": text(MAX_TEXT, "The text of the findings to decide. Required unless `all` is "
                                               "true; when both are sent, `text` is used."),
                        "all": {"type": "boolean", "default": False,
                                "description": "Decide every finding still `suggested` in the scope."},
                        "scope": {"type": "string", "enum": ["document", "dossier"], "default": "document"},
                        "ground": GROUND,
                        "comment": COMMENT,
                    },
                    "required": ["decision"],
                    "anyOf": [{"required": ["text"]},
                              {"properties": {"all": {"const": True}}, "required": ["all"]}],
                }, "What to decide."),
                writes=True),
        },
        f"{PREFIX}/documents/{{document_id}}/redactions": {
            "post": operation(
                "add_redaction", "Findings", "Add a manual redaction",
                "A reviewer's own redaction, accepted at once, in one of two shapes: an area "
                "(`page` and `rect`; with `words: true` widened to the whole words it touches, otherwise exactly "
                "the area, text, pictures and drawings alike), or a text (`text`: every occurrence in the "
                "document, any case, spacing or line-end hyphenation). A body with `text` is always read as the "
                "text shape. Without a ground the privacy ground `5.1.2e` is used. Written to the audit trail as "
                "`finding.manual`.", DECIDERS,
                {"201": ok("The new findings (one for an area; one per occurrence for a text).",
                           {"type": "array", "items": ref("Finding")}),
                 "400": error("The body is neither shape, the page or rectangle is not valid (outside the page "
                              "or too small), or `ground` or `comment` is not valid."),
                 "404": error("There is no such document, the caller may not see its dossier, or the text does "
                              "not occur in the document."),
                 "409": not_ready},
                parameters=[DOCUMENT_ID],
                request_body=json_body({"oneOf": [
                    {"title": "Area", "type": "object",
                     "properties": {"page": {"type": "integer", "description": "The 0-based page."},
                                    "rect": RECT,
                                    "words": {"type": "boolean", "default": False,
                                              "description": "Widen the area to the whole words it touches."},
                                    "ground": GROUND, "comment": COMMENT},
                     "required": ["page", "rect"]},
                    {"title": "Text", "type": "object",
                     "properties": {"text": text(MAX_TEXT, "The text to redact wherever it occurs."),
                                    "ground": GROUND, "comment": COMMENT},
                     "required": ["text"]},
                ]}, "The area or the text to redact."),
                writes=True),
        },
        f"{PREFIX}/documents/{{document_id}}/reviewed-pages": {
            "post": operation(
                "mark_pages", "Documents", "Mark pages as reviewed (or not)",
                "Marks the 0-based `pages` as reviewed, or with `reviewed: false` as not reviewed. Written to the "
                "audit trail as `page.reviewed` or `page.unreviewed`.", DECIDERS,
                {"200": ok("The pages that are reviewed now.",
                           {"type": "object",
                            "properties": {"reviewed_pages": {"type": "array", "items": {"type": "integer"}}},
                            "required": ["reviewed_pages"]}),
                 "400": error("The body is not a JSON object, or `pages` is not a non-empty list of page "
                              "numbers of the document."),
                 "409": not_ready},
                parameters=[DOCUMENT_ID],
                request_body=json_body({"type": "object",
                                        "properties": {"pages": {"type": "array", "minItems": 1,
                                                                 "items": {"type": "integer", "minimum": 0}},
                                                       "reviewed": {"type": "boolean", "default": True}},
                                        "required": ["pages"]}, "The pages."),
                writes=True),
        },
        f"{PREFIX}/documents/{{document_id}}/approve": {
            "post": operation(
                "approve", "Documents", "Approve the decisions (four-eyes)",
                "A second reviewer, who made none of the document's decisions, approves them all. The approval "
                "holds until the next decision on the document. Needs no body. Written to the audit trail as "
                "`document.approve`.", DECIDERS,
                {"201": ok("The approval was recorded.",
                           {"type": "object",
                            "properties": {"id": {"type": "integer"}, "approved_by": {"type": "string"}},
                            "required": ["id", "approved_by"]}),
                 "409": error("The document is not ready, still has undecided suggestions, or the caller made "
                              "decisions on it.")},
                parameters=[DOCUMENT_ID], writes=True),
        },
        f"{PREFIX}/documents/{{document_id}}/review.pdf": {
            "get": operation(
                "get_review_pdf", "Exports", "The review PDF",
                "The document with every finding marked and its state shown, for checking the decisions.",
                ANY_ROLE, {"200": pdf, "409": not_ready}, parameters=[DOCUMENT_ID]),
        },
        f"{PREFIX}/documents/{{document_id}}/release.pdf": {
            "get": operation(
                "get_release_pdf", "Exports", "The verified release PDF",
                "The document with the accepted findings redacted for good, verified by the engine after "
                "saving. Refused while suggestions are undecided (an admin may `force` the release; undecided "
                "suggestions are then redacted too) and, when four-eyes review is on, without a valid approval. "
                "Written to the audit trail as `document.release` (or `document.release_failed`). Sending "
                "`force` past undecided suggestions as a user other than an admin is refused with 403.", ANY_ROLE,
                {"200": pdf,
                 "403": error("`force` was sent by a user who is not an admin while suggestions are undecided."),
                 "409": error("The document is not ready, suggestions are still undecided (without `force`), or "
                              "a second reviewer has not approved the decisions (four-eyes)."),
                 "422": error("The engine could not make a release that passes its verification.")},
                parameters=[DOCUMENT_ID,
                            {"name": "force", "in": "query", "required": False,
                             "description": "`1`, `true`, `yes` or `ja` (any case) to force the release while "
                                            "suggestions are undecided (admins only); anything else is false.",
                             "schema": {"type": "string"}}]),
        },
        f"{PREFIX}/dossiers/{{dossier_id}}/packages": {
            "post": operation(
                "upload_package", "Packages", "Upload a release package (ZIP)",
                "Uploads one ZIP file (multipart field `file`) of documents into the dossier and starts its job: "
                "the ZIP is unpacked safely (no paths outside it, limits on size, ratio, file count and nesting; "
                "nested ZIPs are opened), every PDF (and plain-text file) becomes a document, other files are "
                "listed as `unsupported`; exact and near-duplicates are found and not analysed; e-mail threads "
                "and families are recorded; the rest is analysed; then every name redacted in one document is "
                "found in all documents of the dossier and earlier decisions apply to it. Follow the job at "
                "`/api/v1/jobs/{id}`. Written to the audit trail as `package.upload`.", EDITORS,
                {"202": ok("The job was started.", {"type": "object", "properties": {"job": ref("Job")},
                                                    "required": ["job"]}),
                 "400": error("No file was sent in the field `file`."),
                 "413": error("The package is larger than the limit (WOO_REDACT_MAX_PACKAGE_MB)."),
                 "415": error("The file is not a ZIP file.")},
                parameters=[DOSSIER_ID],
                request_body={"required": True, "content": {"multipart/form-data": {"schema": {
                    "type": "object", "properties": {"file": {"type": "string", "contentMediaType": "application/zip"}},
                    "required": ["file"]}}}},
                writes=True),
        },
        f"{PREFIX}/dossiers/{{dossier_id}}/jobs": {
            "get": operation(
                "list_jobs", "Packages", "The dossier's jobs",
                "Every package and release job of the dossier, oldest first, with its progress.", ANY_ROLE,
                {"200": ok("The jobs.", {"type": "array", "items": ref("Job")})}, parameters=[DOSSIER_ID]),
        },
        f"{PREFIX}/jobs/{{job_id}}": {
            "get": operation(
                "get_job", "Packages", "A job and its progress",
                "The job's status and progress; poll it until `status` is `done` or `failed`. A job survives "
                "a restart of the service: it goes on where it stopped.", ANY_ROLE,
                {"200": ok("The job.", ref("Job"))}, parameters=[path_id("job_id", "job")]),
        },
        f"{PREFIX}/dossiers/{{dossier_id}}/release.zip": {
            "post": operation(
                "make_release_zip", "Packages", "Make the dossier's release package (ZIP)",
                "Starts the job that makes the release of the whole dossier as one ZIP: a verified release PDF "
                "of every analysed document (`documenten/`), the inventory list (`inventarislijst.csv`, "
                "`inventarislijst.xlsx`: ID, Document, File type, Datum, Beoordeling, Beoordelingsgrond, "
                "Toelichting, Family ID, Email Thread ID, Gerelateerd ID, Publieke link, Zaaknummer, Opgeschort) "
                "and a report (`rapport.html`). Duplicates and unsupported files are listed, not released. The "
                "same rules as for a document's release apply: refused while suggestions are undecided (an "
                "admin may `force`, the suggestions are then redacted), and, with four-eyes review, without "
                "approvals. Every place where a redacted text stands without a decision first becomes a "
                "suggestion (named in the 409). Written to the audit trail as `package.release`.", ANY_ROLE,
                {"200": ok("A job made the ZIP for the current decisions already; download it with GET.",
                           {"type": "object", "properties": {"job": ref("Job")}, "required": ["job"]}),
                 "202": ok("The job was started (or was running); poll it (also in the `Location` header), "
                           "then download the ZIP with GET.",
                           {"type": "object", "properties": {"job": ref("Job")}, "required": ["job"]}),
                 **ZIP_REFUSALS},
                parameters=[DOSSIER_ID, FORCE],
                request_body={"required": False, "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"force": {"type": "boolean"}}}}}},
                writes=True),
            "get": operation(
                "get_release_zip", "Packages", "Download the dossier's release package (ZIP)",
                "The ZIP made (by POST) for the current decisions. A GET never starts a job: 202 while the job "
                "runs, 409 when none was asked for since the decisions last changed.", ANY_ROLE,
                {"200": {"description": "The ZIP, as a download.",
                         "content": {"application/zip": {"schema": {"type": "string",
                                                                     "contentMediaType": "application/zip"}}}},
                 "202": ok("The ZIP is being made; poll the job (also in the `Location` header).",
                           {"type": "object", "properties": {"job": ref("Job")}, "required": ["job"]}),
                 **ZIP_REFUSALS},
                parameters=[DOSSIER_ID, FORCE]),
        },
    }


def document() -> dict:
    """The OpenAPI 3.1 document of the API; a new dict on every call."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "woo-redact API",
            "version": version(),
            "summary": "Review the redaction of documents for Woo requests.",
            "description": (
                "The JSON API, version 1, of the woo-redact review service: dossiers, uploaded PDFs, the "
                "findings of their analysis, reviewers' decisions, manual redactions, four-eyes approval, the "
                "review and release PDFs and the audit trail.\n\n"
                "**Authentication:** every operation except this document needs an API token in the header "
                "`Authorization: Bearer <token>` (401 without one, or for a token that is not valid). The web "
                "pages' session cookie is accepted too; a session caller must then send the CSRF token in the "
                "`X-CSRFToken` header on every POST.\n\n"
                "**Roles:** officers create dossiers, upload documents and add members; reviewers decide "
                "findings, add redactions, mark pages and approve; admins may do both. Each operation says "
                "which roles it allows (also in `x-roles`); another role gets 403.\n\n"
                f"**Visibility:** {VISIBILITY}\n\n"
                "**Errors:** every error answers `{\"error\": \"<one sentence>\"}`."
            ),
            "license": {"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"},
        },
        "tags": [
            {"name": "Dossiers", "description": "Woo requests and who may see them."},
            {"name": "Documents", "description": "Uploads, analysis and review progress."},
            {"name": "Findings", "description": "What the analysis found and the reviewers' decisions."},
            {"name": "Exports", "description": "The review and release PDFs."},
            {"name": "Packages", "description": "Release packages: a ZIP of documents in, a release ZIP with "
                                                 "the inventory list out, as jobs."},
            {"name": "Audit", "description": "The append-only audit trail."},
            {"name": "Meta", "description": "This description."},
        ],
        "security": [{"bearerAuth": []}],
        "paths": paths(),
        "components": {
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer",
                               "description": "An API token, shown once by `woo-redact users add`."},
            },
            "schemas": schemas(),
        },
    }
