"""The six PDF forms produced by the demo year, read back with pypdf, and returned copies imported."""

from __future__ import annotations

import csv
import io
import shutil
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from examdesk.adapters.pdfforms import flatten
from examdesk.bootstrap import build_app
from examdesk.cli import app as cli
from examdesk.services.tracking.acks import import_returns
from examdesk.services.tracking.returns import return_rows, returns_by_task
from examdesk.settings import load_settings
from helpers import attachments, read_outbox, run_month

pytestmark = pytest.mark.slow  # whole months through the services, real servers or processes


REPO = Path(__file__).resolve().parents[2]


def rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def pdfs(config: Path, month_key: str, prefix: str) -> dict[str, tuple[str, dict, str]]:
    """filename -> (recipient, field values, page text) of every PDF attachment starting with prefix."""
    out = {}
    for msg in read_outbox(load_settings(config).output_dir, month_key):
        for filename, content in attachments(msg):
            if filename.startswith(prefix) and filename.endswith(".pdf"):
                reader = PdfReader(io.BytesIO(content))
                values = {k: v.get("/V") for k, v in reader.get_fields().items()}
                out[filename] = (msg["To"].addresses[0].addr_spec, values, reader.pages[0].extract_text())
    return out


def test_designation_in_july_and_april_and_paper_exam_requests_in_december(district, tmp_path):
    data = tmp_path / "data"
    staff = rows(data / "staff.csv")
    superintendent = next(s for s in staff if s["role"] == "superintendent")
    coordinator = next(s for s in staff if s["role"] == "district_coordinator")
    run_month(district, "july", today=date(2026, 7, 1))
    run_month(district, "april", today=date(2027, 4, 1))
    july = pdfs(district, "2026-07", "coordinator-designation")
    april = pdfs(district, "2027-04", "coordinator-designation")
    assert list(july) == ["coordinator-designation_2026-27.pdf"] and list(april) == [
        "coordinator-designation_2027-28.pdf"
    ]
    for (to, values, _), year, retain in ((*july.values(), "2026-27", "/Off"), (*april.values(), "2027-28", "/Yes")):
        assert to == superintendent["email"]
        assert values["school_year"] == year
        assert values["designee_name"] == f"{coordinator['first_name']} {coordinator['last_name']}"
        assert values["retain_current"] in ((None, "/Off") if retain == "/Off" else ("/Yes",))
        assert values["document_id"].startswith("ED-")
        assert values["return_by"] == f"07/01/{year[:4]}"  # the fixed deadline, not the month's end
    designation_dues = sorted(r.due for r in return_rows(build_app(district)) if r.task_id.startswith("caaspp-"))
    assert designation_dues == [date(2026, 7, 1), date(2027, 7, 1)]

    run_month(district, "december", today=date(2026, 12, 1))
    requests = pdfs(district, "2026-12", "paper-exam-request")
    students = [
        s
        for s in rows(data / "students.csv")
        if ("Braille" in s["accommodations"] or "Large print" in s["accommodations"])
        and (s["iep"] == "Y" or s["plan_504"] == "Y")
    ]
    assert len(requests) == len(students) > 0
    by_student = {v["student_id"]: (to, v) for to, v, _ in requests.values()}
    for s in students:
        to, values = by_student[s["student_id"]]
        assert to == coordinator["email"]
        assert values["student_name"] == f"{s['first_name']} {s['last_name']}"
        assert values["version"] == ("/braille" if "Braille" in s["accommodations"] else "/large_print")
        assert values["plan"] == ("/iep" if s["iep"] == "Y" else "/504")


def test_irregularity_materials_and_certification_forms_after_testing(district, tmp_path):
    data = tmp_path / "data"
    incidents = rows(data / "incidents.csv")
    sessions = {s["session_id"]: s for s in rows(data / "sessions.csv")}
    roster = rows(data / "students.csv")
    for student in roster:  # the first incident's student has a name Helvetica cannot draw
        if student["student_id"] == incidents[0]["student_id"]:
            student["first_name"], student["last_name"] = "Ánh", "Nguyễn 阮"
    with (data / "students.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(roster[0]))
        writer.writeheader()
        writer.writerows(roster)
    students = {s["student_id"]: s for s in roster}
    coordinators = {s["site_id"]: s for s in rows(data / "staff.csv") if s["role"] == "site_coordinator"}
    run_month(district, "april", today=date(2027, 4, 1))  # nothing has happened yet: nothing is reported
    assert pdfs(district, "2027-04", "irregularity-report") == {}
    run_month(district, "april", today=date(2027, 4, 14))  # the day after INC-001 (April 13)
    assert list(pdfs(district, "2027-04", "irregularity-report")) == ["irregularity-report_INC-001.pdf"]
    run_month(district, "april", today=date(2027, 4, 30))  # the other two, and INC-001 not again
    reports = pdfs(district, "2027-04", "irregularity-report")
    assert sorted(reports) == sorted(f"irregularity-report_{i['incident_id']}.pdf" for i in incidents)
    # CAASPP: within 24 hours, in STAIRS (config/programs.yaml); each demo incident falls on a Monday or Tuesday
    due = {"INC-001": "04/14/2027", "INC-002": "04/27/2027", "INC-003": "04/20/2027"}
    for incident in incidents:
        to, values, text = reports[f"irregularity-report_{incident['incident_id']}.pdf"]
        session = sessions[incident["session_id"]]
        assert to == coordinators[session["site_id"]]["email"]
        day = date.fromisoformat(incident["incident_date"])
        assert values["incident_date"] == day.strftime("%m/%d/%Y")
        assert values["report_due"] == due[incident["incident_id"]]
        assert values["description"] == incident["description"] and values["grade"] == session["grade"]
        assert values["mode"] == "/CBT"
        if incident["student_id"]:
            s = students[incident["student_id"]]
            assert (
                values["student_id"] == s["student_id"]
                and values["student_name"] == f"{s['first_name']} {s['last_name']}"
            )

    first = next(
        content
        for msg in read_outbox(load_settings(district).output_dir, "2027-04")
        for name, content in attachments(msg)
        if name == f"irregularity-report_{incidents[0]['incident_id']}.pdf"
    )
    flat = PdfReader(io.BytesIO(flatten(first, "irregularity_report.pdf"))).pages[0].extract_text()
    assert "Ánh Nguyễn 阮" in flat  # drawn with an embedded font, read back through its ToUnicode map

    # what the returns table says is missing, short or damaged, computed here from the CSVs
    run_month(district, "may", today=date(2027, 5, 3))  # every site still testing: nothing to reconcile
    assert pdfs(district, "2027-05", "materials-report") == {}
    run_month(district, "may", today=date(2027, 5, 28))  # the last windows end today
    materials = {m["security_number"]: m for m in rows(data / "materials.csv") if m["session_id"]}
    returns = {r["security_number"]: r for r in rows(data / "returns.csv")}
    expected: dict[str, set[str]] = {}
    for number, m in materials.items():
        r = returns.get(number)
        if r is None or r["disposition"] in ("missing", "damaged") or int(r["quantity_returned"]) < int(m["quantity"]):
            expected.setdefault(m["site_id"], set()).add(number)
    for number, r in returns.items():
        if number not in materials:
            expected.setdefault(r["site_id"], set()).add(number)
    forms = pdfs(district, "2027-05", "materials-report")
    found: dict[str, set[str]] = {}
    for filename, (to, values, _) in forms.items():
        site = filename.removesuffix(".pdf").split("_")[1]
        assert to == coordinators[site]["email"]
        assert values["school_code"] and values["state"] == "CA"
        found.setdefault(site, set()).update(
            values[f"item{i}_barcodes"] for i in range(1, 9) if values[f"item{i}_barcodes"]
        )
        assert all(values[f"item{i}_administration"] in ("Spring", " ", "", None) for i in range(1, 9))
    assert found == expected

    # each site certified on the day its window ended (LIN on May 21, RMS and VHS today): keyed to May,
    # so June's run, which looks back at May, sends none of them again
    certifications = pdfs(district, "2027-05", "post-test-certification")
    run_month(district, "june", today=date(2027, 6, 1))
    assert pdfs(district, "2027-06", "post-test-certification") == {}
    assert sorted(certifications) == sorted(f"post-test-certification_{s}.pdf" for s in coordinators)
    for site, coordinator in coordinators.items():
        to, values, _ = certifications[f"post-test-certification_{site}.pdf"]
        issued = [m for m in materials.values() if m["site_id"] == site]
        assert to == coordinator["email"]
        assert values["materials_issued"] == str(len(issued))
        assert values["materials_returned"] == str(sum(1 for m in issued if m["security_number"] in returns))
        site_incidents = [i for i in incidents if sessions[i["session_id"]]["site_id"] == site]
        assert values["irregularity_forms"] == ("/yes" if site_incidents else "/no")
        assert values["materials_forms"] == ("/yes" if site in expected else "/no")


def test_security_agreement_forms_and_returned_copies(district, tmp_path):
    staff = {s["staff_id"]: s for s in rows(tmp_path / "data" / "staff.csv")}
    run_month(district, "march", today=date(2027, 3, 1))
    forms = pdfs(district, "2027-03", "security-agreement-form")
    signers = [
        s
        for s in staff.values()
        if s["role"] in ("site_coordinator", "technology_coordinator", "test_administrator", "proctor")
    ]
    assert len(forms) == len(signers)
    for filename, (to, values, text) in forms.items():
        person = staff[filename.removesuffix(".pdf").split("_")[1]]
        assert to == person["email"] and values["last_name"] == person["last_name"]
        ticked = [k for k in ("role_stc", "role_tc", "role_ta", "role_proctor", "role_other") if values[k] == "/Yes"]
        expected = {"site_coordinator": "role_stc", "technology_coordinator": "role_tc"}.get(
            person["role"], f"role_{'ta' if person['role'] == 'test_administrator' else 'proctor'}"
        )
        assert ticked == [expected]
        assert "Assessment Security Agreement" in text
    run_month(district, "june", today=date(2027, 6, 1))

    returned = tmp_path / "returned"
    shutil.copytree(REPO / "demo" / "returned", returned)
    (returned / "notes.pdf").write_bytes(b"not a pdf")
    app = build_app(district)
    results = {r.file.name: r for r in import_returns(app, [returned])}
    outcome = {name: (r.outcome, r.match) for name, r in results.items()}
    complete_by_id = [n for n, (o, m) in outcome.items() if o == "complete" and m == "document id"]
    assert len(complete_by_id) == 3  # two agreements and the LIN certification
    assert [o for n, o in outcome.items() if n.endswith("_unsigned.pdf")] == [("incomplete", "document id")]
    unsigned = next(r for n, r in results.items() if n.endswith("_unsigned.pdf"))
    assert set(unsigned.missing) == {"date", "the agreement box"}
    assert [o for n, o in outcome.items() if n.endswith("_retyped.pdf")] == [("complete", "name and email")]
    assert outcome["agreement_visitor.pdf"] == ("unmatched", "")
    assert outcome["notes.pdf"][0] == "unreadable"

    counts = {r["task_id"]: r for r in returns_by_task(return_rows(app), date(2027, 3, 20))}
    assert counts["parcc-before-14"] == {
        "task_id": "parcc-before-14",
        "sent": len(signers),
        "complete": 3,
        "incomplete": 1,
        "outstanding": len(signers) - 4,
        "overdue": 0,
    }
    assert counts["parcc-after-08"]["complete"] == 1

    # importing the same copies again records nothing twice
    import_returns(app, [returned])
    assert {r["task_id"]: r for r in returns_by_task(return_rows(app), date(2027, 3, 20))} == counts
    result = CliRunner().invoke(cli, ["ack", "list", "--config", str(district), "--incomplete"])
    assert result.exit_code == 0 and "missing: date, the agreement box" in result.output
