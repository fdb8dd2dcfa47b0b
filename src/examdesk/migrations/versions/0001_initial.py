"""The ledger as examdesk created it before migrations (issues 2-4).

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("school_year", sa.String(9), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("summary", sa.JSON),
    )
    op.create_table(
        "task_status",
        sa.Column("school_year", sa.String(9), primary_key=True),
        sa.Column("task_id", sa.String(80), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("source", sa.String(32)),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), nullable=False),
        sa.Column("doc_key", sa.String(300), nullable=False, index=True),
        sa.Column("task_id", sa.String(80), nullable=False),
        sa.Column("family", sa.String(60), nullable=False),
        sa.Column("recipient_key", sa.String(120), nullable=False),
        sa.Column("recipient_email", sa.String(320), nullable=False),
        sa.Column("recipient_name", sa.String(200)),
        sa.Column("title", sa.Text),
        sa.Column("filename", sa.String(200)),
        sa.Column("student_ref", sa.String(40)),
        sa.Column("language", sa.String(12)),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "messages",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("idempotency_key", sa.String(64), nullable=False, unique=True),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id")),
        sa.Column("school_year", sa.String(9), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("recipient_key", sa.String(120), nullable=False),
        sa.Column("recipient_email", sa.String(320), nullable=False),
        sa.Column("recipient_name", sa.String(200)),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("attachments", sa.JSON, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("message_id", sa.String(200), nullable=False),
        sa.Column("transport", sa.String(16)),
        sa.Column("error", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "message_documents",
        sa.Column("message_id", sa.Integer, sa.ForeignKey("messages.id"), primary_key=True),
        sa.Column("doc_key", sa.String(300), primary_key=True),
        sa.Column("task_id", sa.String(80), nullable=False, index=True),
    )
    op.create_table(
        "acknowledgements",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("school_year", sa.String(9), nullable=False),
        sa.Column("task_id", sa.String(80)),
        sa.Column("doc_key", sa.String(300)),
        sa.Column("person_email", sa.String(320), nullable=False),
        sa.Column("person_name", sa.String(200)),
        sa.Column("role", sa.String(40)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("signed_on", sa.Date),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text),
        sa.UniqueConstraint("school_year", "doc_key", "person_email", "source", name="uq_ack"),
    )
