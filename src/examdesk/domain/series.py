"""An exam centre's series (JCQ): awarding bodies, specifications, the timetable of components,
entries, rooms, invigilators' availability and results, as records, indexed."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Board:
    board: str  # AQA, Pearson, OCR
    name: str
    entry_deadline: date  # entries after it carry the specification's late fee
    late_entry_deadline: date | None = None


@dataclass(frozen=True, slots=True)
class Specification:
    specification_code: str
    board: str
    qualification: str  # GCSE, GCE A level
    title: str
    department: str
    entry_fee: Decimal
    late_fee: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Component:
    """One paper of the series timetable."""

    component_code: str
    specification_code: str
    title: str
    date: date
    session: str  # AM | PM
    start_time: time
    duration_minutes: int
    tier: str | None = None  # F | H; None: every entry sits it

    @property
    def start(self) -> datetime:
        return datetime.combine(self.date, self.start_time)

    def end_with(self, extra_percent: int) -> datetime:
        return self.start + timedelta(minutes=self.duration_minutes * (100 + extra_percent) / 100)


@dataclass(frozen=True, slots=True)
class ExamEntry:
    student_id: str
    specification_code: str
    entered_on: date
    tier: str | None = None


@dataclass(frozen=True, slots=True)
class Room:
    room_id: str
    name: str
    rows: int
    columns: int
    kind: str  # main | small | separate

    @property
    def capacity(self) -> int:
        return 1 if self.kind == "separate" else self.rows * self.columns


@dataclass(frozen=True, slots=True)
class Availability:
    staff_id: str
    date: date
    session: str


@dataclass(frozen=True, slots=True)
class ExamResult:
    student_id: str
    specification_code: str
    grade: str
    results_day: date


@dataclass(frozen=True, slots=True)
class Certificate:
    """A certificate the centre received from an awarding body, for a candidate of an earlier series
    (who may have left: the row holds their name and address)."""

    candidate_number: str
    first_name: str
    last_name: str
    email: str
    board: str
    qualification: str
    series: str  # "June 2026"
    received_on: date
    collected_on: date | None = None
    collected_by: str | None = None  # the candidate, or whom they named in writing

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass
class ExamSeries:
    boards: list[Board] = field(default_factory=list)
    specifications: list[Specification] = field(default_factory=list)
    components: list[Component] = field(default_factory=list)
    entries: list[ExamEntry] = field(default_factory=list)
    rooms: list[Room] = field(default_factory=list)
    availability: list[Availability] = field(default_factory=list)
    results: list[ExamResult] = field(default_factory=list)
    certificates: list[Certificate] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.board_by_code = {b.board: b for b in self.boards}
        self.spec_by_code = {s.specification_code: s for s in self.specifications}
        self.components_by_spec: dict[str, list[Component]] = defaultdict(list)
        for c in sorted(self.components, key=lambda c: (c.date, c.start_time, c.component_code)):
            self.components_by_spec[c.specification_code].append(c)
        self.entries_by_student: dict[str, list[ExamEntry]] = defaultdict(list)
        for e in self.entries:
            self.entries_by_student[e.student_id].append(e)
        self.results_by_student: dict[str, list[ExamResult]] = defaultdict(list)
        for r in self.results:
            self.results_by_student[r.student_id].append(r)
        self.available = {(a.staff_id, a.date, a.session) for a in self.availability}

    def __bool__(self) -> bool:
        return bool(self.components)

    def components_of(self, entry: ExamEntry) -> list[Component]:
        """The papers an entry sits: the specification's, of the entry's tier (untiered papers always)."""
        return [
            c
            for c in self.components_by_spec.get(entry.specification_code, [])
            if c.tier is None or entry.tier is None or c.tier == entry.tier
        ]

    def late(self, entry: ExamEntry) -> bool:
        spec = self.spec_by_code.get(entry.specification_code)
        board = self.board_by_code.get(spec.board) if spec else None
        return board is not None and entry.entered_on > board.entry_deadline

    def results_days(self) -> list[date]:
        return sorted({r.results_day for r in self.results})
