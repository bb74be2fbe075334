"""Background analysis, in-process: a small thread pool runs the engine and stores its findings."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from sqlalchemy import select

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
            stranded = session.scalars(select(Document).where(Document.status.in_(("queued", "analyzing")))
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
        sessions = self.app.extensions["woo_redact"]["sessions"]
        with sessions() as session:
            document = session.get(Document, document_id)
            if document is None or document.status != "queued":
                return
            document.status = "analyzing"
            session.commit()
            path = file_path(self.app.config["DATA_DIR"], document.sha256)
            try:
                pages, findings = _analyse(path)
            except Exception as exc:  # any failure is shown on the document, never lost in a thread
                log.exception("analysis of document %s failed", document_id)
                session.rollback()
                document = session.get(Document, document_id)
                document.status = "failed"
                document.error = _sentence(exc)
                session.commit()
                return
            for f in findings:
                session.add(Finding(document_id=document_id, **f))
            document.pages = pages
            document.status = "ready"
            document.error = None
            session.commit()


def _analyse(path) -> tuple[int, list[dict]]:
    from redaction.analyzer import get_engine
    from redaction.pipeline import analyze_file

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
        return len(document.pages), rows
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
