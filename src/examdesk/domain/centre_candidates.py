"""What an exam centre sends each candidate (with a copy to the primary parent/carer by setting):
the statement of entry to check and sign off, the exam timetable with rooms, seats and a calendar
file, and on results day, from the release time and never before, the statement of results and
the post-results services letter."""

from __future__ import annotations

from datetime import datetime

from .centre_plan import SeriesPlan, series_plan
from .centre_timetable import CandidatePaper, arrangements, candidate_label
from .documents import safe_filename
from .events import in_reach
from .families import FamilyInput, FamilyOutput
from .records import Student
from .timetables import candidate_readers


def _hours(minutes: int) -> str:
    hours, mins = divmod(minutes, 60)
    return f"{hours}h {mins:02d}m" if hours else f"{mins}m"


def _candidate(student: Student) -> dict:
    return {
        "name": student.full_name,
        "number": candidate_label(student),
        "uci": student.uci or "",
        "year": student.grade,
    }


def _centre(inp: FamilyInput) -> dict:
    return {"name": inp.organisation.name, "number": inp.centre.centre_number or inp.organisation.code}


def _paper_row(inp: FamilyInput, paper: CandidatePaper) -> dict:
    fmt = inp.date_formatter("en")
    spec = paper.specification
    return {
        "board": spec.board,
        "qualification": spec.qualification,
        "specification": f"{spec.specification_code} {spec.title}",
        "code": paper.component.component_code,
        "title": paper.component.title,
        "date": fmt(paper.day),
        "session": paper.session,
        "start": paper.start.strftime("%H:%M"),
        "finish": paper.end.strftime("%H:%M"),
        "duration": _hours(paper.minutes),
        "note": (
            f"moved from {fmt(paper.moved_from.date())} {paper.moved_from.strftime('%H:%M')} (clash)"
            if paper.moved_from
            else ""
        ),
    }


def _sitting(inp: FamilyInput, plan: SeriesPlan) -> list[tuple[Student, list[CandidatePaper]]]:
    """The candidates who sit papers in the series, in document order, with their papers."""
    out = []
    for student in inp.data.students_by_site():
        papers = plan.timetable.papers.get(student.student_id)
        if papers:
            out.append((student, papers))
    return out


def _unreachable(inp: FamilyInput, sitting: list[tuple[Student, list[CandidatePaper]]]) -> list[str]:
    """A count (never names) of the candidates with neither an address nor a parent/carer copy."""
    count = sum(1 for student, _ in sitting if not candidate_readers(inp, student))
    return [f"{inp.task.id}: {count} candidate(s) with no email address to send to; none sent"] if count else []


def statements_of_entry(inp: FamilyInput) -> FamilyOutput:
    """Each candidate's entries, papers and times (extra time applied) to check and sign off."""
    plan = series_plan(inp)
    jobs = []
    sitting = _sitting(inp, plan)
    for student, papers in sitting:
        series = inp.data.series
        entries = [
            {
                "board": series.spec_by_code[e.specification_code].board,
                "qualification": series.spec_by_code[e.specification_code].qualification,
                "code": e.specification_code,
                "title": series.spec_by_code[e.specification_code].title,
                "tier": {"F": "Foundation", "H": "Higher"}.get(e.tier or "", ""),
            }
            for e in sorted(series.entries_by_student[student.student_id], key=lambda e: e.specification_code)
        ]
        context = {
            "centre": _centre(inp),
            "candidate": _candidate(student),
            "arrangements": list(arrangements(student)),
            "extra_time": papers[0].extra_percent,
            "entries": entries,
            "rows": [_paper_row(inp, p) for p in papers],
            "coordinator": {"name": inp.organisation.coordinator_name, "email": inp.organisation.coordinator_email},
        }
        for recipient in candidate_readers(inp, student):
            jobs.append(
                inp.job(
                    f"student:{student.student_id}",
                    recipient.key,
                    filename=safe_filename(f"statement-of-entry_{student.student_id}") + ".docx",
                    title=f"Statement of entry for {student.first_name}: check and sign",
                    recipient=recipient,
                    context=context,
                    student_id=student.student_id,
                )
            )
    notes = [f"{inp.task.id}: {len(sitting)} statement(s) of entry in {len(jobs)} document(s)"]
    return FamilyOutput(jobs, notes + _unreachable(inp, sitting))


def exam_timetables(inp: FamilyInput) -> FamilyOutput:
    """Each candidate's final timetable with room and seat, and the same as a calendar file."""
    plan = series_plan(inp)
    jobs = []
    sitting = _sitting(inp, plan)
    for student, papers in sitting:
        rows = []
        events = []
        for paper in papers:
            row = _paper_row(inp, paper)
            placed = plan.seating.seat_of(student.student_id, paper.component.component_code)
            row["room"], row["seat"] = (placed[0].room.name, placed[1]) if placed else ("to be confirmed", "")
            rows.append(row)
            events.append(
                {
                    "uid": f"{inp.school_year}-{paper.component.component_code}-{student.student_id}@examdesk",
                    "start": paper.start.isoformat(),
                    "end": paper.end.isoformat(),
                    "summary": f"{paper.specification.title}: {paper.component.title}",
                    "location": f"{inp.organisation.name}, {row['room']}, seat {row['seat']}",
                }
            )
        context = {
            "centre": _centre(inp),
            "candidate": _candidate(student),
            "arrangements": list(arrangements(student)),
            "rows": rows,
            "coordinator": {"name": inp.organisation.coordinator_name, "email": inp.organisation.coordinator_email},
        }
        for recipient in candidate_readers(inp, student):
            key = (f"student:{student.student_id}", recipient.key)
            jobs.append(
                inp.job(
                    *key,
                    output="timetable",
                    filename=safe_filename(f"exam-timetable_{student.student_id}") + ".docx",
                    title=f"Exam timetable for {student.first_name}, with rooms and seats",
                    recipient=recipient,
                    context=context,
                    student_id=student.student_id,
                )
            )
            jobs.append(
                inp.job(
                    *key,
                    "ics",
                    output="calendar",
                    filename=safe_filename(f"exams_{student.student_id}") + ".ics",
                    title="The exams above, for your calendar (.ics)",
                    recipient=recipient,
                    context={"events": events, "name": f"Exams: {student.first_name}"},
                    student_id=student.student_id,
                )
            )
    notes = [f"{inp.task.id}: {len(sitting)} exam timetable(s) with calendar files"]
    return FamilyOutput(jobs, notes + _unreachable(inp, sitting))


def release_time(inp: FamilyInput, day) -> datetime:
    return datetime.combine(day, inp.centre.results_release)


def _released_results(inp: FamilyInput, student: Student):
    """A candidate's results by results day, those whose release time has come (the embargo)."""
    by_day: dict = {}
    for r in inp.data.series.results_by_student.get(student.student_id, []):
        if in_reach(r.results_day, inp.month):
            by_day.setdefault(r.results_day, []).append(r)
    return {day: rows for day, rows in sorted(by_day.items()) if release_time(inp, day) <= inp.moment}


def _held_note(inp: FamilyInput) -> list[str]:
    fmt = inp.date_formatter("en")
    held = [
        d
        for d in inp.data.series.results_days()
        if in_reach(d, inp.month) and release_time(inp, d) > inp.moment and d <= inp.today
    ]
    return [
        f"{inp.task.id}: results of {fmt(d)} held until {inp.centre.results_release.strftime('%H:%M')} (embargo)"
        for d in held
    ]


def results_statements(inp: FamilyInput) -> FamilyOutput:
    """Each candidate's statement of results, on results day from the release time."""
    fmt = inp.date_formatter("en")
    series = inp.data.series
    jobs = []
    for student in inp.data.students_by_site():
        for day, results in _released_results(inp, student).items():
            rows = [
                {
                    "board": series.spec_by_code[r.specification_code].board,
                    "qualification": series.spec_by_code[r.specification_code].qualification,
                    "code": r.specification_code,
                    "title": series.spec_by_code[r.specification_code].title,
                    "grade": r.grade,
                }
                for r in sorted(results, key=lambda r: r.specification_code)
            ]
            context = {
                "centre": _centre(inp),
                "candidate": _candidate(student),
                "results_day": fmt(day),
                "rows": rows,
                "signatory": {"name": inp.signatory.name, "title": inp.signatory.title},
            }
            for recipient in candidate_readers(inp, student):
                jobs.append(
                    inp.job(
                        f"student:{student.student_id}",
                        recipient.key,
                        day.isoformat(),
                        filename=safe_filename(f"statement-of-results_{student.student_id}") + ".docx",
                        title=f"Provisional statement of results for {student.first_name}",
                        recipient=recipient,
                        context=context,
                        student_id=student.student_id,
                        facts=rows,
                        event_day=day,
                    )
                )
    return FamilyOutput(jobs, [f"{inp.task.id}: {len(jobs)} statement(s) of results", *_held_note(inp)])


def post_results_letters(inp: FamilyInput) -> FamilyOutput:
    """The post-results services (review of marking, copies of scripts) and their deadline, to each
    candidate with results, with the statement of results."""
    fmt = inp.date_formatter("en")
    jobs = []
    for student in inp.data.students_by_site():
        for day in _released_results(inp, student):
            context = {
                "centre": _centre(inp),
                "candidate": _candidate(student),
                "results_day": fmt(day),
                "deadline": inp.centre.review_of_marking_deadline or "the date the exams office gives",
                "coordinator": {"name": inp.organisation.coordinator_name, "email": inp.organisation.coordinator_email},
            }
            for recipient in candidate_readers(inp, student):
                jobs.append(
                    inp.job(
                        f"student:{student.student_id}",
                        recipient.key,
                        day.isoformat(),
                        filename=safe_filename(f"post-results-services_{student.student_id}") + ".docx",
                        title="Post-results services: reviews of marking and their deadline",
                        recipient=recipient,
                        context=context,
                        student_id=student.student_id,
                        event_day=day,
                    )
                )
    return FamilyOutput(jobs, [f"{inp.task.id}: {len(jobs)} post-results letter(s)", *_held_note(inp)])
