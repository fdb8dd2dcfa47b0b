"""The examdesk command line, as a coordinator uses it."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from examdesk.cli import app

runner = CliRunner(env={"COLUMNS": "200"})
COMMANDS = ["run", "validate", "status", "mark", "server", "serve", "deploy", "history", "render", "templates"]


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_on_every_command(command):
    result = runner.invoke(app, [command, "--help"] if command else ["--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_validate_reports_each_problem_with_file_row_column(district):
    result = runner.invoke(app, ["validate", "--config", str(district)])
    assert result.exit_code == 1
    out = " ".join(result.output.split())
    assert "checklist ok: 144 tasks" in out
    assert "students.csv, row 302, column 'site_id': refers to an unknown site" in out
    assert "guardians.csv, row 493, column 'email': is not an email address (value 'teresa.quiroz@example')" in out
    assert "results.csv, row" in out and "column 'test_code': the student has a PGE exemption for this test" in out


def test_config_error_is_one_clear_line(district):
    district.write_text(district.read_text(encoding="utf-8").replace("port: 587", "port: lots"), encoding="utf-8")
    result = runner.invoke(app, ["status", "--config", str(district)])
    assert result.exit_code == 2
    assert "mail.port" in result.output and "district.yaml" in result.output
    assert "Traceback" not in result.output


def test_a_work_pool_without_a_prefect_server_is_refused_before_anything_is_done(district, monkeypatch):
    from conftest import edit_config

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    edit_config(district, performance__work_pool="examdesk")
    for command in (["run", "february"], ["tick", "--today", "2027-02-01"]):
        result = runner.invoke(app, [*command, "--config", str(district)])
        assert result.exit_code == 2, result.output
        assert "set PREFECT_API_URL" in " ".join(result.output.split())
    assert not (district.parent.parent / "output" / "outbox").exists()  # nothing sent
    deploy = runner.invoke(app, ["deploy", "--config", str(district.parent / "missing.yaml")])
    assert deploy.exit_code == 2


def test_bad_month_is_refused(district):
    result = runner.invoke(app, ["run", "smarch", "--config", str(district)])
    assert result.exit_code == 2
    assert "month 'smarch'" in " ".join(result.output.split())


def test_status_and_mark(district):
    result = runner.invoke(app, ["status", "november", "--config", str(district), "--today", "2026-12-02"])
    assert result.exit_code == 0, result.output
    assert "caaspp-nov-01" in result.output and "overdue" in result.output
    assert (
        runner.invoke(
            app, ["mark", "caaspp-nov-01", "done", "--note", "windows set in TOMS", "--config", str(district)]
        ).exit_code
        == 0
    )
    result = runner.invoke(app, ["status", "2026-11", "--config", str(district), "--today", "2026-12-02"])
    line = next(row for row in result.output.splitlines() if "caaspp-nov-01" in row)
    assert "done" in line
    bad = runner.invoke(app, ["mark", "no-such-task", "--config", str(district)])
    assert bad.exit_code == 2 and "no task 'no-such-task'" in bad.output


@pytest.mark.prefect
def test_run_then_rerun_then_status(prefect_harness, district):
    first = runner.invoke(app, ["run", "feb", "--config", str(district), "--today", "2027-01-20"])
    assert first.exit_code == 0, first.output
    out = " ".join(first.output.split())
    assert "documents rendered │ 300" in out
    assert "no Arabic template; sent in English" in out
    assert "tracker:" in out
    second = runner.invoke(app, ["run", "2027-02", "--config", str(district), "--today", "2027-01-20"])
    assert second.exit_code == 0
    assert "nothing new went out" in " ".join(second.output.split())
    status = runner.invoke(app, ["status", "feb", "--config", str(district), "--today", "2027-01-20"])
    line = next(row for row in status.output.splitlines() if "caaspp-feb-05" in row)
    cells = [c.strip() for c in line.split("│")]
    # 300 letters in 262 messages (siblings' letters share their family's message), none undelivered
    assert cells[6:10] == ["done", "262", "300", ""]
    history = runner.invoke(app, ["history", "--config", str(district)])
    assert history.exit_code == 0 and "2027-02 as of 2027-01-20" in history.output
    assert "America/Los_Angeles" in history.output and "sent 0, failed 0" in history.output


@pytest.mark.slow
def test_console_script_runs_a_month_with_no_servers(district, tmp_path):
    """The installed `examdesk` command in a fresh process: temporary Prefect server, outbox, SQLite."""
    exe = shutil.which("examdesk", path=str(Path(sys.executable).parent)) or "examdesk"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "EXAMDESK_"))}
    env["PREFECT_HOME"] = str(tmp_path / "prefect-home")
    proc = subprocess.run(
        [exe, "run", "july", "--config", str(district), "--today", "2026-07-01"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "messages sent" in proc.stdout
    eml = list((tmp_path / "output" / "outbox" / "2026-07").glob("*.eml"))
    assert len(eml) > 0
    tracker = tmp_path / "output" / "2026-27" / "tracker.xlsx"
    from openpyxl import load_workbook

    wb = load_workbook(tracker)
    assert wb.sheetnames == ["Checklist", "Deliveries", "Returns by site", "Returns", "Recipients"]
    ws = wb["Checklist"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
    ids = [c.value for c in ws["A"][1:]]
    assert "caaspp-jul-01" in ids and len(ids) == 144  # the US checklist, without the exam centre's two tasks
    assert wb["Deliveries"].max_row - 1 == len(eml)


def test_templates_check_passes_on_the_shipped_templates():
    repo = Path(__file__).resolve().parents[2]
    result = runner.invoke(app, ["templates", "check", "--directory", str(repo / "templates")])
    assert result.exit_code == 0, result.output
    assert "parent_notification.es.docx: ok, fast path, same text as docxtpl" in result.output


def test_render_mail_merge_from_csv_and_json(tmp_path):
    import json

    from docx import Document

    repo = Path(__file__).resolve().parents[2]
    template = repo / "templates" / "letters" / "parent_notification.en.docx"
    sample = json.loads((repo / "templates" / "samples" / "parent_notification.json").read_text(encoding="utf-8"))
    records = []
    for n, name in enumerate(["Ana O'Brien & Co", "Minh Nguyễn", "Wei Chen"]):
        rec = json.loads(json.dumps(sample))
        rec["student"].update(name=name, id=f"S{n}")
        records.append(rec)
    data = tmp_path / "data.json"
    data.write_text(json.dumps(records), encoding="utf-8")
    result = runner.invoke(
        app, ["render", str(template), str(data), "--out", str(tmp_path / "out"), "--name-field", "student.id"]
    )
    assert result.exit_code == 0, result.output
    files = sorted((tmp_path / "out").glob("*.docx"))
    assert [f.name for f in files] == ["S0.docx", "S1.docx", "S2.docx"]
    assert "Ana O'Brien & Co (grade 3)" in "\n".join(p.text for p in Document(files[0]).paragraphs)

    # a CSV with dotted columns; the row missing a variable is reported by row, the rest go on
    csv_path = tmp_path / "data.csv"
    csv_path.write_text("name,district.name\nTom & Jerry <Jr>,Mesa\nNo District,\n", encoding="utf-8")
    simple = tmp_path / "simple.docx"
    doc = Document()
    doc.add_paragraph("Hello {{ name }} from {{ district.name }}")
    doc.save(simple)
    result = runner.invoke(app, ["render", str(simple), str(csv_path), "--out", str(tmp_path / "csv")])
    assert result.exit_code == 0, result.output
    texts = [Document(f).paragraphs[0].text for f in sorted((tmp_path / "csv").glob("*.docx"))]
    assert texts == ["Hello Tom & Jerry <Jr> from Mesa", "Hello No District from "]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"name": "x", "district": {"name": "d"}}, {"name": "y"}]), encoding="utf-8")
    result = runner.invoke(app, ["render", str(simple), str(bad), "--out", str(tmp_path / "bad")])
    assert result.exit_code == 1
    assert "bad.json, object 2: simple.docx: undefined variable" in " ".join(result.output.split())
    assert len(list((tmp_path / "bad").glob("*.docx"))) == 1


def test_render_on_a_template_from_anyone_cannot_reach_python_internals(tmp_path):
    from docx import Document

    template = tmp_path / "from-anyone.docx"
    doc = Document()
    doc.add_paragraph("Hello {{ name }} {{ name.__class__.__mro__[1].__subclasses__() }}")
    doc.save(template)
    data = tmp_path / "data.csv"
    data.write_text("name\nAna\n", encoding="utf-8")
    result = runner.invoke(app, ["render", str(template), str(data), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    said = " ".join(result.output.split())
    assert "from-anyone.docx" in said and "unsafe" in said and "__class__" in said
    assert not list((tmp_path / "out").glob("*.docx"))
