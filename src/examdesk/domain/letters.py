"""Parent notification letters: who gets one, in which language, saying what."""

from __future__ import annotations

from datetime import date

from .documents import Recipient, RenderJob, safe_filename
from .families import FamilyInput, FamilyOutput
from .languages import language_name
from .organisation import Organisation

__all__ = ["Organisation", "age_on", "choose_language", "family_reader", "is_adult", "parent_notifications"]
from .records import DistrictData, Guardian, Student

TITLE = "Notice of upcoming state testing for {name}"  # translated in templates/locale/<language>.po


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def is_adult(inp: FamilyInput, student: Student) -> bool:
    return age_on(student.birth_date, inp.today) >= inp.adult_age


def family_reader(inp: FamilyInput, student: Student, available: set[str]) -> tuple[Recipient, str | None] | None:
    """Who reads a letter about ``student``, in which language (and the note when it falls back):
    from ``adult_age`` the student at their own address, never a guardian's mailbox; before it the
    primary guardian. ``None`` when there is nobody with an address."""
    guardian = inp.data.primary_guardian(student.student_id)
    if is_adult(inp, student):
        email, name, key = student.student_email, student.full_name, f"student:{student.student_id}"
        preferred, kind = student.home_language, "student"
    elif guardian is not None:
        email, name, key = guardian.email, guardian.full_name, f"guardian:{guardian.guardian_id}"
        preferred, kind = guardian.preferred_language or student.home_language, "guardian"
    else:
        return None
    if not email:
        return None
    language, note = choose_language(preferred, available)
    recipient = Recipient(
        key=key, name=name, email=email, language=language, kind=kind, role=kind, site_id=student.site_id
    )
    return recipient, note


def choose_language(preferred: str | None, available: set[str], default: str = "en") -> tuple[str, str | None]:
    """The family's language if a template exists; else English, with a note saying so."""
    wanted = preferred or default
    if wanted in available:
        return wanted, None
    return default, f"no {language_name(wanted)} template; sent in {language_name(default)}"


def _tests_for(data: DistrictData, student: Student) -> list[dict]:
    tests: dict[str, dict] = {}
    for s in sorted(data.sessions_by_student.get(student.student_id, []), key=lambda s: (s.date, s.start_time)):
        if data.exemption(student.student_id, s.test_code):
            continue  # the family asked for the student not to take it
        t = tests.setdefault(s.test_code, {"code": s.test_code, "name": s.test_name, "dates": []})
        t["dates"].append(s.date)
    return [
        {
            "code": t["code"],
            "name": t["name"],
            "first_date": min(t["dates"]),
            "last_date": max(t["dates"]),
            "sessions": len(t["dates"]),
        }
        for t in tests.values()
    ]


def parent_notifications(inp: FamilyInput) -> FamilyOutput:
    """One letter per student, addressed to the primary guardian (produced lazily: a district may be large)."""
    available = inp.languages("parent_notification")
    jobs = (
        _parent_job(inp, student, guardian, available)
        for student in inp.data.students_by_site()
        if (guardian := inp.data.primary_guardian(student.student_id)) is not None
    )
    return FamilyOutput(jobs, expected=len(inp.data.students), shortfall="a guardian with an email address")


def _parent_job(inp: FamilyInput, student: Student, guardian: Guardian, available: set[str]) -> RenderJob:
    data, org = inp.data, inp.organisation
    language, note = choose_language(guardian.preferred_language or student.home_language, available)
    fmt = inp.date_formatter(language)
    _ = inp.translator(language)
    site = data.sites[student.site_id]
    window = data.window_for(student.site_id)
    coordinators = [s for s in data.staff_with_role("site_coordinator") if s.site_id == student.site_id]
    contact = coordinators[0] if coordinators else None
    tests = _tests_for(data, student)
    context = {
        "district": {"name": org.name, "code": org.code},
        "school_year": inp.school_year,
        "letter_date": fmt(inp.today),
        "site": {"name": site.name, "address": site.address},
        "guardian": {
            "name": guardian.full_name,
            "first_name": guardian.first_name,
            "last_name": guardian.last_name,
            "address": guardian.address,
        },
        "student": {
            "name": student.full_name,
            "first_name": student.first_name,
            "id": student.student_id,
            "grade": student.grade,
        },
        "tests": [
            {
                "name": _(t["name"]),
                "dates": fmt(t["first_date"])
                if t["first_date"] == t["last_date"]
                else f"{fmt(t['first_date'])} – {fmt(t['last_date'])}",
            }
            for t in tests
        ],
        "window": {"start": fmt(window.start_date), "end": fmt(window.end_date)} if window else None,
        "accommodations": [_(a) for a in (*student.accommodations, *student.designated_supports)],
        "has_plan": student.iep or student.plan_504,
        "contact": {
            "name": contact.full_name if contact else org.coordinator_name,
            "email": contact.email if contact else org.coordinator_email,
        },
        "coordinator": {"name": org.coordinator_name, "title": org.coordinator_title, "email": org.coordinator_email},
    }
    recipient = Recipient(
        key=f"guardian:{guardian.guardian_id}",
        name=guardian.full_name,
        email=guardian.email,
        language=language,
        kind="guardian",
        role="guardian",
        site_id=student.site_id,
    )
    return inp.job(
        f"student:{student.student_id}",
        recipient.key,
        recipient=recipient,
        language=language,
        title=_(TITLE).format(name=student.first_name),
        filename=safe_filename(f"testing-notice_{student.student_id}_{language}") + ".docx",
        context=context,
        student_id=student.student_id,
        note=note,
    )
