"""The ledger (SQLite and PostgreSQL) through its unit of work: documents come back recipient by
recipient, page by page, none lost or repeated; a claim is exclusive; nothing is kept without commit."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from examdesk.adapters.ledger import LedgerDatabase
from examdesk.adapters.ledger.repositories import Documents
from examdesk.domain.messages import MessageState


def _url(tmp_path, ledger_url) -> str:
    return ledger_url or f"sqlite:///{tmp_path / 'ledger.sqlite3'}"


def test_run_documents_pages_through_every_document_in_recipient_order(tmp_path, ledger_url):
    ledger = LedgerDatabase(_url(tmp_path, ledger_url))
    rows = [
        {
            "doc_key": f"d{i}",
            "task_id": "t",
            "family": "f",
            "recipient_key": f"guardian:G{i % 7}",
            "recipient_email": f"g{i % 7}@example.org",
            "recipient_name": f"G{i % 7}",
            "title": "x",
            "filename": f"{i}.docx",
            "student_ref": str(i),
            "language": "en",
            "path": "/dev/null",
            "sha256": "0",
        }
        for i in range(50)
    ]
    with ledger.unit_of_work() as uow:
        run_id = uow.runs.start("2026-27", "2027-06")
        uow.documents.record(run_id, rows)
        other = uow.runs.start("2026-27", "2027-05")
        uow.documents.record(other, [dict(rows[0], doc_key="elsewhere")])
        uow.commit()
    got, after = [], None
    while True:
        with ledger.unit_of_work() as uow:
            page = uow.documents.run_page(run_id, after, 4)
            assert uow.documents.run_recipient_count(run_id) == 7
        got += page
        if len(page) < 4:
            break
        after = Documents.order_key(page[-1])
    assert sorted(r["doc_key"] for r in got) == sorted(r["doc_key"] for r in rows)
    emails = [r["recipient_email"] for r in got]
    assert emails == sorted(emails)  # each recipient's documents are contiguous


def test_leaving_a_unit_of_work_without_commit_keeps_nothing(tmp_path, ledger_url):
    ledger = LedgerDatabase(_url(tmp_path, ledger_url))
    with ledger.unit_of_work() as uow:
        uow.tasks.set("2026-27", "t1", "done", source="test")
    with ledger.unit_of_work() as uow:
        assert uow.tasks.of_year("2026-27") == {}
        uow.tasks.set("2026-27", "t1", "done", source="test")
        uow.commit()
    with ledger.unit_of_work() as uow:
        assert uow.tasks.of_year("2026-27")["t1"]["status"] == "done"


def test_two_connections_recording_a_task_status_at_once_both_succeed(tmp_path, ledger_url):
    """Two processes finishing the same month both record its tasks. The second writes while the
    first's insert is not yet committed: it waits, then updates that row (on PostgreSQL the old
    update-then-insert raised a unique violation here and the run failed)."""
    ledger = LedgerDatabase(_url(tmp_path, ledger_url))
    errors: list[BaseException] = []

    def second() -> None:
        try:
            with ledger.unit_of_work() as b:
                b.tasks.set("2026-27", "t1", "done", note="from b", source="run")
                b.commit()
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    with ledger.unit_of_work() as a:
        a.tasks.set("2026-27", "t1", "done", note="from a", source="run")  # inserted, not committed
        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(0.5)  # the second one is now waiting for this row
        a.commit()
    thread.join(30)
    assert not errors, errors
    with ledger.unit_of_work() as uow:
        assert uow.tasks.of_year("2026-27")["t1"]["note"] == "from b"


def _record_and_claim(ledger: LedgerDatabase, key: str) -> bool:
    with ledger.unit_of_work() as uow:
        run_id = uow.runs.start("2026-27", "2027-02")
        claimed = uow.messages.ensure_and_claim(
            key=key,
            run_id=run_id,
            school_year="2026-27",
            month="2027-02",
            kind="documents",
            recipient_key="guardian:G1",
            recipient_email="pat@example.org",
            recipient_name="Pat",
            subject="s",
            attachments=["a.docx"],
            message_id=f"{key}@x",
            doc_keys=[("d1", "t1")],
        )
        uow.commit()
        return claimed


def _mark(ledger: LedgerDatabase, key: str, state: MessageState, **kw) -> None:
    with ledger.unit_of_work() as uow:
        uow.messages.mark(key, state, **kw)
        uow.commit()


def test_record_and_claim_is_exclusive_across_connections(tmp_path, ledger_url):
    ledger = LedgerDatabase(_url(tmp_path, ledger_url))
    key = "k" * 32
    with ThreadPoolExecutor(4) as pool:  # four connections record the same key and race for it
        wins = list(pool.map(lambda _: _record_and_claim(ledger, key), range(4)))
    assert wins.count(True) == 1
    with ledger.unit_of_work() as uow:
        assert uow.messages.state_of(key) is MessageState.SENDING
    _mark(ledger, key, MessageState.FAILED, error="421 try later")
    assert _record_and_claim(ledger, key)  # failed messages can be claimed again
    _mark(ledger, key, MessageState.SENT, transport="smtp")
    assert not _record_and_claim(ledger, key)
    with ledger.unit_of_work() as uow:
        assert uow.documents.delivered_among("2026-27", ["d1", "d2"]) == {"d1"}
        assert len(list(uow.messages.of_year("2026-27"))) == 1
