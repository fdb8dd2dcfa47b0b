"""Delivery under faults: longer run states, who claimed a message, a state index.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        # "completed_with_failures" did not fit in 16 (PostgreSQL refused it; SQLite never checked)
        batch.alter_column("state", type_=sa.String(32), existing_type=sa.String(16), existing_nullable=False)
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(120)))  # host:pid of the process sending it
        batch.create_index("ix_messages_year_state", ["school_year", "state"])
