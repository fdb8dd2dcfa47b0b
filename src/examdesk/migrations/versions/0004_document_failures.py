"""Documents a run could not produce: which, for whom, why (the rest of the run is sent).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "document_failures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), nullable=False),
        sa.Column("school_year", sa.String(9), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("doc_key", sa.String(300), nullable=False, index=True),
        sa.Column("task_id", sa.String(80), nullable=False),
        sa.Column("family", sa.String(60), nullable=False),
        sa.Column("recipient", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("document_failures")
