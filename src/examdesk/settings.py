"""District configuration: config/district.yaml, validated, with environment overrides.

Environment variables override the file: EXAMDESK_<SECTION>__<KEY>, e.g.
EXAMDESK_MAIL__HOST, EXAMDESK_LEDGER__URL. The SMTP password is read only from the
environment (EXAMDESK_MAIL__PASSWORD); a password written in the file is refused.
"""

from __future__ import annotations

import os
from datetime import date, time
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from . import resources
from .domain.calendar import CalendarError, SchoolYear, expand_days
from .domain.roles import STAFF_ROLES
from .domain.tables import EMAIL
from .errors import ConfigurationError

ENV_PREFIX = "EXAMDESK_"
DEFAULT_CONFIG = Path("config/district.yaml")


class ConfigError(ConfigurationError):
    """A wrong or missing setting; the message names the file and the key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Organisation(_Strict):
    name: str
    code: str
    country: str = "US"
    subdivision: str | None = None
    time_zone: str = "America/Los_Angeles"
    program: str = "CAASPP"
    date_format: str = "long"  # a Babel date format: short | medium | long | full, or a pattern

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {v!r} (expected an IANA name like America/Los_Angeles)") from None
        return v


class Closure(_Strict):
    name: str
    start: date
    end: date | None = None

    @model_validator(mode="after")
    def _order(self) -> Closure:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"closure {self.name!r} ends ({self.end}) before it starts ({self.start})")
        return self


class Downtime(Closure):
    """A scheduled outage of a testing system (the program's status page lists them)."""


class SchoolYearSettings(_Strict):
    label: str
    # the month the year starts in: 7 (July, US) or 9 (September: a UK exam centre's year, results day included)
    starts_in: int = Field(default=7, ge=1, le=12)
    first_instructional_day: date
    last_instructional_day: date
    closures: list[Closure] = Field(default_factory=list)
    events: dict[str, date] = Field(default_factory=dict)
    downtimes: list[Downtime] = Field(default_factory=list)  # told to site coordinators in the downtimes memo

    @field_validator("label")
    @classmethod
    def _label(cls, v: str) -> str:
        try:
            return SchoolYear.parse(v).label
        except CalendarError as exc:
            raise ValueError(str(exc)) from None

    @model_validator(mode="after")
    def _inside(self) -> SchoolYearSettings:
        sy = self.school_year
        for name, d in (
            ("first_instructional_day", self.first_instructional_day),
            ("last_instructional_day", self.last_instructional_day),
        ):
            if not sy.first_day <= d <= sy.last_day:
                raise ValueError(f"{name} {d} is outside school year {sy.label} ({sy.span_text})")
        if self.last_instructional_day <= self.first_instructional_day:
            raise ValueError("last_instructional_day must come after first_instructional_day")
        return self

    @property
    def school_year(self) -> SchoolYear:
        return SchoolYear.parse(self.label, self.starts_in)

    def closure_days(self) -> list[date]:
        return [d for c in self.closures for d in expand_days(c.start, c.end)]


class SiteSettings(_Strict):
    id: str
    name: str
    code: str = ""
    address: str = ""


def _check_email(v: str) -> str:
    if not EMAIL.match(v):
        raise ValueError(f"{v!r} is not an email address")
    return v


EmailAddress = Annotated[str, AfterValidator(_check_email)]


class Contact(_Strict):
    name: str
    email: EmailAddress
    title: str = ""


class DataFiles(_Strict):
    directory: Path = Path("data")
    students: str = "students.csv"
    guardians: str = "guardians.csv"
    staff: str = "staff.csv"
    # a US district's testing tables (an exam centre sets them to null)
    testing_windows: str | None = "testing_windows.csv"
    sessions: str | None = "sessions.csv"
    entries: str | None = "entries.csv"
    materials: str | None = "materials.csv"
    results: str | None = "results.csv"
    exemptions: str | None = "exemptions.csv"  # optional: null when the district keeps none
    returns: str | None = "returns.csv"  # optional: secure materials returned after testing
    incidents: str | None = "incidents.csv"  # optional: testing irregularities and security breaches
    # an exam centre's series (JCQ): awarding bodies, specifications, the timetable of components,
    # entries, rooms, invigilators' availability and results; null for a US district
    boards: str | None = None
    specifications: str | None = None
    components: str | None = None
    exam_entries: str | None = None
    rooms: str | None = None
    availability: str | None = None
    exam_results: str | None = None
    certificates: str | None = None
    # the grades the district's schools teach (0 = kindergarten): a row with another grade is refused
    grades: tuple[int, int] = (0, 12)

    @field_validator("grades")
    @classmethod
    def _grade_range(cls, value: tuple[int, int]) -> tuple[int, int]:
        low, high = value
        if not 0 <= low <= high <= 13:
            raise ValueError("give the lowest and highest grade, from 0 (kindergarten) to 13, lowest first")
        return value


class CentreSettings(_Strict):
    """An exam centre's (JCQ) numbers; a US district leaves them out."""

    number: str = ""  # National Centre Number
    candidates_per_invigilator: int = Field(default=24, ge=1)
    results_release: time = time(8, 0)  # results day: candidates get theirs from this time, never before
    invigilator_arrives_minutes: int = Field(default=30, ge=0)
    review_of_marking_deadline: date | None = None  # post-results services: the boards' deadline


class OutputSettings(_Strict):
    directory: Path = Path("output")
    # what an attachment's name says about the student it concerns: the document's own id
    # ("testing-notice_ED-1A2B…_es.docx", default) or, if the district chooses, the student's SSID
    attachment_names: Literal["document_id", "student_id"] = "document_id"


class MailSettings(_Strict):
    transport: Literal["outbox", "smtp"] = "outbox"
    sender: EmailAddress = "examdesk@example.org"
    sender_name: str = "examdesk"
    reply_to: str | None = None
    host: str = "localhost"
    port: int = Field(587, ge=1, le=65535)
    security: Literal["starttls", "ssl", "none"] = "starttls"
    username: str | None = None
    password: SecretStr | None = None  # environment only
    timeout_seconds: float = Field(30, gt=0)
    max_attempts: int = Field(3, ge=1, le=10)  # per message and run, for temporary failures (4xx, dropped link)
    retry_backoff_seconds: float = Field(2.0, ge=0)  # first wait; doubles on each further attempt
    max_per_minute: int = Field(0, ge=0)  # throttle: at most this many messages a minute (0: no limit)
    connections: int = Field(1, ge=1, le=16)  # SMTP connections at once (providers limit them; 1 is safe)
    max_message_mb: float = Field(10, gt=0)  # bigger packets are split into numbered parts
    abandoned_after_minutes: float = Field(60, gt=0)  # a claim by a process on another machine counts as dead

    def require_credentials(self) -> None:
        """An SMTP login needs its password, which only ever comes from the environment."""
        if self.transport == "smtp" and self.username and self.password is None:
            raise ConfigError(
                f"mail.username is set ({self.username}) but {ENV_PREFIX}MAIL__PASSWORD is not: set the SMTP "
                "password in the environment (never in a file), or empty mail.username for a relay without login"
            )


class LetterSettings(_Strict):
    adult_age: int = Field(18, ge=14, le=25)  # result letters go to the student from this age on
    signatory_role: str = "superintendent"  # whose name signs result letters (a contacts role)
    copy_guardians: bool = False  # exam centres: candidates' statements of entry copied to the primary guardian


class FormSettings(_Strict):
    directory: Path | None = None  # fillable PDFs and their field maps (default: the forms shipped with examdesk)
    date_format: str = "MM/dd/yyyy"  # a Babel pattern for dates written into forms (UK: dd/MM/yyyy)
    # overrides the program profile's irregularity deadline (config/programs.yaml), in school days
    irregularity_report_school_days: int | None = Field(None, ge=0, le=30)
    state: str = "CA"  # written in the forms' State field
    # returned forms come from outside: each is read in a child process within these bounds
    returned_max_mb: float = Field(20, gt=0, le=500)  # a bigger file is refused unread
    returned_seconds: float = Field(20, gt=0, le=600)  # reading one file takes at most this long
    returned_memory_mb: int = Field(1024, ge=256, le=16384)  # the reader's address space
    # TrueType fonts (.ttf) for form-field text in scripts the shipped fonts lack, tried first
    fonts: list[Path] = Field(default_factory=list)


class TrackingSettings(_Strict):
    return_working_days: int = Field(5, ge=1, le=60)  # a signed copy is never due sooner than this after sending
    reminder_interval_days: int = Field(7, ge=1, le=90)  # at most one reminder per person in this many days
    returns_to: str = "district_coordinator"  # the contact every signed document goes back to, by email


class ScheduleSettings(_Strict):
    """When `examdesk serve` runs the flows, as cron lines in the district's time zone. Each flow
    checks the day itself: the month flow acts on the month's first working day, the day flow on
    working days only (weekends, public holidays and closures are skipped)."""

    month: str = "0 7 1-7 * 1-5"  # 07:00 on weekdays 1-7 of each month
    day: str = "30 7 * * 1-5"  # 07:30 every weekday

    @field_validator("month", "day")
    @classmethod
    def _cron(cls, value: str) -> str:
        if len(value.split()) != 5:
            raise ValueError(f"{value!r} is not a cron line (minute hour day month weekday)")
        return value


class WebSettings(_Strict):
    """`examdesk web`: staff sign and confirm from links in their email; coordinators see status."""

    base_url: str = "http://127.0.0.1:8080"  # how people reach it (behind a TLS proxy: https://...)
    host: str = "127.0.0.1"
    port: int = Field(8080, ge=1, le=65535)
    # signs every personal link and session cookie; environment only (EXAMDESK_WEB__SECRET).
    # Without it, emails carry no links and `examdesk web` does not start.
    secret: SecretStr | None = None
    link_valid_days: int = Field(60, ge=1, le=400)  # a personal link works this long after it is sent
    # the district's key and certificate that sign certificates of completion (PAdES);
    # default: made by `examdesk init` (or on first use) under output/state/signing/
    signing_key: Path | None = None
    signing_certificate: Path | None = None
    signing_key_password: SecretStr | None = None  # environment only (EXAMDESK_WEB__SIGNING_KEY_PASSWORD)
    login_attempts_per_minute: int = Field(5, ge=1, le=100)

    @field_validator("base_url")
    @classmethod
    def _url(cls, v: str) -> str:
        if not v.startswith(("http://", "https://")):
            raise ValueError(f"{v!r} is not a web address (http:// or https://)")
        return v.rstrip("/")

    @property
    def has_secret(self) -> bool:
        return self.secret is not None and len(self.secret.get_secret_value()) >= 32


class PerformanceSettings(_Strict):
    # worker processes a month is shared among, by recipient (Prefect's process pool task runner);
    # 1: one process, as before. Each worker loads the district's tables.
    workers: int = Field(1, ge=1, le=64)
    # a Prefect work pool (examdesk deploy) whose workers, on any machine, take the month's
    # ``workers`` shards; none: processes on this machine. Needs a Prefect server, a shared
    # ledger (PostgreSQL) and an output folder every worker reaches.
    work_pool: str | None = None


class LedgerSettings(_Strict):
    url: str | None = None  # default: SQLite file under the output folder


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_nested_delimiter="__", extra="forbid")

    organisation: Organisation
    school_years: list[SchoolYearSettings]
    sites: list[SiteSettings]
    centre: CentreSettings = Field(default_factory=CentreSettings)
    contacts: dict[str, Contact] = Field(default_factory=dict)
    checklist: Path = Path("checklist.yaml")
    programs: Path | None = None  # program and state profiles (default: the ones shipped with examdesk)
    templates: Path | None = None  # Word and email templates (default: the ones shipped with examdesk)
    data: DataFiles = Field(default_factory=DataFiles)
    output: OutputSettings = Field(default_factory=OutputSettings)
    mail: MailSettings = Field(default_factory=lambda: MailSettings())
    letters: LetterSettings = Field(default_factory=lambda: LetterSettings())
    forms: FormSettings = Field(default_factory=lambda: FormSettings())
    tracking: TrackingSettings = Field(default_factory=lambda: TrackingSettings())
    ledger: LedgerSettings = Field(default_factory=LedgerSettings)
    schedule: ScheduleSettings = Field(default_factory=ScheduleSettings)
    web: WebSettings = Field(default_factory=lambda: WebSettings())
    performance: PerformanceSettings = Field(default_factory=PerformanceSettings)

    # set by load_settings, not by the file
    config_file: Path = Field(default=Path("."), exclude=True)

    @classmethod
    def settings_customise_sources(
        cls, settings_cls, init_settings, env_settings, dotenv_settings, file_secret_settings
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # environment first (wins), then what load_settings read from the YAML file
        return env_settings, init_settings

    @field_validator("contacts")
    @classmethod
    def _contact_roles(cls, v: dict[str, Contact]) -> dict[str, Contact]:
        unknown = [r for r in v if r not in STAFF_ROLES]
        if unknown:
            raise ValueError(f"unknown role(s) {unknown} (expected {', '.join(STAFF_ROLES)})")
        return v

    @model_validator(mode="after")
    def _checks(self) -> Settings:
        ids = [s.id for s in self.sites]
        dupes = {i for i in ids if ids.count(i) > 1}
        if dupes:
            raise ValueError(f"sites: duplicate site id(s) {sorted(dupes)}")
        labels = [y.label for y in self.school_years]
        if len(set(labels)) != len(labels):
            raise ValueError("school_years: a school year is listed twice")
        if not self.school_years:
            raise ValueError("school_years: at least one school year is needed")
        if "district_coordinator" not in self.contacts:
            raise ValueError("contacts.district_coordinator is required (name and email)")
        if self.tracking.returns_to not in self.contacts:
            raise ValueError(
                f"tracking.returns_to: {self.tracking.returns_to!r} is not among the contacts "
                f"({', '.join(sorted(self.contacts))}); signed documents must go back to someone with an email"
            )
        return self

    # ---- derived values -------------------------------------------------------------------
    @property
    def base_dir(self) -> Path:
        return self.config_file.parent

    def resolve(self, path: Path) -> Path:
        return path if path.is_absolute() else (self.base_dir / path).resolve()

    @property
    def checklist_path(self) -> Path:
        return self.resolve(self.checklist)

    @property
    def signing_dir(self) -> Path:
        return self.state_dir / "signing"

    @property
    def signing_key_path(self) -> Path:
        return self.resolve(self.web.signing_key) if self.web.signing_key else self.signing_dir / "district-key.pem"

    @property
    def signing_certificate_path(self) -> Path:
        cert = self.web.signing_certificate
        return self.resolve(cert) if cert else self.signing_dir / "district-certificate.pem"

    @property
    def programs_path(self) -> Path | None:
        return self.resolve(self.programs) if self.programs else None

    @property
    def forms_dir(self) -> Path:
        return self.resolve(self.forms.directory) if self.forms.directory else resources.folder("forms")

    @property
    def form_fonts(self) -> list[Path]:
        paths = [self.resolve(p) for p in self.forms.fonts]
        missing = [str(p) for p in paths if not p.is_file()]
        if missing:
            raise ConfigError(f"forms.fonts: font file(s) not found: {', '.join(missing)}")
        return paths

    @property
    def templates_dir(self) -> Path:
        return self.resolve(self.templates) if self.templates else resources.folder("templates")

    def data_path(self, table: str) -> Path:
        name = getattr(self.data, table)
        if name is None:
            raise ConfigError(f"{self.config_file}: data.{table} is not set")
        return self.resolve(self.data.directory) / name

    @property
    def output_dir(self) -> Path:
        return self.resolve(self.output.directory)

    @property
    def state_dir(self) -> Path:
        return self.output_dir / "state"

    @property
    def default_ledger_url(self) -> str:
        return f"sqlite:///{self.state_dir / 'ledger.sqlite3'}"

    @property
    def ledger_url(self) -> str:
        return self.ledger.url or self.default_ledger_url

    def school_year(self, label: str | None = None, today: date | None = None) -> SchoolYearSettings:
        """The named school year; without a name, the one containing today, else the latest."""
        if label:
            wanted = SchoolYear.parse(label).label
            for y in self.school_years:
                if y.label == wanted:
                    return y
            raise ConfigError(
                f"{self.config_file}: school year {wanted} is not in 'school_years' "
                f"(configured: {', '.join(y.label for y in self.school_years)})"
            )
        today = today or date.today()
        for y in self.school_years:
            if y.school_year.contains(today):
                return y
        return max(self.school_years, key=lambda y: y.label)


def _format_error(exc: ValidationError, source: Path) -> str:
    lines = [f"{source}: invalid configuration"]
    for err in exc.errors():
        key = ".".join(str(p) for p in err["loc"]) or "(top level)"
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            msg = "missing required setting"
        elif err["type"] == "extra_forbidden":
            msg = "unknown setting (check the spelling)"
        lines.append(f"  - {key}: {msg}")
    return "\n".join(lines)


def load_settings(path: Path | str | None = None) -> Settings:
    """Read and validate the district file; environment variables override it."""
    path = Path(path or os.environ.get(ENV_PREFIX + "CONFIG") or DEFAULT_CONFIG)
    if not path.is_file():
        raise ConfigError(f"{path}: configuration file not found (pass --config or set {ENV_PREFIX}CONFIG)")
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping of settings at the top level")
    for section, key in (("mail", "password"), ("web", "secret"), ("web", "signing_key_password")):
        if isinstance(raw.get(section), dict) and key in raw[section]:
            raise ConfigError(
                f"{path}: {section}.{key} must not be stored in a file; "
                f"set the environment variable {ENV_PREFIX}{section.upper()}__{key.upper()} instead"
            )
    try:
        settings = Settings(**raw)
    except ValidationError as exc:
        raise ConfigError(_format_error(exc, path)) from None
    settings.config_file = path.resolve()
    return settings
