"""Recall and false positives of the PersonRecognizer on the benchmark corpus.

For every text document of a corpus folder (scanned documents are skipped) the text is built as the
engine builds it (``page.get_text()`` per page, pages joined with ``\\f``), PersonRecognizer runs once on
the whole text, and the results are compared with the gold:

* a gold ``PERSON``/redact span occurrence is *found* when non-keep PERSON results cover every
  non-space character of its text at its place. The place is found by searching the span's text on
  its page (line breaks and line-end hyphens allowed between characters, whole words); the k-th gold
  span with a given text on a page is mapped to the k-th occurrence of that text that is not inside a
  longer gold span's text. Spans whose text cannot be found on their page are reported as unmapped
  and count as missed.
* a gold keep span (``PUBLIC_OFFICIAL``, ``ORGANISATION``, ``PUBLIC_PLACE``, ...) is *hit* when a
  non-keep PERSON result overlaps it (a false positive); public officials are *kept* otherwise.
* a non-keep result that overlaps no gold redact span of any category is a false positive on ordinary
  words.

Usage: ``python benchmarks/person_recall.py [--corpus ../shared/corpus/dev] [--show-missed] [--show-fp]``
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

warnings.filterwarnings("ignore")
import fitz  # noqa: E402

from redaction.recognizers.person import PersonRecognizer  # noqa: E402


def span_regex(text: str) -> re.Pattern:
    parts = []
    for ch in text:
        if ch.isspace():
            parts.append(r"\s+")
        else:
            parts.append(re.escape(ch) + r"(?:-?\n)?" if ch.isalpha() else re.escape(ch) + r"\s*"
                         if ch in "-." else re.escape(ch))
    pat = "".join(parts)
    # the optional break after the last character must not eat text
    return re.compile(r"(?<![\w])" + pat.rstrip() + r"(?![\w])")


def occurrences(page_text: str, text: str) -> list[tuple[int, int]]:
    out = []
    for m in span_regex(text).finditer(page_text):
        s, e = m.start(), m.end()
        while e > s and page_text[e - 1] in "\n -":
            e -= 1
        out.append((s, e))
    return out


def covered(results, s: int, e: int, text: str) -> bool:
    need = [k for k in range(s, e) if not text[k].isspace() and text[k] not in "-"]
    cov = set()
    for r in results:
        if r.end <= s or r.start >= e:
            continue
        cov.update(range(max(r.start, s), min(r.end, e)))
    return all(k in cov for k in need)


def overlaps(results, s: int, e: int) -> list:
    return [r for r in results if r.start < e and r.end > s]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus" / "dev"))
    ap.add_argument("--show-missed", action="store_true")
    ap.add_argument("--show-fp", action="store_true")
    ap.add_argument("--json", help="write the numbers to this file")
    args = ap.parse_args()

    t0 = time.perf_counter()
    rec = PersonRecognizer()
    rec.load()
    t_load = time.perf_counter() - t0

    by_ctx = collections.Counter()
    found_ctx = collections.Counter()
    missed = []
    unmapped = 0
    keep_total = collections.Counter()
    keep_hit = collections.Counter()
    keep_examples = []
    officials = officials_kept = officials_marked = 0
    fp_results = []
    n_results = 0
    docs = 0
    t_detect = 0.0
    for gold_path in sorted(Path(args.corpus).glob("*.gold.json")):
        gold = json.loads(gold_path.read_text())
        if gold.get("scanned"):
            continue
        pdf = gold_path.with_name(gold_path.name.replace(".gold.json", ".pdf"))
        doc = fitz.open(pdf)
        pages = [p.get_text() for p in doc]
        text = "\f".join(pages)
        offs = []
        pos = 0
        for pt in pages:
            offs.append(pos)
            pos += len(pt) + 1
        t1 = time.perf_counter()
        results = rec.analyze(text, ["PERSON"], None)
        t_detect += time.perf_counter() - t1
        docs += 1
        n_results += len(results)
        redact_res = [r for r in results if not (r.recognition_metadata or {}).get("keep_reason")]
        keep_res = [r for r in results if (r.recognition_metadata or {}).get("keep_reason")]
        gold_redact_areas = []
        for page in gold["pages"]:
            pi = page["index"]
            if page.get("scanned") or pi >= len(pages):
                continue
            ptext = pages[pi]
            base = offs[pi]
            spans = page["spans"]
            texts = sorted({s["text"] for s in spans}, key=len, reverse=True)
            occ_cache = {t: occurrences(ptext, t) for t in texts}
            # occurrences inside a longer gold text's occurrence are not separate places
            def free_occ(t):
                longer = [o for t2 in texts if len(t2) > len(t) and t in t2 for o in occ_cache[t2]]
                return [o for o in occ_cache[t] if not any(a <= o[0] and o[1] <= b and (a, b) != o
                                                              for a, b in longer)]
            used = collections.Counter()
            for sp in spans:
                occ = free_occ(sp["text"])
                k = used[sp["text"]]
                used[sp["text"]] += 1
                place = occ[k] if k < len(occ) else None
                if place is None and occ:
                    place = occ[-1]
                cat, act = sp["category"], sp["action"]
                if place is not None:
                    s, e = place[0] + base, place[1] + base
                    if act == "redact":
                        gold_redact_areas.append((s, e))
                if cat == "PERSON" and act == "redact":
                    ctx = sp.get("context") or "?"
                    by_ctx[ctx] += 1
                    if place is None:
                        unmapped += 1
                        missed.append((gold["doc"], ctx, sp["text"], "(niet gevonden in tekst)"))
                        continue
                    if covered(redact_res, s, e, text):
                        found_ctx[ctx] += 1
                    else:
                        snippet = text[max(0, s - 40):e + 30].replace("\n", "⏎").replace("\f", "¶")
                        missed.append((gold["doc"], ctx, sp["text"], snippet))
                elif act == "keep" and place is not None:
                    keep_total[cat] += 1
                    hits = overlaps(redact_res, s, e)
                    if hits:
                        keep_hit[cat] += 1
                        keep_examples.append((gold["doc"], cat, sp["text"], hits[0].start, text[hits[0].start:hits[0].end]))
                    if cat == "PUBLIC_OFFICIAL":
                        officials += 1
                        if not hits:
                            officials_kept += 1
                        if overlaps(keep_res, s, e):
                            officials_marked += 1
        for r in redact_res:
            if not any(r.start < e and r.end > s for s, e in gold_redact_areas):
                fp_results.append((gold["doc"], text[r.start:r.end],
                                   text[max(0, r.start - 40):r.end + 30].replace("\n", "⏎").replace("\f", "¶"),
                                   r.analysis_explanation.textual_explanation if r.analysis_explanation else ""))

    total = sum(by_ctx.values())
    found = sum(found_ctx.values())
    print(f"corpus {args.corpus}: {docs} text documents, {n_results} PERSON results, "
          f"load {t_load:.2f}s, detect {t_detect:.2f}s")
    print(f"PERSON recall {found}/{total} = {found / max(total, 1):.4f}  (unmapped gold spans: {unmapped})")
    for ctx, n in by_ctx.most_common():
        print(f"  {ctx:10s} {found_ctx[ctx]:5d}/{n:<5d} {found_ctx[ctx] / n:.3f}")
    print(f"public officials kept {officials_kept}/{officials} = {officials_kept / max(officials, 1):.4f} "
          f"(marked with keep_reason: {officials_marked})")
    print("keep spans wrongly covered by non-keep PERSON results:")
    for cat, n in keep_total.most_common():
        print(f"  {cat:16s} {keep_hit[cat]:4d}/{n}")
    print(f"non-keep results on ordinary words (false positives): {len(fp_results)}")
    if args.show_fp or True:
        for ex in keep_examples[: (200 if args.show_fp else 10)]:
            print("  KEEP-HIT", ex)
        for ex in fp_results[: (300 if args.show_fp else 15)]:
            print("  FP", ex)
    if args.show_missed:
        for m in missed:
            print("  MISSED", m)
    if args.json:
        Path(args.json).write_text(json.dumps({
            "recall": found / max(total, 1), "per_context": {c: [found_ctx[c], n] for c, n in by_ctx.items()},
            "officials_kept": officials_kept / max(officials, 1),
            "keep_hits": dict(keep_hit), "keep_total": dict(keep_total), "false_positives": len(fp_results),
        }, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
