"""People and records of a district, built from validated table rows."""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, time

from .series import Availability, Board, Certificate, Component, ExamEntry, ExamResult, ExamSeries, Room, Specification


@dataclass(frozen=True, slots=True)
class Site:
    id: str
    name: str
    code: str = ""
    address: str = ""


@dataclass(frozen=True, slots=True)
class Person:
    first_name: str
    last_name: str

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True, slots=True)
class Student(Person):
    student_id: str
    grade: int
    site_id: str
    birth_date: date
    home_language: str
    english_learner: bool = False
    us_school_entry_date: date | None = None
    iep: bool = False
    plan_504: bool = False
    accommodations: tuple[str, ...] = ()
    designated_supports: tuple[str, ...] = ()
    student_email: str | None = None  # the student's own address: used from letters.adult_age
    candidate_number: str | None = None  # an exam centre's candidate number
    uci: str | None = None  # unique candidate identifier


@dataclass(frozen=True, slots=True)
class Guardian(Person):
    guardian_id: str
    student_id: str
    email: str
    relationship: str = ""
    preferred_language: str | None = None
    primary_contact: bool = False
    address: str = ""


@dataclass(frozen=True, slots=True)
class StaffMember(Person):
    staff_id: str
    email: str
    role: str
    site_id: str | None = None
    phone: str = ""


@dataclass(frozen=True, slots=True)
class TestingWindow:
    site_id: str
    program: str
    start_date: date
    end_date: date


@dataclass(frozen=True, slots=True)
class Session:
    session_id: str
    site_id: str
    test_code: str
    test_name: str
    grade: int
    date: date
    start_time: time
    end_time: time
    room: str
    administrator_id: str
    proctor_id: str | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    student_id: str
    session_id: str
    seat: str = ""


@dataclass(frozen=True, slots=True)
class Material:
    security_number: str
    site_id: str
    material_type: str
    grade: int
    subject: str
    quantity: int
    session_id: str | None = None


@dataclass(frozen=True, slots=True)
class Result:
    student_id: str
    test_code: str
    scale_score: int
    achievement_level: int
    received_date: date


@dataclass(frozen=True, slots=True)
class MaterialReturn:
    security_number: str
    site_id: str
    quantity_returned: int
    time_returned: time | None = None
    disposition: str = "returned"


@dataclass(frozen=True, slots=True)
class Incident:
    incident_id: str
    session_id: str
    incident_date: date
    reporter_id: str
    category: str
    description: str
    student_id: str | None = None
    mode: str | None = None
    unit: str | None = None
    investigation: str | None = None
    actions: str | None = None
    resolved: bool | None = None
    item_number: str | None = None


@dataclass(frozen=True, slots=True)
class Exemption:
    student_id: str
    test_code: str  # or ALL
    condition_code: str  # PGE | NTE
    school_year: str
    signed_date: date
    received_date: date | None = None


# texts many rows repeat: a student's id (students, guardians, results, entries) and a family's last
# name (the student's and their guardians'), held once each
SHARED_TEXT = ("student_id", "last_name")


def record_builder(cls: type) -> Callable[[dict], object]:
    """A validated row (dict) to its record, the texts in ``SHARED_TEXT`` held once however many rows
    name them."""
    names = tuple(cls.__dataclass_fields__)  # type: ignore[attr-defined]

    def build(row: dict) -> object:
        values = {k: row[k] for k in names if k in row}
        for shared in SHARED_TEXT:
            if isinstance(values.get(shared), str):
                values[shared] = sys.intern(values[shared])
        return cls(**values)

    return build


def _build(cls, rows):
    if rows and isinstance(rows[0], cls):  # made into records as they were read
        return rows
    build = record_builder(cls)
    return [build(row) for row in rows]


@dataclass
class DistrictData:
    """Everything a month may need, indexed for the generators."""

    sites: dict[str, Site]
    students: list[Student] = field(default_factory=list)
    guardians: list[Guardian] = field(default_factory=list)
    staff: list[StaffMember] = field(default_factory=list)
    windows: list[TestingWindow] = field(default_factory=list)
    sessions: list[Session] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    materials: list[Material] = field(default_factory=list)
    results: list[Result] = field(default_factory=list)
    exemptions: list[Exemption] = field(default_factory=list)
    returns: list[MaterialReturn] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)
    series: ExamSeries = field(default_factory=ExamSeries)  # an exam centre's (empty for a US district)

    @classmethod
    def from_rows(cls, sites: dict[str, Site], rows: dict[str, list[dict]]) -> DistrictData:
        return cls(
            sites=sites,
            students=_build(Student, rows.get("students", [])),
            guardians=_build(Guardian, rows.get("guardians", [])),
            staff=_build(StaffMember, rows.get("staff", [])),
            windows=_build(TestingWindow, rows.get("testing_windows", [])),
            sessions=_build(Session, rows.get("sessions", [])),
            entries=_build(Entry, rows.get("entries", [])),
            materials=_build(Material, rows.get("materials", [])),
            results=_build(Result, rows.get("results", [])),
            exemptions=_build(Exemption, rows.get("exemptions", [])),
            returns=_build(MaterialReturn, rows.get("returns", [])),
            incidents=_build(Incident, rows.get("incidents", [])),
            series=ExamSeries(
                boards=_build(Board, rows.get("boards", [])),
                specifications=_build(Specification, rows.get("specifications", [])),
                components=_build(Component, rows.get("components", [])),
                entries=_build(ExamEntry, rows.get("exam_entries", [])),
                rooms=_build(Room, rows.get("rooms", [])),
                availability=_build(Availability, rows.get("availability", [])),
                results=_build(ExamResult, rows.get("exam_results", [])),
                certificates=_build(Certificate, rows.get("certificates", [])),
            ),
        )

    def __post_init__(self) -> None:
        self.student_by_id = {s.student_id: s for s in self.students}
        self.session_by_id = {s.session_id: s for s in self.sessions}
        self.staff_by_id = {s.staff_id: s for s in self.staff}
        self.guardians_by_student: dict[str, list[Guardian]] = defaultdict(list)
        for g in self.guardians:
            self.guardians_by_student[g.student_id].append(g)
        self.results_by_student: dict[str, list[Result]] = defaultdict(list)
        for r in self.results:
            self.results_by_student[r.student_id].append(r)
        self.sessions_by_student: dict[str, list[Session]] = defaultdict(list)
        for e in self.entries:
            if e.session_id in self.session_by_id:
                self.sessions_by_student[e.student_id].append(self.session_by_id[e.session_id])

    def students_by_site(self) -> list[Student]:
        """Students in the order documents are produced: site, grade, name."""
        return sorted(self.students, key=lambda s: (s.site_id, s.grade, s.last_name, s.first_name, s.student_id))

    def staff_with_role(self, role: str) -> list[StaffMember]:
        return [s for s in self.staff if s.role == role]

    def window_for(self, site_id: str, program: str | None = None) -> TestingWindow | None:
        for w in self.windows:
            if w.site_id == site_id and (program is None or w.program == program):
                return w
        return None

    def district_window(self) -> tuple[date, date] | None:
        """The span from the earliest site window start to the latest end."""
        if not self.windows:
            return None
        return min(w.start_date for w in self.windows), max(w.end_date for w in self.windows)

    def results_received(self) -> date | None:
        """The day the results file arrived (its earliest received date), once there are results."""
        return min((r.received_date for r in self.results), default=None)

    def exemption(self, student_id: str, test_code: str) -> Exemption | None:
        """The parent exemption (PGE) or not-tested code (NTE) that keeps a student from a test."""
        return next(
            (e for e in self.exemptions if e.student_id == student_id and e.test_code in (test_code, "ALL")), None
        )

    def primary_guardian(self, student_id: str) -> Guardian | None:
        guardians = self.guardians_by_student.get(student_id, [])
        for g in guardians:
            if g.primary_contact:
                return g
        return guardians[0] if guardians else None


# the large tables, whose rows become records as they are read (services.data)
RECORD_OF_TABLE: dict[str, type] = {
    "students": Student,
    "guardians": Guardian,
    "entries": Entry,
    "materials": Material,
    "results": Result,
    "returns": MaterialReturn,
}
