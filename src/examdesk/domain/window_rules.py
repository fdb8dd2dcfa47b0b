"""Testing-window rules of an assessment program (seed 003, "LEA Testing Window—Set in TOMS").

CAASPP: a window may not begin before the day on which 66 percent of the school's annual
instructional days are complete; it must include at least 25 consecutive instructional days
(closures are not instructional days); it ends by the last day of school or July 15, whichever
comes first; and it is set by December 1. Other programs declare their own rules (or none) in
their profile. Everything here is pure: the calendar and the windows are given.
"""

from __future__ import annotations

import calendar as calendar_module
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from .calendar import WorkingCalendar, expand_days


@dataclass(frozen=True)
class WindowRules:
    program: str
    start_share: float | None = None  # the window begins once this share of instructional days is complete
    minimum_days: int | None = None  # instructional days the window must include
    end_by: tuple[int, int] | None = None  # (month, day): the window ends by then or the last day, if sooner
    set_by: tuple[int, int] | None = None  # (month, day) in the autumn: windows are set by then

    @classmethod
    def from_dict(cls, program: str, raw: dict) -> WindowRules:
        def month_day(text: str | None) -> tuple[int, int] | None:
            if not text:
                return None
            month, day = (int(part) for part in str(text).split("-"))
            return month, day

        return cls(
            program,
            start_share=raw.get("start_after_share_of_instructional_days"),
            minimum_days=raw.get("minimum_instructional_days"),
            end_by=month_day(raw.get("end_by")),
            set_by=month_day(raw.get("set_by")),
        )


@dataclass(frozen=True)
class SchoolCalendar:
    """One school year's instructional days: working days from the first to the last day of school."""

    first_day: date
    last_day: date
    working: WorkingCalendar

    @property
    def start_year(self) -> int:
        return self.first_day.year if self.first_day.month >= 7 else self.first_day.year - 1

    def instructional_days(self) -> list[date]:
        return [d for d in expand_days(self.first_day, self.last_day) if self.working.is_working_day(d)]

    def count_between(self, start: date, end: date) -> int:
        return sum(1 for d in expand_days(start, end) if self.working.is_working_day(d))


@dataclass(frozen=True)
class WindowBreach:
    rule: str  # what the rule says
    detail: str  # how this window breaks it, with the dates


def _on_date(school_year_start: int, month_day: tuple[int, int], spring: bool) -> date:
    month, day = month_day
    return date(school_year_start + (1 if spring or month < 7 else 0), month, day)


def earliest_start(rules: WindowRules, calendar: SchoolCalendar) -> date | None:
    if rules.start_share is None:
        return None
    days = calendar.instructional_days()
    return days[max(math.ceil(rules.start_share * len(days)) - 1, 0)]


def latest_end(rules: WindowRules, calendar: SchoolCalendar) -> date:
    if rules.end_by is None:
        return calendar.last_day
    return min(calendar.last_day, _on_date(calendar.start_year, rules.end_by, spring=True))


def check_window(rules: WindowRules, calendar: SchoolCalendar, start: date, end: date) -> list[WindowBreach]:
    """How a site's window [start, end] breaks the program's rules (nothing when it keeps them)."""
    breaches = []
    if end < start:
        return [WindowBreach("a window ends after it starts", f"{start} to {end} ends before it starts")]
    first = earliest_start(rules, calendar)
    if first is not None and start < first:
        share = round((rules.start_share or 0) * 100)
        breaches.append(
            WindowBreach(
                f"it may not begin before {share}% of the school's instructional days are complete",
                f"starts {start}; {share}% are complete on {first}",
            )
        )
    if rules.minimum_days is not None:
        days = calendar.count_between(start, end)
        if days < rules.minimum_days:
            breaches.append(
                WindowBreach(
                    f"it must include at least {rules.minimum_days} consecutive instructional days",
                    f"{start} to {end} holds {days} (closures and holidays are not instructional days)",
                )
            )
    last = latest_end(rules, calendar)
    if end > last:
        cap = f"{calendar_module.month_name[rules.end_by[0]]} {rules.end_by[1]}" if rules.end_by else ""
        breaches.append(
            WindowBreach(
                "it ends by the last day of school" + (f" or {cap}, whichever comes first" if cap else ""),
                f"ends {end}; the latest allowed end is {last}",
            )
        )
    return breaches


def missing_window_breach(rules: WindowRules, school_year_start: int, today: date) -> WindowBreach | None:
    """A site without a window, once the day windows must be set by has passed."""
    if rules.set_by is None:
        return None
    deadline = _on_date(school_year_start, rules.set_by, spring=False)
    if today <= deadline:
        return None
    return WindowBreach(
        f"windows are set by {deadline:%B} {deadline.day}",
        f"no window was set by {deadline} (the allowable window becomes the selected one)",
    )


@dataclass(frozen=True)
class Proposal:
    earliest: tuple[date, date] | None  # the earliest compliant window of the minimum length
    latest: tuple[date, date] | None  # the latest one
    allowable: tuple[date, date] | None  # the whole span the rules allow


def propose(rules: WindowRules, calendar: SchoolCalendar) -> Proposal:
    """The earliest and latest compliant windows of the minimum length, and the whole allowable span."""
    days = calendar.instructional_days()
    first = earliest_start(rules, calendar) or days[0]
    last = latest_end(rules, calendar)
    usable = [d for d in days if first <= d <= last]
    need = rules.minimum_days or 1
    if len(usable) < need:
        return Proposal(None, None, None)
    return Proposal((usable[0], usable[need - 1]), (usable[-need], usable[-1]), (usable[0], usable[-1]))


def windows_in(rows: Iterable[dict], program: str) -> dict[str, dict]:
    """Each site's window row for ``program`` (case-insensitive)."""
    return {r["site_id"]: r for r in rows if str(r["program"]).upper() == program.upper()}
