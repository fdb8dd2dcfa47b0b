"""March (US): each family learns their student's testing days in their own language; nothing of an
exam centre's (statements of entry, JCQ rules) reaches a US family."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
import yaml
from docx import Document

from examdesk.domain.checklist import parse_checklist
from examdesk.domain.registry import FAMILIES
from examdesk.settings import load_settings
from helpers import attachments, docx_text, read_outbox, run_month

pytestmark = pytest.mark.slow  # whole months through the services, real servers or processes

REPO = Path(__file__).resolve().parents[2]
EXAM_CENTRE_WORDS = ("statement of entry", "candidate", "awarding body", "smart watch", "exams office")


def rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_exam_centre_tasks_are_not_in_a_us_districts_checklist():
    def actions(name: str) -> set[str]:
        raw = yaml.safe_load((REPO / "config" / name).read_text(encoding="utf-8"))
        return {t.action for t in parse_checklist(raw, source=name, generators=FAMILIES)}

    assert not {"candidate_timetable", "clash_report"} & actions("checklist.yaml")
    assert {"candidate_timetable", "clash_report"} <= actions("checklist.exam-centre.yaml")


def test_march_testing_days_reach_each_family_in_their_language(district, tmp_path):
    run_month(district, "march", today=date(2027, 3, 1))
    data = tmp_path / "data"
    students = {s["student_id"]: s for s in rows(data / "students.csv")}
    guardians = {g["email"]: g for g in rows(data / "guardians.csv")}
    exempt = {(e["student_id"], e["test_code"]) for e in rows(data / "exemptions.csv")}
    spanish = 0
    schedules = 0
    for msg in read_outbox(load_settings(district).output_dir, "2027-03"):
        to = msg["To"].addresses[0].addr_spec
        if to not in guardians:
            continue
        body = msg.get_body(("plain",)).get_content()
        texts = [body] + [docx_text(c) for name, c in attachments(msg) if name.endswith(".docx")]
        for text in texts:
            assert not [w for w in EXAM_CENTRE_WORDS if w in text.lower()], (to, text[:200])
        for name, content in attachments(msg):
            if not name.startswith("testing-days_") or not name.endswith(".docx"):
                continue
            schedules += 1
            sid = name.split("_")[1]
            doc = Document(io.BytesIO(content))
            tests = [r.cells[0].text for r in doc.tables[0].rows[1:]]
            assert tests
            if {(sid, "ALL")} & exempt:
                pytest.fail(f"{sid} is exempted from every test but has a schedule")
            if guardians[to]["preferred_language"] == "Spanish":
                spanish += 1
                assert name.endswith("_es.docx")
                assert "Le enviamos" in body and "Días de evaluación" in docx_text(content)
                assert set(tests) <= {
                    "Smarter Balanced de Artes del Lenguaje en Inglés y Lectoescritura",
                    "Smarter Balanced de Matemáticas",
                    "Prueba de Ciencias de California",
                    "Evaluación de Español de California",
                }
            if (sid, "SB-MATH") in exempt:
                assert not [t for t in tests if "Mat" in t or "Math" in t]
            assert students[sid]["first_name"] in docx_text(content)
    assert schedules > 250 and spanish > 20
