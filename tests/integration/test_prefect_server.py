"""`examdesk server` and `examdesk serve` as an admin runs them: real processes, real API."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.prefect


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            result = predicate()
            if result:
                return result
        except (httpx.HTTPError, OSError):
            pass
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)


def test_server_then_serve_creates_the_monthly_schedule(district, tmp_path):
    exe = shutil.which("examdesk", path=str(Path(sys.executable).parent)) or "examdesk"
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "EXAMDESK_"))}
    env["PREFECT_HOME"] = str(tmp_path / "prefect-home")
    server = subprocess.Popen(
        [exe, "server", "--port", str(port), "--config", str(district)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    serve = None
    try:
        api = f"http://127.0.0.1:{port}/api"
        _wait(lambda: httpx.get(f"{api}/health", timeout=2).status_code == 200, 120, "the Prefect server")
        ui = httpx.get(f"http://127.0.0.1:{port}/ui-settings", timeout=5).json()
        assert ui["api_url"] == api  # the UI talks to this server, not to the default port 4200
        serve = subprocess.Popen(
            [exe, "serve", "--config", str(district)],
            env={**env, "PREFECT_API_URL": api},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deployment = _wait(
            lambda: (
                (r := httpx.get(f"{api}/deployments/name/examdesk-month/monthly", timeout=2)).status_code == 200
                and r.json()
            ),
            120,
            "the monthly deployment",
        )
        [schedule] = deployment["schedules"]
        assert schedule["schedule"]["cron"] == "0 7 1-7 * 1-5"
        assert schedule["schedule"]["timezone"] == "America/Los_Angeles"
        assert schedule["schedule"]["day_or"] is False
        assert deployment["parameters"]["month"] == "current"
        assert deployment["parameters"]["only_first_working_day"] is True
        assert (tmp_path / "prefect-home").is_dir()  # the server kept its state where it was told
    finally:
        if serve is not None:
            _stop(serve)
        _stop(server)
