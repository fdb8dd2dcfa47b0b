"""The ledger's database: one engine per process and URL, schema migrated once, and the unit of
work every service uses to read and change the ledger.

    with ledger.unit_of_work() as uow:
        run_id = uow.runs.start(school_year, month)
        uow.commit()

Leaving the block without ``commit()`` rolls back. SQLite file by default; any SQLAlchemy URL
(PostgreSQL: postgresql+psycopg://...) works; ``sqlite://`` is an in-memory ledger for tests.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool, StaticPool

from ..files import make_private_file
from .repositories import (
    Acknowledgements,
    DocumentFailures,
    Documents,
    Messages,
    Retention,
    Runs,
    TaskStatuses,
    message_statements,
)
from .web_records import Confirmations, ExemptionRequests, Signatures, Users

MIGRATIONS = Path(__file__).resolve().parent.parent.parent / "migrations"
INITIAL_REVISION = "0001"  # the schema examdesk created with create_all before it had migrations
IN_MEMORY = "sqlite://"

_engines: dict[tuple[str, int], Engine] = {}
_engines_lock = threading.Lock()


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    # WAL + NORMAL: a commit survives the process being killed (what exactly-once relies on);
    # only a power cut can lose the last commits. FULL would fsync three times per message.
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def engine_for(url: str) -> Engine:
    """The process's engine for ``url``, created and migrated on first use (a forked child gets its own).
    Each in-memory ledger (``sqlite://``) is a new, separate database."""
    if url == IN_MEMORY:
        engine = _create(url)
        migrate(engine)
        return engine
    key = (url, os.getpid())
    with _engines_lock:
        found = _engines.get(key)
        if found is None:
            found = _engines[key] = _create(url)
            migrate(found)
        return found


def _create(url: str) -> Engine:
    if url == IN_MEMORY:
        return create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
    if url.startswith("sqlite:///"):  # the ledger holds student data: its file is the owner's only
        make_private_file(Path(url.removeprefix("sqlite:///")))
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def migrate(engine: Engine) -> None:
    """Bring the ledger's schema to the newest revision (Alembic).

    Two processes opening a new or old ledger at once take turns: an advisory lock on
    PostgreSQL, a lock file beside the database on SQLite.
    """
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with _migration_lock(engine), _transactional_ddl(engine).begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7450031)")
        tables = inspect(connection).get_table_names()
        config.attributes["connection"] = connection
        if "runs" in tables and "alembic_version" not in tables:
            command.stamp(config, INITIAL_REVISION)
        command.upgrade(config, "head")


def _transactional_ddl(engine: Engine) -> Engine:
    """An engine whose transactions include schema changes. Python's sqlite3 driver commits before
    each CREATE or ALTER on its own, so a migration that failed halfway left tables without their
    revision and a ledger no later run could migrate; with the driver's own transaction handling
    off and an explicit BEGIN, a failed migration rolls back whole (SQLAlchemy's pysqlite recipe)."""
    if engine.dialect.name != "sqlite" or str(engine.url) == IN_MEMORY:
        return engine
    migrating = create_engine(engine.url, poolclass=NullPool, connect_args={"isolation_level": None})
    event.listen(migrating, "connect", _sqlite_pragmas)
    event.listen(migrating, "begin", lambda connection: connection.exec_driver_sql("BEGIN IMMEDIATE"))
    return migrating


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        yield
        return
    with open(make_private_file(Path(f"{database}.migrate-lock")), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


class UnitOfWork:
    """One connection; its transaction begins with the first statement and ends with commit() or
    rollback() (or with the block, rolled back); repositories for each part of the ledger."""

    runs: Runs
    documents: Documents
    messages: Messages
    acks: Acknowledgements
    tasks: TaskStatuses
    failures: DocumentFailures
    retention: Retention
    signatures: Signatures
    confirmations: Confirmations
    exemptions: ExemptionRequests
    users: Users

    def __init__(self, engine: Engine):
        self._engine = engine
        self._connection: Connection | None = None

    def __enter__(self) -> UnitOfWork:
        connection = self._connection = self._engine.connect()
        self.runs = Runs(connection)
        self.acks = Acknowledgements(connection)
        self.documents = Documents(connection, self.acks)
        self.messages = Messages(connection, message_statements(self._engine.dialect.name))
        self.tasks = TaskStatuses(connection)
        self.failures = DocumentFailures(connection)
        self.retention = Retention(connection)
        self.signatures = Signatures(connection)
        self.confirmations = Confirmations(connection)
        self.exemptions = ExemptionRequests(connection)
        self.users = Users(connection)
        return self

    def commit(self) -> None:
        """Make everything done so far durable; the unit of work can go on."""
        assert self._connection is not None, "commit() outside the with block"
        self._connection.commit()

    def rollback(self) -> None:
        assert self._connection is not None, "rollback() outside the with block"
        self._connection.rollback()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self._connection is not None
        try:
            if self._connection.in_transaction():
                self._connection.rollback()
        finally:
            self._connection.close()
            self._connection = None


class LedgerDatabase:
    """Hands out units of work on the process's engine for one ledger URL."""

    def __init__(self, url: str):
        self.url = url
        self.engine = engine_for(url)

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self.engine)
