"""The month flow: one run works one month of the checklist for one school year.

Parameters are identifiers only (month, school year, config path, as-of date): Prefect shows
them in its UI. The app is built once per run (the composition root); tasks get the month plan
in memory (``quote``: Prefect does not walk it) and never persist or cache it: it holds student data.
"""

from __future__ import annotations

from datetime import date
from typing import TypeVar, cast

from prefect import flow, get_run_logger, runtime, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NONE
from prefect.states import Completed, State
from prefect.utilities.annotations import quote

from ..bootstrap import build_app
from ..domain.calendar import parse_month
from ..domain.messages import MessageState
from ..domain.records import DistrictData
from ..services.app import App
from ..services.month import delivery, documents, plan, record
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
def render_batch(month_plan: MonthPlan, jobs: list) -> int:
    return documents.render_batch(month_plan, jobs)


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


def publish(month_plan: MonthPlan, summary: dict) -> None:
    """Counts and task ids only: artifacts are visible to every Prefect user."""
    app, sy, key = month_plan.app, month_plan.school_year, month_plan.month.key
    lines = [f"# {app.settings.organisation.name}: {month_plan.month} ({sy})", "", "| measure | count |", "|---|---|"]
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
    rows = status.status_rows(app, app.today, month_plan.month, month_plan.data)
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
    today: date | None = None,
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


def work_month(app: App, month: str, resend: bool = False, day: bool = False) -> State:
    """Plan, render, deliver and record one month (as of ``app.today``), then remind and write the
    tracker. The month flow and the day flow (``day``: also what is due today) both do this."""
    logger = get_run_logger()
    month_plan = plan_month(_given(app), month, resend, day)
    logger.info(
        "%d task(s), %d document task(s), %d digest message(s)",
        len(month_plan.planned),
        len(month_plan.sources),
        len(month_plan.digests),
    )
    rendered = 0
    for batch in documents.batches(month_plan):  # one task per batch; documents are produced as they are needed
        rendered += render_batch(_given(month_plan), _given(batch))
    outcome = deliver_packets(_given(month_plan))
    summary = record_run(_given(month_plan), rendered, _given(outcome))
    summary.update(remind(_given(app), _given(month_plan.data)))
    summary["tracker"] = write_tracker(_given(app), _given(month_plan.data))
    publish(month_plan, summary)
    outcome_line = (
        f"{summary['documents_failed']} document(s) could not be produced; " if summary["documents_failed"] else ""
    ) + (
        f"sent {summary['messages_sent']}, failed {summary['messages_failed']}, "
        f"refused {summary['messages_failed_permanent']}, unknown {summary['messages_unknown']}, "
        f"skipped {summary['messages_skipped']}"
    )
    logger.info(outcome_line)
    return Completed(message=outcome_line, data=summary)  # the message is what `examdesk history` shows
