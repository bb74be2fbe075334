"""``woo-redact package``: a release package from the command line, with the service's job code.

The command keeps the job in a work folder beside the output (``OUT.zip.work/``: an SQLite database and
the stored files), runs the package job and then a release job with the batch policy (every suggestion
redacted), and writes OUT.zip atomically. Stopped at any moment, even by ``kill -9``, the same command
goes on where it was; the work folder is removed once OUT.zip is complete.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import sys
from pathlib import Path

from redaction.errors import BadArguments, ExitCode, InputError, OutputError

WORK_SUFFIX = ".work"


def fingerprint(source: Path) -> str:
    """What identifies the input: its path, and the names, sizes and times of its files."""
    digest = hashlib.sha256(str(source).encode())
    if source.is_dir():
        for path in sorted(source.rglob("*")):
            try:
                stat = path.lstat()
            except OSError:
                continue
            digest.update(f"{path.relative_to(source)}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    else:
        stat = source.stat()
        digest.update(f"{stat.st_size}|{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def run(source: Path, out: Path, report: Path | None = None, workers: int = 1, work: Path | None = None,
        case_number: str = "", keep_work: bool = False, show_progress: bool = True) -> int:
    from sqlalchemy import select

    from . import db, jobs
    from .models import Dossier, Job, JobItem

    source = source.resolve()
    if not source.exists():
        raise InputError(f"{source}: not found; give a ZIP file or a folder.")
    out = out.resolve()
    if out.suffix.lower() != ".zip":
        raise BadArguments(f"{out}: the output must be a .zip file.")
    if out.exists() and out.is_dir():
        raise BadArguments(f"{out}: is a folder; give the name of the ZIP file to write.")
    work = (work or out.with_name(out.name + WORK_SUFFIX)).resolve()
    try:
        work.mkdir(parents=True, exist_ok=True)
        lock = open(work / "lock", "w")
    except OSError as exc:
        raise OutputError(f"cannot write the work folder {work} ({exc.strerror}); choose another output.") from exc
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        raise BadArguments(f"another woo-redact package command is working in {work}; wait for it.") from None

    place = jobs.Place(data_dir=str(work), database_url=f"sqlite:///{work / 'package.db'}")
    mark = fingerprint(source)
    engine = db.make_engine(place.database_url)
    db.upgrade(engine)
    engine.dispose()
    sessions = jobs.sessions(place)
    with sessions() as session:
        package = session.scalar(select(Job).where(Job.kind == "package").order_by(Job.id))
        if package is not None and (package.options or {}).get("fingerprint") != mark:
            _say(f"the input changed since the work in {work} began; starting again.")
            session.close()
            jobs.forget(place)
            lock.close()
            shutil.rmtree(work)
            return run(source, out, report, workers, None if work == out.with_name(out.name + WORK_SUFFIX)
                       else work, case_number, keep_work, show_progress)
        if package is None:
            dossier = Dossier(title=source.name, case_number=case_number)
            session.add(dossier)
            session.flush()
            package = jobs.new_package_job(session, dossier, str(source), source.name,
                                           options={"fingerprint": mark})
            session.commit()
        elif package.status != "queued":
            _say(f"going on with the work in {work}.")
        package_id, dossier_id = package.id, package.dossier_id

    bar = _Bar(show_progress)
    runner = jobs.LocalRunner(place, workers, on_progress=lambda job_id: bar.update(place, job_id))
    try:
        if runner.run(package_id) == "failed":
            with sessions() as session:
                error = session.get(Job, package_id).error
            bar.close()
            raise InputError(error or "the package could not be read.")
        with sessions() as session:
            release = session.scalar(select(Job).where(Job.kind == "release").order_by(Job.id))
            if release is None:
                release = jobs.new_release_job(session, session.get(Dossier, dossier_id), force=True)
                session.commit()
            release_id = release.id
        status = runner.run(release_id)
    finally:
        bar.close()
        runner.close()
    with sessions() as session:
        release = session.get(Job, release_id)
        if status == "failed":
            raise OutputError(release.error or "the release package could not be written.")
        rows, _ = jobs.inventory_rows(session, release, jobs.job_dir(place, release_id))
        items = {i.document_id: i for i in session.scalars(select(JobItem).where(JobItem.job_id == release_id))}
        documents = jobs.inventory_order(session, dossier_id)
        built = jobs.release_zip_path(place, release_id)
        summary = dict(release.result or {})
        consistency = (session.get(Job, package_id).result or {}).get("consistency")
    _copy(built, out)
    files = [_report_entry(row, document, items.get(document.id)) for row, document in zip(rows, documents)]
    if report is not None:
        _write_json(report, {"input": str(source), "output": str(out), "summary": summary,
                             "consistency": consistency, "files": files})
    failed = [f for f in files if f["status"] == "failed"]
    released = sum(1 for f in files if f["status"] == "released")
    duplicates = sum(1 for f in files if f["status"] == "duplicate")
    unsupported = sum(1 for f in files if f["status"] == "unsupported")
    _say(f"{released} released, {duplicates} duplicates, {unsupported} not supported"
         + (f", {len(failed)} failed" if failed else "") + f" of {len(files)} files; {out}"
         + (f"; report in {report}" if report else ""))
    jobs.forget(place)
    lock.close()
    if not keep_work:
        shutil.rmtree(work, ignore_errors=True)
    return failed[0]["exit_code"] if failed else int(ExitCode.OK)


def _report_entry(row, document, item) -> dict:
    entry = {"id": row.id, "path": row.document, "status": row.status, "beoordeling": row.beoordeling,
             "grounds": row.grounds, "pages": row.pages, "counts_per_ground": row.counts_per_ground,
             "counts_per_entity": row.counts_per_entity, "duplicate_of": row.duplicate_of,
             "duplicate_kind": document.duplicate_kind, "similarity": document.similarity,
             "family_id": row.family_id, "thread_id": row.thread_id, "note": row.note,
             "converted_from": document.source, "ocr_pages": document.ocr_pages or [], "exit_code": 0}
    if row.status == "failed":
        entry["exit_code"] = int((item.result or {}).get("exit_code", ExitCode.INPUT_FILE)) if item else \
            int(ExitCode.INPUT_FILE)
    return entry


def _copy(built: Path, out: Path) -> None:
    from redaction.atomic import write_atomic

    write_atomic(out, lambda tmp: shutil.copyfile(built, tmp))


def _write_json(path: Path, data: dict) -> None:
    from redaction.atomic import write_atomic

    def write(tmp: Path) -> None:
        tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str), encoding="utf-8")

    write_atomic(path, write)


def _say(message: str) -> None:
    print(f"woo-redact: {message}", file=sys.stderr, flush=True)


class _Bar:
    """A progress bar per phase on a terminal (tqdm); a line per phase otherwise."""

    LABELS = {"unpack": "unpacking", "read": "reading", "group": "duplicates", "analyse": "analysing",
              "consistency": "consistency", "release": "releasing", "assemble": "inventory", "done": "done"}

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.tty = sys.stderr.isatty()
        self.phase = None
        self.bar = None
        self.last = 0.0

    def update(self, place, job_id: int) -> None:
        import time

        # Counting costs queries: a few times a second is enough for a person watching.
        if not self.enabled or time.monotonic() - self.last < 0.25:
            return
        self.last = time.monotonic()
        from . import jobs
        from .models import Job

        with jobs.sessions(place)() as session:
            job = session.get(Job, job_id)
            state = jobs.progress(session, job)
        if state["phase"] != self.phase:
            self.close()
            self.phase = state["phase"]
            if self.phase not in jobs.TASK_PHASES:
                return
            if self.tty:
                from tqdm import tqdm

                self.bar = tqdm(total=state["total"], desc=self.LABELS.get(self.phase, self.phase), unit="doc",
                                file=sys.stderr)
            else:
                _say(f"{self.LABELS.get(self.phase, self.phase)} {state['total']} documents")
        if self.bar is not None:
            self.bar.total = state["total"]
            self.bar.n = state["done"]
            self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def default_workers() -> int:
    return max(1, min(2, os.cpu_count() or 1))
