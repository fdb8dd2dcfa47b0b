"""examdesk as a package: the wheel carries its templates, forms and checklist; `examdesk init`
writes a starter district that `examdesk validate` accepts, and that uses the shipped files."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from examdesk.adapters.pdf_unicode_text import SHIPPED_FONTS
from examdesk.cli import app
from examdesk.domain.registry import FAMILIES
from examdesk.domain.tables import TABLES

REPO = Path(__file__).resolve().parents[2]
runner = CliRunner(env={"COLUMNS": "200"})


@pytest.mark.slow
def test_the_wheel_carries_templates_forms_and_the_checklist(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(tmp_path),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    [wheel] = tmp_path.glob("examdesk-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for family, output in FAMILIES.outputs():
        if output.format == "docx":
            assert f"examdesk/resources/templates/letters/{output.template}.en.docx" in names, family.name
        if output.format == "pdf":
            assert f"examdesk/resources/forms/{output.template}.pdf" in names
            assert f"examdesk/resources/forms/{output.template}.yaml" in names
    assert "examdesk/resources/config/checklist.yaml" in names
    assert "examdesk/resources/config/district.starter.yaml" in names
    assert "examdesk/resources/templates/email/packet.en.txt" in names
    assert "examdesk/migrations/versions/0003_returns.py" in names
    # the web pages, their templates, the memo wording, the certificate of completion, the profiles
    assert {"examdesk/web/app.py", "examdesk/web/dashboard.py", "examdesk/web/public.py"} <= names
    assert {"examdesk/resources/templates/web/sign.html", "examdesk/resources/templates/web/style.css"} <= names
    assert "examdesk/resources/templates/email/memo_note.en.txt" in names
    assert "examdesk/resources/forms/certificate_of_completion.pdf" in names
    assert "examdesk/resources/config/programs.yaml" in names
    assert "examdesk/migrations/versions/0007_web.py" in names
    for font in SHIPPED_FONTS:  # form fields in other scripts are drawn with these, with their licences
        assert f"examdesk/adapters/fonts/{font}" in names
    assert {"examdesk/adapters/fonts/OFL-1.1.txt", "examdesk/adapters/fonts/Apache-2.0.txt"} <= names
    assert not [n for n in names if n.startswith(("tests/", "demo/"))]


def test_init_writes_a_district_that_validates(tmp_path):
    target = tmp_path / "my-district"
    result = runner.invoke(app, ["init", str(target), "--name", 'Río "Norte" USD'])
    assert result.exit_code == 0, result.output
    config = target / "config" / "district.yaml"
    raw = yaml.safe_load(config.read_text(encoding="utf-8"))
    assert raw["organisation"]["name"] == 'Río "Norte" USD'
    assert "templates" not in raw  # the shipped templates and forms are used
    key = target / "config" / "signing" / "district-key.pem"
    assert key.stat().st_mode & 0o077 == 0 and raw["web"]["signing_key"] == "signing/district-key.pem"
    series = {"boards", "specifications", "components", "exam_entries", "rooms", "availability", "exam_results"}
    for spec in TABLES.values():
        path = target / "data" / f"{spec.name}.csv"
        if spec.name in series or spec.name == "certificates":  # an exam centre's tables: not a district's
            assert not path.exists()
            continue
        header = path.read_text(encoding="utf-8").strip().split(",")
        assert header == [c.name for c in spec.columns]
    checked = runner.invoke(app, ["validate", "--config", str(config)])
    assert checked.exit_code == 0, checked.output
    assert "checklist ok" in checked.output and "no problems" in checked.output
    status = runner.invoke(app, ["status", "--config", str(config)])
    assert status.exit_code == 0, status.output
    again = runner.invoke(app, ["init", str(target)])
    assert again.exit_code == 2 and "not empty" in again.output


def test_families_lists_every_family():
    result = runner.invoke(app, ["families"])
    assert result.exit_code == 0
    for name in FAMILIES:
        assert name in result.output
