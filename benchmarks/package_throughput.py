"""Throughput and memory of `woo-redact package` on a generated package, with 1 and with 2 worker processes.

A realistic package is generated once (``tests/packagekit.py``: e-mails, nota's, letters, minutes, chats,
a few files that are not PDFs, exact / near / quoted duplicates) and written as a ZIP in a temporary
folder. For every worker count the CLI is then run as a fresh process, exactly as a user runs it:

    python -m redaction.cli package PACKAGE.zip --out OUT.zip --report R.json --workers N

and timed from start to exit (wall time). While it runs, ``/proc`` is read every ~50 ms: the peak resident
set (``VmHWM``) of the main process and of each of its child processes. Children started by
``multiprocessing`` as pool workers (``spawn_main``) are reported as workers; the resource tracker and any
other child is kept apart (JSON only). The kernel's figure for the largest process of the whole tree
(``ru_maxrss`` from ``wait4``) is kept in the JSON as a check on the sampling, which can miss the growth
of a process in its last 50 ms.

From the report: released documents, duplicates and the pages of the released documents, which give
documents per minute (all files of the package, and released documents, per minute of wall time), pages
per second (pages of released documents per second of wall time) and the speed-up over the first worker
count given.

    .venv/bin/python benchmarks/package_throughput.py [--documents 300] [--seed 7] [--workers 1 2]
                                                      [--repeat 1] [--json FILE]

With ``--repeat R`` each worker count is run R times and the fastest run is kept (its memory figures too).

Caveat: these figures are for the machine they were measured on (the development machine has 2 cores, so
2 workers is the most that can help; more would only compete for them). The time to load the analysis
engine is included in the wall time, once in the main process with 1 worker and once per worker process
otherwise, because that is what a user waits for; on small packages it weighs heavily. Nothing is
asserted: these are figures for the issue notes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SAMPLE_SECONDS = 0.05


# ------------------------------------------------------------------------------------------------ /proc


def _status_kb(pid: int) -> dict[str, int]:
    """VmHWM and VmRSS of a process in kB (empty once it has exited or become a zombie)."""
    values = {}
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith(("VmHWM:", "VmRSS:")):
                    key, rest = line.split(":", 1)
                    values[key] = int(rest.split()[0])
    except (OSError, ValueError, IndexError):
        return {}
    return values


def _children(pid: int) -> list[int]:
    """The direct children of a process: from /proc/PID/task/*/children where the kernel offers it,
    otherwise by scanning /proc for processes whose PPid is ``pid``."""
    tasks = Path(f"/proc/{pid}/task")
    found: set[int] = set()
    offered = False
    try:
        for task in tasks.iterdir():
            children = task / "children"
            if children.exists():
                offered = True
                found.update(int(x) for x in children.read_text().split())
    except OSError:
        pass
    if offered:
        return sorted(found)
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ")".
        fields = stat[stat.rfind(b")") + 2:].split()
        if len(fields) > 1 and int(fields[1]) == pid:
            found.add(int(entry.name))
    return sorted(found)


def _role(pid: int) -> str:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return "other"
    if "resource_tracker" in cmdline:
        return "resource tracker"
    if "spawn_main" in cmdline or "forkserver" in cmdline:
        return "worker"
    return "other"


@dataclass
class Watched:
    pid: int
    role: str
    first_seen: float          # seconds after the start of the run
    peak_kb: int = 0


@dataclass
class Run:
    workers: int
    wall: float
    exit_code: int
    main_peak_kb: int
    children: list[Watched] = field(default_factory=list)
    tree_peak_kb: int = 0      # ru_maxrss of wait4: the largest process of the whole tree
    samples: int = 0
    report: dict = field(default_factory=dict)
    stderr_tail: str = ""

    @property
    def workers_seen(self) -> list[Watched]:
        return sorted((c for c in self.children if c.role == "worker"), key=lambda c: c.first_seen)


def run_package(package: Path, workers: int, scratch: Path, label: str) -> Run:
    out = scratch / f"out-{label}.zip"
    report = scratch / f"report-{label}.json"
    log = scratch / f"stderr-{label}.txt"
    command = [sys.executable, "-m", "redaction.cli", "package", str(package), "--out", str(out),
               "--report", str(report), "--workers", str(workers)]
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    main_peak = 0
    children: dict[int, Watched] = {}
    samples = 0
    with open(log, "w") as stderr:
        started = time.perf_counter()
        proc = subprocess.Popen(command, cwd=REPO, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=stderr, env=env)
        while True:
            # wait4 ourselves (not Popen.wait) to get the kernel's resource usage of the finished tree.
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                wall = time.perf_counter() - started
                proc.returncode = os.waitstatus_to_exitcode(status)
                break
            now = time.perf_counter() - started
            main_peak = max(main_peak, _status_kb(proc.pid).get("VmHWM", 0))
            for child in _children(proc.pid):
                if child not in children:
                    children[child] = Watched(child, _role(child), now)
            for watched in children.values():
                hwm = _status_kb(watched.pid).get("VmHWM", 0)
                watched.peak_kb = max(watched.peak_kb, hwm)
            samples += 1
            time.sleep(SAMPLE_SECONDS)
    run = Run(workers, wall, proc.returncode, main_peak, list(children.values()), usage.ru_maxrss, samples)
    run.stderr_tail = "\n".join(log.read_text(errors="replace").strip().splitlines()[-5:])
    if proc.returncode == 0 and report.exists():
        run.report = json.loads(report.read_text())
    for path in (out, report):
        path.unlink(missing_ok=True)
    shutil.rmtree(scratch / f"out-{label}.zip.work", ignore_errors=True)
    return run


# --------------------------------------------------------------------------------------------- figures


def mb(kb: int) -> float:
    return kb / 1024


def figures(run: Run, package_files: int) -> dict:
    files = run.report.get("files", [])
    released = [f for f in files if f["status"] == "released"]
    pages = sum(int(f.get("pages") or 0) for f in released)
    workers = run.workers_seen
    return {
        "workers": run.workers,
        "wall_seconds": round(run.wall, 2),
        "files_in_report": len(files),
        "released": len(released),
        "duplicates": sum(1 for f in files if f["status"] == "duplicate"),
        "unsupported": sum(1 for f in files if f["status"] == "unsupported"),
        "failed": sum(1 for f in files if f["status"] == "failed"),
        "pages_released": pages,
        "files_per_minute": round(package_files / run.wall * 60, 1),
        "released_per_minute": round(len(released) / run.wall * 60, 1),
        "pages_per_second": round(pages / run.wall, 2),
        "main_peak_mb": round(mb(run.main_peak_kb), 1),
        "worker_peak_mb": round(mb(max((w.peak_kb for w in workers), default=0)), 1),
        "worker_peaks_mb": [round(mb(w.peak_kb), 1) for w in workers],
        "worker_started_at_seconds": [round(w.first_seen, 2) for w in workers],
        "other_children": [{"role": c.role, "peak_mb": round(mb(c.peak_kb), 1)}
                           for c in run.children if c.role != "worker"],
        "largest_process_mb_kernel": round(mb(run.tree_peak_kb), 1),
        "memory_samples": run.samples,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=300, help="documents in the generated package")
    parser.add_argument("--seed", type=int, default=7, help="seed of the generated package")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], metavar="N",
                        help="worker counts to measure (default: 1 2)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per worker count; the fastest is kept")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args()
    if args.documents < 1 or args.repeat < 1 or any(n < 1 for n in args.workers):
        parser.error("--documents, --repeat and --workers must be at least 1")

    from tests.packagekit import make_package

    scratch = Path(tempfile.mkdtemp(prefix="woo-package-bench-"))
    try:
        package = scratch / "package.zip"
        started = time.perf_counter()
        plan = make_package(scratch / "package", n=args.documents, seed=args.seed, as_zip=package)
        generated = time.perf_counter() - started
        shutil.rmtree(scratch / "package")
        documents = plan.documents
        pdfs = [d for d in documents if d.kind != "unsupported"]
        kinds: dict[str, int] = {}
        for d in documents:
            if d.duplicate_of is not None:
                kinds[d.duplicate_kind or "?"] = kinds.get(d.duplicate_kind or "?", 0) + 1
        size = {"files": len(documents), "pdfs": len(pdfs), "pages": sum(d.pages for d in pdfs),
                "planned_duplicates": sum(kinds.values()), "duplicates_by_kind": dict(sorted(kinds.items())),
                "zip_mb": round(package.stat().st_size / 1e6, 2), "seed": args.seed,
                "generated_seconds": round(generated, 1)}
        by_kind = ", ".join(f"{k} {v}" for k, v in size["duplicates_by_kind"].items())
        print(f"package: {size['files']} files, {size['pdfs']} PDFs, {size['pages']} pages, "
              f"{size['planned_duplicates']} planned duplicates ({by_kind}); "
              f"ZIP {size['zip_mb']} MB, seed {args.seed}, generated in {generated:.1f} s")
        print(f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}; "
              f"best of {args.repeat} run(s) per worker count", flush=True)

        results = []
        for workers in args.workers:
            best: Run | None = None
            for attempt in range(args.repeat):
                run = run_package(package, workers, scratch, f"w{workers}-r{attempt + 1}")
                print(f"  --workers {workers} run {attempt + 1}: {run.wall:.1f} s, exit code {run.exit_code}",
                      flush=True)
                if run.exit_code != 0:
                    tail = run.stderr_tail.replace("\n", " | ")
                    print(f"woo-redact package with --workers {workers} failed with exit code {run.exit_code}"
                          f" ({tail}).", file=sys.stderr)
                    return 1
                if best is None or run.wall < best.wall:
                    best = run
            results.append(figures(best, size["files"]))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    base = results[0]
    for r in results:
        r["speedup"] = round(base["wall_seconds"] / r["wall_seconds"], 2)

    print()
    header = (f"{'workers':>7} {'wall s':>8} {'released':>8} {'dupl.':>6} {'pages':>6} {'files/min':>10} "
              f"{'released/min':>12} {'pages/s':>8} {'speed-up':>8} {'main MB':>8} {'worker MB':>9}  "
              f"worker peaks MB")
    print(header)
    print("-" * len(header))
    for r in results:
        peaks = ", ".join(f"{p:.0f}" for p in r["worker_peaks_mb"]) or "-"
        worker_peak = f"{r['worker_peak_mb']:9.0f}" if r["worker_peaks_mb"] else f"{'-':>9}"
        print(f"{r['workers']:>7} {r['wall_seconds']:8.1f} {r['released']:>8} {r['duplicates']:>6} "
              f"{r['pages_released']:>6} {r['files_per_minute']:10.1f} {r['released_per_minute']:12.1f} "
              f"{r['pages_per_second']:8.2f} {r['speedup']:7.2f}x {r['main_peak_mb']:8.0f} {worker_peak}  {peaks}")
    print(f"\nspeed-up is relative to --workers {base['workers']}; files/min counts all {size['files']} files "
          f"of the package; memory is the peak resident set (VmHWM) sampled every {SAMPLE_SECONDS * 1000:.0f} ms.")

    if args.json:
        args.json.write_text(json.dumps({"package": size, "cpus": os.cpu_count(), "repeat": args.repeat,
                                         "python": platform.python_version(), "runs": results}, indent=2) + "\n")
        print(f"figures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
