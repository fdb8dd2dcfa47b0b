"""CAASPP testing-window rules (seed 003): each rule caught with the site, the rule and the dates;
compliant windows proposed from the school calendar."""

from __future__ import annotations

from datetime import date

import pytest
from typer.testing import CliRunner

from examdesk.bootstrap import build_app
from examdesk.cli import app as cli
from examdesk.cli.common import out
from examdesk.domain.window_rules import check_window, earliest_start, propose
from examdesk.services.data import load_district
from examdesk.services.windows import check_windows, program_rules, school_calendar

CAASPP = program_rules()["CAASPP"]


def windows_file(district, tmp_path, rows: list[str]) -> None:
    (tmp_path / "data" / "testing_windows.csv").write_text(
        "site_id,program,start_date,end_date\n" + "\n".join(rows) + "\n", encoding="utf-8"
    )


@pytest.fixture
def calendar(district):
    return school_calendar(build_app(district, "2026-27"))


def test_the_demo_windows_keep_every_rule_and_the_earliest_start_is_at_66_percent(calendar):
    days = calendar.instructional_days()
    first = earliest_start(CAASPP, calendar)
    assert days.index(first) + 1 == -(-66 * len(days) // 100)  # the day 66% of them are complete
    for start, end in [(date(2027, 4, 12), date(2027, 5, 21)), (date(2027, 4, 26), date(2027, 5, 28))]:
        assert check_window(CAASPP, calendar, start, end) == []


def test_each_rule_is_caught_with_the_dates(calendar):
    first = earliest_start(CAASPP, calendar)
    early = check_window(CAASPP, calendar, date(2027, 2, 1), date(2027, 3, 26))
    assert [b.rule for b in early] == ["it may not begin before 66% of the school's instructional days are complete"]
    assert early[0].detail == f"starts 2027-02-01; 66% are complete on {first}"
    short = check_window(CAASPP, calendar, date(2027, 5, 3), date(2027, 5, 21))
    assert [b.detail for b in short] == [
        "2027-05-03 to 2027-05-21 holds 15 (closures and holidays are not instructional days)"
    ]
    # spring break (March 29 - April 2) is not instructional: 20 days, though 25 weekdays
    around_break = check_window(CAASPP, calendar, date(2027, 3, 15), date(2027, 4, 16))
    assert "holds 20" in around_break[0].detail
    late = check_window(CAASPP, calendar, date(2027, 4, 12), date(2027, 6, 10))
    assert [b.detail for b in late] == ["ends 2027-06-10; the latest allowed end is 2027-06-03"]


def test_a_school_open_past_july_15_still_ends_by_july_15(district):
    from dataclasses import replace

    calendar = replace(school_calendar(build_app(district, "2026-27")), last_day=date(2027, 7, 30))
    late = check_window(CAASPP, calendar, date(2027, 5, 3), date(2027, 7, 20))
    assert [b.detail for b in late] == ["ends 2027-07-20; the latest allowed end is 2027-07-15"]
    assert late[0].rule == "it ends by the last day of school or July 15, whichever comes first"


def test_proposed_windows_hold_exactly_the_minimum_and_keep_every_rule(calendar):
    proposal = propose(CAASPP, calendar)
    for start, end in (proposal.earliest, proposal.latest):
        assert calendar.count_between(start, end) == 25
        assert check_window(CAASPP, calendar, start, end) == []
    assert proposal.earliest[0] == earliest_start(CAASPP, calendar) and proposal.latest[1] == date(2027, 6, 3)


def test_validate_names_the_site_the_rule_and_the_dates_and_a_site_without_a_window(district, tmp_path):
    windows_file(district, tmp_path, ["LIN,CAASPP,2027-02-01,2027-03-26", "RMS,CAASPP,2027-05-03,2027-05-21"])
    app = build_app(district, "2026-27", date(2026, 12, 2))
    _, report = load_district(app.settings, app.school_year)
    problems = [str(p) for p in check_windows(app, report, date(2026, 12, 2))]
    assert any("row 2, column 'start_date'" in p and "site LIN's CAASPP window" in p and "66%" in p for p in problems)
    assert any("row 3, column 'end_date'" in p and "site RMS" in p and "holds 15" in p for p in problems)
    assert any("site VHS: windows are set by December 1" in p for p in problems)
    before = build_app(district, "2026-27", date(2026, 11, 30))
    _, report = load_district(before.settings, before.school_year)
    assert not [p for p in check_windows(before, report, date(2026, 11, 30)) if "VHS" in str(p)]
    result = CliRunner().invoke(cli, ["validate", "--config", str(district)])
    assert result.exit_code == 1 and "site RMS's CAASPP window breaks a rule" in " ".join(result.output.split())


def test_windows_propose_prints_each_sites_window_and_compliant_ones(district, tmp_path, monkeypatch):
    monkeypatch.setattr(out, "width", 400)
    windows_file(district, tmp_path, ["LIN,CAASPP,2027-05-03,2027-05-21"])
    result = CliRunner().invoke(cli, ["windows", "propose", "--config", str(district)], terminal_width=200)
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "LIN" in said and "it must include at least 25 consecutive instructional days" in said
    assert "no window" in said  # RMS and VHS
