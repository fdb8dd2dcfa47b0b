"""A month shared by two Prefect workers of a process work pool, as two machines would share it:
a Prefect server on PostgreSQL, the ledger on PostgreSQL, one output folder, real processes."""

import os
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import httpx
import pytest
from test_prefect_server import _free_port, _stop, _wait

from conftest import _pg_admin, edit_config, make_district
from fakes import ledger_messages
from helpers import attachments, read_outbox

pytestmark = [pytest.mark.prefect, pytest.mark.postgres]

BIN = Path(sys.executable).parent
POOL = "examdesk-test-pool"


@pytest.fixture
def two_databases():
    """The Prefect server's database and the ledger's, each new, dropped afterwards."""
    admin, user = _pg_admin()
    names = [f"examdesk_test_{what}_{os.getpid()}_{int(time.time())}" for what in ("prefect", "ledger")]
    for name in names:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield tuple(f"{user}@127.0.0.1:5432/{name}" for name in names)
    finally:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _start(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        args, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True, cwd=log.parent
    )


def _sent_by(folder: Path, month: str) -> list:
    from examdesk.settings import load_settings

    settings = load_settings(folder / "config" / "district.yaml")
    return sorted(
        (m["To"].addresses[0].addr_spec, m["Subject"], tuple(sorted(n for n, _ in attachments(m))))
        for m in read_outbox(settings.output_dir, month)
    )


def test_a_month_shared_by_two_workers_of_a_work_pool_is_sent_once_and_both_show_in_the_history(
    two_databases, tmp_path
):
    prefect_db, ledger_db = two_databases
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "EXAMDESK_"))}
    env.update(
        PREFECT_HOME=str(tmp_path / "prefect-home"),
        PREFECT_SERVER_DATABASE_CONNECTION_URL=f"postgresql+asyncpg://{prefect_db}",
        PREFECT_API_URL=api,
        PREFECT_WORKER_QUERY_SECONDS="1",
        EXAMDESK_LEDGER__URL=f"postgresql+psycopg://{ledger_db}",
        PYTHONWARNINGS="ignore",
        COLUMNS="250",
    )
    (tmp_path / "pool").mkdir()
    config = make_district(tmp_path / "pool")
    edit_config(config, performance__workers=2, performance__work_pool=POOL)

    def examdesk(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(BIN / "examdesk"), *args, "-c", str(config)], env=env, capture_output=True, text=True, timeout=900
        )

    processes = []
    try:
        server_env = {k: v for k, v in env.items() if k != "PREFECT_API_URL"}
        processes.append(
            _start(
                [str(BIN / "examdesk"), "server", "--port", str(port), "-c", str(config)],
                server_env,
                tmp_path / "server.log",
            )
        )
        _wait(lambda: httpx.get(f"{api}/health", timeout=2).status_code == 200, 180, "the Prefect server")
        deployed = examdesk("deploy")
        assert deployed.returncode == 0, deployed.stdout + deployed.stderr
        assert f"prefect worker start --pool {POOL}" in deployed.stdout
        for name in ("machine-a", "machine-b"):  # one run at a time each: the two shards need both
            processes.append(
                _start(
                    [str(BIN / "prefect"), "worker", "start", "--pool", POOL, "--name", name, "--limit", "1"],
                    env,
                    tmp_path / f"{name}.log",
                )
            )
        _wait(
            lambda: (
                len(
                    [
                        w
                        for w in httpx.post(f"{api}/work_pools/{POOL}/workers/filter", json={}, timeout=5).json()
                        if w["status"] == "ONLINE"
                    ]
                )
                == 2
            ),
            120,
            "both workers online",
        )

        started = time.monotonic()
        month = examdesk("run", "february", "--today", "2027-02-01")
        duration = time.monotonic() - started
        assert month.returncode == 0, month.stdout[-3000:] + month.stderr[-3000:]
        print(f"two workers: the month took {duration:.1f} s")

        # every message once: one ledger row per key, one .eml per sent message
        messages = ledger_messages(env["EXAMDESK_LEDGER__URL"])
        keys = [m["idempotency_key"] for m in messages]
        sent_by_pool = _sent_by(tmp_path / "pool", "2027-02")
        assert len(keys) == len(set(keys)) == len(sent_by_pool) > 250
        assert {m["state"] for m in messages} == {"sent"}

        # ... the same messages one process sends on its own
        from examdesk.bootstrap import build_app
        from examdesk.domain.calendar import parse_month
        from examdesk.domain.shards import WHOLE
        from examdesk.services.month.pipeline import run_shard

        (tmp_path / "alone").mkdir()
        alone = make_district(tmp_path / "alone")
        app = build_app(alone, "2026-27", date(2027, 2, 1), ledger_url="sqlite://")
        run_shard(app, parse_month("2027-02", app.school_year), WHOLE)
        assert sent_by_pool == _sent_by(tmp_path / "alone", "2027-02")

        # both workers took a shard, and the run history says which
        history = examdesk("history")
        assert history.returncode == 0, history.stderr
        shard_lines = [line for line in history.stdout.splitlines() if "shard" in line]
        assert any("machine-a" in line for line in shard_lines), history.stdout
        assert any("machine-b" in line for line in shard_lines), history.stdout

        again = examdesk("run", "february", "--today", "2027-02-01")
        assert again.returncode == 0, again.stdout[-3000:]
        assert len(ledger_messages(env["EXAMDESK_LEDGER__URL"])) == len(keys)  # nothing sent twice
        assert len(_sent_by(tmp_path / "pool", "2027-02")) == len(sent_by_pool)
    finally:
        for proc in reversed(processes):
            _stop(proc)
        for log in tmp_path.glob("*.log"):
            shutil.copy(log, tmp_path / f"{log.stem}.kept")
