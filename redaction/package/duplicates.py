"""Duplicates, e-mail threads, families and dates of the documents in a release package.

A Woo package is mostly e-mail: the same message printed from the mailbox of every sender and
recipient, quoted whole in each reply, forwarded with its attachments. Everything here works on
the plain text extracted from each document (``PackageText``), so that the inventory can mark
duplicates, group threads and families and list a date without opening a PDF again.

Duplicates come in two kinds. *Exact*: the same bytes, or the same text once case, punctuation and
spacing are ignored. *Near*: a small edit, an OCR copy of a printout, or an e-mail that a later
reply quotes in full. Every duplicate points straight at a document that is itself not a
duplicate, so the inventory never has to follow a chain.
"""

from __future__ import annotations

import datetime
import posixpath
import re
import struct
import unicodedata
from collections import Counter, OrderedDict
from dataclasses import dataclass
from itertools import chain, compress

__all__ = [
    "DuplicateOf",
    "PackageText",
    "document_date",
    "email_threads",
    "families",
    "find_duplicates",
    "is_email",
]


@dataclass
class PackageText:
    """One document of a package as the duplicate detection sees it.

    ``key`` is the caller's stable id, ``path`` the path inside the package (``/`` or ``\\``
    separated), ``text`` the extracted text (``""`` for a scan without a text layer) and ``sha256``
    the hex digest of the file's bytes.
    """

    key: str
    path: str
    text: str
    sha256: str


@dataclass
class DuplicateOf:
    """What a duplicate duplicates.

    ``original`` is the key of a document that is not itself a duplicate. ``kind`` is ``"exact"``
    (same bytes or same normalised text; ``similarity`` 1.0) or ``"near"`` (``similarity`` is the
    measure that matched: the resemblance if it reached its threshold, else the containment).
    """

    original: str
    kind: str
    similarity: float


# Below these lengths (of the normalised text) documents are only matched exactly: short texts
# share too much boilerplate (salutations, signatures, disclaimers) to call them near-duplicates.
EXACT_TEXT_MIN_CHARS = 200
NEAR_MIN_CHARS = 300

SHINGLE_BYTES = 8
# A document needs this many sampled shingles outside boilerplate (some 50 characters of its own
# text) to be matched as a near-duplicate at all.
MIN_CONTENT_SAMPLES = 6
# A sampled shingle found in at least this many distinct documents is boilerplate: a disclaimer,
# a letterhead, a standard closing.
BOILERPLATE_MIN_DOCS = 20
BOILERPLATE_SHARE = 0.1
# Without boilerplate a pair must still come this close to the threshold: two short e-mails that
# share a long disclaimer resemble each other, what they say does not.
BOILERPLATE_SLACK = 0.1
# How far the estimate from the samples may fall below a threshold and the pair still be verified;
# it covers the slack above and the sampling error of documents of a few hundred characters.
_CANDIDATE_SLACK = BOILERPLATE_SLACK + 0.15
# Shingle sets kept for verification (about 1 MB each for a 3000-word text).
_VERIFIED_CACHE = 16
# Longest stretch without a sampled shingle that may lie inside boilerplate.
_MAX_BRIDGE = 64

_NOT_ALNUM = re.compile(r"[\W_]+")
_COMBINING = re.compile(r"[\u0300-\u036f]")
# Confusions of OCR (and of text extraction) folded to one form before shingling, so that an OCR
# copy of a printout still matches the born-digital original.
_OCR_SEQUENCES = (("rn", "m"), ("vv", "w"), ("cl", "d"), ("ij", "y"))
_OCR_CHARS = str.maketrans({"0": "o", "1": "l", "i": "l"})
# The sample: shingles that start with one of these bytes, about one in nine of Dutch text.
_SAMPLE = re.compile(rb"(?=([dhk37][\s\S]{7}))")


def find_duplicates(
    docs: list[PackageText], resemblance: float = 0.9, containment: float = 0.95
) -> dict[str, DuplicateOf]:
    """Map each duplicate's key to its original; originals and unique documents are absent.

    *Exact* duplicates have the same ``sha256`` or, for texts of at least ``EXACT_TEXT_MIN_CHARS``
    normalised characters, the same normalised text (lower case, letters and digits only, single
    spaces). The first of an exact group in input order is its original. Empty texts (scans) are
    only matched by ``sha256``.

    *Near* duplicates are compared as sets of shingles: all 8-byte windows of the normalised text
    with its spaces removed and common OCR confusions folded (``rn``/``m``, ``vv``/``w``,
    ``cl``/``d``, ``ij``/``y``, ``1``/``l``/``i``, ``0``/``o``, accents). Character shingles
    rather than word n-grams: a wrong character or a split word (``informa tie``) costs at most
    nine of them, about one in five hundred of a page, where it would cost four word 4-grams,
    one in a hundred; eight characters are still specific enough that unrelated Dutch texts
    share few. Two measures, with A the document processed later: the resemblance (Jaccard)
    ``|A∩B| / |A∪B| >= resemblance``, or the containment ``|A∩B| / |A| >= containment`` (an
    e-mail quoted whole in a reply is a duplicate of the reply). ``similarity`` is the first that
    matched, in that order. Texts under ``NEAR_MIN_CHARS`` normalised characters, or with fewer
    than ``MIN_CONTENT_SAMPLES`` sampled shingles outside boilerplate, are only matched exactly.

    Boilerplate is text found in many documents: a sampled shingle in at least
    ``max(BOILERPLATE_MIN_DOCS, BOILERPLATE_SHARE × documents)`` of the distinct documents, and
    the stretches of text these cover. A pair must also match without the boilerplate, within
    ``BOILERPLATE_SLACK`` of the threshold, so a shared disclaimer never makes two different
    e-mails duplicates.

    Documents are processed from the most sampled shingles to the fewest (the sample count
    estimates the shingle count, and a document never outranks one that contains all its
    shingles), ties in input order. Each becomes a duplicate of the first original processed
    before it that it matches, else an original itself: no duplicate points at a duplicate.
    Members of an exact group whose original turns out to be a near-duplicate point at that
    near-duplicate's original (kind ``"near"``, with its similarity).

    Candidates come from an inverted index of a sample of the shingles: those starting with one of
    a few bytes, a choice by value, so the sample of a contained text is contained in the sample of
    the text containing it. Boilerplate is left out of the index, and only pairs whose samples
    come near a threshold are verified, on all their shingles. No step depends on Python's
    randomised string hashing, so the result is the same in every run.
    """
    norms = [_normalise(doc.text) for doc in docs]
    roots = _exact_roots(docs, norms)
    near = _near_duplicates([i for i, r in enumerate(roots) if r == i], norms, resemblance, containment)

    found: dict[str, DuplicateOf] = {}
    for i, doc in enumerate(docs):
        root = roots[i]
        if root in near:
            original, similarity = near[root]
            found[doc.key] = DuplicateOf(docs[original].key, "near", similarity)
        elif root != i:
            found[doc.key] = DuplicateOf(docs[root].key, "exact", 1.0)
    return found


def _normalise(text: str) -> str:
    return _NOT_ALNUM.sub(" ", unicodedata.normalize("NFKC", text).lower()).strip()


def _fold(norm: str) -> bytes:
    folded = norm.replace(" ", "")
    if not folded.isascii():
        folded = _COMBINING.sub("", unicodedata.normalize("NFKD", folded))
    for seen, meant in _OCR_SEQUENCES:
        folded = folded.replace(seen, meant)
    return folded.translate(_OCR_CHARS).encode("utf-8")


def _shingles(folded: bytes) -> set[int]:
    """All windows of ``SHINGLE_BYTES`` bytes, each read as one big-endian integer."""
    found: set[int] = set()
    size = len(folded)
    # One unpack per offset reads every eighth window in C; eight offsets cover them all.
    for offset in range(min(SHINGLE_BYTES, size - SHINGLE_BYTES + 1)):
        count = (size - offset) // SHINGLE_BYTES
        found.update(struct.unpack_from(f">{count}Q", folded, offset))
    return found


def _sampled_shingles(folded: bytes) -> set[int]:
    windows = _SAMPLE.findall(folded)
    return set(struct.unpack(f">{len(windows)}Q", b"".join(windows)))


def _exact_roots(docs: list[PackageText], norms: list[str]) -> list[int]:
    """For each document the index of its exact group's first member (itself when unique)."""
    parent = list(range(len(docs)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(a: int, b: int) -> None:
        a, b = root(a), root(b)
        if a != b:
            parent[max(a, b)] = min(a, b)

    first_by_hash: dict[str, int] = {}
    first_by_text: dict[str, int] = {}
    for i, doc in enumerate(docs):
        if doc.sha256:
            join(i, first_by_hash.setdefault(doc.sha256, i))
        if len(norms[i]) >= EXACT_TEXT_MIN_CHARS:
            join(i, first_by_text.setdefault(norms[i], i))
    return [root(i) for i in range(len(docs))]


def _near_duplicates(
    candidates: list[int], norms: list[str], resemblance: float, containment: float
) -> dict[int, tuple[int, float]]:
    """Document index -> (index of its original, similarity), among ``candidates``."""
    folded = {i: _fold(norms[i]) for i in candidates if len(norms[i]) >= NEAR_MIN_CHARS}
    samples = {i: _sampled_shingles(text) for i, text in folded.items()}
    frequency = Counter(chain.from_iterable(samples.values()))
    cutoff = max(BOILERPLATE_MIN_DOCS, BOILERPLATE_SHARE * len(samples))
    content = {i: [h for h in sample if frequency[h] < cutoff] for i, sample in samples.items()}
    order = sorted(
        (i for i in samples if len(content[i]) >= MIN_CONTENT_SAMPLES), key=lambda i: (-len(samples[i]), i)
    )

    verified: OrderedDict[int, tuple[set[int], set[int]]] = OrderedDict()

    def shingles(i: int) -> tuple[set[int], set[int]]:
        """All shingles of document ``i`` and those outside its boilerplate."""
        if i in verified:
            verified.move_to_end(i)
        else:
            verified[i] = _shingle_sets(folded[i], samples[i].difference(content[i]))
            if len(verified) > _VERIFIED_CACHE:
                verified.popitem(last=False)
        return verified[i]

    originals: list[int] = []  # in processing order; the inverted index holds positions in it
    index: dict[int, list[int]] = {}

    def first_match(i: int) -> tuple[int, float] | None:
        own = len(content[i])
        shared_with = Counter(chain.from_iterable(index[h] for h in content[i] if h in index))
        for position in sorted(shared_with):
            other, shared = originals[position], shared_with[position]
            if (shared / (own + len(content[other]) - shared) < resemblance - _CANDIDATE_SLACK
                    and shared / own < containment - _CANDIDATE_SLACK):
                continue
            (mine, my_content), (theirs, their_content) = shingles(i), shingles(other)
            measured = _measures(mine, theirs)
            if my_content is mine and their_content is theirs:
                without = measured
            else:
                without = _measures(my_content, their_content)
            if measured[0] >= resemblance and without[0] >= resemblance - BOILERPLATE_SLACK:
                return other, measured[0]
            if measured[1] >= containment and without[1] >= containment - BOILERPLATE_SLACK:
                return other, measured[1]
        return None

    near: dict[int, tuple[int, float]] = {}
    for i in order:
        match = first_match(i)
        if match is not None:
            near[i] = match
            continue
        originals.append(i)
        for h in content[i]:
            index.setdefault(h, []).append(len(originals) - 1)
    return near


def _measures(mine: set[int], theirs: set[int]) -> tuple[float, float]:
    """The resemblance of two shingle sets and the containment of ``mine`` in ``theirs``."""
    if not mine or not theirs:
        return 0.0, 0.0
    common = len(mine & theirs)
    return common / (len(mine) + len(theirs) - common), common / len(mine)


def _shingle_sets(folded: bytes, common: set[int]) -> tuple[set[int], set[int]]:
    """All shingles of ``folded``, and those outside its boilerplate (the same set without any).

    ``common`` holds the sampled shingles that are boilerplate. A stretch of boilerplate runs from
    one of them over the next ones as long as no other sampled shingle comes between them (the
    gaps merely lack the bytes a sample starts with) and no gap is longer than ``_MAX_BRIDGE``
    bytes; every shingle starting inside a stretch is boilerplate.
    """
    if not common:
        return (shingles := _shingles(folded)), shingles
    outside_mask = bytearray(b"\x01") * len(folded)  # by start position: 1 = outside boilerplate
    windows = _SAMPLE.findall(folded)
    values = struct.unpack(f">{len(windows)}Q", b"".join(windows))
    start = last = -1
    for m, value in zip(_SAMPLE.finditer(folded), values, strict=True):
        position = m.start()
        if value in common and start >= 0 and position - last <= _MAX_BRIDGE:
            last = position
            continue
        if start >= 0:
            outside_mask[start:last + 1] = bytes(last + 1 - start)
        start = last = position if value in common else -1
    if start >= 0:
        outside_mask[start:last + 1] = bytes(last + 1 - start)

    everything: set[int] = set()
    outside: set[int] = set()
    size = len(folded)
    for offset in range(min(SHINGLE_BYTES, size - SHINGLE_BYTES + 1)):
        count = (size - offset) // SHINGLE_BYTES
        shingles = struct.unpack_from(f">{count}Q", folded, offset)
        everything.update(shingles)
        outside.update(compress(shingles, outside_mask[offset::SHINGLE_BYTES]))
    return everything, outside


# --- e-mail headers ---------------------------------------------------------------------------

_TOP_CHARS = 3000
_TOP_LINES = 40
_HEADER_LABEL = re.compile(
    r"^[ \t]*(van|from|aan|to|onderwerp|subject|verzonden|datum|sent|date)[ \t]*:", re.IGNORECASE | re.MULTILINE
)
_LABEL_ROLE = {
    "van": "from", "from": "from",
    "aan": "to", "to": "to",
    "onderwerp": "subject", "subject": "subject",
    "verzonden": "date", "datum": "date", "sent": "date", "date": "date",
}
_SUBJECT = re.compile(r"^[ \t]*(?:onderwerp|subject)[ \t]*:[ \t]*(.*)$", re.IGNORECASE | re.MULTILINE)
_ANY_LABEL = re.compile(
    r"^[ \t]*(?:van|from|aan|to|cc|bcc|onderwerp|subject|verzonden|datum|sent|date|bijlagen?|attachments?)[ \t]*:",
    re.IGNORECASE,
)
# RE:, FW:, Antw:, Doorst:, Fwd:, WG:, AW:, also numbered (RE[2]:) and leading tags ([EXTERN]).
_REPLY_PREFIX = re.compile(
    r"^\s*(?:(?:re|fwd?|antw|doorst|wg|aw)\s*(?:\[\d+\]|\(\d+\))?\s*:|\[[^\W\d_]+\])\s*", re.IGNORECASE
)


def _top(text: str) -> str:
    return "\n".join(text[:_TOP_CHARS].splitlines()[:_TOP_LINES])


def is_email(text: str) -> bool:
    """Whether ``text`` starts like a printed e-mail.

    True when, at line starts in the first 40 lines, labels of at least two of these roles occur:
    sender (``Van:``/``From:``), recipient (``Aan:``/``To:``), subject (``Onderwerp:``/``Subject:``),
    date (``Verzonden:``/``Datum:``/``Sent:``/``Date:``). A memo with the same header block counts
    as an e-mail too.
    """
    roles = {_LABEL_ROLE[m.group(1).lower()] for m in _HEADER_LABEL.finditer(_top(text))}
    return len(roles) >= 2


def _subject(text: str) -> str | None:
    """The e-mail's own subject line (the first near the top), or None without one."""
    top = _top(text)
    m = _SUBJECT.search(top)
    if m is None:
        return None
    value = m.group(1).strip()
    if not value:
        # Text extraction sometimes puts the value on the line after its label.
        following = top[m.end():].split("\n", 2)[1:2]
        if following and not _ANY_LABEL.match(following[0]):
            value = following[0].strip()
    return value


def _conversation(subject: str) -> str:
    previous = None
    while previous != subject:
        previous, subject = subject, _REPLY_PREFIX.sub("", subject, count=1)
    return "".join(subject.casefold().split())


def email_threads(docs: list[PackageText]) -> dict[str, str]:
    """Key -> thread id, for every document that ``is_email``.

    E-mails share a thread when their subjects are equal after removing reply and forward
    prefixes (``RE:``, ``FW:``, ``Fwd:``, ``Antw:``, ``Doorst:``, ``WG:``, ``AW:``, repeated or
    numbered, and leading tags such as ``[EXTERN]``), ignoring case and all whitespace. The thread
    id is ``"T"`` followed by the key of the thread's first e-mail in input order. An e-mail alone
    in its thread gets an id too; so does each e-mail without a subject, alone.
    """
    first_of: dict[str, str] = {}
    threads: dict[str, str] = {}
    for doc in docs:
        if not is_email(doc.text):
            continue
        subject = _subject(doc.text)
        conversation = _conversation(subject) if subject else ""
        if not conversation:
            threads[doc.key] = "T" + doc.key
            continue
        threads[doc.key] = first_of.setdefault(conversation, "T" + doc.key)
    return threads


# --- families ---------------------------------------------------------------------------------

_ATTACHMENTS = re.compile(
    r"^[ \t]*(?:bijlage(?:n|\(n\))?|attachments?)[ \t]*:[ \t]*(.*)$", re.IGNORECASE | re.MULTILINE
)
_SIZE_NOTE = re.compile(r"\s*\(\s*[\d.,]+\s*[kmg]?b\s*\)\s*$", re.IGNORECASE)
_EXTENSION = re.compile(r"\.[^\W_]{1,5}$")
_ATTACHMENT_SUFFIX = re.compile(r"[\s_.\-]+(?:bijlage|attachment)", re.IGNORECASE)


def _name(name: str) -> str:
    name = _SIZE_NOTE.sub("", name).strip().strip("\"'<>").strip()
    return " ".join(name.casefold().split())


def _stem(name: str) -> str:
    return _EXTENSION.sub("", name)


def _listed_attachments(text: str) -> set[str]:
    """Names (and names without extension) on the ``Bijlage(n):``/``Attachments:`` header line."""
    top = _top(text)
    m = _ATTACHMENTS.search(top)
    if m is None:
        return set()
    value = m.group(1).rstrip()
    rest = top[m.end():].split("\n")[1:]
    # A long list wraps; a line ending in a separator continues on the next one.
    while value.endswith((";", ",")) and rest:
        value += " " + rest.pop(0).strip()
    names: set[str] = set()
    for piece in value.split(";"):
        for part in [piece, *piece.split(",")]:
            name = _name(part)
            if name:
                names.add(name)
                if _stem(name):
                    names.add(_stem(name))
    return names


def families(docs: list[PackageText]) -> dict[str, str]:
    """Key -> family id, for e-mails that have attachments in the package and those attachments.

    The e-mail is the family's head and its key is the family id. A document is an attachment of
    an e-mail (``is_email``) when its file name, or its name without extension, is listed on the
    e-mail's ``Bijlage:``/``Bijlagen:``/``Bijlage(n):``/``Attachments:`` header line (names compared
    case-insensitively; ``rapport.docx`` listed matches ``rapport.pdf`` and ``rapport.docx.pdf``),
    or when its stem is the e-mail's stem followed by separators and ``bijlage``/``attachment``
    (``mail-0042.pdf`` -> ``mail-0042_bijlage1.pdf``). A document claimed by several e-mails goes to
    the best claim: by file name convention before by listing, then an e-mail in the same folder,
    then the nearest e-mail before it in input order, then the nearest after it. An attached e-mail
    joins the family of the e-mail it is attached to, with its own attachments. E-mails without
    attachments and documents of no family are absent.
    """
    paths = [doc.path.replace("\\", "/") for doc in docs]
    names = [_name(posixpath.basename(path)) for path in paths]
    stems = [_stem(name) for name in names]
    folders = [posixpath.dirname(path) for path in paths]
    heads = [i for i, doc in enumerate(docs) if is_email(doc.text)]

    claims: dict[int, list[tuple[int, int]]] = {}  # attachment -> [(how, head)]; how 0 = name, 1 = listed
    heads_by_stem: dict[str, list[int]] = {}
    for head in heads:
        heads_by_stem.setdefault(stems[head], []).append(head)
    for i, stem in enumerate(stems):
        for m in _ATTACHMENT_SUFFIX.finditer(stem):
            for head in heads_by_stem.get(stem[: m.start()], []):
                if head != i:
                    claims.setdefault(i, []).append((0, head))
    for head in heads:
        listed = _listed_attachments(docs[head].text)
        if not listed:
            continue
        for i in range(len(docs)):
            if i != head and (names[i] in listed or (stems[i] and stems[i] in listed)):
                claims.setdefault(i, []).append((1, head))

    parent: dict[int, int] = {}

    def root(i: int) -> int:
        while i in parent:
            i = parent[i]
        return i

    for i in sorted(claims):
        ranked = sorted(
            set(claims[i]),
            key=lambda claim: (claim[0], folders[claim[1]] != folders[i], claim[1] > i, abs(claim[1] - i)),
        )
        for _, head in ranked:
            if root(head) != i:  # never attach a document to its own attachment
                parent[i] = head
                break

    with_children = {root(i) for i in parent}
    return {
        doc.key: docs[root(i)].key
        for i, doc in enumerate(docs)
        if i in parent or i in with_children
    }


# --- dates ------------------------------------------------------------------------------------

_MONTHS = {
    "januari": 1, "january": 1, "jan": 1,
    "februari": 2, "february": 2, "feb": 2,
    "maart": 3, "march": 3, "mrt": 3, "mar": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "june": 6, "jun": 6,
    "juli": 7, "july": 7, "jul": 7,
    "augustus": 8, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9,
    "oktober": 10, "october": 10, "okt": 10, "oct": 10,
    "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE = re.compile(
    rf"""
    (?<![\w]) (?P<day>\d{{1,2}}) \s* (?P<month>{_MONTH}) \.? ,? \s+ (?P<year>\d{{4}}) (?!\d)
  | (?<![\w]) (?P<en_month>{_MONTH}) \.? \s+ (?P<en_day>\d{{1,2}}) (?:st|nd|rd|th)? ,? \s+ (?P<en_year>\d{{4}}) (?!\d)
  | (?<![\d]) (?P<num_day>\d{{1,2}}) (?P<sep>[-/.]) (?P<num_month>\d{{1,2}}) (?P=sep) (?P<num_year>\d{{4}}) (?!\d)
  | (?<![\d]) (?P<iso_year>\d{{4}}) - (?P<iso_month>\d{{1,2}}) - (?P<iso_day>\d{{1,2}}) (?!\d)
    """,
    re.IGNORECASE | re.VERBOSE,
)
_DATE_LABEL = re.compile(r"^[ \t]*(?:verzonden|sent|date|datum)[ \t]*(:?)[ \t]*(.*)$", re.IGNORECASE | re.MULTILINE)
_DATE_SEARCH_CHARS = 1500
_EARLIEST, _LATEST = 1900, 2100


def _dates(text: str):
    """Each valid date written in ``text``, with its offset, in order."""
    for m in _DATE.finditer(text):
        if m.group("day"):
            parts = m.group("year"), _MONTHS[m.group("month").lower()], m.group("day")
        elif m.group("en_day"):
            parts = m.group("en_year"), _MONTHS[m.group("en_month").lower()], m.group("en_day")
        elif m.group("num_day"):
            parts = m.group("num_year"), m.group("num_month"), m.group("num_day")
        else:
            parts = m.group("iso_year"), m.group("iso_month"), m.group("iso_day")
        year, month, day = (int(part) for part in parts)
        if not _EARLIEST <= year <= _LATEST:
            continue
        try:
            yield m.start(), datetime.date(year, month, day)
        except ValueError:  # 31-02-2024, 2024-13-01
            continue


def document_date(text: str) -> datetime.date | None:
    """The date to list in the inventory, or None when the text names none.

    First the date on a ``Verzonden:``/``Sent:``/``Date:``/``Datum:`` line in the first 40 lines
    (an e-mail's own header comes before any quoted one; the label may lack its colon when the
    date follows directly, as in letters: ``Datum 3 maart 2024``), else the first date in the
    first 1500 characters. Dates are
    read as written in Dutch: ``3 maart 2024``, ``3 mrt. 2024``, ``maandag 4 maart 2024 10:12``,
    ``03-03-2024`` (also with ``/`` or ``.``, day first), ``2024-03-03``, and the English
    ``4 March 2024`` and ``March 4, 2024``. Impossible dates and years outside 1900-2100 are
    skipped.
    """
    for m in _DATE_LABEL.finditer(_top(text)):
        colon, value = m.group(1), m.group(2)
        for offset, date in _dates(value):
            # Without a colon the label must be followed by the date (perhaps after a weekday).
            if colon or offset <= 12:
                return date
            break
    for _, date in _dates(text[:_DATE_SEARCH_CHARS]):
        return date
    return None
