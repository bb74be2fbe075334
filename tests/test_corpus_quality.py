"""End to end on the shared benchmark: real PDFs through the real CLI, judged by the corpus's own scorer.

A handful of documents of different kinds keeps the test quick; the full measurement is
`benchmarks/corpus_score.py`.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from pdfkit import REPO, SHARED

CORPUS = SHARED / "corpus"
DOCS = ["002_beslisnota", "003_email", "004_burgerbrief", "005_verslag", "014_chat", "018_rapport"]


SCANS = ["020_beslisnota"]  # grey JPEG pages without a text layer: read by OCR


def score(tmp_path_factory, docs: list[str]) -> dict:
    if not (CORPUS / "score.py").exists():
        pytest.skip(f"benchmark corpus not found at {CORPUS} (the shared folder is not next to the repo)")
    selected = tmp_path_factory.mktemp("corpus")
    for name in docs:
        for suffix in (".pdf", ".gold.json"):
            (selected / f"{name}{suffix}").symlink_to(CORPUS / "dev" / f"{name}{suffix}")
    results = selected / "results.json"
    woo = f"{sys.executable} -m redaction.cli"
    proc = subprocess.run(
        [sys.executable, str(CORPUS / "score.py"), "--corpus", str(selected), "--quiet", "--json", str(results),
         "--batch-cmd", f"{woo} redact {{indir}}/*.pdf --out-dir {{outdir}}"],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(results.read_text())


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    return score(tmp_path_factory, DOCS)


@pytest.fixture(scope="module")
def scored_scan(tmp_path_factory):
    import shutil

    if shutil.which("tesseract") is None:
        pytest.skip("Tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-nld)")
    return score(tmp_path_factory, SCANS)


def test_a_scanned_document_meets_the_ocr_bars(scored_scan):
    summary = scored_scan["summary"]
    assert summary["recall"] >= 0.90
    assert summary["box"] >= 0.90
    assert summary["keep"] >= 0.97
    assert all(d["leak_free"] for d in scored_scan["docs"])


def test_quality_bars_hold_on_sample_of_dev(scored):
    summary = scored["summary"]
    assert summary["recall"] >= 0.97
    assert summary["keep"] >= 0.995
    assert summary["trap_keep"] >= 0.97
    assert summary["ground_acc"] >= 0.98
    assert summary["box"] >= 0.98


def test_every_document_is_leak_free(scored):
    leaky = [d["doc"] for d in scored["docs"] if not d["leak_free"]]
    assert leaky == []
