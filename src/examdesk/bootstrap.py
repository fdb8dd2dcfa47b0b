"""The composition root: read the district's settings and build, once per process or command,
the adapters services are given (calendar, checklist, ledger, templates, forms, mail transport).

Entry points (the command line, the Prefect flows) call ``build_app``; services never import
this module. Tests pass their own ledger URL (``sqlite://``: in memory) or transport.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays as holidays_lib
import yaml
from babel.dates import format_date

from . import resources
from .adapters.catalogues import Catalogues
from .adapters.docx import TemplateLibrary
from .adapters.emails import EmailTemplates
from .adapters.form_library import FormLibrary
from .adapters.ledger import LedgerDatabase
from .adapters.mail import OutboxTransport, SmtpTransport, Transport
from .adapters.pdf_unicode_text import FontSet
from .adapters.pdfforms import SHARED_FONTS
from .adapters.programs_file import read_profiles
from .domain.calendar import WorkingCalendar
from .domain.checklist import Checklist, ChecklistError, check_events, parse_checklist
from .domain.due_rules import STANDARD_EVENTS
from .domain.memos import MEMOS
from .domain.programs import ProgramProfile, profile_for
from .domain.registry import FAMILIES
from .services.app import App
from .settings import SchoolYearSettings, Settings, load_settings


def local_today(settings: Settings) -> date:
    return local_now(settings).date()


def local_now(settings: Settings) -> datetime:
    """The district's wall-clock time, without a zone (documents and embargoes read it so)."""
    return datetime.now(ZoneInfo(settings.organisation.time_zone)).replace(tzinfo=None, microsecond=0)


def acting_time(settings: Settings, today: date | None) -> tuple[date, datetime]:
    """The day and the moment a command acts as of. No ``today``: now. A date: the whole day has
    happened (its end). A date and time (``--today 2027-08-19T07:30``): that moment, which is what
    a results embargo is held against."""
    if today is None:
        now = local_now(settings)
        return now.date(), now
    if isinstance(today, datetime):
        return today.date(), today.replace(tzinfo=None)
    return today, datetime.combine(today, time(23, 59, 59))


def build_app(
    config: str | Path | None = None,
    school_year: str | None = None,
    today: date | None = None,
    *,
    ledger_url: str | None = None,
    transport: Transport | None = None,
) -> App:
    """Everything a command needs for one district and school year, as of ``today``."""
    settings = load_settings(config)
    today, now = acting_time(settings, today)
    year = settings.school_year(school_year, today)
    return App(
        settings=settings,
        year=year,
        today=today,
        now=now,
        profile=program_profile(settings),
        calendar=working_calendar(settings, year),
        checklist=load_checklist(settings, year),
        ledger=LedgerDatabase(ledger_url or settings.ledger_url),
        templates=TemplateLibrary(settings.templates_dir / "letters", author=settings.organisation.name),
        catalogues=Catalogues(settings.templates_dir / "locale"),
        forms=form_library(settings),
        shipped_forms=form_library(),
        emails=EmailTemplates(settings.templates_dir / "email"),
        make_transport=(lambda _folder: transport) if transport is not None else transport_factory(settings),
    )


def program_profile(settings: Settings) -> ProgramProfile:
    """The district's program (organisation.program) with its state's rules (organisation.subdivision);
    forms.irregularity_report_school_days, when set, overrides the irregularity deadline."""
    org = settings.organisation
    profile = profile_for(read_profiles(settings.programs_path), org.program, org.subdivision)
    days = settings.forms.irregularity_report_school_days
    if days is not None:
        rule = replace(profile.irregularity, within=days, unit="school_days")
        profile = replace(profile, irregularity=rule)
    return profile


def working_calendar(settings: Settings, year: SchoolYearSettings) -> WorkingCalendar:
    org = settings.organisation
    start = year.school_year.start_year
    public = holidays_lib.country_holidays(org.country, subdiv=org.subdivision, years=[start, start + 1, start + 2])
    return WorkingCalendar.build(public.keys(), year.closure_days())


def load_checklist(settings: Settings, year: SchoolYearSettings) -> Checklist:
    path = settings.checklist_path
    if not path.is_file():
        raise ChecklistError(str(path), ["checklist file not found (setting 'checklist')"])
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ChecklistError(str(path), [f"not valid YAML: {exc}"]) from None
    checklist = parse_checklist(raw, source=str(path), generators=FAMILIES, memos=MEMOS)
    check_events(checklist, [*STANDARD_EVENTS, *year.events], source=str(path))
    return checklist


def form_library(settings: Settings | None = None) -> FormLibrary:
    """The district's forms (or, without a district, the ones shipped with examdesk)."""
    if settings is None:
        return FormLibrary(resources.folder("forms"), lambda d: format_date(d, format="MM/dd/yyyy", locale="en_US"))
    fmt = settings.forms.date_format
    fonts = FontSet(settings.form_fonts) if settings.forms.fonts else SHARED_FONTS
    return FormLibrary(settings.forms_dir, lambda d: format_date(d, format=fmt, locale="en_US"), fonts)


def transport_factory(settings: Settings) -> Callable[[Path], Transport]:
    """The configured transport, for a month's outbox folder (built when something is sent; a run
    checks the SMTP credentials before it renders anything: ``MailSettings.require_credentials``)."""
    mail = settings.mail
    if mail.transport != "smtp":
        return OutboxTransport

    def smtp(_outbox: Path) -> Transport:
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

    return smtp
