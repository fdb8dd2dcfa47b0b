"""The centre's series worked out once per run: timetable with clashes resolved, seating, rota and
the rule findings; every family of the series reads the same plan."""

from __future__ import annotations

from dataclasses import dataclass

from .calendar import WorkingCalendar
from .centre_checks import Finding, check_series
from .centre_rules import CentreRules
from .centre_timetable import CentreTimetable, centre_timetable
from .families import FamilyInput
from .records import DistrictData
from .rota import INVIGILATOR, Rota, build_rota
from .seating import SeatingPlan, seat_series


@dataclass(frozen=True)
class SeriesPlan:
    timetable: CentreTimetable
    seating: SeatingPlan
    rota: Rota
    findings: list[Finding]


_PLANS: dict[int, tuple[object, SeriesPlan]] = {}  # one plan per district data object (a run holds one)


def plan_series(data: DistrictData, calendar: WorkingCalendar, rules: CentreRules) -> SeriesPlan:
    timetable = centre_timetable(data, calendar, rules.session_starts)
    seating = seat_series(timetable, data.series.rooms)
    rota = build_rota(seating, data.staff_with_role(INVIGILATOR), data.series.available, rules)
    return SeriesPlan(timetable, seating, rota, check_series(data, timetable, seating, rota, rules))


def series_plan(inp: FamilyInput) -> SeriesPlan:
    """The plan of the run's data, worked out by the first family that asks for it."""
    data = inp.data
    cached = _PLANS.get(id(data))
    if cached is not None and cached[0] is data:
        return cached[1]
    plan = plan_series(data, inp.calendar, inp.centre)
    _PLANS.clear()
    _PLANS[id(data)] = (data, plan)
    return plan
