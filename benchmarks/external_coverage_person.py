"""Share of annotated person-name characters that PersonRecognizer covers, on external Dutch examples.

Data (test data only, not shipped with the service; see each folder's SOURCE.md):

* ``/work/shared/external/deduce/regression_cases.json`` + ``pipeline_example.json``: tags ``persoon`` /
  ``patient`` (clinical Dutch fragments, GPL-3.0);
* ``/work/shared/external/pii-filter-nl/benchmark_nl.json``: tags ``first_name`` / ``family_name``
  (informal Dutch messages, MIT).

Every annotated span's non-space characters are counted; a character is covered when any PERSON result
(keep or not) contains it. Titles (``dr``, ``mr.``) and forms of address (``mevrouw``, ``dhr.``) in front of a name are
neutral in this project (they are left out of the span), so the primary number leaves leading title tokens out of the annotation; the
raw number counts them too. Characters of results outside any person annotation are reported as
extra (in examples without any person annotation: false positives).

Usage: ``python benchmarks/external_coverage_person.py [--show]``
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from redaction.names.lexicon import get_lexicon  # noqa: E402
from redaction.recognizers.person import PersonRecognizer  # noqa: E402

EXT = ROOT.parent / "shared" / "external"
PERSON_TAGS = {"persoon", "patient", "first_name", "family_name"}


def load_examples() -> list[tuple[str, str, list[dict]]]:
    out = []
    for path in (EXT / "deduce" / "regression_cases.json", EXT / "deduce" / "pipeline_example.json",
                 EXT / "pii-filter-nl" / "benchmark_nl.json"):
        if not path.exists():
            continue
        data = json.loads(path.read_text())
        if isinstance(data, dict):
            data = [data]
        for ex in data:
            out.append((path.parent.name, ex["text"], ex.get("spans", [])))
    return out


def strip_title(text: str, s: int, e: int, titles: frozenset[str]) -> int:
    """Start of the name after leading title and address tokens ("dr. ", "Mevrouw ", "mijnheer ")."""
    while True:
        m = re.match(r"([^\W\d_]+)\.?\s*", text[s:e])
        if m and m.group(1).lower() in titles and s + m.end() < e:
            s += m.end()
            continue
        return s


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--show", action="store_true", help="print the annotations not fully covered")
    args = ap.parse_args()
    rec = PersonRecognizer()
    lex = get_lexicon()
    titles = lex.titles | {h[-1].rstrip(".") for h in lex.honorifics if len(h) == 1}
    stats: dict[str, list[int]] = {}
    raw_tot = raw_cov = 0
    fp_chars = 0
    fp_examples = []
    missed = []
    for source, text, spans in load_examples():
        results = rec.analyze(text, ["PERSON"], None)
        cov = set()
        for r in results:
            cov.update(range(r.start, r.end))
        person = [s for s in spans if s["tag"] in PERSON_TAGS]
        ann = set()
        st = stats.setdefault(source, [0, 0])
        for sp in person:
            s0, e = sp["start"], sp["end"]
            s = strip_title(text, s0, e, titles)
            chars = [k for k in range(s, e) if not text[k].isspace()]
            raw = [k for k in range(s0, e) if not text[k].isspace()]
            ann.update(range(s0, e))
            st[0] += len(chars)
            st[1] += sum(k in cov for k in chars)
            raw_tot += len(raw)
            raw_cov += sum(k in cov for k in raw)
            if not all(k in cov for k in chars):
                missed.append((source, sp["text"], text[:120]))
        if not person:
            extra = [k for k in cov if k not in ann and not text[k].isspace()]
            if extra:
                fp_chars += len(extra)
                fp_examples.append((source, [text[r.start:r.end] for r in results], text[:100]))
    tot = sum(v[0] for v in stats.values())
    covd = sum(v[1] for v in stats.values())
    print(f"person-name characters covered: {covd}/{tot} = {covd / max(tot, 1):.4f} (titles neutral)")
    for source, (t, c) in stats.items():
        print(f"  {source:14s} {c}/{t} = {c / max(t, 1):.4f}")
    print(f"raw (titles counted as name): {raw_cov}/{raw_tot} = {raw_cov / max(raw_tot, 1):.4f}")
    print(f"false-positive characters in examples without a person annotation: {fp_chars} "
          f"in {len(fp_examples)} examples")
    if args.show:
        for m in missed:
            print("  MISSED", m)
        for f in fp_examples:
            print("  FP", f)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
