"""Special Request for Paper Exam (seed 003, December): braille or large print per active IEP/504."""

from __future__ import annotations

from .documents import safe_filename, staff_recipient
from .families import FamilyInput, FamilyOutput
from .records import Student

VERSIONS = {"braille": "braille", "large print": "large_print"}


def paper_version(student: Student) -> str | None:
    """braille | large_print when the student's accommodations call for a special paper version."""
    for accommodation in student.accommodations:
        for words, version in VERSIONS.items():
            if words in accommodation.lower():
                return version
    return None


def paper_exam_requests(inp: FamilyInput) -> FamilyOutput:
    """A request per student who needs one, to the district coordinator who submits them."""
    data, org = inp.data, inp.organisation
    window = data.district_window()
    needed_by = window[0] if window else None
    coordinator = next(iter(data.staff_with_role("district_coordinator")), None)
    if coordinator is None:
        return FamilyOutput([], [f"{inp.task.id}: no district coordinator in the staff table; no paper-exam request"])
    jobs = []
    for student in data.students_by_site():
        version = paper_version(student)
        if version is None or not (student.iep or student.plan_504):
            continue
        tests = sorted({s.test_name for s in data.sessions_by_student.get(student.student_id, [])})
        site = data.sites[student.site_id]
        ctx = {
            "district": {"name": org.name, "code": org.code},
            "site": {"name": site.name},
            "contact": {"name": coordinator.full_name, "phone": coordinator.phone, "email": coordinator.email},
            "student": {"id": student.student_id, "name": student.full_name, "grade": str(student.grade)},
            "tests": "\n".join(tests) or "All summative tests for the grade",
            "version": version,
            "braille_code": "UEB" if version == "braille" else "",
            "plan": "iep" if student.iep else "504",
            "quantity": str(max(len(tests), 1)),
            "needed_by": needed_by,
            "requested_by": coordinator.full_name,
            "letter_date": inp.today,
        }
        jobs.append(
            inp.job(
                f"student:{student.student_id}",
                filename=safe_filename(f"paper-exam-request_{student.site_id}_{version}_{student.student_id}") + ".pdf",
                title=f"Special request for a paper exam ({version.replace('_', ' ')}): check and submit",
                recipient=staff_recipient(coordinator),
                context=ctx,
                student_id=student.student_id,
            )
        )
    return FamilyOutput(jobs, [f"{inp.task.id}: {len(jobs)} paper-exam request(s) (braille or large print)"])
