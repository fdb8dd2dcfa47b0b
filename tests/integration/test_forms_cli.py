"""`examdesk forms inspect` and `examdesk forms fill` on a form examdesk did not make."""

from __future__ import annotations

import csv
import io

import yaml
from foreign_forms import build_foreign_form
from pypdf import PdfReader
from typer.testing import CliRunner

from examdesk.cli import app

runner = CliRunner()


def test_inspect_lists_fields_and_writes_a_starter_map(tmp_path):
    form = tmp_path / "agency.pdf"
    form.write_bytes(build_foreign_form(on_state="Checked"))
    result = runner.invoke(app, ["forms", "inspect", str(form)], terminal_width=200)
    assert result.exit_code == 0, result.output
    for expected in ("student.address.city", "form1[0].page1[0].signed[0]", "Checked", "1 | 2 | 3", "03 | 04 | 05"):
        assert expected in result.output
    starter = yaml.safe_load((tmp_path / "agency.yaml").read_text())
    assert starter["form"] == "agency.pdf"
    assert starter["fields"]["student.address.city"] == 'row["student_address_city"]'


def test_fill_writes_a_copy_per_row_reports_bad_rows_and_merges(tmp_path, monkeypatch):
    form = tmp_path / "agency.pdf"
    form.write_bytes(build_foreign_form())
    field_map = tmp_path / "map.yaml"
    field_map.write_text(
        yaml.safe_dump(
            {
                "form": "agency.pdf",
                "fields": {
                    "student.name": "name",
                    "student.address.city": "city",
                    "form1[0].page1[0].signed[0]": {"value": "signed", "format": "date"},
                    "consent": "consent",
                    "level": "level",
                    "grade": "grade",
                },
            }
        )
    )
    data = tmp_path / "students.csv"
    with data.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["name", "city", "signed", "consent", "level", "grade"])
        w.writerow(["Ana Ruiz", "Mesa", "2027-03-01", "Y", "1", "03"])
        w.writerow(["Bo Chen", "Vista", "2027-03-02", "N", "9", "04"])  # row 3: no level 9
        w.writerow(["Cy Diaz", "Pine", "2027-03-03", "Y", "3", "05"])
    out = tmp_path / "out"
    packet = tmp_path / "packet.pdf"
    monkeypatch.setenv("FORM_PASSWORD", "open sesame")
    result = runner.invoke(
        app,
        ["forms", "fill", str(form), str(data), "--map", str(field_map), "--out", str(out), "--merge", str(packet)],
        terminal_width=200,
    )
    assert result.exit_code == 1
    assert "students.csv, row 3: radio group 'level' cannot take '9'" in result.output
    assert "2 form(s) written" in result.output
    copies = sorted(out.glob("*.pdf"))
    values = [PdfReader(p).get_fields() for p in copies]
    assert [v["student.name"]["/V"] for v in values] == ["Ana Ruiz", "Cy Diaz"]
    assert values[0]["form1[0].page1[0].signed[0]"]["/V"] == "03/01/2027"
    assert values[0]["consent"]["/V"] == "/On" and values[1]["level"]["/V"] == "/3"
    merged = PdfReader(packet).get_fields()
    assert (
        merged["copy-00001.student.name"]["/V"] == "Ana Ruiz" and merged["copy-00003.student.name"]["/V"] == "Cy Diaz"
    )

    flat_out = tmp_path / "flat"
    result = runner.invoke(
        app,
        ["forms", "fill", str(form), str(data), "--map", str(field_map), "--out", str(flat_out), "--flatten"]
        + ["--password-env", "FORM_PASSWORD"],
    )
    first = sorted(flat_out.glob("*.pdf"))[0]
    reader = PdfReader(io.BytesIO(first.read_bytes()))
    assert reader.is_encrypted and reader.decrypt("open sesame")
    assert not reader.get_fields() and "Ana Ruiz" in reader.pages[0].extract_text()


def test_a_map_naming_a_missing_field_fails_before_anything_is_written(tmp_path):
    form = tmp_path / "agency.pdf"
    form.write_bytes(build_foreign_form())
    field_map = tmp_path / "map.yaml"
    field_map.write_text(yaml.safe_dump({"form": "agency.pdf", "fields": {"student.surname": "name"}}))
    data = tmp_path / "d.json"
    data.write_text('[{"name": "x"}]')
    result = runner.invoke(
        app,
        ["forms", "fill", str(form), str(data), "--map", str(field_map), "--out", str(tmp_path / "o")],
        terminal_width=200,
    )
    assert result.exit_code == 2
    assert "'student.surname' not in agency.pdf" in result.output
    assert not (tmp_path / "o").exists()
