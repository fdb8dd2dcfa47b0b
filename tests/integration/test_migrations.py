"""An existing ledger upgrades in place (Alembic), on SQLite and on PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, inspect, text

from examdesk.adapters import ledger as ledger_module
from examdesk.adapters.ledger import MIGRATIONS, Ledger

HEAD = "0003"


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


def test_an_old_ledger_is_upgraded_in_place_and_keeps_its_data(ledger_url, tmp_path, monkeypatch):
    url = url_for(ledger_url, tmp_path)
    old_ledger(url)
    monkeypatch.setattr(ledger_module, "_up_to_date", set())
    ledger = Ledger(url)
    try:
        columns = {c["name"] for c in inspect(ledger.engine).get_columns("messages")}
        assert "claimed_by" in columns
        with ledger.engine.connect() as c:
            assert c.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == HEAD
            assert c.execute(text("SELECT count(*) FROM runs")).scalar_one() == 1
        run_id = ledger.start_run("2026-27", "2027-03")
        ledger.finish_run(run_id, "completed_with_failures", {})  # did not fit the old column on PostgreSQL
    finally:
        ledger.dispose()


def test_processes_opening_a_new_ledger_at_once_take_turns(ledger_url, tmp_path, monkeypatch):
    url = url_for(ledger_url, tmp_path)

    def open_it(_):
        monkeypatch.setattr(ledger_module, "_up_to_date", set())
        ledger = Ledger(url)
        ledger.dispose()
        return True

    with ThreadPoolExecutor(4) as pool:
        assert all(pool.map(open_it, range(4)))
    engine = create_engine(url)
    with engine.connect() as c:
        assert c.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == HEAD
    engine.dispose()
