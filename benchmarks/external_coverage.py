"""Coverage of annotated personal data in external Dutch examples (Deduce, pii-filter).

The examples live in ``../shared/external/deduce/`` (Deduce's regression cases plus its one pipeline
example) and ``../shared/external/pii-filter-nl/`` (pii-filter's Dutch benchmark). Each example is a
short text with gold spans. Every example is written to its own ``.txt`` file in a temporary folder and
the real command line analyses all of them in one process (``woo-redact analyze --json``), each file as a
whole document, the way the tool is used.

For each annotated kind the benchmark counts the annotated characters (the union of the gold spans of
that kind in an example; whitespace is not counted, because a space between two redacted words reveals
nothing) and how many of them lie inside a finding whose decision is not ``keep``. Any entity counts: a
phone number found as PHONE or a name found inside an ADDRESS is redacted all the same. A ``keep``
finding (a public official, an organisation's general number) leaves the text visible, so it does not
count.

Kinds measured, with the gold tags mapped onto them:

* deduce: person (``persoon``, and ``patient`` from the pipeline example), phone (``telefoonnummer``),
  e-mail (``emailadres``), BSN (``bsn``);
* pii-filter-nl: first name (``first_name``), family name (``family_name``), phone (``phone_number``),
  e-mail (``email_address``).

Deduce's person spans include titles and forms of address (``Dr. Visser``, ``Mevrouw Visser``); the tool
leaves those words visible on purpose. ``--names-without-titles`` leaves tokens that are titles or
honorifics in ``rules/names_titles.txt`` / ``rules/names_honorifics.txt`` out of the annotated characters
of the name kinds, to show how much of the gap is the name itself.

Usage::

    .venv/bin/python benchmarks/external_coverage.py [--external ../shared/external] [--verbose]
                                                     [--in-process] [--target 0.95] [--names-without-titles]

``--in-process`` runs the engine in this process instead of the command line (same steps, faster).
Exit code 0, or 1 with ``--strict`` when a kind is below the target, 2 when the data is missing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_EXTERNAL = REPO.parent / "shared" / "external"
TARGET = 0.95

# dataset -> {gold tag: kind}; tags not listed (dates, locations, ids, pets, ...) are not measured
TAG_KINDS = {
    "deduce": {
        "persoon": "person",
        "patient": "person",
        "telefoonnummer": "phone",
        "emailadres": "email",
        "bsn": "bsn",
    },
    "pii-filter-nl": {
        "first_name": "first name",
        "family_name": "family name",
        "phone_number": "phone",
        "email_address": "email",
    },
}
DATASET_FILES = {
    "deduce": ("regression_cases.json", "pipeline_example.json"),
    "pii-filter-nl": ("benchmark_nl.json",),
}
KINDS = [(dataset, kind) for dataset, tags in TAG_KINDS.items() for kind in dict.fromkeys(tags.values())]
NAME_KINDS = {"person", "first name", "family name"}


@dataclass
class Span:
    start: int
    end: int
    kind: str
    text: str


@dataclass
class Example:
    dataset: str
    name: str  # file name and id, for reports
    text: str
    spans: list[Span]


@dataclass
class Hit:
    """A finding of the tool, reduced to what coverage needs."""

    start: int
    end: int
    entity: str
    decision: str
    reason: str = ""


@dataclass
class KindScore:
    dataset: str
    kind: str
    examples: int = 0
    spans: int = 0
    chars: int = 0
    covered: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def coverage(self) -> float | None:
        return self.covered / self.chars if self.chars else None


def load_examples(external: Path = DEFAULT_EXTERNAL) -> list[Example]:
    """Every example of both datasets that has at least one span of a measured kind."""
    examples = []
    for dataset, files in DATASET_FILES.items():
        kinds = TAG_KINDS[dataset]
        for file_name in files:
            path = external / dataset / file_name
            if not path.exists():
                raise FileNotFoundError(f"{path} is missing")
            for item in json.loads(path.read_text(encoding="utf-8")):
                text = item["text"]
                spans = []
                for s in item["spans"]:
                    kind = kinds.get(s["tag"])
                    if kind is None:
                        continue
                    if text[s["start"] : s["end"]] != s["text"]:
                        raise ValueError(f"{path} id {item.get('id')}: offsets do not match {s['text']!r}")
                    spans.append(Span(s["start"], s["end"], kind, s["text"]))
                if spans:
                    examples.append(Example(dataset, f"{file_name}#{item.get('id')}", text, spans))
    return examples


def document_text(example: Example) -> str:
    """The example as a text file: its text as one document, ending in a newline like any text file."""
    return example.text if example.text.endswith("\n") else example.text + "\n"


def _command() -> list[str]:
    exe = REPO / ".venv" / "bin" / "woo-redact"
    if exe.exists():
        return [str(exe)]
    found = shutil.which("woo-redact")
    if found:
        return [found]
    return [sys.executable, "-c", "import sys; from redaction.cli import main; sys.exit(main())"]


def analyze_with_cli(texts: list[str]) -> list[list[Hit]]:
    """Findings per text, from one ``woo-redact analyze --json`` process over one .txt file per text."""
    with tempfile.TemporaryDirectory(prefix="woo-external-") as tmp:
        paths = []
        for i, text in enumerate(texts):
            path = Path(tmp) / f"example_{i:04d}.txt"
            path.write_text(text, encoding="utf-8")
            paths.append(str(path))
        proc = subprocess.run(
            _command() + ["analyze", "--json", *paths],
            capture_output=True, text=True, encoding="utf-8", cwd=REPO, env=dict(os.environ),
        )
        by_file: dict[str, list[Hit]] = {}
        for line in proc.stdout.splitlines():
            if not line.startswith("{"):
                continue
            record = json.loads(line)
            if "error" in record:
                raise RuntimeError(f"woo-redact could not analyse {record['file']}: {record['error']}")
            by_file[record["file"]] = [
                Hit(f["start"], f["end"], f["entity"], f["decision"], f.get("reason") or "") for f in record["findings"]
            ]
        missing = [p for p in paths if p not in by_file]
        if missing:
            raise RuntimeError(
                f"woo-redact gave no result for {len(missing)} of {len(paths)} files (exit {proc.returncode}): "
                f"{proc.stderr.strip()[-2000:]}"
            )
        return [by_file[p] for p in paths]


def analyze_in_process(texts: list[str]) -> list[list[Hit]]:
    """The same analysis as the command line, with the engine in this process."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from redaction.analyzer import get_engine
    from redaction.document import Document

    engine = get_engine()
    out = []
    for text in texts:
        findings = engine.analyze(Document(path=None, text=text))
        out.append([Hit(f.start, f.end, f.entity, f.decision.value, f.reason or "") for f in findings])
    return out


def _context(text: str, start: int, end: int, width: int = 30) -> str:
    left = text[max(0, start - width) : start]
    right = text[end : end + width]
    return f"{'…' if start > width else ''}{left}[{text[start:end]}]{right}{'…' if end + width < len(text) else ''}"


def title_words(rules: Path = REPO / "rules") -> frozenset[str]:
    """Titles and forms of address (lower case), from the rules the person recognizer uses."""
    words = set()
    for name in ("names_titles.txt", "names_honorifics.txt"):
        path = rules / name
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                line = line.strip().lower()
                if line and not line.startswith("#"):
                    words.add(line)
    return frozenset(words)


def _title_chars(text: str, span: Span, titles: frozenset[str]) -> set[int]:
    """Offsets of the tokens in a name span that are only titles ("Dr.", "Prof.Dr.", "Mevrouw")."""
    out = set()
    for m in re.finditer(r"\S+", text[span.start : span.end]):
        parts = [p for p in re.split(r"(?<=\.)", m.group().lower()) if p]
        if parts and all(p in titles or p.rstrip(".") in titles for p in parts):
            out.update(range(span.start + m.start(), span.start + m.end()))
    return out


def score(
    examples: list[Example], hits: list[list[Hit]], titles: frozenset[str] = frozenset()
) -> dict[tuple[str, str], KindScore]:
    """Annotated and covered characters per (dataset, kind); misses described for --verbose.

    ``titles``: words left out of the annotated characters of name spans (see --names-without-titles).
    """
    scores = {(d, k): KindScore(d, k) for d, k in KINDS}
    for example, example_hits in zip(examples, hits):
        text = example.text
        redacted = set()
        for h in example_hits:
            if h.decision != "keep":
                redacted.update(range(h.start, h.end))
        by_kind: dict[str, list[Span]] = {}
        for span in example.spans:
            by_kind.setdefault(span.kind, []).append(span)
        for kind, spans in by_kind.items():
            s = scores[(example.dataset, kind)]
            s.examples += 1
            s.spans += len(spans)
            skip = set()
            if titles and kind in NAME_KINDS:
                for sp in spans:
                    skip |= _title_chars(text, sp, titles)
            wanted = {i for sp in spans for i in range(sp.start, sp.end) if not text[i].isspace()} - skip
            s.chars += len(wanted)
            s.covered += len(wanted & redacted)
            for sp in spans:
                gap = [i for i in range(sp.start, sp.end) if i in wanted and i not in redacted]
                if not gap:
                    continue
                missed = "".join(text[i] if i in gap else "·" for i in range(sp.start, sp.end))
                near = [h for h in example_hits if h.start < sp.end + 1 and sp.start - 1 < h.end]
                found = "; ".join(
                    f"{h.entity}/{h.decision} {text[h.start:h.end]!r}" + (f" ({h.reason})" if h.decision == "keep" else "")
                    for h in near
                ) or "nothing found"
                s.misses.append(
                    f"{example.name}: {sp.text!r} missed {missed!r} in {_context(text, sp.start, sp.end)!r} -> {found}"
                )
    return scores


def measure(
    external: Path = DEFAULT_EXTERNAL, in_process: bool = False, names_without_titles: bool = False
) -> dict[tuple[str, str], KindScore]:
    examples = load_examples(external)
    texts = [document_text(e) for e in examples]
    hits = analyze_in_process(texts) if in_process else analyze_with_cli(texts)
    return score(examples, hits, title_words() if names_without_titles else frozenset())


def table(scores: dict[tuple[str, str], KindScore], target: float = TARGET) -> str:
    lines = [f"{'dataset':<15}{'kind':<13}{'examples':>9}{'spans':>7}{'chars':>7}{'covered':>9}{'coverage':>10}"]
    for s in scores.values():
        cov = f"{s.coverage:.3f}" if s.coverage is not None else "n/a"
        flag = "" if s.coverage is None or s.coverage >= target else f"  < {target:.2f}"
        lines.append(f"{s.dataset:<15}{s.kind:<13}{s.examples:>9}{s.spans:>7}{s.chars:>7}{s.covered:>9}{cov:>10}{flag}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--external", type=Path, default=DEFAULT_EXTERNAL, help="folder with deduce/ and pii-filter-nl/")
    parser.add_argument("--verbose", action="store_true", help="list every missed annotation with context")
    parser.add_argument("--in-process", action="store_true", help="run the engine here instead of the command line")
    parser.add_argument("--target", type=float, default=TARGET, help="coverage each kind should reach")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a kind is below the target")
    parser.add_argument("--names-without-titles", action="store_true",
                        help="leave titles and forms of address out of the annotated name characters")
    args = parser.parse_args(argv)

    try:
        scores = measure(args.external, in_process=args.in_process, names_without_titles=args.names_without_titles)
    except FileNotFoundError as exc:
        print(f"{exc}; pass the folder with --external.", file=sys.stderr)
        return 2
    how = "in process" if args.in_process else "woo-redact analyze --json"
    if args.names_without_titles:
        how += "; titles and forms of address not counted in names"
    print(f"external: {args.external}  ({how})")
    print(table(scores, args.target))
    if args.verbose:
        for s in scores.values():
            if s.misses:
                print(f"\n{s.dataset} {s.kind}: {len(s.misses)} annotations not fully covered")
                for line in s.misses:
                    print(f"  {line}")
    below = [s for s in scores.values() if s.coverage is not None and s.coverage < args.target]
    return 1 if args.strict and below else 0


if __name__ == "__main__":
    raise SystemExit(main())
