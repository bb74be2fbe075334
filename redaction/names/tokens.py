"""Tokenizer that keeps offsets and line structure.

Tokens are words (letters with inner apostrophes and hyphens, also a hyphen at a line end: ``Jansen-\\nBakker``),
initials groups (``J.P.``, ``Ö.R.``, ``Th.``), numbers and single punctuation characters. Each token knows
whether a line break or a block/page break lies between it and the previous token.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = r"[^\W\d_]+(?:['’][^\W\d_]+)*(?:-\n?[^\W\d_]+(?:['’][^\W\d_]+)*)*"
_TOKEN_RE = re.compile(
    rf"(?P<art>['’](?:t|s)\b)"
    r"|(?P<vd>(?<![\w.])[vV](?:/[dD]|\.\s?d\.)(?![\w/]))"
    rf"|(?P<word>{_WORD})"
    r"|(?P<num>\d+(?:[.,:/-]\d+)*)"
    r"|(?P<punct>[^\s\w])",
)
_MULTI_INITIAL = {"th", "ch", "chr", "ph", "ij", "sj", "st"}


@dataclass(slots=True)
class Tok:
    text: str
    norm: str          # line-end hyphenation resolved, single spaces
    start: int
    end: int
    kind: str          # "W" word, "I" initials, "A" article ('t / 's), "N" number, "P" punctuation
    line: int          # line number of the token's start
    nl_before: bool    # a line break between the previous token and this one
    block_before: bool  # a blank line or page break before this token (or the text start)
    low: str = ""      # norm in lower case
    cap: bool = False  # starts with a capital

    def __post_init__(self) -> None:
        self.low = self.norm.lower()
        self.cap = bool(self.norm) and self.norm[0].isupper()

    @property
    def allcaps(self) -> bool:
        letters = [c for c in self.norm if c.isalpha()]
        return len(letters) > 1 and all(c.isupper() for c in letters)


def _norm_word(raw: str) -> str:
    if "-\n" not in raw:
        return raw
    parts = raw.split("-\n")
    out = parts[0]
    for part in parts[1:]:
        # "Schimmel-\npenninck" is one word broken by hyphenation; "Jansen-\nBakker" keeps its hyphen
        out += ("-" + part) if part[:1].isupper() else part
    return out


def tokenize(text: str) -> list[Tok]:
    toks: list[Tok] = []
    line = 0
    pos = 0
    for m in _TOKEN_RE.finditer(text):
        gap = text[pos:m.start()]
        nl = gap.count("\n") + gap.count("\f")
        line += nl
        if not nl and ("\t" in gap or "   " in gap):
            nl = -1  # a tab or a wide gap separates table cells: a name never runs across it
        block = (not toks) or gap.count("\n") >= 2 or "\f" in gap
        kind = m.lastgroup
        raw = m.group()
        if kind == "vd":  # abbreviated tussenvoegsel "v/d", "v.d.": one word
            toks.append(Tok(raw, raw.replace(" ", ""), m.start(), m.end(), "W", line, nl != 0, block))
        elif kind == "word":
            toks.append(Tok(raw, _norm_word(raw), m.start(), m.end(), "W", line, nl != 0, block))
            line += raw.count("\n")
        elif kind == "art":
            toks.append(Tok(raw, raw.replace("’", "'"), m.start(), m.end(), "A", line, nl != 0, block))
        elif kind == "num":
            toks.append(Tok(raw, raw, m.start(), m.end(), "N", line, nl != 0, block))
        else:
            toks.append(Tok(raw, raw, m.start(), m.end(), "P", line, nl != 0, block))
        pos = m.end()
    return _merge_initials(toks, text)


def _is_initial_word(t: Tok) -> bool:
    if t.kind != "W" or "\n" in t.text:
        return False
    w = t.text
    if len(w) == 1:
        return w.isupper()
    return w.lower() in _MULTI_INITIAL and w[0].isupper() and w[1:].islower() or w == "IJ"


def _merge_initials(toks: list[Tok], text: str) -> list[Tok]:
    """Turn ``J`` ``.`` ``P`` ``.`` into one initials token ``J.P.`` (a space or hyphen between is allowed)."""
    out: list[Tok] = []
    i = 0
    n = len(toks)
    while i < n:
        t = toks[i]
        if _is_initial_word(t) and i + 1 < n and toks[i + 1].text == "." and toks[i + 1].start == t.end:
            j = i + 2
            parts = [t.text + "."]
            end = toks[i + 1].end
            while j + 1 < n and _is_initial_word(toks[j]) and toks[j + 1].text == "." \
                    and toks[j + 1].start == toks[j].end and toks[j].start - end <= 1 \
                    and "\n" not in text[end:toks[j].start]:
                parts.append(toks[j].text + ".")
                end = toks[j + 1].end
                j += 2
            out.append(Tok(text[t.start:end], "".join(parts), t.start, end, "I", t.line, t.nl_before,
                           t.block_before))
            i = j
            continue
        out.append(t)
        i += 1
    return out


def line_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line (without its line break), in order; page breaks also end a line."""
    spans = []
    start = 0
    for m in re.finditer(r"[\n\f]", text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return spans
