"""`kill -9` of `woo-redact redact` at any moment never leaves a release file that looks done but is not: the
release appears under its name only complete and verified (written under a temporary name, verified, renamed).
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pymupdf
import pytest

from pdfkit import REPO, WOO_REDACT

PAGES = 40


@pytest.fixture(scope="module")
def long_memo(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("atomic") / "memo.pdf"
    with pymupdf.open() as pdf:
        for n in range(PAGES):
            page = pdf.new_page(width=595.28, height=841.89)
            y = 80
            for line in range(40):
                page.insert_text((72, y), f"Regel {line} van pagina {n + 1}: overleg met Sanne Oudejans en "
                                          f"Pieter Bakker, 06-1234{n:02d}{line % 10}{line % 7}.", fontsize=9)
                y += 18
        pdf.save(path)
    return path


def test_a_killed_release_leaves_no_file_that_looks_done(long_memo, tmp_path):
    out = tmp_path / "openbaar.pdf"
    for delay in (0.3, 1.0, 2.0, 3.0, 4.5):  # start-up, analysis, redaction, saving, verification
        process = subprocess.Popen([*WOO_REDACT, "redact", str(long_memo), "--out", str(out)], cwd=REPO,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.kill()
        process.wait()
        if out.exists():  # finished before the kill: then it is whole and verified
            with pymupdf.open(out) as pdf:
                assert pdf.page_count == PAGES
                assert "Oudejans" not in "".join(page.get_text() for page in pdf)
            out.unlink()
        # whatever else is left is a hidden temporary file, never something named like a release
        leftovers = [p.name for p in tmp_path.iterdir()]
        assert all(name.startswith(".partial-") for name in leftovers), (delay, leftovers)
    # and the next run writes the release as if nothing happened
    again = subprocess.run([*WOO_REDACT, "redact", str(long_memo), "--out", str(out)], cwd=REPO,
                           capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    with pymupdf.open(out) as pdf:
        assert pdf.page_count == PAGES
        assert "Oudejans" not in "".join(page.get_text() for page in pdf)
