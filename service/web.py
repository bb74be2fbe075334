"""The web interface, in Dutch: server-rendered pages whose forms work without JavaScript; the page
script (static/review.js) only adds drawing rectangles, keyboard shortcuts and decisions without a reload.

The views share the API's lookups (with the same right-to-see checks) and the operations in ``review``.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from datetime import date, timedelta
from functools import wraps

from flask import (Blueprint, current_app, flash, g, redirect, render_template, request, send_file,
                   url_for)
from flask_login import current_user
from sqlalchemy import func, select
from werkzeug.exceptions import RequestEntityTooLarge

from redaction.package import dutch

from . import api as api_views
from . import packages, pages, review
from .auth import ROLE_NAMES as ROLE_LABELS, csrf, db, log_in, log_out, require, safe_next
from .models import Document, Finding, Job, User
from .review import ReviewError

web = Blueprint("web", __name__)  # templates and static files are the application's (service/templates, /static)

WOO_TERM_DAYS = 28  # the Woo's decision term: four weeks after the request (art. 4.4), extendable by two

ENTITY_LABELS = {
    "PERSON": "Naam", "EMAIL": "E-mailadres", "PHONE": "Telefoonnummer", "BSN": "BSN", "IBAN": "IBAN",
    "ADDRESS": "Adres", "POSTCODE_CITY": "Postcode en plaats", "DATE_OF_BIRTH": "Geboortedatum",
    "LICENSE_PLATE": "Kenteken", "TERM": "Zoekterm", "MANUAL": "Handmatig",
}
STATE_LABELS = {"suggested": "voorstel", "accepted": "lakken", "rejected": "openbaar", "kept": "behouden"}
STATUS_LABELS = {"queued": "in de wachtrij", "analyzing": "wordt geanalyseerd", "ready": "klaar",
                 "failed": "mislukt", "waiting": "wordt ingelezen", "duplicate": "duplicaat",
                 "unsupported": "niet ondersteund"}
# Release packages: the jobs of a dossier, their states and phases.
JOB_KIND_LABELS = {"package": "Pakket", "release": "Releasepakket"}
JOB_STATUS_LABELS = {"queued": "in de wachtrij", "running": "bezig", "done": "klaar", "failed": "mislukt"}
PHASE_LABELS = {"unpack": "uitpakken", "read": "lezen", "group": "duplicaten zoeken", "analyse": "analyseren",
                "consistency": "consistentie", "release": "lakken", "assemble": "inventaris samenstellen",
                "done": "klaar"}
BUSY_DOCUMENT = ("waiting", "queued", "analyzing")  # the analysis of these is still to come
BUSY_JOB = ("queued", "running")


@web.app_context_processor
def _labels():
    return {"ENTITY_LABELS": ENTITY_LABELS, "STATE_LABELS": STATE_LABELS, "STATUS_LABELS": STATUS_LABELS,
            "ROLE_LABELS": ROLE_LABELS, "JOB_KIND_LABELS": JOB_KIND_LABELS,
            "JOB_STATUS_LABELS": JOB_STATUS_LABELS, "PHASE_LABELS": PHASE_LABELS, "current": g.get("user"),
            "dutch_reason": dutch.reason}


def back_to(endpoint: str, anchor: str | None = None, **values):
    return redirect(url_for(endpoint, **values) + (f"#{anchor}" if anchor else ""))


def _form_text(name: str, limit: int, required: bool = True) -> str | None:
    return api_views.text_field(request.form.to_dict(), name, limit, required)


# --- logging in and out ----------------------------------------------------------------------------------

@web.route("/login", methods=["GET", "POST"])
def login():
    error = None
    if request.method == "POST":
        name = (request.form.get("username") or "").strip()
        password = request.form.get("password") or ""
        user = db().scalar(select(User).where(User.name == name)) if name else None
        if user is not None and user.check_password(password):
            log_in(user)
            return redirect(safe_next(request.args.get("next") or request.form.get("next")))
        error = "Onbekende naam of onjuist wachtwoord."
    return render_template("login.html", error=error, next=request.args.get("next", "")), (401 if error else 200)


@web.post("/logout")
def logout():
    log_out()
    return redirect(url_for("web.login"))


# --- dossiers --------------------------------------------------------------------------------------------

@web.get("/")
@require()
def dossiers():
    rows = api_views.visible_dossiers()
    counts = dict(db().execute(select(Document.dossier_id, func.count()).group_by(Document.dossier_id)).all())
    return render_template("dossiers.html", dossiers=rows, counts=counts, today=date.today(),
                           default_deadline=date.today() + timedelta(days=WOO_TERM_DAYS))


@web.post("/dossiers")
@require(*api_views.EDITORS)
def create_dossier():
    body = request.form.to_dict()
    if body.get("received_on") and not body.get("deadline"):
        try:
            body["deadline"] = (date.fromisoformat(body["received_on"]) + timedelta(days=WOO_TERM_DAYS)).isoformat()
        except ValueError:
            pass
    try:
        dossier = api_views.create_dossier_from(body, g.user)
    except ReviewError as exc:
        flash(exc.for_page, "error")
        return redirect(url_for("web.dossiers"))
    db().commit()
    flash(f"Dossier {dossier.case_number} is aangemaakt.", "ok")
    return redirect(url_for("web.dossier", dossier_id=dossier.id))


@web.get("/dossiers/<int:dossier_id>")
@require()
def dossier(dossier_id: int):
    item = api_views.visible_dossier(dossier_id)
    session = db()
    documents = item.documents
    open_counts = dict(session.execute(
        select(Finding.document_id, func.count()).where(Finding.state == "suggested",
                                                        Finding.document_id.in_([d.id for d in documents]))
        .group_by(Finding.document_id)).all())
    jobs = [packages.job_json(session, job) for job in
            session.scalars(select(Job).where(Job.dossier_id == item.id).order_by(Job.id.desc()))]
    busy_jobs = any(j["status"] in BUSY_JOB for j in jobs)
    documents_by_id = {d.id: d for d in documents}
    busy = busy_jobs or any(d.status in BUSY_DOCUMENT for d in documents)
    users = session.scalars(select(User).order_by(User.name)).all() if g.user.role in api_views.EDITORS else []
    return render_template("dossier.html", dossier=item, documents=documents, open_counts=open_counts, busy=busy,
                           refresh_seconds=5 if busy_jobs else 3, jobs=jobs,
                           by_id=documents_by_id, groups=_package_groups(documents),
                           undecided=sum(n for i, n in open_counts.items()
                                         if documents_by_id[i].status == "ready"),
                           users=[u for u in users if u not in item.members],
                           max_mb=current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024),
                           max_package_bytes=current_app.config["MAX_PACKAGE_BYTES"],
                           max_package=_amount(current_app.config["MAX_PACKAGE_BYTES"]),
                           max_pages=current_app.config["MAX_PAGES"])


def _amount(limit: int) -> str:
    """A size limit for people: "2048 MB", "1,5 MB", "1 kB"."""
    if limit >= 1024 * 1024:
        return f"{limit / (1024 * 1024):.1f}".removesuffix(".0").replace(".", ",") + " MB"
    return f"{max(1, round(limit / 1024))} kB"


def _package_groups(documents: list[Document]) -> dict[int, str]:
    """A short hint per document of a package: its e-mail thread (numbered as in the inventory list, in the
    order the threads first appear, with its number of messages, copies not counted) and the e-mail it is
    attached to."""
    by_id = {str(d.id): d for d in documents}
    threads: dict[str, str] = {}
    sizes: dict[str, int] = {}
    for d in documents:
        if d.thread_id:
            threads.setdefault(d.thread_id, f"E{len(threads) + 1:03d}")
            sizes[d.thread_id] = sizes.get(d.thread_id, 0) + (d.status != "duplicate")
    hints = {}
    for d in documents:
        parts = []
        if d.thread_id:
            count = sizes[d.thread_id]
            parts.append(f"e-mailreeks {threads[d.thread_id]}" + (f" ({count} berichten)" if count > 1 else ""))
        head = by_id.get(d.family_id or "")
        if head is not None and head.id != d.id:
            parts.append(f"bijlage bij {head.path or head.filename}")
        elif head is not None:
            parts.append("e-mail met bijlagen")
        if parts:
            hints[d.id] = "; ".join(parts)
    return hints


@web.post("/dossiers/<int:dossier_id>/documents")
@require(*api_views.EDITORS)
def upload(dossier_id: int):
    item = api_views.visible_dossier(dossier_id)
    try:
        documents = api_views.upload_into(item)
    except ReviewError as exc:
        db().rollback()
        flash(f"Niets opgeslagen: {exc.for_page}", "error")
    else:
        flash(f"{len(documents)} document(en) geüpload; de analyse loopt.", "ok")
    return redirect(url_for("web.dossier", dossier_id=item.id))


def _package_body(view):
    """Read a package upload with the package limit, not the document limit. The body is read once the
    session shows an officer or admin (nobody else gets gigabytes spooled to disk), and with no database
    transaction open: on SQLite a writing request's transaction holds the write lock, which must not wait
    for a large upload. A body over the limit is not read; the page says why."""

    @wraps(view)
    def wrapper(dossier_id: int):
        back = url_for("web.dossier", dossier_id=dossier_id)
        if not current_user.is_authenticated:
            return redirect(url_for("web.login", next=back))
        if current_user.role in api_views.EDITORS:  # others are refused by ``require``
            db().rollback()
            request.max_content_length = current_app.config["MAX_PACKAGE_BYTES"]
            try:
                request.files  # noqa: B018 - parses the multipart body now, with this limit
            except RequestEntityTooLarge:
                flash(f"Niets opgeslagen: het pakket is groter dan de limiet van "
                      f"{_amount(current_app.config['MAX_PACKAGE_BYTES'])}.", "error")
                return redirect(back)
        return view(dossier_id)

    return wrapper


@web.post("/dossiers/<int:dossier_id>/packages")
@_package_body
@require(*api_views.EDITORS)
def upload_package(dossier_id: int):
    item = api_views.visible_dossier(dossier_id)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash("Niets opgeslagen: kies een ZIP-bestand met het pakket.", "error")
        return redirect(url_for("web.dossier", dossier_id=item.id))
    try:
        packages.accept_package(db(), g.user, item, upload)
    except ReviewError as exc:
        db().rollback()
        flash(f"Niets opgeslagen: {exc.for_page}", "error")
    else:
        flash("Pakket ontvangen; het wordt verwerkt.", "ok")
        return back_to("web.dossier", "taken", dossier_id=item.id)
    return redirect(url_for("web.dossier", dossier_id=item.id))


# The automatic CSRF check would read the body with the document limit before the view sets the package
# limit; ``require`` checks the CSRF token of a session instead, once the body has been read.
csrf.exempt(upload_package)


@web.post("/dossiers/<int:dossier_id>/release.zip")
@require()
def make_release_zip(dossier_id: int):
    """Start the job that makes the release package (the dossier page shows its progress), or download it
    when it is already made for the current decisions. An admin may force it while suggestions are open."""
    item = api_views.visible_dossier(dossier_id)
    try:
        _, path = packages.release_package(db(), g.user, item, request.form.get("force") == "1")
    except ReviewError as exc:
        db().rollback()
        flash(f"Geen releasepakket gemaakt: {exc.for_page}", "error")
        return redirect(url_for("web.dossier", dossier_id=item.id))
    if path is not None:
        return redirect(url_for("web.release_zip", dossier_id=item.id, force=request.form.get("force") or None))
    flash("Het releasepakket wordt gemaakt; ververs deze pagina tot de taak klaar is.", "ok")
    return back_to("web.dossier", "taken", dossier_id=item.id)


@web.get("/dossiers/<int:dossier_id>/release.zip")
@require()
def release_zip(dossier_id: int):
    """Download the release package made for the current decisions. A GET never starts the job: a link
    on another site cannot make the service work (the button on the dossier page is a form)."""
    item = api_views.visible_dossier(dossier_id)
    try:
        _, path = packages.release_package(db(), g.user, item, api_views.truthy(request.args.get("force")),
                                           start=False)
    except packages.NotMade:
        flash("Er is nog geen releasepakket voor de huidige besluiten; maak het met de knop.", "error")
        return back_to("web.dossier", "release", dossier_id=item.id)
    except ReviewError as exc:
        db().rollback()
        flash(f"Geen releasepakket: {exc.for_page}", "error")
        return redirect(url_for("web.dossier", dossier_id=item.id))
    if path is None:
        flash("Het releasepakket wordt nog gemaakt; ververs deze pagina tot de taak klaar is.", "ok")
        return back_to("web.dossier", "taken", dossier_id=item.id)
    stem = re.sub(r"[^\w.-]+", "-", item.case_number or "").strip("-.") or f"dossier-{item.id}"
    response = send_file(path, mimetype="application/zip", as_attachment=True,
                         download_name=f"{stem}-openbaar.zip", max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response


@web.post("/dossiers/<int:dossier_id>/members")
@require(*api_views.EDITORS)
def add_member(dossier_id: int):
    item = api_views.visible_dossier(dossier_id)
    try:
        member = api_views.add_member_to(item, _form_text("user", 100), g.user)
    except ReviewError as exc:
        flash(exc.for_page, "error")
    else:
        db().commit()
        flash(f"{member.name} kan dit dossier nu zien.", "ok")
    return redirect(url_for("web.dossier", dossier_id=item.id))


@web.get("/dossiers/<int:dossier_id>/audit")
@require()
def audit(dossier_id: int):
    item = api_views.visible_dossier(dossier_id)
    return render_template("audit.html", dossier=item, rows=api_views.audit_rows(item.id))


# --- reviewing a document --------------------------------------------------------------------------------

def scan_state(document: Document, page: int, geometry: dict) -> dict:
    """How a page without a text layer was read: ``scan`` is ``read`` (OCR, confident), ``doubtful`` (OCR
    with low confidence), ``unread`` (nothing readable) or None for a text page; ``confidence`` (0-100)."""
    from redaction.ocr import LOW_CONFIDENCE

    confidence = next((p.get("confidence") for p in (document.ocr_pages or []) if p["page"] - 1 == page), None)
    if geometry.get("has_text") is not False:
        return {"scan": None, "confidence": confidence}
    if confidence is None:
        return {"scan": "unread", "confidence": None}
    return {"scan": "read" if confidence >= LOW_CONFIDENCE else "doubtful", "confidence": confidence}


def _groups(findings: list[Finding]):
    """Findings grouped by entity and text (a person's name once, with all its occurrences)."""
    groups: OrderedDict[tuple[str, str], list[Finding]] = OrderedDict()
    for finding in sorted(findings, key=lambda f: (f.entity, review.normalised(f.text), f.page or 0, f.id)):
        groups.setdefault((finding.entity, review.normalised(finding.text)), []).append(finding)
    return groups


@web.get("/documents/<int:document_id>")
@require()
def document(document_id: int):
    item = api_views.visible_document(document_id)
    findings = list(item.findings)
    geometry = []
    if item.status == "ready":
        geometry = pages.page_geometry(current_app.config["DATA_DIR"], item.sha256)
        geometry = [{**g, **scan_state(item, n, g)} for n, g in enumerate(geometry)]
    boxes: dict[int, list[dict]] = {}
    for finding in findings:
        spots = [(finding.page, finding.rects or [])] + [(p["page"], p["rects"]) for p in (finding.more_pages or [])]
        for page, rects in spots:
            if page is None or page >= len(geometry):
                continue
            width, height = geometry[page]["width"], geometry[page]["height"]
            for rect in rects:
                x0, y0, x1, y1 = pages.transform(rect, geometry[page]["matrix"])
                boxes.setdefault(page, []).append({
                    "finding": finding.id, "state": finding.state,
                    "left": 100 * x0 / width, "top": 100 * y0 / height,
                    "width": 100 * (x1 - x0) / width, "height": 100 * (y1 - y0) / height,
                })
    session = db()
    counts = {state: sum(1 for f in findings if f.state == state) for state in STATE_LABELS}
    four_eyes = current_app.config["FOUR_EYES"]
    approval = review.valid_approval(session, item) if four_eyes else None
    # why the release would still be refused (the same rules as api.release_pdf, worded for the page)
    blockers = []
    if item.status != "ready":
        blockers.append("de analyse is nog niet klaar")
    else:
        if counts["suggested"]:
            blockers.append(f"{counts['suggested']} voorstel(len) nog niet beoordeeld")
        if four_eyes and approval is None:
            blockers.append("een tweede beoordelaar moet de beslissingen nog goedkeuren (vier ogen)")
    return render_template(
        "review.html", document=item, dossier=item.dossier, findings=findings, groups=_groups(findings),
        geometry=geometry, boxes=boxes, reviewed=set(review.reviewed_pages(session, item)),
        undecided=counts["suggested"], blockers=blockers, four_eyes=four_eyes, approval=approval,
        grounds=review.grounds(), counts=counts, focus=request.args.get("focus", type=int),
    )


@web.get("/documents/<int:document_id>/pages/<int:page>.png")
@require()
def page_image(document_id: int, page: int):
    item = api_views.visible_document(document_id)
    try:
        path = pages.page_png(current_app.config["DATA_DIR"], item.sha256, page)
    except IndexError:
        raise ReviewError(404, f"Document {document_id} has no page {page}.",
                          f"Document {document_id} heeft geen pagina {page}.") from None
    response = send_file(path, mimetype="image/png", max_age=0)
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


def _after_decision(item: Document, finding_id: int | None = None):
    """Back to the review page, at the next finding that waits for a decision."""
    following = db().scalars(select(Finding.id).where(Finding.document_id == item.id, Finding.state == "suggested")
                             .order_by(Finding.id)).all()
    later = [f for f in following if finding_id is None or f > finding_id] or following
    if later:
        return back_to("web.document", f"f{later[0]}", document_id=item.id, focus=later[0])
    return back_to("web.document", document_id=item.id)


@web.post("/findings/<int:finding_id>/decision")
@require(*api_views.DECIDERS)
def decide(finding_id: int):
    finding = api_views.visible_finding(finding_id, lock=True)
    ground = request.form.get("ground") or None
    try:
        review.decide(db(), g.user, finding, review.check_decision(request.form.get("decision")), ground,
                      _form_text("comment", api_views.MAX_COMMENT, required=False))
    except ReviewError as exc:
        flash(exc.for_page, "error")
        return back_to("web.document", f"f{finding.id}", document_id=finding.document_id)
    _say_added(api_views.cover_accepted(finding.document, request.form.get("decision")))
    db().commit()
    return _after_decision(finding.document, finding.id)


def _say_added(added: list[Finding]) -> None:
    if added:
        flash(f"{len(added)} plaats(en) waar dezelfde tekst nog zonder besluit stond, zijn als voorstel "
              "toegevoegd.", "ok")


@web.post("/documents/<int:document_id>/decisions")
@require(*api_views.DECIDERS)
def decide_many(document_id: int):
    item = api_views.visible_document(document_id)
    text = request.form.get("text") or None
    try:
        changed = review.decide_many(db(), g.user, item, review.check_decision(request.form.get("decision")),
                                     text=text, scope=request.form.get("scope", "document"),
                                     ground=request.form.get("ground") or None)
    except ReviewError as exc:
        flash(exc.for_page, "error")
        return back_to("web.document", document_id=item.id)
    added = api_views.cover_accepted(item, request.form.get("decision"))
    db().commit()
    where = "in het hele dossier" if request.form.get("scope") == "dossier" else "in dit document"
    verb = "gelakt" if request.form.get("decision") == "accept" else "openbaar gemaakt"
    flash(f"{changed} vindplaats(en) {where} {verb}.", "ok")
    _say_added(added)
    return _after_decision(item)


@web.post("/documents/<int:document_id>/accept-all")
@require(*api_views.DECIDERS)
def accept_all(document_id: int):
    item = api_views.visible_document(document_id)
    changed = review.decide_many(db(), g.user, item, "accept")
    added = api_views.cover_accepted(item, "accept")
    db().commit()
    flash(f"Alle {changed} voorstellen in dit document zijn overgenomen.", "ok")
    _say_added(added)
    return back_to("web.document", document_id=item.id)


@web.post("/documents/<int:document_id>/redactions")
@require(*api_views.DECIDERS)
def add_redaction(document_id: int):
    item = api_views.visible_document(document_id)
    form = request.form
    ground = form.get("ground") or None
    data_dir = current_app.config["DATA_DIR"]
    try:
        if form.get("text"):
            found = review.add_manual_text(db(), g.user, item, data_dir, _form_text("text", api_views.MAX_TEXT),
                                           ground)
            message = f"{len(found)} vindplaats(en) van ‘{form['text'].strip()}’ gelakt."
        else:
            try:
                page = int(form.get("page", ""))
                rect = [float(form.get(k, "")) for k in ("x0", "y0", "x1", "y1")]
            except ValueError:
                raise ReviewError(400, "Teken een rechthoek op de pagina.",
                                  "Teken een rechthoek op de pagina.") from None
            found = [review.add_manual_rect(db(), g.user, item, data_dir, page, rect, form.get("words") == "1",
                                            ground)]
            message = "Het getekende vlak wordt gelakt."
    except ReviewError as exc:
        db().rollback()
        flash(exc.for_page, "error")
        return back_to("web.document", document_id=item.id)
    db().commit()
    flash(message, "ok")
    return back_to("web.document", f"f{found[0].id}", document_id=item.id)


@web.post("/documents/<int:document_id>/reviewed-pages")
@require(*api_views.DECIDERS)
def mark_page(document_id: int):
    item = api_views.visible_document(document_id)
    try:
        page = int(request.form.get("page", ""))
        review.mark_pages(db(), g.user, item, [page], request.form.get("reviewed", "1") == "1")
    except (ValueError, ReviewError) as exc:
        flash(getattr(exc, "for_page", "Onbekende pagina."), "error")
        return back_to("web.document", document_id=item.id)
    db().commit()
    return back_to("web.document", f"p{page}", document_id=item.id)


@web.post("/documents/<int:document_id>/approve")
@require(*api_views.DECIDERS)
def approve(document_id: int):
    item = api_views.visible_document(document_id)
    try:
        review.approve(db(), g.user, item)
    except ReviewError as exc:
        flash(exc.for_page, "error")
    else:
        db().commit()
        flash("Goedgekeurd: het document kan worden vrijgegeven.", "ok")
    return back_to("web.document", document_id=item.id)


@web.post("/documents/<int:document_id>/retry")
@require(*api_views.EDITORS, "reviewer")
def retry(document_id: int):
    item = api_views.visible_document(document_id)
    try:
        api_views.retry_analysis(item)
    except ReviewError as exc:
        flash(exc.for_page, "error")
    else:
        flash(f"{item.filename} wordt opnieuw geanalyseerd.", "ok")
    return redirect(url_for("web.dossier", dossier_id=item.dossier_id))


@web.get("/documents/<int:document_id>/review.pdf")
@require()
def review_pdf(document_id: int):
    item = api_views.visible_document(document_id)
    try:
        return api_views.review_pdf(item)
    except ReviewError as exc:
        flash(exc.for_page, "error")
        return back_to("web.document", document_id=item.id)


@web.get("/documents/<int:document_id>/release.pdf")
@require()
def release_pdf(document_id: int):
    item = api_views.visible_document(document_id)
    try:
        return api_views.release_pdf(item, api_views.truthy(request.args.get("force")))
    except ReviewError as exc:
        flash(f"Geen openbare versie gemaakt: {exc.for_page}", "error")
        return back_to("web.document", document_id=item.id)
