"""Versions of a document: what it states (a digest of its facts), its version and its first key.

A delivered document whose facts change (a reconciliation after more returns) is sent again as
a new version, ``<base_key>/v<n>``.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("base_key", sa.String(300)))
        batch.add_column(sa.Column("version", sa.Integer, nullable=False, server_default="1"))
        batch.add_column(sa.Column("facts_sha256", sa.String(64)))
        batch.create_index("ix_documents_base_key", ["base_key"])
    # whether a document went out is looked up by its key across the year's messages
    op.create_index("ix_message_documents_doc_key", "message_documents", ["doc_key"])


def downgrade() -> None:
    op.drop_index("ix_message_documents_doc_key", "message_documents")
    with op.batch_alter_table("documents") as batch:
        batch.drop_index("ix_documents_base_key")
        batch.drop_column("facts_sha256")
        batch.drop_column("version")
        batch.drop_column("base_key")
