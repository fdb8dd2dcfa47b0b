"""Load and validate the district's input tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..adapters.files import make_private_dir, write_atomic
from ..adapters.safe_csv import csv_text
from ..adapters.tables import TableReadError, read_table
from ..domain.calendar import SchoolYear
from ..domain.records import RECORD_OF_TABLE, DistrictData, Site, record_builder
from ..domain.tables import (
    OPTIONAL_TABLES,
    PROVIDES,
    TABLE_ORDER,
    TABLES,
    FatalDataError,
    Problem,
    TableResult,
    validate_table,
)
from ..settings import Settings

LARGE_TABLES = frozenset(RECORD_OF_TABLE)  # held once, as records


@dataclass
class ValidationReport:
    results: list[TableResult] = field(default_factory=list)
    sites_with_students: set[str] = field(default_factory=set)

    @property
    def problems(self) -> list[Problem]:
        return [p for r in self.results for p in r.problems]

    def summary_rows(self) -> list[dict]:
        return [
            {
                "table": r.spec.name,
                "file": r.file,
                "rows": r.total_rows,
                "valid": r.valid,
                "rejected": len(r.rejected_rows),
                "problems": len(r.problems),
            }
            for r in self.results
        ]

    @property
    def rejected(self) -> int:
        return sum(len(r.rejected_rows) for r in self.results)

    def write_csv(self, path: Path) -> Path:
        make_private_dir(path.parent)
        rows: list[list] = [["file", "row", "column", "value", "problem"]]
        rows += [
            [p.file, p.row if p.row is not None else "", p.column or "", p.value, p.message] for p in self.problems
        ]
        write_atomic(path, csv_text(rows).encode("utf-8"))
        return path


def _check_exemption_years(result: TableResult, school_year: SchoolYear) -> None:
    """A parent exemption counts only for the school year it is signed and dated for."""
    kept = []
    for row in result.rows:
        problem = None
        if row["school_year"] != school_year.label:
            problem = Problem(
                result.file,
                row["_row"],
                "school_year",
                row["school_year"],
                f"is not the current school year ({school_year.label})",
            )
        elif not school_year.first_day <= row["signed_date"] <= school_year.last_day:
            problem = Problem(
                result.file,
                row["_row"],
                "signed_date",
                row["signed_date"].isoformat(),
                f"is not dated in school year {school_year.label}",
            )
        if problem:
            result.problems.append(problem)
            result.rejected_rows.add(row["_row"])
        else:
            kept.append(row)
    result.rows = kept


def load_district(settings: Settings, school_year: SchoolYear | None = None) -> tuple[DistrictData, ValidationReport]:
    """Read every table, check it row by row; stop only on a missing file or column.

    All fatal problems (every missing file and column) are reported together.
    """
    sites = {s.id: Site(s.id, s.name, s.code, s.address) for s in settings.sites}
    low, high = settings.data.grades
    refs: dict[str, set[str]] = {"sites": set(sites), "grades": {str(g) for g in range(low, high + 1)}}
    report = ValidationReport()
    fatal: list[Problem] = []
    rows: dict[str, list[dict]] = {}
    for name in TABLE_ORDER:
        if name in OPTIONAL_TABLES and getattr(settings.data, name) is None:
            continue
        path = settings.data_path(name)
        shown = _display(path, settings)
        if not path.is_file():
            fatal.append(Problem(shown, None, None, "", f"file not found (setting data.{name})"))
            continue
        try:
            header, raw_rows = read_table(path)
            build = record_builder(RECORD_OF_TABLE[name]) if name in LARGE_TABLES else None
            result = validate_table(TABLES[name], shown, header, raw_rows, refs, build)
        except TableReadError as exc:
            fatal.append(Problem(shown, None, None, "", str(exc).split(": ", 1)[-1]))
            continue
        except FatalDataError as exc:
            fatal.extend(exc.problems)
            continue
        if name == "exemptions" and school_year is not None:
            _check_exemption_years(result, school_year)
        report.results.append(result)
        rows[name] = result.rows
        if name in PROVIDES:
            ref_name, column = PROVIDES[name]
            refs[ref_name] = {r[column] if isinstance(r, dict) else getattr(r, column) for r in result.rows}
    if fatal:
        raise FatalDataError(fatal)
    by_name = {r.spec.name: r for r in report.results}
    if "students" in by_name:
        _check_candidate_numbers(by_name["students"])
        rows["students"] = by_name["students"].rows
    if "exam_entries" in by_name and "components" in by_name:
        _check_tiers(by_name["exam_entries"], by_name["components"])
        rows["exam_entries"] = by_name["exam_entries"].rows
    if "results" in by_name and "exemptions" in by_name:
        _check_results_against_exemptions(by_name["results"], by_name["exemptions"])
        rows["results"] = by_name["results"].rows
    data = DistrictData.from_rows(sites, rows)
    report.sites_with_students = {s.site_id for s in data.students}
    for result in report.results:
        if result.spec.name in LARGE_TABLES:  # the records hold the data now: memory stays one copy
            result.release_rows()
    return data, report


def _check_candidate_numbers(students: TableResult) -> None:
    """A candidate number is the centre's, one per candidate: a second candidate with it is refused."""
    first: dict[str, int] = {}
    kept, numbers = [], []
    for student, row_no in zip(students.rows, students.numbers, strict=True):
        number = student.candidate_number
        if number and number in first:
            students.problems.append(
                Problem(
                    students.file,
                    row_no,
                    "candidate_number",
                    number,
                    f"is already the candidate number of the student on row {first[number]}",
                )
            )
            students.rejected_rows.add(row_no)
            continue
        if number:
            first[number] = row_no
        kept.append(student)
        numbers.append(row_no)
    students.rows, students.numbers = kept, numbers


def _check_tiers(entries: TableResult, components: TableResult) -> None:
    """An entry for a tiered specification (papers marked F or H) names its tier, and an entry for an
    untiered one names none: otherwise the candidate would be timetabled for both tiers, or for none."""
    tiered = {c["specification_code"] for c in components.rows if c["tier"]}
    kept = []
    for row in entries.rows:
        code, tier = row["specification_code"], row["tier"]
        message = None
        if code in tiered and not tier:
            message = f"specification {code} is tiered: give the entry's tier (F or H)"
        elif tier and code not in tiered:
            message = f"specification {code} has no tiers: leave the tier empty"
        if message:
            entries.problems.append(Problem(entries.file, row["_row"], "tier", tier or "", message))
            entries.rejected_rows.add(row["_row"])
        else:
            kept.append(row)
    entries.rows = kept


def _check_results_against_exemptions(results: TableResult, exemptions: TableResult) -> None:
    """A result for a test the student was exempted from is a conflict: reported, and left out of letters.
    (Results are records by now, their row numbers beside them; exemptions are a small table of rows.)"""
    exempt = {(e["student_id"], e["test_code"]): e for e in exemptions.rows}
    kept, numbers = [], []
    for result, row_no in zip(results.rows, results.numbers, strict=True):
        e = exempt.get((result.student_id, result.test_code)) or exempt.get((result.student_id, "ALL"))
        if e is None:
            kept.append(result)
            numbers.append(row_no)
            continue
        results.problems.append(
            Problem(
                results.file,
                row_no,
                "test_code",
                result.test_code,
                f"the student has a {e['condition_code']} exemption for this test ({exemptions.file}, row "
                f"{e['_row']}); the result is left out of letters until one of the two is corrected",
            )
        )
        results.rejected_rows.add(row_no)
    results.rows, results.numbers = kept, numbers


def _display(path: Path, settings: Settings) -> str:
    try:
        return str(path.relative_to(settings.base_dir.parent))
    except ValueError:
        return str(path)
