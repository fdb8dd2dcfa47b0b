"""Test security agreements (seed 004, Appendix B): one per person handling secure material."""

from __future__ import annotations

from .documents import RenderJob, safe_filename, staff_recipient
from .families import FamilyInput, FamilyOutput
from .organisation import Organisation
from .records import StaffMember
from .roles import role_title

# Which sections of the agreement apply to a role
SECTIONS = {
    "district_coordinator": ("coordinator", "everyone"),
    "site_coordinator": ("coordinator", "everyone"),
    "technology_coordinator": ("everyone",),
    "principal": ("everyone",),
    "test_administrator": ("everyone", "administrator"),
    "test_examiner": ("everyone", "administrator"),
    "proctor": ("everyone", "administrator"),
    "special_education_coordinator": ("everyone",),
}
# The form's role checkboxes; anyone else ticks "Other" with their role written in
CHECKBOXES = {
    "site_coordinator": "stc",
    "district_coordinator": "stc",
    "technology_coordinator": "tc",
    "test_administrator": "ta",
    "test_examiner": "ta",
    "proctor": "proctor",
}
CHECKED, UNCHECKED = "☒", "☐"


def agreement_context(
    person: StaffMember, site_name: str, org: Organisation, school_year: str, letter_date: str
) -> dict:
    sections = SECTIONS.get(person.role, ("everyone",))
    ticked = CHECKBOXES.get(person.role, "other")
    return {
        "district": {"name": org.name, "code": org.code},
        "school_year": school_year,
        "letter_date": letter_date,
        "person": {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "name": person.full_name,
            "role": role_title(person.role),
            "site": site_name,
            "email": person.email,
            "phone": person.phone,
        },
        "ticked": ticked,
        "box": {k: CHECKED if ticked == k else UNCHECKED for k in ("stc", "tc", "ta", "proctor", "other")},
        "other_role": role_title(person.role) if ticked == "other" else "",
        "show": {name: name in sections for name in ("coordinator", "everyone", "administrator")},
    }


def security_agreements(inp: FamilyInput) -> FamilyOutput:
    """An agreement (to read) and its fillable form (to sign and return) for each person in the
    task's recipient roles; a list per site for its site coordinator."""
    data, org = inp.data, inp.organisation
    roles = tuple(r for r in inp.task.recipients if r != "guardians")
    fmt = inp.date_formatter("en")
    people = sorted((s for s in data.staff if s.role in roles), key=lambda s: (s.site_id or "", s.role, s.last_name))
    coordinators = {s.site_id: s for s in data.staff_with_role("site_coordinator") if s.site_id}
    jobs: list[RenderJob] = []
    for person in people:
        site_name = data.sites[person.site_id].name if person.site_id in data.sites else org.name
        ctx = agreement_context(person, site_name, org, inp.school_year, fmt(inp.today))
        recipient = staff_recipient(person)
        staff_key = f"staff:{person.staff_id}"
        jobs.append(
            inp.job(
                staff_key,
                output="agreement",
                filename=safe_filename(f"security-agreement_{person.staff_id}") + ".docx",
                title="Test security agreement (to read)",
                recipient=recipient,
                context=ctx,
            )
        )
        jobs.append(
            inp.job(
                staff_key,
                "form",
                output="form",
                filename=safe_filename(f"security-agreement-form_{person.staff_id}") + ".pdf",
                title="Test security agreement form: tick, sign, date and return",
                recipient=recipient,
                context=ctx,
            )
        )
    summaries = 0
    for site_id, coordinator in sorted(coordinators.items()):
        staff = [p for p in people if p.site_id == site_id]
        if not staff:
            continue
        ctx = {
            "district": {"name": org.name},
            "school_year": inp.school_year,
            "letter_date": fmt(inp.today),
            "site": {"name": data.sites[site_id].name},
            "coordinator": {"name": coordinator.full_name},
            "staff": [{"name": p.full_name, "role": role_title(p.role), "email": p.email} for p in staff],
        }
        summaries += 1
        jobs.append(
            inp.job(
                f"site-summary:{site_id}",
                output="site_summary",
                filename=safe_filename(f"security-agreements_{site_id}_summary") + ".docx",
                title=f"Security agreements sent to your site's staff ({len(staff)})",
                recipient=staff_recipient(coordinator, site_id),
                context=ctx,
            )
        )
    agreements = len(people)
    note = f"{inp.task.id}: {agreements} agreement(s) with {agreements} fillable form(s), {summaries} site summary(ies)"
    return FamilyOutput(jobs, [note])
