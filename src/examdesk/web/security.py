"""What every page of the web app gets: security headers, a log line without personal data,
CSRF tokens, and a limit on login attempts."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import time
from collections import defaultdict, deque

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("examdesk.web")

HEADERS = {
    # no scripts at all; styles from this site only; nothing may frame the pages
    "content-security-policy": "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",  # a personal link never leaks to another site
    "cache-control": "no-store",  # pages hold personal data: not kept by the browser or a proxy
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}


class SecurityHeaders:
    """Adds HEADERS to every response, and logs each request by its route, never its address
    (links carry tokens) or anything typed into it."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = {"code": 0}

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                headers = [(k, v) for k, v in message.get("headers", []) if k.decode().lower() not in HEADERS]
                headers += [(k.encode(), v.encode()) for k, v in HEADERS.items()]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)
        route = scope.get("route")
        log.info("%s %s %s", scope["method"], getattr(route, "path", "(no route)"), status["code"])


def link_form_token(secret: str, link_token: str) -> str:
    """The CSRF token of a page reached by a personal link (no session): tied to that link."""
    return hmac.new(secret.encode(), b"form:" + link_token.encode(), hashlib.sha256).hexdigest()[:32]


def new_csrf() -> str:
    return secrets.token_urlsafe(24)


def same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


class AttemptLimiter:
    """At most ``per_minute`` attempts per key (an address and an email) in any minute."""

    def __init__(self, per_minute: int, clock=time.monotonic):
        self.per_minute = per_minute
        self.clock = clock
        self._seen: dict[str, deque[float]] = defaultdict(deque)

    def allow(self, key: str) -> bool:
        now = self.clock()
        seen = self._seen[key]
        while seen and now - seen[0] > 60:
            seen.popleft()
        if len(seen) >= self.per_minute:
            return False
        seen.append(now)
        return True
