"""The ledger on the PostgreSQL server at 127.0.0.1:5432 (each test makes and drops its own database)."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from examdesk.adapters.ledger import Ledger
from helpers import run_month

pytestmark = pytest.mark.postgres


def _message(ledger: Ledger, key: str) -> None:
    run_id = ledger.start_run("2026-27", "2027-02")
    ledger.ensure_message(
        key=key,
        run_id=run_id,
        school_year="2026-27",
        month="2027-02",
        kind="documents",
        recipient_key="guardian:G1",
        recipient_email="pat@example.org",
        recipient_name="Pat",
        subject="s",
        attachments=["a.docx"],
        message_id=f"{key}@x",
        doc_keys=[("d1", "t1")],
    )


def test_claim_is_exclusive_across_connections(pg_url):
    ledgers = [Ledger(pg_url) for _ in range(4)]
    try:
        _message(ledgers[0], "k" * 32)
        _message(ledgers[1], "k" * 32)  # the same key again: no second row
        with ThreadPoolExecutor(4) as pool:
            wins = list(pool.map(lambda lg: lg.claim("k" * 32), ledgers))
        assert wins.count(True) == 1
        assert ledgers[0].message_state("k" * 32) == "sending"
        ledgers[0].mark("k" * 32, "failed", error="421 try later")
        assert ledgers[1].claim("k" * 32)  # failed messages can be claimed again
        ledgers[1].mark("k" * 32, "sent", transport="smtp")
        assert not ledgers[2].claim("k" * 32)
        assert ledgers[3].delivered_among("2026-27", "2027-02", ["d1", "d2"]) == {"d1"}
        assert len(ledgers[0].messages("2026-27")) == 1
    finally:
        for lg in ledgers:
            lg.dispose()


def test_a_month_runs_on_postgres_and_reruns_send_nothing(district, pg_url, monkeypatch):
    monkeypatch.setenv("EXAMDESK_LEDGER__URL", pg_url)
    first = run_month(district, "march")
    assert first["messages_sent"] > 0
    again = run_month(district, "march")
    assert again["messages_sent"] == 0
    ledger = Ledger(pg_url)
    try:
        assert {m["state"] for m in ledger.messages("2026-27", "2027-03")} == {"sent"}
        ledger.set_task_status("2026-27", "caaspp-mar-01", "done", note="confirmed", source="mark")
        ledger.set_task_status("2026-27", "caaspp-mar-01", "done", note="confirmed again", source="mark")
        assert ledger.task_statuses("2026-27")["caaspp-mar-01"]["note"] == "confirmed again"
    finally:
        ledger.dispose()
