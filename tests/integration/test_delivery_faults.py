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


def states(district) -> dict[str, tuple[str, int, str]]:
    """recipient email -> (state, attempts, error) of the month's messages (one each in January)."""
    settings = load_settings(district)
    rows = ledger_messages(settings.ledger_url, month="2027-01")
    out = {}
    for r in rows:
        assert r["recipient_email"] not in out, "two messages for one recipient in a month"
        out[r["recipient_email"]] = (r["state"], r["attempts"], r["error"] or "")
    return out


def test_421_550_and_a_hang_up_after_data_each_end_in_the_right_state(faulty):
    district, server = faulty
    retried, refused, dropped = staff(district, "site_coordinator")
    gives_up = staff(district, "district_coordinator")[0]
    server.rcpt_replies = {
        retried: ["421 4.7.0 try again later"],
        refused: ["550 5.1.1 no such user here"],
        gives_up: ["451 4.3.0 busy"] * 3,
    }
    server.drop_after_data = {dropped}

    summary = run_month(district, "january", today=date(2027, 1, 4))
    st = states(district)
    assert st[retried][:2] == ("sent", 1) and server.copies(retried) == 1  # retried inside one claim
    assert st[refused][0] == "failed_permanent" and "550 5.1.1 no such user here" in st[refused][2]
    assert server.copies(refused) == 0
    assert st[dropped][0] == "unknown" and server.copies(dropped) == 1  # the server has it; we cannot know
    assert st[gives_up][0] == "failed" and "451" in st[gives_up][2] and server.copies(gives_up) == 0
    others = {e: s for e, s in st.items() if e not in (retried, refused, dropped, gives_up)}
    assert others and all(s[0] == "sent" for s in others.values())
    assert all(server.copies(e) == 1 for e in others)
    assert summary["messages_failed_permanent"] == 1 and summary["messages_unknown"] == 1
    assert summary["messages_failed"] == 1

    # the next run resends only the failed one; the refused and the unknown stay as they are
    again = run_month(district, "january", today=date(2027, 1, 4))
    st = states(district)
    assert again["messages_sent"] == 1 and st[gives_up][0] == "sent" and server.copies(gives_up) == 1
    assert st[refused][0] == "failed_permanent" and st[dropped][0] == "unknown"
    assert server.copies(dropped) == 1 and server.copies(refused) == 0
    assert all(server.copies(e) == 1 for e in others)


def test_a_server_that_hangs_up_after_two_messages_is_reconnected(faulty):
    district, server = faulty
    server.drop_after = 2
    summary = run_month(district, "january", today=date(2027, 1, 4))
    st = states(district)
    assert summary["messages_failed"] == 0 and summary["messages_unknown"] == 0
    assert len(st) == summary["messages_sent"] > 2
    assert all(state == "sent" for state, _, _ in st.values())
    assert all(server.copies(e) == 1 for e in st)
