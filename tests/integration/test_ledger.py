"""The ledger (SQLite and PostgreSQL): documents come back recipient by recipient, page by page,
none lost or repeated."""

from concurrent.futures import ThreadPoolExecutor

from examdesk.adapters.ledger import Ledger


def test_run_documents_pages_through_every_document_in_recipient_order(tmp_path, ledger_url):
    ledger = Ledger(ledger_url or f"sqlite:///{tmp_path / 'ledger.sqlite3'}")
    try:
        run_id = ledger.start_run("2026-27", "2027-06")
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
        ledger.record_documents(run_id, rows)
        other = ledger.start_run("2026-27", "2027-05")
        ledger.record_documents(other, [dict(rows[0], doc_key="elsewhere")])
        got = list(ledger.run_documents(run_id, page=4))
        assert sorted(r["doc_key"] for r in got) == sorted(r["doc_key"] for r in rows)
        emails = [r["recipient_email"] for r in got]
        assert emails == sorted(emails)  # each recipient's documents are contiguous
        assert ledger.run_recipient_count(run_id) == 7
    finally:
        ledger.dispose()


def _record_and_claim(ledger: Ledger, key: str) -> bool:
    run_id = ledger.start_run("2026-27", "2027-02")
    return ledger.ensure_and_claim(
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


def test_record_and_claim_is_exclusive_across_connections(tmp_path, ledger_url):
    url = ledger_url or f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    ledgers = [Ledger(url) for _ in range(4)]
    try:
        with ThreadPoolExecutor(4) as pool:  # all four record the same key and race for it
            wins = list(pool.map(lambda lg: _record_and_claim(lg, "k" * 32), ledgers))
        assert wins.count(True) == 1
        assert ledgers[0].message_state("k" * 32) == "sending"
        ledgers[0].mark("k" * 32, "failed", error="421 try later")
        assert _record_and_claim(ledgers[1], "k" * 32)  # failed messages can be claimed again
        ledgers[1].mark("k" * 32, "sent", transport="smtp")
        assert not _record_and_claim(ledgers[2], "k" * 32)
        assert ledgers[3].delivered_among("2026-27", "2027-02", ["d1", "d2"]) == {"d1"}
        assert len(ledgers[0].messages("2026-27")) == 1
    finally:
        for lg in ledgers:
            lg.dispose()
