"""OCR throughput on the scanned pages of the corpus: Tesseract alone, woo-redact's reading of a scan, and
the whole `woo-redact redact` flow, with 1 and with 2 processes.

The scanned documents are those whose gold file says ``"scanned": true`` (by default in ``dev`` and
``train`` of ``../shared/corpus``: 12 documents, 40 pages, every page one image without a text layer).
They are copied into a temporary folder first (with ``--limit-pages N`` only the first N pages are kept,
the last document cut short), so that all three measurements read exactly the same pages:

1. **tesseract alone.** Every page is rendered once, untimed, to a grey PNG at 300 dpi with PyMuPDF (as
   ``redaction.ocr.read_page`` does). Then ``tesseract IMG stdout -l nld --dpi 300 --psm 3 tsv`` with
   ``OMP_THREAD_LIMIT=1`` is timed over all images: one after the other (1 process), and from a pool of
   2 concurrently running subprocesses (2 processes). One untimed run first loads the Dutch model into
   the page cache. The TSV outputs of both runs are compared (they should be identical).
2. **open_document (render + OCR + text map).** ``redaction.document.open_document`` on every document
   (render, Tesseract, character map), in a ``multiprocessing`` pool ("spawn") of 1 and of 2 worker
   processes; each worker takes whole documents, largest first. The pool is fresh for each run, so
   the in-process OCR memo is empty; the workers import woo-redact and check for Tesseract before the
   clock starts (the start-up time is kept in the JSON). The mean OCR confidence per document comes from
   ``PageInfo.ocr_confidence`` of the documents opened here (mean of the pages' confidences, each of which
   is Tesseract's word confidence weighted by word length).
3. **woo-redact redact (whole flow).** ``.venv/bin/woo-redact redact FILES --out-dir TMP --report R.json``
   as one fresh process (analysis, release and verification), timed from start to exit: the start-up
   and the loading of the analysis engine are included, as a user waits for them.

Pages per second are pages read divided by wall time; the speed-up is 1-process time over 2-process time.

    .venv/bin/python benchmarks/ocr_throughput.py [--corpus DIR ...] [--limit-pages N] [--json FILE]

Caveat: the figures hold for the machine they were measured on. The development machine has 2 cores,
so 2 processes is the most that can help (and a speed-up near 2 is the ceiling); anything else running
on the machine at the same time lowers the 2-process figures first. So during every timed run the
machine's load is measured and printed: how busy its CPUs were (``/proc/stat``) and for what share of
the time some task waited for a CPU (``/proc/pressure/cpu``). With 1 process about 50% busy and little
waiting is a clean run; a waiting share well above zero means another process competed for the cores
and the pages per second of that run are too low. A full run over the 40 default pages takes 6 to 8
minutes on that machine (``--limit-pages 27``, the first 8 documents whole, about 4.5). Nothing is asserted: these are figures for the issue notes.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pymupdf

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
sys.path.insert(0, str(REPO))  # also for the spawned workers, which import this file as __mp_main__

DPI = 300
LANGUAGE = "nld"
TESSERACT_ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}
BARRIER_SECONDS = 300


@dataclass
class Scan:
    name: str     # unique name in the temporary folder ("dev-007_woobesluit.pdf")
    path: Path    # the copy in the temporary folder
    pages: int


# ------------------------------------------------------------------------------------------ the machine


def _cpu_counters() -> tuple[int, int, int] | None:
    """Busy and total jiffies of all CPUs (/proc/stat) and microseconds in which some task waited for a CPU
    (/proc/pressure/cpu, -1 where the kernel has no pressure information); None off Linux."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError, IndexError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    stalled = -1
    try:
        some = Path("/proc/pressure/cpu").read_text().splitlines()[0]
        stalled = int(some.rsplit("total=", 1)[1])
    except (OSError, ValueError, IndexError):
        pass
    return sum(fields) - idle, sum(fields), stalled


@dataclass
class Load:
    """What the whole machine did during one timed run: how busy its CPUs were, and for how much of the
    time some task had to wait for a CPU (another process competing with the measured ones)."""
    busy_percent: float | None = None
    waiting_percent: float | None = None


@contextmanager
def probe() -> Iterator[Load]:
    """Measure the machine's load over the ``with`` block; the figures are filled in when it ends."""
    load = Load()
    start, started = _cpu_counters(), time.perf_counter()
    yield load
    end, seconds = _cpu_counters(), time.perf_counter() - started
    if start is None or end is None or end[1] == start[1]:
        return
    load.busy_percent = round(100 * (end[0] - start[0]) / (end[1] - start[1]), 1)
    if end[2] >= 0 and start[2] >= 0 and seconds > 0:
        load.waiting_percent = round((end[2] - start[2]) / 1e6 / seconds * 100, 1)


def describe(load: Load) -> str:
    parts = []
    if load.busy_percent is not None:
        parts.append(f"CPUs {load.busy_percent:.0f}% busy")
    if load.waiting_percent is not None:
        parts.append(f"some task waiting for a CPU {load.waiting_percent:.0f}% of the time")
    return ", ".join(parts) or "no load figures"


# --------------------------------------------------------------------------------------------- selection


def scanned_documents(folders: list[Path]) -> list[Path]:
    files = []
    for folder in folders:
        for gold in sorted(folder.glob("*.gold.json")):
            if json.loads(gold.read_text()).get("scanned"):
                pdf = folder / (gold.name[: -len(".gold.json")] + ".pdf")
                if pdf.exists():
                    files.append(pdf)
    return files


def copy_scans(files: list[Path], target: Path, limit_pages: int | None) -> list[Scan]:
    """Copy the documents into ``target`` under unique names; with a page limit, keep only the first pages."""
    target.mkdir()
    scans = []
    left = limit_pages
    for path in files:
        if left is not None and left <= 0:
            break
        name = f"{path.parent.name}-{path.name}"
        with pymupdf.open(path) as doc:
            pages = doc.page_count
            if left is not None and pages > left:
                with pymupdf.open() as cut:
                    cut.insert_pdf(doc, from_page=0, to_page=left - 1)
                    cut.save(target / name, garbage=3, deflate=True)
                pages = left
            else:
                shutil.copyfile(path, target / name)
        scans.append(Scan(name, target / name, pages))
        if left is not None:
            left -= pages
    return scans


# ------------------------------------------------------------------------------------ 1. tesseract alone


def render_pages(scans: list[Scan], target: Path) -> list[Path]:
    """Every page as a grey PNG at DPI, the way redaction.ocr.read_page renders it (not timed)."""
    target.mkdir()
    images = []
    for scan in scans:
        with pymupdf.open(scan.path) as doc:
            for page in doc:
                pixmap = page.get_pixmap(dpi=DPI, colorspace=pymupdf.csGRAY, alpha=False)
                image = target / f"{scan.path.stem}-p{page.number + 1:03d}.png"
                image.write_bytes(pixmap.tobytes("png"))
                images.append(image)
    return images


def run_tesseract(program: str, image: Path) -> bytes:
    done = subprocess.run([program, str(image), "stdout", "-l", LANGUAGE, "--dpi", str(DPI), "--psm", "3", "tsv"],
                          check=False, capture_output=True, env=TESSERACT_ENV)
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no reason given"]
        raise RuntimeError(f"tesseract failed on {image.name} (exit {done.returncode}): {reason[0][:200]}")
    return done.stdout


def time_tesseract(program: str, images: list[Path], processes: int) -> tuple[float, list[bytes]]:
    started = time.perf_counter()
    if processes == 1:
        outputs = [run_tesseract(program, image) for image in images]
    else:
        # Threads only start and wait for the subprocesses: at most `processes` tesseracts run at once.
        with ThreadPoolExecutor(max_workers=processes) as pool:
            outputs = list(pool.map(lambda image: run_tesseract(program, image), images))
    return time.perf_counter() - started, outputs


# -------------------------------------------------------------------------------------- 2. open_document


def _worker_ready(barrier) -> None:
    """Pool initializer: import woo-redact and find Tesseract, then wait until every worker is ready."""
    from redaction import document, ocr  # noqa: F401

    ocr.tesseract()
    barrier.wait(BARRIER_SECONDS)


def _open_one(path: str) -> dict:
    from redaction import ocr
    from redaction.document import open_document

    started = time.perf_counter()
    memo_before = len(ocr._memory)
    document = open_document(path)
    seconds = time.perf_counter() - started
    memo_added = len(ocr._memory) - memo_before  # one entry per page Tesseract really read (memo holds 64)
    try:
        pages = [{"page": p.index + 1, "ocr_confidence": p.ocr_confidence, "ocr_words": p.ocr_words}
                 for p in document.pages]
        characters = len(document.text)
    finally:
        document.close()
    return {"name": Path(path).name, "pid": os.getpid(), "seconds": round(seconds, 3), "pages": pages,
            "characters": characters, "tesseract_runs": memo_added}


def time_open_document(scans: list[Scan], processes: int) -> tuple[float, float, list[dict], Load]:
    """Wall time of opening every document in a fresh pool of ``processes`` workers (after start-up)."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(processes + 1)
    order = sorted(scans, key=lambda s: -s.pages)  # largest first: less waiting on the last document
    created = time.perf_counter()
    pool = context.Pool(processes, initializer=_worker_ready, initargs=(barrier,))
    try:
        barrier.wait(BARRIER_SECONDS)
        with probe() as load:
            started = time.perf_counter()
            results = list(pool.imap_unordered(_open_one, [str(s.path) for s in order], chunksize=1))
            wall = time.perf_counter() - started
    finally:
        pool.close()
        pool.join()
    return wall, started - created, results, load


# ----------------------------------------------------------------------------------- 3. woo-redact redact


def time_redact(scans: list[Scan], scratch: Path) -> tuple[float, dict, int, str]:
    woo = REPO / ".venv" / "bin" / "woo-redact"
    out = scratch / "released"
    report = scratch / "report.json"
    command = [str(woo), "redact", *[str(s.path) for s in scans], "--out-dir", str(out), "--report", str(report)]
    started = time.perf_counter()
    done = subprocess.run(command, check=False, capture_output=True, text=True, cwd=scratch)
    wall = time.perf_counter() - started
    data = json.loads(report.read_text()) if report.exists() else {}
    tail = " | ".join(done.stderr.strip().splitlines()[-3:])
    return wall, data, done.returncode, tail


# ------------------------------------------------------------------------------------------------ output


def rate(pages: int, seconds: float | None) -> float | None:
    return round(pages / seconds, 3) if seconds else None


def row(label: str, pages: int, one: float, two: float | None) -> dict:
    return {"label": label, "pages": pages, "seconds_1": round(one, 2),
            "seconds_2": round(two, 2) if two is not None else None,
            "pages_per_second_1": rate(pages, one), "pages_per_second_2": rate(pages, two),
            "speedup": round(one / two, 2) if two else None}


def confidences(results: list[dict]) -> list[dict]:
    table = []
    for result in sorted(results, key=lambda r: r["name"]):
        values = [p["ocr_confidence"] for p in result["pages"] if p["ocr_confidence"] is not None]
        table.append({"document": result["name"][: -len(".pdf")], "pages": len(result["pages"]),
                      "ocr_pages": len(values), "words": sum(p["ocr_words"] for p in result["pages"]),
                      "mean_confidence": round(sum(values) / len(values), 1) if values else None,
                      "lowest_page_confidence": min(values) if values else None,
                      "open_seconds": result["seconds"]})
    return table


def print_tables(rows: list[dict], docs: list[dict]) -> None:
    def fmt(value: float | None, width: int, digits: int = 2, suffix: str = "") -> str:
        return f"{value:{width - len(suffix)}.{digits}f}{suffix}" if value is not None else f"{'-':>{width}}"

    label_width = max(len(r["label"]) for r in rows)
    header = (f"{'':<{label_width}} {'pages':>5} {'1 proc pages/s':>14} {'2 proc pages/s':>14} {'speed-up':>8}"
              f" {'1 proc s':>8} {'2 proc s':>8}")
    print(header)
    print("-" * len(header))
    for r in rows:
        print(f"{r['label']:<{label_width}} {r['pages']:>5} {fmt(r['pages_per_second_1'], 14)} "
              f"{fmt(r['pages_per_second_2'], 14)} {fmt(r['speedup'], 8, suffix='x')} "
              f"{fmt(r['seconds_1'], 8, 1)} {fmt(r['seconds_2'], 8, 1)}")
    print()
    name_width = max(len("document"), *(len(d["document"]) for d in docs))
    header = (f"{'document':<{name_width}} {'pages':>5} {'words':>6} {'mean OCR confidence':>19} "
              f"{'lowest page':>11}")
    print(header)
    print("-" * len(header))
    for d in docs:
        print(f"{d['document']:<{name_width}} {d['pages']:>5} {d['words']:>6} {fmt(d['mean_confidence'], 19, 1)} "
              f"{fmt(d['lowest_page_confidence'], 11, 1)}")
    values = [d["mean_confidence"] for d in docs if d["mean_confidence"] is not None]
    if values:
        print(f"{'all documents':<{name_width}} {sum(d['pages'] for d in docs):>5} "
              f"{sum(d['words'] for d in docs):>6} {sum(values) / len(values):19.1f} {'':>11}")


def fmt_percent(value: float | None) -> str:
    return f"{value:.0f}%" if value is not None else "?"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, nargs="+", metavar="DIR",
                        help="corpus folders with *.gold.json (default: dev and train)")
    parser.add_argument("--limit-pages", type=int, metavar="N", help="measure only the first N scanned pages")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args()
    if args.limit_pages is not None and args.limit_pages < 1:
        parser.error("--limit-pages must be at least 1")
    folders = args.corpus or [CORPUS / "dev", CORPUS / "train"]
    program = shutil.which("tesseract")
    if program is None:
        print("tesseract is not installed (Debian: tesseract-ocr and tesseract-ocr-nld).", file=sys.stderr)
        return 3
    version = subprocess.run([program, "--version"], check=False, capture_output=True,
                             text=True).stdout.splitlines()[0]
    files = scanned_documents(folders)
    if not files:
        print(f"no scanned documents (gold \"scanned\": true) in {', '.join(map(str, folders))}", file=sys.stderr)
        return 1

    scratch = Path(tempfile.mkdtemp(prefix="woo-ocr-bench-"))
    try:
        scans = copy_scans(files, scratch / "in", args.limit_pages)
        pages = sum(s.pages for s in scans)
        print(f"scanned documents: {len(scans)} of {len(files)}, {pages} pages"
              f"{f' (--limit-pages {args.limit_pages})' if args.limit_pages else ''}; "
              f"from {', '.join(str(f) for f in folders)}")
        print(f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, {version}, "
              f"PyMuPDF {pymupdf.VersionBind}", flush=True)

        loads: dict[str, Load] = {}
        with probe() as load:
            rendered = time.perf_counter()
            images = render_pages(scans, scratch / "png")
            rendered = time.perf_counter() - rendered
        loads["render"] = load
        print(f"  rendering {len(images)} pages to grey PNG (not timed in the table): {rendered:.1f} s "
              f"({describe(load)})", flush=True)
        run_tesseract(program, images[0])  # untimed: loads the model from disk
        with probe() as load:
            t1, out1 = time_tesseract(program, images, 1)
        loads["tesseract 1"] = load
        print(f"  tesseract, 1 process: {t1:.1f} s ({describe(load)})", flush=True)
        with probe() as load:
            t2, out2 = time_tesseract(program, images, 2)
        loads["tesseract 2"] = load
        print(f"  tesseract, 2 processes: {t2:.1f} s ({describe(load)})", flush=True)
        differing = sum(a != b for a, b in zip(out1, out2))

        o1, start1, opened1, loads["open_document 1"] = time_open_document(scans, 1)
        print(f"  open_document, 1 worker: {o1:.1f} s (pool start-up {start1:.1f} s; "
              f"{describe(loads['open_document 1'])})", flush=True)
        o2, start2, opened2, loads["open_document 2"] = time_open_document(scans, 2)
        print(f"  open_document, 2 workers: {o2:.1f} s (pool start-up {start2:.1f} s, "
              f"workers used: {len({r['pid'] for r in opened2})}; {describe(loads['open_document 2'])})", flush=True)
        opened_pages = sum(len(r["pages"]) for r in opened1)
        ocr_pages = sum(p["ocr_confidence"] is not None for r in opened1 for p in r["pages"])
        tesseract_runs = [sum(r["tesseract_runs"] for r in run) for run in (opened1, opened2)]
        same_conf = ({r["name"]: [p["ocr_confidence"] for p in r["pages"]] for r in opened1}
                     == {r["name"]: [p["ocr_confidence"] for p in r["pages"]] for r in opened2})

        with probe() as load:
            w1, report, code, tail = time_redact(scans, scratch)
        loads["redact 1"] = load
        files_report = report.get("files", [])
        redact_pages = sum(int(f.get("pages") or 0) for f in files_report)
        statuses: dict[str, int] = {}
        for f in files_report:
            statuses[f.get("status", "?")] = statuses.get(f.get("status", "?"), 0) + 1
        print(f"  woo-redact redact, 1 process: {w1:.1f} s, exit code {code} ({describe(load)})", flush=True)
        if code != 0 or not files_report:
            print(f"woo-redact redact did not succeed (exit {code}): {tail}", file=sys.stderr)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    rows = [row("tesseract alone", len(images), t1, t2),
            row("open_document (render + OCR + text map)", opened_pages, o1, o2),
            row("woo-redact redact (whole flow)", redact_pages, w1, None)]
    docs = confidences(opened1)
    print()
    print_tables(rows, docs)
    notes = [f"tesseract TSV identical in both runs: {len(images) - differing} of {len(images)} pages",
             (f"rendering to grey PNG at {DPI} dpi (PyMuPDF, 1 process, not in the tesseract figures): "
              f"{rendered:.1f} s, {rendered / len(images):.2f} s per page"),
             (f"open_document: same confidences with 1 and 2 workers: {'yes' if same_conf else 'NO'}; "
              f"pages read by OCR {ocr_pages}, Tesseract runs {tesseract_runs[0]} (1 worker) and "
              f"{tesseract_runs[1]} (2 workers)"),
             (f"woo-redact redact: exit code {code}, files {dict(sorted(statuses.items()))}; "
              "start-up and engine loading included; 2 processes not measured"),
             ("machine load during the timed runs (CPUs busy / some task waiting for a CPU): "
              + "; ".join(f"{k} {fmt_percent(v.busy_percent)}/{fmt_percent(v.waiting_percent)}"
                          for k, v in loads.items()))]
    print()
    for note in notes:
        print(note)

    if args.json:
        args.json.write_text(json.dumps({
            "cpus": os.cpu_count(), "python": platform.python_version(), "tesseract": version,
            "pymupdf": pymupdf.VersionBind, "corpus": [str(f) for f in folders], "limit_pages": args.limit_pages,
            "documents": [{"name": s.name, "pages": s.pages} for s in scans], "pages": pages,
            "rows": rows, "confidence": docs,
            "machine_load": {k: {"cpus_busy_percent": v.busy_percent, "waiting_for_cpu_percent": v.waiting_percent}
                             for k, v in loads.items()},
            "tesseract_outputs_differing": differing, "render_seconds": round(rendered, 2),
            "open_document": {"pool_startup_seconds": [round(start1, 2), round(start2, 2)],
                              "runs": {"1": opened1, "2": opened2}, "same_confidences": same_conf},
            "redact": {"exit_code": code, "statuses": statuses, "stderr_tail": tail,
                       "files": [{k: f.get(k) for k in ("input", "status", "pages", "seconds", "ocr_pages")}
                                 for f in files_report]},
        }, indent=2) + "\n")
        print(f"figures written to {args.json}")
    return 0 if code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
