"""Site student lists: who tests in what, with supports, accommodations and condition codes."""

from __future__ import annotations

from .documents import safe_filename, staff_recipient
from .families import FamilyInput, FamilyOutput

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
WIDTHS = (13, 18, 16, 7, 24, 36, 30, 20, 9, 6, 8)


def site_student_lists(inp: FamilyInput) -> FamilyOutput:
    """A workbook per site for its coordinator(s): students, tests, supports, condition codes."""
    data, school_year = inp.data, inp.school_year
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
        context = {
            "title": f"{site.name}: student list {school_year}",
            "sheet": "Students",
            "columns": list(COLUMNS),
            "widths": list(WIDTHS),
            "rows": rows,
        }
        for c in coordinators:
            recipient = staff_recipient(c, site_id)
            jobs.append(
                inp.job(
                    f"site:{site_id}",
                    recipient.key,
                    filename=safe_filename(f"student-list_{site_id}_{school_year}") + ".xlsx",
                    title=f"Student list for {site.name} ({len(rows)} students)",
                    recipient=recipient,
                    context=context,
                )
            )
    return FamilyOutput(jobs, [f"{inp.task.id}: {len(jobs)} site student list(s)"])
