"""The engine on 536 hostile real-world PDFs: it may refuse a file, but never leak, crash, hang or lose one.

Runs ``benchmarks/pdf_corpus.py`` over the whole external corpus through the real command line, in
batches (one process per batch of files that share a password, every word of the batch as a term; a batch
that dies or times out is re-run file by file), and checks every output independently of the tool's own
verifier. Takes about five minutes on two cores.
"""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "external" / "pdf-corpus"


def _benchmark():
    spec = importlib.util.spec_from_file_location("pdf_corpus_benchmark", REPO / "benchmarks" / "pdf_corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the external PDF corpus is not at {CORPUS}")
@pytest.mark.skipif(not (REPO / ".venv" / "bin" / "woo-redact").exists(), reason="woo-redact is not installed in .venv")
def test_pdf_corpus_never_leaks_crashes_hangs_or_loses(capsys):
    bench = _benchmark()
    files = bench.corpus_files(None, None)
    outcomes = bench.run(files, jobs=2, timeout=60.0, batch=40, progress=False)
    with capsys.disabled():
        print("\n" + bench.table(outcomes))
        for o in outcomes:
            if o.klass in bench.BAD:
                print(f"{o.klass:<8} {o.file} [exit {o.exit_code}, word {o.word!r}]: {o.detail}")
    assert len(outcomes) == len(files)
    counts = Counter(o.klass for o in outcomes)
    bad = {k: counts[k] for k in ("LEAK", "CRASH", "HANG", "LOST") if counts[k]}
    assert not bad, f"outcomes that must not happen: {bad}"
