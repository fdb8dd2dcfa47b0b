"""The ledger on the PostgreSQL server at 127.0.0.1:5432 (each test makes and drops its own database)."""

import pytest

from examdesk.adapters.ledger import Ledger
from helpers import run_month

pytestmark = pytest.mark.postgres


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
