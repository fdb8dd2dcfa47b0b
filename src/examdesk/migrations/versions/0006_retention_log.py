"""What `examdesk retention --apply` removed: school year, when, under which rule, and counts.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "retention_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("school_year", sa.String(9), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rule", sa.Text, nullable=False),
        sa.Column("counts", sa.JSON, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("retention_log")
