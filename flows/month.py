"""The month flow: one run works one month of the checklist for one school year.

Parameters are identifiers only (month, school year, config path): Prefect shows them in
its UI. Tasks pass plans in memory and never persist or cache them (they hold student data).
"""

from __future__ import annotations

from datetime import date

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NONE

from examdesk.domain.calendar import parse_month
from examdesk.services import delivery, rendering, returns
from examdesk.services import month as svc
from examdesk.services.bootstrap import App, local_today
from examdesk.services.status import status_rows

FLOW_NAME = "examdesk-month"
_private = {"cache_policy": NONE, "persist_result": False}


@task(name="plan month", **_private)
def plan_month(config: str, month: str, school_year: str | None, today: date | None, resend: bool) -> svc.MonthPlan:
    return svc.prepare_month(config, month, school_year, today, resend)


@task(name="render batch", **_private)
def render_batch(plan: svc.MonthPlan, jobs: list) -> int:
    return rendering.render_batch(plan, jobs)


@task(name="assemble and deliver", **_private)
def deliver_packets(plan: svc.MonthPlan) -> delivery.DeliveryResult:
    return delivery.deliver_month(plan)


@task(name="send reminders", **_private)
def remind(plan: svc.MonthPlan) -> dict:
    """Overdue signed documents: one reminder per person and one digest per site coordinator,
    never more than one per interval (the ledger knows when each was last sent)."""
    result, reminders = returns.send_reminders(plan.app, plan.today, plan.data)
    return {
        "reminders_sent": result.states["sent"],
        "reminders_failed": result.states["failed"] + result.states["failed_permanent"],
        "people_reminded": len(reminders.people),
        "site_digests": len(reminders.sites),
    }


@task(name="record and report", **_private)
def report(plan: svc.MonthPlan, rendered: int, outcome: delivery.DeliveryResult) -> dict:
    return svc.finish_month(plan, rendered, outcome)


def artifact_key(school_year: str, month_key: str, what: str) -> str:
    return f"examdesk-{school_year}-{month_key}-{what}".lower()


def publish(plan: svc.MonthPlan, summary: dict) -> None:
    """Counts and task ids only: artifacts are visible to every Prefect user."""
    lines = [
        f"# {plan.app.settings.organisation.name}: {plan.month} ({plan.school_year})",
        "",
        "| measure | count |",
        "|---|---|",
    ]
    lines += [f"| {k.replace('_', ' ')} | {v} |" for k, v in summary.items() if isinstance(v, int)]
    if summary["notes"]:
        lines += ["", "## Notes", *[f"- {n}" for n in summary["notes"]]]
    create_markdown_artifact(
        key=artifact_key(plan.school_year, plan.month.key, "summary"),
        markdown="\n".join(lines),
        description="Month summary (counts only)",
    )
    create_table_artifact(
        key=artifact_key(plan.school_year, plan.month.key, "returns"),
        table=returns.returns_by_site(returns.return_rows(plan.app), plan.today),
        description="Signed documents expected back, by site (counts only)",
    )
    rows = status_rows(plan.app, plan.today, plan.month, plan.data)
    create_table_artifact(
        key=artifact_key(plan.school_year, plan.month.key, "tasks"),
        table=[{k: r[k] for k in ("task_id", "owner", "due", "status", "sent", "failed", "pending")} for r in rows],
        description="Checklist tasks of the month",
    )


@flow(name=FLOW_NAME, flow_run_name="{school_year}-{month}", log_prints=False)
def month_flow(
    month: str = "current",
    school_year: str | None = None,
    config: str = "config/district.yaml",
    resend: bool = False,
    today: date | None = None,
    only_first_working_day: bool = False,
) -> dict:
    logger = get_run_logger()
    if month == "current" or only_first_working_day:
        app = App.load(config, school_year)
        today = today or local_today(app.settings)
        if month == "current":
            month = f"{today.year}-{today.month:02d}"
            school_year = school_year or app.school_year.label
        if only_first_working_day:
            first = app.calendar.first_working_day_of(parse_month(month, None))
            if today != first:
                logger.info("%s is not the first working day of the month (%s); nothing to do", today, first)
                return {"skipped": True, "month": month}
    plan = plan_month(config, month, school_year, today, resend)
    logger.info(
        "%d task(s), %d document task(s), %d digest message(s)", len(plan.planned), len(plan.sources), len(plan.digests)
    )
    rendered = 0
    for batch in rendering.batches(plan):  # one task per batch; documents are produced as they are needed
        rendered += render_batch(plan, batch)
    outcome = deliver_packets(plan)
    summary = report(plan, rendered, outcome)
    summary.update(remind(plan))
    publish(plan, summary)
    logger.info(
        "sent %d, failed %d, unknown %d, skipped %d",
        summary["messages_sent"],
        summary["messages_failed"],
        summary["messages_unknown"],
        summary["messages_skipped"],
    )
    return summary
