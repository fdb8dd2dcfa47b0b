"""Special Request for Paper Exam (seed 003, December): braille or large print per active IEP/504."""

from __future__ import annotations

from datetime import date

from .documents import RenderJob, safe_filename, staff_recipient
from .letters import Organisation
from .records import DistrictData, Student

VERSIONS = {"braille": "braille", "large print": "large_print"}


def paper_version(student: Student) -> str | None:
    """braille | large_print when the student's accommodations call for a special paper version."""
    for accommodation in student.accommodations:
        for words, version in VERSIONS.items():
            if words in accommodation.lower():
                return version
    return None


def paper_exam_request_jobs(
    data: DistrictData,
    org: Organisation,
    *,
    task_id: str,
    school_year: str,
    month_key: str,
    letter_date: date,
    needed_by: date | None,
) -> list[RenderJob]:
    """A request per student who needs one, to the district coordinator who submits them."""
    coordinator = next(iter(data.staff_with_role("district_coordinator")), None)
    if coordinator is None:
        return []
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
            "letter_date": letter_date,
        }
        jobs.append(
            RenderJob(
                doc_key=f"{school_year}/{month_key}/{task_id}/student:{student.student_id}",
                task_id=task_id,
                family="paper_exam_request",
                template="paper_exam_request",
                language="en",
                filename=safe_filename(f"paper-exam-request_{student.site_id}_{version}_{student.student_id}") + ".pdf",
                title=f"Special request for a paper exam ({version.replace('_', ' ')}): check and submit",
                recipient=staff_recipient(coordinator),
                context=ctx,
                student_id=student.student_id,
                format="pdf",
            )
        )
    return jobs
