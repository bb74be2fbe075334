"""Jobs: a release package analysed, and a dossier released, resumably, by any number of workers.

A job is a row in ``jobs`` and a sequence of phases. A *step* phase is done once by whoever drives the job
(``unpack``, ``group``, ``consistency``, ``assemble``); a *task* phase is one task per document (``read``,
``analyse``, ``release``) that any worker may run, in any order, in any process. Every step and task keeps
its state in the database and commits its result in one transaction together with the mark that it is
done, so a job stopped at any moment (even ``kill -9``) goes on from its rows: finished documents are not
done again, and none is lost or stored twice (a task claims its document with a token and stores its
result only while the claim is still its own).

Package job:  unpack -> read -> group -> analyse -> consistency
Release job:  release -> assemble

``LocalRunner`` drives a job in this process with a pool of worker processes (the embedded default, and the
CLI); ``service.worker`` runs the same functions on Celery workers.
"""

from __future__ import annotations

import hashlib
import logging
import os
import posixpath
import uuid
import zipfile
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import func, or_, select, update

from redaction.package import dutch

from .models import Document, Dossier, Finding, Job, JobItem, utcnow
from .storage import file_path

log = logging.getLogger(__name__)

PHASES = {
    "package": ("unpack", "read", "group", "analyse", "consistency"),
    "release": ("release", "assemble"),
}
TASK_PHASES = frozenset({"read", "analyse", "release"})
# Where each phase starts and ends on the job's progress bar (percent).
_SPAN = {"unpack": (0, 5), "read": (5, 20), "group": (20, 22), "analyse": (22, 95), "consistency": (95, 100),
         "release": (0, 95), "assemble": (95, 100)}
UNEXPECTED = "an unexpected error ({}); please report it."


@dataclass(frozen=True)
class Place:
    """Where a job's data lives: the data folder and the database. Plain strings, so any process can get it."""

    data_dir: str
    database_url: str
    max_pages: int = 2000

    def to_json(self) -> dict:
        return asdict(self)


_sessionmakers: dict[tuple[int, str], object] = {}


def sessions(place: Place):
    """This process's write sessions for ``place`` (an engine per process: connections never cross a fork)."""
    key = (os.getpid(), place.database_url)
    if key not in _sessionmakers:
        from . import db

        _sessionmakers[key] = db.make_sessionmaker(db.make_engine(place.database_url), writes=True)
    return _sessionmakers[key]


def forget(place: Place) -> None:
    """Close this process's connections to ``place``'s database (before its files are removed)."""
    maker = _sessionmakers.pop((os.getpid(), place.database_url), None)
    if maker is not None:
        maker.kw["bind"].dispose()


# --- making jobs -----------------------------------------------------------------------------------------

def new_package_job(db, dossier: Dossier, source: str, filename: str, user_id: int | None = None,
                    options: dict | None = None) -> Job:
    """A package job for the ZIP or folder at ``source`` (absolute, or relative to the data folder)."""
    job = Job(dossier_id=dossier.id, kind="package", status="queued", phase="unpack", source=source,
              filename=filename, options=options or {}, created_by=user_id)
    db.add(job)
    db.flush()
    return job


def new_release_job(db, dossier: Dossier, force: bool, user_id: int | None = None, options: dict | None = None
                    ) -> Job:
    """A release job for every analysed document of the dossier (duplicates and unsupported files are listed
    in its inventory, not released). With ``force`` open suggestions are redacted (the batch policy)."""
    job = Job(dossier_id=dossier.id, kind="release", status="queued", phase="release",
              options={"force": bool(force), **(options or {})}, created_by=user_id)
    db.add(job)
    db.flush()
    for document_id in db.scalars(select(Document.id).where(Document.dossier_id == dossier.id,
                                                            Document.status == "ready").order_by(Document.id)):
        db.add(JobItem(job_id=job.id, document_id=document_id, status="pending"))
    db.flush()
    return job


# --- driving a job ---------------------------------------------------------------------------------------

def pending(place: Place, job_id: int, phase: str, running_too: bool = False) -> list[int]:
    """The documents whose task in ``phase`` is still to do (with ``running_too``: or under way)."""
    with sessions(place)() as db:
        if phase == "read":
            query = select(Document.id).where(Document.job_id == job_id, Document.status == "waiting",
                                              Document.text.is_(None))
        elif phase == "analyse":
            states = ("queued", "analyzing") if running_too else ("queued",)
            query = select(Document.id).where(Document.job_id == job_id, Document.status.in_(states))
        elif phase == "release":
            states = ("pending", "running") if running_too else ("pending",)
            query = select(JobItem.document_id).where(JobItem.job_id == job_id, JobItem.status.in_(states))
        else:
            return []
        return list(db.scalars(query.order_by(*query.selected_columns)))


def advance(place: Place, job_id: int, phase: str) -> bool:
    """Move the job from ``phase`` to the next one, if it is still in ``phase`` and nothing of it is left;
    return whether this call moved it (of several workers finishing at once, exactly one does)."""
    if phase in TASK_PHASES and pending(place, job_id, phase, running_too=True):
        return False
    with sessions(place)() as db:
        job = db.get(Job, job_id)
        phases = PHASES[job.kind]
        following = phases[phases.index(phase) + 1] if phases.index(phase) + 1 < len(phases) else None
        values = {"phase": following} if following else {"phase": "done", "status": "done",
                                                          "finished_at": utcnow()}
        moved = db.execute(update(Job).where(Job.id == job_id, Job.phase == phase, Job.status != "failed")
                           .values(**values)).rowcount
        db.commit()
        return bool(moved)


def fail(place: Place, job_id: int, error: str) -> None:
    with sessions(place)() as db:
        db.execute(update(Job).where(Job.id == job_id).values(status="failed", error=error, finished_at=utcnow()))
        db.commit()


def run_step(place: Place, job_id: int, phase: str) -> None:
    """Do the step ``phase`` of the job and move it on; a failure ends the job with one sentence."""
    from redaction.errors import RedactionError

    step = {"unpack": _unpack, "group": _group, "consistency": _consistency, "assemble": _assemble}[phase]
    try:
        with sessions(place)() as db:
            db.execute(update(Job).where(Job.id == job_id, Job.status == "queued").values(status="running"))
            db.commit()
        step(place, job_id)
    except RedactionError as exc:
        fail(place, job_id, str(exc))
        return
    except Exception as exc:
        log.exception("job %s failed in %s", job_id, phase)
        fail(place, job_id, f"The {phase} step failed: " + UNEXPECTED.format(type(exc).__name__))
        return
    advance(place, job_id, phase)


def run_task(place: Place, phase: str, job_id: int, document_id: int) -> None:
    """One document's task; its failure is stored on the document (or the job item), never raised."""
    from redaction import ocr

    ocr.set_cache_dir(Path(place.data_dir) / "cache")
    if phase == "read":
        _read(place, document_id)
    elif phase == "analyse":
        from .analysis import analyse_document

        analyse_document(sessions(place), Path(place.data_dir), document_id)
    elif phase == "release":
        _release(place, job_id, document_id)
    else:
        raise ValueError(f"no task phase {phase!r}")


MAX_ATTEMPTS = 3
STOPPED = "its worker stopped {} times while processing this document (a file that crashes the PDF engine, " \
          "or too little memory); review it by hand."


def reset_claims(place: Place, job_id: int) -> None:
    """Hand back what a stopped worker had claimed for this job, so that it is done (once) again; a document
    that was under way in ``MAX_ATTEMPTS`` stops fails instead, so one bad file cannot stop a package."""
    failed = STOPPED.format(MAX_ATTEMPTS)
    with sessions(place)() as db:
        stranded = (Document.job_id == job_id) & (
            (Document.status == "analyzing") | ((Document.status == "waiting") & Document.text.is_(None)))
        db.execute(update(Document).where(stranded, Document.attempts >= MAX_ATTEMPTS)
                   .values(status="failed", error=failed, claim=None))
        db.execute(update(Document).where(Document.job_id == job_id, Document.status == "analyzing")
                   .values(status="queued", claim=None))
        db.execute(update(JobItem).where(JobItem.job_id == job_id, JobItem.status == "running",
                                         JobItem.attempts >= MAX_ATTEMPTS)
                   .values(status="failed", claim=None, result={"error": failed, "exit_code": 15}))
        db.execute(update(JobItem).where(JobItem.job_id == job_id, JobItem.status == "running")
                   .values(status="pending", claim=None))
        db.commit()


def unfinished(place: Place) -> list[int]:
    with sessions(place)() as db:
        return list(db.scalars(select(Job.id).where(Job.status.in_(("queued", "running"))).order_by(Job.id)))


def state(place: Place, job_id: int) -> tuple[str, str]:
    with sessions(place)() as db:
        job = db.get(Job, job_id)
        return job.status, job.phase


class LocalRunner:
    """Drives jobs in this process: the steps here, the documents' tasks in ``workers`` worker processes
    (one worker: here too). ``on_progress(job_id)`` is called after every finished task and step."""

    def __init__(self, place: Place, workers: int = 1, on_progress=None):
        self.place = place
        self.workers = max(1, int(workers))
        self.on_progress = on_progress or (lambda _job_id: None)
        self._pool: ProcessPoolExecutor | None = None

    def run(self, job_id: int) -> str:
        """Run the job to its end (or go on with it after a stop); return its final status.

        The worker processes stay for the next job (their engine is loaded); ``close`` ends them.
        """
        reset_claims(self.place, job_id)
        while True:
            status, phase = state(self.place, job_id)
            if status in ("done", "failed"):
                return status
            if phase in TASK_PHASES:
                self._tasks(job_id, phase)
                if not advance(self.place, job_id, phase) and not pending(self.place, job_id, phase):
                    reset_claims(self.place, job_id)
            else:
                run_step(self.place, job_id, phase)
            self.on_progress(job_id)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _tasks(self, job_id: int, phase: str) -> None:
        ids = pending(self.place, job_id, phase)
        if self.workers > 1 and phase == "read":
            # A text document is read in milliseconds and needs no engine: that is done here, while the
            # worker processes start and load their engines; scans (OCR, seconds a page) go to the workers.
            self._start_pool()
            scans = []
            for document_id in ids:
                if not _read(self.place, document_id, ocr=False):
                    scans.append(document_id)
                self.on_progress(job_id)
            ids = scans
        if self.workers == 1:
            for document_id in ids:
                run_task(self.place, phase, job_id, document_id)
                self.on_progress(job_id)
            return
        self._start_pool()
        futures = {self._pool.submit(run_task, self.place, phase, job_id, i): i for i in ids}
        try:
            while futures:
                done, _ = wait(futures, return_when=FIRST_COMPLETED)
                for future in done:
                    futures.pop(future)
                    future.result()
                    self.on_progress(job_id)
        except BrokenProcessPool:
            # A worker died (a file that crashes MuPDF, or memory): the documents under way go back in the
            # queue, and one that was under way too often fails (reset_claims).
            self._pool = None
            reset_claims(self.place, job_id)


    def _start_pool(self) -> None:
        if self._pool is not None:
            return
        import multiprocessing

        # spawn, not fork: the parent may hold threads, database connections and MuPDF state.
        self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                         initializer=_warm_worker)
        for _ in range(self.workers):  # start them all now; each loads its engine at once
            self._pool.submit(int)


def _warm_worker() -> None:
    """A worker process's start: stop when the parent is gone (a ``kill -9`` of the runner would otherwise
    leave idle workers behind), then build the engine before the first document."""
    import threading
    import time

    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="woo-parent-watch", daemon=True).start()
    from redaction.analyzer import get_engine

    get_engine()


# --- the steps and tasks ---------------------------------------------------------------------------------

def source_path(place: Place, job: Job) -> Path:
    source = Path(job.source)
    return source if source.is_absolute() else Path(place.data_dir) / source


def _unpack(place: Place, job_id: int) -> None:
    """Every file of the package becomes a document row: PDFs (and text, typeset) stored once by content and
    ``waiting``; images, Office files and e-mails stored as they came, to become PDFs when read; byte-identical
    copies ``duplicate`` of the first; other files ``unsupported`` with the reason. All rows and the move to
    the next phase are one commit: a stop before it leaves no row behind."""
    from redaction.package.unpack import Limits, unpack

    with sessions(place)() as db:
        job = db.get(Job, job_id)
        if job.phase != "unpack":
            return
        if db.scalar(select(func.count()).select_from(Document).where(Document.job_id == job_id)):
            return
        by_hash = _originals_by_hash(db, job.dossier_id)
        seq = 0
        for entry in unpack(source_path(place, job), Limits()):
            seq += 1
            _add_file(db, place, job, seq, entry.path, entry.kind, entry.content, entry.reason, by_hash)
        if seq == 0:
            from redaction.package.unpack import PackageError

            raise PackageError(f"{job.filename or 'the package'} holds no files; nothing to release.")
        db.commit()


def _originals_by_hash(db, dossier_id: int) -> dict[str, int]:
    """The dossier's documents by the hash of the file as it came (a converted one by its original's)."""
    rows = db.execute(select(func.coalesce(Document.original_sha256, Document.sha256), Document.id)
                      .where(Document.dossier_id == dossier_id, Document.duplicate_of.is_(None),
                             Document.status != "unsupported").order_by(Document.id))
    return {sha: i for sha, i in rows}


def _add_file(db, place: Place, job: Job, seq: int, path: str, kind: str, content: bytes | None,
              reason: str | None, by_hash: dict[str, int], family: int | None = None) -> Document:
    """One file of the package (or an e-mail's attachment) as a document row, its bytes stored."""
    from redaction.convert.inputs import CONVERTED

    from . import storage
    from .intake import stored_name

    name = posixpath.basename(path)
    document = Document(dossier_id=job.dossier_id, job_id=job.id, seq=seq, path=path, sha256="",
                        filename=stored_name(name), family_id=str(family) if family else None)
    if kind == "text" and content is not None:
        content = _text_as_pdf(content, name)
    if content is None:
        document.status, document.error = "unsupported", reason or "this file type is not supported."
        document.filename = _plain_name(name)
    else:
        document.sha256 = storage.store(Path(place.data_dir), content)
        if kind in CONVERTED:
            document.source_kind, document.original_sha256 = kind, document.sha256
        original = by_hash.get(document.sha256)
        if original is not None:
            document.status, document.duplicate_of = "duplicate", original
            document.duplicate_kind, document.similarity = "exact", 1.0
        else:
            document.status = "waiting"
    db.add(document)
    db.flush()
    if document.status == "waiting":
        by_hash[document.sha256] = document.id
    return document


def _plain_name(name: str) -> str:
    from werkzeug.utils import secure_filename

    return (secure_filename(name) or "bestand")[-255:]


def _text_as_pdf(content: bytes, name: str) -> bytes:
    """A plain-text file as a PDF of its text, so that it is reviewed and released like every other document."""
    from redaction.convert.typeset import text_to_pdf

    return text_to_pdf(content, title=name)


def _read(place: Place, document_id: int, ocr: bool = True) -> bool:
    """Extract the text of a waiting document (for duplicates and consistency) and its date and pages.

    With ``ocr`` false a document with scanned pages is left as it is and False returned: the runner reads
    text documents itself, quickly, and hands scans to its workers.
    """
    from redaction.document import open_document
    from redaction.errors import RedactionError
    from redaction.package.duplicates import document_date

    from redaction.convert.inputs import convert

    from . import storage

    data_dir = Path(place.data_dir)
    with sessions(place)() as db:
        document = db.get(Document, document_id)
        if document is None or document.status != "waiting" or document.text is not None:
            return True
        unconverted = bool(document.source_kind) and document.sha256 == document.original_sha256
        if not ocr and unconverted:
            return False  # LibreOffice and OCR take seconds: a worker's job
        if ocr:
            document.attempts += 1  # counted before the file is opened: a crash while reading counts too
            db.commit()
        path = file_path(data_dir, document.sha256)
        name = posixpath.basename(document.path or document.filename)
    error = text = converted = None
    pages = 0
    try:
        if unconverted:
            converted = convert(name, path.read_bytes())
            path = file_path(data_dir, storage.store(data_dir, converted.pdf))
        opened = open_document(path, ocr=ocr)
        try:
            if not ocr and any(page.scanned for page in opened.pages):
                return False
            text, pages = opened.text, len(opened.pages)
        finally:
            opened.close()
        if pages > place.max_pages:
            error = f"the document has {pages} pages; the limit is {place.max_pages}."
    except RedactionError as exc:
        error = str(exc).replace(str(path), document.path or document.filename)
    except Exception as exc:
        log.exception("reading document %s failed", document_id)
        error = UNEXPECTED.format(type(exc).__name__)
    with sessions(place)() as db:
        document = db.get(Document, document_id)
        if document.status != "waiting" or document.text is not None:
            return
        document.pages = pages
        if error:
            document.status, document.error = "failed", error
        else:
            document.text = text
            document.doc_date = document_date(text)
            if converted is not None:
                document.sha256, document.source = path.stem, converted.source
                _add_attachments(db, place, document, converted.attachments)
        db.commit()
    return True


def _add_attachments(db, place: Place, mail: Document, attachments: list) -> None:
    """An e-mail's attachments as documents of its family, read next (exact copies are duplicates)."""
    from redaction.convert.inputs import input_kind
    from redaction.package.unpack import unsupported_reason

    if not attachments:
        return
    job = db.get(Job, mail.job_id)
    by_hash = _originals_by_hash(db, mail.dossier_id)
    mail.family_id = str(mail.id)
    for attachment in attachments:
        head = attachment.content[:4096]
        kind = input_kind(attachment.name, head) if attachment.content else None
        reason = None if kind else (unsupported_reason(attachment.name, head) if attachment.content
                                    else "the attachment is empty")
        _add_file(db, place, job, mail.seq or 0, f"{mail.path or mail.filename}/{attachment.name}", kind or "",
                  attachment.content if kind else None, reason, by_hash, family=mail.id)


def _group(place: Place, job_id: int) -> None:
    """Near-duplicates, e-mail threads and families among the package's readable documents; the rest is
    queued for analysis. One commit."""
    from redaction.package.duplicates import PackageText, email_threads, families, find_duplicates

    with sessions(place)() as db:
        job = db.get(Job, job_id)
        if job.phase != "group":
            return
        documents = list(db.scalars(select(Document).where(Document.job_id == job_id,
                                                           Document.status == "waiting").order_by(Document.seq)))
        texts = [PackageText(key=str(d.id), path=d.path or d.filename, text=d.text or "", sha256=d.sha256)
                 for d in documents]
        duplicates = find_duplicates(texts)
        threads = email_threads(texts)
        family = families(texts)
        for document in documents:
            key = str(document.id)
            document.thread_id = threads.get(key)
            document.family_id = document.family_id or family.get(key)
            match = duplicates.get(key)
            if match is not None:
                document.status, document.duplicate_of = "duplicate", int(match.original)
                document.duplicate_kind, document.similarity = match.kind, round(match.similarity, 3)
            else:
                document.status = "queued"
        db.flush()
        # A byte-identical copy of a document that has just turned out to be a near-duplicate points at the
        # original itself (no chains), and sits in the same thread.
        for copy in db.scalars(select(Document).where(Document.job_id == job_id, Document.status == "duplicate",
                                                      Document.duplicate_kind == "exact")):
            original = db.get(Document, copy.duplicate_of)
            if original is None:
                continue
            # the inventory lists the copy with its original's date and pages
            copy.doc_date, copy.pages = copy.doc_date or original.doc_date, copy.pages or original.pages
            if original.job_id != job_id:
                continue
            copy.thread_id = copy.thread_id or original.thread_id
            if original.status == "duplicate":
                copy.duplicate_of, copy.duplicate_kind = original.duplicate_of, original.duplicate_kind
                copy.similarity = original.similarity
        db.commit()


def _consistency(place: Place, job_id: int) -> None:
    """Every name the package (or the dossier) redacts is found in every document; earlier decisions hold."""
    from . import consistency

    with sessions(place)() as db:
        job = db.get(Job, job_id)
        added = consistency.add_occurrences(db, Path(place.data_dir), job.dossier_id)
        inherited = consistency.inherit_decisions(db, job.dossier_id)
        job.result = {**(job.result or {}), "consistency": {"added": added, "inherited": inherited}}
        db.commit()


def _release(place: Place, job_id: int, document_id: int) -> None:
    """The verified release PDF of one document, into the job's folder; the outcome on the job item."""
    from redaction.errors import RedactionError

    from .exports import release_counts, write_release

    token = uuid.uuid4().hex
    with sessions(place)() as db:
        claimed = db.execute(update(JobItem).where(JobItem.job_id == job_id, JobItem.document_id == document_id,
                                                   JobItem.status == "pending")
                             .values(status="running", claim=token, attempts=JobItem.attempts + 1)).rowcount
        db.commit()
        if not claimed:
            return
        job = db.get(Job, job_id)
        force = bool((job.options or {}).get("force"))
        document = db.get(Document, document_id)
        rows = list(db.scalars(select(Finding).where(Finding.document_id == document_id).order_by(Finding.id)))
        db.expunge_all()
    out = job_dir(place, job_id) / "documents" / f"{document_id}.pdf"
    try:
        _, warnings, _ = write_release(Path(place.data_dir), document, rows, include_suggested=force, out=out)
        result = {"output": str(out.relative_to(place.data_dir)), "pages": document.pages, "warnings": warnings,
                  **release_counts(rows, include_suggested=force)}
        status = "done"
    except RedactionError as exc:
        result = {"error": str(exc).replace(str(file_path(Path(place.data_dir), document.sha256)),
                                            document.path or document.filename),
                  "exit_code": int(exc.exit_code)}
        status = "failed"
    except Exception as exc:
        log.exception("release of document %s failed", document_id)
        result = {"error": UNEXPECTED.format(type(exc).__name__), "exit_code": 15}
        status = "failed"
    with sessions(place)() as db:
        db.execute(update(JobItem).where(JobItem.job_id == job_id, JobItem.document_id == document_id,
                                         JobItem.claim == token)
                   .values(status=status, result=result, claim=None))
        db.commit()


def job_dir(place: Place, job_id: int) -> Path:
    return Path(place.data_dir) / "jobs" / str(job_id)


def release_zip_path(place: Place, job_id: int) -> Path:
    return job_dir(place, job_id) / "release.zip"


def _assemble(place: Place, job_id: int) -> None:
    """The release ZIP: the release PDFs, the inventory list (CSV, XLSX) and the report, written atomically."""
    from redaction.package import inventory
    from redaction.atomic import write_atomic

    with sessions(place)() as db:
        job = db.get(Job, job_id)
        dossier = db.get(Dossier, job.dossier_id)
        folder = job_dir(place, job_id)
        rows, files = inventory_rows(db, job, folder)
        target = release_zip_path(place, job_id)
        inventory.write_csv(rows, folder / "inventarislijst.csv")
        inventory.write_xlsx(rows, folder / "inventarislijst.xlsx")
        inventory.write_report(rows, folder / "rapport.html", title=dossier.title, case_number=dossier.case_number)

        def write(tmp: Path) -> None:
            with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                for name in ("inventarislijst.csv", "inventarislijst.xlsx", "rapport.html"):
                    archive.write(folder / name, name)
                for name, path in files:
                    archive.write(path, name)

        write_atomic(target, write)
        counts = Counter(r.beoordeling for r in rows)
        job.result = {**(job.result or {}), "zip": str(target.relative_to(place.data_dir)),
                      "documents": len(rows), "released": len(files), "beoordeling": dict(counts),
                      "sha256": hashlib.sha256(target.read_bytes()).hexdigest()}
        db.commit()


def inventory_order(db, dossier_id: int) -> list[Document]:
    """The dossier's documents in inventory order: as they came, an e-mail's attachments right after it."""
    return sorted(db.scalars(select(Document).where(Document.dossier_id == dossier_id)),
                  key=lambda d: (d.job_id or 0, d.seq or 0, d.id))


def inventory_rows(db, job: Job, folder: Path):
    """The inventory list of the dossier as this release job made it, and the (name in ZIP, file) pairs;
    ``folder`` is the job's folder, where its release PDFs are."""
    from redaction.package.inventory import InventoryRow

    dossier = db.get(Dossier, job.dossier_id)
    items = {i.document_id: i for i in db.scalars(select(JobItem).where(JobItem.job_id == job.id))}
    documents = inventory_order(db, job.dossier_id)
    number = {d.id: f"{n:04d}" for n, d in enumerate(documents, start=1)}
    threads: dict[str, str] = {}
    rows, files = [], []
    for document in documents:
        name = document.path or document.filename
        row = InventoryRow(id=number[document.id], document=name, file_type=_file_type(name, document.status),
                           date=document.doc_date, pages=document.pages or 0, case_number=dossier.case_number)
        if document.family_id and document.family_id.isdigit() and int(document.family_id) in number:
            row.family_id = number[int(document.family_id)]
        if document.thread_id:
            row.thread_id = threads.setdefault(document.thread_id, f"E{len(threads) + 1:03d}")
        item = items.get(document.id)
        if document.status == "duplicate":
            row.status = "duplicate"
            row.duplicate_of = number.get(document.duplicate_of)
        elif document.status == "unsupported":
            row.status, row.note = "unsupported", dutch.reason(document.error, "unsupported")
        elif item is not None and item.status == "done":
            row.status = "released"
            row.counts_per_ground = dict(item.result.get("counts_per_ground") or {})
            row.counts_per_entity = dict(item.result.get("counts_per_entity") or {})
            notes = [n for n in map(dutch.warning, item.result.get("warnings") or []) if n]
            read = [p for p in (document.ocr_pages or []) if p.get("confidence") is not None]
            if read:
                lowest = min(p["confidence"] for p in read)
                notes.append(f"{len(read)} pagina('s) gelezen met tekstherkenning (OCR), laagste betrouwbaarheid "
                             f"{lowest:.0f}%" + (": controleer de lakken" if lowest < _low_confidence() else ""))
            if document.source:
                notes.append(f"omgezet naar PDF uit {document.source}")
            row.note = "; ".join(notes) or None
            files.append((f"documenten/{row.id} {_zip_name(name)}", folder / "documents" / f"{document.id}.pdf"))
        else:
            row.status = "failed"
            error = (item.result or {}).get("error") if item is not None and item.result else document.error
            row.note = dutch.reason(error or "not analysed", "failed")
        rows.append(row)
    return rows, files


def _low_confidence() -> float:
    from redaction.ocr import LOW_CONFIDENCE

    return LOW_CONFIDENCE


def _file_type(name: str, status: str) -> str:
    suffix = posixpath.splitext(name)[1].lstrip(".").upper()
    return suffix or ("PDF" if status != "unsupported" else "?")


def _zip_name(path: str) -> str:
    base = posixpath.basename(path)
    stem, suffix = posixpath.splitext(base)
    return f"{stem}.pdf" if suffix.lower() != ".pdf" else base


# --- progress --------------------------------------------------------------------------------------------

def progress(db, job: Job) -> dict:
    """What a progress bar shows: the phase, its documents done and to do, and a percentage of the job."""
    if job.kind == "package":
        statuses = dict(db.execute(select(Document.status, func.count()).where(Document.job_id == job.id)
                                   .group_by(Document.status)).all())
        total = sum(statuses.values())
        if job.phase == "read":
            left = db.scalar(select(func.count()).select_from(Document).where(
                Document.job_id == job.id, Document.status == "waiting", Document.text.is_(None)))
            todo = db.scalar(select(func.count()).select_from(Document).where(
                Document.job_id == job.id, or_(Document.status == "waiting", Document.text.is_not(None))))
            todo = max(todo or 0, left or 0)
            done = todo - left
        elif job.phase == "analyse":
            left = statuses.get("queued", 0) + statuses.get("analyzing", 0)
            todo = left + statuses.get("ready", 0) + db.scalar(
                select(func.count()).select_from(Document).where(Document.job_id == job.id,
                                                                 Document.status == "failed",
                                                                 Document.text.is_not(None)))
            done = todo - left
        else:
            done = todo = total
        counts = statuses
    else:
        statuses = dict(db.execute(select(JobItem.status, func.count()).where(JobItem.job_id == job.id)
                                   .group_by(JobItem.status)).all())
        todo = sum(statuses.values())
        done = statuses.get("done", 0) + statuses.get("failed", 0)
        counts = statuses
    if job.status == "done":
        percent = 100.0
    else:
        low, high = _SPAN.get(job.phase, (0, 100))
        share = done / todo if (job.phase in TASK_PHASES and todo) else 0.0
        percent = low + (high - low) * share
    return {"phase": job.phase, "done": done, "total": todo, "percent": round(percent, 1), "counts": counts}


class BackgroundRunner:
    """The embedded service's runner: one thread works through the started jobs, one after another, each
    with a ``LocalRunner`` (its documents in ``workers`` processes)."""

    def __init__(self, place: Place, workers: int = 1):
        import queue
        import threading

        self.place = place
        self.workers = workers
        self._queue: queue.Queue[int | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self, job_id: int) -> None:
        import threading

        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._work, name="woo-jobs", daemon=True)
                self._thread.start()
        self._queue.put(job_id)

    def recover(self) -> list[int]:
        """Start again every job a stopped process left unfinished."""
        unfinished_jobs = unfinished(self.place)
        for job_id in unfinished_jobs:
            self.start(job_id)
        return unfinished_jobs

    def shutdown(self) -> None:
        self._queue.put(None)

    def _work(self) -> None:
        runner = LocalRunner(self.place, self.workers)
        try:
            while True:
                job_id = self._queue.get()
                if job_id is None:
                    return
                try:
                    runner.run(job_id)
                except Exception:  # the job's rows stay as they were: a restart goes on with it
                    log.exception("job %s stopped", job_id)
                if self._queue.empty():  # idle workers would only hold memory
                    runner.close()
        finally:
            runner.close()
