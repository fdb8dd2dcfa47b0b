"""The examdesk command line (Typer)."""

from __future__ import annotations

import csv
import logging
import os
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from . import progress
from .cli_options import ConfigOpt, TodayOpt, YearOpt
from .domain.calendar import CalendarError, parse_month
from .domain.checklist import ChecklistError
from .domain.tables import FatalDataError
from .settings import ConfigError, Settings

app = typer.Typer(
    help="examdesk: an assessment coordinator's school year, month by month.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)

STATUS_STYLE = {"done": "green", "overdue": "bold red", "pending": "yellow", "ongoing": "cyan"}


def _fail(message: str, code: int = 2) -> None:
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def _load(config: Path | None, year: str | None, today: date | None = None):
    from .services.bootstrap import App

    try:
        application = App.load(config, year, today)
        _ = application.checklist
        return application
    except (ConfigError, ChecklistError, CalendarError) as exc:
        _fail(str(exc))


def prefect_environment(settings: Settings) -> None:
    """Before Prefect is imported: local state under examdesk's folder, no telemetry."""
    os.environ.setdefault("PREFECT_HOME", str(settings.state_dir / "prefect"))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    Path(os.environ["PREFECT_HOME"]).mkdir(parents=True, exist_ok=True, mode=0o700)


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v", help="More log output.")] = False) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    progress.use_terminal(True)


def _print_problems(report_path: Path, limit: int = 15) -> None:
    with report_path.open(encoding="utf-8") as fh:
        problems = list(csv.DictReader(fh))
    if not problems:
        out.print("[green]input data: no problems[/]")
        return
    out.print(
        f"[yellow]input data: {len(problems)} problem(s); those rows were left out[/] (full list: {report_path})",
        soft_wrap=True,
    )
    for p in problems[:limit]:
        where = (
            p["file"] + (f", row {p['row']}" if p["row"] else "") + (f", column {p['column']!r}" if p["column"] else "")
        )
        value = f" (value {p['value']!r})" if p["value"] else ""
        out.print(f"  {where}: {p['problem']}{value}", highlight=False, markup=False, soft_wrap=True)
    if len(problems) > limit:
        out.print(f"  … and {len(problems) - limit} more in {report_path}")


@app.command()
def run(
    month: Annotated[str, typer.Argument(help="Month to run: september, sep or 2026-09.")],
    year: YearOpt = None,
    config: ConfigOpt = None,
    resend: Annotated[bool, typer.Option("--resend", help="Send again what was already sent (new messages).")] = False,
    today: TodayOpt = None,
) -> None:
    """Run one month of the checklist as a Prefect flow: documents, packets, delivery, ledger."""
    application = _load(config, year, today.date() if today else None)
    try:
        target = parse_month(month, None if "-" in month else application.school_year)
    except CalendarError as exc:
        _fail(str(exc))
    summary = run_month_flow(application, target, resend=resend, today=today.date() if today else None)
    if any(summary[k] for k in ATTENTION):
        raise typer.Exit(1)


ATTENTION = ("messages_failed", "messages_failed_permanent", "messages_unknown", "messages_recovered_unknown")


def run_month_flow(application, target, *, resend: bool = False, today: date | None = None) -> dict:
    """One month through the Prefect flow, with the console report; errors end the command."""
    prefect_environment(application.settings)
    from .flows.month import month_flow
    from .services.rendering import RenderingFailed

    out.print(f"[bold]{application.settings.organisation.name}[/]: running {target} ({target.school_year.label})")
    try:
        summary = month_flow(
            month=target.key,
            school_year=target.school_year.label,
            config=str(application.settings.config_file),
            resend=resend,
            today=today,
        )
    except FatalDataError as exc:
        _fail(
            "the input data cannot be used; nothing was generated or sent:\n"
            + "\n".join(f"  - {p}" for p in exc.problems)
        )
    except (RenderingFailed, ConfigError, ChecklistError, CalendarError) as exc:
        _fail(f"{exc}\nnothing was sent.")
    except (FileNotFoundError, ValueError, OSError) as exc:
        _fail(f"{exc}\nthe run stopped; `examdesk outbox` shows what was sent before it did.")
    _print_problems(Path(summary["validation_report"]))
    _print_summary(summary)
    return summary


def _print_summary(s: dict) -> None:
    t = Table(title=f"{s['month']} ({s['school_year']})", show_header=False)
    for label, key in [
        ("checklist tasks", "tasks"),
        ("  with documents", "document_tasks"),
        ("  reminders", "reminder_tasks"),
        ("  manual", "manual_tasks"),
        ("documents rendered", "documents_rendered"),
        ("already sent (documents, digest items)", "documents_already_sent"),
        ("messages sent", "messages_sent"),
        ("messages failed (retried next run)", "messages_failed"),
        ("messages refused for good (5xx)", "messages_failed_permanent"),
        ("messages unknown (may have arrived; not resent)", "messages_unknown"),
        ("  of them left 'sending' by a process that died", "messages_recovered_unknown"),
        ("messages skipped (sent before)", "messages_skipped"),
    ]:
        t.add_row(label, str(s[key]))
    if "reminders_sent" in s:
        t.add_row("reminders sent (overdue signed documents)", str(s["reminders_sent"]))
    t.add_row("transport", s["transport"])
    out.print(t)
    if not s["documents_rendered"] and not s["messages_sent"] and s["documents_already_sent"]:
        out.print(
            "[cyan]Everything for this month was already sent; nothing new went out (use --resend to send again).[/]"
        )
    for note in s["notes"]:
        out.print(f"note: {note}", highlight=False, soft_wrap=True)
    for e in s["errors"][:10]:
        out.print(f"[red]delivery:[/] {e}", highlight=False)
    out.print(f"tracker: {s['tracker']}", soft_wrap=True)


@app.command()
def validate(config: ConfigOpt = None, year: YearOpt = None) -> None:
    """Check the configuration, the checklist and every input table; generate and send nothing."""
    from .services.data import load_district

    application = _load(config, year)
    out.print(f"config ok: {application.settings.config_file}")
    out.print(f"checklist ok: {len(application.checklist)} tasks ({application.settings.checklist_path})")
    try:
        _, report = load_district(application.settings, application.school_year)
    except FatalDataError as exc:
        _fail("the input data cannot be used:\n" + "\n".join(f"  - {p}" for p in exc.problems))
    t = Table("table", "file", "rows", "valid", "rejected", "problems")
    for r in report.summary_rows():
        t.add_row(r["table"], r["file"], str(r["rows"]), str(r["valid"]), str(r["rejected"]), str(r["problems"]))
    out.print(t)
    path = report.write_csv(application.private_dir() / "validation-report.csv")
    _print_problems(path)
    raise typer.Exit(1 if report.problems else 0)


def _site_status(application, site: str, day: date) -> None:
    from .services.returns import return_rows, returns_by_site
    from .services.status import return_status

    known = {s.id for s in application.settings.sites}
    if site not in known:
        _fail(f"unknown site {site!r}; the district's sites are {', '.join(sorted(known))}")
    rows = [r for r in return_rows(application) if r.site_id == site]
    summary = next((s for s in returns_by_site(rows, day) if s["site"] == site), None)
    name = next(s.name for s in application.settings.sites if s.id == site)
    out.print(f"[bold]{name}[/] ({site}), as of {day}")
    if summary is None:
        out.print("no signed documents expected back from this site yet")
        return
    out.print(", ".join(f"{summary[k]} {k}" for k in ("expected", "received", "incomplete", "outstanding", "overdue")))
    order = {"overdue": 0, "incomplete": 1, "outstanding": 2, "complete": 3}
    for r in sorted(rows, key=lambda r: (order[return_status(r, day)], r.name, r.due)):
        state = return_status(r, day)
        style = {"overdue": "bold red", "complete": "green", "incomplete": "yellow"}.get(state, "default")
        out.print(
            f"[{style}]{state:<11}[/] {r.name} <{r.email}>  {r.task_id}: {r.title} (due {r.due.isoformat()})",
            soft_wrap=True,
            highlight=False,
        )


@app.command()
def status(
    month: Annotated[str | None, typer.Argument(help="Only this month (september, sep, 2026-09).")] = None,
    year: YearOpt = None,
    config: ConfigOpt = None,
    today: TodayOpt = None,
    site: Annotated[
        str | None, typer.Option("--site", help="One site: its signed documents expected back, person by person.")
    ] = None,
) -> None:
    """Show the checklist with due dates, status (pending / done / overdue) and delivery counts."""
    from .services.bootstrap import local_today
    from .services.status import status_rows

    application = _load(config, year)
    day = today.date() if today else local_today(application.settings)
    if site is not None:
        _site_status(application, site, day)
        return
    target = None
    if month:
        try:
            target = parse_month(month, None if "-" in month else application.school_year)
        except CalendarError as exc:
            _fail(str(exc))
    rows = status_rows(application, day, target)
    t = Table(
        title=f"{application.settings.organisation.name} — {target or application.school_year.label} (as of {day})"
    )
    t.add_column("task", no_wrap=True)
    t.add_column("when")
    t.add_column("title", ratio=1, min_width=20)
    t.add_column("owner")
    t.add_column("due", no_wrap=True)
    t.add_column("status", no_wrap=True)
    t.add_column("sent/failed/pending", justify="right", no_wrap=True)
    for r in rows:
        style = STATUS_STYLE.get(r["status"], "")
        t.add_row(
            r["task_id"],
            r["when"],
            r["title"],
            r["owner"],
            r["due"],
            f"[{style}]{r['status']}[/]" if style else r["status"],
            f"{r['sent']}/{r['failed']}/{r['pending']}",
        )
    out.print(t)
    counts = {s: sum(1 for r in rows if r["status"] == s) for s in ("done", "pending", "overdue")}
    out.print(", ".join(f"{n} {s}" for s, n in counts.items()))


@app.command()
def mark(
    task_id: Annotated[str, typer.Argument(help="Checklist task id, e.g. caaspp-nov-01.")],
    state: Annotated[str, typer.Argument(help="done or pending.")] = "done",
    note: Annotated[str, typer.Option("--note", help="A note kept with the status.")] = "",
    year: YearOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Record a task as done (or pending again)."""
    from .services.status import mark_task

    if state not in ("done", "pending"):
        _fail(f"state {state!r}: expected done or pending")
    application = _load(config, year)
    try:
        mark_task(application, task_id, state, note)
    except KeyError:
        _fail(f"no task {task_id!r} in {application.settings.checklist_path}")
    out.print(f"{task_id}: {state} ({application.school_year.label})")


@app.command()
def server(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port for the API and UI.")] = 4200,
    config: ConfigOpt = None,
) -> None:
    """Start the Prefect server and UI (local SQLite under examdesk's state folder, telemetry off)."""
    application = _load(config, None)
    prefect_environment(application.settings)
    out.print(f"Prefect UI: http://{host}:{port}  (PREFECT_HOME={os.environ['PREFECT_HOME']})")
    out.print(f"In another shell: export PREFECT_API_URL=http://{host}:{port}/api")
    os.execvp(sys.executable, [sys.executable, "-m", "prefect", "server", "start", "--host", host, "--port", str(port)])


@app.command()
def serve(
    config: ConfigOpt = None,
    cron: Annotated[
        str,
        typer.Option(
            help="When to run (cron, district time zone). Default: 07:00 on "
            "weekdays 1-7 of each month; the flow acts only on the first working day."
        ),
    ] = "0 7 1-7 * 1-5",
) -> None:
    """Create the scheduled month deployment and serve it (needs a Prefect server: PREFECT_API_URL)."""
    application = _load(config, None)
    prefect_environment(application.settings)
    from prefect.schedules import Cron

    from .flows.month import month_flow

    tz = application.settings.organisation.time_zone
    out.print(f"serving '{month_flow.name}/monthly': cron {cron!r} in {tz}, first working day only; Ctrl-C to stop")
    month_flow.serve(
        name="monthly",
        schedules=[Cron(cron, timezone=tz, day_or=False)],
        parameters={
            "month": "current",
            "config": str(application.settings.config_file),
            "only_first_working_day": True,
        },
    )


@app.command()
def history(
    limit: Annotated[int, typer.Option(help="How many runs.")] = 20,
    config: ConfigOpt = None,
) -> None:
    """List recent month flow runs from the Prefect API (name, month, state, start, duration)."""
    application = _load(config, None)
    prefect_environment(application.settings)
    from .services.history import recent_runs

    rows = recent_runs(limit)
    t = Table("flow run", "month", "school year", "state", "start", "duration")
    for r in rows:
        t.add_row(r["name"], r["month"], r["school_year"], r["state"], r["start"], r["duration"])
    out.print(t)
    if not rows:
        out.print("no month flow runs recorded yet")


@app.command()
def render(
    template: Annotated[Path, typer.Argument(help="A Word template (.docx) with docxtpl/Jinja tags.")],
    data: Annotated[
        Path, typer.Argument(help="A JSON list of objects, or a CSV/XLSX table (columns like 'guardian.name' nest).")
    ],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder for the documents.")],
    name_field: Annotated[
        str | None, typer.Option("--name-field", help="Field that names each file, e.g. student.id.")
    ] = None,
) -> None:
    """Mail merge: one document per record, with the fast renderer (escaped values, strict variables)."""
    from .adapters.fastdocx import TemplateError
    from .services.mailmerge import MergeInputError, merge

    try:
        result = merge(template, data, out_dir, name_field)
    except (MergeInputError, TemplateError) as exc:
        _fail(str(exc))
    for problem in result.problems:
        err.print(f"[yellow]problem:[/] {problem}", highlight=False, soft_wrap=True, markup=False)
    how = "" if result.fast else " (docxtpl fallback)"
    out.print(
        f"{len(result.written)} document(s) written to {out_dir}{how}; {len(result.problems)} problem(s)",
        soft_wrap=True,
    )
    if result.problems:
        raise typer.Exit(1)


templates_app = typer.Typer(help="Word templates: check them.", no_args_is_help=True)
app.add_typer(templates_app, name="templates")


@templates_app.command("check")
def templates_check(
    directory: Annotated[Path, typer.Option(help="Templates folder.")] = Path("templates"),
) -> None:
    """Render every template in templates/letters against templates/samples/<name>.json; compare with docxtpl."""
    from .services.templates_check import check_all

    results = check_all(directory / "letters", directory / "samples")
    if not results:
        _fail(f"no templates in {directory / 'letters'}")
    for r in results:
        mark = "[green]ok[/]" if r.ok else "[bold red]FAIL[/]"
        out.print(f"{mark} {r.template.name}: {r.message}", soft_wrap=True)
    failed = sum(not r.ok for r in results)
    out.print(f"{len(results)} template(s), {failed} problem(s)")
    if failed:
        raise typer.Exit(1)


from .cli_delivery import outbox, remind, resend  # noqa: E402  (they import this module's helpers when run)
from .cli_forms import ack_app, forms_app  # noqa: E402

app.command()(outbox)
app.command()(resend)
app.command()(remind)
app.add_typer(forms_app, name="forms")
app.add_typer(ack_app, name="ack")

if __name__ == "__main__":  # pragma: no cover
    app()
