"""Release packages in the service: a ZIP uploaded into a dossier, its job, and the dossier's release ZIP.

The API and the web pages call these operations; the work itself is ``service.jobs``.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from . import consistency, review
from .app import place
from .jobs import new_package_job, new_release_job, progress, release_zip_path
from .models import Decision, Document, Dossier, Finding, Job, User
from .review import ReviewError, audit

BUSY = ("waiting", "queued", "analyzing")


def runner():
    return current_app.extensions["woo_redact"]["jobs"]


def accept_package(db, user: User, dossier: Dossier, upload: FileStorage | None) -> Job:
    """Store the uploaded ZIP (streamed to disk) and start its package job."""
    if upload is None or not upload.filename and not upload.content_length:
        raise ReviewError(400, "Send one ZIP file in the multipart field 'file'.",
                          "Kies één ZIP-bestand met het pakket (het multipart-veld 'file').")
    data_dir = Path(current_app.config["DATA_DIR"])
    folder = data_dir / "packages"
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".upload-", suffix=".zip")
    digest = hashlib.sha256()
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in iter(lambda: upload.stream.read(1 << 20), b""):
                digest.update(chunk)
                handle.write(chunk)
        if not zipfile.is_zipfile(tmp):
            raise ReviewError(415, f"The file {upload.filename or 'sent'!r} is not a ZIP file; send the package "
                                   "as one ZIP (single PDFs go to the documents upload).",
                              f"Het bestand{' ' + repr(upload.filename) if upload.filename else ''} is geen "
                              "ZIP-bestand; stuur het pakket als één ZIP-bestand (losse PDF's uploadt u bij de "
                              "documenten).")
        from redaction.package.unpack import Limits, PackageError, check_declared

        try:
            check_declared(tmp, current_app.config.get("PACKAGE_LIMITS") or Limits())
        except PackageError as exc:
            raise ReviewError(413, f"The package is refused: {exc}", f"Het pakket is geweigerd: {exc}") from None
        stored = folder / f"{digest.hexdigest()}.zip"
        os.replace(tmp, stored)
    finally:
        Path(tmp).unlink(missing_ok=True)
    from .intake import stored_name

    name = stored_name(upload.filename or "pakket.zip")[:-4]
    name = name if name.lower().endswith(".zip") else name + ".zip"
    job = new_package_job(db, dossier, str(stored.relative_to(data_dir)), name, user_id=user.id)
    audit(db, user, dossier.id, "package.upload", None,
          {"job": job.id, "filename": name, "sha256": digest.hexdigest(), "bytes": stored.stat().st_size})
    db.commit()
    runner().start(job.id)
    return job


def job_json(db, job: Job) -> dict:
    data = {"id": job.id, "kind": job.kind, "dossier_id": job.dossier_id, "status": job.status,
            "filename": job.filename, "error": job.error, "created_at": job.created_at.isoformat(),
            "finished_at": job.finished_at.isoformat() if job.finished_at else None,
            "progress": progress(db, job), "result": _public_result(job)}
    return data


def _public_result(job: Job) -> dict | None:
    if not job.result:
        return None
    return {k: v for k, v in job.result.items() if k not in ("zip",)}


def release_fingerprint(db, dossier: Dossier, force: bool) -> str:
    """What the release ZIP depends on: the documents and their states, every finding and decision."""
    documents = db.execute(select(Document.id, Document.status).where(Document.dossier_id == dossier.id)
                           .order_by(Document.id)).all()
    ids = [d.id for d in documents]
    last_finding = db.scalar(select(func.max(Finding.id)).where(Finding.document_id.in_(ids))) if ids else None
    last_decision = db.scalar(select(func.max(Decision.id)).join(Finding).where(Finding.document_id.in_(ids))) \
        if ids else None
    text = f"{force}|{documents}|{last_finding}|{last_decision}"
    return hashlib.sha256(text.encode()).hexdigest()


class NotMade(ReviewError):
    """No release ZIP was made (or is being made) for the dossier's current decisions."""


def release_package(db, user: User, dossier: Dossier, force: bool, start: bool = True) -> tuple[Job, Path | None]:
    """The dossier's release ZIP: the finished job and its file when it is up to date, else the job that
    makes it (already under way, or with ``start`` started now; without ``start``, ``NotMade``). Refused
    (409) while documents are still analysed or suggestions are open (an admin may force: they are then
    redacted), or without four-eyes approvals. Only ``start`` changes anything: a download (a GET) never
    starts work or adds suggestions."""
    if db.scalar(select(func.count()).select_from(Job).where(Job.dossier_id == dossier.id, Job.kind == "package",
                                                             Job.status.in_(("queued", "running")))):
        raise ReviewError(409, "A package is still being processed in this dossier; wait for its job to finish.",
                          "In dit dossier wordt nog een pakket verwerkt; wacht tot die taak klaar is.")
    busy = db.scalar(select(func.count()).select_from(Document).where(Document.dossier_id == dossier.id,
                                                                      Document.status.in_(BUSY)))
    if busy:
        raise ReviewError(409, f"{busy} documents of this dossier are still being analysed; try again shortly.",
                          f"{busy} documenten van dit dossier worden nog geanalyseerd; probeer het zo meteen "
                          "opnieuw.")
    ready = list(db.scalars(select(Document).where(Document.dossier_id == dossier.id, Document.status == "ready")))
    if not ready:
        raise ReviewError(409, "This dossier has no analysed document to release.",
                          "Dit dossier heeft geen geanalyseerd document dat openbaar gemaakt kan worden.")
    added = consistency.cover_for_release(db, current_app.config["DATA_DIR"], user, ready) if start else None
    open_count = db.scalar(select(func.count()).select_from(Finding).join(Document).where(
        Document.dossier_id == dossier.id, Document.status == "ready", Finding.state == "suggested"))
    if force and open_count and user.role != "admin":
        raise ReviewError(403, "Only an admin may force a release while suggestions are undecided.",
                          "Alleen een beheerder mag een openbaarmaking forceren zolang er nog voorstellen "
                          "zonder besluit zijn.")
    blockers = []  # (English, Dutch)
    if open_count and not force:
        blockers.append(consistency.undecided_blocker(open_count, added))
    if current_app.config["FOUR_EYES"]:
        missing = sum(1 for d in ready if review.valid_approval(db, d) is None)
        if missing:
            blockers.append((f"{missing} documents lack a second reviewer's approval (four-eyes)",
                             f"{missing} documenten missen de goedkeuring van een tweede beoordelaar "
                             "(vier-ogenprincipe)"))
    if blockers:
        raise ReviewError(409, f"The release of this dossier is not possible yet: "
                               f"{'; '.join(e for e, _ in blockers)}.",
                          f"De openbaarmaking van dit dossier is nog niet mogelijk: "
                          f"{'; '.join(nl for _, nl in blockers)}.")
    forced = bool(force and open_count)
    mark = release_fingerprint(db, dossier, forced)
    for job in db.scalars(select(Job).where(Job.dossier_id == dossier.id, Job.kind == "release")
                          .order_by(Job.id.desc())):
        if (job.options or {}).get("fingerprint") != mark or job.status == "failed":
            continue
        path = release_zip_path(place(current_app), job.id)
        if job.status == "done" and path.is_file():
            return job, path
        if job.status in ("queued", "running"):
            return job, None
    if not start:
        raise NotMade(409, "No release package has been made for the current decisions; ask for one with POST "
                           "(the dossier page's button).",
                      "Er is nog geen releasepakket gemaakt voor de huidige besluiten; maak het met de knop op de "
                      "dossierpagina (of vraag het aan met een POST-verzoek).")
    job = new_release_job(db, dossier, force=forced, user_id=user.id, options={"fingerprint": mark})
    audit(db, user, dossier.id, "package.release", None,
          {"job": job.id, "forced": forced, "undecided_redacted": open_count if forced else 0})
    db.commit()
    runner().start(job.id)
    return job, None
