"""The ledger on the PostgreSQL server at 127.0.0.1:5432 (each test makes and drops its own database)."""

import pytest

from examdesk.adapters.ledger import LedgerDatabase
from fakes import ledger_messages, task_statuses
from helpers import run_month

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def test_a_month_runs_on_postgres_and_reruns_send_nothing(district, pg_url, monkeypatch):
    monkeypatch.setenv("EXAMDESK_LEDGER__URL", pg_url)
    first = run_month(district, "march")
    assert first["messages_sent"] > 0
    again = run_month(district, "march")
    assert again["messages_sent"] == 0
    assert {m["state"] for m in ledger_messages(pg_url, month="2027-03")} == {"sent"}
    with LedgerDatabase(pg_url).unit_of_work() as uow:
        uow.tasks.set("2026-27", "caaspp-mar-01", "done", note="confirmed", source="mark")
        uow.tasks.set("2026-27", "caaspp-mar-01", "done", note="confirmed again", source="mark")
        uow.commit()
    assert task_statuses(pg_url)["caaspp-mar-01"]["note"] == "confirmed again"


def test_postgres_counts_each_recipient_s_messages_in_the_same_order_as_sqlite(pg_url):
    from test_message_states import EXPECTED, RECIPIENTS, record_messages

    ledger = LedgerDatabase(pg_url)
    with ledger.unit_of_work() as uow:
        record_messages(uow, RECIPIENTS)
    with ledger.unit_of_work() as uow:
        assert list(uow.messages.states_by_recipient("2026-27")) == EXPECTED
