"""Result letters: one per student with results, to the guardian or to an adult student."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from .documents import Recipient, RenderJob, safe_filename, staff_recipient
from .events import in_reach
from .families import FamilyInput, FamilyOutput
from .letters import age_on, family_reader, is_adult
from .organisation import Signatory
from .records import Result, Student

__all__ = ["LEVELS", "Signatory", "age_on", "result_letters"]

LEVELS = {  # English wording; each language's is in its catalogue (templates/locale/<language>.po)
    1: ("Standard Not Met", "needs substantial improvement to succeed in future coursework"),
    2: ("Standard Nearly Met", "may require further development to succeed in future coursework"),
    3: ("Standard Met", "demonstrates progress toward mastery"),
    4: ("Standard Exceeded", "demonstrates advanced progress toward mastery"),
}
TITLE = "Test results of {name}"


def result_letters(inp: FamilyInput) -> FamilyOutput:
    """One letter per student with results: to the guardian, or to the student's own address at
    ``adult_age``. An adult student's results never go to a guardian's mailbox: with no student
    email they are held, and the coordinator gets the list of held students."""
    available = inp.languages("result_letter")
    test_names = {s.test_code: s.test_name for s in inp.data.sessions}
    by_student = inp.data.results_by_student

    def arrived(student_id: str) -> list[Result]:  # nothing is sent before it arrives
        return [r for r in by_student.get(student_id, ()) if r.received_date <= inp.today]

    this_month = {
        r.student_id for r in inp.data.results if r.received_date <= inp.today and in_reach(r.received_date, inp.month)
    }
    later = len({r.student_id for r in inp.data.results if r.received_date > inp.today} - this_month)
    held: list[Student] = []

    def jobs() -> Iterator[RenderJob]:
        for student in inp.data.students_by_site():
            if student.student_id not in this_month:
                continue
            if is_adult(inp, student) and not student.student_email:
                held.append(student)
                continue
            job = _job(inp, student, arrived(student.student_id), available, test_names)
            if job is not None:
                yield job
        if held:
            last = max(r.received_date for s in held for r in arrived(s.student_id))
            yield _held_list(inp, held, last)

    notes = [f"{inp.task.id}: results of {later} student(s) arrive after today; sent on the day they do"]
    return FamilyOutput(
        jobs(), notes if later else [], expected=len(this_month), shortfall="an email address to send results to"
    )


def _held_list(inp: FamilyInput, held: list[Student], arrived_on: date) -> RenderJob:
    """For the district coordinator: adult students whose results were held (no student email)."""
    org = inp.organisation
    coordinator = next(iter(inp.data.staff_with_role("district_coordinator")), None)
    recipient = (
        staff_recipient(coordinator)
        if coordinator
        else Recipient(key="contact:district_coordinator", name=org.coordinator_name, email=org.coordinator_email)
    )
    context = {
        "title": f"Results held: adult students without a student email ({inp.school_year})",
        "sheet": "Held results",
        "columns": ["Student ID", "Last name", "First name", "Grade", "Site", "Birth date", "Why held"],
        "widths": [14, 20, 18, 8, 28, 12, 60],
        "rows": [
            [
                s.student_id,
                s.last_name,
                s.first_name,
                s.grade,
                inp.data.sites[s.site_id].name,
                s.birth_date,
                f"{inp.adult_age} or over: results go to the student, and students.csv has no student_email",
            ]
            for s in held
        ],
    }
    return inp.job(
        "held",
        recipient.key,
        output="held",
        recipient=recipient,
        filename=safe_filename(f"results-held_{inp.school_year}") + ".xlsx",
        title=f"Result letters held: {len(held)} adult student(s) without an email address",
        context=context,
        facts=[s.student_id for s in held],
        event_day=arrived_on,
    )


def _job(
    inp: FamilyInput, student: Student, results: list[Result], available: set[str], test_names: dict[str, str]
) -> RenderJob | None:
    data, org, signatory = inp.data, inp.organisation, inp.signatory
    reader = family_reader(inp, student, available)
    if reader is None:
        return None
    recipient, note = reader
    language, adult, addressee = recipient.language, recipient.kind == "student", recipient.name
    _ = inp.translator(language)
    levels = {n: (_(name), _(meaning)) for n, (name, meaning) in LEVELS.items()}
    fmt = inp.date_formatter(language)
    site = data.sites[student.site_id]
    context = {
        "district": {"name": org.name, "code": org.code},
        "school_year": inp.school_year,
        "letter_date": fmt(inp.today),
        "site": {"name": site.name},
        "addressee": {"name": addressee, "is_student": adult},
        "student": {
            "name": student.full_name,
            "first_name": student.first_name,
            "id": student.student_id,
            "grade": student.grade,
        },
        "results": [
            {
                "test": _(test_names.get(r.test_code, r.test_code)),
                "scale_score": r.scale_score,
                "level": r.achievement_level,
                "level_name": levels[r.achievement_level][0],
            }
            for r in sorted(results, key=lambda r: r.test_code)
        ],
        "levels": [{"number": n, "name": name, "meaning": meaning} for n, (name, meaning) in sorted(levels.items())],
        "signatory": {"name": signatory.name, "title": signatory.title},
        "coordinator": {"name": org.coordinator_name, "email": org.coordinator_email},
    }
    return inp.job(
        f"student:{student.student_id}",
        recipient.key,
        recipient=recipient,
        language=language,
        filename=safe_filename(f"results_{student.student_id}_{language}") + ".docx",
        title=_(TITLE).format(name=student.first_name),
        context=context,
        student_id=student.student_id,
        note=note,
        facts=context["results"],  # a corrected score: the family gets an updated letter
        event_day=max(r.received_date for r in results),
    )
