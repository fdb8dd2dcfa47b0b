"""A month (or a day) worked end to end for one shard of its recipients: what one worker
process, or one machine, does when several share a month (``performance.workers``)."""

from __future__ import annotations

from collections import Counter

from ...domain.calendar import Month
from ...domain.messages import MessageState
from ...domain.shards import Shard
from ...errors import ExamdeskError
from ..app import App
from ..tracking.reminders import send_reminders
from .delivery import deliver_month
from .documents import render_next_batch
from .plan import prepare_month
from .record import finish_month


def run_shard(
    app: App, month: Month, shard: Shard, resend: bool = False, day: bool = False, run_id: int | None = None
) -> dict:
    """Plan, render, record and deliver what this shard's recipients get, then remind them.
    ``run_id``: the ledger run this shard records (started by its coordinator), else a new one."""
    try:
        plan = prepare_month(app, month, resend, day, shard, run_id)
    except BaseException as exc:
        if run_id is not None:
            mark_failed(app, [run_id], exc)
        raise
    try:
        rendered = 0
        while (count := render_next_batch(plan)) is not None:  # as the month flow's batch tasks do
            rendered += count
        summary = finish_month(plan, rendered, deliver_month(plan))
    except BaseException as exc:  # the run is over, and says so: a later run sends what this one did not
        mark_failed(app, [plan.run_id], exc)
        raise
    result, due = send_reminders(app, app.today, plan.data, shard)
    summary.update(
        reminders_sent=result.states[MessageState.SENT],
        reminders_failed=result.states[MessageState.FAILED] + result.states[MessageState.FAILED_PERMANENT],
        people_reminded=len(due.people),
        site_digests=len(due.sites),
    )
    return summary


def start_shard_runs(app: App, month: Month, count: int) -> list[int]:
    """One ledger run per shard, started by the coordinator, so that it can read each shard's
    summary from the ledger when the shards ran elsewhere (identifiers pass; results stay put)."""
    with app.unit_of_work() as uow:
        ids = [uow.runs.start(app.school_year.label, month.key) for _ in range(count)]
        uow.commit()
    return ids


def mark_failed(app: App, run_ids: list[int], error: BaseException | str) -> None:
    """Ledger runs that stopped before recording their summary: failed, with what stopped them (its
    kind only: an exception's text may hold a student's data)."""
    reason = error if isinstance(error, str) else type(error).__name__
    with app.unit_of_work() as uow:
        for run_id in run_ids:
            run = uow.runs.get(run_id)
            if run is not None and run["state"] == "running":
                uow.runs.finish(run_id, "failed", {"error": reason})
        uow.commit()


def shard_summaries(app: App, run_ids: list[int]) -> list[dict]:
    """The summaries the shards recorded; a shard that recorded none did not finish."""
    with app.unit_of_work() as uow:
        runs = [uow.runs.get(run_id) for run_id in run_ids]
    missing = [
        run_id
        for run_id, run in zip(run_ids, runs, strict=True)
        if not run or not run["summary"] or run["state"] == "failed"
    ]
    if missing:
        raise ShardsUnfinished(f"shard run(s) {missing} recorded no summary in the ledger: they did not finish")
    return [run["summary"] for run in runs if run]


class ShardsUnfinished(ExamdeskError):
    pass


PER_SHARD = ("documents_", "messages_", "memos", "due_today", "reminders_", "people_", "site_digests")


def merge_summaries(summaries: list[dict]) -> dict:
    """One month's summary from its shards': counts added, notes and errors listed once each."""
    merged = dict(summaries[0])  # what the month is (its tasks, its validation) is the same in each
    for key, value in summaries[0].items():
        if key.startswith(PER_SHARD) and isinstance(value, int) and not isinstance(value, bool):
            merged[key] = sum(s.get(key, 0) for s in summaries)
    by_task: Counter[str] = Counter()
    for s in summaries:
        by_task.update(s.get("documents_by_task", {}))
    merged["documents_by_task"] = dict(sorted(by_task.items()))
    merged["notes"] = list(dict.fromkeys(n for s in summaries for n in s["notes"]))
    merged["errors"] = [e for s in summaries for e in s["errors"]]
    merged["shards"] = len(summaries)
    return merged
