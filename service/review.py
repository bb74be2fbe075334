"""What reviewers do, the same for the JSON API and the web pages: decide findings (one, by text, or all),
add manual redactions, mark pages reviewed, approve (four-eyes), and check whether a release may be made.

Every change writes its ``Decision`` rows and ``AuditEvent`` (who, what, before and after) in the same
transaction as the change itself; the caller commits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .analysis import rounded, stored_boxes
from .models import Approval, AuditEvent, Decision, Document, Finding, PageReview, User
from .storage import file_path

STATE_OF_DECISION = {"accept": "accepted", "reject": "rejected"}
MANUAL = "MANUAL"
MANUAL_GROUND = "5.1.2e"  # privacy: what a drawn box is for unless the reviewer picks another ground
DRAWN_REASON = "handmatig gelakt"


def drawn(finding: Finding) -> bool:
    """A rectangle a reviewer drew: it redacts its place, not every occurrence of the text under it."""
    return finding.recognizer == "manual" and (finding.reason or "").startswith(DRAWN_REASON)
MIN_RECT_SIZE = 1.0  # points


class ReviewError(Exception):
    """A request that cannot be carried out: ``code`` is the HTTP status, ``message`` one sentence (English,
    for the API) and ``dutch`` the same sentence in Dutch (for the web pages)."""

    def __init__(self, code: int, message: str, dutch: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.dutch = dutch

    @property
    def for_page(self) -> str:
        """The sentence to show on a (Dutch) web page: the Dutch one when given, else the English one."""
        return self.dutch or self.message


def audit(db: Session, user: User | None, dossier_id: int | None, action: str, before: dict | None = None,
          after: dict | None = None) -> None:
    db.add(AuditEvent(dossier_id=dossier_id, user_id=user.id if user else None, action=action, before=before,
                      after=after))


def check_ground(ground: str | None) -> str | None:
    if ground is None:
        return None
    from redaction.rules import load_rules

    if ground not in load_rules().grounds:
        raise ReviewError(400, f"{ground!r} is not a Woo ground this organisation allows.",
                          f"{ground!r} is geen Woo-grond die deze organisatie toestaat.")
    return ground


def grounds() -> dict[str, str]:
    from redaction.rules import load_rules

    return load_rules().grounds


def check_decision(decision) -> str:
    if decision not in STATE_OF_DECISION:
        raise ReviewError(400, "The field 'decision' must be \"accept\" or \"reject\".",
                          "Het besluit (veld 'decision') moet \"accept\" (lakken) of \"reject\" (openbaar "
                          "maken) zijn.")
    return decision


def decide(db: Session, user: User, finding: Finding, decision: str, ground: str | None = None,
           comment: str | None = None, scope: str | None = None, follow: bool = True) -> int:
    """Record one decision on ``finding`` (also when it repeats the current state: every decision is kept).

    With ``follow`` the open suggestions of the same text elsewhere in the dossier take the same decision
    (one name, one decision; a reviewer may still decide any of them otherwise afterwards). Returns how
    many findings changed besides ``finding``.
    """
    check_decision(decision)
    check_ground(ground)
    _record(db, user, finding, decision, ground, comment, scope)
    if not follow:
        return 0
    return follow_decision(db, user, finding, decision)


def follow_decision(db: Session, user: User, finding: Finding, decision: str) -> int:
    """Give the open suggestions with ``finding``'s text (any case) in its dossier the same decision."""
    others = db.scalars(
        select(Finding).join(Document)
        .where(Document.dossier_id == finding.document.dossier_id, Finding.state == "suggested",
               Finding.id != finding.id, func.lower(Finding.text) == finding.text.lower())
        .order_by(Finding.id).with_for_update()
    ).all()
    for other in others:
        _record(db, user, other, decision, finding.ground, f"zoals besluit over bevinding {finding.id}",
                "dossier, same text")
    return len(others)


def _record(db: Session, user: User, finding: Finding, decision: str, ground: str | None, comment: str | None,
            scope: str | None) -> None:
    before = {"finding": finding.id, "state": finding.state, "ground": finding.ground}
    finding.state = STATE_OF_DECISION[decision]
    if ground is not None:
        finding.ground = ground
    db.add(Decision(finding_id=finding.id, decision=decision, ground=finding.ground, comment=comment,
                    user_id=user.id))
    after = {"finding": finding.id, "state": finding.state, "ground": finding.ground}
    if comment:
        after["comment"] = comment
    if scope:
        after["scope"] = scope
    audit(db, user, finding.document.dossier_id, f"finding.{decision}", before, after)


def normalised(text: str) -> str:
    return " ".join(text.split()).casefold()


def decide_many(db: Session, user: User, document: Document, decision: str, text: str | None = None,
                scope: str = "document", ground: str | None = None, comment: str | None = None) -> int:
    """Decide every finding with ``text`` (any case and spacing) in the document or the whole dossier.

    Without ``text``: every finding still waiting for a decision (``suggested``) in the scope.
    Findings already in the wanted state (and ground) are left alone. Returns how many changed.
    """
    check_decision(decision)
    check_ground(ground)
    if scope not in ("document", "dossier"):
        raise ReviewError(400, "The field 'scope' must be \"document\" or \"dossier\".",
                          "De reikwijdte (veld 'scope') moet \"document\" of \"dossier\" zijn.")
    query = select(Finding).order_by(Finding.id).with_for_update()
    if scope == "document":
        query = query.where(Finding.document_id == document.id)
    else:
        query = query.where(Finding.document_id.in_(
            select(Document.id).where(Document.dossier_id == document.dossier_id)))
    if text is None:
        query = query.where(Finding.state == "suggested")
    wanted = normalised(text) if text is not None else None
    target = STATE_OF_DECISION[decision]
    changed = 0
    for finding in db.scalars(query):
        if wanted is not None and normalised(finding.text) != wanted:
            continue
        if finding.state == target and (ground is None or finding.ground == ground):
            continue
        # Deciding in one document decides the dossier's other open occurrences too; a dossier-wide
        # request reaches them itself.
        changed += 1 + decide(db, user, finding, decision, ground, comment,
                              scope=scope if text is not None else f"{scope}, all", follow=scope == "document")
    return changed


@dataclass
class _Span:
    page: int
    rects: list[list[float]]
    text: str
    start: int | None = None
    end: int | None = None


def add_manual_rect(db: Session, user: User, document: Document, data_dir, page: int, rect, words: bool = False,
                    ground: str | None = None, comment: str | None = None) -> Finding:
    """A reviewer's own redaction: the area ``rect`` (PDF points) on ``page``, accepted at once.

    With ``words`` the area is widened to the whole words it touches (selecting text); otherwise exactly
    the drawn area is removed, text, pictures and drawings alike.
    """
    ground = check_ground(ground) or MANUAL_GROUND
    require_ready(document)
    if not isinstance(page, int) or isinstance(page, bool) or not 0 <= page < (document.pages or 0):
        raise ReviewError(400, f"The field 'page' must be a page number from 0 to {(document.pages or 1) - 1}.",
                          f"De pagina (veld 'page') moet een paginanummer van 0 tot en met "
                          f"{(document.pages or 1) - 1} zijn.")
    if (not isinstance(rect, (list, tuple)) or len(rect) != 4
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in rect)):
        raise ReviewError(400, "The field 'rect' must be four numbers [x0, y0, x1, y1] in PDF points.",
                          "Het vlak (veld 'rect') moet uit vier getallen [x0, y0, x1, y1] in PDF-punten bestaan.")
    x0, y0, x1, y1 = (float(v) for v in rect)
    x0, x1 = sorted((x0, x1))
    y0, y1 = sorted((y0, y1))
    span = _text_under(file_path(data_dir, document.sha256), page, (x0, y0, x1, y1), words)
    if span is None:
        raise ReviewError(400, "The rectangle lies outside the page or is too small.",
                          "De rechthoek ligt buiten de pagina of is te klein.")
    finding = Finding(document_id=document.id, entity=MANUAL, text=span.text, start=span.start, end=span.end,
                      page=page, rects=span.rects, ground=ground, score=1.0, recognizer="manual",
                      reason=DRAWN_REASON + (f": {comment}" if comment else ""), state="accepted",
                      created_by=user.id)
    _store_manual(db, user, document, [finding], {"page": page, "rect": [x0, y0, x1, y1], "words": words})
    return finding


def add_manual_text(db: Session, user: User, document: Document, data_dir, text: str,
                    ground: str | None = None, comment: str | None = None) -> list[Finding]:
    """Search ``text`` in the document (any case, spacing and line-end hyphenation) and redact every hit."""
    ground = check_ground(ground) or MANUAL_GROUND
    require_ready(document)
    from redaction.document import locate
    from redaction.document import open_document
    from redaction.steps import find_terms

    opened = open_document(file_path(data_dir, document.sha256))
    try:
        hits = find_terms(opened.text, [text], [])
        locate(opened, hits)
    finally:
        opened.close()
    findings = []
    for hit in hits:
        if hit.page is None:
            continue
        finding = Finding(document_id=document.id, entity=MANUAL, text=hit.text, start=hit.start, end=hit.end,
                          page=hit.page, **stored_boxes(hit), ground=ground, score=1.0, recognizer="manual",
                          reason=f"zoekterm {text!r}" + (f": {comment}" if comment else ""), state="accepted",
                          created_by=user.id)
        findings.append(finding)
    if not findings:
        raise ReviewError(404, f"The text {text!r} does not occur in this document.",
                          f"De tekst {text!r} komt niet voor in dit document.")
    _store_manual(db, user, document, findings, {"text": text})
    return findings


def _store_manual(db: Session, user: User, document: Document, findings: list[Finding], request: dict) -> None:
    for finding in findings:
        db.add(finding)
    db.flush()
    for finding in findings:
        db.add(Decision(finding_id=finding.id, decision="accept", ground=finding.ground,
                        comment="handmatige lakking", user_id=user.id))
        audit(db, user, document.dossier_id, "finding.manual", None,
              {"finding": finding.id, "document": document.id, "page": finding.page, "rects": finding.rects,
               "ground": finding.ground, **request})


def _text_under(path, page: int, rect, words: bool) -> _Span | None:
    """The document's characters under ``rect`` (their centre inside it), and the boxes to redact."""
    from redaction.document import open_document

    opened = open_document(path)
    try:
        width, height = opened.pdf[page].rect.width, opened.pdf[page].rect.height
        x0, y0, x1, y1 = max(rect[0], 0), max(rect[1], 0), min(rect[2], width), min(rect[3], height)
        if x1 - x0 < MIN_RECT_SIZE or y1 - y0 < MIN_RECT_SIZE:
            return None
        inside = []
        boxes = opened.char_box
        for i, char_page in enumerate(opened.char_page):
            if char_page != page or opened.text[i].isspace():
                continue
            cx = (boxes[4 * i] + boxes[4 * i + 2]) / 2
            cy = (boxes[4 * i + 1] + boxes[4 * i + 3]) / 2
            if x0 <= cx <= x1 and y0 <= cy <= y1:
                inside.append(i)
        if not inside:
            if words:
                return None
            return _Span(page, rounded([(x0, y0, x1, y1)]), "")
        if not words:
            parts = []
            for previous, i in zip([None, *inside], inside):
                if previous is not None and i != previous + 1:
                    parts.append(" ")
                parts.append(opened.text[i])
            return _Span(page, rounded([(x0, y0, x1, y1)]), "".join(parts))
        start, end = inside[0], inside[-1] + 1
        while start > 0 and not opened.text[start - 1].isspace() and opened.char_page[start - 1] == page:
            start -= 1
        while end < len(opened.text) and not opened.text[end].isspace() and opened.char_page[end] == page:
            end += 1
        rects = opened.boxes(start, end).get(page, [])
        return _Span(page, rounded(rects), " ".join(opened.text[start:end].split()),
                     start, end)
    finally:
        opened.close()


def require_ready(document: Document) -> None:
    if document.status != "ready":
        raise ReviewError(409, f"Document {document.id} is {document.status}; wait until its analysis is ready.",
                          f"Document {document.id} is nog niet klaar om te beoordelen (status: {document.status}); "
                          "wacht tot de analyse klaar is.")


def mark_pages(db: Session, user: User, document: Document, pages: list[int], reviewed: bool = True) -> list[int]:
    """Mark (or unmark) pages as reviewed; returns the pages that are reviewed afterwards."""
    require_ready(document)
    for page in pages:
        if not isinstance(page, int) or isinstance(page, bool) or not 0 <= page < (document.pages or 0):
            raise ReviewError(400, f"Page numbers run from 0 to {(document.pages or 1) - 1}.",
                              f"Paginanummers lopen van 0 tot en met {(document.pages or 1) - 1}.")
    for page in sorted(set(pages)):
        existing = db.get(PageReview, (document.id, page))
        if reviewed and existing is None:
            db.add(PageReview(document_id=document.id, page=page, user_id=user.id))
            audit(db, user, document.dossier_id, "page.reviewed", None, {"document": document.id, "page": page})
        elif not reviewed and existing is not None:
            db.delete(existing)
            audit(db, user, document.dossier_id, "page.unreviewed", {"document": document.id, "page": page}, None)
    db.flush()
    return reviewed_pages(db, document)


def reviewed_pages(db: Session, document: Document) -> list[int]:
    return list(db.scalars(select(PageReview.page).where(PageReview.document_id == document.id)
                           .order_by(PageReview.page)))


def undecided(db: Session, document: Document) -> int:
    return db.scalar(select(func.count()).select_from(Finding)
                     .where(Finding.document_id == document.id, Finding.state == "suggested")) or 0


def deciders(db: Session, document: Document) -> set[int]:
    return set(db.scalars(select(Decision.user_id).join(Finding).where(Finding.document_id == document.id)))


def last_decision_at(db: Session, document: Document):
    return db.scalar(select(func.max(Decision.at)).join(Finding).where(Finding.document_id == document.id))


def valid_approval(db: Session, document: Document) -> Approval | None:
    """The newest approval, if no decision was made after it."""
    approval = db.scalar(select(Approval).where(Approval.document_id == document.id)
                         .order_by(Approval.at.desc(), Approval.id.desc()).limit(1))
    if approval is None:
        return None
    last = last_decision_at(db, document)
    if last is not None and _aware(last) > _aware(approval.at):
        return None
    return approval


def _aware(moment):
    from datetime import timezone

    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def approve(db: Session, user: User, document: Document) -> Approval:
    """Four-eyes: a reviewer who made none of the document's decisions approves them all."""
    require_ready(document)
    open_count = undecided(db, document)
    if open_count:
        raise ReviewError(409, f"Document {document.id} still has {open_count} undecided "
                               "suggestions; decide them before approving.",
                          f"Document {document.id} heeft nog {open_count} voorstellen zonder besluit; neem "
                          "daarover een besluit voordat u het document goedkeurt.")
    if user.id in deciders(db, document):
        raise ReviewError(409, "You made decisions on this document; a second reviewer must approve it.",
                          "U hebt zelf besluiten genomen over dit document; een tweede beoordelaar moet het "
                          "goedkeuren.")
    approval = Approval(document_id=document.id, user_id=user.id)
    db.add(approval)
    db.flush()
    audit(db, user, document.dossier_id, "document.approve", None, {"document": document.id})
    return approval

