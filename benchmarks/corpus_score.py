"""Score woo-redact on the shared benchmark corpus with the corpus's own scorer.

    .venv/bin/python benchmarks/corpus_score.py                  # dev, text documents only
    .venv/bin/python benchmarks/corpus_score.py --include-scans  # dev, all documents (scans read by OCR)
    .venv/bin/python benchmarks/corpus_score.py --only-scans     # dev, the scanned documents alone

Scanned documents (gold "scanned": true) are left out unless --include-scans or --only-scans is given
(OCR is slow: the text documents are scored apart). The run is one `woo-redact redact` process for all documents (the scorer's
--batch-cmd). Extra arguments after `--` go to score.py (e.g. `-- --json results.json`).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=CORPUS / "dev")
    ap.add_argument("--include-scans", action="store_true")
    ap.add_argument("--only-scans", action="store_true")
    ap.add_argument("--outdir", type=Path, help="keep the release PDFs here")
    ap.add_argument("rest", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="woo_corpus_") as tmp:
        selected = Path(tmp)
        count = 0
        for gold in sorted(args.corpus.glob("*.gold.json")):
            scanned = json.loads(gold.read_text())["scanned"]
            if (scanned and not (args.include_scans or args.only_scans)) or (args.only_scans and not scanned):
                continue
            name = gold.name[: -len(".gold.json")]
            (selected / gold.name).symlink_to(gold.resolve())
            (selected / f"{name}.pdf").symlink_to((args.corpus / f"{name}.pdf").resolve())
            count += 1
        print(f"scoring {count} documents of {args.corpus}", file=sys.stderr)
        woo = REPO / ".venv" / "bin" / "woo-redact"
        cmd = [sys.executable, str(args.corpus.parent / "score.py"), "--corpus", str(selected),
               "--batch-cmd", f"{woo} redact {{indir}}/*.pdf --out-dir {{outdir}}"]
        if args.outdir:
            cmd += ["--outdir", str(args.outdir)]
        rest = [a for a in args.rest if a != "--"]
        return subprocess.call(cmd + rest)


if __name__ == "__main__":
    sys.exit(main())
