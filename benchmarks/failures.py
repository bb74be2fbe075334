"""Print the spans a scorer run missed, from the JSON that score.py writes with --json.

    .venv/bin/python benchmarks/corpus_score.py -- --json results.json
    .venv/bin/python benchmarks/failures.py results.json
"""

import json
import sys

data = json.load(open(sys.argv[1]))
for doc in data["docs"]:
    missed = [s for s in doc["spans"] if not s["redacted"]]
    if not missed and not doc["leaks"] and not doc["meta_leaks"]:
        continue
    print(f"## {doc['doc']}  leaks={doc['leaks']} meta={doc['meta_leaks']}")
    for s in missed:
        print(f"   p{s['page']} {s['cat']:<10} {str(s['ctx']):<10} {s['text']!r:<40} {s['why']} {s['leftover']!r}")
