"""Program profiles: the rules that differ by assessment program and state, read from data
(``config/programs.yaml``), never written in code: the testing-window rules, how long records
are kept, when and where an irregularity is reported, the result-letter deadline, and which
documents a state replaces with its own.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from ..errors import ConfigurationError
from .calendar import WorkingCalendar
from .window_rules import WindowRules

UNITS = ("hours", "school_days", "business_days", "days")


class ProfileError(ConfigurationError):
    pass


@dataclass(frozen=True)
class IrregularityRule:
    within: int = 2
    unit: str = "school_days"
    channel: str = ""  # where the report goes, for people

    def due(self, incident: date, calendar: WorkingCalendar) -> date:
        """The day the report is due: N working days after the incident, or for "N hours" the
        day the hours run out; a day that is not a working day moves to the one before."""
        if self.unit in ("school_days", "business_days"):
            return calendar.add_working_days(incident, self.within)
        days = math.ceil(self.within / 24) if self.unit == "hours" else self.within
        return max(incident, calendar.working_day_on_or_before(incident + timedelta(days=days)))

    @property
    def text(self) -> str:
        unit = self.unit.replace("_", " ")
        if self.within == 0:
            return "immediately"
        return f"within {self.within} {unit if self.within != 1 else unit.rstrip('s')}"


@dataclass(frozen=True)
class ResultLetterRule:
    working_days: int = 20
    rollover: bool = False  # after the last day of instruction: within the first N working days of next year

    def due(
        self, received: date, last_instructional_day: date, next_first_day: date | None, calendar: WorkingCalendar
    ) -> date | None:
        """When the letters must be out (None: it depends on next school year's first day, not known yet)."""
        if self.rollover and received > last_instructional_day:
            if next_first_day is None:
                return None
            first = (
                next_first_day
                if calendar.is_working_day(next_first_day)
                else calendar.add_working_days(next_first_day, 1)
            )
            return calendar.add_working_days(first, self.working_days - 1)
        return calendar.add_working_days(received, self.working_days)


@dataclass(frozen=True)
class ProgramProfile:
    program: str
    state: str | None
    window: WindowRules
    retention_years: int = 3
    irregularity: IrregularityRule = field(default_factory=IrregularityRule)
    result_letters: ResultLetterRule = field(default_factory=ResultLetterRule)
    replaces: Mapping[str, str] = field(default_factory=dict)  # family -> what the state uses instead
    forms: Mapping[str, str] = field(default_factory=dict)  # PARCC form -> the district's form filled instead

    @property
    def label(self) -> str:
        return f"{self.program}/{self.state}" if self.state else self.program

    def retention_ends(self, school_year_last_day: date) -> date:
        """The first day a school year's records may be removed."""
        last = school_year_last_day
        return date(last.year + self.retention_years, last.month, last.day) + timedelta(days=1)


def parse_profiles(raw: Mapping, source: str = "programs.yaml") -> dict[str, dict]:
    """Program name (upper case) -> its raw body, checked for shape."""
    if not isinstance(raw, Mapping):
        raise ProfileError(f"{source}: expected a mapping of programs")
    return {str(name).upper(): dict(body or {}) for name, body in raw.items()}


def profile_for(
    profiles: Mapping[str, dict], program: str, state: str | None, source: str = "programs.yaml"
) -> ProgramProfile:
    """The program's rules with the state's overrides on top."""
    body = profiles.get(program.upper())
    if body is None:
        raise ProfileError(
            f"{source}: no profile for program {program!r} (organisation.program; known: {', '.join(sorted(profiles))})"
        )
    merged = {k: v for k, v in body.items() if k != "states"}
    state_body = (body.get("states") or {}).get(state.upper() if state else "") or {}
    for key, value in state_body.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    where = f"{source}, {program}" + (f"/{state}" if state_body else "")
    try:
        irregularity = IrregularityRule(**(merged.get("irregularity") or {}))
        letters = ResultLetterRule(**(merged.get("result_letters") or {}))
    except TypeError as exc:
        raise ProfileError(f"{where}: {exc}") from None
    if irregularity.unit not in UNITS:
        raise ProfileError(f"{where}: irregularity unit {irregularity.unit!r} (expected one of {', '.join(UNITS)})")
    years = merged.get("retention_years", 3)
    if not isinstance(years, int) or years < 1:
        raise ProfileError(f"{where}: retention_years must be a whole number of years, at least 1 (got {years!r})")
    return ProgramProfile(
        program=program.upper(),
        state=state.upper() if state_body and state else None,
        window=WindowRules.from_dict(program.upper(), merged.get("testing_window") or {}),
        retention_years=years,
        irregularity=irregularity,
        result_letters=letters,
        replaces=dict(merged.get("replaces") or {}),
        forms=dict(merged.get("forms") or {}),
    )
