"""One document through the whole flow: open, analyse, decide (batch policy), render, verify.

The CLI and the service call these functions; they never re-implement a step.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .analyzer import Engine, get_engine
from .atomic import write_atomic
from .document import Document, open_document
from .errors import DamagedInput, ExitCode, RedactionError, VerificationFailed
from .findings import AREA, DecisionKind, Finding
from .render import ReleaseOptions, render_release, render_review, verify_release
from .render.release import redaction_boxes
from .render.text import render_text_release


@dataclass
class FileResult:
    """What happened to one input, as the report lists it."""

    input: str
    output: str | None = None
    review: str | None = None
    status: str = "ok"
    exit_code: int = 0
    error: str | None = None
    pages: int = 0
    counts_per_entity: dict[str, int] = field(default_factory=dict)
    counts_per_ground: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    ocr_pages: list[dict] = field(default_factory=list)
    converted_from: str | None = None  # the input was not a PDF: "Word", "e-mail (MSG)", "image (PNG)"
    seconds: float = 0.0

    def to_json(self) -> dict:
        return dict(self.__dict__)


def analyze_file(path: str | os.PathLike, engine: Engine | None = None, terms=(), password: str | None = None
                 ) -> tuple[Document, list[Finding]]:
    engine = engine or get_engine()
    document = open_document(path, password=password)
    return document, engine.analyze(document, terms=terms)


def accepted(findings: list[Finding]) -> list[Finding]:
    """The batch policy: every ``redact`` and ``suggest`` finding is accepted."""
    return [f for f in findings if f.decision in (DecisionKind.REDACT, DecisionKind.SUGGEST)]


def scan_warnings(document: Document) -> list[str]:
    """What a reviewer must check by hand: scanned pages OCR could not read, or read with low confidence."""
    from .ocr import LOW_CONFIDENCE

    warnings = []
    for page in document.pages:
        if page.ocr_confidence is not None and page.ocr_confidence < LOW_CONFIDENCE:
            warnings.append(f"page {page.index + 1} was read by OCR with low confidence ({page.ocr_confidence:.0f}%); "
                            "check its redactions by hand")
        elif not page.has_text and not page.ocr_words and page.image_count:
            warnings.append(f"page {page.index + 1} has no text layer and OCR found no text on it; check it by hand")
    return warnings


def ocr_pages(document: Document) -> list[dict]:
    """The pages read by OCR, with Tesseract's mean word confidence (0-100) and the number of words."""
    return [{"page": p.index + 1, "confidence": p.ocr_confidence, "words": p.ocr_words}
            for p in document.pages if p.ocr_confidence is not None or (p.ocr_words == 0 and not p.has_text
                                                                         and p.image_count)]


def redact_file(path: str | os.PathLike, out: Path, review_out: Path | None = None, terms=(),
                password: str | None = None, engine: Engine | None = None,
                options: ReleaseOptions | None = None) -> FileResult:
    """Write a verified release PDF (and optionally a review PDF) for one input; never raises for bad input."""
    started = time.perf_counter()
    result = FileResult(input=str(path), output=str(out))
    document = None
    try:
        engine = engine or get_engine()
        document = open_document(path, password=password)
        if not document.is_pdf:
            findings = engine.analyze(document, terms=terms)
            chosen = accepted(findings)
            kept = [f.text for f in findings if f.decision is DecisionKind.KEEP]
            write_atomic(out, lambda tmp: render_text_release(document.text, chosen, tmp,
                                                               engine.rules.format_ground, kept))
            result.counts_per_entity = dict(Counter(f.entity for f in chosen))
            result.counts_per_ground = dict(Counter(f.ground for f in chosen if f.ground))
            return result
        result.pages = len(document.pages)
        result.warnings = scan_warnings(document)
        result.ocr_pages = ocr_pages(document)
        result.converted_from = document.converted_from
        if document.attachments:
            names = ", ".join(a.name for a in document.attachments)
            result.warnings.append(f"the e-mail's {len(document.attachments)} attachment(s) ({names}) are not in "
                                   "this release; release the e-mail with `woo-redact package` to include them")
        findings = engine.analyze(document, terms=terms)
        fmt = engine.rules.format_ground
        if review_out is not None:
            write_atomic(review_out, lambda tmp: render_review(document.pdf, findings, tmp, fmt))
            result.review = str(review_out)
        first = findings

        def choose(doc: Document) -> tuple[list[Finding], list[str]]:
            nonlocal first
            current, first = (first if first is not None else engine.analyze(doc, terms=terms)), None
            return accepted(current), [f.text for f in current if f.decision is DecisionKind.KEEP]

        opened, document = document, None
        chosen, warnings = release_pdf(path, out, choose, password=password, options=options, format_ground=fmt,
                                       opened=opened)
        result.counts_per_entity = dict(Counter(f.entity for f in chosen))
        result.counts_per_ground = dict(Counter(f.ground for f in chosen if f.ground))
        result.warnings += warnings
    except RedactionError as exc:
        result.status, result.exit_code, result.error = "failed", int(exc.exit_code), str(exc)
        result.output = None
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # a bug or a file MuPDF chokes on: report it, go on with the next file
        result.status, result.exit_code = "failed", int(ExitCode.OTHER)
        result.error = f"{path}: unexpected error ({type(exc).__name__}: {str(exc)[:160]}); please report it."
        result.output = None
    finally:
        if document is not None:
            document.close()
        result.seconds = round(time.perf_counter() - started, 3)
    return result


def release_pdf(path: str | os.PathLike, out: Path, choose, password: str | None = None,
                options: ReleaseOptions | None = None, format_ground=str, opened: Document | None = None,
                ocr: bool = True) -> tuple[list[Finding], list[str]]:
    """Write the verified release of the PDF at ``path`` to ``out`` (atomically); raise if none passes.

    ``choose(document)`` returns the findings to redact and the texts deliberately kept visible; it is
    called once per attempt, each time on a freshly opened document. Attempt 1 works on the file as read.
    A file whose edits MuPDF loses on save, or whose saving or redaction fails, gets attempt 2 on a
    normalised copy (rewritten and re-read in memory); pages where characters then still sit under a box
    get attempt 3, which turns just those pages into pictures with the boxes painted in. Every attempt is
    verified on the saved file; if none passes, no release file is left. Returns the redacted findings
    and warnings for the report. ``opened``, the document already read from ``path``, saves reading it
    again for attempt 1; it is closed here. ``ocr=False`` skips reading scanned pages when ``choose``
    does not need the text (its boxes are known).
    """
    outcome: tuple[list[Finding], list[str]] | None = None

    def write(tmp: Path) -> None:
        nonlocal outcome, opened
        document, opened = (opened or open_document(path, password=password, ocr=ocr)), None
        pages = len(document.pages)
        rasterise: set[int] = set()
        failure: RedactionError | None = None
        try:
            for attempt in range(3):
                if attempt:
                    if attempt == 2:
                        report = getattr(failure, "report", None)
                        if report is None or not report.box_pages or report.other_problems:
                            break
                        rasterise = set(report.box_pages)
                    document.close()
                    document = None
                    try:
                        document = open_document(path, password=password, normalise=True, ocr=ocr)
                    except RedactionError:
                        break
                    if len(document.pages) != pages:
                        break
                chosen, kept_texts = choose(document)
                chosen = [f for f in chosen if f.page is not None]
                boxes = redaction_boxes(chosen, format_ground)
                redacted_texts = [f.text for f in chosen if f.recognizer != AREA]
                try:
                    rasterised = render_release(document.pdf, boxes, redacted_texts, tmp, options, rasterise)
                except DamagedInput as exc:
                    failure = exc
                    continue
                report = verify_release(tmp, boxes, redacted_texts, kept_texts, pages=pages)
                if report.ok:
                    outcome = chosen, [f"page {p + 1} was turned into an image: its text could not be removed "
                                       "otherwise" for p in rasterised]
                    return
                failure = VerificationFailed(
                    f"{path}: verification failed, {report.problems[0]}; no release file was written, "
                    "review this document by hand."
                )
                failure.report = report
        finally:
            if document is not None:
                document.close()
        if isinstance(failure, DamagedInput):
            raise DamagedInput(f"{path}: {failure}") from failure
        raise failure

    try:
        write_atomic(out, write)
    finally:
        if opened is not None:  # the output folder could not be written: ``write`` never ran
            opened.close()
    return outcome
