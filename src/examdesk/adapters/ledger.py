"""The ledger: what was generated, sent and returned, per school year (SQLAlchemy).

SQLite file by default; any SQLAlchemy URL (PostgreSQL: postgresql+psycopg://...) works.
A message is claimed (pending|failed -> sending) by one conditional UPDATE, so two
processes running the same month cannot both send it.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
from collections import Counter, defaultdict
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

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
    bindparam,
    create_engine,
    delete,
    event,
    func,
    inspect,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

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
    Column("state", String(20), nullable=False),  # one of STATES
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

SENT, PENDING, SENDING, FAILED, UNKNOWN = "sent", "pending", "sending", "failed", "unknown"
FAILED_PERMANENT = "failed_permanent"  # the server refused it for good (5xx): not retried by a rerun
STATES = (PENDING, SENDING, SENT, FAILED, FAILED_PERMANENT, UNKNOWN)
DELIVERED_STATES = (SENT, UNKNOWN, SENDING)  # never resent without --resend


CLAIM = (
    update(messages)
    .where(messages.c.idempotency_key == bindparam("key"), messages.c.state.in_((PENDING, FAILED)))
    .values(state=SENDING, attempts=messages.c.attempts + 1, updated_at=bindparam("now"), claimed_by=bindparam("by"))
)


def _now() -> datetime:
    return datetime.now(UTC)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    # WAL + NORMAL: a commit survives the process being killed (what exactly-once relies on);
    # only a power cut can lose the last commits. FULL would fsync three times per message.
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
INITIAL_REVISION = "0001"  # the schema examdesk created with create_all before it had migrations
_up_to_date: set[str] = set()  # URLs migrated by this process


def migrate(engine: Engine) -> None:
    """Bring the ledger's schema to the newest revision (Alembic), once per process and URL.

    Two processes opening a new or old ledger at once take turns: an advisory lock on
    PostgreSQL, a lock file beside the database on SQLite.
    """
    url = engine.url.render_as_string(hide_password=False)
    if url in _up_to_date:
        return
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with _migration_lock(engine), engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7450031)")
        tables = inspect(connection).get_table_names()
        config.attributes["connection"] = connection
        if "runs" in tables and "alembic_version" not in tables:
            command.stamp(config, INITIAL_REVISION)
        command.upgrade(config, "head")
    _up_to_date.add(url)


@contextmanager
def _migration_lock(engine: Engine):
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        yield
        return
    with open(f"{database}.migrate-lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def process_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Ledger:
    def __init__(self, url: str):
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.url = url
        self.engine: Engine = create_engine(url, future=True)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        migrate(self.engine)
        # built once: the send loop runs these for every message
        dialect_insert = {"sqlite": sqlite_insert, "postgresql": postgresql_insert}.get(self.engine.dialect.name)
        self._insert_new = (
            dialect_insert(messages).on_conflict_do_nothing(index_elements=["idempotency_key"]).returning(messages.c.id)
            if dialect_insert
            else None
        )

    def dispose(self) -> None:
        self.engine.dispose()

    # ---- runs ------------------------------------------------------------------------------
    def start_run(self, school_year: str, month: str) -> int:
        with self.engine.begin() as c:
            return c.execute(
                runs.insert().values(school_year=school_year, month=month, started_at=_now(), state="running")
            ).inserted_primary_key[0]

    def finish_run(self, run_id: int, state: str, summary: dict) -> None:
        with self.engine.begin() as c:
            c.execute(
                update(runs)
                .where(runs.c.id == run_id)
                .values(finished_at=_now(), state=state, summary=json.loads(json.dumps(summary, default=str)))
            )

    # ---- documents -------------------------------------------------------------------------
    def record_documents(self, run_id: int, rows: list[dict]) -> None:
        if not rows:
            return
        now = _now()
        with self.engine.begin() as c:
            c.execute(documents.insert(), [dict(r, run_id=run_id, created_at=now) for r in rows])

    @staticmethod
    def _delivered(school_year: str, month: str):
        """The doc_keys of a month already in a sent (or possibly sent) message, as a query."""
        return (
            select(message_documents.c.doc_key)
            .join(messages, messages.c.id == message_documents.c.message_id)
            .where(
                messages.c.school_year == school_year,
                messages.c.month == month,
                messages.c.state.in_(DELIVERED_STATES),
            )
        )

    def delivered_among(self, school_year: str, month: str, doc_keys: list[str]) -> set[str]:
        """Which of these documents are already in a sent (or possibly sent) message."""
        if not doc_keys:
            return set()
        q = self._delivered(school_year, month).where(message_documents.c.doc_key.in_(doc_keys))
        with self.engine.connect() as c:
            return set(c.execute(q).scalars())

    def run_documents(self, run_id: int, page: int = 1000):
        """This run's documents, recipient by recipient, a page at a time.

        Each page is its own short read, so no read transaction stays open while messages are
        sent and recorded (on SQLite an open reader stops the WAL from being checkpointed).
        """
        order = (documents.c.recipient_email, documents.c.recipient_key, documents.c.id)
        last = None
        while True:
            q = select(documents).where(documents.c.run_id == run_id).order_by(*order).limit(page)
            if last is not None:
                q = q.where(tuple_(*order) > tuple_(*last))
            with self.engine.connect() as c:
                rows = [dict(r._mapping) for r in c.execute(q)]
            yield from rows
            if len(rows) < page:
                return
            last = tuple(rows[-1][col.name] for col in order)

    def run_recipient_count(self, run_id: int) -> int:
        q = select(func.count()).select_from(
            select(documents.c.recipient_email, documents.c.recipient_key)
            .where(documents.c.run_id == run_id)
            .distinct()
            .subquery()
        )
        with self.engine.connect() as c:
            return c.execute(q).scalar_one()

    def task_documents(self, school_year: str, month: str, task_id: str) -> tuple[int, int]:
        """(documents of the task this month, how many of them are not delivered yet), counted in SQL."""
        delivered = self._delivered(school_year, month).where(message_documents.c.task_id == task_id)
        made = (
            select(documents.c.doc_key)
            .join(runs, runs.c.id == documents.c.run_id)
            .where(runs.c.school_year == school_year, runs.c.month == month, documents.c.task_id == task_id)
        )
        count_distinct = lambda q: select(func.count()).select_from(q.distinct().subquery())  # noqa: E731
        with self.engine.connect() as c:
            total = c.execute(count_distinct(made.union(delivered).subquery().select())).scalar_one()
            pending = c.execute(count_distinct(made.where(documents.c.doc_key.not_in(delivered)))).scalar_one()
        return total, pending

    def expected_returns(self, school_year: str) -> list[dict]:
        """Documents that must come back, one row per document (its latest rendering), with the
        acknowledgement recorded for it, if any, and whether its message went out."""
        q = (
            select(
                documents.c.doc_key,
                documents.c.task_id,
                documents.c.family,
                documents.c.title,
                documents.c.filename,
                documents.c.path,
                documents.c.recipient_key,
                documents.c.recipient_email,
                documents.c.recipient_name,
                documents.c.site_id,
                documents.c.return_due,
                runs.c.month,
            )
            .join(runs, runs.c.id == documents.c.run_id)
            .where(runs.c.school_year == school_year, documents.c.return_due.is_not(None))
            .order_by(documents.c.id)
        )
        sent = (
            select(message_documents.c.doc_key)
            .join(messages, messages.c.id == message_documents.c.message_id)
            .where(messages.c.school_year == school_year, messages.c.state.in_((SENT, UNKNOWN)))
        )
        with self.engine.connect() as c:
            rows = {r.doc_key: dict(r._mapping) for r in c.execute(q)}
            delivered = set(c.execute(sent).scalars())
        acks = {a["doc_key"]: a for a in self.acknowledgements(school_year)}
        for key, row in rows.items():
            row["delivered"] = key in delivered
            ack = acks.get(key)
            row["status"] = ack["status"] if ack else "outstanding"
            row["ack"] = ack
        return list(rows.values())

    # ---- acknowledgements (returned forms) --------------------------------------------------
    def record_acknowledgement(self, row: dict) -> None:
        """One acknowledgement per document: a later return of the same document replaces it."""
        with self.engine.begin() as c:
            c.execute(
                delete(acknowledgements).where(
                    acknowledgements.c.school_year == row["school_year"], acknowledgements.c.doc_key == row["doc_key"]
                )
            )
            c.execute(acknowledgements.insert().values(**row, received_at=_now()))

    def acknowledgements(self, school_year: str) -> list[dict]:
        q = (
            select(acknowledgements)
            .where(acknowledgements.c.school_year == school_year)
            .order_by(acknowledgements.c.id)
        )
        with self.engine.connect() as c:
            return [dict(r._mapping) for r in c.execute(q)]

    # ---- messages --------------------------------------------------------------------------
    def ensure_and_claim(self, *, key: str, doc_keys: list[tuple[str, str]], **fields) -> bool:
        """Record the message (if new) and claim it, in one transaction: what the send loop does
        for every message, so it costs one commit instead of two."""
        with self.engine.begin() as c:
            self._insert_message(c, key, doc_keys, fields)
            return self._claim(c, key)

    def _insert_message(self, c, key: str, doc_keys: list[tuple[str, str]], fields: dict) -> None:
        now = _now()
        values = dict(fields, idempotency_key=key, state=PENDING, attempts=0, created_at=now, updated_at=now)
        if self._insert_new is not None:
            mid = c.execute(self._insert_new, values).scalar()
        else:  # other databases: the unique key refuses a second copy
            with c.begin_nested() as savepoint:
                try:
                    mid = c.execute(messages.insert(), values).inserted_primary_key[0]
                except IntegrityError:
                    savepoint.rollback()
                    mid = None
        if mid is not None and doc_keys:  # None: already recorded by an earlier or concurrent run
            c.execute(
                message_documents.insert(), [{"message_id": mid, "doc_key": d, "task_id": t} for d, t in doc_keys]
            )

    @staticmethod
    def _claim(c, key: str) -> bool:
        result = c.execute(CLAIM, {"key": key, "now": _now(), "by": process_name()})
        return result.rowcount == 1

    def recover_abandoned(self, school_year: str, month: str, stale_after_minutes: float) -> int:
        """Messages left 'sending' by a process that is gone become 'unknown': the server may have
        them, so they are never resent automatically. A process on this machine is checked by its
        pid; one elsewhere (or unrecorded) counts as gone once the claim is older than the limit."""
        here = socket.gethostname()
        cutoff = _now().timestamp() - stale_after_minutes * 60
        q = select(messages.c.idempotency_key, messages.c.claimed_by, messages.c.updated_at).where(
            messages.c.school_year == school_year, messages.c.month == month, messages.c.state == SENDING
        )
        with self.engine.connect() as c:
            rows = list(c.execute(q))
        recovered = 0
        for key, claimed_by, updated_at in rows:
            host, _, pid = (claimed_by or "").rpartition(":")
            if host == here and pid.isdigit():
                gone = not _pid_alive(int(pid))
            else:
                stamp = updated_at if updated_at.tzinfo else updated_at.replace(tzinfo=UTC)
                gone = stamp.timestamp() < cutoff
            if not gone:
                continue
            with self.engine.begin() as c:
                done = c.execute(
                    update(messages)
                    .where(messages.c.idempotency_key == key, messages.c.state == SENDING)
                    .values(
                        state=UNKNOWN,
                        updated_at=_now(),
                        error=f"the process sending it ({claimed_by or 'unrecorded'}) ended before recording "
                        "the outcome; ask the recipient, then `examdesk resend --message` if it never arrived",
                    )
                )
            recovered += done.rowcount
        return recovered

    def last_sent(self, school_year: str, kind: str) -> dict[str, date]:
        """recipient key -> the day (as the run saw it) a message of this kind last went out, or may have."""
        q = (
            select(messages.c.recipient_key, func.max(messages.c.as_of))
            .where(
                messages.c.school_year == school_year,
                messages.c.kind == kind,
                messages.c.state.in_(DELIVERED_STATES),
            )
            .group_by(messages.c.recipient_key)
        )
        with self.engine.connect() as c:
            return {k: d for k, d in c.execute(q) if d is not None}

    def find_messages(self, key_prefix: str) -> list[dict]:
        q = select(messages).where(messages.c.idempotency_key.startswith(key_prefix, autoescape=True))
        with self.engine.connect() as c:
            return [dict(r._mapping) for r in c.execute(q.limit(2))]

    def release_for_resend(self, key: str) -> None:
        """A coordinator's decision to send a message again: it becomes claimable (failed)."""
        with self.engine.begin() as c:
            c.execute(
                update(messages)
                .where(messages.c.idempotency_key == key)
                .values(state=FAILED, updated_at=_now(), error="resend requested by the coordinator")
            )

    def months_with(self, school_year: str, states: tuple[str, ...]) -> list[str]:
        q = (
            select(messages.c.month)
            .where(messages.c.school_year == school_year, messages.c.state.in_(states))
            .distinct()
            .order_by(messages.c.month)
        )
        with self.engine.connect() as c:
            return list(c.execute(q).scalars())

    def message_state(self, key: str) -> str | None:
        with self.engine.connect() as c:
            return c.execute(select(messages.c.state).where(messages.c.idempotency_key == key)).scalar()

    def mark(self, key: str, state: str, *, transport: str | None = None, error: str | None = None) -> None:
        values = {"state": state, "updated_at": _now(), "error": error}
        if transport:
            values["transport"] = transport
        if state == SENT:
            values["sent_at"] = values["updated_at"]
        with self.engine.begin() as c:
            c.execute(update(messages).where(messages.c.idempotency_key == key).values(**values))

    def iter_messages(self, school_year: str):
        """Every message of the year, streamed."""
        q = select(messages).where(messages.c.school_year == school_year).order_by(messages.c.id)
        with self.engine.connect() as c:
            for row in c.execution_options(yield_per=500).execute(q):
                yield row._mapping

    def messages(self, school_year: str, month: str | None = None) -> list[dict]:
        q = select(messages).where(messages.c.school_year == school_year).order_by(messages.c.id)
        if month:
            q = q.where(messages.c.month == month)
        with self.engine.connect() as c:
            return [dict(r._mapping) for r in c.execute(q)]

    def delivery_counts_by_task(self, school_year: str) -> dict[str, Counter]:
        q = (
            select(message_documents.c.task_id, messages.c.state, func.count())
            .join(messages, messages.c.id == message_documents.c.message_id)
            .where(messages.c.school_year == school_year)
            .group_by(message_documents.c.task_id, messages.c.state)
        )
        counts: dict[str, Counter] = defaultdict(Counter)
        with self.engine.connect() as c:
            for task_id, state, n in c.execute(q):
                counts[task_id][state] += n
        return counts

    # ---- task status -----------------------------------------------------------------------
    def set_task_status(self, school_year: str, task_id: str, status: str, *, note: str = "", source: str) -> None:
        now = _now()
        with self.engine.begin() as c:
            updated = c.execute(
                update(task_status)
                .where(task_status.c.school_year == school_year, task_status.c.task_id == task_id)
                .values(status=status, note=note, source=source, updated_at=now)
            ).rowcount
            if not updated:
                c.execute(
                    task_status.insert().values(
                        school_year=school_year,
                        task_id=task_id,
                        status=status,
                        note=note,
                        source=source,
                        updated_at=now,
                    )
                )

    def task_statuses(self, school_year: str) -> dict[str, dict]:
        with self.engine.connect() as c:
            return {
                r.task_id: dict(r._mapping)
                for r in c.execute(select(task_status).where(task_status.c.school_year == school_year))
            }
