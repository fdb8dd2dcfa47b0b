"""A district on another program and state runs on the same engine, by data (config/programs.yaml):
what it sends, when incidents are due and where they go, which forms it uses."""

from __future__ import annotations

import io
import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from conftest import edit_config
from examdesk.bootstrap import build_app
from examdesk.services.data import load_district
from examdesk.services.windows import check_windows
from fakes import memory_app
from helpers import attachments, run_month

pytestmark = pytest.mark.slow  # whole months through the services

REPO = Path(__file__).resolve().parents[2]


def on_program(district: Path, tmp_path: Path, program: str, state: str) -> None:
    edit_config(district, organisation__program=program, organisation__subdivision=state, forms__state=state)
    windows = tmp_path / "data" / "testing_windows.csv"
    windows.write_text(windows.read_text(encoding="utf-8").replace(",CAASPP,", f",{program},"), encoding="utf-8")


def test_a_parcc_district_in_maryland_sends_no_parcc_agreement_and_reports_incidents_the_maryland_way(
    district, tmp_path
):
    on_program(district, tmp_path, "PARCC", "MD")
    app, transport = memory_app(district, date(2027, 3, 1))
    assert app.profile.label == "PARCC/MD" and app.profile.retention_years == 6
    march = run_month(None, "march", app=app)
    names = [n for _, m in transport.sent for n, _ in attachments(m)]
    assert not [n for n in names if n.startswith("security-agreement")]  # Maryland does not use them
    assert any(
        "PARCC/MD uses the Maryland State Non-Disclosure and Certification of Training forms instead" in n
        for n in march["notes"]
    )
    assert any(n.startswith("duty-timetable") for n in names)  # the rest of March goes out as usual

    app.today = date(2027, 4, 16)
    run_month(None, "april", app=app)
    [(to, message)] = [
        (to, m) for to, m in transport.sent if any(n == "irregularity-report_INC-001.pdf" for n, _ in attachments(m))
    ]
    body = message.get_body(("plain",)).get_content()
    # April 13: two school days in Maryland, to the LEA Accountability Coordinator
    assert "report it by April 15, 2027 (within 2 school days of the incident)" in body
    assert "LEA Accountability Coordinator (LAC)" in body
    [pdf] = [c for n, c in attachments(message) if n == "irregularity-report_INC-001.pdf"]
    fields = PdfReader(io.BytesIO(pdf)).get_fields()
    assert fields["report_due"]["/V"] == "04/15/2027"

    # the state sets PARCC windows: none of CAASPP's window rules is applied to them
    _, report = load_district(app.settings, app.school_year)
    assert check_windows(app, report, date(2027, 4, 16)) == []


def test_the_demo_on_caaspp_reports_within_24_hours_in_stairs(district):
    app, transport = memory_app(district, date(2027, 4, 16))
    run_month(None, "april", app=app)
    [message] = [m for _, m in transport.sent if any(n == "irregularity-report_INC-001.pdf" for n, _ in attachments(m))]
    body = message.get_body(("plain",)).get_content()
    assert "report it by April 14, 2027 (within 24 hours of the incident) via STAIRS" in body


def test_a_states_own_form_is_filled_in_place_of_the_parcc_one(district, tmp_path):
    forms = tmp_path / "forms"
    shutil.copytree(REPO / "forms", forms)
    shutil.copy(forms / "post_test_certification.pdf", forms / "state_certification.pdf")
    field_map = yaml.safe_load((forms / "post_test_certification.yaml").read_text(encoding="utf-8"))
    field_map["form"] = "state_certification.pdf"
    field_map["fields"]["role"] = '"State Site Assessment Coordinator"'
    (forms / "state_certification.yaml").write_text(yaml.safe_dump(field_map), encoding="utf-8")
    programs = yaml.safe_load((REPO / "config" / "programs.yaml").read_text(encoding="utf-8"))
    programs["CAASPP"]["forms"] = {"post_test_certification": "state_certification"}
    (tmp_path / "programs.yaml").write_text(yaml.safe_dump(programs), encoding="utf-8")
    edit_config(district, forms__directory=str(forms), programs=str(tmp_path / "programs.yaml"))

    app, transport = memory_app(district, date(2027, 5, 28))
    run_month(None, "may", app=app)
    certifications = [
        c for _, m in transport.sent for n, c in attachments(m) if n.startswith("post-test-certification")
    ]
    assert len(certifications) == 3
    assert {PdfReader(io.BytesIO(c)).get_fields()["role"]["/V"] for c in certifications} == {
        "State Site Assessment Coordinator"
    }
    assert build_app(district).profile.forms == {"post_test_certification": "state_certification"}


def test_results_after_the_last_day_of_instruction_are_due_in_the_first_20_working_days_of_next_year(
    district, tmp_path
):
    from examdesk.services.tracking.status import status_rows

    results = tmp_path / "data" / "results.csv"
    results.write_text(results.read_text(encoding="utf-8").replace(",2027-05-24", ",2027-06-10"), encoding="utf-8")
    app = build_app(district, "2026-27", date(2027, 6, 11))
    rows = {r["task_id"]: r for r in status_rows(app, app.today)}
    assert rows["caaspp-jun-02"]["due"] == "when results deadline is known"  # next school year not configured

    raw = yaml.safe_load(district.read_text(encoding="utf-8"))
    raw["school_years"].append(
        {"label": "2027-28", "first_instructional_day": "2027-08-11", "last_instructional_day": "2028-06-02"}
    )
    district.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    app = build_app(district, "2026-27", date(2027, 6, 11))
    rows = {r["task_id"]: r for r in status_rows(app, app.today)}
    # the 20th working day of 2027-28, counting its first (Labor Day skipped)
    assert rows["caaspp-jun-02"]["due"] == "2027-09-08"
