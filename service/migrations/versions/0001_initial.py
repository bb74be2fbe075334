"""initial schema: users, dossiers, documents, findings, decisions, audit events

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(255)),
        sa.Column("token_hash", sa.String(64), unique=True),
        sa.Column("created_at", TS, nullable=False),
        sa.CheckConstraint("role IN ('officer', 'reviewer', 'admin')", name="ck_users_role"),
    )
    op.create_table(
        "dossiers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("case_number", sa.String(100), nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("dossier_id", sa.Integer, sa.ForeignKey("dossiers.id"), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("pages", sa.Integer),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("created_at", TS, nullable=False),
        sa.CheckConstraint("status IN ('queued', 'analyzing', 'ready', 'failed')", name="ck_documents_status"),
    )
    op.create_index("ix_documents_dossier_id", "documents", ["dossier_id"])
    op.create_index("ix_documents_sha256", "documents", ["sha256"])
    op.create_table(
        "findings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id"), nullable=False),
        sa.Column("key", sa.String(16)),
        sa.Column("entity", sa.String(40), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("start", sa.Integer),
        sa.Column("end", sa.Integer),
        sa.Column("page", sa.Integer),
        sa.Column("rects", sa.JSON),
        sa.Column("more_pages", sa.JSON),
        sa.Column("ground", sa.String(40)),
        sa.Column("score", sa.Float),
        sa.Column("recognizer", sa.String(100)),
        sa.Column("reason", sa.Text),
        sa.Column("state", sa.String(16), nullable=False),
        sa.CheckConstraint("state IN ('suggested', 'accepted', 'rejected', 'kept')", name="ck_findings_state"),
    )
    op.create_index("ix_findings_document_id", "findings", ["document_id"])
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("finding_id", sa.Integer, sa.ForeignKey("findings.id"), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("ground", sa.String(40)),
        sa.Column("comment", sa.Text),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.CheckConstraint("decision IN ('accept', 'reject')", name="ck_decisions_decision"),
    )
    op.create_index("ix_decisions_finding_id", "decisions", ["finding_id"])
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("dossier_id", sa.Integer, sa.ForeignKey("dossiers.id")),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("before", sa.JSON),
        sa.Column("after", sa.JSON),
        sa.Column("at", TS, nullable=False),
    )
    op.create_index("ix_audit_events_dossier_id", "audit_events", ["dossier_id"])


def downgrade() -> None:
    for table in ("audit_events", "decisions", "findings", "documents", "dossiers", "users"):
        op.drop_table(table)
