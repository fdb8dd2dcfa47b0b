"""Records retention: student data is kept for the program's retention period after its school
year ends (config/programs.yaml: 3 years; DC 4, NM 5, MD 6), then removed by a deliberate
command, never automatically. What was removed is recorded (counts only) in the ledger."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from ..domain.calendar import SchoolYear
from .app import App

YEAR_FOLDER = re.compile(r"\d{4}-\d{2}")


@dataclass
class YearRecords:
    school_year: str
    removable_from: date  # the first day its student data may be removed
    rows: dict[str, int]  # ledger rows naming people, by kind
    paths: list[Path] = field(default_factory=list)  # folders holding its documents, messages and reports
    files: int = 0
    bytes: int = 0

    def past(self, today: date) -> bool:
        return today >= self.removable_from

    @property
    def kept_until(self) -> date:
        return self.removable_from - timedelta(days=1)


def review(app: App) -> list[YearRecords]:
    """Every school year examdesk holds student data of, with when it may be removed."""
    output = app.settings.output_dir
    with app.unit_of_work() as uow:
        years = set(uow.retention.school_years())
        years |= {p.name for p in output.glob("*") if p.is_dir() and YEAR_FOLDER.fullmatch(p.name)}
        records = []
        for label in sorted(years):
            school_year = SchoolYear.parse(label, app.school_year.first_month)  # the district's months
            paths = [output / label] + [output / "outbox" / m.key for m in school_year.months()]
            found = [p for p in paths if p.is_dir()]
            files = [f for p in found for f in p.rglob("*") if f.is_file()]
            records.append(
                YearRecords(
                    school_year=label,
                    removable_from=app.profile.retention_ends(school_year.last_day),
                    rows=uow.retention.counts(label),
                    paths=found,
                    files=len(files),
                    bytes=sum(f.stat().st_size for f in files),
                )
            )
    return records


def rule_text(app: App) -> str:
    return f"{app.profile.label}: {app.profile.retention_years} year(s) after the school year ends"


def apply(app: App, today: date) -> list[YearRecords]:
    """Remove the student data of every school year past its retention period: the ledger rows
    that name people (documents, messages, acknowledgements, failures), the year's document and
    report folder and its outbox. Run history and task statuses (counts and ids) stay."""
    removed = []
    for year in review(app):
        if not year.past(today) or not (year.files or any(year.rows.values())):
            continue
        with app.unit_of_work() as uow:
            uow.retention.remove(year.school_year)
            for path in year.paths:
                shutil.rmtree(path)
            counts = {**year.rows, "files": year.files, "bytes": year.bytes}
            uow.retention.log(year.school_year, rule_text(app), counts)
            uow.commit()
        removed.append(year)
    return removed


def log(app: App) -> list[dict]:
    with app.unit_of_work() as uow:
        return uow.retention.removed()
