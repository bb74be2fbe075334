"""release packages: jobs, job items, and the documents' package facts (path, text, duplicates, families,
conversions, OCR)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
OLD_STATUSES = "status IN ('queued', 'analyzing', 'ready', 'failed')"
NEW_STATUSES = "status IN ('waiting', 'queued', 'analyzing', 'ready', 'failed', 'duplicate', 'unsupported')"


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("dossier_id", sa.Integer, sa.ForeignKey("dossiers.id"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("phase", sa.String(16), nullable=False),
        sa.Column("filename", sa.String(255)),
        sa.Column("source", sa.Text),
        sa.Column("options", sa.JSON),
        sa.Column("result", sa.JSON),
        sa.Column("error", sa.Text),
        sa.Column("created_by", sa.Integer, sa.ForeignKey("users.id", name="fk_jobs_created_by")),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("finished_at", TS),
        sa.CheckConstraint("kind IN ('package', 'release')", name="ck_jobs_kind"),
        sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="ck_jobs_status"),
    )
    op.create_index("ix_jobs_dossier_id", "jobs", ["dossier_id"])
    op.create_table(
        "job_items",
        sa.Column("job_id", sa.Integer, sa.ForeignKey("jobs.id"), primary_key=True),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id"), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("claim", sa.String(32)),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("result", sa.JSON),
        sa.CheckConstraint("status IN ('pending', 'running', 'done', 'failed')", name="ck_job_items_status"),
    )
    with op.batch_alter_table("documents") as batch:
        batch.drop_constraint("ck_documents_status", type_="check")
        batch.create_check_constraint("ck_documents_status", NEW_STATUSES)
        batch.add_column(sa.Column("job_id", sa.Integer, sa.ForeignKey("jobs.id", name="fk_documents_job_id")))
        batch.add_column(sa.Column("seq", sa.Integer))
        batch.add_column(sa.Column("path", sa.Text))
        batch.add_column(sa.Column("text", sa.Text))
        batch.add_column(sa.Column("doc_date", sa.Date))
        batch.add_column(sa.Column("duplicate_of", sa.Integer,
                                   sa.ForeignKey("documents.id", name="fk_documents_duplicate_of")))
        batch.add_column(sa.Column("duplicate_kind", sa.String(8)))
        batch.add_column(sa.Column("similarity", sa.Float))
        batch.add_column(sa.Column("family_id", sa.String(40)))
        batch.add_column(sa.Column("thread_id", sa.String(40)))
        batch.add_column(sa.Column("claim", sa.String(32)))
        batch.add_column(sa.Column("attempts", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("source_kind", sa.String(16)))
        batch.add_column(sa.Column("original_sha256", sa.String(64)))
        batch.add_column(sa.Column("source", sa.String(60)))
        batch.add_column(sa.Column("ocr_pages", sa.JSON))
        batch.create_index("ix_documents_job_id", ["job_id"])


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_index("ix_documents_job_id")
        for column in ("ocr_pages", "source", "original_sha256", "source_kind", "attempts", "claim", "thread_id", "family_id", "similarity", "duplicate_kind", "duplicate_of",
                       "doc_date", "text", "path", "seq", "job_id"):
            batch.drop_column(column)
        batch.drop_constraint("ck_documents_status", type_="check")
        batch.create_check_constraint("ck_documents_status", OLD_STATUSES)
    op.drop_table("job_items")
    op.drop_index("ix_jobs_dossier_id", "jobs")
    op.drop_table("jobs")
