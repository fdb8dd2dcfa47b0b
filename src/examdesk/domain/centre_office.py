"""What an exam centre's staff receive: the entries and fees report per awarding body, the series
check (every rule breach), room packs for each room and session (seating plan, attendance register,
door notice), each invigilator's duties with a calendar file, and the results summary (staff only,
before the candidates' release time)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta
from decimal import Decimal

from . import timetables
from .centre_checks import RULES
from .centre_plan import series_plan
from .centre_timetable import arrangements, candidate_label
from .documents import safe_filename, staff_recipient
from .events import in_reach
from .families import FamilyInput, FamilyOutput
from .rota import Duty
from .seating import RoomSession


def entries_reports(inp: FamilyInput) -> FamilyOutput:
    """One workbook per awarding body: every entry by department, late entries and their fees flagged."""
    data, series = inp.data, inp.data.series
    readers = inp.staff_recipients()
    jobs, late_count = [], 0
    by_board: dict[str, list] = defaultdict(list)
    for entry in series.entries:
        spec = series.spec_by_code.get(entry.specification_code)
        student = data.student_by_id.get(entry.student_id)
        if spec is None or student is None:
            continue
        late = series.late(entry)
        late_count += late
        late_fee = (spec.late_fee or Decimal("0")) if late else Decimal("0")
        fee = spec.entry_fee + late_fee
        by_board[spec.board].append(
            [
                spec.department,
                spec.specification_code,
                spec.qualification,
                spec.title,
                entry.tier or "",
                candidate_label(student),
                student.last_name,
                student.first_name,
                student.grade,
                entry.entered_on,
                "LATE" if late else "",
                float(spec.entry_fee),
                float(late_fee),
                float(fee),
            ]
        )
    for board_code, rows in sorted(by_board.items()):
        board = series.board_by_code[board_code]
        rows.sort(key=lambda r: (r[0], r[1], r[5]))
        total = sum(Decimal(str(r[13])) for r in rows)
        context = {
            "title": f"{board.name}: entries and fees, {inp.school_year} (entry deadline "
            f"{inp.date_formatter('en')(board.entry_deadline)}; {len(rows)} entries, £{total:.2f})",
            "sheet": "Entries",
            "columns": [
                "Department",
                "Specification",
                "Qualification",
                "Title",
                "Tier",
                "Candidate number",
                "Last name",
                "First name",
                "Year",
                "Entered on",
                "Late",
                "Entry fee (£)",
                "Late fee (£)",
                "Total (£)",
            ],
            "widths": [14, 12, 13, 26, 6, 12, 16, 14, 6, 12, 7, 11, 11, 11],
            "rows": rows,
        }
        for recipient in readers:
            jobs.append(
                inp.job(
                    f"board:{board_code}",
                    recipient.key,
                    filename=safe_filename(f"entries-and-fees_{board_code}_{inp.school_year}") + ".xlsx",
                    title=f"{board.name}: {len(rows)} entries, £{total:.2f} in fees",
                    recipient=recipient,
                    context=context,
                )
            )
    note = f"{inp.task.id}: {len(by_board)} entries report(s) by awarding body, {late_count} late entr(y/ies) flagged"
    return FamilyOutput(jobs, [note])


def series_checks(inp: FamilyInput) -> FamilyOutput:
    """Every breach of the JCQ rules in the series, by candidate, room and session."""
    plan = series_plan(inp)
    counts = Counter(f.rule for f in plan.findings)
    context = {
        "title": f"{inp.organisation.name}: series check {inp.school_year} ("
        + ", ".join(f"{counts[r]} {r}" for r in RULES)
        + ")",
        "sheet": "Findings",
        "columns": ["Rule", "Candidate, invigilator or room", "Session", "What is wrong, and what was done"],
        "widths": [24, 34, 16, 90],
        "rows": [[f.rule, f.who, f.session, f.detail] for f in plan.findings],
    }
    jobs = [
        inp.job(
            recipient.key,
            filename=f"series-check_{inp.month.key}.xlsx",
            title=f"Series check: {len(plan.findings)} finding(s)",
            recipient=recipient,
            context=context,
        )
        for recipient in inp.staff_recipients()
    ]
    summary = ", ".join(f"{counts[r]} {r}" for r in RULES if counts[r]) or "no breach"
    return FamilyOutput(jobs, [f"{inp.task.id}: series check: {summary}"])


def _room_context(inp: FamilyInput, rs: RoomSession, duties: list[Duty]) -> dict:
    fmt = inp.date_formatter("en")
    papers: dict[str, dict] = {}
    for s in rs.seated:
        c = s.paper.component
        paper = papers.setdefault(
            c.component_code,
            {
                "code": c.component_code,
                "title": f"{s.paper.specification.title}: {c.title}",
                "start": c.start_time.strftime("%H:%M"),
                "finish": c.end_with(0).strftime("%H:%M"),
                "count": 0,
            },
        )
        paper["count"] += 1
    rows_by_letter: dict[str, list[str]] = defaultdict(list)
    for s in rs.seated:
        rows_by_letter[s.seat.rstrip("0123456789") or "1"].append(
            f"{s.seat}: {candidate_label(s.paper.student)} {s.paper.component.component_code}"
        )
    return {
        "centre": {"name": inp.organisation.name, "number": inp.centre.centre_number},
        "room": {"name": rs.room.name, "kind": rs.room.kind},
        "date": fmt(rs.day),
        "session": rs.session,
        "start": rs.start.strftime("%H:%M"),
        "finish": rs.end.strftime("%H:%M"),
        "papers": sorted(papers.values(), key=lambda p: p["code"]),
        "grid": [{"row": letter, "seats": "   ".join(seats)} for letter, seats in sorted(rows_by_letter.items())],
        "candidates": [
            {
                "seat": s.seat,
                "number": candidate_label(s.paper.student),
                "name": s.paper.student.full_name,
                "paper": s.paper.component.component_code,
                "finish": s.paper.end.strftime("%H:%M"),
                "arrangements": "; ".join(arrangements(s.paper.student)),
            }
            for s in rs.seated
        ],
        "invigilators": [{"name": d.person.full_name, "lead": "lead" if d.lead else ""} for d in duties],
        "short": max(0, rs.invigilators_needed(inp.centre.candidates_per_invigilator) - len(duties)),
        # the last finish with extra time, when someone in the room has it ("" when no one does)
        "extra_finish": rs.end.strftime("%H:%M") if any(s.paper.extra_percent for s in rs.seated) else "",
    }


def room_packs(inp: FamilyInput) -> FamilyOutput:
    """For each room and session of the month: the seating plan, the attendance register and the
    door notice, printable, to the task's recipients (the exams officer)."""
    plan = series_plan(inp)
    readers = inp.staff_recipients()
    jobs = []
    rooms = [rs for rs in plan.seating.rooms if inp.month.contains(rs.day)]
    for rs in rooms:
        context = _room_context(inp, rs, plan.rota.in_room(rs))
        stem = f"{rs.day.isoformat()}_{rs.session}_{rs.room.room_id}"
        for recipient in readers:
            for output, name, title in (
                ("seating_plan", "seating-plan", "Seating plan"),
                ("attendance_register", "register", "Attendance register"),
                ("door_notice", "door-notice", "Door notice"),
            ):
                jobs.append(
                    inp.job(
                        f"room:{rs.room.room_id}",
                        f"{rs.day.isoformat()}-{rs.session}",
                        output,
                        recipient.key,
                        output=output,
                        filename=safe_filename(f"{name}_{stem}") + ".docx",
                        title=f"{title}: {rs.room.name}, {context['date']} {rs.session}",
                        recipient=recipient,
                        context=context,
                    )
                )
    return FamilyOutput(jobs, [f"{inp.task.id}: room packs for {len(rooms)} room session(s) this month"])


def invigilator_duties(inp: FamilyInput) -> FamilyOutput:
    """Each invigilator's duties in the series, with a calendar file, to them."""
    plan = series_plan(inp)
    fmt = inp.date_formatter("en")
    jobs = []
    for person in sorted(inp.data.staff, key=lambda p: p.staff_id):
        duties = sorted(plan.rota.of(person.staff_id), key=lambda d: d.start)
        if not duties or person.role not in inp.task.recipients:
            continue
        rows = [
            {
                "date": fmt(d.room.day),
                "session": d.room.session,
                "arrive": d.start.strftime("%H:%M"),
                "until": d.end.strftime("%H:%M"),
                "room": d.room.room.name,
                "role": "Lead invigilator" if d.lead else "Invigilator",
                "candidates": len(d.room.seated),
                "arrangements": "reader/scribe" if d.room.room.kind == "separate" else "",
            }
            for d in duties
        ]
        events = [
            {
                "uid": f"{inp.school_year}-{d.room.day.isoformat()}-{d.room.session}-{person.staff_id}@examdesk",
                "start": d.start.isoformat(),
                "end": (d.end + timedelta(minutes=10)).isoformat(),
                "summary": f"Invigilation: {d.room.room.name}",
                "location": f"{inp.organisation.name}, {d.room.room.name}",
            }
            for d in duties
        ]
        context = {
            "centre": {"name": inp.organisation.name},
            "person": {"name": person.full_name},
            "rows": rows,
            "coordinator": {"name": inp.organisation.coordinator_name, "email": inp.organisation.coordinator_email},
        }
        recipient = staff_recipient(person)
        jobs.append(
            inp.job(
                f"staff:{person.staff_id}",
                output="duties",
                filename=safe_filename(f"invigilation-duties_{person.staff_id}") + ".docx",
                title=f"Your invigilation duties ({len(rows)} session(s))",
                recipient=recipient,
                context=context,
            )
        )
        jobs.append(
            inp.job(
                f"staff:{person.staff_id}",
                "ics",
                output="calendar",
                filename=safe_filename(f"invigilation_{person.staff_id}") + ".ics",
                title="Your duties, for your calendar (.ics)",
                recipient=recipient,
                context={"events": events, "name": "Invigilation duties"},
            )
        )
    short = len(plan.rota.shortfalls)
    return FamilyOutput(
        jobs,
        [f"{inp.task.id}: {len(jobs) // 2} invigilator duty list(s); {short} room session(s) short of invigilators"],
    )


GOOD = {"GCSE": ("9", "8", "7", "6", "5", "4"), "GCE A level": ("A*", "A", "B", "C", "D", "E")}
TOP = {"GCSE": ("9", "8", "7"), "GCE A level": ("A*", "A", "B")}


def results_summaries(inp: FamilyInput) -> FamilyOutput:
    """The centre's results by specification on each results day: to staff only (restricted release),
    whatever the time, since the centre holds them before the candidates' release."""
    series = inp.data.series
    fmt = inp.date_formatter("en")
    jobs = []
    for day in series.results_days():
        if not in_reach(day, inp.month) or day > inp.today:
            continue
        by_spec: dict[str, list[str]] = defaultdict(list)
        for r in series.results:
            if r.results_day == day:
                by_spec[r.specification_code].append(r.grade)
        rows = []
        for code, grades in sorted(by_spec.items()):
            spec = series.spec_by_code[code]
            counts = Counter(grades)
            passed = sum(counts[g] for g in GOOD.get(spec.qualification, ()))
            top = sum(counts[g] for g in TOP.get(spec.qualification, ()))
            rows.append(
                [
                    spec.board,
                    spec.qualification,
                    code,
                    spec.title,
                    len(grades),
                    " ".join(f"{g}:{counts[g]}" for g in sorted(counts, key=_grade_order)),
                    round(100 * passed / len(grades), 1),
                    round(100 * top / len(grades), 1),
                ]
            )
        context = {
            "title": f"{inp.organisation.name}: results of {fmt(day)} (restricted to staff until "
            f"{inp.centre.results_release.strftime('%H:%M')} on results day)",
            "sheet": "Results",
            "columns": [
                "Board",
                "Qualification",
                "Specification",
                "Title",
                "Candidates",
                "Grades",
                "% pass (4+/E+)",
                "% top (7+/B+)",
            ],
            "widths": [10, 13, 12, 28, 11, 40, 14, 14],
            "rows": rows,
        }
        for recipient in inp.staff_recipients():
            jobs.append(
                inp.job(
                    f"results:{day.isoformat()}",
                    recipient.key,
                    filename=f"results-summary_{day.isoformat()}.xlsx",
                    title=f"Results summary, {fmt(day)} (staff only)",
                    recipient=recipient,
                    context=context,
                    event_day=day,
                )
            )
    return FamilyOutput(jobs, [f"{inp.task.id}: {len(jobs)} results summar(y/ies) for staff"])


def _grade_order(grade: str) -> tuple[int, str]:
    order = ["9", "8", "7", "6", "5", "4", "3", "2", "1", "A*", "A", "B", "C", "D", "E", "U"]
    return (order.index(grade) if grade in order else len(order), grade)


def clash_reports(inp: FamilyInput) -> FamilyOutput:
    """The clash report: an exam centre's from its entries and the series timetable (each clash with
    the move that resolves it); a US district's from its sessions."""
    if not inp.data.series:
        return timetables.clash_reports(inp)
    fmt = inp.date_formatter("en")
    series_clashes = series_plan(inp).timetable.clashes
    context = {
        "district": {"name": inp.organisation.name},
        "clashes": [
            {
                "student": c.student.full_name,
                "id": c.student.candidate_number or c.student.student_id,
                "first": f"{c.first.component.component_code} {fmt(c.first.day)} "
                f"{c.first.start.strftime('%H:%M')}–{c.first.end.strftime('%H:%M')}",
                "later": f"{c.later.component.component_code} {fmt(c.later.day)} "
                f"{c.later.start.strftime('%H:%M')}–{c.later.end.strftime('%H:%M')}",
                "proposal": f"move {c.later.component.component_code} to {fmt(c.moved.day)} "
                f"{c.moved.session} ({c.moved.start.strftime('%H:%M')})",
                "supervision": c.supervision,
            }
            for c in series_clashes
        ],
    }
    return timetables.clash_report_jobs(inp, context)
