"""Rooms and seats for each exam session: candidates in candidate-number order, each placed as their
access arrangements need (a reader or scribe: a room of their own; a word processor or a separate
room: the small room; extra time or rest breaks: together at the back of the hall)."""

from __future__ import annotations

import math
import string
from dataclasses import dataclass, field
from datetime import date, datetime

from .centre_timetable import CandidatePaper, CentreTimetable, at_the_back, candidate_label, needs
from .series import Room


@dataclass(frozen=True)
class SeatedCandidate:
    paper: CandidatePaper
    seat: str


@dataclass
class RoomSession:
    room: Room
    day: date
    session: str
    seated: list[SeatedCandidate] = field(default_factory=list)

    @property
    def start(self) -> datetime:
        return min(s.paper.start for s in self.seated)

    @property
    def end(self) -> datetime:
        return max(s.paper.end for s in self.seated)

    def invigilators_needed(self, candidates_per_invigilator: int) -> int:
        if self.room.kind == "separate":
            return 1  # the reader or scribe, who invigilates the candidate too
        return max(1, math.ceil(len(self.seated) / candidates_per_invigilator))

    @property
    def label(self) -> str:
        return f"{self.room.name}, {self.day.isoformat()} {self.session}"


@dataclass(frozen=True)
class Unseated:
    paper: CandidatePaper
    reason: str


@dataclass
class SeatingPlan:
    rooms: list[RoomSession] = field(default_factory=list)
    unseated: list[Unseated] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._seats: dict[tuple[str, str], tuple[RoomSession, str]] = {}

    def index(self) -> SeatingPlan:
        self._seats = {
            (s.paper.student.student_id, s.paper.component.component_code): (rs, s.seat)
            for rs in self.rooms
            for s in rs.seated
        }
        return self

    def seat_of(self, student_id: str, component_code: str) -> tuple[RoomSession, str] | None:
        return self._seats.get((student_id, component_code))


def seat_label(room: Room, position: int) -> str:
    """Row letter and seat number, front row first: A1, A2, … (a separate room: its one seat)."""
    if room.kind == "separate":
        return "1"
    row, column = divmod(position, room.columns)
    return f"{row_name(row)}{column + 1}"


def row_name(row: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA, 27 -> AB, … (as spreadsheet columns are named)."""
    name = ""
    row += 1
    while row:
        row, rest = divmod(row - 1, 26)
        name = string.ascii_uppercase[rest] + name
    return name


def _order(paper: CandidatePaper) -> tuple:
    return (paper.component.component_code, candidate_label(paper.student), paper.student.student_id)


def seat_series(timetable: CentreTimetable, rooms: list[Room]) -> SeatingPlan:
    plan = SeatingPlan()
    by_kind = {
        kind: sorted((r for r in rooms if r.kind == kind), key=lambda r: (-r.capacity, r.room_id))
        for kind in ("separate", "small", "main")
    }
    for (day, session), papers in timetable.by_session().items():
        groups: dict[str, list[CandidatePaper]] = {"separate": [], "small": [], "main": []}
        for paper in sorted(papers, key=_order):
            groups[needs(paper.student)].append(paper)
        for paper, room in zip(groups["separate"], by_kind["separate"], strict=False):
            plan.rooms.append(RoomSession(room, day, session, [SeatedCandidate(paper, seat_label(room, 0))]))
        for paper in groups["separate"][len(by_kind["separate"]) :]:
            plan.unseated.append(Unseated(paper, "no separate room free for a reader or scribe"))
        plan.unseated += _fill(plan, by_kind["small"], groups["small"], day, session, "no seat left in the small room")
        hall = [p for p in groups["main"] if not at_the_back(p.student)] + [
            p for p in groups["main"] if at_the_back(p.student)
        ]
        plan.unseated += _fill(plan, by_kind["main"], hall, day, session, "no seat left in the exam rooms")
    return plan.index()


def _fill(
    plan: SeatingPlan, rooms: list[Room], papers: list[CandidatePaper], day: date, session: str, reason: str
) -> list[Unseated]:
    waiting = list(papers)
    for room in rooms:
        if not waiting:
            break
        taken, waiting = waiting[: room.capacity], waiting[room.capacity :]
        seated = [SeatedCandidate(p, seat_label(room, i)) for i, p in enumerate(taken)]
        plan.rooms.append(RoomSession(room, day, session, seated))
    return [Unseated(p, reason) for p in waiting]
