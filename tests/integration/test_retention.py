"""Records retention: student data past the program's retention period is listed by --dry-run and
removed only by --apply, which records what it removed; other years and the run history stay."""

from __future__ import annotations

from datetime import date

import pytest
from typer.testing import CliRunner

from conftest import edit_config
from examdesk.bootstrap import build_app
from examdesk.cli import app as cli
from examdesk.services import retention
from examdesk.settings import load_settings
from fakes import ledger_messages, task_statuses
from helpers import run_month

pytestmark = pytest.mark.slow


def test_dry_run_lists_and_apply_removes_student_data_past_retention_and_records_it(district):
    run_month(district, "january", today=date(2027, 1, 4))
    settings = load_settings(district)
    year_folder, outbox = settings.output_dir / "2026-27", settings.output_dir / "outbox" / "2027-01"
    assert any(year_folder.rglob("*.xlsx")) and any(outbox.glob("*.eml"))
    runner = CliRunner()

    kept = runner.invoke(cli, ["retention", "-c", str(district), "--dry-run", "--today", "2030-06-30"])
    assert kept.exit_code == 0 and "nothing is past retention" in kept.output
    assert "CAASPP: 3 year(s) after the school year ends" in kept.output and "2030-06-30" in kept.output
    listed = runner.invoke(cli, ["retention", "-c", str(district), "--dry-run", "--today", "2030-07-01"])
    assert "past retention: 2026-27" in listed.output
    assert any(outbox.glob("*.eml")) and ledger_messages(settings.ledger_url)  # a dry run removes nothing
    before = {y.school_year: y for y in retention.review(build_app(district))}["2026-27"]

    removed = runner.invoke(cli, ["retention", "-c", str(district), "--apply", "--today", "2030-07-01"])
    assert removed.exit_code == 0, removed.output
    assert f"removed 2026-27: {before.rows['documents']} document(s), {before.rows['messages']} message(s)" in (
        removed.output.replace("\n", " ")
    )
    assert not year_folder.exists() and not outbox.exists()
    assert ledger_messages(settings.ledger_url) == []
    app = build_app(district)
    with app.unit_of_work() as uow:
        assert uow.retention.counts("2026-27") == dict.fromkeys(before.rows, 0)
        [entry] = uow.retention.removed()
        assert uow.retention.school_years() == ["2026-27"]  # its runs (counts only) stay
    assert entry["school_year"] == "2026-27" and entry["counts"]["messages"] == before.rows["messages"] > 0
    assert entry["counts"]["files"] == before.files and entry["rule"].startswith("CAASPP: 3 year(s)")
    assert task_statuses(settings.ledger_url)  # what was done is still known, without the people
    status = runner.invoke(cli, ["status", "january", "-c", str(district), "--today", "2030-07-01"])
    assert status.exit_code == 0, status.output
    again = runner.invoke(cli, ["retention", "-c", str(district), "--apply", "--today", "2030-07-01"])
    assert "nothing removed" in again.output


def test_each_state_keeps_records_as_long_as_its_rules_say(district, tmp_path):
    edit_config(district, organisation__program="PARCC", organisation__subdivision="NM")
    windows = tmp_path / "data" / "testing_windows.csv"
    windows.write_text(windows.read_text(encoding="utf-8").replace(",CAASPP,", ",PARCC,"), encoding="utf-8")
    run_month(district, "january", today=date(2027, 1, 4))
    [year] = retention.review(build_app(district))
    assert year.kept_until == date(2032, 6, 30)  # New Mexico: five years
    result = CliRunner().invoke(cli, ["retention", "-c", str(district), "--dry-run"])
    assert "PARCC/NM: 5 year(s) after the school year ends" in result.output
    both = CliRunner().invoke(cli, ["retention", "-c", str(district)])
    assert both.exit_code == 2 and "--dry-run" in both.output
