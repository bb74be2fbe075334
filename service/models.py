"""What the service stores: dossiers, documents, findings, decisions, the audit trail and users."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timezone

from flask_login import UserMixin
from sqlalchemy import JSON, CheckConstraint, Date, DateTime, Float, ForeignKey, Integer, String, Text, event
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

ROLES = ("officer", "reviewer", "admin")
# waiting: part of a package, read but not yet analysed; duplicate: not analysed, its original is;
# unsupported: a package's file that is listed (inventory) but not processed.
DOCUMENT_STATUSES = ("waiting", "queued", "analyzing", "ready", "failed", "duplicate", "unsupported")
JOB_KINDS = ("package", "release")
JOB_STATUSES = ("queued", "running", "done", "failed")
JOB_ITEM_STATUSES = ("pending", "running", "done", "failed")
FINDING_STATES = ("suggested", "accepted", "rejected", "kept")
DECISIONS = ("accept", "reject")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _one_of(column: str, values: tuple[str, ...], name: str) -> CheckConstraint:
    return CheckConstraint(f"{column} IN ({', '.join(repr(v) for v in values)})", name=name)


class Base(DeclarativeBase):
    pass


class User(UserMixin, Base):
    __tablename__ = "users"
    __table_args__ = (_one_of("role", ROLES, "ck_users_role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Web sessions are signed cookies; logging out raises the epoch, so every copy of an older cookie dies.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def set_password(self, password: str) -> None:
        from werkzeug.security import generate_password_hash

        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        from werkzeug.security import check_password_hash

        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    @staticmethod
    def hash_token(token: str) -> str:
        """Tokens are random (256 bits), so one SHA-256 suffices; only the hash is stored."""
        return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Dossier(Base):
    __tablename__ = "dossiers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    case_number: Mapped[str] = mapped_column(String(100))
    received_on: Mapped[date | None] = mapped_column(Date)  # the day the Woo request came in
    deadline: Mapped[date | None] = mapped_column(Date)  # the day the decision is due
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", name="fk_dossiers_created_by"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    documents: Mapped[list[Document]] = relationship(back_populates="dossier", order_by="Document.id")
    members: Mapped[list[User]] = relationship(secondary="dossier_members", order_by="User.name")


class DossierMember(Base):
    """Who may see a dossier besides the admins: its creator and the people added to it."""

    __tablename__ = "dossier_members"

    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Document(Base):
    __tablename__ = "documents"
    __table_args__ = (_one_of("status", DOCUMENT_STATUSES, "ck_documents_status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    pages: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Packages: where the file was in the package, its order there, and what the cross-document steps found.
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id", name="fk_documents_job_id"), index=True)
    seq: Mapped[int | None] = mapped_column(Integer)
    path: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str | None] = mapped_column(Text)  # the extracted text, for duplicates and consistency
    doc_date: Mapped[date | None] = mapped_column(Date)
    duplicate_of: Mapped[int | None] = mapped_column(ForeignKey("documents.id", name="fk_documents_duplicate_of"))
    duplicate_kind: Mapped[str | None] = mapped_column(String(8))  # exact | near
    similarity: Mapped[float | None] = mapped_column(Float)
    family_id: Mapped[str | None] = mapped_column(String(40))
    thread_id: Mapped[str | None] = mapped_column(String(40))
    # A worker's claim on the analysis: its results are stored only while the claim is still its own.
    claim: Mapped[str | None] = mapped_column(String(32))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # a file that kills its worker
    # A package's image, Office file or e-mail is stored as it came (``original_sha256``) and becomes a PDF
    # (``sha256``) when it is read; ``source`` says what it was ("Word", "e-mail (MSG)").
    source_kind: Mapped[str | None] = mapped_column(String(16))  # image | office | email
    original_sha256: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str | None] = mapped_column(String(60))
    ocr_pages: Mapped[list | None] = mapped_column(JSON)  # [{"page", "confidence", "words"}] of pages read by OCR

    dossier: Mapped[Dossier] = relationship(back_populates="documents")
    findings: Mapped[list[Finding]] = relationship(back_populates="document", order_by="Finding.id")


class Finding(Base):
    __tablename__ = "findings"
    __table_args__ = (_one_of("state", FINDING_STATES, "ck_findings_state"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    key: Mapped[str | None] = mapped_column(String(16))  # the engine's stable id of the span
    entity: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    start: Mapped[int | None] = mapped_column(Integer)
    end: Mapped[int | None] = mapped_column(Integer)
    page: Mapped[int | None] = mapped_column(Integer)
    rects: Mapped[list | None] = mapped_column(JSON)
    more_pages: Mapped[list | None] = mapped_column(JSON)  # [{"page", "rects"}] when a span crosses pages
    ground: Mapped[str | None] = mapped_column(String(40))
    score: Mapped[float | None] = mapped_column(Float)
    recognizer: Mapped[str | None] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default="suggested")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", name="fk_findings_created_by"))  # manual

    document: Mapped[Document] = relationship(back_populates="findings")
    decisions: Mapped[list[Decision]] = relationship(back_populates="finding", order_by="Decision.id")


class Decision(Base):
    __tablename__ = "decisions"
    __table_args__ = (_one_of("decision", DECISIONS, "ck_decisions_decision"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id"), index=True)
    decision: Mapped[str] = mapped_column(String(16))
    ground: Mapped[str | None] = mapped_column(String(40))
    comment: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    finding: Mapped[Finding] = relationship(back_populates="decisions")
    user: Mapped[User] = relationship()


class PageReview(Base):
    """A page a reviewer marked as reviewed."""

    __tablename__ = "page_reviews"

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    page: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user: Mapped[User] = relationship()


class Approval(Base):
    """Four-eyes: a second reviewer's approval of a document's decisions, valid until the next decision."""

    __tablename__ = "approvals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user: Mapped[User] = relationship()


class Job(Base):
    """A long piece of work on a dossier, resumable: ``package`` (unpack, read, group, analyse, make consistent)
    or ``release`` (release PDFs of every document, the inventory list and the report, as one ZIP).

    Its state lives here and in the rows it makes, never in a worker's memory: any worker may go on with it.
    """

    __tablename__ = "jobs"
    __table_args__ = (_one_of("kind", JOB_KINDS, "ck_jobs_kind"), _one_of("status", JOB_STATUSES, "ck_jobs_status"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="queued")
    phase: Mapped[str] = mapped_column(String(16), default="unpack")
    filename: Mapped[str | None] = mapped_column(String(255))  # the uploaded package's name
    source: Mapped[str | None] = mapped_column(Text)  # the stored package (a path relative to the data folder)
    options: Mapped[dict | None] = mapped_column(JSON)
    result: Mapped[dict | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", name="fk_jobs_created_by"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class JobItem(Base):
    """One document's share of a release job: made once, done once."""

    __tablename__ = "job_items"
    __table_args__ = (_one_of("status", JOB_ITEM_STATUSES, "ck_job_items_status"),)

    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"), primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    claim: Mapped[str | None] = mapped_column(String(32))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    result: Mapped[dict | None] = mapped_column(JSON)


class AuditEvent(Base):
    """Append-only: the ORM refuses to change or delete a stored event, and triggers in the database
    (migration 0004) refuse it to plain SQL too."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(60))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user: Mapped[User | None] = relationship()


class AppendOnlyError(RuntimeError):
    pass


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_change(_mapper, _connection, target):
    raise AppendOnlyError(f"audit event {target.id} cannot be changed or deleted; the audit trail is append-only.")
