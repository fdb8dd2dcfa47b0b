"""Record a month run in the ledger: tasks whose documents all went out are done; the run's summary."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from ...adapters.files import write_atomic
from ...adapters.safe_csv import csv_text
from ...domain.checklist import MANUAL, REMINDER
from ...domain.documents import DocumentFailure
from ...domain.messages import MessageState
from .delivery import DeliveryResult
from .plan import MonthPlan


def finish_month(plan: MonthPlan, rendered_count: int, delivery: DeliveryResult) -> dict:
    """Mark document tasks done when all their documents went out; record the run; write summary.json."""
    summary = month_summary(plan, rendered_count, delivery)
    failed_tasks = {f.task_id for f in plan.failures}
    with plan.app.unit_of_work() as uow:
        for pt in plan.planned:
            if pt.task.is_document_task and pt.task.id not in failed_tasks:
                total, pending = uow.documents.task_documents(plan.school_year, plan.month.key, pt.task.id)
                if total and not pending:
                    uow.tasks.set(
                        plan.school_year,
                        pt.task.id,
                        "done",
                        source="run",
                        note=f"{total} document(s) delivered {plan.today.isoformat()}",
                    )
        state = "completed_with_failures" if delivery.needs_attention or plan.failures else "completed"
        uow.runs.finish(plan.run_id, state, summary)
        uow.commit()
    write_atomic(plan.run_dir / "summary.json", json.dumps(summary, indent=2, default=str).encode())
    if plan.failures:
        write_failures(plan.run_dir / "failures.csv", plan.failures)
    return summary


def write_failures(path: Path, failures: list[DocumentFailure]) -> Path:
    """The run's report of documents that could not be produced (private, like the documents)."""
    rows = [["task", "family", "for", "problem"]]
    rows += [[f.task_id, f.family, f.recipient, f.reason] for f in failures]
    write_atomic(path, csv_text(rows).encode("utf-8"))
    return path


def month_summary(plan: MonthPlan, rendered_count: int, delivery: DeliveryResult) -> dict:
    """Counts only: safe for logs, Prefect artifacts and the console."""
    actions = Counter("document" if pt.task.is_document_task else pt.task.action for pt in plan.planned)
    return {
        "school_year": plan.school_year,
        "month": plan.month.key,
        "tasks": len(plan.planned),
        "document_tasks": actions["document"],
        "reminder_tasks": actions[REMINDER],
        "manual_tasks": actions[MANUAL],
        "documents_rendered": rendered_count,
        "documents_by_task": dict(sorted(plan.rendered.items())),
        "due_today_notices": sum(1 for p in plan.digests if p.kind == "due_today"),
        "memos": sum(1 for p in plan.digests if p.kind == "memo"),
        "documents_failed": len(plan.failures),
        "documents_already_sent": plan.already_sent,
        "messages_sent": delivery.states[MessageState.SENT],
        "messages_failed": delivery.states[MessageState.FAILED],
        "messages_failed_permanent": delivery.states[MessageState.FAILED_PERMANENT],
        "messages_unknown": delivery.states[MessageState.UNKNOWN],
        "messages_recovered_unknown": delivery.recovered_unknown,
        "messages_skipped": delivery.skipped,
        "transport": delivery.transport or plan.app.settings.mail.transport,
        "results_received": plan.data.results_received(),
        "validation_problems": len(plan.report.problems),
        "rows_rejected": plan.report.rejected,
        "validation_report": str(plan.run_dir / "validation-report.csv"),
        "notes": plan.notes,
        "errors": delivery.errors,
    }


ATTENTION = (
    "documents_failed",
    "messages_failed",
    "messages_failed_permanent",
    "messages_unknown",
    "messages_recovered_unknown",
)


def needs_attention(summary: dict) -> int:
    """Documents and messages of a run a coordinator must look at (the command exits 1 when there are any)."""
    return sum(summary.get(k, 0) for k in ATTENTION)
