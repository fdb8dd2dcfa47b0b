"""Events that documents follow: an incident, a site's testing window ending, the results arriving.

A family that ``acts_on`` one of these is planned in the month the event happens (not its
checklist month) and produces documents only for events that have happened by the day a run
acts as of: the daily flow (``examdesk tick``) sends them on the day they happen. The run of the
next month looks back at the month before, which a run made at that month's start could not see,
so a district that runs only monthly still sends them, a month late. Their documents are keyed by
the month of the event, so whichever run sends one first, no other sends it again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from .calendar import Month
from .records import DistrictData

INCIDENTS = "incidents"
WINDOW_END = "window end"
RESULTS = "results"
RESULTS_DAY = "results day"  # an exam centre's: the day results may be released to candidates
EVENT_KINDS = (INCIDENTS, WINDOW_END, RESULTS, RESULTS_DAY)


def event_days(kind: str, data: DistrictData) -> list[date]:
    """Every day an event of ``kind`` happens (or is dated to happen) in the district's data."""
    if kind == INCIDENTS:
        days = [i.incident_date for i in data.incidents]
    elif kind == WINDOW_END:
        days = [w.end_date for w in data.windows]
    elif kind == RESULTS:
        days = [r.received_date for r in data.results]
    elif kind == RESULTS_DAY:
        days = data.series.results_days()
    else:
        raise ValueError(f"unknown event {kind!r} (expected one of {', '.join(EVENT_KINDS)})")
    return sorted(set(days))


def event_days_by_action(acts_on: Mapping[str, str], data: DistrictData) -> dict[str, list[date]]:
    """checklist action (a family's name) -> the days its event happens, for families that follow one."""
    by_kind = {kind: event_days(kind, data) for kind in set(acts_on.values())}
    return {action: by_kind[kind] for action, kind in acts_on.items()}


def happened(days: Iterable[date], today: date) -> list[date]:
    return [d for d in days if d <= today]


def in_reach(day: date, month: Month) -> bool:
    """Whether a run of ``month`` acts on an event of ``day``: one in the month, or in the month before."""
    previous_start = (month.first_day - timedelta(days=1)).replace(day=1)
    return previous_start <= day <= month.last_day


def month_key_of(day: date) -> str:
    return f"{day.year}-{day.month:02d}"
