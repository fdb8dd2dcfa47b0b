"""Wire settings to real adapters, once per command or flow run (nothing at import time)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import holidays as holidays_lib
import yaml
from babel.dates import format_date

from ..adapters.docx import TemplateLibrary
from ..adapters.ledger import Ledger
from ..adapters.mail import OutboxTransport, SmtpTransport, Transport
from ..domain.calendar import SchoolYear, WorkingCalendar
from ..domain.checklist import Checklist, ChecklistError, check_events, parse_checklist
from ..domain.languages import LOCALES
from ..domain.letters import Organisation
from ..domain.results import Signatory
from ..settings import SchoolYearSettings, Settings, load_settings
from .generators import GENERATORS

if TYPE_CHECKING:
    from .forms import FormLibrary

STANDARD_EVENTS = (
    "first_instructional_day",
    "last_instructional_day",
    "testing_window_start",
    "testing_window_end",
    "results_received",
)


def make_private_dir(path: Path) -> Path:
    """Folders that hold student data are readable by their owner only."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)
    return path


@dataclass
class App:
    settings: Settings
    year: SchoolYearSettings

    @classmethod
    def load(cls, config: str | Path | None, school_year: str | None = None, today: date | None = None) -> App:
        settings = load_settings(config)
        return cls(settings, settings.school_year(school_year, today or local_today(settings)))

    @property
    def school_year(self) -> SchoolYear:
        return self.year.school_year

    @cached_property
    def calendar(self) -> WorkingCalendar:
        org = self.settings.organisation
        sy = self.school_year
        public = holidays_lib.country_holidays(
            org.country, subdiv=org.subdivision, years=[sy.start_year, sy.start_year + 1, sy.start_year + 2]
        )
        return WorkingCalendar.build(public.keys(), self.year.closure_days())

    @cached_property
    def checklist(self) -> Checklist:
        path = self.settings.checklist_path
        if not path.is_file():
            raise ChecklistError(str(path), ["checklist file not found (setting 'checklist')"])
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise ChecklistError(str(path), [f"not valid YAML: {exc}"]) from None
        checklist = parse_checklist(raw, source=str(path), generators=GENERATORS)
        check_events(checklist, [*STANDARD_EVENTS, *self.year.events], source=str(path))
        return checklist

    @cached_property
    def templates(self) -> TemplateLibrary:
        return TemplateLibrary(self.settings.templates_dir / "letters")

    @cached_property
    def forms(self) -> FormLibrary:
        from .forms import FormLibrary  # here: the forms service uses make_private_dir from this module

        fmt = self.settings.forms.date_format
        return FormLibrary(self.settings.forms_dir, lambda d: format_date(d, format=fmt, locale="en_US"))

    @property
    def email_templates_dir(self) -> Path:
        return self.settings.templates_dir / "email"

    def private_dir(self, *parts: str) -> Path:
        """A folder under output/, it and every folder above it up to output/ private."""
        path = make_private_dir(self.settings.output_dir)
        for part in parts:
            path = make_private_dir(path / part)
        return path

    def ledger(self) -> Ledger:
        if self.settings.ledger_url == self.settings.default_ledger_url:
            self.private_dir("state")
        return Ledger(self.settings.ledger_url)

    def transport(self, outbox_dir: Path) -> Transport:
        mail = self.settings.mail
        if mail.transport == "smtp":
            password = mail.password.get_secret_value() if mail.password else None
            return SmtpTransport(
                host=mail.host,
                port=mail.port,
                security=mail.security,
                sender=mail.sender,
                username=mail.username,
                password=password,
                timeout=mail.timeout_seconds,
            )
        return OutboxTransport(outbox_dir)

    @property
    def organisation(self) -> Organisation:
        contact = self.settings.contacts["district_coordinator"]
        return Organisation(
            name=self.settings.organisation.name,
            code=self.settings.organisation.code,
            coordinator_name=contact.name,
            coordinator_email=contact.email,
            coordinator_title=contact.title or "District Test Coordinator",
        )

    @property
    def signatory(self) -> Signatory:
        role = self.settings.letters.signatory_role
        contact = self.settings.contacts.get(role) or self.settings.contacts["district_coordinator"]
        return Signatory(contact.name, contact.title or role.replace("_", " ").title())

    def date_formatter(self, language: str):
        locale = LOCALES.get(language, "en_US")
        fmt = self.settings.organisation.date_format
        return lambda d: format_date(d, format=fmt, locale=locale)

    def run_dir(self, month_key: str) -> Path:
        return self.private_dir(self.school_year.label, month_key)


def local_today(settings: Settings) -> date:
    return datetime.now(ZoneInfo(settings.organisation.time_zone)).date()
