"""`examdesk web` and `examdesk users`: the pages for staff and families, and dashboard accounts."""

from __future__ import annotations

import os
from typing import Annotated

import typer
from rich.table import Table

from ..services.users import add_user, users
from .common import ConfigOpt, fail, load_app, out

users_app = typer.Typer(help="Dashboard accounts.", no_args_is_help=True)


def web(
    host: Annotated[str | None, typer.Option(help="Address to listen on (default: web.host).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: web.port).")] = None,
    config: ConfigOpt = None,
) -> None:
    """Serve the pages staff and families reach from their email links (sign, confirm, ask for an
    exemption) and the coordinators' dashboard, on the district's ledger. Needs
    EXAMDESK_WEB__SECRET; put it behind a TLS reverse proxy (README) and set web.base_url."""
    import uvicorn

    from ..web.app import create_web_app

    app = load_app(config)
    api = create_web_app(app)
    settings = app.settings.web
    out.print(f"examdesk web for {app.settings.organisation.name}: {settings.base_url} (Ctrl-C to stop)")
    uvicorn.run(
        api,
        host=host or settings.host,
        port=port or settings.port,
        access_log=False,  # examdesk logs each request by its route: links carry tokens
        log_level="warning",
        proxy_headers=True,  # the signer's address from X-Forwarded-For, set by the reverse proxy
        forwarded_allow_ips=os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        server_header=False,
    )


@users_app.command("add")
def users_add(
    email: Annotated[str, typer.Argument(help="The coordinator's email (their sign-in name).")],
    role: Annotated[str, typer.Option(help="district (every site) or site (one site).")] = "district",
    site: Annotated[str | None, typer.Option(help="The site of a site coordinator.")] = None,
    password_env: Annotated[
        str | None, typer.Option(help="Read the password from this environment variable instead of asking.")
    ] = None,
    config: ConfigOpt = None,
) -> None:
    """Create an account (or set its password, role and site again). Passwords are stored as argon2 hashes."""
    if password_env:
        password = os.environ.get(password_env)
        if not password:
            fail(f"{password_env} is not set")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    made = add_user(load_app(config), email, password or "", role, site)
    out.print(f"{made.email}: {made.role} account" + (f" for site {made.site_id}" if made.site_id else ""))


@users_app.command("list")
def users_list(config: ConfigOpt = None) -> None:
    """The dashboard accounts (no passwords, no hashes)."""
    t = Table("email", "role", "site")
    for u in users(load_app(config)):
        t.add_row(u.email, u.role, u.site_id or "")
    out.print(t)
