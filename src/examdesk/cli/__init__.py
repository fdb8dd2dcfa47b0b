"""The examdesk command line (Typer). Commands call services only; errors become messages and
exit codes in one place (``common.ExamdeskGroup``)."""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from .. import progress
from . import day, delivery, forms, month, prefect, records, tools, web, windows
from .common import ExamdeskGroup

app = typer.Typer(
    cls=ExamdeskGroup,
    help="examdesk: an assessment coordinator's school year, month by month.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v", help="More log output.")] = False) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    progress.use_terminal(True)


for command in (
    month.run,
    day.tick,
    month.validate,
    month.status,
    month.mark,
    month.tracker,
    records.retention,
    delivery.outbox,
    delivery.resend,
    delivery.remind,
    tools.render,
    tools.families,
    tools.init,
    prefect.server,
    prefect.serve,
    prefect.deploy,
    prefect.history,
    web.web,
):
    app.command()(command)
app.add_typer(tools.templates_app, name="templates")
app.add_typer(forms.forms_app, name="forms")
app.add_typer(forms.ack_app, name="ack")
app.add_typer(windows.windows_app, name="windows")
app.add_typer(web.users_app, name="users")

__all__ = ["app"]
