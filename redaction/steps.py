"""Named steps after Presidio's analysis, each a plain function over findings, each testable alone."""

from __future__ import annotations

import bisect
import re

from .findings import DecisionKind, Finding
from .rules import Rules, rules_dir

_ALNUM = re.compile(r"\w", re.UNICODE)
# Runs of the text as SearchIndex reads it: a line-end hyphen, whitespace, or anything else.
_RUNS = re.compile(r"-\n|\s+|[^\s-]+|-")


def resolve_overlaps(findings: list[Finding]) -> list[Finding]:
    """Keep one finding where several overlap: the longest, then the highest score.

    A keep decision (for example a minister's name) counts like any other finding, so a shorter
    redaction inside a kept span is dropped.
    """
    ordered = sorted(findings, key=lambda f: (-(f.end - f.start), -f.score, f.start))
    taken: list[Finding] = []
    for finding in ordered:
        if any(finding.start < t.end and t.start < finding.end for t in taken):
            continue
        taken.append(finding)
    return sorted(taken, key=lambda f: f.start)


class SearchIndex:
    """The document's text prepared for finding every occurrence of a phrase quickly.

    Case is ignored (folded: "ß" reads "ss") and any run of whitespace (a line break too) matches any other. A line-end break
    after a hyphen is read both ways: joined with its hyphen ("Jansen-\\nBakker" reads "Jansen-Bakker")
    and as hyphenation ("Jansen-\\nsen" reads "Jansensen"). Matches are whole words and map back to
    offsets in the original text.
    """

    def __init__(self, text: str):
        self.text = text
        self.variants = [self._build(text, keep_hyphen=True)]
        if "-\n" in text:
            self.variants.append(self._build(text, keep_hyphen=False))

    @staticmethod
    def _build(text: str, keep_hyphen: bool) -> tuple[str, list[int]]:
        parts: list[str] = []
        offsets: list[int] = []
        for match in _RUNS.finditer(text):
            run = match.group(0)
            start = match.start()
            if run[0].isspace():
                if parts:  # leading whitespace is dropped
                    parts.append(" ")
                    offsets.append(start)
            elif run == "-\n":
                if keep_hyphen:
                    parts.append("-")
                    offsets.append(start)
            else:
                folded = run.casefold()
                if len(folded) == len(run):
                    parts.append(folded)
                    offsets.extend(range(start, start + len(run)))
                else:  # a letter that folds to more ("ß" to "ss", a ligature "ﬁ" to "fi"): each maps back to it
                    for i, ch in enumerate(run):
                        fold = ch.casefold()
                        parts.append(fold)
                        offsets.extend([start + i] * len(fold))
        return "".join(parts), offsets

    @staticmethod
    def normalise(phrase: str) -> str:
        """Case folded as the release's verifier reads ("Gauß" and "GAUSS" are the same word)."""
        phrase = phrase.replace("-\n", "-")
        return " ".join(phrase.casefold().split())

    def find_all(self, phrase: str, loose: bool = False):
        """Yield (start, end) offsets in the original text of every whole-word occurrence of ``phrase``.

        A whole word does not continue into an e-mail address, a file name or a hyphenated compound
        ("jansen" is not found in "p.jansen@" nor in "Jansen-achtig"). With ``loose`` only letters and
        digits end a word, as for the release's verifier, which counts "Myers" in "Bristol-Myers" as
        readable."""
        needle = self.normalise(phrase)
        if not needle:
            return
        seen = set()
        for norm, offsets in self.variants:
            at = norm.find(needle)
            while at >= 0:
                end = at + len(needle)
                before = norm[at - 1] if at > 0 else " "
                after = norm[end] if end < len(norm) else " "
                if loose:
                    whole = not (before.isalnum() or before == "_") and not (after.isalnum() or after == "_")
                else:
                    whole = not (before.isalnum() or before in "@._-" and at > 1 and norm[at - 2].isalnum()) \
                        and not (after.isalnum() or after in "@-_" or (after == "." and end + 1 < len(norm)
                                                                        and norm[end + 1].isalnum()))
                if whole:
                    span = (offsets[at], offsets[end - 1] + 1)
                    if span not in seen:
                        seen.add(span)
                        yield span
                at = norm.find(needle, at + 1)


def find_terms(text: str, terms: list[str], existing: list[Finding], index: SearchIndex | None = None
               ) -> list[Finding]:
    """Every occurrence of each user term (``--term``, the deny list) as a finding to redact."""
    index = index or SearchIndex(text)
    found: list[Finding] = []
    for term in terms:
        term = term.strip()
        if not term:
            continue
        for start, end in index.find_all(term):
            found.append(
                Finding(entity="TERM", text=text[start:end], start=start, end=end, score=1.0,
                        recognizer="term", reason=f"zoekterm {term!r}", decision=DecisionKind.REDACT)
            )
    return found


def _title_prefix() -> re.Pattern[str]:
    titles = set()
    path = rules_dir() / "names_titles.txt"
    if path.exists():
        for line in path.read_text(encoding="utf-8").split("# post-nominal")[0].splitlines():
            line = line.split("#", 1)[0].strip().rstrip(".")
            if line:
                titles.add(re.escape(line))
    if not titles:
        titles = {"mr", "dr", "drs", "ir", "ing", "prof"}
    alternatives = "|".join(sorted(titles, key=len, reverse=True))
    # A title ends in a full stop or a space: "ing. Jan", "ir Jan" -- never "Ingrid".
    return re.compile(rf"^(?:(?:{alternatives})(?:\.\s*|\s+))+(?=\S)", re.IGNORECASE)


_TITLES: re.Pattern[str] | None = None


def split_titles(findings: list[Finding]) -> list[Finding]:
    """Give a title in front of a name ("prof. dr. A. de Vries") a box of its own.

    The title is redacted with the name, but the name keeps a box (and a printed ground code) of its
    own, so the code never straddles the title and the name.
    """
    global _TITLES
    if _TITLES is None:
        _TITLES = _title_prefix()
    result = []
    for f in findings:
        match = _TITLES.match(f.text) if f.entity == "PERSON" else None
        if not match or match.end() >= len(f.text):
            result.append(f)
            continue
        cut = match.end()
        title = match.group(0).rstrip()
        result.append(Finding(entity=f.entity, text=title, start=f.start, end=f.start + len(title), score=f.score,
                              recognizer=f.recognizer, reason=f"titel bij de naam: {f.reason}", ground=f.ground,
                              decision=f.decision))
        result.append(Finding(entity=f.entity, text=f.text[cut:], start=f.start + cut, end=f.end, score=f.score,
                              recognizer=f.recognizer, reason=f.reason, ground=f.ground, decision=f.decision))
    return result


ADDRESS_PARTS = ("ADDRESS", "POSTCODE_CITY")
UNKNOWN_OWNER_SCORE = 0.6  # what the address recognizers give a line whose owner they could not tell


def pair_address_lines(text: str, findings: list[Finding]) -> list[Finding]:
    """Decide the lines of one address block together.

    A street line whose owner the recognizer could not tell, directly above or beside a postcode line that
    is known to be an organisation's (or the other way round), belongs to that organisation too.
    """
    parts = sorted((f for f in findings if f.entity in ADDRESS_PARTS), key=lambda f: f.start)
    for first, second in zip(parts, parts[1:]):
        between = text[first.end:second.start]
        if len(between) > 3 or between.strip(" ,\n"):
            continue
        pair = (first, second)
        kept = [f for f in pair if f.decision is DecisionKind.KEEP]
        unsure = [f for f in pair if f.decision is not DecisionKind.KEEP and f.score <= UNKNOWN_OWNER_SCORE]
        if len(kept) == 1 and len(unsure) == 1:
            unsure[0].decision = DecisionKind.KEEP
            unsure[0].reason = f"hoort bij hetzelfde adres: {kept[0].reason}"
    return findings


def apply_rules(findings: list[Finding], rules: Rules) -> list[Finding]:
    """Give each finding its ground and decision from the rules; the allow list keeps a text visible."""
    for finding in findings:
        rule = rules.rule_for(finding.entity)
        if finding.ground is None:
            finding.ground = rule.ground
        if finding.decision is DecisionKind.KEEP:
            continue
        if " ".join(finding.text.split()).casefold() in rules.allow:
            finding.decision = DecisionKind.KEEP
            finding.reason = "op de lijst van teksten die zichtbaar blijven (rules/allow.txt)"
        elif finding.recognizer != "term":
            finding.decision = rule.decision
    return findings


def sweep_repeats(text: str, findings: list[Finding], min_chars: int = 4, index: SearchIndex | None = None
                  ) -> list[Finding]:
    """Find every other occurrence of a text that is redacted somewhere in the document.

    A name or number redacted once must not stay readable elsewhere in the same document. Occurrences
    that overlap another finding (a minister with the same surname, kept) are left to that finding.
    """
    index = index or SearchIndex(text)
    covered = sorted((f.start, f.end) for f in findings)
    starts = [s for s, _ in covered]
    redacted: dict[str, Finding] = {}
    for f in findings:
        if f.decision is DecisionKind.KEEP:
            continue
        key = SearchIndex.normalise(f.text)
        if len(_ALNUM.findall(key)) >= min_chars and key not in redacted:
            redacted[key] = f

    def is_covered(start: int, end: int) -> bool:
        i = bisect.bisect_left(starts, end)
        for s, e in reversed(covered[max(0, i - 8):i]):
            if start < e and s < end:
                return True
        # a long finding that starts far before may still overlap
        return any(start < e and s < end for s, e in covered[: max(0, i - 8)] if e > start)

    added: list[Finding] = []
    for key, source in redacted.items():
        # as loosely as the verifier reads: every place it would find readable is redacted too
        for start, end in index.find_all(source.text, loose=True):
            if is_covered(start, end):
                continue
            added.append(
                Finding(entity=source.entity, text=text[start:end], start=start, end=end,
                        score=source.score, recognizer="consistency",
                        reason=f"dezelfde tekst is elders in het document gelakt ({source.reason})",
                        ground=source.ground, decision=source.decision)
            )
    return findings + added
