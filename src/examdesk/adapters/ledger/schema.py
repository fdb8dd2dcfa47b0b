"""The ledger's tables (SQLAlchemy Core). Their history is in examdesk/migrations (Alembic)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("school_year", String(9), nullable=False),
    Column("month", String(7), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("state", String(32), nullable=False),
    Column("summary", JSON),
)

task_status = Table(
    "task_status",
    metadata,
    Column("school_year", String(9), primary_key=True),
    Column("task_id", String(80), primary_key=True),
    Column("status", String(16), nullable=False),
    Column("note", Text, default=""),
    Column("source", String(32), default=""),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

documents = Table(
    "documents",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", ForeignKey("runs.id"), nullable=False),
    Column("doc_key", String(300), nullable=False, index=True),
    Column("task_id", String(80), nullable=False),
    Column("family", String(60), nullable=False),
    Column("recipient_key", String(120), nullable=False),
    Column("recipient_email", String(320), nullable=False),
    Column("recipient_name", String(200)),
    Column("title", Text),
    Column("filename", String(200)),
    Column("student_ref", String(40)),
    Column("language", String(12)),
    Column("path", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("return_due", Date),  # the document must come back signed by then
    Column("site_id", String(20)),
    Column("base_key", String(300), index=True),  # the first version's doc_key
    Column("version", Integer, nullable=False, server_default="1"),
    Column("facts_sha256", String(64)),  # what it states; a delivered document whose facts change is sent again
    Column("doc_id", String(24), index=True),  # document_id(doc_key): what personal links and forms carry
    Column("recipient_role", String(40)),
)

document_failures = Table(
    "document_failures",  # documents a run could not produce (bad data): listed, retried by the next run
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", ForeignKey("runs.id"), nullable=False),
    Column("school_year", String(9), nullable=False),
    Column("month", String(7), nullable=False),
    Column("doc_key", String(300), nullable=False, index=True),
    Column("task_id", String(80), nullable=False),
    Column("family", String(60), nullable=False),
    Column("recipient", String(200), nullable=False),  # who would have received it: name, email
    Column("reason", Text, nullable=False),
    Column("failed_at", DateTime(timezone=True), nullable=False),
)

messages = Table(
    "messages",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("idempotency_key", String(64), nullable=False, unique=True),
    Column("run_id", ForeignKey("runs.id")),
    Column("school_year", String(9), nullable=False),
    Column("month", String(7), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("recipient_key", String(120), nullable=False),
    Column("recipient_email", String(320), nullable=False),
    Column("recipient_name", String(200)),
    Column("subject", Text, nullable=False),
    Column("attachments", JSON, nullable=False),
    Column("state", String(20), nullable=False),  # a domain.messages.MessageState
    Column("attempts", Integer, nullable=False, default=0),
    Column("message_id", String(200), nullable=False),
    Column("transport", String(16)),
    Column("error", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("sent_at", DateTime(timezone=True)),
    Column("claimed_by", String(120)),  # host:pid of the process that claimed it
    Column("as_of", Date),  # the day the run acted as of (its --today)
    Index("ix_messages_year_state", "school_year", "state"),
)

message_documents = Table(
    "message_documents",
    metadata,
    Column("message_id", ForeignKey("messages.id"), primary_key=True),
    Column("doc_key", String(300), primary_key=True),
    Column("task_id", String(80), nullable=False, index=True),
    Index("ix_message_documents_doc_key", "doc_key"),  # was it sent? looked up by key across the year
)

acknowledgements = Table(
    "acknowledgements",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("school_year", String(9), nullable=False),
    Column("task_id", String(80)),
    Column("doc_key", String(300)),
    Column("person_email", String(320), nullable=False),
    Column("person_name", String(200)),
    Column("role", String(40)),
    Column("status", String(16), nullable=False),  # complete | incomplete
    Column("signed_on", Date),
    Column("source", String(32), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("note", Text),
    UniqueConstraint("school_year", "doc_key", "person_email", "source", name="uq_ack"),
)

retention_log = Table(
    "retention_log",  # what `examdesk retention --apply` removed (counts only): the record of it
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("school_year", String(9), nullable=False),
    Column("removed_at", DateTime(timezone=True), nullable=False),
    Column("rule", Text, nullable=False),  # e.g. "CAASPP: 3 years after the school year"
    Column("counts", JSON, nullable=False),
)

signatures = Table(
    "signatures",  # an electronic signature given online, with its audit trail
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("school_year", String(9), nullable=False),
    Column("doc_key", String(300), nullable=False, index=True),
    Column("person_email", String(320), nullable=False),
    Column("person_name", String(200)),  # the name examdesk sent the document to
    Column("role", String(40)),
    Column("typed_name", String(200), nullable=False),  # what the signer typed
    Column("signed_at", DateTime(timezone=True), nullable=False),  # UTC
    Column("signed_local", String(40), nullable=False),  # the same moment in the district's time zone
    Column("ip", String(64)),
    Column("user_agent", Text),
    Column("token_id", String(64), nullable=False),  # the personal link it came through
    Column("document_sha256", String(64), nullable=False),  # the document as it was sent
    Column("certificate_path", Text),  # the signed certificate of completion
)

confirmations = Table(
    "confirmations",  # "my timetable is correct" / "there is a problem: ..."
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("school_year", String(9), nullable=False),
    Column("doc_key", String(300), nullable=False, index=True),
    Column("recipient_key", String(120), nullable=False),
    Column("recipient_email", String(320), nullable=False),
    Column("site_id", String(20)),
    Column("answer", String(16), nullable=False),  # correct | problem
    Column("detail", Text),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("resolved_at", DateTime(timezone=True)),
)

exemption_requests = Table(
    "exemption_requests",  # a parent's request that their child not take a test (PGE), this year only
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("school_year", String(9), nullable=False),
    Column("doc_key", String(300), nullable=False),  # the notification whose link it came through
    Column("student_id", String(40), nullable=False),
    Column("site_id", String(20)),
    Column("guardian_key", String(120), nullable=False),
    Column("tests", JSON, nullable=False),
    Column("reason", Text),
    Column("typed_name", String(200), nullable=False),
    Column("signed_on", Date, nullable=False),
    Column("requested_at", DateTime(timezone=True), nullable=False),
    Column("status", String(16), nullable=False),  # requested | approved | declined
    Column("decided_by", String(320)),
    Column("decided_at", DateTime(timezone=True)),
)

users = Table(
    "users",  # dashboard accounts (`examdesk users add`)
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("email", String(320), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=False),  # argon2
    Column("role", String(16), nullable=False),  # district | site
    Column("site_id", String(20)),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
