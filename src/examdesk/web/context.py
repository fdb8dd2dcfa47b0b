"""What a route needs from the web app: the App as of today, the page renderer, the account
signed in, the caller's address."""

from __future__ import annotations

from pathlib import Path

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2.sandbox import SandboxedEnvironment

from ..services.app import App
from ..services.users import User, user


class LoginRequired(Exception):
    pass


class Pages:
    """Renders the district's page templates (templates/web/*.html) with what every page shows."""

    def __init__(self, directory: Path, district: str, base: str):
        self.env = SandboxedEnvironment(loader=jinja2.FileSystemLoader(directory), autoescape=True)
        self.directory = directory
        self.district = district
        self.base = base

    def render(self, template: str, status: int = 200, **context) -> HTMLResponse:
        context.setdefault("user", None)
        html = self.env.get_template(template).render(district=self.district, base=self.base, **context)
        return HTMLResponse(html, status_code=status)


def examdesk_app(request: Request) -> App:
    """The App, as of today (the web process runs for days)."""
    app: App = request.app.state.examdesk
    app.today = request.app.state.today()
    return app


def pages(request: Request) -> Pages:
    return request.app.state.pages


def signed_in(request: Request) -> User:
    """The account signed in on this session, as the ledger has it now; else to the login page."""
    email = request.session.get("user")
    found = user(examdesk_app(request), email) if email else None
    if found is None:
        raise LoginRequired()
    return found


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""
