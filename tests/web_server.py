"""A real examdesk web server on 127.0.0.1 (uvicorn in a thread) over a demo district, and
Debian's Chromium driven by Playwright: for the browser tests and docs/screenshots.py."""

from __future__ import annotations

import email
import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from email.policy import default as default_policy
from pathlib import Path

import uvicorn

from examdesk.bootstrap import build_app
from examdesk.web.app import create_web_app

CHROMIUM = os.environ.get("EXAMDESK_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(config: Path, today: date) -> Iterator[str]:
    """The web app for the district at ``config`` (its web.base_url's port), as of ``today``."""
    app = build_app(config, "2026-27", today)
    port = int(app.settings.web.base_url.rsplit(":", 1)[1])
    server = uvicorn.Server(
        uvicorn.Config(create_web_app(app, today=lambda: today), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the web server did not start")
        time.sleep(0.05)
    try:
        yield app.settings.web.base_url
    finally:
        server.should_exit = True
        thread.join(10)


@contextmanager
def browser() -> Iterator:
    """Chromium from Debian's packages, headless (Playwright's own browser download is not used)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def have_chromium() -> bool:
    return shutil.which(CHROMIUM) is not None or Path(CHROMIUM).is_file()


def outbox_links(output: Path, month_key: str, purpose: str) -> list[tuple[str, str, str]]:
    """(address, name, link) of every link of ``purpose`` in the month's .eml files."""
    found = []
    for path in sorted((output / "outbox" / month_key).glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=default_policy)
        body = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        to = message["To"].addresses[0]
        for url in re.findall(rf"(http://\S+/{purpose}/\S+)", body):
            found.append((to.addr_spec, to.display_name, url))
    return found
