"""Robustness of `woo-redact redact` on the external corpus of hostile real-world PDFs.

For every PDF of ``../shared/external/pdf-corpus`` (see its SOURCE.md) this picks a word of at least four
letters from the file's own text (the longest word on the first page that has text, whose occurrences are
all whole words), runs the real command line on it with ``--term WORD`` and classifies the outcome:

* ``released``: exit 0, and the word can no longer be read in the output: not in the text layer (not even
  outside the page), annotations, form fields, raw object strings, bookmarks or metadata. This is checked
  here, by re-opening the output, independently of the tool's own verifier;
* ``refused``: a documented non-zero exit code (2, 4, 5 or 8), a one-line message, no traceback and no
  output file (nor a partial one) left behind;
* ``LEAK``: exit 0 but the word is still readable;
* ``CRASH``: a traceback, exit code 15 or death by a signal;
* ``HANG``: the per-file timeout passed;
* ``LOST``: exit 0 but the output is missing or has no pages;
* ``WRONG``: anything else (an undocumented exit code, an output left after a refusal, a message of several
  lines, a zero-page input reported as released).

Files without a usable word (no text) are run with a dummy word: expected released, or refused with exit 2
for a file without pages. Encrypted files get the password from ``passwords.json``; for
``pdfjs/saslprep-r6.pdf`` the raw password of pdf.js' manifest is passed, so the tool has to apply SASLprep.

The word choice and the check of the output run in a separate worker process, so a file that crashes
MuPDF cannot take this script down.

    .venv/bin/python benchmarks/pdf_corpus.py [--only GLOB] [--limit N] [--jobs N] [--timeout S]
                                              [--batch N] [--json OUT.json]

``--batch N`` runs the CLI on N files at a time (``--out-dir``, ``--report``, all their words as terms),
which saves the start-up of the engine; a batch that dies or times out is re-run one file at a time.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "external" / "pdf-corpus"
WOO = REPO / ".venv" / "bin" / "woo-redact"
DUMMY = "Qxzvwjkq"
DOCUMENTED_REFUSALS = {2, 4, 5, 8}
CLASSES = ["released", "refused", "LEAK", "CRASH", "HANG", "LOST", "WRONG"]
BAD = {"LEAK", "CRASH", "HANG", "LOST", "WRONG"}
# Passwords given as a user would type them: the manifest of pdf.js has this one before SASLprep.
RAW_PASSWORDS = {"pdfjs/saslprep-r6.pdf": "S\u00aaSL\u00adprep"}


# --------------------------------------------------------------------------------------------------
# The worker: word choice and output check, run in a child process (MuPDF may crash on these files).

def _text_flags():
    import pymupdf

    flags = pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_ACCURATE_BBOXES
    return flags  # no ligatures kept (so "ﬁ" reads "fi"), no clipping to the page


def _open(path: str, password: str | None):
    import pymupdf

    doc = pymupdf.open(path)
    if doc.needs_pass:
        if not password or not doc.authenticate(password):
            doc.close()
            return None
    return doc


def _page_texts(doc, flags) -> list[str | None]:
    texts = []
    for i in range(doc.page_count):
        try:
            texts.append(doc[i].get_text("text", flags=flags))
        except Exception:
            texts.append(None)
    return texts


_WORD = re.compile(r"[^\W\d_]{4,}")


def _whole_word_everywhere(word: str, text: str) -> bool:
    """Every case-insensitive occurrence of ``word`` in ``text`` stands alone (no letter, digit, hyphen,
    @, _ or inner dot next to it), so any occurrence left in the output counts as readable."""
    low, w = text.casefold(), word.casefold()
    at = low.find(w)
    found = False
    while at >= 0:
        before = low[at - 1] if at else " "
        end = at + len(w)
        after = low[end] if end < len(low) else " "
        after2 = low[end + 1] if end + 1 < len(low) else " "
        if before.isalnum() or before in "-@_." or after.isalnum() or after in "-@_" or \
                (after == "." and after2.isalnum()):
            return False
        found = True
        at = low.find(w, at + 1)
    return found


def select_word(path: str, password: str | None) -> dict:
    doc = _open(path, password)
    if doc is None:
        return {"word": None, "pages": None, "why": "encrypted"}
    try:
        pages = doc.page_count
        texts = _page_texts(doc, _text_flags())
        everything = "\n".join(t for t in texts if t)
        joined = re.sub(r"-\s*\n\s*", "", everything)
        for text in texts:
            if not text or not _WORD.search(text):
                continue
            words = sorted(set(_WORD.findall(text)), key=lambda w: (-len(w), text.find(w)))
            for word in words[:40]:
                # Also no occurrence split by a line-end hyphen ("consec-\ntetuer"): the engine matches
                # terms as written, and such a split is not what this benchmark measures.
                if len(word) <= 40 and _whole_word_everywhere(word, everything) and \
                        _whole_word_everywhere(word, joined) and \
                        joined.casefold().count(word.casefold()) == everything.casefold().count(word.casefold()):
                    return {"word": word, "pages": pages, "why": "", "count": everything.casefold().count(word.casefold())}
            break  # only the first page with text
        return {"word": None, "pages": pages, "why": "no text"}
    finally:
        doc.close()


_STRING_KEYS = ("Contents", "V", "DV", "RC", "T", "TU", "TM", "Title", "Subject", "Author", "Keywords",
                "Creator", "Producer", "Opt", "CA", "AC", "RC", "Dest", "URI", "F", "UF", "Desc", "Name", "ActualText", "Alt", "E")


def check_output(path: str, word: str, password: str | None) -> dict:
    """Where ``word`` can still be read in the file at ``path`` (an empty list: nowhere)."""
    import pymupdf

    try:
        doc = _open(path, password)
    except Exception as exc:
        return {"pages": 0, "where": [f"output cannot be opened ({exc})"]}
    if doc is None:
        return {"pages": 0, "where": ["output is encrypted"]}
    where: list[str] = []
    w = word.casefold()

    def look(place: str, text) -> None:
        if text and w in re.sub(r"-\s*\n\s*", "", str(text)).casefold():
            where.append(place)

    try:
        flags = _text_flags()
        for i in range(doc.page_count):
            try:
                page = doc[i]
            except Exception as exc:
                where.append(f"page {i + 1} cannot be loaded ({type(exc).__name__})")
                continue
            try:
                look(f"text of page {i + 1}", page.get_text("text", flags=flags))
            except Exception as exc:
                where.append(f"text of page {i + 1} cannot be read ({type(exc).__name__})")
            try:
                for annot in page.annots() or []:
                    look(f"annotation on page {i + 1}", " ".join(str(v) for v in (annot.info or {}).values()))
                for widget in page.widgets() or []:
                    look(f"form field on page {i + 1}",
                         f"{widget.field_value or ''} {widget.field_label or ''} {widget.choice_values or ''}")
            except Exception as exc:
                where.append(f"annotations of page {i + 1} cannot be read ({type(exc).__name__})")
        look("metadata", " ".join(str(v) for v in (doc.metadata or {}).values() if v))
        look("XMP metadata", doc.get_xml_metadata())
        try:
            look("bookmarks", " ".join(str(e[1]) for e in doc.get_toc(simple=True)))
        except Exception:
            pass
        try:
            look("embedded files", " ".join(doc.embfile_names()))
        except Exception:
            pass
        # Strings anywhere in the object graph: annotations MuPDF does not list, orphaned fields, ...
        for xref in range(1, doc.xref_length()):
            try:
                keys = doc.xref_get_keys(xref)
            except Exception:
                continue
            for key in keys:
                if key in _STRING_KEYS:
                    kind, value = doc.xref_get_key(xref, key)
                    if kind in ("string", "array", "dict", "name"):
                        look(f"/{key} of object {xref}", value)
        return {"pages": doc.page_count, "where": sorted(set(where))}
    finally:
        doc.close()


def worker_main() -> int:
    # MuPDF writes warnings to the standard output: keep the protocol on a private copy of it.
    channel = os.fdopen(os.dup(1), "w", buffering=1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    for line in sys.stdin:
        request = json.loads(line)
        try:
            if request["op"] == "select":
                answer = select_word(request["path"], request.get("password"))
            else:
                answer = check_output(request["path"], request["word"], request.get("password"))
        except Exception as exc:
            answer = {"error": f"{type(exc).__name__}: {str(exc)[:200]}"}
        channel.write(json.dumps(answer) + "\n")
        channel.flush()
    return 0


class Worker:
    """A child process answering select/check requests; restarted when it dies or hangs."""

    def __init__(self):
        self.proc = None

    def _start(self):
        self.proc = subprocess.Popen([sys.executable, __file__, "--_worker"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1)

    def ask(self, request: dict, timeout: float) -> dict:
        if self.proc is None or self.proc.poll() is not None:
            self._start()
        try:
            self.proc.stdin.write(json.dumps(request) + "\n")
            self.proc.stdin.flush()
            ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
            line = self.proc.stdout.readline() if ready else ""
        except (BrokenPipeError, OSError):
            line = ""
        if line:
            try:
                return json.loads(line)
            except ValueError:
                pass
        self.stop()
        return {"error": "worker died or hung"}

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None


# --------------------------------------------------------------------------------------------------
# The runs.

@dataclass
class Outcome:
    file: str
    word: str | None
    klass: str = ""
    exit_code: int | None = None
    seconds: float = 0.0
    detail: str = ""
    pages: int | None = None
    dummy: bool = False


def passwords() -> dict[str, str]:
    table = json.loads((CORPUS / "passwords.json").read_text(encoding="utf-8"))
    return table


def corpus_files(only: str | None, limit: int | None) -> list[str]:
    files = sorted(str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*.pdf"))
    if only:
        files = [f for f in files if fnmatch.fnmatch(f, only) or fnmatch.fnmatch(Path(f).name, only)]
    return files[:limit] if limit else files


def _one_sentence(stderr: str) -> bool:
    lines = [l for l in stderr.splitlines() if l.strip() and not re.match(r"woo-redact: \d+ of \d+ released", l)]
    return len(lines) <= 2 and all(l.startswith("woo-redact: ") for l in lines)


def classify(outcome: Outcome, rc: int | None, stderr: str, out: Path, worker: Worker, word: str,
             password: str | None, timeout: float, error_line: str | None = None) -> None:
    """Fill in ``outcome.klass`` from what the CLI did for one file."""
    outcome.exit_code = rc
    leftovers = [p.name for p in out.parent.glob(".partial-*")]
    if rc is None:
        outcome.klass, outcome.detail = "HANG", f"no answer within {timeout:.0f} s"
        return
    if "Traceback (most recent call last)" in stderr:
        outcome.klass, outcome.detail = "CRASH", stderr.strip().splitlines()[-1][:200]
        return
    if rc < 0:
        outcome.klass, outcome.detail = "CRASH", f"killed by signal {-rc}"
        return
    if rc == 15:
        outcome.klass, outcome.detail = "CRASH", (error_line or stderr.strip())[:240]
        return
    if rc == 0:
        if not out.exists():
            outcome.klass, outcome.detail = "LOST", "exit 0 but no output file"
            return
        if outcome.pages == 0:
            outcome.klass, outcome.detail = "WRONG", "input without pages reported as released"
            return
        answer = worker.ask({"op": "check", "path": str(out), "word": word, "password": password}, timeout)
        if "error" in answer:
            outcome.klass, outcome.detail = "LEAK", f"output could not be checked ({answer['error']})"
        elif answer["pages"] == 0:
            outcome.klass, outcome.detail = "LOST", "output has no pages"
        elif answer["where"]:
            outcome.klass, outcome.detail = "LEAK", f"{word!r} readable in " + "; ".join(answer["where"][:4])
        elif leftovers:
            outcome.klass, outcome.detail = "WRONG", f"partial files left: {leftovers}"
        else:
            outcome.klass = "released"
        return
    message = error_line if error_line is not None else stderr.strip()
    if rc not in DOCUMENTED_REFUSALS:
        outcome.klass, outcome.detail = "WRONG", f"undocumented exit code {rc}: {message[:200]}"
    elif out.exists() or leftovers:
        outcome.klass, outcome.detail = "WRONG", f"exit {rc} but an output was left: {message[:200]}"
    elif error_line is None and not _one_sentence(stderr):
        outcome.klass, outcome.detail = "WRONG", f"exit {rc} with a long message: {message[:200]}"
    else:
        outcome.klass, outcome.detail = "refused", message.replace("woo-redact: ", "")[:240]


def choose(rel: str, worker: Worker, pw_table: dict, timeout: float) -> tuple[Outcome, str | None, str]:
    """The outcome skeleton, the password to give the CLI and the word to redact."""
    select_pw = pw_table.get(rel)
    cli_pw = RAW_PASSWORDS.get(rel, select_pw)
    answer = worker.ask({"op": "select", "path": str(CORPUS / rel), "password": select_pw}, timeout)
    word = answer.get("word")
    outcome = Outcome(file=rel, word=word, pages=answer.get("pages"), dummy=not word)
    return outcome, cli_pw, word or DUMMY


def run_single(rel: str, worker: Worker, pw_table: dict, timeout: float, tmp: Path) -> Outcome:
    outcome, password, word = choose(rel, worker, pw_table, timeout)
    outdir = Path(tempfile.mkdtemp(dir=tmp))
    out = outdir / "release.pdf"
    cmd = [str(WOO), "redact", str(CORPUS / rel), "--out", str(out), "--term", word]
    if password:
        cmd += ["--password", password]
    started = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, errors="replace")
        rc, stderr = proc.returncode, proc.stderr
    except subprocess.TimeoutExpired:
        rc, stderr = None, ""
    outcome.seconds = round(time.perf_counter() - started, 2)
    classify(outcome, rc, stderr, out, worker, word, password, timeout)
    shutil.rmtree(outdir, ignore_errors=True)
    return outcome


def run_batch(rels: list[str], worker: Worker, pw_table: dict, timeout: float, tmp: Path) -> list[Outcome]:
    """One CLI process for several files (same password); the union of their words as terms."""
    chosen = [choose(rel, worker, pw_table, timeout) for rel in rels]
    password = chosen[0][1]
    batch = Path(tempfile.mkdtemp(dir=tmp))
    indir, outdir = batch / "in", batch / "out"
    indir.mkdir()
    names = []
    for i, (outcome, _, _) in enumerate(chosen):
        name = f"{i:03d}_{Path(outcome.file).stem}"
        (indir / f"{name}.pdf").symlink_to(CORPUS / outcome.file)
        names.append(name)
    terms = batch / "terms.txt"
    terms.write_text("\n".join(sorted({w for _, _, w in chosen})) + "\n", encoding="utf-8")
    report = batch / "report.json"
    cmd = [str(WOO), "redact", *(str(indir / f"{n}.pdf") for n in names), "--out-dir", str(outdir),
           "--report", str(report), "--terms-file", str(terms)]
    if password:
        cmd += ["--password", password]
    started = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout * len(rels),
                              errors="replace")
        rc, stderr = proc.returncode, proc.stderr
    except subprocess.TimeoutExpired:
        rc, stderr = None, ""
    elapsed = time.perf_counter() - started
    results = {}
    if rc is not None and rc >= 0 and report.exists():
        for entry in json.loads(report.read_text(encoding="utf-8"))["files"]:
            results[Path(entry["input"]).stem] = entry
    if len(results) != len(rels) or "Traceback (most recent call last)" in stderr:
        # The process died, hung or raised: find out which file did it, one file at a time.
        shutil.rmtree(batch, ignore_errors=True)
        return [run_single(rel, worker, pw_table, timeout, tmp) for rel in rels]
    outcomes = []
    for (outcome, pw, word), name in zip(chosen, names):
        entry = results[name]
        outcome.seconds = entry.get("seconds") or round(elapsed / len(rels), 2)
        error = entry.get("error")
        if error is not None and ("\n" in error or not error.strip()):
            outcome.klass, outcome.exit_code, outcome.detail = "WRONG", entry["exit_code"], "multi-line error"
        else:
            classify(outcome, entry["exit_code"], "", outdir / f"{name}.pdf", worker, word, pw, timeout,
                     error_line=error or "")
        outcomes.append(outcome)
    shutil.rmtree(batch, ignore_errors=True)
    return outcomes


def run(files: list[str], jobs: int, timeout: float, batch: int, progress: bool = True) -> list[Outcome]:
    pw_table = passwords()
    # Batches hold files that need the same password (most need none).
    groups: list[list[str]] = []
    if batch > 1:
        by_pw: dict[str | None, list[str]] = {}
        for rel in files:
            by_pw.setdefault(RAW_PASSWORDS.get(rel, pw_table.get(rel)), []).append(rel)
        for members in by_pw.values():
            groups += [members[i : i + batch] for i in range(0, len(members), batch)]
    else:
        groups = [[rel] for rel in files]
    outcomes: list[Outcome] = []
    lock = threading.Lock()
    queue = list(reversed(groups))
    done = [0]

    def work(tmp: Path):
        worker = Worker()
        try:
            while True:
                with lock:
                    if not queue:
                        return
                    group = queue.pop()
                if len(group) == 1:
                    got = [run_single(group[0], worker, pw_table, timeout, tmp)]
                else:
                    got = run_batch(group, worker, pw_table, timeout, tmp)
                with lock:
                    outcomes.extend(got)
                    done[0] += len(got)
                    if progress:
                        for o in got:
                            if o.klass in BAD:
                                print(f"  {o.klass:<8} {o.file}: {o.detail}", file=sys.stderr, flush=True)
                        print(f"  [{done[0]}/{len(files)}]", file=sys.stderr, flush=True)
        finally:
            worker.stop()

    with tempfile.TemporaryDirectory(prefix="woo_pdfcorpus_") as tmp:
        threads = [threading.Thread(target=work, args=(Path(tmp),)) for _ in range(max(1, min(jobs, 2)))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    return sorted(outcomes, key=lambda o: o.file)


def table(outcomes: list[Outcome]) -> str:
    counts = Counter(o.klass for o in outcomes)
    refused = Counter(o.exit_code for o in outcomes if o.klass == "refused")
    lines = [f"{'outcome':<10} {'files':>6}"]
    for klass in CLASSES:
        lines.append(f"{klass:<10} {counts.get(klass, 0):>6}")
        if klass == "refused" and refused:
            lines += [f"  exit {code:<3} {n:>6}" for code, n in sorted(refused.items())]
    lines.append(f"{'total':<10} {len(outcomes):>6}   (of which {sum(o.dummy for o in outcomes)} "
                 f"without a usable word, run with {DUMMY!r})")
    return "\n".join(lines)


def main() -> int:
    if "--_worker" in sys.argv:
        return worker_main()
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", help="only files whose corpus path or name matches this glob")
    ap.add_argument("--limit", type=int, help="at most this many files")
    ap.add_argument("--jobs", type=int, default=2, help="parallel runs (at most 2)")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per file")
    ap.add_argument("--batch", type=int, default=1, help="files per CLI process (1: one process per file)")
    ap.add_argument("--json", type=Path, help="write every outcome to this JSON file")
    ap.add_argument("--list-refused", action="store_true", help="also list the refused files")
    args = ap.parse_args()
    if not CORPUS.is_dir():
        print(f"corpus not found at {CORPUS}", file=sys.stderr)
        return 2
    files = corpus_files(args.only, args.limit)
    started = time.perf_counter()
    outcomes = run(files, min(args.jobs, 2), args.timeout, args.batch)
    elapsed = time.perf_counter() - started
    print(table(outcomes))
    print(f"{len(outcomes)} files in {elapsed:.0f} s (jobs={min(args.jobs, 2)}, batch={args.batch})")
    shown = [o for o in outcomes if o.klass in BAD or (args.list_refused and o.klass == "refused")]
    for o in shown:
        print(f"{o.klass:<8} {o.file} [exit {o.exit_code}, word {o.word!r}]: {o.detail}")
    if args.json:
        args.json.write_text(json.dumps([asdict(o) for o in outcomes], indent=1, ensure_ascii=False))
    return 1 if any(o.klass in BAD for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
