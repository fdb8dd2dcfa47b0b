"""`examdesk outbox` and `examdesk resend`: what the ledger says about each message, and deliberate resends."""

from __future__ import annotations

from collections import Counter
from typing import Annotated

import typer
from rich.table import Table

from .cli_options import ConfigOpt, TodayOpt, YearOpt

STATE_STYLE = {
    "sent": "green",
    "pending": "cyan",
    "sending": "cyan",
    "failed": "yellow",
    "failed_permanent": "bold red",
    "unknown": "magenta",
}


def outbox(
    state: Annotated[
        list[str] | None,
        typer.Option(
            "--state", "-s", help="Only these states (sent, pending, sending, failed, failed_permanent, unknown)."
        ),
    ] = None,
    month: Annotated[str | None, typer.Option("--month", "-m", help="Only this month (2027-02).")] = None,
    show_all: Annotated[bool, typer.Option("--all", help="List sent messages too.")] = False,
    config: ConfigOpt = None,
    year: YearOpt = None,
) -> None:
    """Messages by state: counts per month, then every message that is not simply sent."""
    from .adapters.ledger import STATES
    from .cli import _fail, _load, out

    unknown_states = set(state or ()) - set(STATES)
    if unknown_states:
        _fail(f"unknown state(s) {', '.join(sorted(unknown_states))}; known: {', '.join(STATES)}")
    application = _load(config, year)
    ledger = application.ledger()
    try:
        rows = ledger.messages(application.school_year.label, month)
    finally:
        ledger.dispose()
    counts: dict[str, Counter] = {}
    for r in rows:
        counts.setdefault(r["month"], Counter())[r["state"]] += 1
    t = Table("month", *STATES, title=f"messages {application.school_year.label}")
    for m, c in sorted(counts.items()):
        t.add_row(m, *(str(c[s]) if c[s] else "" for s in STATES))
    out.print(t)
    wanted = set(state) if state else ({s for s in STATES if s != "sent"} if not show_all else set(STATES))
    listed = [r for r in rows if r["state"] in wanted]
    if not listed:
        out.print("nothing to list" + ("" if show_all or state else " (all sent)"))
        return
    t = Table("key", "month", "kind", "recipient", "state", "tries", "updated", "server reply / note")
    for col in t.columns:
        col.overflow = "fold"
        col.no_wrap = col.header in ("key", "month", "state", "tries")
    for r in listed:
        style = STATE_STYLE.get(r["state"], "")
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
    if any(r["state"] == "unknown" for r in listed):
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
    from .adapters.ledger import FAILED
    from .cli import ATTENTION, _fail, _load, out, run_month_flow
    from .domain.calendar import parse_month

    if not failed and not message:
        _fail("say what to resend: --failed, or --message KEY (see `examdesk outbox`)")
    application = _load(config, year)
    ledger = application.ledger()
    months: set[str] = set()
    try:
        for prefix in message or ():
            found = ledger.find_messages(prefix)
            if len(found) != 1:
                _fail(f"message {prefix!r}: {'no such message' if not found else 'more than one message starts so'}")
            row = found[0]
            if row["state"] == "sending":
                _fail(f"message {prefix!r} is being sent right now; try again when that run ends")
            ledger.release_for_resend(row["idempotency_key"])
            out.print(f"message {row['idempotency_key'][:12]} ({row['state']}) will be sent again in {row['month']}")
            months.add(row["month"])
        if failed:
            months.update(ledger.months_with(application.school_year.label, (FAILED,)))
    finally:
        ledger.dispose()
    if not months:
        out.print("no failed messages: nothing to resend")
        return
    worst = 0
    for key in sorted(months):
        summary = run_month_flow(application, parse_month(key, None))
        worst = max(worst, sum(summary[k] for k in ATTENTION))
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
    from .cli import _load, out
    from .services.bootstrap import local_today
    from .services.returns import plan_reminders, return_rows, send_reminders

    application = _load(config, year)
    day = today.date() if today else local_today(application.settings)
    if dry_run:
        ledger = application.ledger()
        try:
            last_person = ledger.last_sent(application.school_year.label, "reminder")
            last_site = ledger.last_sent(application.school_year.label, "site_digest")
        finally:
            ledger.dispose()
        interval = application.settings.tracking.reminder_interval_days
        plan = plan_reminders(return_rows(application), day, interval, last_person, last_site)
    else:
        result, plan = send_reminders(application, day)
    for rows in plan.people.values():
        out.print(f"{rows[0].name} <{rows[0].email}>: {len(rows)} overdue", highlight=False)
    for site, rows in sorted(plan.sites.items()):
        out.print(f"site {site}: digest of {len(rows)} overdue document(s) to its coordinator", highlight=False)
    if dry_run:
        out.print(f"would remind {len(plan.people)} person(s) and {len(plan.sites)} site coordinator(s)")
        return
    out.print(
        f"as of {day}: {result.states['sent']} reminder message(s) sent, "
        f"{result.states['failed'] + result.states['failed_permanent']} failed, "
        f"{result.states['skipped']} already sent today"
    )
    if result.states["failed"] or result.states["failed_permanent"]:
        raise typer.Exit(1)
