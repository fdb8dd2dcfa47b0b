"""Shared fixtures: a private copy of the demo district, a real SMTP server, Prefect."""

from __future__ import annotations

import email
import os
import shutil
import socket
import tempfile
import threading
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


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    for key in list(os.environ):
        if key.startswith("EXAMDESK_"):
            monkeypatch.delenv(key)


@pytest.fixture
def district(tmp_path) -> Path:
    """config/district.yaml and the checklist copied to tmp, pointing at a copy of the demo data."""
    cfg_dir = tmp_path / "config"
    cfg_dir.mkdir()
    data_dir = tmp_path / "data"
    shutil.copytree(REPO / "demo" / "data", data_dir)
    raw = yaml.safe_load((REPO / "config" / "district.yaml").read_text(encoding="utf-8"))
    raw["data"]["directory"] = str(data_dir)
    raw["templates"] = str(REPO / "templates")
    raw["forms"]["directory"] = str(REPO / "forms")
    raw["output"]["directory"] = str(tmp_path / "output")
    raw["checklist"] = "checklist.yaml"
    shutil.copy(REPO / "config" / "checklist.yaml", cfg_dir / "checklist.yaml")
    path = cfg_dir / "district.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


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

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.original_content or envelope.content, policy=default_policy)
        with self.lock:
            self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), msg))
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


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory):
    """One temporary Prefect server for the whole session (it takes seconds to start)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
