"""Completion tracking: which documents must come back, by when, the recipient's site, and the
date a message was sent as of (a run may act as of another day: --today).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("return_due", sa.Date))  # set when the document must come back signed
        batch.add_column(sa.Column("site_id", sa.String(20)))
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("as_of", sa.Date))
