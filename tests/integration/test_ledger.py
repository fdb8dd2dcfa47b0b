"""The ledger (SQLite and PostgreSQL): documents come back recipient by recipient, page by page,
none lost or repeated."""

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
