"""The month pipeline's services on fakes: an in-memory ledger and a transport that records what it
is given. No files are mailed, no database server or Prefect is needed."""

from __future__ import annotations

import csv
from datetime import date

import pytest

from examdesk.domain.messages import MessageState
from examdesk.errors import ConfigurationError
from examdesk.services.month.resend import release
from fakes import RecordingTransport, ledger_messages, memory_app
from helpers import attachments, docx_text, run_month


def guardians(data_dir) -> dict[str, set[str]]:
    """Primary guardian email -> the students they receive letters for."""
    children: dict[str, set[str]] = {}
    with (data_dir / "guardians.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["primary_contact"] == "Y":
                children.setdefault(r["email"], set()).add(r["student_id"])
    return children


def test_february_sends_each_family_its_own_letters_once(district, tmp_path):
    app, transport = memory_app(district, date(2027, 2, 1))
    summary = run_month(None, "february", app=app)
    assert summary["documents_rendered"] == 300 and summary["messages_sent"] == len(transport.sent)
    primary = guardians(tmp_path / "data")
    letters = 0
    for to, msg in transport.sent:
        for name, content in attachments(msg):
            if name.startswith("testing-notice_"):
                letters += 1
                student = name.split("_")[1]
                assert student in primary[to]  # only to that student's own guardian
                assert student in docx_text(content)
    assert letters == 300
    again = run_month(None, "february", app=app)
    assert again["messages_sent"] == 0 and again["documents_rendered"] == 0  # nothing is sent twice


def test_a_refused_address_is_failed_for_good_and_not_retried(district, tmp_path):
    refused = next(iter(guardians(tmp_path / "data")))
    app, transport = memory_app(district, date(2027, 2, 1), RecordingTransport(refuse={refused}))
    first = run_month(None, "february", app=app)
    assert first["messages_failed_permanent"] == 1 and refused not in [to for to, _ in transport.sent]
    [row] = [m for m in ledger_messages(app) if m["recipient_email"] == refused]
    assert row["state"] == MessageState.FAILED_PERMANENT and "550" in row["error"]
    transport.refuse.clear()
    again = run_month(None, "february", app=app)
    assert again["messages_sent"] == 0  # a permanent refusal waits for a deliberate resend
    released = release(app, [row["idempotency_key"][:10]], failed=False)
    assert released.months == {"2027-02"}
    resent = run_month(None, "february", app=app)
    assert resent["messages_sent"] == 1 and [to for to, _ in transport.sent].count(refused) == 1


def test_release_names_what_it_cannot_find(district):
    app, _ = memory_app(district, date(2027, 2, 1))
    with pytest.raises(ConfigurationError, match="'nope': no such message"):
        release(app, ["nope"], failed=False)
