"""One name, one decision: what is redacted in one document of a dossier is redacted in all of them.

Two rules, both idempotent:

* **Every occurrence.** A text the engine or a reviewer redacts (or suggests) in one document is looked up
  in the text of every other document of the dossier; an occurrence that no finding covers yet becomes a
  suggestion there, with the ground of the first finding and a reason naming where it was found.
* **The same decision.** A suggestion whose text (any case and spacing) was already decided elsewhere in
  the dossier takes that decision over, recorded as a decision of the same reviewer with a comment saying
  which decision it follows. A reviewer can still decide any single occurrence otherwise; only
  suggestions, never decided findings, are changed.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Decision, Document, Finding
from .review import drawn, normalised

# Identifying in any context. Dates of birth are left out on purpose: the same date elsewhere is usually
# a meeting or a letter's date, not somebody's birthday.
CONSISTENT_ENTITIES = frozenset({
    "PERSON", "EMAIL", "PHONE", "BSN", "IBAN", "ADDRESS", "POSTCODE_CITY", "LICENSE_PLATE", "TERM",
})
MIN_CHARS = 4  # shorter texts ("Jan", "Bos") are too often ordinary words elsewhere
PROPAGATED = "consistency"


def dossier_terms(db: Session, dossier_id: int) -> dict[str, Finding]:
    """Texts redacted or suggested anywhere in the dossier, each with the first finding that has it."""
    rows = db.scalars(
        select(Finding).join(Document).where(Document.dossier_id == dossier_id, Document.status == "ready",
                                             Finding.state.in_(("suggested", "accepted")),
                                             Finding.entity.in_(CONSISTENT_ENTITIES))
        .order_by(Finding.id)
    )
    terms: dict[str, Finding] = {}
    for finding in rows:
        key = normalised(finding.text)
        if len(key) >= MIN_CHARS and "\n" not in finding.text.strip():
            terms.setdefault(key, finding)
    return terms


def add_occurrences(db: Session, data_dir, dossier_id: int, documents: list[Document] | None = None) -> int:
    """Add a suggestion for every uncovered occurrence of a dossier term in ``documents`` (default: all
    ready documents of the dossier). Returns how many findings were added."""
    from redaction.steps import SearchIndex, find_terms

    terms = dossier_terms(db, dossier_id)
    if not terms:
        return 0
    if documents is None:
        documents = list(db.scalars(select(Document).where(Document.dossier_id == dossier_id,
                                                           Document.status == "ready").order_by(Document.id)))
    # A text kept visible anywhere (a minister's name, a reviewer's "public") is decided per document.
    kept_anywhere = {normalised(t) for t in db.scalars(
        select(Finding.text).join(Document).where(Document.dossier_id == dossier_id,
                                                  Finding.state.in_(("kept", "rejected"))))}
    needles = {key: SearchIndex.normalise(source.text) for key, source in terms.items()}
    added = 0
    for document in documents:
        if not document.text:
            continue
        existing = [(f.start, f.end) for f in document.findings if f.start is not None]
        # Nor is a text added where it stays readable inside a kept passage ("IenW" in "minister van IenW"):
        # the release would show it there anyway.
        kept_here = [normalised(f.text) for f in document.findings if f.state in ("kept", "rejected")]
        index = SearchIndex(document.text)
        hits = []
        for key, source in terms.items():
            if key in kept_anywhere or any(key in kept for kept in kept_here):
                continue
            needle = needles[key]
            if not any(needle in variant for variant, _ in index.variants):  # the cheap test first
                continue
            for hit in find_terms(document.text, [source.text], [], index):
                if any(hit.start < end and start < hit.end for start, end in existing):
                    continue
                hit.entity, hit.ground = source.entity, source.ground
                hit.reason = f"elders in dit dossier gelakt (document {source.document_id})"
                hits.append(hit)
                existing.append((hit.start, hit.end))
        if hits:
            added += len(_suggest(db, data_dir, document, hits))
    db.flush()
    return added


def cover_redacted(db: Session, data_dir, document: Document) -> list[Finding]:
    """Make a suggestion of every place in ``document`` where a text it redacts (accepted or suggested)
    stands readable without a finding of its own; returns the findings added.

    A release must never show a text it blacks out elsewhere, so its verifier refuses one that does. A
    reviewer who redacts a text the engine left alone elsewhere ("van IenW" accepted at one place, unflagged
    in "ministerie van IenW" two lines on) would otherwise meet a 422. The places are found as the verifier
    reads them: the whole text as a word, also inside a longer name ("Soekhlal" in "Soekhlal-Jansen"). A
    place inside another finding, whatever its state, is decided already and left alone."""
    from redaction.findings import DecisionKind, Finding as EngineFinding
    from redaction.render.verify import EDGES, READABLE_MIN_CHARS
    from redaction.steps import SearchIndex

    if not document.text or document.status != "ready":
        return []
    sources: dict[str, Finding] = {}
    for finding in sorted(document.findings, key=lambda f: f.id):
        if finding.state in ("accepted", "suggested") and finding.page is not None and not drawn(finding) \
                and len(re.findall(r"\w", finding.text)) >= READABLE_MIN_CHARS:
            needle = EDGES.sub("", SearchIndex.normalise(finding.text))
            if needle:
                sources.setdefault(needle, finding)
    if not sources:
        return []
    covered = [(f.start, f.end) for f in document.findings if f.start is not None]
    index = SearchIndex(document.text)
    hits = []
    for needle, source in sources.items():
        for start, end in index.find_all(needle, loose=True):
            if any(start < e and s < end for s, e in covered):
                continue
            covered.append((start, end))
            hits.append(EngineFinding(
                entity=source.entity, text=document.text[start:end], start=start, end=end, score=1.0,
                recognizer=PROPAGATED, ground=source.ground, decision=DecisionKind.REDACT,
                reason=f"elders in dit document gelakt (bevinding {source.id})"))
    if not hits:
        return []
    added = _suggest(db, data_dir, document, hits)
    db.flush()
    return added


def cover_and_audit(db: Session, data_dir, user, document: Document) -> list[Finding]:
    """``cover_redacted`` with an audit event for each suggestion it adds: after a reviewer redacts a text
    (so the other places show up at once) and before a release (so none is missed)."""
    from .review import audit

    added = cover_redacted(db, data_dir, document)
    for row in added:
        audit(db, user, document.dossier_id, "finding.suggested", None,
              {"finding": row.id, "document": document.id, "page": row.page, "reason": row.reason})
    return added


def cover_for_release(db: Session, data_dir, user, documents: list[Document]) -> tuple[str, str] | None:
    """Before a release: ``cover_redacted`` on each of ``documents``, with an audit event per suggestion
    added. Returns what was added, named in English and in Dutch (for the 409 that follows), or ``None``."""
    added = [(document, row) for document in documents for row in cover_and_audit(db, data_dir, user, document)]
    if not added:
        return None
    db.commit()
    places = [(row.text, document.filename, row.page + 1) for document, row in added[:5]]
    more = len(added) - len(places)
    english = ", ".join(f"'{text}' ({name}, page {page})" for text, name, page in places)
    dutch = ", ".join(f"'{text}' ({name}, pagina {page})" for text, name, page in places)
    return ((f"{len(added)} places where a redacted text also stands without a decision were added as "
             f"suggestions: {english}" + (f" and {more} more" if more else "")),
            (f"{len(added)} plaatsen waar een elders gelakte tekst nog zonder besluit staat, zijn als voorstel "
             f"toegevoegd: {dutch}" + (f" en {more} meer" if more else "")))


def undecided_blocker(open_count: int, added: tuple[str, str] | None) -> tuple[str, str]:
    """Why a release waits for open suggestions, in English and in Dutch, naming those just added."""
    english, dutch = added or (None, None)
    return (f"{open_count} suggestions are still undecided" + (f" ({english})" if english else ""),
            f"{open_count} voorstellen hebben nog geen besluit" + (f" ({dutch})" if dutch else ""))


def _suggest(db: Session, data_dir, document: Document, hits) -> list[Finding]:
    """Store each of ``hits`` (engine findings in ``document``'s text) as a suggestion of this step, with its
    boxes on the pages; returns the rows added. None is stored when the file's text is read differently now
    (offsets would point elsewhere), nor a hit that has no place on a page."""
    from redaction.document import locate, open_document

    from .analysis import stored_boxes
    from .storage import file_path

    opened = open_document(file_path(data_dir, document.sha256))
    try:
        if opened.text != document.text:
            return []
        locate(opened, hits)
    finally:
        opened.close()
    rows = [Finding(document_id=document.id, key=hit.id, entity=hit.entity, text=hit.text, start=hit.start,
                    end=hit.end, page=hit.page, **stored_boxes(hit), ground=hit.ground, score=1.0,
                    recognizer=PROPAGATED, reason=hit.reason, state="suggested")
            for hit in hits if hit.page is not None]
    db.add_all(rows)
    return rows


def inherit_decisions(db: Session, dossier_id: int, documents: list[Document] | None = None) -> int:
    """Give each suggestion in ``documents`` (default: the whole dossier) the latest decision made on the
    same text elsewhere in the dossier. Returns how many suggestions were decided this way."""
    from .review import STATE_OF_DECISION, audit

    latest: dict[str, Decision] = {}
    decided = db.execute(
        select(Decision, Finding.text).join(Finding).join(Document)
        .where(Document.dossier_id == dossier_id).order_by(Decision.id)
    )
    for decision, text in decided:
        if decision.comment and decision.comment.startswith("handmatige lakking"):
            continue
        latest[normalised(text)] = decision
    if not latest:
        return 0
    query = select(Finding).join(Document).where(Document.dossier_id == dossier_id, Finding.state == "suggested")
    if documents is not None:
        query = query.where(Finding.document_id.in_([d.id for d in documents]))
    changed = 0
    for finding in db.scalars(query.order_by(Finding.id)):
        decision = latest.get(normalised(finding.text))
        if decision is None:
            continue
        before = {"finding": finding.id, "state": finding.state, "ground": finding.ground}
        finding.state = STATE_OF_DECISION[decision.decision]
        if decision.ground:
            finding.ground = decision.ground
        db.add(Decision(finding_id=finding.id, decision=decision.decision, ground=finding.ground,
                        comment=f"overgenomen van besluit {decision.id}", user_id=decision.user_id))
        audit(db, None, dossier_id, f"finding.{decision.decision}", before,
              {"finding": finding.id, "state": finding.state, "ground": finding.ground,
               "follows": decision.id})
        changed += 1
    return changed
