"""Site student lists: who tests in what, with supports, accommodations and condition codes."""

from __future__ import annotations

from .documents import RenderJob, safe_filename, staff_recipient
from .records import DistrictData

COLUMNS = (
    "Student ID",
    "Last name",
    "First name",
    "Grade",
    "Tests assigned",
    "Accommodations",
    "Designated supports",
    "Condition codes",
    "English learner",
    "IEP",
    "504 plan",
)


def site_student_list_jobs(data: DistrictData, *, task_id: str, school_year: str, month_key: str) -> list[RenderJob]:
    jobs = []
    for site_id, site in sorted(data.sites.items()):
        coordinators = [s for s in data.staff_with_role("site_coordinator") if s.site_id == site_id]
        students = sorted(
            (s for s in data.students if s.site_id == site_id),
            key=lambda s: (s.grade, s.last_name, s.first_name, s.student_id),
        )
        if not coordinators or not students:
            continue
        rows = []
        for s in students:
            tests = sorted({sess.test_code for sess in data.sessions_by_student.get(s.student_id, [])})
            codes = sorted(
                {
                    f"{code} ({e.test_code})"
                    for e in data.exemptions
                    if e.student_id == s.student_id
                    for code in [e.condition_code]
                }
            )
            rows.append(
                [
                    s.student_id,
                    s.last_name,
                    s.first_name,
                    s.grade,
                    ", ".join(tests),
                    "; ".join(s.accommodations),
                    "; ".join(s.designated_supports),
                    ", ".join(codes),
                    "Y" if s.english_learner else "N",
                    "Y" if s.iep else "N",
                    "Y" if s.plan_504 else "N",
                ]
            )
        context = {"title": f"{site.name}: student list {school_year}", "columns": list(COLUMNS), "rows": rows}
        for c in coordinators:
            recipient = staff_recipient(c, site_id)
            jobs.append(
                RenderJob(
                    doc_key=f"{school_year}/{month_key}/{task_id}/site:{site_id}/{recipient.key}",
                    task_id=task_id,
                    family="site_student_list",
                    template="site_student_list",
                    language="en",
                    filename=safe_filename(f"student-list_{site_id}_{school_year}") + ".xlsx",
                    title=f"Student list for {site.name} ({len(rows)} students)",
                    recipient=recipient,
                    context=context,
                    format="xlsx",
                )
            )
    return jobs
