"""January (and during testing): a student list per site for its coordinator, with condition codes."""

import csv
import io
from datetime import date

from openpyxl import load_workbook

from examdesk.settings import load_settings
from helpers import attachments, read_outbox, run_month


def test_each_site_coordinator_gets_their_own_sites_students(district, tmp_path):
    run_month(district, "january", today=date(2027, 1, 4))
    data = tmp_path / "data"
    with (data / "students.csv").open(encoding="utf-8") as fh:
        students = [
            r for r in csv.DictReader(fh) if r["site_id"] in {"LIN", "RMS", "VHS"} and r["birth_date"] != "2016-02-30"
        ]
    with (data / "staff.csv").open(encoding="utf-8") as fh:
        coordinators = {r["email"]: r["site_id"] for r in csv.DictReader(fh) if r["role"] == "site_coordinator"}
    with (data / "exemptions.csv").open(encoding="utf-8") as fh:
        exemptions = list(csv.DictReader(fh))
    with (data / "entries.csv").open(encoding="utf-8") as fh:
        entries = list(csv.DictReader(fh))
    settings = load_settings(district)
    lists = {}
    for msg in read_outbox(settings.output_dir, "2027-01"):
        for filename, content in attachments(msg):
            if filename.endswith(".xlsx"):
                lists[msg["To"].addresses[0].addr_spec] = load_workbook(io.BytesIO(content))["Students"]
    assert set(lists) == set(coordinators)
    for email, site in coordinators.items():
        ws = lists[email]
        header = [c.value for c in ws[1]]
        assert header[:4] == ["Student ID", "Last name", "First name", "Grade"]
        assert ws.freeze_panes == "A2"
        rows = {r[0]: dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)}
        assert set(rows) == {s["student_id"] for s in students if s["site_id"] == site}
        for s in students:
            if s["student_id"] not in rows:
                continue
            row = rows[s["student_id"]]
            assert row["Last name"] == s["last_name"] and row["Grade"] == int(s["grade"])
            assert (row["Accommodations"] or "") == "; ".join(a for a in s["accommodations"].split(";") if a)
            tests = sorted(
                {
                    e["session_id"].split("-", 2)[2].rsplit("-", 1)[0]
                    for e in entries
                    if e["student_id"] == s["student_id"]
                }
            )
            assert (row["Tests assigned"] or "") == ", ".join(tests)
            for e in exemptions:
                if e["student_id"] == s["student_id"]:
                    assert f"{e['condition_code']} ({e['test_code']})" in row["Condition codes"]


def test_exemption_for_another_school_year_is_rejected(district, tmp_path):
    from examdesk.bootstrap import build_app
    from examdesk.services.data import load_district

    path = tmp_path / "data" / "exemptions.csv"
    rows = path.read_text(encoding="utf-8").splitlines()
    first = rows[1].split(",")
    first[3], first[4] = "2025-26", "2026-03-01"
    second = rows[2].split(",")
    second[4] = "2026-05-01"  # signed before this school year began
    path.write_text("\n".join([rows[0], ",".join(first), ",".join(second), *rows[3:]]) + "\n", encoding="utf-8")
    app = build_app(district, "2026-27")
    data, report = load_district(app.settings, app.school_year)
    found = {(p.row, p.column): p.message for p in report.problems if p.file.endswith("exemptions.csv")}
    assert found[(2, "school_year")] == "is not the current school year (2026-27)"
    assert found[(3, "signed_date")] == "is not dated in school year 2026-27"
    assert len(data.exemptions) == len(rows) - 3
