"""The web: electronic signatures with their audit trail, timetable confirmations, parents'
exemption requests, and dashboard accounts.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("doc_id", sa.String(24)))  # document_id(doc_key): what links carry
        batch.add_column(sa.Column("recipient_role", sa.String(40)))
        batch.create_index("ix_documents_doc_id", ["doc_id"])
    op.create_table(
        "signatures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("school_year", sa.String(9), nullable=False),
        sa.Column("doc_key", sa.String(300), nullable=False, index=True),
        sa.Column("person_email", sa.String(320), nullable=False),
        sa.Column("person_name", sa.String(200)),
        sa.Column("role", sa.String(40)),
        sa.Column("typed_name", sa.String(200), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signed_local", sa.String(40), nullable=False),
        sa.Column("ip", sa.String(64)),
        sa.Column("user_agent", sa.Text),
        sa.Column("token_id", sa.String(64), nullable=False),
        sa.Column("document_sha256", sa.String(64), nullable=False),
        sa.Column("certificate_path", sa.Text),
    )
    op.create_table(
        "confirmations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("school_year", sa.String(9), nullable=False),
        sa.Column("doc_key", sa.String(300), nullable=False, index=True),
        sa.Column("recipient_key", sa.String(120), nullable=False),
        sa.Column("recipient_email", sa.String(320), nullable=False),
        sa.Column("site_id", sa.String(20)),
        sa.Column("answer", sa.String(16), nullable=False),
        sa.Column("detail", sa.Text),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "exemption_requests",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("school_year", sa.String(9), nullable=False),
        sa.Column("doc_key", sa.String(300), nullable=False),
        sa.Column("student_id", sa.String(40), nullable=False),
        sa.Column("site_id", sa.String(20)),
        sa.Column("guardian_key", sa.String(120), nullable=False),
        sa.Column("tests", sa.JSON, nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("typed_name", sa.String(200), nullable=False),
        sa.Column("signed_on", sa.Date, nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("decided_by", sa.String(320)),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("email", sa.String(320), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("site_id", sa.String(20)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    for table in ("users", "exemption_requests", "confirmations", "signatures"):
        op.drop_table(table)
    with op.batch_alter_table("documents") as batch:
        batch.drop_index("ix_documents_doc_id")
        batch.drop_column("doc_id")
        batch.drop_column("recipient_role")
