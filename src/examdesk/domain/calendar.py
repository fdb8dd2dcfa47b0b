"""School years, months and working-day arithmetic."""

from __future__ import annotations

import calendar as _calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from ..errors import ConfigurationError

MONTH_NAMES = [m.lower() for m in _calendar.month_name]  # index 1..12
MONTH_ABBRS = [m.lower() for m in _calendar.month_abbr]
# A US school year runs July..June; this is the order the checklist uses. An exam centre's year
# may start in another month (a UK centre: September, so that August's results day is in it).
SCHOOL_YEAR_MONTHS = (7, 8, 9, 10, 11, 12, 1, 2, 3, 4, 5, 6)


class CalendarError(ConfigurationError):
    """A month, school year or date expression that cannot be understood."""


@dataclass(frozen=True, order=True)
class SchoolYear:
    """A school year such as 2026-27: July 1 2026 .. June 30 2027 (``first_month`` 7), or for a UK
    exam centre September 1 2026 .. August 31 2027 (``first_month`` 9)."""

    start_year: int
    first_month: int = 7

    @classmethod
    def parse(cls, text: str, first_month: int = 7) -> SchoolYear:
        m = re.fullmatch(r"\s*(\d{4})\s*[-/–]\s*(\d{2}|\d{4})\s*", str(text))
        if not m:
            raise CalendarError(f"school year {text!r}: expected a form like 2026-27")
        start, end = int(m.group(1)), m.group(2)
        end_year = int(end) if len(end) == 4 else (start // 100) * 100 + int(end)
        if end_year != start + 1:
            raise CalendarError(f"school year {text!r}: the second year must follow the first")
        return cls(start, first_month)

    @classmethod
    def containing(cls, day: date, first_month: int = 7) -> SchoolYear:
        return cls(day.year if day.month >= first_month else day.year - 1, first_month)

    @property
    def label(self) -> str:
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}"

    @property
    def first_day(self) -> date:
        return date(self.start_year, self.first_month, 1)

    @property
    def last_day(self) -> date:
        return date(self.start_year + 1, self.first_month, 1) - timedelta(days=1)

    @property
    def span_text(self) -> str:
        """'July 1 to June 30'."""
        last = self.last_day
        return f"{_calendar.month_name[self.first_month]} 1 to {_calendar.month_name[last.month]} {last.day}"

    def year_of_month(self, month: int) -> int:
        return self.start_year if month >= self.first_month else self.start_year + 1

    def month(self, month: int) -> Month:
        return Month(self.year_of_month(month), month)

    def month_numbers(self) -> tuple[int, ...]:
        """The year's months in order: 7..12, 1..6 (or 9..12, 1..8)."""
        return tuple((self.first_month - 1 + i) % 12 + 1 for i in range(12))

    def months(self) -> list[Month]:
        return [self.month(m) for m in self.month_numbers()]

    def contains(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, _calendar.monthrange(self.year, self.month)[1])

    @property
    def name(self) -> str:
        return MONTH_NAMES[self.month]

    @property
    def key(self) -> str:
        return f"{self.year}-{self.month:02d}"

    def contains(self, day: date) -> bool:
        return (day.year, day.month) == (self.year, self.month)

    def __str__(self) -> str:
        return f"{_calendar.month_name[self.month]} {self.year}"


def parse_month_number(text: str) -> int:
    """'september', 'Sep', 'sept', '9' -> 9."""
    t = str(text).strip().lower().rstrip(".")
    if t.isdigit() and 1 <= int(t) <= 12:
        return int(t)
    if t in MONTH_NAMES[1:]:
        return MONTH_NAMES.index(t)
    if t in MONTH_ABBRS[1:]:
        return MONTH_ABBRS.index(t)
    if t == "sept":
        return 9
    raise CalendarError(f"month {text!r}: expected a month name (september), abbreviation (sep) or YYYY-MM")


def parse_month(text: str, school_year: SchoolYear | None) -> Month:
    """Parse 'september', 'sep' or '2026-09'.

    A bare month name belongs to ``school_year``; a YYYY-MM month must fall inside it
    when one is given.
    """
    m = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", str(text))
    if m:
        month_no = int(m.group(2))
        if not 1 <= month_no <= 12:
            raise CalendarError(f"month {text!r}: month number must be 1..12")
        month = Month(int(m.group(1)), month_no)
        if school_year is not None and not school_year.contains(month.first_day):
            raise CalendarError(f"month {text!r} is not in school year {school_year.label}")
        return month
    if school_year is None:
        raise CalendarError(f"month {text!r}: a school year is needed to place a month name")
    return school_year.month(parse_month_number(text))


def expand_days(start: date, end: date | None = None) -> list[date]:
    end = end or start
    if end < start:
        raise CalendarError(f"date range {start}..{end} ends before it starts")
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


@dataclass(frozen=True)
class WorkingCalendar:
    """Working days skip weekends, public holidays and the district's own closures."""

    holidays: frozenset[date] = field(default_factory=frozenset)
    closures: frozenset[date] = field(default_factory=frozenset)

    @classmethod
    def build(cls, holidays: Iterable[date], closures: Iterable[date]) -> WorkingCalendar:
        return cls(frozenset(holidays), frozenset(closures))

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.holidays and day not in self.closures

    def add_working_days(self, day: date, count: int) -> date:
        """Move ``count`` working days from ``day`` (negative moves back).

        Zero returns ``day`` itself if it is a working day, else the next working day.
        """
        step = 1 if count >= 0 else -1
        remaining = abs(count)
        current = day
        if remaining == 0:
            while not self.is_working_day(current):
                current += timedelta(days=1)
            return current
        while remaining:
            current += timedelta(days=step)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def working_day_on_or_before(self, day: date) -> date:
        """``day`` if it is a working day, else the working day before it."""
        while not self.is_working_day(day):
            day -= timedelta(days=1)
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end], i.e. how many were added to get from start to end."""
        if end < start:
            return -self.working_days_between(end, start)
        return (
            sum(1 for d in expand_days(start + timedelta(days=1), end) if self.is_working_day(d)) if end > start else 0
        )

    def first_working_day_of(self, month: Month) -> date:
        return self.add_working_days(month.first_day, 0)
