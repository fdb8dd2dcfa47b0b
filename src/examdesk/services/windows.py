"""Each site's testing window against its program's rules (config/programs.yaml), and the
compliant windows the school calendar allows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..adapters.programs_file import read_profiles
from ..domain.programs import profile_for
from ..domain.records import TestingWindow
from ..domain.tables import Problem
from ..domain.window_rules import Proposal, SchoolCalendar, WindowRules, check_window, missing_window_breach, propose
from .app import App
from .data import ValidationReport


def program_rules(app: App | None = None) -> dict[str, WindowRules]:
    """Testing-window rules by program (upper case), from the program profiles."""
    profiles = read_profiles(app.settings.programs_path if app else None)
    return {name: profile_for(profiles, name, None).window for name in profiles}


def school_calendar(app: App) -> SchoolCalendar:
    year = app.settings.school_year(app.school_year.label)
    return SchoolCalendar(year.first_instructional_day, year.last_instructional_day, app.calendar)


def check_windows(app: App, report: ValidationReport, today: date) -> list[Problem]:
    """Problems with the sites' windows, added to the testing_windows table's result (the rows are kept:
    the dates are the district's; the report says which rule they break)."""
    result = next((r for r in report.results if r.spec.name == "testing_windows"), None)
    if result is None:
        return []
    rules = program_rules(app)
    calendar = school_calendar(app)
    problems = []
    for row in result.rows:
        program = rules.get(str(row["program"]).upper())
        if program is None:
            continue
        for breach in check_window(program, calendar, row["start_date"], row["end_date"]):
            problems.append(
                Problem(
                    result.file,
                    row["_row"],
                    "start_date" if "begin" in breach.rule else "end_date",
                    f"{row['start_date']} to {row['end_date']}",
                    f"site {row['site_id']}'s {program.program} window breaks a rule: {breach.rule} ({breach.detail})",
                )
            )
    district_rules = rules.get(app.settings.organisation.program.upper())
    if district_rules is not None:
        have = {row["site_id"] for row in result.rows if str(row["program"]).upper() == district_rules.program.upper()}
        late = missing_window_breach(district_rules, app.school_year.start_year, today)
        testing = report.sites_with_students  # a site with no students tests nothing, so it needs no window
        for site in app.settings.sites:
            if site.id not in have and site.id in testing and late is not None:
                problems.append(Problem(result.file, None, None, "", f"site {site.id}: {late.rule}; {late.detail}"))
    result.problems.extend(problems)
    return problems


@dataclass(frozen=True)
class SiteProposal:
    site: str
    program: str
    current: tuple[date, date] | None
    breaches: list[str]
    proposal: Proposal


def proposals(app: App, windows: list[TestingWindow]) -> list[SiteProposal]:
    """Per site: its window for the district's program, the rules it breaks, and compliant windows."""
    rules = program_rules(app)
    program = app.settings.organisation.program
    site_rules = rules.get(program.upper(), WindowRules(program))
    calendar = school_calendar(app)
    current = {w.site_id: w for w in windows if w.program.upper() == program.upper()}
    out = []
    for site in app.settings.sites:
        found = current.get(site.id)
        window = (found.start_date, found.end_date) if found else None
        breaches = [b.rule for b in check_window(site_rules, calendar, *window)] if window else []
        out.append(SiteProposal(site.id, program, window, breaches, propose(site_rules, calendar)))
    return out
