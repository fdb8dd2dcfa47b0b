import csv
from pathlib import Path

import pytest
from openpyxl import Workbook

from examdesk.domain.tables import FatalDataError
from examdesk.services.data import load_district
from examdesk.settings import load_settings


def rewrite_csv(path: Path, edit) -> None:
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    header = list(rows[0])
    rows, header = edit(rows, header)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def test_demo_data_problems_are_listed_and_valid_rows_go_on(district):
    data, report = load_district(load_settings(district))
    problems = [(Path(p.file).name, p.row, p.column, p.value) for p in report.problems]
    assert ("students.csv", 302, "site_id", "WHS") in problems
    assert ("students.csv", 303, "birth_date", "2016-02-30") in problems
    assert ("guardians.csv", 493, "email", "teresa.quiroz@example") in problems
    assert len(data.students) == 300 and len(data.staff) == 46


def test_each_kind_of_bad_row(district, tmp_path):
    settings = load_settings(district)
    students = settings.data_path("students")

    def edit(rows, header):
        rows[0]["grade"] = "third"
        rows[1]["english_learner"] = "maybe"
        rows[2]["student_id"] = rows[3]["student_id"]  # duplicate id
        rows[4]["first_name"] = ""
        rows[5]["home_language"] = "Klingon"
        return rows, header

    rewrite_csv(students, edit)
    data, report = load_district(settings)
    found = {(p.row, p.column): p.message for p in report.problems if p.file.endswith("students.csv")}
    assert "whole number" in found[(2, "grade")]
    assert "Y or N" in found[(3, "english_learner")]
    assert found[(5, "student_id")] == "duplicate student_id (first seen on row 4)"
    assert found[(6, "first_name")] == "is required"
    assert "not a known language" in found[(7, "home_language")]
    # a guardian of a rejected student is rejected too, naming the reference
    rejected_ids = {"9100000037"}  # row 2's student
    assert rejected_ids.isdisjoint(s.student_id for s in data.students)
    assert any(
        p.column == "student_id" and "unknown student" in p.message
        for p in report.problems
        if p.file.endswith("guardians.csv")
    )


def test_missing_required_column_stops_before_anything(district):
    settings = load_settings(district)
    rewrite_csv(
        settings.data_path("staff"),
        lambda rows, header: (
            [{k: v for k, v in r.items() if k != "email"} for r in rows],
            [h for h in header if h != "email"],
        ),
    )
    with pytest.raises(FatalDataError) as exc:
        load_district(settings)
    [problem] = exc.value.problems
    assert problem.file.endswith("staff.csv") and problem.column == "email" and problem.row == 1
    assert "required column is missing" in problem.message


def test_missing_files_are_all_reported(district):
    settings = load_settings(district)
    settings.data_path("sessions").unlink()
    settings.data_path("results").unlink()
    with pytest.raises(FatalDataError) as exc:
        load_district(settings)
    text = str(exc.value)
    assert "sessions.csv: file not found (setting data.sessions)" in text
    assert "results.csv: file not found (setting data.results)" in text


def test_xlsx_tables_load_like_csv(district):
    from conftest import edit_config

    settings = load_settings(district)
    src = settings.data_path("staff")
    with src.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    ws.append(["S999", "Bad", "Row", "nobody", "test_administrator", "LIN", ""])
    xlsx = src.with_suffix(".xlsx")
    wb.save(xlsx)
    edit_config(district, data__staff="staff.xlsx")
    data, report = load_district(load_settings(district))
    assert len(data.staff) == 46
    assert data.staff_by_id["S002"].full_name == "Marcus O'Neill"
    bad = [p for p in report.problems if p.file.endswith("staff.xlsx")]
    assert [(p.row, p.column, p.value) for p in bad] == [(len(rows) + 1, "email", "nobody")]


def test_validation_report_file_lists_every_problem(district, tmp_path):
    _, report = load_district(load_settings(district))
    path = report.write_csv(tmp_path / "report.csv")
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(report.problems) == 4  # three bad rows and one result for an exempted test
    assert set(rows[0]) == {"file", "row", "column", "value", "problem"}


def test_row_numbers_match_the_spreadsheet_and_a_bad_row_is_only_that_row(district):
    settings = load_settings(district)
    students = settings.data_path("students")
    lines = students.read_text(encoding="utf-8").splitlines()
    # row 2 valid, row 3 blank, row 4 one field too many, row 5 an invalid grade, row 6 outside the grades
    bad_grade = lines[3].split(",")
    bad_grade[3] = "third"
    high_grade = lines[4].split(",")
    high_grade[3] = "14"
    lines[2:5] = ["", lines[2] + ",surplus", ",".join(bad_grade), ",".join(high_grade)]
    students.write_text("\n".join(lines) + "\n", encoding="utf-8")
    data, report = load_district(settings)
    found = {(p.row, p.column): p.message for p in report.problems if p.file.endswith("students.csv")}
    assert found[(4, None)] == "has 15 fields but the header names 14 columns"
    assert "whole number" in found[(5, "grade")]
    assert found[(6, "grade")] == "is not one of the district's grades (0 to 12, setting data.grades)"
    assert len(data.students) == 300 - 3  # the three bad rows; every other row goes on


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ","), ("utf-8-sig", ","), ("utf-16", "\t")],  # plain, Excel's "CSV UTF-8", Excel's "Unicode text"
)
def test_tables_in_utf8_with_or_without_bom_and_excel_unicode_text_are_read(district, encoding, delimiter):
    settings = load_settings(district)
    staff = settings.data_path("staff")
    with staff.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    staff.write_bytes("\n".join(delimiter.join(r) for r in rows).encode(encoding))
    data, _ = load_district(settings)
    assert data.staff_by_id["S001"].full_name == "Renée Castillo"


def test_a_table_in_an_unidentifiable_encoding_is_refused_with_what_to_do(district):
    settings = load_settings(district)
    staff = settings.data_path("staff")
    staff.write_bytes(staff.read_text(encoding="utf-8").encode("cp1252"))
    with pytest.raises(FatalDataError) as exc:
        load_district(settings)
    assert "staff.csv: not UTF-8 text (byte 0xE9" in str(exc.value) and "CSV UTF-8" in str(exc.value)


def test_a_centre_s_candidate_numbers_ucis_and_tiers_are_checked(centre):
    data_dir = centre.parent.parent / "data"

    def students(rows, header):
        rows[2]["candidate_number"] = rows[1]["candidate_number"]  # row 4 takes row 3's number
        rows[3]["uci"] = "14725-26-1004"  # row 5: not a UCI
        return rows, header

    def entries(rows, header):
        maths = next(r for r in rows if r["specification_code"] == "8300")
        maths["tier"] = ""  # a tiered specification without its tier
        history = next(r for r in rows if r["specification_code"] == "1HI0")
        history["tier"] = "H"  # an untiered one with a tier
        return rows, header

    rewrite_csv(data_dir / "students.csv", students)
    rewrite_csv(data_dir / "exam_entries.csv", entries)
    data, report = load_district(load_settings(centre))
    found = {(p.file.rsplit("/", 1)[-1], p.row, p.column): p.message for p in report.problems}
    assert found[("students.csv", 4, "candidate_number")] == "is already the candidate number of the student on row 3"
    assert found[("students.csv", 5, "uci")] == "is not a UCI (13 capital letters and digits)"
    tier_problems = [m for (f, _, c), m in found.items() if f == "exam_entries.csv" and c == "tier"]
    assert sorted(tier_problems) == [
        "specification 1HI0 has no tiers: leave the tier empty",
        "specification 8300 is tiered: give the entry's tier (F or H)",
    ]
    assert len(data.students) == 298  # the two refused candidates; everyone else goes on


@pytest.mark.parametrize("text", ["NaN", "sNaN", "Infinity", "1e999999", "-1", "1.234", "12,50", "£", "abc"])
def test_a_fee_that_is_not_pounds_and_pence_is_refused_not_crashed_on(text):
    from examdesk.domain.tables import Column, _convert

    assert _convert(Column("entry_fee", "money"), text, {}) == (
        None,
        "is not an amount in pounds and pence (expected e.g. 48.60)",
    )


def test_fees_in_pounds_and_pence_are_read_exactly():
    from decimal import Decimal

    from examdesk.domain.tables import Column, _convert

    assert _convert(Column("entry_fee", "money"), "£48.60", {}) == (Decimal("48.60"), None)
    assert _convert(Column("entry_fee", "money"), "12", {}) == (Decimal("12"), None)


def test_a_paper_s_duration_and_a_room_s_size_must_be_sensible():
    from examdesk.domain.seating import row_name
    from examdesk.domain.tables import COMPONENTS, ROOMS, _convert

    duration = next(c for c in COMPONENTS.columns if c.name == "duration_minutes")
    rows = next(c for c in ROOMS.columns if c.name == "rows")
    assert _convert(duration, "0", {}) == (None, "is not between 1 and 600")
    assert _convert(duration, "99999999999999", {}) == (None, "is not between 1 and 600")  # no overflow later
    assert _convert(rows, "1000", {}) == (None, "is not between 1 and 100")
    assert [row_name(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]
