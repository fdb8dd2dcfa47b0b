"""Completion tracking and reminders across runs: who must return what, what came back, who is reminded."""

from __future__ import annotations

import csv
import io
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from typer.testing import CliRunner

from examdesk.bootstrap import build_app
from examdesk.cli import app as cli
from examdesk.services.tracking.acks import import_returns, import_sheet
from examdesk.services.tracking.reminders import send_reminders
from examdesk.services.tracking.returns import return_rows, returns_by_task
from examdesk.services.tracking.tracker import write_tracker
from examdesk.settings import load_settings
from helpers import attachments, read_outbox, run_month

pytestmark = pytest.mark.slow  # whole months through the services, real servers or processes


REPO = Path(__file__).resolve().parents[2]
SIGNERS = ("site_coordinator", "technology_coordinator", "test_administrator", "proctor")


def staff_rows(tmp_path: Path) -> list[dict]:
    with (tmp_path / "data" / "staff.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_reminders_and_completion_move_across_runs(district, tmp_path):
    staff = staff_rows(tmp_path)
    signers = {s["email"]: s for s in staff if s["role"] in SIGNERS}
    coordinators = {s["site_id"]: s for s in staff if s["role"] == "site_coordinator"}
    run_month(district, "march", today=date(2027, 3, 1))
    app = build_app(district)
    rows = return_rows(app)
    assert {r.email for r in rows} == set(signers) and all(r.delivered and r.status == "outstanding" for r in rows)
    due = rows[0].due
    assert all(r.due == due for r in rows) and due == date(2027, 3, 29)  # two weeks before the window

    # nothing is overdue on the due date itself
    result, plan = send_reminders(app, due)
    assert not plan.people and result.states["sent"] == 0

    first_day = due + timedelta(days=1)
    result, plan = send_reminders(app, first_day)
    assert set(plan.people) == {f"staff:{s['staff_id']}" for s in signers.values()}
    assert result.states["sent"] == len(signers) + len(coordinators)
    outbox = load_settings(district).output_dir
    reminders = [m for m in read_outbox(outbox, "2027-03") if m["Subject"].endswith("to return")]
    assert len(reminders) == len(signers)
    for msg in reminders:
        person = signers[msg["To"].addresses[0].addr_spec]
        files = attachments(msg)
        assert [name for name, _ in files] == [f"security-agreement-form_{person['staff_id']}.pdf"]
        form = PdfReader(io.BytesIO(files[0][1])).get_fields()
        assert form["last_name"]["/V"] == person["last_name"]
    digests = [m for m in read_outbox(outbox, "2027-03") if "overdue signed documents at your site" in m["Subject"]]
    assert len(digests) == len(coordinators)
    for msg in digests:
        site = next(s for s, c in coordinators.items() if c["email"] == msg["To"].addresses[0].addr_spec)
        body = msg.get_body(("plain",)).get_content()
        at_site = [s for s in signers.values() if s["site_id"] == site]
        assert all(s["email"] in body for s in at_site)
        assert not [s for s in signers.values() if s["site_id"] != site and s["email"] in body]

    # three signed copies come back; the next day nobody is reminded again (the interval is 7 days)
    returned = tmp_path / "returned"
    shutil.copytree(REPO / "demo" / "returned", returned)
    import_returns(app, [returned])
    counts = {r["task_id"]: r for r in returns_by_task(return_rows(app), first_day)}["parcc-before-14"]
    assert (counts["complete"], counts["incomplete"]) == (3, 1)
    result, plan = send_reminders(app, first_day + timedelta(days=1))
    assert not plan.people and not plan.sites and result.states["sent"] == 0

    # a week later only those still outstanding or incomplete hear from us
    week_later = first_day + timedelta(days=7)
    result, plan = send_reminders(app, week_later)
    done = {r.email for r in return_rows(app) if r.status == "complete"}
    assert len(done) == 3
    reminded = {rows[0].email for rows in plan.people.values()}
    assert reminded == set(signers) - done
    assert result.states["sent"] == len(reminded) + len(coordinators)

    tracker = load_workbook(write_tracker(app, week_later))
    assert {"Returns by site", "Returns", "Recipients"} <= set(tracker.sheetnames)
    by_site = {row[0]: row for row in tracker["Returns by site"].iter_rows(min_row=2, values_only=True)}
    for site in coordinators:
        expected = sum(1 for s in signers.values() if s["site_id"] == site)
        received = sum(1 for e in done if signers[e]["site_id"] == site)
        assert by_site[site][1] == expected and by_site[site][2] == received


def test_status_sheet_import_and_marking_by_hand(district, tmp_path):
    staff = staff_rows(tmp_path)
    signers = [s for s in staff if s["role"] in SIGNERS]
    run_month(district, "march", today=date(2027, 3, 1))
    app = build_app(district)
    sheet = tmp_path / "security-forms-status.csv"
    with sheet.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Name", "Email", "Status"])
        w.writerow([signers[0]["first_name"], signers[0]["email"], "Signed"])
        w.writerow([signers[1]["first_name"], signers[1]["email"], "Not signed"])
        w.writerow([signers[2]["first_name"], signers[2]["email"], "Lost in the mail"])  # row 4: unknown status
        w.writerow(["Nobody", "nobody@example.org", "Signed"])  # row 5: never sent one
        w.writerow([signers[3]["first_name"], signers[3]["email"], "incomplete"])
    result = import_sheet(app, sheet, "parcc-before-14")
    assert result.recorded == {"complete": 1, "incomplete": 1} and result.left_open == 1
    assert result.problems == [
        "security-forms-status.csv, row 4, column 'Status': unknown status 'lost in the mail'",
        "security-forms-status.csv, row 5, column 'Email': no document of task parcc-before-14 to return "
        "was sent to 'nobody@example.org'",
    ]
    runner = CliRunner()
    marked = runner.invoke(cli, ["ack", "mark", "parcc-before-14", signers[4]["email"], "--config", str(district)])
    assert marked.exit_code == 0, marked.output
    unknown = runner.invoke(cli, ["ack", "mark", "parcc-before-14", "nobody@example.org", "--config", str(district)])
    assert unknown.exit_code == 2 and "no document of task parcc-before-14" in unknown.output
    statuses = {r.email: r.status for r in return_rows(app)}
    assert statuses[signers[0]["email"]] == "complete" and statuses[signers[4]["email"]] == "complete"
    assert statuses[signers[3]["email"]] == "incomplete" and statuses[signers[1]["email"]] == "outstanding"

    site = signers[1]["site_id"]
    shown = runner.invoke(
        cli, ["status", "--site", site, "--config", str(district), "--today", "2027-04-05"], terminal_width=250
    )
    assert shown.exit_code == 0, shown.output
    assert signers[1]["email"] in shown.output and "overdue" in shown.output
    others = [s for s in signers if s["site_id"] not in (site, "")]
    assert all(s["email"] not in shown.output for s in others)
