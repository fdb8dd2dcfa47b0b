"""Shared fixtures: a private copy of the demo district, a real SMTP server, Prefect."""

from __future__ import annotations

import asyncio
import email
import os
import shutil
import socket
import tempfile
import threading
import uuid
from email.policy import default as default_policy
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]

# Quiet, local Prefect for every test process; imported now so that Prefect's console log
# handler binds to the session's stderr, not to a stream a CliRunner invocation later closes.
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["DO_NOT_TRACK"] = "1"
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="examdesk-test-prefect-"))
import prefect  # noqa: E402,F401


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pytest_collection_modifyitems(items):
    """Real Prefect flow runs are slow by nature (a temporary server, about a second per flow)."""
    for item in items:
        if item.get_closest_marker("prefect"):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    for key in list(os.environ):
        if key.startswith("EXAMDESK_"):
            monkeypatch.delenv(key)


def make_district(root: Path) -> Path:
    """config/district.yaml and the checklist copied under ``root``, pointing at a copy of the demo data."""
    cfg_dir = root / "config"
    cfg_dir.mkdir()
    data_dir = root / "data"
    shutil.copytree(REPO / "demo" / "data", data_dir)
    raw = yaml.safe_load((REPO / "config" / "district.yaml").read_text(encoding="utf-8"))
    raw["data"]["directory"] = str(data_dir)
    raw["templates"] = str(REPO / "templates")
    raw["forms"]["directory"] = str(REPO / "forms")
    raw["output"]["directory"] = str(root / "output")
    raw["checklist"] = "checklist.yaml"
    shutil.copy(REPO / "config" / "checklist.yaml", cfg_dir / "checklist.yaml")
    path = cfg_dir / "district.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def district(tmp_path) -> Path:
    """A private copy of the demo district (see make_district)."""
    return make_district(tmp_path)


def make_centre(root: Path) -> Path:
    """config/centre.uk.yaml and its checklist copied under ``root``, pointing at a copy of the UK demo data."""
    cfg = root / "config"
    cfg.mkdir()
    shutil.copytree(REPO / "demo" / "uk" / "data", root / "data")
    raw = yaml.safe_load((REPO / "config" / "centre.uk.yaml").read_text(encoding="utf-8"))
    raw["data"]["directory"] = str(root / "data")
    raw["templates"] = str(REPO / "templates")
    raw["forms"]["directory"] = str(REPO / "forms")
    raw["output"]["directory"] = str(root / "output")
    shutil.copy(REPO / "config" / "checklist.uk.yaml", cfg / "checklist.uk.yaml")
    path = cfg / "centre.uk.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def centre(tmp_path) -> Path:
    """A private copy of the UK demo exam centre (see make_centre)."""
    return make_centre(tmp_path)


def edit_config(path: Path, **changes) -> None:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    for dotted, value in changes.items():
        node = raw
        *parents, last = dotted.split("__")
        for p in parents:
            node = node.setdefault(p, {})
        if value is None:
            node.pop(last, None)
        else:
            node[last] = value
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")


class Received:
    """What the SMTP server accepted: envelope and parsed message."""

    def __init__(self):
        self.messages: list[tuple[str, list[str], email.message.EmailMessage]] = []
        self.lock = threading.Lock()

        # faults a test can switch on
        self.rcpt_replies: dict[str, list[str]] = {}  # address -> replies to give, in order, before accepting
        self.drop_after_data: set[str] = set()  # take the message, then hang up before answering
        self.drop_after: int | None = None  # hang up at the next MAIL FROM once this many were accepted
        self.delay = 0.0  # seconds to spend on each DATA

    def copies(self, address: str) -> int:
        with self.lock:
            return sum(address in rcpts for _, rcpts, _ in self.messages)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.drop_after is not None and len(self.messages) >= self.drop_after:
            self.drop_after = None
            server.transport.close()
            return "421 closing"
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        replies = self.rcpt_replies.get(address)
        if replies:
            return replies.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        msg = email.message_from_bytes(envelope.original_content or envelope.content, policy=default_policy)
        with self.lock:
            self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), msg))
        if self.drop_after_data & set(envelope.rcpt_tos):
            server.transport.close()  # the server has it; the client never hears so
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps every message it accepts."""
    from aiosmtpd.controller import Controller

    handler = Received()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield controller, handler
    finally:
        controller.stop()


PG_HOST = os.environ.get("EXAMDESK_TEST_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("EXAMDESK_TEST_PG_PORT", "5432"))
PG_USER = os.environ.get("EXAMDESK_TEST_PG_USER", os.environ.get("USER", "postgres") or "postgres")


def _pg_admin():
    psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed (pip install -e '.[test]')")
    last = None
    for user in dict.fromkeys([PG_USER, "postgres", "root"]):
        try:
            return psycopg.connect(
                host=PG_HOST, port=PG_PORT, user=user, dbname="postgres", autocommit=True, connect_timeout=3
            ), user
        except psycopg.OperationalError as exc:
            last = exc
    pytest.skip(f"no PostgreSQL server reachable at {PG_HOST}:{PG_PORT} ({str(last).strip().splitlines()[0]})")


@pytest.fixture
def pg_url():
    """A PostgreSQL database of the test's own on 127.0.0.1:5432, dropped afterwards."""
    admin, user = _pg_admin()
    name = f"examdesk_test_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://{user}@{PG_HOST}:{PG_PORT}/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def ledger_url(request, monkeypatch):
    """Run the test on the default SQLite ledger and on PostgreSQL (EXAMDESK_LEDGER__URL)."""
    if request.param == "sqlite":
        return None
    url = request.getfixturevalue("pg_url")
    monkeypatch.setenv("EXAMDESK_LEDGER__URL", url)
    return url


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory):
    """One temporary Prefect server for the whole session (it takes seconds to start)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
