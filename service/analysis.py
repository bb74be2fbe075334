"""Background analysis, in-process: a small thread pool runs the engine and stores its findings."""

from __future__ import annotations

import logging
import threading
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import select, update

from .models import Document, Finding
from .storage import file_path

log = logging.getLogger(__name__)

INTERRUPTED = "analysis was interrupted; retry"

_STATE_OF_DECISION = {"redact": "suggested", "suggest": "suggested", "keep": "kept"}


class Analyser:
    def __init__(self, app):
        self.app = app
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def submit(self, document_id: int) -> Future:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=self.app.config["ANALYSIS_WORKERS"],
                                                thread_name_prefix="woo-analysis")
        return self._pool.submit(self.run, document_id)

    def shutdown(self, wait: bool = True) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=wait)
                self._pool = None

    def recover(self) -> list[int]:
        """Queue again the documents a stopped process left queued or analyzing; fail those without a file.

        Returns the ids that were queued again.
        """
        sessions = self.app.extensions["woo_redact"]["sessions"]
        requeued = []
        with sessions() as session:
            # A package's documents are its job's to resume (service/jobs.py).
            stranded = session.scalars(select(Document).where(Document.status.in_(("queued", "analyzing")),
                                                              Document.job_id.is_(None))
                                       .order_by(Document.id)).all()
            for document in stranded:
                if file_path(self.app.config["DATA_DIR"], document.sha256).is_file():
                    document.status = "queued"
                    document.error = None
                    requeued.append(document.id)
                else:
                    document.status = "failed"
                    document.error = INTERRUPTED
            session.commit()
        for document_id in requeued:
            self.submit(document_id)
        return requeued

    def run(self, document_id: int) -> None:
        """Analyse one uploaded document, then make the dossier consistent around it."""
        from . import consistency

        sessions = self.app.extensions["woo_redact"]["write_sessions"]
        if not analyse_document(sessions, self.app.config["DATA_DIR"], document_id):
            return
        with sessions() as session:
            document = session.get(Document, document_id)
            try:
                # Its names are looked up in the other documents, theirs in it; earlier decisions apply to it.
                consistency.add_occurrences(session, self.app.config["DATA_DIR"], document.dossier_id)
                consistency.inherit_decisions(session, document.dossier_id)
                session.commit()
            except Exception:  # the findings are stored; consistency is redone by the next document or package
                log.exception("consistency after document %s failed", document_id)
                session.rollback()


def analyse_document(sessions, data_dir, document_id: int) -> bool:
    """Analyse a ``queued`` document and store its text and findings; return whether this call did it.

    Safe to call twice, from any process: the call claims the document first, and stores its results only
    while the claim is still its own (a restarted job may have handed the document to another worker).
    A failure is stored on the document as one sentence, never raised.
    """
    token = uuid.uuid4().hex
    with sessions() as session:
        claimed = session.execute(
            update(Document).where(Document.id == document_id, Document.status == "queued")
            .values(status="analyzing", claim=token, attempts=Document.attempts + 1)
        ).rowcount
        session.commit()
        if not claimed:
            return False
        document = session.get(Document, document_id)
        path = file_path(Path(data_dir), document.sha256)
    try:
        pages, text, findings, read_by_ocr = _analyse(path)
        error = None
    except Exception as exc:  # any failure is shown on the document, never lost in a worker
        log.exception("analysis of document %s failed", document_id)
        error = _sentence(exc)
    with sessions() as session:
        document = session.get(Document, document_id)
        if document is None or document.claim != token or document.status != "analyzing":
            return False
        if error is not None:
            document.status, document.error = "failed", error
        else:
            for f in findings:
                session.add(Finding(document_id=document_id, **f))
            document.pages, document.text, document.ocr_pages = pages, text, read_by_ocr or None
            if document.doc_date is None:
                from redaction.package.duplicates import document_date

                document.doc_date = document_date(text)
            document.status, document.error = "ready", None
        document.claim = None
        session.commit()
    return error is None


def _analyse(path) -> tuple[int, str, list[dict], list[dict]]:
    from redaction.analyzer import get_engine
    from redaction.pipeline import analyze_file, ocr_pages

    document, findings = analyze_file(path, get_engine())
    try:
        rows = []
        for f in findings:
            rows.append({
                "key": f.id,
                "entity": f.entity,
                "text": f.text,
                "start": f.start,
                "end": f.end,
                "page": f.page,
                **stored_boxes(f),
                "ground": f.ground,
                "score": float(f.score),
                "recognizer": f.recognizer,
                "reason": f.reason,
                "state": _STATE_OF_DECISION[f.decision.value],
            })
        return len(document.pages), document.text, rows, ocr_pages(document)
    finally:
        document.close()


def rounded(rects) -> list[list[float]]:
    """Boxes as stored: lists of four numbers, to a hundredth of a point."""
    return [[round(v, 2) for v in r] for r in rects]


def stored_boxes(finding) -> dict:
    """An engine finding's boxes as stored: ``rects`` on its first page, ``more_pages`` for the others."""
    return {"rects": rounded(finding.rects),
            "more_pages": [{"page": p, "rects": rounded(rs)} for p, rs in finding.extra_pages] or None}


def _sentence(exc: Exception) -> str:
    from redaction.errors import RedactionError

    if isinstance(exc, RedactionError):
        return str(exc)
    return f"The analysis failed unexpectedly ({type(exc).__name__})."
