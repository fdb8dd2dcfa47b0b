"""Candidate and staff timetables, extra time from access arrangements, clashes and their resolution."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Protocol

from .calendar import WorkingCalendar
from .documents import Recipient, RenderJob, safe_filename, staff_recipient
from .families import FamilyInput, FamilyOutput
from .organisation import Organisation
from .records import DistrictData, Session, Student
from .roles import role_title

AM_START, PM_START = time(8, 30), time(12, 30)
_PERCENT = re.compile(r"(\d{1,3})\s*%\s*extra time", re.I)
_FACTOR = re.compile(r"extended time\s*\((\d(?:\.\d+)?)\s*x\)", re.I)


def extra_time_percent(arrangements: tuple[str, ...]) -> int:
    """'25% extra time' -> 25; 'Extended time (1.5x)' -> 50; the largest one applies."""
    best = 0
    for text in arrangements:
        if m := _PERCENT.search(text):
            best = max(best, int(m.group(1)))
        elif m := _FACTOR.search(text):
            best = max(best, round((float(m.group(1)) - 1) * 100))
    return best


def session_label(start: time) -> str:
    return "AM" if start < time(12, 0) else "PM"


@dataclass(frozen=True)
class Sitting:
    """One candidate in one paper, with their own end time."""

    session: Session
    seat: str
    start: datetime
    end: datetime

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


def sittings_for(data: DistrictData, student: Student) -> list[Sitting]:
    pct = extra_time_percent(student.accommodations + student.designated_supports)
    seats = {e.session_id: e.seat for e in data.entries if e.student_id == student.student_id}
    out = []
    for s in data.sessions_by_student.get(student.student_id, []):
        if data.exemption(student.student_id, s.test_code):
            continue  # exempted by a parent (PGE) or not tested (NTE): no line, no calendar entry
        start = datetime.combine(s.date, s.start_time)
        base = datetime.combine(s.date, s.end_time) - start
        end = start + base * (1 + pct / 100)
        out.append(Sitting(s, seats.get(s.session_id, ""), start, end))
    return sorted(out, key=lambda x: (x.start, x.session.session_id))


@dataclass(frozen=True)
class Clash:
    student: Student
    first: Sitting
    later: Sitting
    proposed_date: date
    proposed_start: time
    supervision: str


def find_clashes(data: DistrictData, calendar: WorkingCalendar) -> list[Clash]:
    clashes = []
    for student in data.students:
        sittings = sittings_for(data, student)
        taken = {(x.start.date(), session_label(x.start.time())) for x in sittings}
        for i, a in enumerate(sittings):
            for b in sittings[i + 1 :]:
                if b.start < a.end:  # overlap: b starts before a ends
                    day, start = next_free_session(a, taken, calendar)
                    taken.add((day, session_label(start)))
                    supervision = (
                        "supervised from the end of the first paper until the moved paper starts"
                        if day == a.start.date()
                        else "overnight supervision arrangements needed"
                    )
                    clashes.append(Clash(student, a, b, day, start, supervision))
    return clashes


class Timed(Protocol):
    @property
    def start(self) -> datetime: ...
    @property
    def end(self) -> datetime: ...


def next_free_session(
    first: Timed,
    taken: set[tuple[date, str]],
    calendar: WorkingCalendar,
    starts: tuple[time, time] = (AM_START, PM_START),
) -> tuple[date, time]:
    """Where a paper that clashes with ``first`` can go: the afternoon of the same day when ``first``
    is a morning paper over by then, else the next session free for the candidate on a working day."""
    day = first.start.date()
    if session_label(first.start.time()) == "AM" and first.end.time() <= starts[1] and (day, "PM") not in taken:
        return day, starts[1]
    day = calendar.add_working_days(day, 1)
    while True:
        for label, start in (("AM", starts[0]), ("PM", starts[1])):
            if (day, label) not in taken:
                return day, start
        day = calendar.add_working_days(day, 1)


def candidate_readers(inp: FamilyInput, student: Student) -> list[Recipient]:
    """A statement of entry is addressed to the candidate; by setting (letters.copy_guardians) the
    primary guardian gets a copy."""
    readers = []
    if student.student_email:
        readers.append(
            Recipient(
                key=f"student:{student.student_id}",
                name=student.full_name,
                email=student.student_email,
                kind="student",
                role="student",
                site_id=student.site_id,
            )
        )
    guardian = inp.data.primary_guardian(student.student_id)
    if inp.copy_guardians and guardian is not None:
        readers.append(
            Recipient(
                key=f"guardian:{guardian.guardian_id}",
                name=guardian.full_name,
                email=guardian.email,
                kind="guardian",
                role="guardian",
                site_id=student.site_id,
            )
        )
    return readers


def candidate_timetables(inp: FamilyInput) -> FamilyOutput:
    """A statement of entry and timetable per candidate (extra time applied, clashes flagged) with a
    calendar file, to the candidate (and, by setting, a copy to the primary guardian)."""
    data, org = inp.data, inp.organisation
    fmt = inp.date_formatter("en")
    clashes = find_clashes(data, inp.calendar)
    clashed = {(c.student.student_id, c.later.session.session_id): c for c in clashes}
    jobs: list[RenderJob] = []
    for student in data.students_by_site():
        sittings = sittings_for(data, student)
        if not sittings:
            continue
        readers = candidate_readers(inp, student)
        if not readers:
            continue
        pct = extra_time_percent(student.accommodations + student.designated_supports)
        rows = []
        for x in sittings:
            clash = clashed.get((student.student_id, x.session.session_id))
            rows.append(
                {
                    "code": x.session.test_code,
                    "title": x.session.test_name,
                    "date": fmt(x.start.date()),
                    "session": session_label(x.start.time()),
                    "start": x.start.strftime("%H:%M"),
                    "end": x.end.strftime("%H:%M"),
                    "room": x.session.room,
                    "seat": x.seat,
                    "flag": (
                        f"CLASH: proposed {fmt(clash.proposed_date)} {clash.proposed_start.strftime('%H:%M')}"
                        if clash
                        else ""
                    ),
                }
            )
        context = {
            "district": {"name": org.name},
            "site": {"name": data.sites[student.site_id].name},
            "student": {"name": student.full_name, "id": student.student_id, "grade": student.grade},
            "extra_time": pct,
            "rows": rows,
            "has_clash": any(r["flag"] for r in rows),
            "coordinator": {"name": org.coordinator_name, "email": org.coordinator_email},
        }
        events = [
            {
                "uid": f"{inp.school_year}-{x.session.session_id}-{student.student_id}@examdesk",
                "start": x.start.isoformat(),
                "end": x.end.isoformat(),
                "summary": f"{x.session.test_code}: {x.session.test_name}",
                "location": f"{data.sites[student.site_id].name}, room {x.session.room}, seat {x.seat}",
            }
            for x in sittings
        ]
        for recipient in readers:
            student_key = f"student:{student.student_id}"
            jobs.append(
                inp.job(
                    student_key,
                    recipient.key,
                    output="timetable",
                    filename=safe_filename(f"timetable_{student.student_id}") + ".docx",
                    title=f"Exam timetable for {student.first_name}",
                    recipient=recipient,
                    context=context,
                    student_id=student.student_id,
                )
            )
            jobs.append(
                inp.job(
                    student_key,
                    recipient.key,
                    "ics",
                    output="calendar",
                    filename=safe_filename(f"exams_{student.student_id}") + ".ics",
                    title="The exams above, for your calendar (.ics)",
                    recipient=recipient,
                    context={"events": events, "name": f"Exams: {student.first_name}"},
                    student_id=student.student_id,
                )
            )
    note = f"{len(jobs) // 2} candidate timetable(s) with calendar invitations, {len(clashes)} clash(es) flagged"
    return FamilyOutput(jobs, [f"{inp.task.id}: {note}"])


def clash_report_context(org: Organisation, clashes: list[Clash], fmt) -> dict:
    return {
        "district": {"name": org.name},
        "clashes": [
            {
                "student": c.student.full_name,
                "id": c.student.student_id,
                "first": f"{c.first.session.test_code} {fmt(c.first.start.date())} "
                f"{c.first.start.strftime('%H:%M')}–{c.first.end.strftime('%H:%M')}",
                "later": f"{c.later.session.test_code} {fmt(c.later.start.date())} "
                f"{c.later.start.strftime('%H:%M')}–{c.later.end.strftime('%H:%M')}",
                "proposal": f"move {c.later.session.test_code} to {fmt(c.proposed_date)} "
                f"{session_label(c.proposed_start)} ({c.proposed_start.strftime('%H:%M')})",
                "supervision": c.supervision,
            }
            for c in clashes
        ],
    }


def clash_reports(inp: FamilyInput) -> FamilyOutput:
    """The clashes with their proposed resolutions, to each holder of the task's recipient roles."""
    clashes = find_clashes(inp.data, inp.calendar)
    return clash_report_jobs(inp, clash_report_context(inp.organisation, clashes, inp.date_formatter("en")))


def clash_report_jobs(inp: FamilyInput, context: dict) -> FamilyOutput:
    """The report to each holder of the task's recipient roles."""
    count = len(context["clashes"])
    jobs = [
        inp.job(
            recipient.key,
            filename=f"clash-report_{inp.month.key}.docx",
            title=f"Timetable clashes ({count})",
            recipient=recipient,
            context=context,
        )
        for recipient in inp.staff_recipients()
    ]
    return FamilyOutput(jobs, [f"{inp.task.id}: {count} clash(es) in the report"])


def staff_timetables(inp: FamilyInput) -> FamilyOutput:
    """Each test administrator's and proctor's duties, to them."""
    data, org = inp.data, inp.organisation
    fmt = inp.date_formatter("en")
    duties: dict[str, list[tuple[Session, str]]] = defaultdict(list)
    for s in data.sessions:
        duties[s.administrator_id].append((s, "test administrator"))
        if s.proctor_id:
            duties[s.proctor_id].append((s, "proctor"))
    jobs = []
    for person in sorted(data.staff, key=lambda p: p.staff_id):
        if person.role not in inp.task.recipients or not duties.get(person.staff_id):
            continue
        rows = [
            {
                "date": fmt(s.date),
                "session": session_label(s.start_time),
                "time": f"{s.start_time.strftime('%H:%M')}–{s.end_time.strftime('%H:%M')}",
                "room": s.room,
                "test": f"{s.test_name} (grade {s.grade})",
                "duty": duty,
                "site": data.sites[s.site_id].name,
            }
            for s, duty in sorted(duties[person.staff_id], key=lambda d: (d[0].date, d[0].start_time))
        ]
        context = {
            "district": {"name": org.name},
            "person": {"name": person.full_name, "role": role_title(person.role)},
            "rows": rows,
        }
        jobs.append(
            inp.job(
                f"staff:{person.staff_id}",
                filename=safe_filename(f"duty-timetable_{person.staff_id}") + ".docx",
                title=f"Your testing duties ({len(rows)} session(s))",
                recipient=staff_recipient(person),
                context=context,
            )
        )
    return FamilyOutput(jobs, [f"{inp.task.id}: {len(jobs)} duty timetable(s)"])
