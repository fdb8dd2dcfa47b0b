"""Real `examdesk run` processes: killed with SIGKILL half-way through sending, and two at once.

The SMTP server (aiosmtpd on 127.0.0.1) counts what it really received; the ledger must then
account for every recipient: exactly one copy each, except messages it records as unknown.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from examdesk.settings import load_settings
from fakes import ledger_messages

pytestmark = pytest.mark.slow  # whole months through the services, real servers or processes


EXE = shutil.which("examdesk", path=str(Path(sys.executable).parent)) or "examdesk"


def environment(tmp_path: Path, port: int, name: str, ledger_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "EXAMDESK_"))}
    env.update(
        PREFECT_HOME=str(tmp_path / f"prefect-{name}"),
        EXAMDESK_MAIL__TRANSPORT="smtp",
        EXAMDESK_MAIL__HOST="127.0.0.1",
        EXAMDESK_MAIL__PORT=str(port),
        EXAMDESK_MAIL__SECURITY="none",
        EXAMDESK_MAIL__USERNAME="",
        EXAMDESK_MAIL__RETRY_BACKOFF_SECONDS="0.01",
    )
    if ledger_url:
        env["EXAMDESK_LEDGER__URL"] = ledger_url
    return env


def start(district: Path, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [EXE, "run", "february", "--config", str(district), "--today", "2027-02-01"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        start_new_session=True,  # its own process group: the kill takes Prefect's helpers too
    )


def ledger_rows(district: Path, ledger_url: str | None) -> list[dict]:
    return ledger_messages(ledger_url or load_settings(district).ledger_url, month="2027-02")


def received_by(server) -> Counter:
    with server.lock:
        return Counter(key for _, _, msg in server.messages for key in [msg["X-Examdesk-Key"]])


def test_sigkill_mid_send_then_rerun_gives_everyone_exactly_one_copy(district, smtp_server, tmp_path):
    controller, server = smtp_server
    server.delay = 0.01
    env = environment(tmp_path, controller.port, "killed", None)
    proc = start(district, env)
    deadline = time.monotonic() + 240
    while len(server.messages) < 40:
        assert proc.poll() is None, proc.stdout.read()
        assert time.monotonic() < deadline, "the run never got to sending"
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    first_copies = len(server.messages)
    rows = ledger_rows(district, None)
    assert any(r["state"] in ("pending", "sending") for r in rows) or len(rows) < 200, "killed too late"

    rerun = subprocess.run(
        [EXE, "run", "february", "--config", str(district), "--today", "2027-02-01"],
        capture_output=True,
        text=True,
        env=environment(tmp_path, controller.port, "rerun", None),
        timeout=300,
    )
    rows = ledger_rows(district, None)
    states = Counter(r["state"] for r in rows)
    copies = received_by(server)
    assert set(states) <= {"sent", "unknown"}, (states, rerun.stdout[-2000:])
    assert states["unknown"] <= 1  # at most the one message in flight when the process died
    for r in rows:
        if r["state"] == "sent":
            assert copies[r["idempotency_key"]] == 1, r["recipient_email"]
        else:
            assert copies[r["idempotency_key"]] <= 1
    assert len(server.messages) > first_copies
    assert sum(copies.values()) == len(server.messages)  # nothing arrived that the ledger does not know


def test_two_processes_on_the_same_month_send_no_duplicates(district, smtp_server, tmp_path, ledger_url):
    controller, server = smtp_server
    server.delay = 0.02  # slow enough (about 5 s for the month) that both processes reach the send loop
    procs = [start(district, environment(tmp_path, controller.port, name, ledger_url)) for name in ("a", "b")]
    outputs = [p.communicate(timeout=400)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs[0][-1500:] + outputs[1][-1500:]
    rows = ledger_rows(district, ledger_url)
    copies = received_by(server)
    assert len(rows) > 250 and all(r["state"] == "sent" for r in rows)
    assert all(copies[r["idempotency_key"]] == 1 for r in rows)
    assert sum(copies.values()) == len(rows)
    senders = Counter(int(r["claimed_by"].rpartition(":")[2]) for r in rows)
    assert set(senders) == {p.pid for p in procs}, senders  # both processes sent part of the month
    assert sum(senders.values()) == len(rows)
