"""`examdesk tick`: the day flow, for today, a given day, or every working day of a span."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated

import typer

from ..errors import ConfigurationError, ExamdeskError, InputDataError
from ..services.app import App
from ..services.month.record import needs_attention
from .common import ConfigOpt, TodayOpt, YearOpt, fail, load_app, out, prefect_environment, require_server_for_pool
from .month import print_summary

ThroughOpt = Annotated[
    datetime | None,
    typer.Option(
        "--through",
        formats=["%Y-%m-%d"],
        help="Work every working day from --today through this date, one day flow each (a rehearsal, or "
        "catching up after days examdesk did not run).",
    ),
]


def tick(year: YearOpt = None, config: ConfigOpt = None, today: TodayOpt = None, through: ThroughOpt = None) -> None:
    """Work one day as a Prefect flow: incidents, windows that ended, results that arrived, the
    month's documents not sent yet, overdue reminders and tasks due today. Weekends, holidays and
    closures are skipped."""
    app = load_app(config, year, today)
    last = through.date() if through else app.today
    if last < app.today:
        fail(f"--through {last} is before the first day, {app.today}")
    if (last - app.today).days > 400:
        fail("--through: at most 400 days at a time")
    days = [app.today + timedelta(days=n) for n in range((last - app.today).days + 1)]
    working = [d for d in days if app.calendar.is_working_day(d)]
    if len(days) == 1 and not working:
        out.print(f"{app.today} is not a working day (weekend, holiday or closure): nothing to do")
        return
    prefect_environment(app.settings)
    require_server_for_pool(app.settings)
    attention = 0
    for day in working:
        # the first day as of the moment given (or now: an embargo holds until its time); later days whole
        summary = run_day_flow(app, app.as_of if day == app.today else day, verbose=len(days) == 1)
        attention += needs_attention(summary)
    if len(days) > 1:
        out.print(f"{len(working)} working day(s) worked, {len(days) - len(working)} day(s) skipped (not working days)")
    if attention:
        raise typer.Exit(1)


def run_day_flow(app: App, day: date | datetime, *, verbose: bool) -> dict:
    """One day through the Prefect flow: the full report for a single day, a line for each day of a span."""
    from ..flows import with_workers
    from ..flows.day import day_flow

    try:
        outcome = with_workers(day_flow, app.settings.performance.workers)(
            school_year=app.school_year.label, config=str(app.settings.config_file), today=day
        )
    except (ConfigurationError, InputDataError) as exc:
        exc.add_note(f"{day}: nothing was generated or sent.")
        raise
    except ExamdeskError as exc:
        exc.add_note(f"{day}: the run stopped; `examdesk outbox` shows what was sent before it did (if anything).")
        raise
    summary: dict = outcome if isinstance(outcome, dict) else outcome.result()
    if verbose:
        print_summary(summary)
    else:
        out.print(day_line(day, summary), highlight=False, markup=False, soft_wrap=True)
    return summary


def day_line(day: date, s: dict) -> str:
    """What one day did, in a line: counts and task ids only."""
    parts = [f"{s['documents_rendered']} document(s)", f"{s['messages_sent']} message(s) sent"]
    if s.get("reminders_sent"):
        parts.append(f"{s['reminders_sent']} reminder(s)")
    for key, label in (("documents_failed", "could not be produced"), ("messages_failed", "failed")):
        if s.get(key):
            parts.append(f"{s[key]} {label}")
    if s.get("memos"):
        parts.append(f"{s['memos']} memo(s)")
    if s.get("due_today_notices"):
        parts.append(f"{s['due_today_notices']} due-today notice(s)")
    tasks = ", ".join(f"{task} {n}" for task, n in s.get("documents_by_task", {}).items())
    return f"{day:%a %Y-%m-%d}: " + ", ".join(parts) + (f" [{tasks}]" if tasks else "")
