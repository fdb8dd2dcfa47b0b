"""`examdesk run`, `validate`, `status`, `mark`: the month and the checklist."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ..domain.calendar import Month, parse_month
from ..domain.messages import STATUS_COLUMNS
from ..errors import ConfigurationError, ExamdeskError, InputDataError
from ..services.app import App
from ..services.data import load_district
from ..services.month.record import needs_attention
from ..services.series import series_findings
from ..services.tracking.returns import return_rows, returns_by_site
from ..services.tracking.status import mark_task, status_rows
from ..services.windows import check_windows
from .common import (
    ConfigOpt,
    TodayOpt,
    YearOpt,
    as_of,
    load_app,
    out,
    prefect_environment,
    print_problems,
    refresh_tracker,
    require_server_for_pool,
)

STATUS_STYLE = {"done": "green", "overdue": "bold red", "pending": "yellow", "ongoing": "cyan"}


def _month(app: App, text: str) -> Month:
    return parse_month(text, None if "-" in text else app.school_year)


def run(
    month: Annotated[str, typer.Argument(help="Month to run: september, sep or 2026-09.")],
    year: YearOpt = None,
    config: ConfigOpt = None,
    resend: Annotated[bool, typer.Option("--resend", help="Send again what was already sent (new messages).")] = False,
    today: TodayOpt = None,
) -> None:
    """Run one month of the checklist as a Prefect flow: documents, packets, delivery, ledger."""
    app = load_app(config, year, today)
    target = _month(app, month)
    summary = run_month_flow(app, target, resend=resend, today=as_of(today))
    if needs_attention(summary):
        raise typer.Exit(1)


def run_month_flow(app: App, target: Month, *, resend: bool = False, today: date | None = None) -> dict:
    """One month through the Prefect flow, with the console report."""
    prefect_environment(app.settings)
    require_server_for_pool(app.settings)
    from ..flows import with_workers
    from ..flows.month import month_flow

    out.print(f"[bold]{app.settings.organisation.name}[/]: running {target} ({app.school_year.label})")
    try:
        outcome = with_workers(month_flow, app.settings.performance.workers)(
            month=target.key,
            school_year=app.school_year.label,
            config=str(app.settings.config_file),
            resend=resend,
            today=today,
        )
    except (ConfigurationError, InputDataError) as exc:
        exc.add_note("nothing was generated or sent.")
        raise
    except ExamdeskError as exc:
        exc.add_note("the run stopped; `examdesk outbox` shows what was sent before it did (if anything).")
        raise
    summary: dict = outcome if isinstance(outcome, dict) else outcome.result()  # a flow returns its state's data
    print_problems(Path(summary["validation_report"]))
    print_summary(summary)
    return summary


def print_summary(s: dict) -> None:
    t = Table(title=f"{s['month']} ({s['school_year']})", show_header=False)
    for label, key in [
        ("checklist tasks", "tasks"),
        ("  with documents", "document_tasks"),
        ("  reminders", "reminder_tasks"),
        ("  manual", "manual_tasks"),
        ("documents rendered", "documents_rendered"),
        ("documents that could not be produced", "documents_failed"),
        ("already sent (documents, digest items)", "documents_already_sent"),
        ("messages sent", "messages_sent"),
        ("  memos (what the checklist tells people)", "memos"),
        ("messages failed (retried next run)", "messages_failed"),
        ("messages refused for good (5xx)", "messages_failed_permanent"),
        ("messages unknown (may have arrived; not resent)", "messages_unknown"),
        ("  of them left 'sending' by a process that died", "messages_recovered_unknown"),
        ("messages skipped (sent before)", "messages_skipped"),
    ]:
        t.add_row(label, str(s.get(key, 0)))
    if "reminders_sent" in s:
        t.add_row("reminders sent (overdue signed documents)", str(s["reminders_sent"]))
    t.add_row("transport", s["transport"])
    out.print(t)
    if not s["documents_rendered"] and not s["messages_sent"] and s["documents_already_sent"]:
        out.print(
            "[cyan]Everything for this month was already sent; nothing new went out (use --resend to send again).[/]"
        )
    if s.get("documents_failed"):
        failures = Path(s["validation_report"]).with_name("failures.csv")
        out.print(
            f"[red]{s['documents_failed']} document(s) could not be produced[/] (listed in {failures} and emailed "
            "to the coordinator); everything else was sent. Correct the data and run the month again.",
            soft_wrap=True,
        )
    for note in s["notes"]:
        out.print(f"note: {note}", highlight=False, soft_wrap=True)
    for e in s["errors"][:10]:
        out.print(f"[red]delivery:[/] {e}", highlight=False)
    out.print(f"tracker: {s['tracker']}", soft_wrap=True)


def validate(config: ConfigOpt = None, year: YearOpt = None) -> None:
    """Check the configuration, the checklist and every input table; generate and send nothing."""
    app = load_app(config, year)
    out.print(f"config ok: {app.settings.config_file}")
    out.print(f"checklist ok: {len(app.checklist)} tasks ({app.settings.checklist_path})")
    data, report = load_district(app.settings, app.school_year)
    check_windows(app, report, app.today)  # each site's testing window against its program's rules
    t = Table("table", "file", "rows", "valid", "rejected", "problems")
    for r in report.summary_rows():
        t.add_row(r["table"], r["file"], str(r["rows"]), str(r["valid"]), str(r["rejected"]), str(r["problems"]))
    out.print(t)
    if data.series:  # an exam centre: its series against the JCQ rules (planning findings, not data errors)
        findings = series_findings(app, data)
        out.print(f"series check (JCQ rules): {len(findings) or 'no'} finding(s)")
        for finding in findings:
            where = " · ".join(part for part in (finding.who, finding.session) if part)
            out.print(f"  {finding.rule}: {where}: {finding.detail}", soft_wrap=True, highlight=False)
    path = report.write_csv(app.private_dir() / "validation-report.csv")
    print_problems(path)
    raise typer.Exit(1 if report.problems else 0)


def _site_status(app: App, site: str, day: date) -> None:
    known = {s.id for s in app.settings.sites}
    if site not in known:
        raise ConfigurationError(f"unknown site {site!r}; the district's sites are {', '.join(sorted(known))}")
    rows = [r for r in return_rows(app) if r.site_id == site]
    summary = next((s for s in returns_by_site(rows, day) if s["site"] == site), None)
    out.print(f"[bold]{app.site_name(site)}[/] ({site}), as of {day}")
    if summary is None:
        out.print("no signed documents expected back from this site yet")
        return
    out.print(", ".join(f"{summary[k]} {k}" for k in ("expected", "received", "incomplete", "outstanding", "overdue")))
    order = {"overdue": 0, "incomplete": 1, "outstanding": 2, "complete": 3}
    for r in sorted(rows, key=lambda r: (order[r.status_on(day)], r.name, r.due)):
        state = r.status_on(day)
        style = {"overdue": "bold red", "complete": "green", "incomplete": "yellow"}.get(state, "default")
        out.print(
            f"[{style}]{state:<11}[/] {r.name} <{r.email}>  {r.task_id}: {r.title} (due {r.due.isoformat()})"
            + (f" — missing: {r.missing}" if r.missing else ""),
            soft_wrap=True,
            highlight=False,
        )


def status(
    month: Annotated[str | None, typer.Argument(help="Only this month (september, sep, 2026-09).")] = None,
    year: YearOpt = None,
    config: ConfigOpt = None,
    today: TodayOpt = None,
    site: Annotated[
        str | None, typer.Option("--site", help="One site: its signed documents expected back, person by person.")
    ] = None,
) -> None:
    """Show the checklist with due dates, status (pending / done / overdue) and messages by state."""
    app = load_app(config, year, today)
    if site is not None:
        _site_status(app, site, app.today)
        return
    target = _month(app, month) if month else None
    rows = status_rows(app, app.today, target)
    t = Table(title=f"{app.settings.organisation.name} — {target or app.school_year.label} (as of {app.today})")
    t.add_column("task", no_wrap=True)
    t.add_column("when")
    t.add_column("title", ratio=1, min_width=20)
    t.add_column("owner")
    t.add_column("due", no_wrap=True)
    t.add_column("status", no_wrap=True)
    t.add_column("messages sent", justify="right")
    t.add_column("documents sent", justify="right")
    t.add_column("not delivered")
    for r in rows:
        style = STATUS_STYLE.get(r["status"]) or (STATUS_STYLE["overdue"] if r["returns_overdue"] else "")
        due = r["due"] + (f"\n[dim]{r['due_by_site']}[/]".replace(" · ", "\n") if r["due_by_site"] else "")
        t.add_row(
            r["task_id"],
            r["when"],
            r["title"],
            r["owner"],
            due,
            f"[{style}]{r['status']}[/]" if style else r["status"],
            str(r["sent"]),
            str(r["documents_sent"]),
            ", ".join(f"{r[c]} {c}" for c in STATUS_COLUMNS if c != "sent" and r[c]),
        )
    out.print(t)
    counts = {s: sum(1 for r in rows if r["status"] == s) for s in ("done", "pending", "overdue")}
    awaiting = sum(1 for r in rows if r["returns_expected"] and r["status"] != "done")
    out.print(", ".join(f"{n} {s}" for s, n in counts.items()) + f", {awaiting} awaiting signed returns")


def mark(
    task_id: Annotated[str, typer.Argument(help="Checklist task id, e.g. caaspp-nov-01.")],
    state: Annotated[str, typer.Argument(help="done or pending.")] = "done",
    note: Annotated[str, typer.Option("--note", help="A note kept with the status.")] = "",
    year: YearOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Record a task as done (or pending again)."""
    app = load_app(config, year)
    mark_task(app, task_id, state, note)
    out.print(f"{task_id}: {state} ({app.school_year.label})")
    refresh_tracker(app)


def tracker(year: YearOpt = None, config: ConfigOpt = None, today: TodayOpt = None) -> None:
    """Write the tracker workbook now (checklist, deliveries, returns by site and person, recipients).
    Every command that changes the ledger rewrites it too."""
    refresh_tracker(load_app(config, year, today))
