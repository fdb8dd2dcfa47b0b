"""Every message state is counted: in `examdesk status`, the tracker workbook and the Prefect
tasks artifact, a message in any state appears in exactly one column."""

from __future__ import annotations

from datetime import date

from openpyxl import load_workbook

from examdesk.domain.messages import STATUS_COLUMNS, MessageState, status_counts
from examdesk.services.tracking.status import status_rows, task_summary
from examdesk.services.tracking.tracker import write_tracker
from fakes import memory_app

TASK = "caaspp-feb-05"


def record_one_message_per_state(app) -> None:
    with app.unit_of_work() as uow:
        run_id = uow.runs.start("2026-27", "2027-02")
        for i, state in enumerate(MessageState):
            key = f"{state.value:<32}"[:32].replace(" ", "x")
            assert uow.messages.ensure_and_claim(
                key=key,
                run_id=run_id,
                school_year="2026-27",
                month="2027-02",
                kind="documents",
                recipient_key=f"guardian:G{i}",
                recipient_email=f"g{i}@example.org",
                recipient_name=f"G{i}",
                subject="s",
                attachments=[],
                message_id=f"{key}@x",
                doc_keys=[(f"doc{i}", TASK)],
            )
            uow.messages.mark(key, state)  # claimed (sending), then left in this state
        uow.commit()


def test_status_columns_cover_every_state_once():
    assert status_counts({s.value: 1 for s in MessageState}) == {"sent": 1, "failed": 2, "unknown": 1, "pending": 2}
    assert sum(status_counts({s.value: 1 for s in MessageState}).values()) == len(MessageState)


def test_every_state_is_counted_in_status_tracker_and_artifact(district):
    app, _ = memory_app(district, date(2027, 2, 10))
    record_one_message_per_state(app)
    [row] = [r for r in status_rows(app, app.today) if r["task_id"] == TASK]
    assert {c: row[c] for c in STATUS_COLUMNS} == {"sent": 1, "failed": 2, "unknown": 1, "pending": 2}
    [artifact] = task_summary([row])
    assert sum(artifact[c] for c in STATUS_COLUMNS) == len(MessageState)

    sheet = load_workbook(write_tracker(app, app.today), read_only=True)["Checklist"]
    header, *rows = list(sheet.iter_rows(values_only=True))
    line = dict(zip(header, next(r for r in rows if r[0] == TASK), strict=True))
    columns = ("Messages sent", "Messages failed", "Messages unknown", "Messages pending")
    assert tuple(line[c] for c in columns) == (1, 2, 1, 2)
    assert line["Documents sent"] == 1
    recipients = load_workbook(write_tracker(app, app.today), read_only=True)["Recipients"]
    header, *rows = list(recipients.iter_rows(values_only=True))
    assert sorted(header[2:]) == sorted(s.value for s in MessageState)
    assert sum(sum(r[2:]) for r in rows) == len(MessageState)


def record_messages(uow, recipients: list[tuple[str | None, str, MessageState]]) -> None:
    run_id = uow.runs.start("2026-27", "2027-02")
    for i, (name, email, state) in enumerate(recipients):
        uow.messages.ensure_and_claim(
            key=f"k{i:031d}",
            run_id=run_id,
            school_year="2026-27",
            month="2027-02",
            kind="documents",
            recipient_key=email,
            recipient_email=email,
            recipient_name=name,
            subject="s",
            attachments=[],
            message_id=f"k{i}@x",
            doc_keys=[],
        )
        uow.messages.mark(f"k{i:031d}", state)
    uow.commit()


RECIPIENTS = [
    ("adam", "a@example.org", MessageState.SENT),
    ("Zoë", "z@example.org", MessageState.SENT),
    ("Bob", "b@example.org", MessageState.FAILED),
    ("Bob", "b@example.org", MessageState.SENT),
    (None, "n@example.org", MessageState.SENT),
    ("", "n@example.org", MessageState.UNKNOWN),
    ("Bob", "b@example.org", MessageState.SENT),
]
EXPECTED = [  # one row per recipient, by code point (a missing name is an empty one)
    ("", "n@example.org", {"sent": 1, "unknown": 1}),
    ("Bob", "b@example.org", {"failed": 1, "sent": 2}),
    ("Zoë", "z@example.org", {"sent": 1}),
    ("adam", "a@example.org", {"sent": 1}),
]


def test_the_ledger_counts_each_recipient_s_messages_by_state(district):
    app, _ = memory_app(district, date(2027, 2, 10))
    with app.unit_of_work() as uow:
        record_messages(uow, RECIPIENTS)
    with app.unit_of_work() as uow:
        assert list(uow.messages.states_by_recipient("2026-27")) == EXPECTED
    sheet = load_workbook(write_tracker(app, app.today), read_only=True)["Recipients"]
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert [(r[0] or "", r[1], r[2 + header[2:].index("sent")]) for r in rows] == [
        ("", "n@example.org", 1),
        ("Bob", "b@example.org", 2),
        ("Zoë", "z@example.org", 1),
        ("adam", "a@example.org", 1),
    ]
