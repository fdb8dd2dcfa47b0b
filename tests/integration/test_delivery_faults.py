"""Exactly-once delivery under SMTP faults, on SQLite and on PostgreSQL, with a real server.

The aiosmtpd server on 127.0.0.1 answers 421 or 550 to chosen recipients, hangs up right after
taking a message, or hangs up after N messages; each test asserts every recipient's final state
in the ledger and how many copies the server really received.
"""

from __future__ import annotations

import csv
from datetime import date

import pytest

from examdesk.settings import load_settings
from fakes import ledger_messages
from helpers import run_month


@pytest.fixture
def faulty(district, smtp_server, ledger_url, monkeypatch):
    controller, handler = smtp_server
    for key, value in {
        "TRANSPORT": "smtp",
        "HOST": "127.0.0.1",
        "PORT": str(controller.port),
        "SECURITY": "none",
        "USERNAME": "",
        "MAX_ATTEMPTS": "3",
        "RETRY_BACKOFF_SECONDS": "0.01",
    }.items():
        monkeypatch.setenv(f"EXAMDESK_MAIL__{key}", value)
    return district, handler


def staff(district, role: str) -> list[str]:
    data = load_settings(district).data_path("staff")
    with data.open(encoding="utf-8") as fh:
        return [r["email"] for r in csv.DictReader(fh) if r["role"] == role]


def states(district) -> dict[str, list[tuple[str, int, str]]]:
    """recipient email -> (state, attempts, error) of each of the month's messages to them (a site
    coordinator's student list and memos, the district coordinator's digest...)."""
    settings = load_settings(district)
    out: dict[str, list[tuple[str, int, str]]] = {}
    for r in ledger_messages(settings.ledger_url, month="2027-01"):
        out.setdefault(r["recipient_email"], []).append((r["state"], r["attempts"], r["error"] or ""))
    return out


def test_421_550_and_a_hang_up_after_data_each_end_in_the_right_state(faulty):
    district, server = faulty
    retried, refused, dropped = staff(district, "site_coordinator")
    gives_up = staff(district, "district_coordinator")[0]
    server.rcpt_replies = {
        retried: ["421 4.7.0 try again later"],  # the first message to them, once
        refused: ["550 5.1.1 no such user here"] * 50,  # every message to them
        gives_up: ["451 4.3.0 busy"] * 50,
    }
    server.drop_after_data = {dropped}  # every message to them: taken, then the line goes dead

    summary = run_month(district, "january", today=date(2027, 1, 4))
    st = states(district)
    assert all(m[:2] == ("sent", 1) for m in st[retried])  # retried inside one claim
    assert server.copies(retried) == len(st[retried]) > 1
    assert all(m[0] == "failed_permanent" and "550 5.1.1 no such user here" in m[2] for m in st[refused])
    assert server.copies(refused) == 0
    assert all(m[0] == "unknown" for m in st[dropped]) and server.copies(dropped) == len(st[dropped])
    assert all(m[0] == "failed" and "451" in m[2] for m in st[gives_up]) and server.copies(gives_up) == 0
    others = {e: s for e, s in st.items() if e not in (retried, refused, dropped, gives_up)}
    assert others and all(m[0] == "sent" for s in others.values() for m in s)
    assert all(server.copies(e) == len(s) for e, s in others.items())
    assert summary["messages_failed_permanent"] == len(st[refused]) and summary["messages_unknown"] == len(st[dropped])
    assert summary["messages_failed"] == len(st[gives_up])

    # the next run resends only the failed ones; the refused and the unknown stay as they are
    server.rcpt_replies[gives_up] = []  # the server is not busy any more
    again = run_month(district, "january", today=date(2027, 1, 4))
    after = states(district)
    assert again["messages_sent"] == len(st[gives_up]) and server.copies(gives_up) == len(st[gives_up])
    assert all(m[0] == "sent" for m in after[gives_up])
    assert after[refused] == st[refused] and after[dropped] == st[dropped]
    assert server.copies(dropped) == len(st[dropped]) and server.copies(refused) == 0
    assert all(server.copies(e) == len(s) for e, s in others.items())


def test_a_server_that_hangs_up_after_two_messages_is_reconnected(faulty):
    district, server = faulty
    server.drop_after = 2
    summary = run_month(district, "january", today=date(2027, 1, 4))
    st = states(district)
    assert summary["messages_failed"] == 0 and summary["messages_unknown"] == 0
    assert sum(len(m) for m in st.values()) == summary["messages_sent"] > 2
    assert all(state == "sent" for m in st.values() for state, _, _ in m)
    assert all(server.copies(e) == len(m) for e, m in st.items())


def test_four_connections_at_once_send_each_message_once_even_when_some_fail(faulty, monkeypatch):
    district, server = faulty
    monkeypatch.setenv("EXAMDESK_MAIL__CONNECTIONS", "4")
    refused = staff(district, "site_coordinator")[0]
    server.rcpt_replies = {refused: ["550 5.1.1 no such user here"] * 50}
    server.delay = 0.005  # a server that takes a moment per message: the connections overlap
    summary = run_month(district, "january", today=date(2027, 1, 4))
    st = states(district)
    received = [msg["Message-ID"] for _, _, msg in server.messages]
    assert len(received) == len(set(received)) == summary["messages_sent"] > 20  # no message twice
    assert all(m[0] == "failed_permanent" for m in st[refused]) and server.copies(refused) == 0
    assert all(m[0] == "sent" for e, ms in st.items() if e != refused for m in ms)
    again = run_month(district, "january", today=date(2027, 1, 4))
    assert again["messages_sent"] == 0 and len(server.messages) == len(received)
