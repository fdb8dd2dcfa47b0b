"""The web application: built once per process around the App the composition root made."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from ..bootstrap import local_today
from ..errors import ConfigurationError
from ..services.app import App
from . import dashboard, public
from .context import LoginRequired, Pages
from .security import AttemptLimiter, SecurityHeaders

SESSION_HOURS = 8


def create_web_app(app: App, today: Callable[[], date] | None = None) -> FastAPI:
    """The pages and the dashboard over ``app``'s ledger. ``today``: the date the pages act as of
    (default: today in the district's time zone; tests pass a fixed one)."""
    web = app.settings.web
    if not web.has_secret or web.secret is None:
        raise ConfigurationError(
            "set EXAMDESK_WEB__SECRET in the environment (at least 32 random characters, e.g. from "
            "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`): it signs every personal link "
            "and session, and must never be written in a file"
        )
    secret = web.secret.get_secret_value()
    base = urlsplit(web.base_url).path.rstrip("/")
    api = FastAPI(title="examdesk", docs_url=None, redoc_url=None, openapi_url=None, root_path=base)
    api.state.examdesk = app
    api.state.secret = secret
    api.state.today = today or (lambda: local_today(app.settings))
    api.state.pages = Pages(app.settings.templates_dir / "web", app.settings.organisation.name, base)
    api.state.logins = AttemptLimiter(web.login_attempts_per_minute)

    api.include_router(public.router)
    api.include_router(dashboard.router)
    api.add_middleware(
        SessionMiddleware,
        secret_key=secret,
        session_cookie="examdesk_session",
        max_age=SESSION_HOURS * 3600,
        same_site="strict",
        https_only=web.base_url.startswith("https://"),
    )
    api.add_middleware(SecurityHeaders)

    @api.get("/static/style.css", include_in_schema=False)
    def style() -> Response:
        return Response((api.state.pages.directory / "style.css").read_bytes(), media_type="text/css")

    @api.exception_handler(LoginRequired)
    async def login_first(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(f"{base}/login", status_code=303)

    @api.exception_handler(StarletteHTTPException)
    async def not_found(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return api.state.pages.render("not_found.html", 404)
        return Response(str(exc.detail), status_code=exc.status_code)

    return api
