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
from examdesk.cli.common import out as console
from examdesk.services.tracking.acks import import_returns, import_sheet
from examdesk.services.tracking.reminders import send_reminders
from examdesk.services.tracking.returns import return_rows, returns_by_task
from examdesk.services.tracking.tracker import write_tracker
from examdesk.settings import load_settings
from helpers import attachments, docx_text, read_outbox, run_month

pytestmark = pytest.mark.slow  # whole months through the services, real servers or processes


REPO = Path(__file__).resolve().parents[2]
SIGNERS = ("site_coordinator", "technology_coordinator", "test_administrator", "proctor")


def staff_rows(tmp_path: Path) -> list[dict]:
    with (tmp_path / "data" / "staff.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


SITE_DUE = {  # two weeks before each site's own window; LIN's falls on the first day of spring break
    "LIN": date(2027, 3, 26),
    "RMS": date(2027, 4, 5),
    "VHS": date(2027, 4, 12),
    "": date(2027, 3, 26),  # district staff: the district's earliest window
}
SPRING_BREAK = date(2027, 3, 29)
AFTER_BREAK = date(2027, 4, 5)


def test_each_signed_document_says_by_when_and_to_whom_in_the_document_and_its_email(district, tmp_path):
    staff = staff_rows(tmp_path)
    signers = {s["email"]: s for s in staff if s["role"] in SIGNERS}
    run_month(district, "march", today=date(2027, 3, 1))
    app = build_app(district)
    route, fmt = app.return_route, app.date_formatter("en")
    rows = {r.email: r for r in return_rows(app)}
    assert set(rows) == set(signers)
    for email_address, person in signers.items():
        assert rows[email_address].due == SITE_DUE[person["site_id"]]
    outbox = load_settings(district).output_dir
    checked = 0
    for msg in read_outbox(outbox, "2027-03"):
        person = signers.get(msg["To"].addresses[0].addr_spec)
        files = dict(attachments(msg))
        if person is None or f"security-agreement-form_{person['staff_id']}.pdf" not in files:
            continue  # someone else, or the person's checklist digest
        due = fmt(SITE_DUE[person["site_id"]])
        body = " ".join(msg.get_body(("plain",)).get_content().split())
        assert f"return it by {due} to {route.name}, by email to {route.email}" in body
        agreement = " ".join(docx_text(files[f"security-agreement_{person['staff_id']}.docx"]).split())
        assert f"by {due} to {route.name}, by email to {route.email}" in agreement
        form = PdfReader(io.BytesIO(files[f"security-agreement-form_{person['staff_id']}.pdf"])).get_fields()
        assert form["return_to"]["/V"] == f"{route.name} <{route.email}>"
        assert form["return_by"]["/V"] == SITE_DUE[person["site_id"]].strftime("%m/%d/%Y")
        checked += 1
    assert checked == len(signers)


def test_reminders_and_completion_move_across_runs(district, tmp_path):
    staff = staff_rows(tmp_path)
    signers = {s["email"]: s for s in staff if s["role"] in SIGNERS}
    coordinators = {s["site_id"]: s for s in staff if s["role"] == "site_coordinator"}
    run_month(district, "march", today=date(2027, 3, 1))
    app = build_app(district)
    route, fmt = app.return_route, app.date_formatter("en")
    lin = {e for e, s in signers.items() if s["site_id"] in ("LIN", "")}

    # nothing is overdue on the due date itself, and nobody is reminded during spring break
    for day in (SITE_DUE["LIN"], SPRING_BREAK, SPRING_BREAK + timedelta(days=4)):
        result, plan = send_reminders(app, day)
        assert not plan.people and result.states["sent"] == 0, day

    # the first working day after the break: Lincoln's staff are overdue, the others are not yet
    result, plan = send_reminders(app, AFTER_BREAK)
    assert {rows[0].email for rows in plan.people.values()} == lin
    assert set(plan.sites) == {"LIN"}
    assert result.states["sent"] == len(lin) + 1  # and Lincoln's site coordinator
    outbox = load_settings(district).output_dir
    reminders = [m for m in read_outbox(outbox, "2027-04") if m["Subject"].endswith("to return")]
    assert len(reminders) == len(lin)
    for msg in reminders:
        person = signers[msg["To"].addresses[0].addr_spec]
        files = attachments(msg)
        assert [name for name, _ in files] == [f"security-agreement-form_{person['staff_id']}.pdf"]
        form = PdfReader(io.BytesIO(files[0][1])).get_fields()
        assert form["last_name"]["/V"] == person["last_name"]
        body = " ".join(msg.get_body(("plain",)).get_content().split())
        assert f"due {fmt(SITE_DUE['LIN'])}" in body  # the same date and person as the agreement said
        assert f"return it to {route.name}, by email to {route.email}" in body
    digests = [m for m in read_outbox(outbox, "2027-04") if "overdue signed documents at your site" in m["Subject"]]
    assert [m["To"].addresses[0].addr_spec for m in digests] == [coordinators["LIN"]["email"]]
    body = " ".join(digests[0].get_body(("plain",)).get_content().split())
    assert all(e in body for e in lin if signers[e]["site_id"]) and not [e for e in set(signers) - lin if e in body]
    assert f"{route.name}, by email to {route.email}" in body and fmt(SITE_DUE["LIN"]) in body

    # signed copies come back; the next day nobody reminded yesterday is reminded again (the interval
    # is 7 days), but Roosevelt's staff, due yesterday, now are
    returned = tmp_path / "returned"
    shutil.copytree(REPO / "demo" / "returned", returned)
    import_returns(app, [returned])
    counts = {r["task_id"]: r for r in returns_by_task(return_rows(app), AFTER_BREAK)}["parcc-before-14"]
    assert (counts["complete"], counts["incomplete"]) == (3, 1)
    done = {r.email for r in return_rows(app) if r.status == "complete"}
    result, plan = send_reminders(app, AFTER_BREAK + timedelta(days=1))
    rms = {e for e, s in signers.items() if s["site_id"] == "RMS"}
    assert {rows[0].email for rows in plan.people.values()} == rms - done
    assert set(plan.sites) == {"RMS"}

    # a week on, every site's date has passed: all still outstanding or incomplete hear from us
    week_later = AFTER_BREAK + timedelta(days=8)
    result, plan = send_reminders(app, week_later)
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


def test_status_and_tracker_say_how_many_came_back_per_site_date_and_what_is_missing(district, tmp_path, monkeypatch):
    monkeypatch.setattr(console, "width", 250)  # the status table, as on a wide terminal
    signers = [s for s in staff_rows(tmp_path) if s["role"] in SIGNERS]
    run_month(district, "march", today=date(2027, 3, 1))
    runner = CliRunner()
    returned = tmp_path / "returned"
    shutil.copytree(REPO / "demo" / "returned", returned)
    imported = runner.invoke(cli, ["ack", "import", str(returned), "--config", str(district)], terminal_width=250)
    assert imported.exit_code == 0, imported.output
    assert "tracker: " in imported.output  # the workbook is rewritten after every change to the ledger

    # the tracker written by `ack import` already holds the returns (no month run since)
    app = build_app(district, "2026-27", date(2027, 3, 2))
    workbook = load_workbook(app.settings.output_dir / "2026-27" / "tracker.xlsx")
    header, *rows = list(workbook["Checklist"].iter_rows(values_only=True))
    line = dict(zip(header, next(r for r in rows if r[0] == "parcc-before-14"), strict=True))
    assert line["Status"] == f"sent, 3 of {len(signers)} back, 1 incomplete"
    assert (line["Signed returns expected"], line["Returned complete"], line["Returned incomplete"]) == (
        len(signers),
        3,
        1,
    )
    assert line["Documents sent"] == 2 * len(signers) + 3  # agreement + form each, and three site lists
    assert line["Due by site"] == "LIN 2027-03-26 · RMS 2027-04-05 · VHS 2027-04-12"
    header, *rows = list(workbook["Returns"].iter_rows(values_only=True))
    incomplete = [dict(zip(header, r, strict=True)) for r in rows if r[header.index("Status")] == "incomplete"]
    assert [r["Missing"] for r in incomplete] == ["date, the agreement box"]

    shown = runner.invoke(
        cli, ["status", "march", "--config", str(district), "--today", "2027-04-06"], terminal_width=250
    )
    assert shown.exit_code == 0, shown.output
    overdue = sum(1 for r in return_rows(app) if r.status != "complete" and r.due < date(2027, 4, 6))
    assert f"sent, 3 of {len(signers)} back, 1 incomplete, {overdue} overdue" in shown.output
    assert "LIN 2027-03-26" in shown.output and "VHS 2027-04-12" in shown.output
    assert "messages sent" in shown.output and "documents sent" in shown.output
    assert "awaiting signed returns" in shown.output

    # nobody is reminded during spring break, and the command says why
    quiet = runner.invoke(cli, ["remind", "--config", str(district), "--today", "2027-03-30"])
    assert quiet.exit_code == 0 and "2027-03-30 is not a working day" in " ".join(quiet.output.split())

    # the incomplete one is told what is missing, in the reminder as in the status
    result, _ = send_reminders(app, date(2027, 4, 6))
    assert result.states["sent"] > 0
    bodies = [m.get_body(("plain",)).get_content() for m in read_outbox(app.settings.output_dir, "2027-04")]
    assert any("missing: date, the agreement box" in " ".join(b.split()) for b in bodies)
