"""The demo's spring worked day by day (the day flow's steps, without Prefect): every event acted on
the working day it happens and never before, nothing sent twice, changed documents sent again as
labelled new versions."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from examdesk.services.tracking.returns import return_rows
from examdesk.services.tracking.status import status_rows
from fakes import memory_app
from helpers import attachments, docx_text, run_day, run_month

pytestmark = pytest.mark.slow  # a whole spring through the services

FMT = "%m/%d/%Y"  # forms.date_format in the demo
# documents that follow an event: sent once, whichever month's run comes first
EVENT_PREFIXES = ("irregularity-report_", "custody-reconciliation_", "materials-report_", "post-test-cert", "results")


def rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def spring(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def test_a_spring_day_by_day_acts_on_each_event_the_day_it_happens_and_sends_nothing_twice(district, tmp_path):
    data = tmp_path / "data"
    incidents = rows(data / "incidents.csv")
    windows = {w["site_id"]: date.fromisoformat(w["end_date"]) for w in rows(data / "testing_windows.csv")}
    received = {date.fromisoformat(r["received_date"]) for r in rows(data / "results.csv")}
    app, transport = memory_app(district, date(2027, 4, 12))
    first_sent: dict[tuple[str, str], tuple[date, bytes]] = {}
    monthly: set[tuple[str, str, int]] = set()  # the site student list goes out once in each testing month
    notices: list[tuple[date, str]] = []
    for day in spring(date(2027, 4, 12), date(2027, 6, 11)):
        before = len(transport.sent)
        run_day(app, day)
        for to, msg in transport.sent[before:]:
            assert app.calendar.is_working_day(day), f"{to} was sent something on {day}, not a working day"
            if "due today" in msg["Subject"]:
                notices.append((day, msg.get_body(("plain",)).get_content()))
            if ": reminder," in msg["Subject"]:
                continue  # a reminder carries the overdue documents again, on purpose
            for name, content in attachments(msg):
                assert (to, name, day.month) not in monthly, f"{name} sent to {to} twice"
                monthly.add((to, name, day.month))
                event_document = name.startswith(EVENT_PREFIXES)
                assert not (event_document and (to, name) in first_sent), f"{name} sent to {to} in two months"
                first_sent.setdefault((to, name), (day, content))

    def sent(prefix: str) -> dict[str, date]:
        return {name: day for (_, name), (day, _) in first_sent.items() if name.startswith(prefix)}

    # each incident reported on the day it happened, due 24 hours later (CAASPP's rule: the next day here)
    reports = sent("irregularity-report_")
    assert reports == {
        f"irregularity-report_{i['incident_id']}.pdf": date.fromisoformat(i["incident_date"]) for i in incidents
    }
    for (_, name), (day, content) in first_sent.items():
        if name.startswith("irregularity-report_"):
            fields = {k: v.get("/V") for k, v in PdfReader(io.BytesIO(content)).get_fields().items()}
            assert fields["report_due"] == (day + timedelta(days=1)).strftime(FMT)
    # each site reconciled and certified on the day its own window ended, not before
    for prefix, suffix in (("custody-reconciliation_", ".docx"), ("post-test-certification_", ".pdf")):
        assert sent(prefix) == {f"{prefix}{site}{suffix}": end for site, end in windows.items()}
    assert set(sent("materials-report_").values()) <= set(windows.values())
    # result letters the day the results arrived (the file's received date), all of them at once
    [arrival] = received
    letters = sent("results_")
    assert len(letters) > 250 and set(letters.values()) == {arrival}
    assert sent("results-held_") == {"results-held_2026-27.xlsx": arrival}  # adults without an address
    status = {r["task_id"]: r for r in status_rows(app, date(2027, 6, 11))}
    assert status["caaspp-jun-02"]["due"] == app.calendar.add_working_days(arrival, 20).isoformat() == "2027-06-23"
    assert status["caaspp-jun-02"]["status"] == "done"
    # owners are told of dated tasks due today; tasks with no date ("during testing") never are
    assert notices and all("Lock all units" not in body for _, body in notices)
    assert any(day == windows["LIN"] and "Day of the final unit" in body for day, body in notices)

    # the same day again, and the month run after its days: nothing more goes out
    count = len(transport.sent)
    again = run_day(app, date(2027, 5, 24))
    assert again["documents_rendered"] == 0 and again["messages_sent"] == 0
    june = run_month(None, "june", app=app)
    assert june["documents_rendered"] == 0 and june["messages_sent"] == 0
    assert len(transport.sent) == count


def test_nothing_is_generated_for_an_event_that_has_not_happened(district):
    app, transport = memory_app(district, date(2027, 4, 12))
    summary = run_day(app, date(2027, 4, 12))  # the first day of LIN's window: no incident yet
    names = [n for _, msg in transport.sent for n, _ in attachments(msg)]
    assert not [n for n in names if n.startswith(("irregularity-report_", "results_", "custody-reconciliation_"))]
    assert any("reported on their day" in n for n in summary["notes"])
    assert run_day(app, date(2027, 4, 17)) == {"skipped": True}  # a Saturday


def test_a_reconciliation_after_more_returns_is_sent_again_as_a_labelled_new_version(district, tmp_path):
    data = tmp_path / "data"
    app, transport = memory_app(district, date(2027, 5, 21))
    run_day(app, date(2027, 5, 21))  # LIN's window ends: reconciled from today's returns
    coordinator = next(s for s in rows(data / "staff.csv") if s["role"] == "site_coordinator" and s["site_id"] == "LIN")
    [first] = [
        c
        for m in transport.to(coordinator["email"])
        for n, c in attachments(m)
        if n == "custody-reconciliation_LIN.docx"
    ]

    # the missing LIN items come back after the window closed
    returned = {r["security_number"] for r in rows(data / "returns.csv")}
    missing = [
        m
        for m in rows(data / "materials.csv")
        if m["site_id"] == "LIN" and m["session_id"] and m["security_number"] not in returned
    ]
    assert missing and all(m["security_number"] in docx_text(first) for m in missing)
    with (data / "returns.csv").open("a", encoding="utf-8", newline="") as fh:
        header = list(rows(data / "returns.csv")[0])
        writer = csv.DictWriter(fh, fieldnames=header)
        for m in missing:
            writer.writerow(
                {k: "" for k in header}
                | {
                    "security_number": m["security_number"],
                    "site_id": "LIN",
                    "quantity_returned": m["quantity"],
                    "time_returned": "15:30",
                    "disposition": "returned",
                }
            )

    before = len(transport.sent)
    run_day(app, date(2027, 5, 24))
    [update] = [m for to, m in transport.sent[before:] if to == coordinator["email"]]
    names = {n: c for n, c in attachments(update)}
    assert "custody-reconciliation_LIN_v2.docx" in names and "post-test-certification_LIN_v2.pdf" in names
    assert "Updated:" in update["Subject"]
    body = update.get_body(("plain",)).get_content()
    assert "version 2, replaces the one sent on May 21, 2027" in body
    text = docx_text(names["custody-reconciliation_LIN_v2.docx"])
    assert "version 2, replaces the one sent on May 21, 2027" in text
    assert not any(m["security_number"] in text for m in missing)
    certification = PdfReader(io.BytesIO(names["post-test-certification_LIN_v2.pdf"])).get_fields()
    issued = [m for m in rows(data / "materials.csv") if m["site_id"] == "LIN" and m["session_id"]]
    assert certification["materials_returned"]["/V"] == str(len(issued))  # every item is back now

    # only the new certification is expected back; the next day sends nothing for LIN
    lin = [r for r in return_rows(app) if r.site_id == "LIN" and r.task_id == "parcc-after-08"]
    assert len(lin) == 1 and lin[0].title.endswith("(version 2, replaces the one sent on May 21, 2027)")
    before = len(transport.sent)
    run_day(app, date(2027, 5, 25))
    assert not [m for to, m in transport.sent[before:] if to == coordinator["email"] and attachments(m)]
