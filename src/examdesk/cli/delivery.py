"""`examdesk outbox`, `resend`, `remind`: what the ledger says about each message, deliberate
resends, and reminders for overdue signed documents."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from ..domain.calendar import parse_month
from ..domain.messages import MessageState, states
from ..errors import ConfigurationError
from ..services.month.record import needs_attention
from ..services.month.resend import release
from ..services.tracking.outbox import outbox_report
from ..services.tracking.reminders import reminders_due, send_reminders
from .common import ConfigOpt, TodayOpt, YearOpt, fail, load_app, out, refresh_tracker
from .month import run_month_flow

STATE_STYLE = {
    MessageState.SENT: "green",
    MessageState.PENDING: "cyan",
    MessageState.SENDING: "cyan",
    MessageState.FAILED: "yellow",
    MessageState.FAILED_PERMANENT: "bold red",
    MessageState.UNKNOWN: "magenta",
}


def outbox(
    state: Annotated[
        list[str] | None,
        typer.Option("--state", "-s", help=f"Only these states ({', '.join(MessageState)})."),
    ] = None,
    month: Annotated[str | None, typer.Option("--month", "-m", help="Only this month (2027-02).")] = None,
    show_all: Annotated[bool, typer.Option("--all", help="List sent messages too.")] = False,
    config: ConfigOpt = None,
    year: YearOpt = None,
) -> None:
    """Messages by state: counts per month, then every message that is not simply sent."""
    try:
        chosen = states(state or ())
    except ValueError as exc:
        raise ConfigurationError(str(exc)) from None
    app = load_app(config, year)
    if chosen:
        wanted = set(chosen)
    else:
        wanted = set(MessageState) if show_all else set(MessageState) - {MessageState.SENT}
    report = outbox_report(app, wanted, month)
    t = Table("month", *MessageState, title=f"messages {app.school_year.label}")
    for m, c in sorted(report.counts.items()):
        t.add_row(m, *(str(c[s]) if c[s] else "" for s in MessageState))
    out.print(t)
    if not report.listed:
        out.print("nothing to list" + ("" if show_all or state else " (all sent)"))
        return
    t = Table("key", "month", "kind", "recipient", "state", "tries", "updated", "server reply / note")
    for col in t.columns:
        col.overflow = "fold"
        col.no_wrap = col.header in ("key", "month", "state", "tries")
    for r in report.listed:
        style = STATE_STYLE.get(MessageState(r["state"]), "")
        t.add_row(
            r["idempotency_key"][:12],
            r["month"],
            r["kind"],
            r["recipient_email"],
            f"[{style}]{r['state']}[/]",
            str(r["attempts"]),
            r["updated_at"].strftime("%Y-%m-%d %H:%M") if r["updated_at"] else "",
            (r["error"] or "")[:160],
        )
    out.print(t)
    if any(r["state"] == MessageState.UNKNOWN for r in report.listed):
        out.print(
            "unknown: the server may have these; ask the recipient, then `examdesk resend --message KEY` "
            "if it never arrived.",
            soft_wrap=True,
        )


def resend(
    failed: Annotated[bool, typer.Option("--failed", help="Send every failed message again now.")] = False,
    message: Annotated[
        list[str] | None, typer.Option("--message", help="Send this message again (its key, or the start of it).")
    ] = None,
    config: ConfigOpt = None,
    year: YearOpt = None,
) -> None:
    """Deliberate resends: failed messages (what a rerun would do), or named ones, even sent or unknown."""
    if not failed and not message:
        fail("say what to resend: --failed, or --message KEY (see `examdesk outbox`)")
    app = load_app(config, year)
    released = release(app, list(message or ()), failed)
    for key, earlier, month in released.messages:
        out.print(f"message {key[:12]} ({earlier}) will be sent again in {month}")
    if not released.months:
        out.print("no failed messages: nothing to resend")
        return
    worst = 0
    for key in sorted(released.months):
        worst = max(worst, needs_attention(run_month_flow(app, parse_month(key, None))))
    if worst:
        raise typer.Exit(1)


def remind(
    today: TodayOpt = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only list who would be reminded.")] = False,
    config: ConfigOpt = None,
    year: YearOpt = None,
) -> None:
    """Remind everyone whose signed document is overdue (one message each, the documents attached
    again) and send each site coordinator a digest of their outstanding staff; at most once per
    tracking.reminder_interval_days. Each month run does the same."""
    app = load_app(config, year, today)
    if not dry_run:
        app.settings.mail.require_credentials()  # a broken mail setup is said first, on any day
    if not app.calendar.is_working_day(app.today):
        out.print(f"{app.today} is not a working day (weekend, public holiday or district closure): nobody is reminded")
        return
    if dry_run:
        plan = reminders_due(app, app.today)
    else:
        result, plan = send_reminders(app, app.today)
    for rows in plan.people.values():
        out.print(f"{rows[0].name} <{rows[0].email}>: {len(rows)} overdue", highlight=False)
    for site, rows in sorted(plan.sites.items()):
        out.print(f"site {site}: digest of {len(rows)} overdue document(s) to its coordinator", highlight=False)
    if dry_run:
        out.print(f"would remind {len(plan.people)} person(s) and {len(plan.sites)} site coordinator(s)")
        return
    failed = result.states[MessageState.FAILED] + result.states[MessageState.FAILED_PERMANENT]
    out.print(
        f"as of {app.today}: {result.states[MessageState.SENT]} reminder message(s) sent, "
        f"{failed} failed, {result.skipped} already sent today"
    )
    refresh_tracker(app)
    if failed:
        raise typer.Exit(1)
