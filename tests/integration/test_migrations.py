"""An existing ledger upgrades in place (Alembic), on SQLite and on PostgreSQL; processes that open
a new ledger at the same moment take turns instead of creating the tables twice."""

from __future__ import annotations

import multiprocessing
import time

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, inspect, text

from examdesk.adapters.ledger import LedgerDatabase, migrate
from examdesk.adapters.ledger.database import MIGRATIONS

HEAD = "0007"


def old_ledger(url: str) -> None:
    """A ledger as examdesk made it before migrations: the first schema, no alembic_version table."""
    engine = create_engine(url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        connection.execute(text("DROP TABLE alembic_version"))
        connection.execute(
            text(
                "INSERT INTO runs (school_year, month, started_at, state) "
                "VALUES ('2026-27', '2027-02', CURRENT_TIMESTAMP, 'completed')"
            )
        )
    engine.dispose()


def url_for(ledger_url, tmp_path) -> str:
    return ledger_url or f"sqlite:///{tmp_path / 'ledger.sqlite'}"


def test_an_old_ledger_is_upgraded_in_place_and_keeps_its_data(ledger_url, tmp_path):
    url = url_for(ledger_url, tmp_path)
    old_ledger(url)
    ledger = LedgerDatabase(url)
    columns = {c["name"] for c in inspect(ledger.engine).get_columns("messages")}
    assert "claimed_by" in columns
    with ledger.engine.connect() as c:
        assert c.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == HEAD
        assert c.execute(text("SELECT count(*) FROM runs")).scalar_one() == 1
    with ledger.unit_of_work() as uow:
        run_id = uow.runs.start("2026-27", "2027-03")
        uow.runs.finish(run_id, "completed_with_failures", {})  # did not fit the old column on PostgreSQL
        uow.commit()


def _open_at(url: str, start_at: float, results) -> None:
    """A separate process: wait for the common start time, then migrate a new ledger."""
    time.sleep(max(0.0, start_at - time.time()))
    try:
        engine = create_engine(url)
        migrate(engine)
        engine.dispose()
        results.put("ok")
    except Exception as exc:  # reported to the test, which fails with it
        results.put(f"{type(exc).__name__}: {exc}")


def test_processes_opening_a_new_ledger_at_once_take_turns(ledger_url, tmp_path):
    url = url_for(ledger_url, tmp_path)
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    start_at = time.time() + 4  # every process is started and waiting by then
    processes = [context.Process(target=_open_at, args=(url, start_at, results)) for _ in range(4)]
    for p in processes:
        p.start()
    for p in processes:
        p.join(120)
    outcomes = [results.get(timeout=5) for _ in processes]
    assert outcomes == ["ok"] * 4  # without the lock, some would fail creating tables that exist
    assert [p.exitcode for p in processes] == [0] * 4
    engine = create_engine(url)
    with engine.connect() as c:
        assert c.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [HEAD]
        assert "messages" in inspect(c).get_table_names()
    engine.dispose()


def test_a_migration_that_fails_halfway_leaves_nothing_behind_and_the_next_run_completes(
    ledger_url, tmp_path, monkeypatch
):
    from alembic.operations import Operations

    url = url_for(ledger_url, tmp_path)
    create_table = Operations.create_table

    def fails_after_creating(self, name, *args, **kwargs):
        created = create_table(self, name, *args, **kwargs)
        if name == "document_failures":  # the newest migration's table: the disk fills up right after
            raise RuntimeError("disk full")
        return created

    monkeypatch.setattr(Operations, "create_table", fails_after_creating)
    engine = create_engine(url)
    try:
        migrate(engine)
    except RuntimeError:
        pass
    else:
        raise AssertionError("the migration should have failed")
    tables = inspect(engine).get_table_names()
    assert "document_failures" not in tables and "runs" not in tables  # rolled back whole, DDL included
    monkeypatch.setattr(Operations, "create_table", create_table)
    migrate(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD
    engine.dispose()
