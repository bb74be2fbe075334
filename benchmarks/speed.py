"""Pages per second of `woo-redact redact` over many documents in one process, beside the floor.

The floor is PyMuPDF alone on the same files in the same run: open, extract the text, apply the same
number of redactions as woo-redact applied (taken from its report) and save. woo-redact is timed as a
fresh process, start-up included; its peak memory is the child's maximum resident set size.

    .venv/bin/python benchmarks/speed.py [--corpus DIR ...] [--repeat N]

Target from the issue: at least half the floor's pages per second, and peak memory under 600 MB.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pymupdf

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"


def text_pdfs(folders: list[Path]) -> list[Path]:
    files = []
    for folder in folders:
        for gold in sorted(folder.glob("*.gold.json")):
            if not json.loads(gold.read_text())["scanned"]:
                files.append(folder / (gold.name[: -len(".gold.json")] + ".pdf"))
    return files


def floor(files: list[Path], boxes_per_file: dict[str, int], out: Path) -> tuple[float, int]:
    """PyMuPDF alone: open, extract, redact as many boxes as woo-redact did, save."""
    pages = 0
    started = time.perf_counter()
    for i, path in enumerate(files):
        doc = pymupdf.open(path)
        pages += doc.page_count
        lines = []
        for page in doc:
            for block in page.get_text("rawdict")["blocks"]:
                for line in block.get("lines", []):
                    lines.append((page.number, pymupdf.Rect(line["bbox"])))
        wanted = boxes_per_file.get(path.name, 0)
        for page_no, rect in lines[:wanted]:
            doc[page_no].add_redact_annot(rect, fill=(0, 0, 0))
        for page in doc:
            page.apply_redactions()
        doc.save(out / f"{i}.pdf", garbage=4, deflate=True)
        doc.close()
    return time.perf_counter() - started, pages


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, action="append", help="corpus folders (default: dev and train)")
    ap.add_argument("--repeat", type=int, default=1, help="feed every document this many times")
    args = ap.parse_args()
    folders = args.corpus or [CORPUS / "dev", CORPUS / "train"]
    base = text_pdfs(folders)
    with tempfile.TemporaryDirectory(prefix="woo_speed_") as tmp:
        tmp = Path(tmp)
        indir = tmp / "in"
        indir.mkdir()
        files = []
        for r in range(args.repeat):
            for path in base:
                target = indir / f"{r}_{path.name}"
                shutil.copyfile(path, target)
                files.append(target)
        report = tmp / "report.json"
        woo = REPO / ".venv" / "bin" / "woo-redact"
        started = time.perf_counter()
        proc = subprocess.run([str(woo), "redact", *map(str, files), "--out-dir", str(tmp / "out"),
                               "--report", str(report)], capture_output=True, text=True)
        woo_seconds = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        results = json.loads(report.read_text())["files"]
        failed = [r for r in results if r["status"] != "ok"]
        pages = sum(r["pages"] for r in results)
        boxes = {Path(r["input"]).name: sum(r["counts_per_entity"].values()) for r in results}
        (tmp / "floor").mkdir()
        floor_seconds, floor_pages = floor(files, boxes, tmp / "floor")
    woo_pps = pages / woo_seconds
    floor_pps = floor_pages / floor_seconds
    print(f"documents={len(files)} pages={pages} failed={len(failed)} (exit {proc.returncode})")
    print(f"woo-redact: {woo_seconds:.1f} s, {woo_pps:.1f} pages/s, peak memory {peak_mb:.0f} MB (start-up included)")
    print(f"floor (PyMuPDF open+extract+redact+save): {floor_seconds:.1f} s, {floor_pps:.1f} pages/s")
    print(f"ratio woo-redact/floor = {woo_pps / floor_pps:.2f} (target >= 0.50); "
          f"peak memory target < 600 MB: {'met' if peak_mb < 600 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
