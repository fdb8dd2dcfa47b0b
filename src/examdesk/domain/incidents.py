"""Testing irregularity reports (seed 004 Appendix D), prefilled from the incidents table."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from .documents import safe_filename, staff_recipient
from .events import in_reach
from .families import FamilyInput, FamilyOutput
from .organisation import Organisation
from .records import DistrictData, Incident

CONTENT_AREAS = {"SB-ELA": "ela", "SB-MATH": "math", "CAST": "science", "CAA-ELA": "ela", "CAA-MATH": "math"}


def irregularity_context(
    incident: Incident, data: DistrictData, org: Organisation, due: date, fmt: Callable[[date], str]
) -> dict:
    session = data.session_by_id[incident.session_id]
    site = data.sites[session.site_id]
    coordinator = next((s for s in data.staff_with_role("site_coordinator") if s.site_id == site.id), None)
    administrator = data.staff_by_id.get(session.administrator_id)
    student = data.student_by_id.get(incident.student_id) if incident.student_id else None
    return {
        "district": {"name": org.name, "code": org.code},
        "site": {"name": site.name, "code": site.code},
        "contact": {
            "name": coordinator.full_name if coordinator else org.coordinator_name,
            "phone": (coordinator.phone or "") if coordinator else "",
            "role": "STC" if coordinator else "LTC",
        },
        "administration": "spring",
        "grade": str(session.grade),
        "subject": session.test_name,
        "content_area": CONTENT_AREAS.get(session.test_code, ""),
        "mode": incident.mode or "CBT",
        "unit": incident.unit or "",
        "incident_date": incident.incident_date,
        "report_due": due,
        "administrator_name": administrator.full_name if administrator else "",
        "student": {
            "name": student.full_name if student else "",
            "birth_date": student.birth_date if student else None,
            "id": student.student_id if student else "",
        },
        "description": incident.description,
        "investigation": incident.investigation or "",
        "actions": incident.actions or "",
        "resolved": "" if incident.resolved is None else ("yes" if incident.resolved else "no"),
        "item_number": incident.item_number or "",
        "category": incident.category,
    }


def irregularity_reports(inp: FamilyInput) -> FamilyOutput:
    """A prefilled report per incident that has happened (this month or the month before), to the
    coordinator of the incident's site."""
    data = inp.data
    if not data.incidents:
        return FamilyOutput([], [f"{inp.task.id}: no incidents table or no incidents; nothing to report"])
    fmt = inp.date_formatter("en")
    coordinators = {s.site_id: s for s in data.staff_with_role("site_coordinator") if s.site_id}
    district_coordinator = next(iter(data.staff_with_role("district_coordinator")), None)
    jobs = []
    later = 0
    for incident in sorted(data.incidents, key=lambda i: (i.incident_date, i.incident_id)):
        session = data.session_by_id.get(incident.session_id)
        if session is None or not in_reach(incident.incident_date, inp.month):
            continue
        if incident.incident_date > inp.today:  # nothing is reported before it happens
            later += 1
            continue
        to = coordinators.get(session.site_id) or district_coordinator
        if to is None:
            continue
        rule = inp.irregularity  # the program's (and state's) deadline and channel
        due = rule.due(incident.incident_date, inp.calendar)
        context = irregularity_context(incident, data, inp.organisation, due, fmt)
        via = f" via {rule.channel}" if rule.channel else ""
        jobs.append(
            inp.job(
                f"incident:{incident.incident_id}",
                filename=safe_filename(f"irregularity-report_{incident.incident_id}") + ".pdf",
                title=f"Irregularity report {incident.incident_id}: check and complete it; report it by "
                f"{fmt(due)} ({rule.text} of the incident){via}",
                recipient=staff_recipient(to, session.site_id),
                context=context,
                facts=context,  # the investigation filled in later: an updated report
                event_day=incident.incident_date,
            )
        )
    notes = [f"{inp.task.id}: {len(jobs)} irregularity report(s)"]
    if later:
        notes.append(f"{inp.task.id}: {later} incident(s) dated after today, reported on their day (examdesk tick)")
    return FamilyOutput(jobs, notes)
