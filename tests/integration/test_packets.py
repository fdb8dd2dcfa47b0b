"""Packets: split when too big, plain text and HTML bodies, subjects without personal data."""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date

import pytest

from examdesk.domain.documents import split_by_size
from examdesk.settings import load_settings
from helpers import attachments, read_outbox, run_month

pytestmark = pytest.mark.slow  # whole months through the services, real servers or processes


def test_split_by_size_keeps_order_and_puts_oversized_documents_alone():
    assert split_by_size([40, 40, 40], 100) == [[0, 1], [2]]
    assert split_by_size([150, 10, 10], 100) == [[0], [1, 2]]
    assert split_by_size([], 100) == []
    assert split_by_size([100], 100) == [[0]]


def test_big_packets_go_in_numbered_parts_with_every_document_once(district, tmp_path, monkeypatch):
    monkeypatch.setenv("EXAMDESK_MAIL__MAX_MESSAGE_MB", "0.06")
    summary = run_month(district, "march", today=date(2027, 3, 1))
    assert summary["messages_failed"] == 0
    messages = read_outbox(load_settings(district).output_dir, "2027-03")
    by_person = defaultdict(list)
    for msg in messages:
        by_person[msg["To"].addresses[0].addr_spec].append(msg)
    split = {
        who: msgs for who, msgs in by_person.items() if len(msgs) > 1 and "(1/" in " ".join(m["Subject"] for m in msgs)
    }
    assert split, "some packets should have been split at 60 KB"
    for msgs in split.values():
        parts = sorted(m["Subject"] for m in msgs if "/" in m["Subject"].rsplit("(", 1)[-1])
        total = len(parts)
        assert [p.rsplit("(", 1)[1] for p in parts] == [f"{i}/{total})" for i in range(1, total + 1)]
        names = [name for m in msgs for name, _ in attachments(m)]
        assert len(names) == len(set(names))  # every document once, in one part
        assert len({m["Message-ID"] for m in msgs}) == len(msgs)
    for msg in messages:
        size = len(msg.as_bytes())
        files = attachments(msg)
        assert size < 60_000 * 1.2 or len(files) == 1  # only a document bigger than the limit travels alone


def test_bodies_come_in_text_and_html_and_subjects_carry_no_personal_data(district, tmp_path):
    run_month(district, "february", today=date(2027, 2, 1))
    with (tmp_path / "data" / "students.csv").open(encoding="utf-8") as fh:
        students = list(csv.DictReader(fh))
    with (tmp_path / "data" / "guardians.csv").open(encoding="utf-8") as fh:
        guardians = list(csv.DictReader(fh))
    personal = (
        {s["last_name"] for s in students} | {g["last_name"] for g in guardians} | {s["student_id"] for s in students}
    )
    messages = read_outbox(load_settings(district).output_dir, "2027-02")
    assert len(messages) > 250
    for msg in messages:
        assert not [p for p in personal if p in msg["Subject"]], msg["Subject"]
        text = msg.get_body(("plain",)).get_content()
        html = msg.get_body(("html",)).get_content()
        assert html.lstrip().startswith("<!DOCTYPE html>")
        for name, _ in attachments(msg):
            assert name.isascii() and name in text and name in html
