"""Named steps after Presidio's analysis, each a plain function over findings, each testable alone."""

from __future__ import annotations

import re

from .findings import DecisionKind, Finding
from .rules import Rules

_ALNUM = re.compile(r"\w", re.UNICODE)


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


def text_pattern(term: str) -> re.Pattern[str]:
    """A pattern for ``term`` as a whole word, any case, with any whitespace (also a line break)
    between its words and an optional line-end hyphenation break inside them."""
    words = term.split()
    parts = []
    for word in words:
        parts.append("".join(re.escape(ch) + ("(?:-?\\n)?" if i < len(word) - 1 else "") for i, ch in enumerate(word))
                     if len(word) > 3 else re.escape(word))
    body = r"\s+".join(parts)
    return re.compile(rf"(?<![\w@.-]){body}(?![\w@-])", re.IGNORECASE | re.UNICODE)


def find_terms(text: str, terms: list[str], existing: list[Finding]) -> list[Finding]:
    """Every occurrence of each user term (``--term``, the deny list) as a finding to redact."""
    found: list[Finding] = []
    for term in terms:
        term = term.strip()
        if not term:
            continue
        for match in text_pattern(term).finditer(text):
            found.append(
                Finding(entity="TERM", text=match.group(0), start=match.start(), end=match.end(), score=1.0,
                        recognizer="term", reason=f"zoekterm {term!r}", decision=DecisionKind.REDACT)
            )
    return found


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


def sweep_repeats(text: str, findings: list[Finding], min_chars: int = 4) -> list[Finding]:
    """Find every other occurrence of a text that is redacted somewhere in the document.

    A name or number redacted once must not stay readable elsewhere in the same document. Occurrences
    inside a kept finding (a minister with the same surname) are left to that finding.
    """
    covered = sorted((f.start, f.end) for f in findings)
    redacted = {}
    for f in findings:
        if f.decision is DecisionKind.KEEP:
            continue
        key = " ".join(f.text.split())
        if len(_ALNUM.findall(key)) >= min_chars and key.casefold() not in redacted:
            redacted[key.casefold()] = f

    def is_covered(start: int, end: int) -> bool:
        for s, e in covered:
            if s >= end:
                break
            if start < e and s < end:
                return True
        return False

    added: list[Finding] = []
    for key, source in redacted.items():
        for match in text_pattern(" ".join(source.text.split())).finditer(text):
            if is_covered(match.start(), match.end()):
                continue
            added.append(
                Finding(entity=source.entity, text=match.group(0), start=match.start(), end=match.end(),
                        score=source.score, recognizer="consistency",
                        reason=f"dezelfde tekst is elders in het document gelakt ({source.reason})",
                        ground=source.ground, decision=source.decision)
            )
    return findings + added
