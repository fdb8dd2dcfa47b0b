"""Parent exemptions (PGE) and not-tested codes (NTE): no timetable line and no result line for the test,
and a result for an exempted test is reported as a conflict."""

from __future__ import annotations

import csv

from examdesk.domain.calendar import SchoolYear
from examdesk.domain.timetables import sittings_for
from examdesk.services.data import load_district
from examdesk.settings import load_settings


def test_an_exempted_test_has_no_timetable_line_or_result_and_a_conflict_is_reported(district, tmp_path):
    data, report = load_district(load_settings(district), SchoolYear(2026))
    exemptions = list(csv.DictReader((tmp_path / "data" / "exemptions.csv").open(encoding="utf-8")))
    results = list(csv.DictReader((tmp_path / "data" / "results.csv").open(encoding="utf-8")))

    def exempt(student_id: str, test: str) -> bool:
        return any(e["student_id"] == student_id and e["test_code"] in (test, "ALL") for e in exemptions)

    conflicts = [(i, r) for i, r in enumerate(results, start=2) if exempt(r["student_id"], r["test_code"])]
    assert len(conflicts) == 1  # the demo's results file wrongly carries one
    row, result = conflicts[0]
    [problem] = [p for p in report.problems if "exemption" in p.message]
    assert (problem.file.endswith("results.csv"), problem.row, problem.column) == (True, row, "test_code")
    assert "exemptions.csv, row" in problem.message and "left out of letters" in problem.message
    assert not [r for r in data.results if exempt(r.student_id, r.test_code)]

    students = {s.student_id: s for s in data.students}
    for e in exemptions:
        student = students.get(e["student_id"])
        if student is None:
            continue
        tests = {x.session.test_code for x in sittings_for(data, student)}
        assert not [t for t in tests if exempt(student.student_id, t)]
    entered = {
        (s.student_id, x.test_code)
        for s in students.values()
        for x in data.sessions_by_student.get(s.student_id, [])
        if exempt(s.student_id, x.test_code)
    }
    assert entered  # they were entered for those tests: the exemption is what keeps them off the timetable
