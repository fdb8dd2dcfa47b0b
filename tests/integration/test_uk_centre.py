"""The UK demo exam centre (JCQ): its series' rule findings, and the documents of its year opened and
read: statements of entry, exam timetables, room packs, invigilator duties, results under embargo."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from examdesk.bootstrap import build_app
from examdesk.domain.centre_checks import CLASH, LATE_ENTRY, RATIO, check_series
from examdesk.domain.centre_plan import SeriesPlan
from examdesk.domain.centre_timetable import centre_timetable, needs
from examdesk.domain.rota import INVIGILATOR, build_rota
from examdesk.domain.seating import seat_series
from examdesk.services.data import load_district
from fakes import RecordingTransport
from helpers import attachments, docx_text, run_month


def app_at(config: Path, moment: date | datetime):
    transport = RecordingTransport()
    return build_app(config, "2026-27", moment, ledger_url="sqlite://", transport=transport), transport


def students(config: Path) -> dict[str, dict]:
    with (config.parent.parent / "data" / "students.csv").open(encoding="utf-8") as handle:
        return {r["candidate_number"]: r for r in csv.DictReader(handle)}


def docs(transport: RecordingTransport, prefix: str) -> list[tuple[str, str, bytes]]:
    return [(to, name, body) for to, m in transport.sent for name, body in attachments(m) if name.startswith(prefix)]


def as_text(body: str | bytes) -> str:
    return body.decode() if isinstance(body, bytes) else body


def test_the_demo_series_breaks_the_rules_it_was_made_to_break(centre):
    """Three candidates with Computer Science and Religious Studies in one morning, one late entry,
    one room short of invigilators: found and named; every reader or scribe has a room and an invigilator."""
    app, _ = app_at(centre, date(2027, 3, 1))
    data, report = load_district(app.settings, app.school_year)
    assert report.problems == []
    timetable = centre_timetable(data, app.calendar, app.centre_rules.session_starts)
    seating = seat_series(timetable, data.series.rooms)
    rota = build_rota(seating, data.staff_with_role(INVIGILATOR), data.series.available, app.centre_rules)
    plan = SeriesPlan(timetable, seating, rota, check_series(data, timetable, seating, rota, app.centre_rules))
    rules = sorted(f.rule for f in plan.findings)
    assert rules == sorted([CLASH, CLASH, CLASH, LATE_ENTRY, RATIO])
    clash = next(f for f in plan.findings if f.rule == CLASH)
    assert clash.session == "2027-05-18 AM" and "J277/01" in clash.detail
    assert "moved to 2027-05-18 PM 13:30" in clash.detail
    late = next(f for f in plan.findings if f.rule == LATE_ENTRY)
    assert "entered 2027-03-04" in late.detail and "late fee £" in late.detail
    short = next(f for f in plan.findings if f.rule == RATIO)
    assert short.session == "2027-05-10 AM"
    assert plan.seating.unseated == []
    for room in plan.seating.rooms:
        for seated in room.seated:
            kind = needs(seated.paper.student)
            assert room.room.kind == kind, (seated.paper.student.candidate_number, room.room.name)
    one_to_one = [r for r in plan.seating.rooms if r.room.kind == "separate"]
    assert one_to_one and all(len(r.seated) == 1 and plan.rota.in_room(r) for r in one_to_one)
    staffed = {(d.person.staff_id, d.room.day, d.room.session) for d in plan.rota.duties}
    assert len(staffed) == len(plan.rota.duties)  # no one in two rooms at once
    assert staffed <= data.series.available  # no one rostered when unavailable


def test_march_statements_of_entry_carry_the_candidate_s_own_papers_with_extra_time(centre):
    app, transport = app_at(centre, date(2027, 3, 1))
    summary = run_month(None, "march", app=app)
    assert summary["documents_failed"] == 0
    people = students(centre)
    statements = docs(transport, "statement-of-entry_")
    assert len(statements) == 600  # 300 candidates and a copy to each one's primary parent/carer
    reader = people["1004"]  # 25% extra time; Reader
    mine = [(to, body) for to, name, body in statements if to == reader["student_email"]]
    assert len(mine) == 1
    text = docx_text(mine[0][1])
    assert f"{reader['first_name']} {reader['last_name']}" in text
    assert "candidate number 1004" in text and reader["uci"] in text and "centre number 14725" in text
    assert "25% extra time; Reader" in text
    assert "1h 52m" in text  # a 90-minute paper with 25% extra time
    assert "sign this statement off, by" in text
    for other in ("1001", "1002", "5001"):  # nobody else's number or UCI
        assert people[other]["uci"] not in text
    clashed = people["1013"]
    text = docx_text(next(body for to, _, body in statements if to == clashed["student_email"]))
    assert "moved from 18 May 2027 09:00 (clash)" in text
    [(_, _, clash_report)] = docs(transport, "clash-report_")
    report = docx_text(clash_report)
    assert report.count("J277/01 18 May 2027 09:00–10:30") == 3 and "move J625/01 to 18 May 2027 PM (13:30)" in report
    assert "1013" in report and "supervised from the end of the first paper" in report
    series = docs(transport, "series-check_")
    assert {to for to, _, _ in series} == {"exams@harrowvale.example.org", "senco@harrowvale.example.org"}
    sheet = load_workbook(io.BytesIO(series[0][2])).active
    found = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert found.count("clash") == 3 and found.count("late entry") == 1 and found.count("invigilator ratio") == 1


def test_may_room_packs_seat_each_candidate_where_their_timetable_says(centre):
    app, transport = app_at(centre, date(2027, 4, 12))
    run_month(None, "april", app=app)
    timetables = {to: body for to, name, body in docs(transport, "exam-timetable_")}
    duties = docs(transport, "invigilation-duties_")
    assert duties and all(to.endswith("@example.org") for to, _, _ in duties)
    app, transport = app_at(centre, date(2027, 5, 4))
    run_month(None, "may", app=app)
    plans = {name: body for _, name, body in docs(transport, "seating-plan_")}
    registers = {name: body for _, name, body in docs(transport, "register_")}
    notices = docs(transport, "door-notice_")
    assert plans and len(plans) == len(registers) == len(notices)
    hall = docx_text(plans["seating-plan_2027-05-17_AM_HALL.docx"])
    assert "Seating plan: Main Hall" in hall and "8300/1" in hall
    first = students(centre)["1002"]  # the lowest candidate number in the hall that morning: the front seat
    assert "A1: 1002 8300/1F" in hall
    mine = Document(io.BytesIO(timetables[first["student_email"]])).tables[0]
    [row] = [[c.text for c in r.cells] for r in mine.rows if r.cells[4].text == "8300/1F"]
    assert row[6:] == ["Main Hall", "A1"] and row[2:4] == ["09:00", "10:30"]  # the same seat; no extra time
    reader = students(centre)["1004"]
    timetable = docx_text(timetables[reader["student_email"]])
    assert "Room S1 (separate)" in timetable or "Room S2 (separate)" in timetable
    # the register of a separate room holds the reader's candidate alone
    separate = [n for n in registers if "_S" in n and n.startswith("register_2027-05-17_AM")]
    assert separate
    seated = [docx_text(registers[n]) for n in separate]
    assert any("1004" in text for text in seated)
    short = docx_text(plans["seating-plan_2027-05-10_AM_GYM.docx"])
    assert "UNDER-STAFFED" in short


def test_results_are_held_until_the_release_time_and_staff_see_the_summary_first(centre):
    app, transport = app_at(centre, datetime(2027, 8, 19, 7, 30))
    summary = run_month(None, "august", app=app)
    assert docs(transport, "statement-of-results_") == []
    assert docs(transport, "post-results-services_") == []
    summaries = docs(transport, "results-summary_2027-08-19")
    assert {to for to, _, _ in summaries} == {"exams@harrowvale.example.org", "head@harrowvale.example.org"}
    assert any("held until 08:00" in n for n in summary["notes"])
    table = load_workbook(io.BytesIO(summaries[0][2])).active
    assert "restricted to staff until 08:00" in table.oddHeader.center.text  # printed at the top of each page
    lines = {row[2]: row for row in table.iter_rows(values_only=True) if row and row[1] == "GCE A level"}
    assert set(lines) == {"9MA0", "H420", "7405", "7182", "H472"} and all(r[4] > 0 for r in lines.values())

    app.now = datetime(2027, 8, 19, 8, 0)  # the release time: the A-level results go out, GCSE still waits
    run_month(None, "august", app=app)
    released = docs(transport, "statement-of-results_")
    people = students(centre)
    year_13 = {r["student_email"] for r in people.values() if r["grade"] == "13"}
    assert released and {to for to, _, _ in released if "students." in to} == year_13
    text = docx_text(next(body for to, _, body in released if to == people["5001"]["student_email"]))
    assert "Provisional statement of results" in text and "GCE A level" in text and "GCSE" not in text
    with (centre.parent.parent / "data" / "exam_results.csv").open(encoding="utf-8") as handle:
        mine = [r for r in csv.DictReader(handle) if r["student_id"] == people["5001"]["student_id"]]
    assert mine and all(r["specification_code"] in text for r in mine)
    letter = docx_text(
        next(b for to, n, b in docs(transport, "post-results-services_") if to == people["5001"]["student_email"])
    )
    assert "review of marking" in letter and "by 31 August 2027" in letter and "5001" in letter


def test_the_uk_year_runs_month_by_month_without_a_failure(centre):
    sent = {}
    for month, moment in (
        ("september", date(2026, 9, 3)),
        ("february", date(2027, 2, 1)),
        ("march", date(2027, 3, 1)),
        ("april", date(2027, 4, 12)),
        ("may", date(2027, 5, 4)),
        ("june", date(2027, 6, 7)),
        ("august", datetime(2027, 8, 26, 9, 0)),
    ):
        app, transport = app_at(centre, moment)
        summary = run_month(None, month, app=app)
        assert summary.get("documents_failed", 0) == 0, (month, summary)
        sent[month] = len(transport.sent)
    assert sent["march"] > 600 and sent["may"] > 0 and sent["august"] > 600


def test_entries_reports_duties_and_door_notices_say_what_they_should(centre):
    app, transport = app_at(centre, date(2027, 2, 1))
    run_month(None, "february", app=app)
    reports = docs(transport, "entries-and-fees_")
    assert {n for _, n, _ in reports} == {f"entries-and-fees_{b}_2026-27.xlsx" for b in ("AQA", "OCR", "Pearson")}
    assert {to for to, _, _ in reports} == {"exams@harrowvale.example.org", "finance@harrowvale.example.org"}
    ocr = load_workbook(io.BytesIO(next(b for _, n, b in reports if "_OCR_" in n))).active
    rows = list(ocr.iter_rows(min_row=2, values_only=True))
    late = [r for r in rows if r[10] == "LATE"]
    assert len(late) == 1 and late[0][5] == "1121" and late[0][12] == 28.25  # the candidate, the late fee
    assert {r[1] for r in rows} == {"J277", "J625", "H420", "H472"}  # OCR's specifications only

    app, transport = app_at(centre, date(2027, 4, 12))
    run_month(None, "april", app=app)
    name, duty = next((n, b) for _, n, b in docs(transport, "invigilation-duties_"))
    text = docx_text(duty)
    assert "Your invigilation duties" in text and ("Lead invigilator" in text or "Invigilator" in text)
    calendars = [as_text(b) for _, n, b in docs(transport, "invigilation_") if n.endswith(".ics")]
    assert calendars and all("BEGIN:VEVENT" in c and "Invigilation: " in c for c in calendars)
    candidate_calendars = [as_text(b) for _, n, b in docs(transport, "exams_") if n.endswith(".ics")]
    assert len(candidate_calendars) == 600
    assert all("SUMMARY:Mathematics: Paper 1 (non-calculator)" in c for c in candidate_calendars if "8300/1" in c)
    assert all("SUMMARY:" in c and "seat" in c for c in candidate_calendars[:5])

    app, transport = app_at(centre, date(2027, 5, 4))
    run_month(None, "may", app=app)
    notice = next(b for _, n, b in docs(transport, "door-notice_2027-05-17_AM_HALL"))
    text = docx_text(notice)
    assert "EXAMINATION IN PROGRESS" in text and "Main Hall" in text and "17 May 2027 AM" in text
    assert "8300/1" in text and "extra time" not in text  # no one in the hall has it
    gym = docx_text(next(b for _, n, b in docs(transport, "door-notice_2027-05-17_AM_GYM")))
    assert "Candidates with extra time finish later: the last at 11:15" in gym  # 90 minutes + 50% (1078)
    register = docx_text(next(b for _, n, b in docs(transport, "register_2027-05-17_AM_HALL")))
    plan = docx_text(next(b for _, n, b in docs(transport, "seating-plan_2027-05-17_AM_HALL")))
    numbers = {line for line in register.split("\n") if line.isdigit() and len(line) == 4}
    assert numbers and all(n in plan for n in numbers)  # the register lists the plan's candidates


def test_certificates_are_registered_and_each_former_candidate_told_of_their_own(centre):
    app, transport = app_at(centre, date(2026, 11, 16))
    run_month(None, "november", app=app)
    letters = docs(transport, "certificates_")
    with (centre.parent.parent / "data" / "certificates.csv").open(encoding="utf-8") as handle:
        certificates = list(csv.DictReader(handle))
    people = {c["email"]: c for c in certificates}
    assert len(letters) == len({c["candidate_number"] for c in certificates})  # nobody collected yet
    to, name, body = letters[0]
    assert people[to]["candidate_number"] not in name  # the file name carries the document's id
    text = docx_text(body)
    mine = [c for c in certificates if c["email"] == to]
    assert people[to]["first_name"] in text and "June 2026" in text and "photo ID" in text
    assert all(c["board"] in text for c in mine)
    [register] = docs(transport, "certificate-register_")
    sheet = load_workbook(io.BytesIO(register[2])).active
    assert sheet.max_row - 1 == len(certificates)

    app, transport = app_at(centre, date(2027, 3, 1))
    run_month(None, "march", app=app)
    second = docs(transport, "certificates_")
    waiting = {c["email"] for c in certificates if not c["collected_on"]}
    assert {to for to, _, _ in second} == waiting  # only those still waiting are written to again


@pytest.mark.slow
def test_a_candidate_signs_off_their_statement_of_entry_online(centre, monkeypatch):
    import hashlib
    import re

    from fastapi.testclient import TestClient

    from examdesk.services.tracking.returns import return_rows
    from examdesk.web.app import create_web_app

    monkeypatch.setenv("EXAMDESK_WEB__SECRET", "uk-test-secret-" + "y" * 40)
    app, transport = app_at(centre, date(2027, 3, 1))
    run_month(None, "march", app=app)
    app.today = date(2027, 3, 4)
    client = TestClient(
        create_web_app(app, today=lambda: app.today), base_url="http://testserver", follow_redirects=False
    )
    candidate = students(centre)["1004"]
    [message] = transport.to(candidate["student_email"])
    [(_, statement)] = [(n, b) for n, b in attachments(message) if n.startswith("statement-of-entry_")]
    body = message.get_body(("plain",)).get_content()
    url = re.search(r"http://127\.0\.0\.1:8080(/sign/\S+)", body).group(1)
    page = client.get(url)
    assert page.status_code == 200 and "Type your full name to sign" in page.text
    assert "I have checked my statement of entry" in page.text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    name = f"{candidate['first_name']} {candidate['last_name']}"
    signed = client.post(url, data={"typed_name": name, "attest": "yes", "csrf": csrf})
    assert signed.status_code == 303
    with app.unit_of_work() as uow:
        [row] = [
            r for r in uow.documents.expected_returns("2026-27") if r["recipient_email"] == candidate["student_email"]
        ]
        signature = uow.signatures.of_document("2026-27", row["doc_key"])
    assert signature["document_sha256"] == hashlib.sha256(statement).hexdigest()
    assert row["status"] == "complete" and row["ack"]["source"] == "online"
    mine = [r for r in return_rows(app) if r.email == candidate["student_email"]]
    assert [r.status for r in mine] == ["complete"]


def test_validate_lists_each_breach_of_the_jcq_rules_by_candidate_room_and_session(centre):
    from typer.testing import CliRunner

    from examdesk.cli import app as cli

    result = CliRunner(env={"COLUMNS": "240"}).invoke(cli, ["validate", "--config", str(centre)])
    assert result.exit_code == 0, result.output  # findings are the plan's, not errors in the data
    text = result.output
    assert "series check (JCQ rules): 5 finding(s)" in text and "input data: no problems" in text
    lines = [line.strip() for line in text.splitlines()]
    assert (
        "clash: Ivy Murphy (1013) · 2027-05-18 AM: J277/01 09:00–10:30 overlaps J625/01 09:00–10:00; moved to "
        "2027-05-18 PM 13:30, supervised from the end of the first paper until the moved paper starts" in lines
    )
    assert sum(line.startswith("clash: ") for line in lines) == 3
    assert (
        "invigilator ratio: Sports Hall · 2027-05-10 AM: 54 candidates need 3 invigilator(s) at 1 per 24; "
        "1 available" in lines
    )
    assert any(line.startswith("late entry: Amara Singh (1121): ") and "late fee £28.25" in line for line in lines)


def test_the_centre_s_due_dates_skip_bank_holidays_and_half_terms(centre):
    app, _ = app_at(centre, date(2026, 9, 3))
    data, _ = load_district(app.settings, app.school_year)
    due = {task_id: pt.due.day for task_id, pt in app.tasks_of_year(data).items()}
    assert due["uk-apr-02"] == date(2027, 4, 30)  # a week before 10 May is 3 May, the early May bank holiday
    assert due["uk-jan-01"] == date(2027, 1, 29)  # 31 January is a Sunday
    assert due["uk-feb-01"] == date(2027, 2, 12)  # 21 February falls after the spring half term week
    assert due["uk-jun-02"] == date(2027, 7, 2)  # 7 school days after the last paper (23 June)
    assert [m.key for m in app.school_year.months()][-1] == "2027-08"  # results day is in the year
    assert not app.calendar.is_working_day(date(2027, 3, 26))  # Good Friday (England and Wales)


@pytest.mark.slow
def test_the_day_flow_holds_results_until_the_release_time_on_results_day(prefect_harness, centre):
    """`examdesk tick` through Prefect on results day: at 07:30 the staff summary goes and the
    candidates' statements are held; at 08:00 they go, once."""
    import email
    from email.policy import default as default_policy

    from typer.testing import CliRunner

    from examdesk.cli import app as cli

    outbox = centre.parent.parent / "output" / "outbox" / "2027-08"

    def attachment_names() -> list[str]:
        names = []
        for path in sorted(outbox.glob("*.eml")):
            message = email.message_from_bytes(path.read_bytes(), policy=default_policy)
            names += [part.get_filename() for part in message.iter_attachments()]
        return names

    runner = CliRunner()
    early = runner.invoke(cli, ["tick", "-c", str(centre), "--today", "2027-08-19T07:30"])
    assert early.exit_code == 0, early.output
    assert "held until 08:00" in early.output
    names = attachment_names()
    assert "results-summary_2027-08-19.xlsx" in names
    assert not [n for n in names if n.startswith(("statement-of-results_", "post-results-services_"))]

    release = runner.invoke(cli, ["tick", "-c", str(centre), "--today", "2027-08-19T08:00"])
    assert release.exit_code == 0, release.output
    statements = [n for n in attachment_names() if n.startswith("statement-of-results_")]
    assert len(statements) == 240  # 120 A-level candidates and a parent each
    again = runner.invoke(cli, ["tick", "-c", str(centre), "--today", "2027-08-19T09:00"])
    assert again.exit_code == 0
    assert len([n for n in attachment_names() if n.startswith("statement-of-results_")]) == 240  # not twice


def test_a_candidate_with_no_address_is_counted_in_the_notes_and_the_rest_go(centre):
    data_dir = centre.parent.parent / "data"
    with (data_dir / "students.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    lost = rows[0]["student_id"]
    rows[0]["student_email"] = ""
    with (data_dir / "students.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with (data_dir / "guardians.csv").open(encoding="utf-8") as handle:
        guardians = [g for g in csv.DictReader(handle) if g["student_id"] != lost]
    with (data_dir / "guardians.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(guardians[0]))
        writer.writeheader()
        writer.writerows(guardians)
    app, transport = app_at(centre, date(2027, 3, 1))
    summary = run_month(None, "march", app=app)
    assert "uk-mar-01: 1 candidate(s) with no email address to send to; none sent" in summary["notes"]
    assert len(docs(transport, "statement-of-entry_")) == 598 and summary["documents_failed"] == 0
