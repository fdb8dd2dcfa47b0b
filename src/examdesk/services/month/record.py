"""Record a month run in the ledger: tasks whose documents all went out are done; the run's summary."""

from __future__ import annotations

import json
from collections import Counter

from ...adapters.files import write_atomic
from ...domain.checklist import MANUAL, REMINDER
from ...domain.messages import MessageState
from .delivery import DeliveryResult
from .plan import MonthPlan


def finish_month(plan: MonthPlan, rendered_count: int, delivery: DeliveryResult) -> dict:
    """Mark document tasks done when all their documents went out; record the run; write summary.json."""
    summary = month_summary(plan, rendered_count, delivery)
    with plan.app.unit_of_work() as uow:
        for pt in plan.planned:
            if pt.task.is_document_task:
                total, pending = uow.documents.task_documents(plan.school_year, plan.month.key, pt.task.id)
                if total and not pending:
                    uow.tasks.set(
                        plan.school_year,
                        pt.task.id,
                        "done",
                        source="run",
                        note=f"{total} document(s) delivered {plan.today.isoformat()}",
                    )
        state = "completed_with_failures" if delivery.needs_attention else "completed"
        uow.runs.finish(plan.run_id, state, summary)
        uow.commit()
    write_atomic(plan.run_dir / "summary.json", json.dumps(summary, indent=2, default=str).encode())
    return summary


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


ATTENTION = ("messages_failed", "messages_failed_permanent", "messages_unknown", "messages_recovered_unknown")


def needs_attention(summary: dict) -> int:
    """Messages of a run a coordinator must look at (the command exits 1 when there are any)."""
    return sum(summary.get(k, 0) for k in ATTENTION)
