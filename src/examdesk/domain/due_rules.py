"""Due rules of checklist tasks: parsed from text, resolved against a school year.

Grammar (case-insensitive):
    "July 1" | "Dec 1"                          a fixed date in the school year
    "end of month"                              last day of the task's month
    "on EVENT"                                  the day of a named event
    "N working days|days|weeks|months before|after EVENT"

A resolved date is always a working day: one that lands on a weekend, a public holiday or a
district closure moves to the working day before it (nothing is due on the first day of a break).
A fixed date is the first such date on or after the start of the task's month: an April task
"due July 1" is due on the July 1 that follows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from ..errors import ConfigurationError
from .calendar import CalendarError, Month, SchoolYear, WorkingCalendar, parse_month_number


class DueRuleError(ConfigurationError):
    pass


@dataclass(frozen=True)
class Due:
    """A resolved due date, or why there is none yet."""

    day: date | None
    waiting_for: str | None = None


class DueRule:
    text: str
    events: tuple[str, ...] = ()

    def resolve(self, ctx: DueContext, month: Month | None) -> Due:
        due = self._resolve(ctx, month)
        if due.day is None:
            return due
        return Due(ctx.calendar.working_day_on_or_before(due.day))

    def _resolve(self, ctx: DueContext, month: Month | None) -> Due:  # pragma: no cover
        raise NotImplementedError


@dataclass(frozen=True)
class DueContext:
    school_year: SchoolYear
    calendar: WorkingCalendar
    events: dict[str, date]


@dataclass(frozen=True)
class NoDue(DueRule):
    text: str = ""

    def _resolve(self, ctx, month):
        return Due(None)


@dataclass(frozen=True)
class FixedDate(DueRule):
    text: str
    month: int
    day: int

    def _resolve(self, ctx, month):
        year = ctx.school_year.year_of_month(self.month)
        day = date(year, self.month, self.day)
        if month is not None and day < month.first_day:
            day = date(year + 1, self.month, self.day)
        return Due(day)


@dataclass(frozen=True)
class EndOfMonth(DueRule):
    text: str

    def _resolve(self, ctx, month):
        if month is None:
            raise DueRuleError(f"{self.text!r} needs a task month")
        return Due(month.last_day)


@dataclass(frozen=True)
class EventOffset(DueRule):
    text: str
    event: str
    amount: int  # signed: negative = before
    unit: str  # working_days | days | weeks | months

    @property
    def events(self) -> tuple[str, ...]:  # type: ignore[override]
        return (self.event,)

    def _resolve(self, ctx, month):
        anchor = ctx.events.get(self.event)
        if anchor is None:
            return Due(None, waiting_for=self.event)
        if self.unit == "working_days":
            return Due(ctx.calendar.add_working_days(anchor, self.amount))
        if self.unit == "days":
            return Due(anchor + timedelta(days=self.amount))
        if self.unit == "weeks":
            return Due(anchor + timedelta(weeks=self.amount))
        return Due(anchor + relativedelta(months=self.amount))


_UNITS = {
    "working day": "working_days",
    "working days": "working_days",
    "school day": "working_days",
    "school days": "working_days",
    "business day": "working_days",
    "business days": "working_days",
    "day": "days",
    "days": "days",
    "week": "weeks",
    "weeks": "weeks",
    "month": "months",
    "months": "months",
}
_OFFSET = re.compile(
    r"(?P<n>\d+)\s+(?P<unit>working days?|school days?|business days?|days?|weeks?|months?)\s+"
    r"(?P<dir>before|after)\s+(?P<event>[a-z_][a-z0-9_]*)"
)
_FIXED = re.compile(r"(?P<month>[a-z]+)\.?\s+(?P<day>\d{1,2})")
_ON = re.compile(r"on\s+(?P<event>[a-z_][a-z0-9_]*)")


def parse_due_rule(text: str | None) -> DueRule:
    if text is None or str(text).strip() == "":
        return NoDue()
    t = " ".join(str(text).strip().lower().split())
    if t in {"end of month", "by end of month"}:
        return EndOfMonth(text)
    if m := _OFFSET.fullmatch(t):
        n = int(m["n"]) * (-1 if m["dir"] == "before" else 1)
        return EventOffset(text, m["event"], n, _UNITS[m["unit"]])
    if m := _ON.fullmatch(t):
        return EventOffset(text, m["event"], 0, "days")
    if m := _FIXED.fullmatch(t):
        try:
            month_no = parse_month_number(m["month"])
            date(2000 if month_no != 2 else 2000, month_no, int(m["day"]))  # leap year accepts Feb 29
        except (CalendarError, ValueError) as exc:
            raise DueRuleError(f"due {text!r}: {exc}") from None
        return FixedDate(text, month_no, int(m["day"]))
    raise DueRuleError(
        f"due {text!r}: expected 'July 1', 'end of month', 'on EVENT' or "
        "'N working days|days|weeks|months before|after EVENT'"
    )


WINDOW_EVENTS = frozenset({"testing_window_start", "testing_window_end"})  # each site has its own
STANDARD_EVENTS = (
    "first_instructional_day",
    "last_instructional_day",
    "testing_window_start",
    "testing_window_end",
    "results_received",
    "results_deadline",  # when result letters must be out: the program's rule (config/programs.yaml)
)


def district_events(
    first_instructional_day: date,
    last_instructional_day: date,
    extra: dict[str, date],
    testing_window: tuple[date, date] | None,
    results_received: date | None,
    results_deadline: date | None = None,
) -> dict[str, date]:
    """The dated events due rules can name: the school year's, the testing window's (once known),
    the results' arrival (once known), and the district's own (``school_years[].events``)."""
    events = {
        "first_instructional_day": first_instructional_day,
        "last_instructional_day": last_instructional_day,
    }
    if testing_window:
        events["testing_window_start"], events["testing_window_end"] = testing_window
    if results_received:
        events["results_received"] = results_received
    if results_deadline:
        events["results_deadline"] = results_deadline
    events.update(extra)
    return events


def format_due(due: Due, format_date: Callable[[date], str] = date.isoformat) -> str:
    """A due date for people: the date, or what it waits for."""
    if due.day is not None:
        return format_date(due.day)
    return f"when {due.waiting_for.replace('_', ' ')} is known" if due.waiting_for else "—"
