"""What services are given: the district's settings and the adapters the composition root
(``examdesk.bootstrap``) chose for this process. Services never build these themselves."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache
from pathlib import Path

from babel.dates import format_date

from ..adapters.catalogues import Catalogues
from ..adapters.docx import TemplateLibrary
from ..adapters.emails import EmailTemplates
from ..adapters.files import make_private_dir
from ..adapters.form_library import FormLibrary
from ..adapters.ledger import LedgerDatabase, UnitOfWork
from ..adapters.mail import Transport
from ..domain.calendar import Month, SchoolYear, WorkingCalendar
from ..domain.centre_rules import CentreRules
from ..domain.checklist import Checklist, PlannedTask, planned_year, tasks_for_month
from ..domain.due_rules import DueContext, NoDue, district_events
from ..domain.events import event_days_by_action
from ..domain.languages import LOCALES
from ..domain.organisation import Organisation, Signatory
from ..domain.programs import ProgramProfile
from ..domain.records import DistrictData
from ..domain.registry import FAMILIES
from ..domain.return_route import ReturnRoute
from ..settings import SchoolYearSettings, Settings


@dataclass
class App:
    settings: Settings
    year: SchoolYearSettings
    today: date  # the day the command acts as of (--today, or today in the district's time zone)
    now: datetime  # the moment it acts as of (a results embargo is held against it)
    profile: ProgramProfile  # the rules of the district's program and state (config/programs.yaml)
    calendar: WorkingCalendar
    checklist: Checklist
    ledger: LedgerDatabase
    templates: TemplateLibrary
    catalogues: Catalogues
    forms: FormLibrary
    shipped_forms: FormLibrary  # examdesk's own forms (the certificate of completion), whatever the district's are
    emails: EmailTemplates
    make_transport: Callable[[Path], Transport]  # outbox folder -> the configured transport
    _date_formatters: dict[tuple[str, str], Callable[[date], str]] = field(default_factory=dict, repr=False)

    @property
    def school_year(self) -> SchoolYear:
        return self.year.school_year

    def unit_of_work(self) -> UnitOfWork:
        return self.ledger.unit_of_work()

    def private_dir(self, *parts: str) -> Path:
        """A folder under output/, it and every folder above it up to output/ private."""
        path = make_private_dir(self.settings.output_dir)
        for part in parts:
            path = make_private_dir(path / part)
        return path

    def run_dir(self, month_key: str) -> Path:
        return self.private_dir(self.school_year.label, month_key)

    def transport(self, month_key: str) -> Transport:
        return self.make_transport(self.private_dir("outbox", month_key))

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
    def as_of(self) -> date | datetime:
        """What a flow is given to act as of: the day, or the moment when a time of day was given (or
        it is now), which a results embargo is held against."""
        return self.today if self.now == datetime.combine(self.today, time(23, 59, 59)) else self.now

    @property
    def centre_rules(self) -> CentreRules:
        centre = self.settings.centre
        deadline = centre.review_of_marking_deadline
        return CentreRules(
            centre_number=centre.number,
            candidates_per_invigilator=centre.candidates_per_invigilator,
            results_release=centre.results_release,
            invigilator_arrives_minutes=centre.invigilator_arrives_minutes,
            review_of_marking_deadline=self.date_formatter("en")(deadline) if deadline else "",
        )

    @property
    def return_route(self) -> ReturnRoute:
        """Who collects signed documents: ``tracking.returns_to`` among the contacts."""
        role = self.settings.tracking.returns_to
        contact = self.settings.contacts[role]  # checked when the settings were read
        return ReturnRoute(contact.name, str(contact.email), contact.title)

    @property
    def signatory(self) -> Signatory:
        role = self.settings.letters.signatory_role
        contact = self.settings.contacts.get(role) or self.settings.contacts["district_coordinator"]
        return Signatory(contact.name, contact.title or role.replace("_", " ").title())

    def date_formatter(self, language: str) -> Callable[[date], str]:
        """Dates as the reader's language writes them; each date formatted once per language
        (a month's letters repeat the same few dates thousands of times)."""
        locale = LOCALES.get(language, "en_US")
        fmt = self.settings.organisation.date_format
        key = (locale, fmt)
        if key not in self._date_formatters:
            self._date_formatters[key] = lru_cache(maxsize=4096)(lambda d: format_date(d, format=fmt, locale=locale))
        return self._date_formatters[key]

    def due_context(self, data: DistrictData, site_id: str | None = None) -> DueContext:
        """Dated events for due rules: the district's (its earliest window start to its latest end),
        or, for ``site_id``, that site's own testing window."""
        window = data.district_window()
        if site_id is not None and (site_window := data.window_for(site_id)) is not None:
            window = (site_window.start_date, site_window.end_date)
        events = district_events(
            self.year.first_instructional_day,
            self.year.last_instructional_day,
            self.year.events,
            window,
            data.results_received(),
            self.results_deadline(data),
        )
        return DueContext(self.school_year, self.calendar, events)

    def results_deadline(self, data: DistrictData) -> date | None:
        """When result letters must be out, by the program's rule: N working days after the results
        arrive, or (CAASPP) within the first N of the next school year when they arrive after the
        last day of instruction (None until that year's first day is configured)."""
        received = data.results_received()
        if received is None:
            return None
        following = SchoolYear(self.school_year.start_year + 1, self.school_year.first_month).label
        after = next((y for y in self.settings.school_years if y.label == following), None)
        return self.profile.result_letters.due(
            received,
            self.year.last_instructional_day,
            after.first_instructional_day if after else None,
            self.calendar,
        )

    def tasks_of_month(self, data: DistrictData, month: Month) -> list[PlannedTask]:
        """The month's checklist tasks with their due dates; a task whose documents follow an event
        (an incident, a site's window ending, the results arriving) in the month the event happens."""
        return tasks_for_month(
            self.checklist, month, self.due_context(data), data.district_window(), self.event_days(data)
        )

    def tasks_of_year(self, data: DistrictData) -> dict[str, PlannedTask]:
        """Every non-ongoing task of the year with its due date, keyed by task id."""
        return planned_year(
            self.checklist,
            self.school_year.months(),
            self.due_context(data),
            data.district_window(),
            self.event_days(data),
        )

    @staticmethod
    def event_days(data: DistrictData) -> dict[str, list[date]]:
        """checklist action -> the days its event happens, for families that follow one."""
        return event_days_by_action(FAMILIES.acts_on(), data)

    def due_at_site(self, data: DistrictData, pt: PlannedTask, month: Month | None, site_id: str | None) -> date | None:
        """A task's due date at one site: rules anchored on the testing window use the site's own
        window; a 'during' task with no rule is due when the month or the site's window ends."""
        window = data.window_for(site_id) if site_id else None
        if window is None or not pt.varies_by_site:
            return pt.due.day
        if isinstance(pt.task.due, NoDue):
            end = min(month.last_day, window.end_date) if month else window.end_date
            return self.calendar.working_day_on_or_before(end)
        return pt.task.due.resolve(self.due_context(data, site_id), month).day

    def site_name(self, site_id: str) -> str:
        return next((s.name for s in self.settings.sites if s.id == site_id), site_id)
