"""`examdesk forms ...` and `examdesk ack ...`: PDF forms, and the signed copies that come back."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
import yaml
from babel.dates import format_date
from rich.table import Table

from ..services.tools.forms import describe, fill_many, inspect, starter_map
from ..services.tracking.acks import MATCH_NAME, import_returns, import_sheet, mark_return
from ..services.tracking.returns import incomplete_returns, return_rows, returns_by_task
from .common import ConfigOpt, TodayOpt, YearOpt, err, fail, load_app, out, refresh_tracker


def _table(*columns: str, title: str | None = None, whole: int = 0) -> Table:
    """Columns fold long values instead of cutting them; the first is never broken when ``whole``
    gives its width (field names must be copied exactly into a field map)."""
    t = Table(title=title)
    for i, column in enumerate(columns):
        if i == 0 and whole:
            t.add_column(column, no_wrap=True, min_width=whole)
        else:
            t.add_column(column, overflow="fold")
    return t


forms_app = typer.Typer(help="Fillable PDF forms: inspect any form, fill it from a table.", no_args_is_help=True)
ack_app = typer.Typer(help="Returned forms: import signed copies, list what came back.", no_args_is_help=True)


@forms_app.command("inspect")
def forms_inspect(
    form: Annotated[Path, typer.Argument(help="A fillable PDF (any tool's).")],
    map_out: Annotated[
        Path | None, typer.Option("--map", help="Write a starter field map here (default: FORM.yaml beside it).")
    ] = None,
    no_map: Annotated[bool, typer.Option("--no-map", help="Only list the fields.")] = False,
) -> None:
    """List every field (full name, type, page, options or on-states, value); write a starter field map."""
    fields = inspect(form)
    longest = max(len(f.name) for f in fields)
    t = _table("field", "type", "page", "options / on-states", "value", "flags", title=form.name, whole=longest)
    for row in describe(fields):
        t.add_row(*(str(row[k]) for k in ("name", "type", "page", "options", "value", "flags")))
    out.print(t)
    out.print(f"{len(fields)} field(s)")
    if no_map:
        return
    target = map_out or form.with_suffix(".yaml")
    if target.exists() and map_out is None:
        out.print(f"{target} exists; not overwritten (use --map to choose another file)", soft_wrap=True)
        return
    target.write_text(yaml.safe_dump(starter_map(form, fields), sort_keys=False, allow_unicode=True), encoding="utf-8")
    out.print(
        f"starter field map written to {target}: edit the expressions, then `examdesk forms fill`", soft_wrap=True
    )


@forms_app.command("fill")
def forms_fill(
    form: Annotated[Path, typer.Argument(help="A fillable PDF.")],
    data: Annotated[Path, typer.Argument(help="A JSON list of objects, or a CSV/XLSX table (one copy per row).")],
    map_file: Annotated[Path, typer.Option("--map", help="Field map (YAML): form field -> expression.")],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder for the filled copies.")],
    flatten: Annotated[bool, typer.Option("--flatten", help="Draw values into the page; no fields left.")] = False,
    merge: Annotated[Path | None, typer.Option("--merge", help="Also write all copies as one packet PDF.")] = None,
    password_env: Annotated[
        str | None,
        typer.Option("--password-env", help="Protect the PDFs with the password in this environment variable."),
    ] = None,
    name_field: Annotated[
        str | None, typer.Option("--name-field", help="Field that names each file, e.g. staff_id.")
    ] = None,
    date_format: Annotated[str, typer.Option(help="Babel pattern for {format: date} values.")] = "MM/dd/yyyy",
) -> None:
    """Fill one copy per record; rows that cannot be filled are reported by row and field, the rest are written."""
    password = None
    if password_env:
        password = os.environ.get(password_env)
        if not password:
            fail(f"environment variable {password_env} is not set (it holds the PDF password)")
    result = fill_many(
        form,
        data,
        map_file,
        out_dir,
        lambda d: format_date(d, format=date_format, locale="en_US"),
        flatten_copies=flatten,
        packet=merge,
        password=password,
        name_field=name_field,
    )
    for problem in result.problems:
        err.print(f"[yellow]problem:[/] {problem}", highlight=False, soft_wrap=True, markup=False)
    out.print(
        f"{len(result.written)} form(s) written to {out_dir}; {len(result.problems)} problem(s)"
        + (f"; packet {result.packet}" if result.packet else ""),
        soft_wrap=True,
    )
    if result.problems:
        raise typer.Exit(1)


@ack_app.command("import")
def ack_import(
    paths: Annotated[list[Path], typer.Argument(help="Returned PDFs, or folders holding them.")],
    config: ConfigOpt = None,
    year: YearOpt = None,
) -> None:
    """Read returned forms, match each to what was sent (hidden document id, else name and email), record it."""
    app = load_app(config, year)
    results = import_returns(app, paths)
    t = _table("file", "form", "outcome", "matched by", "task", "missing / note")
    for r in results:
        style = {"complete": "green", "incomplete": "yellow"}.get(r.outcome, "red")
        match = f"{r.match} (weaker)" if r.match == MATCH_NAME else r.match
        t.add_row(r.file.name, r.form, f"[{style}]{r.outcome}[/]", match, r.task_id, ", ".join(r.missing) or r.message)
    out.print(t)
    counts = {k: sum(r.outcome == k for r in results) for k in ("complete", "incomplete", "unmatched", "unreadable")}
    out.print(", ".join(f"{v} {k}" for k, v in counts.items()) + f" of {len(results)} file(s)")
    refresh_tracker(app)


@ack_app.command("list")
def ack_list(
    config: ConfigOpt = None,
    year: YearOpt = None,
    today: TodayOpt = None,
    incomplete: Annotated[bool, typer.Option("--incomplete", help="List the incomplete returns too.")] = False,
) -> None:
    """Per task: documents sent to be signed, complete and incomplete returns, outstanding, overdue."""
    app = load_app(config, year, today)
    day = app.today
    t = _table("task", "sent", "complete", "incomplete", "outstanding", "overdue", title=f"returns as of {day}")
    for row in returns_by_task(return_rows(app), day):
        t.add_row(*(str(row[k]) for k in ("task_id", "sent", "complete", "incomplete", "outstanding", "overdue")))
    out.print(t)
    if incomplete:
        for a in incomplete_returns(app):
            out.print(
                f"incomplete: {a['person_name']} <{a['person_email']}> ({a['task_id']}): {a['note']}", soft_wrap=True
            )


@ack_app.command("mark")
def ack_mark(
    task: Annotated[str, typer.Argument(help="The task whose document came back, e.g. parcc-before-14.")],
    email: Annotated[str, typer.Argument(help="The person's email address.")],
    status: Annotated[str, typer.Option(help="complete or incomplete.")] = "complete",
    note: Annotated[str, typer.Option(help="Why, for the record.")] = "",
    config: ConfigOpt = None,
    year: YearOpt = None,
) -> None:
    """Record by hand that a person's signed document came back (a paper copy handed in, say)."""
    if status not in ("complete", "incomplete"):
        fail(f"status {status!r}: use complete or incomplete")
    app = load_app(config, year)
    n = mark_return(app, task, email, status, note)
    out.print(f"{n} document(s) of {task} recorded {status} for {email}")
    refresh_tracker(app)


@ack_app.command("import-sheet")
def ack_import_sheet(
    sheet: Annotated[Path, typer.Argument(help="CSV or XLSX with email and status columns (name optional).")],
    task: Annotated[
        str | None, typer.Option(help="Only documents of this task (default: any that must come back).")
    ] = None,
    config: ConfigOpt = None,
    year: YearOpt = None,
) -> None:
    """Import a status export (e.g. a security forms status report): signed/complete rows are
    recorded as returned; unknown statuses or people are reported by row, the rest recorded."""
    app = load_app(config, year)
    result = import_sheet(app, sheet, task)
    for problem in result.problems:
        err.print(f"[yellow]problem:[/] {problem}", highlight=False, soft_wrap=True, markup=False)
    out.print(
        f"recorded {result.recorded['complete']} complete, {result.recorded['incomplete']} incomplete; "
        f"{result.left_open} row(s) still open; {len(result.problems)} problem(s)"
    )
    refresh_tracker(app)
    if result.problems:
        raise typer.Exit(1)
