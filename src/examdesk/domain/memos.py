"""Memos: what a checklist communication tells the people it names.

A reminder or manual task with ``recipients`` sends each of them a short email, a memo, with
the facts the district's data already holds for its kind (``memo:`` in the checklist; default
``note``, the task's own words). The wording is in ``templates/email/memo_<kind>.<language>.txt``,
which a district can edit; this module only gathers the facts, as text ready to print.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from .calendar import Month, WorkingCalendar, expand_days
from .checklist import Task
from .documents import Recipient
from .records import DistrictData, Session
from .timetables import session_label


@dataclass(frozen=True)
class Deadline:
    task_id: str
    title: str
    due: date | None
    every_testing_day: bool = False  # a 'during testing' task with no date of its own


@dataclass(frozen=True)
class MemoInput:
    task: Task
    recipient: Recipient
    data: DistrictData
    month: Month
    today: date
    calendar: WorkingCalendar
    format_date: Callable[[date], str]  # in the recipient's language
    downtimes: Sequence[tuple[str, date, date]] = ()  # (what, first day, last day) of the school year
    # the tasks a role owns, with their due dates at a site: (role, site) -> deadlines
    deadlines: Callable[[str, str | None], list[Deadline]] = lambda _role, _site: []
    results_due: date | None = None  # when the result letters must be out, once the results are in
    letter_languages: Sequence[str] = field(default=("en",))


@dataclass(frozen=True)
class MemoKind:
    name: str
    title: str  # what it tells, for people (the owner's digest)
    facts: Callable[[MemoInput], dict]
    every_month: bool = False  # an ongoing task's memo goes out each month (else once in the school year)


def _sites_for(inp: MemoInput) -> list[str]:
    """The recipient's own site, or every site for someone who works for the whole district."""
    site = inp.recipient.site_id
    return [site] if site in inp.data.sites else sorted(inp.data.sites)


def _window(inp: MemoInput, site_id: str) -> dict | None:
    window = inp.data.window_for(site_id)
    if window is None:
        return None
    days = sum(inp.calendar.is_working_day(d) for d in expand_days(window.start_date, window.end_date))
    return {"start": inp.format_date(window.start_date), "end": inp.format_date(window.end_date), "days": days}


def _session(inp: MemoInput, s: Session) -> dict:
    return {
        "date": inp.format_date(s.date),
        "session": session_label(s.start_time),
        "time": f"{s.start_time:%H:%M}–{s.end_time:%H:%M}",
        "test": s.test_name,
        "grade": s.grade,
        "room": s.room,
    }


def no_facts(inp: MemoInput) -> dict:
    return {}


def testing_windows(inp: MemoInput) -> dict:
    return {"windows": [{"site": inp.data.sites[site].name, "window": _window(inp, site)} for site in _sites_for(inp)]}


def session_schedules(inp: MemoInput) -> dict:
    """Each site's window and its sessions: date, morning or afternoon, time, test, grade, room."""
    sites = []
    for site in _sites_for(inp):
        sessions = sorted((s for s in inp.data.sessions if s.site_id == site), key=lambda s: (s.date, s.start_time))
        sites.append(
            {
                "site": inp.data.sites[site].name,
                "window": _window(inp, site),
                "sessions": [_session(inp, s) for s in sessions],
            }
        )
    return {"sites": sites}


def testing_days(inp: MemoInput) -> dict:
    """For administrators and maintenance and operations: each testing day at a site, the hours
    testing runs and the rooms in use (quiet, set up, no interruptions)."""
    sites = []
    for site in _sites_for(inp):
        by_day: dict[date, list[Session]] = {}
        for s in inp.data.sessions:
            if s.site_id == site:
                by_day.setdefault(s.date, []).append(s)
        days = [
            {
                "date": inp.format_date(day),
                "from": f"{min(s.start_time for s in sessions):%H:%M}",
                "to": f"{max(s.end_time for s in sessions):%H:%M}",
                "rooms": ", ".join(sorted({s.room for s in sessions if s.room})),
            }
            for day, sessions in sorted(by_day.items())
        ]
        sites.append({"site": inp.data.sites[site].name, "window": _window(inp, site), "days": days})
    return {"sites": sites}


def local_deadlines(inp: MemoInput) -> dict:
    """The tasks the recipient's role owns from today on, with the dates at their site, and those
    done on every testing day."""
    found = inp.deadlines(inp.recipient.role, inp.recipient.site_id)
    dated = [d for d in found if not d.every_testing_day and (d.due is None or d.due >= inp.today)]
    sites = _sites_for(inp)
    return {
        "deadlines": [
            {"title": d.title, "due": inp.format_date(d.due) if d.due else "when its date is known"}
            for d in sorted(dated, key=lambda d: (d.due or date.max, d.task_id))
        ],
        "every_testing_day": [d.title for d in found if d.every_testing_day],
        "window": _window(inp, sites[0]) if len(sites) == 1 else None,
    }


def score_report_timeline(inp: MemoInput) -> dict:
    """When the results arrived and the letters are due, once they have arrived (never before)."""
    received = inp.data.results_received()
    arrived = received is not None and received <= inp.today
    return {
        "received": inp.format_date(received) if arrived and received else "",
        "due": inp.format_date(inp.results_due) if arrived and inp.results_due else "",
        "languages": list(inp.letter_languages),
    }


def downtimes(inp: MemoInput) -> dict:
    """The system downtimes of this month and the next."""
    start = inp.month.first_day
    following = Month(inp.month.year + (inp.month.month == 12), inp.month.month % 12 + 1)
    return {
        "downtimes": [
            {"what": what, "start": inp.format_date(first), "end": inp.format_date(last) if last != first else ""}
            for what, first, last in sorted(inp.downtimes, key=lambda d: d[1])
            if last >= start and first <= following.last_day
        ]
    }


MEMOS: dict[str, MemoKind] = {
    kind.name: kind
    for kind in (
        MemoKind("note", "the task, in its own words", no_facts),
        MemoKind("testing_windows", "each site's testing window", testing_windows),
        MemoKind("session_schedules", "each site's window and test sessions", session_schedules),
        MemoKind("testing_days", "each site's testing days, hours and rooms", testing_days),
        MemoKind("local_deadlines", "their role's tasks and local deadlines", local_deadlines),
        MemoKind("score_report_timeline", "when and how score reports reach families", score_report_timeline),
        MemoKind("downtimes", "this month's and next month's system downtimes", downtimes, every_month=True),
    )
}
