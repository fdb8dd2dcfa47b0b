"""Testing schedules (US): each family learns the days, times and rooms of their student's tests,
in their language, with a calendar file; an adult student is written to directly."""

from __future__ import annotations

from collections.abc import Iterator

from .documents import RenderJob, safe_filename
from .families import FamilyInput, FamilyOutput
from .letters import family_reader
from .records import Student
from .timetables import Sitting, extra_time_percent, sittings_for

TITLE = "Testing days for {name}"  # translated in templates/locale/<language>.po
CALENDAR_TITLE = "{name}'s testing days, for your calendar (.ics)"


def testing_schedules(inp: FamilyInput) -> FamilyOutput:
    """A schedule and a calendar file per student with test sessions, to the primary guardian
    (or the student's own address from ``adult_age``)."""
    testing = [(s, sittings) for s in inp.data.students_by_site() if (sittings := sittings_for(inp.data, s))]
    return FamilyOutput(_jobs(inp, testing), expected=len(testing), shortfall="an email address for their testing days")


def _jobs(inp: FamilyInput, testing: list[tuple[Student, list[Sitting]]]) -> Iterator[RenderJob]:
    data, org = inp.data, inp.organisation
    available = inp.languages("testing_schedule")
    for student, sittings in testing:
        reader = family_reader(inp, student, available)
        if reader is None:
            continue
        recipient, note = reader
        language = recipient.language
        fmt, _ = inp.date_formatter(language), inp.translator(language)
        site = data.sites[student.site_id]
        contact = next((s for s in data.staff_with_role("site_coordinator") if s.site_id == student.site_id), None)
        context = {
            "district": {"name": org.name},
            "site": {"name": site.name},
            "letter_date": fmt(inp.today),
            "addressee": {"name": recipient.name},
            "student": {"name": student.full_name, "first_name": student.first_name, "grade": student.grade},
            "extra_time": extra_time_percent(student.accommodations + student.designated_supports),
            "rows": [
                {
                    "test": _(x.session.test_name),
                    "date": fmt(x.start.date()),
                    "time": f"{_('Morning' if x.start.hour < 12 else 'Afternoon')} {x.start:%H:%M} – {x.end:%H:%M}",
                    "room": x.session.room,
                }
                for x in sittings
            ],
            "contact": {
                "name": contact.full_name if contact else org.coordinator_name,
                "email": contact.email if contact else org.coordinator_email,
            },
            "coordinator": {"name": org.coordinator_name, "title": org.coordinator_title},
        }
        student_key = f"student:{student.student_id}"
        yield inp.job(
            student_key,
            recipient.key,
            recipient=recipient,
            language=language,
            filename=safe_filename(f"testing-days_{student.student_id}_{language}") + ".docx",
            title=_(TITLE).format(name=student.first_name),
            context=context,
            student_id=student.student_id,
            note=note,
        )
        events = [
            {
                "uid": f"{inp.school_year}-{x.session.session_id}-{student.student_id}@examdesk",
                "start": x.start.isoformat(),
                "end": x.end.isoformat(),
                "summary": _(x.session.test_name),
                "location": f"{site.name}, {x.session.room}",
            }
            for x in sittings
        ]
        yield inp.job(
            student_key,
            recipient.key,
            "ics",
            output="calendar",
            recipient=recipient,
            language=language,
            filename=safe_filename(f"testing-days_{student.student_id}") + ".ics",
            title=_(CALENDAR_TITLE).format(name=student.first_name),
            context={"events": events, "name": student.first_name},
            student_id=None,  # counted once, with the schedule
            about_student=student.student_id,
        )
