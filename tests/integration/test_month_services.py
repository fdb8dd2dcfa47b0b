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
from helpers import attachments, docx_text, run_month, student_in, students_by_document


def guardians(data_dir) -> dict[str, set[str]]:
    """Primary guardian email -> the students they receive letters for."""
    children: dict[str, set[str]] = {}
    with (data_dir / "guardians.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["primary_contact"] == "Y":
                children.setdefault(r["email"], set()).add(r["student_id"])
    return children


@pytest.mark.slow
def test_february_sends_each_family_its_own_letters_once(district, tmp_path):
    app, transport = memory_app(district, date(2027, 2, 1))
    summary = run_month(None, "february", app=app)
    assert summary["documents_rendered"] == 300 and summary["messages_sent"] == len(transport.sent)
    primary = guardians(tmp_path / "data")
    students = students_by_document(app)
    letters = 0
    for to, msg in transport.sent:
        for name, content in attachments(msg):
            if name.startswith("testing-notice_"):
                letters += 1
                student = student_in(name, students)
                assert student in primary[to]  # only to that student's own guardian
                assert student in docx_text(content)
    assert letters == 300
    again = run_month(None, "february", app=app)
    assert again["messages_sent"] == 0 and again["documents_rendered"] == 0  # nothing is sent twice


def site_coordinators(data_dir) -> dict[str, str]:
    with (data_dir / "staff.csv").open(encoding="utf-8") as fh:
        return {r["site_id"]: r["email"] for r in csv.DictReader(fh) if r["role"] == "site_coordinator"}


def test_a_refused_address_is_failed_for_good_and_not_retried(district, tmp_path):
    refused = site_coordinators(tmp_path / "data")["LIN"]
    app, transport = memory_app(district, date(2027, 1, 4), RecordingTransport(refuse={refused}))
    first = run_month(None, "january", app=app)  # a student list per site, memos and the digests
    rows = [m for m in ledger_messages(app) if m["recipient_email"] == refused]
    assert first["messages_failed_permanent"] == len(rows) and refused not in [to for to, _ in transport.sent]
    assert first["messages_sent"] == len(transport.sent) > 0
    assert all(m["state"] == MessageState.FAILED_PERMANENT and "550" in m["error"] for m in rows)
    [row] = [m for m in rows if m["kind"] == "documents"]
    transport.refuse.clear()
    again = run_month(None, "january", app=app)
    assert again["messages_sent"] == 0  # a permanent refusal waits for a deliberate resend
    released = release(app, [row["idempotency_key"][:10]], failed=False)
    assert released.months == {"2027-01"}
    resent = run_month(None, "january", app=app)
    assert resent["messages_sent"] == 1
    to, message = transport.sent[-1]
    assert to == refused
    assert [name for name, _ in attachments(message)] == ["student-list_LIN_2026-27.xlsx"]


def test_release_names_what_it_cannot_find(district):
    app, _ = memory_app(district, date(2027, 2, 1))
    with pytest.raises(ConfigurationError, match="'nope': no such message"):
        release(app, ["nope"], failed=False)


def test_december_window_notices_reach_each_reader_with_their_own_name(district, tmp_path):
    """A site's principal and coordinator get memos with the same attachment name; each gets their own."""
    with (tmp_path / "data" / "staff.csv").open(encoding="utf-8") as fh:
        staff = {r["email"]: r for r in csv.DictReader(fh)}
    app, transport = memory_app(district, date(2026, 12, 1))
    summary = run_month(None, "december", app=app)
    assert "caaspp-dec-01: 6 testing window notice(s)" in summary["notes"]
    memos = {
        to: docx_text(content)
        for to, msg in transport.sent
        for name, content in attachments(msg)
        if name.startswith("testing-window_")
    }
    assert len(memos) == 6
    for to, text in memos.items():
        person = staff[to]
        assert person["role"] in ("principal", "site_coordinator")
        assert f"To {person['first_name']} {person['last_name']}" in text
        assert app.site_name(person["site_id"]) in text
        others = {app.site_name(s.id) for s in app.settings.sites} - {app.site_name(person["site_id"])}
        assert not [o for o in others if o in text]
