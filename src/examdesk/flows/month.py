"""The month flow: one run works one month of the checklist for one school year.

Parameters are identifiers only (month, school year, config path, as-of date): Prefect shows
them in its UI. The app is built once per run (the composition root); tasks get the month plan
in memory (``quote``: Prefect does not walk it) and never persist or cache it: it holds student data.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TypeVar, cast

from prefect import flow, get_run_logger, runtime, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NONE
from prefect.states import Completed, State
from prefect.utilities.annotations import quote

from ..bootstrap import build_app
from ..domain.calendar import Month, parse_month
from ..domain.messages import MessageState
from ..domain.records import DistrictData
from ..domain.shards import Shard
from ..services.app import App
from ..services.data import load_district
from ..services.month import delivery, documents, pipeline, plan, record
from ..services.month.plan import MonthPlan
from ..services.tools.history import MONTH_FLOW
from ..services.tracking import reminders, returns, status, tracker

T = TypeVar("T")


def _given(value: T) -> T:
    """Passed to a task as it is: Prefect does not walk it looking for futures (it holds the district's data)."""
    return cast(T, quote(value))


@task(name="plan month", cache_policy=NONE, persist_result=False)
def plan_month(app: App, month: str, resend: bool, day: bool = False) -> MonthPlan:
    return plan.prepare_month(app, parse_month(month, app.school_year), resend, day)


@task(name="render batch", cache_policy=NONE, persist_result=False)
def render_batch(month_plan: MonthPlan) -> int | None:
    return documents.render_next_batch(month_plan)


@task(name="assemble and deliver", cache_policy=NONE, persist_result=False)
def deliver_packets(month_plan: MonthPlan) -> delivery.DeliveryResult:
    return delivery.deliver_month(month_plan)


@task(name="record run", cache_policy=NONE, persist_result=False)
def record_run(month_plan: MonthPlan, rendered: int, outcome: delivery.DeliveryResult) -> dict:
    return record.finish_month(month_plan, rendered, outcome)


@task(name="send reminders", cache_policy=NONE, persist_result=False)
def remind(app: App, data: DistrictData) -> dict:
    """Overdue signed documents: one reminder per person and one digest per site coordinator,
    never more than one per interval (the ledger knows when each was last sent)."""
    result, due = reminders.send_reminders(app, app.today, data)
    return {
        "reminders_sent": result.states[MessageState.SENT],
        "reminders_failed": result.states[MessageState.FAILED] + result.states[MessageState.FAILED_PERMANENT],
        "people_reminded": len(due.people),
        "site_digests": len(due.sites),
    }


@task(name="write tracker", cache_policy=NONE, persist_result=False)
def write_tracker(app: App, data: DistrictData) -> str:
    return str(tracker.write_tracker(app, app.today, data))


def artifact_key(school_year: str, month_key: str, what: str) -> str:
    return f"examdesk-{school_year}-{month_key}-{what}".lower()


def publish(app: App, month: Month, data: DistrictData, summary: dict) -> None:
    """Counts and task ids only: artifacts are visible to every Prefect user."""
    sy, key = app.school_year.label, month.key
    lines = [f"# {app.settings.organisation.name}: {month} ({sy})", "", "| measure | count |", "|---|---|"]
    lines += [f"| {k.replace('_', ' ')} | {v} |" for k, v in summary.items() if isinstance(v, int)]
    if summary["notes"]:
        lines += ["", "## Notes", *[f"- {n}" for n in summary["notes"]]]
    create_markdown_artifact(
        key=artifact_key(sy, key, "summary"), markdown="\n".join(lines), description="Month summary (counts only)"
    )
    create_table_artifact(
        key=artifact_key(sy, key, "returns"),
        table=returns.returns_by_site(returns.return_rows(app), app.today),
        description="Signed documents expected back, by site (counts only)",
    )
    rows = status.status_rows(app, app.today, month, data)
    create_table_artifact(
        key=artifact_key(sy, key, "tasks"),
        table=status.task_summary(rows),
        description="Checklist tasks of the month, with their messages by state",
    )


def run_name() -> str:
    """Reruns of a month are told apart in the UI and `examdesk history` by the day they acted as of."""
    parameters = runtime.flow_run.parameters
    as_of = parameters.get("today") or date.today()
    return f"{parameters.get('school_year') or 'current year'} {parameters.get('month')} as of {as_of}"


@flow(name=MONTH_FLOW, flow_run_name=run_name, log_prints=False)
def month_flow(
    month: str = "current",
    school_year: str | None = None,
    config: str = "config/district.yaml",
    resend: bool = False,
    today: datetime | date | None = None,
    only_first_working_day: bool = False,
) -> dict | State:
    logger = get_run_logger()
    app = build_app(config, school_year, today)
    if month == "current":
        month = f"{app.today.year}-{app.today.month:02d}"
    if only_first_working_day:
        first = app.calendar.first_working_day_of(parse_month(month, None))
        if app.today != first:
            logger.info("%s is not the first working day of the month (%s); nothing to do", app.today, first)
            return {"skipped": True, "month": month}
    return work_month(app, month, resend)


@task(name="work shard", cache_policy=NONE, persist_result=False)
def work_shard(
    config: str, school_year: str, month: str, today: datetime | date, resend: bool, day: bool, index: int, of: int
) -> dict:
    """One worker's share of the month, in its own process: given identifiers only, it builds the
    app and reads the district itself, and returns counts."""
    app = build_app(config, school_year, today)
    return pipeline.run_shard(app, parse_month(month, app.school_year), Shard(index, of), resend, day)


def work_month(app: App, month: str, resend: bool = False, day: bool = False) -> State:
    """Plan, render, deliver and record one month (as of ``app.today``), then remind and write the
    tracker. The month flow and the day flow (``day``: also what is due today) both do this;
    with ``performance.workers`` above 1, each worker process takes a share of the recipients."""
    workers, pool = app.settings.performance.workers, app.settings.performance.work_pool
    if pool:
        return _work_on_pool(app, month, resend, day, workers)
    if workers > 1:
        return _work_in_shards(app, month, resend, day, workers)
    logger = get_run_logger()
    month_plan = plan_month(_given(app), month, resend, day)
    logger.info(
        "%d task(s), %d document task(s), %d digest message(s)",
        len(month_plan.planned),
        len(month_plan.sources),
        len(month_plan.digests),
    )
    rendered = 0  # one task per batch; documents are produced as they are needed
    while (count := render_batch(_given(month_plan))) is not None:
        rendered += count
    outcome = deliver_packets(_given(month_plan))
    summary = record_run(_given(month_plan), rendered, _given(outcome))
    summary.update(remind(_given(app), _given(month_plan.data)))
    summary["tracker"] = write_tracker(_given(app), _given(month_plan.data))
    publish(app, month_plan.month, month_plan.data, summary)
    return _finished(summary)


def _work_in_shards(app: App, month: str, resend: bool, day: bool, workers: int) -> State:
    config, sy = str(app.settings.config_file), app.school_year.label
    futures = [work_shard.submit(config, sy, month, app.as_of, resend, day, index, workers) for index in range(workers)]
    return _after_shards(app, parse_month(month, app.school_year), [f.result() for f in futures])


def _work_on_pool(app: App, month: str, resend: bool, day: bool, shards: int) -> State:
    """Each shard is a run of the shard deployment, taken by whichever of the pool's workers is
    free (on any machine); the shards record their counts in the shared ledger, read back here."""
    from .shard import run_shards_on_pool

    logger = get_run_logger()
    the_month = parse_month(month, app.school_year)
    run_ids = pipeline.start_shard_runs(app, the_month, shards)
    logger.info("%d shard run(s) asked of work pool %r", shards, app.settings.performance.work_pool)
    config, sy = str(app.settings.config_file), app.school_year.label
    finished = run_shards_on_pool(config, sy, month, app.as_of, run_ids, resend, day)
    unfinished = [f"{r.name}: {r.state_name}" for r in finished if not (r.state and r.state.is_completed())]
    if unfinished:
        pipeline.mark_failed(app, run_ids, "the shard's flow run did not complete: " + "; ".join(unfinished))
        raise pipeline.ShardsUnfinished("shard run(s) did not complete: " + "; ".join(unfinished))
    return _after_shards(app, the_month, pipeline.shard_summaries(app, run_ids))


def _after_shards(app: App, month: Month, summaries: list[dict]) -> State:
    """The month's summary from its shards', its tracker and its artifacts."""
    summary = pipeline.merge_summaries(summaries)
    data, _ = load_district(app.settings, app.school_year)
    summary["tracker"] = write_tracker(_given(app), _given(data))
    publish(app, month, data, summary)
    return _finished(summary)


def _finished(summary: dict) -> State:
    logger = get_run_logger()
    outcome_line = (
        f"{summary['documents_failed']} document(s) could not be produced; " if summary["documents_failed"] else ""
    ) + (
        f"sent {summary['messages_sent']}, failed {summary['messages_failed']}, "
        f"refused {summary['messages_failed_permanent']}, unknown {summary['messages_unknown']}, "
        f"skipped {summary['messages_skipped']}"
    )
    logger.info(outcome_line)
    return Completed(message=outcome_line, data=summary)  # the message is what `examdesk history` shows
