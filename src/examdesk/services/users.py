"""Dashboard accounts: a district coordinator sees every site; a site coordinator only theirs."""

from __future__ import annotations

from dataclasses import dataclass

from ..adapters.passwords import hash_password, password_matches
from ..domain.tables import EMAIL
from ..errors import ConfigurationError
from .app import App

ROLES = ("district", "site")
MIN_PASSWORD = 12


@dataclass(frozen=True)
class User:
    email: str
    role: str  # district | site
    site_id: str | None

    @property
    def site_only(self) -> str | None:
        """The one site a site coordinator may see (None: every site)."""
        return self.site_id if self.role == "site" else None


def add_user(app: App, email: str, password: str, role: str, site_id: str | None) -> User:
    email = email.strip().lower()
    if not EMAIL.match(email):
        raise ConfigurationError(f"{email!r} is not an email address")
    if role not in ROLES:
        raise ConfigurationError(f"role {role!r}: expected district or site")
    sites = {s.id for s in app.settings.sites}
    if role == "site" and site_id not in sites:
        raise ConfigurationError(f"a site account needs --site, one of {', '.join(sorted(sites))}")
    if role == "district":
        site_id = None
    if len(password) < MIN_PASSWORD:
        raise ConfigurationError(f"the password must have at least {MIN_PASSWORD} characters")
    with app.unit_of_work() as uow:
        uow.users.add(email, hash_password(password), role, site_id)
        uow.commit()
    return User(email, role, site_id)


def authenticate(app: App, email: str, password: str) -> User | None:
    with app.unit_of_work() as uow:
        row = uow.users.by_email(email.strip())
    if not password_matches(row["password_hash"] if row else None, password) or row is None:
        return None
    return User(row["email"], row["role"], row["site_id"])


def user(app: App, email: str) -> User | None:
    """The account as it is now (a removed or changed account takes effect at once)."""
    with app.unit_of_work() as uow:
        row = uow.users.by_email(email)
    return User(row["email"], row["role"], row["site_id"]) if row else None


def users(app: App) -> list[User]:
    with app.unit_of_work() as uow:
        return [User(r["email"], r["role"], r["site_id"]) for r in uow.users.all()]
