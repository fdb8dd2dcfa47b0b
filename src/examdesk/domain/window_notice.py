"""Testing window notice (seed 003, December): each site's administrators learn their window,
how many instructional days it spans, and the sessions scheduled in it."""

from __future__ import annotations

from .calendar import expand_days
from .documents import safe_filename, staff_recipient
from .families import FamilyInput, FamilyOutput
from .roles import role_title
from .timetables import session_label


def testing_window_notices(inp: FamilyInput) -> FamilyOutput:
    """A memo per person in the task's recipient roles who works at a site, about that site only."""
    data, org = inp.data, inp.organisation
    fmt = inp.date_formatter("en")
    jobs = []
    for person in sorted(data.staff, key=lambda s: (s.site_id or "", s.role, s.last_name, s.staff_id)):
        if person.role not in inp.task.recipients or person.site_id not in data.sites:
            continue
        site = data.sites[person.site_id]
        window = data.window_for(site.id)
        sessions = sorted((s for s in data.sessions if s.site_id == site.id), key=lambda s: (s.date, s.start_time))
        context = {
            "district": {"name": org.name},
            "letter_date": fmt(inp.today),
            "school_year": inp.school_year,
            "site": {"name": site.name},
            "recipient": {"name": person.full_name, "role": role_title(person.role)},
            "window": {
                "start": fmt(window.start_date),
                "end": fmt(window.end_date),
                "days": sum(inp.calendar.is_working_day(d) for d in expand_days(window.start_date, window.end_date)),
            }
            if window
            else None,
            "sessions": [
                {
                    "date": fmt(s.date),
                    "session": session_label(s.start_time),
                    "time": f"{s.start_time.strftime('%H:%M')}–{s.end_time.strftime('%H:%M')}",
                    "test": s.test_name,
                    "grade": s.grade,
                    "room": s.room,
                }
                for s in sessions
            ],
            "coordinator": {"name": org.coordinator_name, "email": org.coordinator_email},
        }
        recipient = staff_recipient(person)
        jobs.append(
            inp.job(
                f"site:{site.id}",
                recipient.key,
                filename=safe_filename(f"testing-window_{site.id}") + ".docx",
                title=f"Testing window for {site.name}",
                recipient=recipient,
                context=context,
            )
        )
    return FamilyOutput(jobs, [f"{inp.task.id}: {len(jobs)} testing window notice(s)"])
