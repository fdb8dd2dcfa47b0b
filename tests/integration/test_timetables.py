"""March: candidate timetables (extra time, clashes), the clash report, staff duty timetables."""

import csv
import io
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from docx import Document
from icalendar import Calendar

from conftest import edit_config
from examdesk.settings import load_settings
from helpers import attachments, docx_text, read_outbox, run_month, student_in, students_by_document

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow  # whole months through the services, real servers or processes


def rows(path):
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


# The extra time each arrangement in the demo data gives, written out (not recomputed by the code under test).
EXTRA_TIME = {"25% extra time": 25, "Extended time (1.5x)": 50}


def extra_pct(accommodations: str) -> int:
    return max((EXTRA_TIME.get(a.strip(), 0) for a in accommodations.split(";")), default=0)


def as_exam_centre(district: Path) -> None:
    """The demo district with the exam centre's tasks added and guardians copied on statements of entry."""
    checklist = district.parent / "checklist.yaml"
    centre = (REPO / "config" / "checklist.exam-centre.yaml").read_text(encoding="utf-8")
    checklist.write_text(checklist.read_text(encoding="utf-8") + "\n" + centre, encoding="utf-8")
    edit_config(district, letters__copy_guardians=True)


def test_timetables_extra_time_and_clashes(district, tmp_path):
    as_exam_centre(district)
    run_month(district, "march", today=date(2027, 3, 1))
    data = tmp_path / "data"
    exempt = {(e["student_id"], e["test_code"]) for e in rows(data / "exemptions.csv")}
    sessions = {s["session_id"]: s for s in rows(data / "sessions.csv")}
    students = {s["student_id"]: s for s in rows(data / "students.csv")}
    entries = rows(data / "entries.csv")
    settings = load_settings(district)
    timetables, clash_reports, duty, invites = {}, [], {}, {}
    about = students_by_document(district)
    for msg in read_outbox(settings.output_dir, "2027-03"):
        for filename, content in attachments(msg):
            if filename.startswith("timetable_"):
                timetables[student_in(filename, about)] = content
            elif filename.startswith("exams_") and filename.endswith(".ics"):
                invites[student_in(filename, about)] = content
            elif filename.startswith("clash-report_"):
                clash_reports.append(docx_text(content))
            elif filename.startswith("duty-timetable_"):
                duty[msg["To"].addresses[0].addr_spec] = docx_text(content)

    csa_takers = {e["student_id"] for e in entries if e["session_id"] == "VHS-11-CSA-1"}
    assert len(csa_takers) == 3
    # the Spanish paper clashes with the math paper, unless a parent exempted the student from math
    clashing = {sid for sid in csa_takers if not {(sid, "SB-MATH"), (sid, "ALL")} & exempt}
    assert clashing
    with_extra = 0
    for sid, content in timetables.items():
        student = students[sid]
        table = Document(io.BytesIO(content)).tables[0]
        got = {r.cells[0].text: [c.text for c in r.cells] for r in table.rows[1:]}
        mine = [
            sessions[e["session_id"]]
            for e in entries
            if e["student_id"] == sid and not {(sid, sessions[e["session_id"]]["test_code"]), (sid, "ALL")} & exempt
        ]
        assert sorted(got) == sorted(s["test_code"] for s in mine)
        pct = extra_pct(student["accommodations"])
        with_extra += pct > 0
        for s in mine:
            start = datetime.strptime(s["start_time"], "%H:%M")
            end = start + (datetime.strptime(s["end_time"], "%H:%M") - start) * (1 + pct / 100)
            assert got[s["test_code"]][4] == s["start_time"]
            assert got[s["test_code"]][5] == end.strftime("%H:%M"), (sid, s["test_code"], pct)
        calendar = Calendar.from_ical(invites[sid])
        events = {str(e["summary"]).split(":")[0]: e for e in calendar.walk("VEVENT")}
        assert sorted(events) == sorted(s["test_code"] for s in mine)
        for code, event in events.items():
            assert event.decoded("dtstart").strftime("%H:%M") == got[code][4]
            assert event.decoded("dtend").strftime("%H:%M") == got[code][5]  # extra time included
            assert event["dtstart"].params["TZID"] == "America/Los_Angeles"
        flagged = [code for code, cells in got.items() if cells[8].startswith("CLASH")]
        assert flagged == (["CSA"] if sid in clashing else [])
    assert with_extra > 5

    [report] = clash_reports
    for sid in clashing:
        assert sid in report
    assert report.count("move CSA to") == len(clashing) and "supervised from the end of the first paper" in report

    staff = {s["staff_id"]: s for s in rows(data / "staff.csv")}
    for staff_id, person in staff.items():
        if person["role"] not in ("test_administrator", "proctor"):
            continue
        mine = [s for s in sessions.values() if staff_id in (s["administrator_id"], s["proctor_id"])]
        if not mine:
            assert person["email"] not in duty
            continue
        text = duty[person["email"]]
        for s in mine:
            assert s["room"] in text
        assert text.count("test administrator") + text.count("proctor") >= len(mine)


def test_clash_resolution_moves_the_later_paper_to_the_next_free_session():
    from examdesk.domain.calendar import WorkingCalendar
    from examdesk.domain.records import DistrictData, Site
    from examdesk.domain.timetables import find_clashes

    def session(sid, day, start, end):
        return {
            "session_id": sid,
            "site_id": "A",
            "test_code": sid,
            "test_name": sid,
            "grade": 11,
            "date": day,
            "start_time": datetime.strptime(start, "%H:%M").time(),
            "end_time": datetime.strptime(end, "%H:%M").time(),
            "room": "R1",
            "administrator_id": "S1",
        }

    friday = date(2027, 4, 30)
    data = DistrictData.from_rows(
        {"A": Site("A", "Alpha")},
        {
            "students": [
                {
                    "student_id": "1",
                    "first_name": "A",
                    "last_name": "B",
                    "grade": 11,
                    "site_id": "A",
                    "birth_date": date(2010, 1, 1),
                    "home_language": "en",
                }
            ],
            "sessions": [
                session("MATH", friday, "08:30", "10:00"),
                session("CSA", friday, "09:00", "10:15"),
                session("ELA", friday, "12:30", "14:00"),
            ],
            "entries": [{"student_id": "1", "session_id": s} for s in ("MATH", "CSA", "ELA")],
        },
    )
    [clash] = find_clashes(data, WorkingCalendar())
    assert clash.later.session.session_id == "CSA"
    # Friday PM is taken by ELA: the next free session is Monday AM, with overnight supervision
    assert clash.proposed_date == friday + timedelta(days=3) and clash.proposed_start.strftime("%H:%M") == "08:30"
    assert clash.supervision == "overnight supervision arrangements needed"
