"""Recall and false keeps of the non-name Dutch recognizers on a gold-annotated corpus.

For every text (non-scanned) page of every document in the corpus folder, each recognizer
runs on the page text (PyMuPDF ``get_text()``). Per category it prints:

* recall: the share of gold ``redact`` spans of that category whose text lies inside a
  result of the recognizer that has no ``keep_reason``;
* false keep: gold ``keep`` spans (ORG_CONTACT, ORG_ADDRESS, NUMBER, REFERENCE, DATE,
  AMOUNT, KAMERSTUK, ...) overlapped by such a result, i.e. would be wrongly redacted;
* unlabelled: results without ``keep_reason`` that overlap no gold span at all (likely
  false positives in ordinary text).

Usage::

    .venv/bin/python benchmarks/recognizer_recall.py [--corpus ../shared/corpus/dev] [--verbose]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

import pymupdf
import regex

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from redaction.recognizers.bsn import NlBsnRecognizer  # noqa: E402
from redaction.recognizers.date_of_birth import NlDateOfBirthRecognizer  # noqa: E402
from redaction.recognizers.email import NlEmailRecognizer  # noqa: E402
from redaction.recognizers.iban import NlIbanRecognizer  # noqa: E402
from redaction.recognizers.license_plate import NlLicensePlateRecognizer  # noqa: E402
from redaction.recognizers.phone import NlPhoneRecognizer  # noqa: E402
from redaction.recognizers.postcode_city import NlPostcodeCityRecognizer  # noqa: E402
from redaction.recognizers.street_address import NlStreetAddressRecognizer  # noqa: E402

RECOGNIZERS = [
    NlBsnRecognizer,
    NlPhoneRecognizer,
    NlEmailRecognizer,
    NlIbanRecognizer,
    NlStreetAddressRecognizer,
    NlPostcodeCityRecognizer,
    NlDateOfBirthRecognizer,
    NlLicensePlateRecognizer,
]


def occurrences(page_text: str, span_text: str) -> list[tuple[int, int]]:
    """Where ``span_text`` occurs in the page text; whitespace and line breaks may differ."""
    chars = [regex.escape(c) for c in span_text if not c.isspace()]
    if not chars:
        return []
    pattern = regex.compile(r"\s*".join(chars))
    return [m.span() for m in pattern.finditer(page_text)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus" / "dev")
    parser.add_argument("--verbose", action="store_true", help="list every miss, false keep and unlabelled result")
    args = parser.parse_args(argv)

    gold_files = sorted(args.corpus.glob("*.gold.json"))
    if not gold_files:
        print(f"No *.gold.json files in {args.corpus}; pass the corpus folder with --corpus.", file=sys.stderr)
        return 2

    recognizers = [cls() for cls in RECOGNIZERS]
    entity_of = {id(r): r.supported_entities[0] for r in recognizers}
    found = defaultdict(int)
    total = defaultdict(int)
    false_keep = defaultdict(int)
    unlabelled = defaultdict(int)
    notes = []

    for gold_file in gold_files:
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        if gold.get("scanned"):
            continue
        document = pymupdf.open(gold_file.with_name(gold_file.name.replace(".gold.json", ".pdf")))
        for page in gold["pages"]:
            if page.get("scanned"):
                continue
            text = document[page["index"]].get_text()
            results = {}
            for recognizer in recognizers:
                entity = entity_of[id(recognizer)]
                results[entity] = recognizer.analyze(text, [entity])

            # the i-th gold span with a given text is the i-th occurrence of that text; keep
            # spans are placed after the redact spans, away from them ("Venlo" in "5921 GV Venlo")
            seen = defaultdict(int)
            gold_places = []
            ordered = sorted(page["spans"], key=lambda s: s["action"] != "redact")
            for span in ordered:
                places = occurrences(text, span["text"])
                if span["action"] == "keep":
                    free = [p for p in places if not any(p[0] < e and s < p[1] for g, (s, e) in gold_places if g["action"] == "redact")]
                    places = free or places
                key = (span["category"], span["text"])
                index = seen[key]
                seen[key] += 1
                if places:
                    gold_places.append((span, places[min(index, len(places) - 1)]))
                elif span["action"] == "redact" and span["category"] in results:
                    total[span["category"]] += 1
                    notes.append(f"{gold['doc']} p{page['index']} {span['category']}: gold text not in page text: {span['text']!r}")

            for span, (start, end) in gold_places:
                category = span["category"]
                if span["action"] == "redact" and category in results:
                    total[category] += 1
                    if any(r.start <= start and end <= r.end and "keep_reason" not in r.recognition_metadata for r in results[category]):
                        found[category] += 1
                    else:
                        notes.append(f"{gold['doc']} p{page['index']} MISS {category}: {span['text']!r}")
                elif span["action"] == "keep":
                    for entity, entity_results in results.items():
                        for r in entity_results:
                            if r.start < end and start < r.end and "keep_reason" not in r.recognition_metadata:
                                false_keep[entity] += 1
                                notes.append(
                                    f"{gold['doc']} p{page['index']} FALSE KEEP {entity} on {category}: {text[r.start:r.end]!r}"
                                )

            for entity, entity_results in results.items():
                for r in entity_results:
                    if "keep_reason" in r.recognition_metadata:
                        continue
                    if not any(r.start < e and s < r.end for _, (s, e) in gold_places):
                        unlabelled[entity] += 1
                        notes.append(f"{gold['doc']} p{page['index']} UNLABELLED {entity}: {text[r.start:r.end]!r}")

    print(f"corpus: {args.corpus}")
    print(f"{'category':<15}{'recall':>18}{'false keep':>12}{'unlabelled':>12}")
    for recognizer in recognizers:
        entity = entity_of[id(recognizer)]
        recall = f"{found[entity] / total[entity]:.3f} ({found[entity]}/{total[entity]})" if total[entity] else "n/a (0/0)"
        print(f"{entity:<15}{recall:>18}{false_keep[entity]:>12}{unlabelled[entity]:>12}")
    all_found, all_total = sum(found.values()), sum(total.values())
    if all_total:
        print(f"{'all':<15}{f'{all_found / all_total:.3f} ({all_found}/{all_total})':>18}{sum(false_keep.values()):>12}{sum(unlabelled.values()):>12}")
    if args.verbose:
        print("\n".join(notes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
