"""`examdesk render`, `templates check`, `families`, `init`: tools that need no month run."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ..bootstrap import form_library
from ..domain.memos import MEMOS
from ..domain.registry import FAMILIES
from ..resources import folder
from ..services.tools.init import init_district
from ..services.tools.mailmerge import merge
from ..services.tools.templates_check import check_all, check_memos
from ..settings import load_settings
from .common import ConfigOpt, err, fail, out

templates_app = typer.Typer(help="Word templates and PDF forms: check them.", no_args_is_help=True)


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
    result = merge(template, data, out_dir, name_field)
    for problem in result.problems:
        err.print(f"[yellow]problem:[/] {problem}", highlight=False, soft_wrap=True, markup=False)
    how = "" if result.fast else " (docxtpl fallback)"
    out.print(
        f"{len(result.written)} document(s) written to {out_dir}{how}; {len(result.problems)} problem(s)",
        soft_wrap=True,
    )
    if result.problems:
        raise typer.Exit(1)


@templates_app.command("check")
def templates_check(
    directory: Annotated[
        Path | None,
        typer.Option(help="Templates folder (default: the district's with --config, else the shipped)."),
    ] = None,
    config: ConfigOpt = None,
) -> None:
    """Render every document family's outputs against their samples (templates/samples/<name>.json):
    Word templates with the fast renderer and docxtpl (same text, no tag left), workbooks, PDF forms
    with their field maps."""
    settings = load_settings(config) if config else None
    templates_dir = directory or (settings.templates_dir if settings else folder("templates"))
    forms = form_library(settings)
    if not (templates_dir / "letters").is_dir():
        fail(f"no templates in {templates_dir / 'letters'}")
    results = check_all(FAMILIES.values(), templates_dir, forms) + check_memos(MEMOS.values(), templates_dir)
    for r in results:
        mark = "[green]ok[/]" if r.ok else "[bold red]FAIL[/]"
        family = f" ({r.family})" if r.family.startswith("memo ") else f" (family {r.family})" if r.family else ""
        out.print(f"{mark} {r.template.name}: {r.message}{family}", soft_wrap=True, highlight=False)
    failed = sum(not r.ok for r in results)
    out.print(f"{len(results)} check(s), {failed} problem(s)")
    if failed:
        raise typer.Exit(1)


def families() -> None:
    """The document families a checklist task can name in its `action`, what each renders and for whom."""
    t = Table(title="document families")
    t.add_column("family (action)", no_wrap=True)
    for column in ("what", "outputs", "to"):
        t.add_column(column, ratio=1, overflow="fold")
    for family in FAMILIES.values():
        outputs = ", ".join(
            f"{o.template}.{o.format}" + (" (comes back signed)" if o.comes_back else "") for o in family.outputs
        )
        t.add_row(family.name, family.title, outputs, family.audience)
    out.print(t)


def init(
    target: Annotated[Path, typer.Argument(help="Folder for the new district (created; must be empty).")],
    name: Annotated[str, typer.Option(help="The district's name.")] = "Example Unified School District",
    with_templates: Annotated[
        bool, typer.Option("--with-templates", help="Also copy the templates and forms, to edit them.")
    ] = False,
) -> None:
    """Write a starter district: district.yaml, the default checklist, and empty data tables with their headers."""
    written = init_district(target, name=name, with_templates=with_templates)
    for path in written:
        out.print(f"  {path}", highlight=False)
    config = target / "config" / "district.yaml"
    out.print(
        f"{len(written)} file(s) written. Edit {config}, fill the tables in {target / 'data'}, then: "
        f"examdesk validate --config {config}",
        soft_wrap=True,
    )
