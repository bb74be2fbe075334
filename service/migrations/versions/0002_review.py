"""review work: dossier dates and members, manual findings, reviewed pages, four-eyes approvals, session epochs

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("dossiers") as batch:
        batch.add_column(sa.Column("received_on", sa.Date))
        batch.add_column(sa.Column("deadline", sa.Date))
        batch.add_column(sa.Column("created_by", sa.Integer, sa.ForeignKey("users.id", name="fk_dossiers_created_by")))
    with op.batch_alter_table("findings") as batch:
        batch.add_column(sa.Column("created_by", sa.Integer, sa.ForeignKey("users.id", name="fk_findings_created_by")))
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("session_epoch", sa.Integer, nullable=False, server_default="0"))
    op.create_table(
        "dossier_members",
        sa.Column("dossier_id", sa.Integer, sa.ForeignKey("dossiers.id"), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("added_at", TS, nullable=False),
    )
    op.create_table(
        "page_reviews",
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id"), primary_key=True),
        sa.Column("page", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("at", TS, nullable=False),
    )
    op.create_table(
        "approvals",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id"), nullable=False, index=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("at", TS, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("approvals")
    op.drop_table("page_reviews")
    op.drop_table("dossier_members")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("session_epoch")
    with op.batch_alter_table("findings") as batch:
        batch.drop_column("created_by")
    with op.batch_alter_table("dossiers") as batch:
        batch.drop_column("created_by")
        batch.drop_column("deadline")
        batch.drop_column("received_on")
