"""The UK demo exam centre (JCQ): its series' rule findings, and the documents of its year opened and
read: statements of entry, exam timetables, room packs, invigilator duties, results under embargo."""

from __future__ import annotations

import csv
import io
import shutil
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml
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

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def centre(tmp_path) -> Path:
    """A private copy of the UK demo centre's configuration and data."""
    cfg = tmp_path / "config"
    cfg.mkdir()
    shutil.copytree(REPO / "demo" / "uk" / "data", tmp_path / "data")
    raw = yaml.safe_load((REPO / "config" / "centre.uk.yaml").read_text(encoding="utf-8"))
    raw["data"]["directory"] = str(tmp_path / "data")
    raw["templates"] = str(REPO / "templates")
    raw["forms"]["directory"] = str(REPO / "forms")
    raw["output"]["directory"] = str(tmp_path / "output")
    shutil.copy(REPO / "config" / "checklist.uk.yaml", cfg / "checklist.uk.yaml")
    path = cfg / "centre.uk.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def app_at(config: Path, moment: date | datetime):
    transport = RecordingTransport()
    return build_app(config, "2026-27", moment, ledger_url="sqlite://", transport=transport), transport


def students(config: Path) -> dict[str, dict]:
    with (config.parent.parent / "data" / "students.csv").open(encoding="utf-8") as handle:
        return {r["candidate_number"]: r for r in csv.DictReader(handle)}


def docs(transport: RecordingTransport, prefix: str) -> list[tuple[str, str, bytes]]:
    return [(to, name, body) for to, m in transport.sent for name, body in attachments(m) if name.startswith(prefix)]


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

    app.now = datetime(2027, 8, 19, 8, 0)  # the release time: the A-level results go out, GCSE still waits
    run_month(None, "august", app=app)
    released = docs(transport, "statement-of-results_")
    people = students(centre)
    year_13 = {r["student_email"] for r in people.values() if r["grade"] == "13"}
    assert released and {to for to, _, _ in released if "students." in to} == year_13
    text = docx_text(next(body for to, _, body in released if to == people["5001"]["student_email"]))
    assert "Provisional statement of results" in text and "GCE A level" in text and "GCSE" not in text


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
