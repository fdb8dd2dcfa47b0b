"""Every communication the checklist names reaches its recipients: a memo per person with the facts
the district's data holds, listed in the owner's digest; the shipped checklist, walked over a whole
year, leaves nobody it names without something."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from examdesk.adapters.ledger.schema import message_documents, messages
from examdesk.domain.calendar import SchoolYear, parse_month
from fakes import ledger_messages, memory_app
from helpers import run_month

pytestmark = pytest.mark.slow  # whole months through the services

REPO = Path(__file__).resolve().parents[2]


def staff_rows(data: Path) -> list[dict]:
    with (data / "staff.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def body(message) -> str:
    return message.get_body(("plain",)).get_content()


def test_every_task_that_names_recipients_reaches_each_of_them_over_the_year(district, tmp_path):
    """The checklist audit: a task naming a role whose people would receive nothing fails here."""
    from examdesk.bootstrap import load_checklist
    from examdesk.settings import load_settings

    settings = load_settings(district)
    checklist = load_checklist(settings, settings.school_year("2026-27"))
    roles = {f"staff:{s['staff_id']}": s["role"] for s in staff_rows(tmp_path / "data")}
    app, _ = memory_app(district, date(2026, 7, 1))
    for month in SchoolYear(2026).months():  # each month as of its first day, as scheduled
        app.today = month.first_day
        run_month(None, month.key, app=app)
    reached: dict[str, set[str]] = {}
    q = (
        select(messages.c.recipient_key, message_documents.c.task_id)
        .join(message_documents, message_documents.c.message_id == messages.c.id)
        .where(messages.c.state == "sent", messages.c.kind.in_(["documents", "memo"]))
    )
    with app.ledger.engine.connect() as connection:
        for key, task_id in connection.execute(q):
            role = roles.get(key) or ("guardians" if key.startswith(("guardian:", "student:")) else key)
            reached.setdefault(task_id, set()).add(role)
    silent = [
        (task.id, role)
        for task in checklist
        for role in task.recipients
        if role not in reached.get(task.id, set()) and not (role == "guardians" and task.id in reached)
    ]
    assert silent == []
    assert sum(1 for t in checklist if t.sends_memo) >= 48  # the communications the audit found silent


def test_january_memos_carry_each_sites_own_facts_and_the_owner_is_told_who_got_them(district, tmp_path):
    staff = staff_rows(tmp_path / "data")
    lin = next(s for s in staff if s["role"] == "site_coordinator" and s["site_id"] == "LIN")
    with (tmp_path / "data" / "sessions.csv").open(encoding="utf-8") as fh:
        sessions = list(csv.DictReader(fh))
    app, transport = memory_app(district, date(2027, 1, 4))
    run_month(None, "january", app=app)
    memos = {m["Subject"]: body(m) for m in transport.to(lin["email"]) if not list(m.iter_attachments())}
    schedule = next(text for subject, text in memos.items() if "session schedule" in subject)
    assert "Lincoln Elementary School: testing from April 12, 2027 to May 21, 2027" in schedule
    assert all(s["room"] in schedule for s in sessions if s["site_id"] == "LIN" and s["room"])
    assert "Roosevelt" not in schedule and "Vista" not in schedule  # their own site only
    downtimes = next(text for subject, text in memos.items() if "downtimes" in subject)
    assert "January 8, 2027 to January 10, 2027: TOMS and the test delivery system: winter maintenance" in downtimes
    note = next(text for subject, text in memos.items() if "Practice or Training Tests" in subject)
    assert "concerns you as site test coordinator" in note

    [digest] = [m for m in transport.to(app.organisation.coordinator_email) if "tasks" in m["Subject"]]
    text = body(digest)
    assert f"memo to {lin['first_name']} {lin['last_name']}" in text or lin["first_name"] in text
    assert "[caaspp-jan-05]" in text and "(site test coordinators)" in text

    # the same month again sends no memo twice; February sends February's, and the downtimes again
    count = len(transport.sent)
    assert run_month(None, "january", app=app)["messages_sent"] == 0 and len(transport.sent) == count
    app.today = date(2027, 2, 1)
    run_month(None, "february", app=app)
    february = [m["Subject"] for m in transport.to(lin["email"])[len(memos) + 1 :]]
    assert any("downtimes" in s for s in february)  # a monthly memo
    assert not any("Regularly communicate" in s for s in february)  # an ongoing memo goes once a year
    digest = next(m for m in transport.to(app.organisation.coordinator_email)[::-1] if "tasks" in m["Subject"])
    assert "earlier this school year" in body(digest)


def test_august_tells_each_site_coordinator_their_own_deadlines_and_families_timeline(district, tmp_path):
    staff = staff_rows(tmp_path / "data")
    rms = next(s for s in staff if s["role"] == "site_coordinator" and s["site_id"] == "RMS")
    principal = next(s for s in staff if s["role"] == "principal")
    app, transport = memory_app(district, date(2026, 8, 3))
    run_month(None, "august", app=app)
    deadlines = next(body(m) for m in transport.to(rms["email"]) if "local deadlines" in m["Subject"])
    # RMS's window ends May 28 (LIN's May 21): their own date, and what they do every testing day
    assert (
        "Day of the final unit: stop test sessions (all students Completed or Marked Complete)\n      due May 28, 2027"
        in deadlines
    )
    assert "And on every day of testing (April 19, 2027 to May 28, 2027)" in deadlines
    timeline = next(body(m) for m in transport.to(principal["email"]) if "score reports" in m["Subject"])
    assert "The results have not arrived yet" in timeline  # they arrive on May 24, 2027: nothing before
    assert "Spanish" in timeline and "Vietnamese" in timeline

    ledger = ledger_messages(app)
    assert {m["kind"] for m in ledger} >= {"memo", "digest"}
    assert parse_month("august", SchoolYear(2026)).key == "2026-08"
