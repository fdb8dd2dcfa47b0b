"""The invigilator rota: for each room in each exam session, as many invigilators as the JCQ ratio
asks (a reader's or scribe's room: one), chosen among those available then, fewest duties first."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .centre_rules import CentreRules
from .records import StaffMember
from .seating import RoomSession, SeatingPlan

INVIGILATOR = "invigilator"
_ROOM_ORDER = {"separate": 0, "small": 1, "main": 2}  # access-arrangement rooms are staffed first


@dataclass(frozen=True)
class Duty:
    person: StaffMember
    room: RoomSession
    lead: bool  # the room's lead invigilator: keeps the register and the seating plan
    start: datetime  # arrives before the first paper
    end: datetime


@dataclass(frozen=True)
class Shortfall:
    room: RoomSession
    needed: int
    assigned: int


@dataclass
class Rota:
    duties: list[Duty] = field(default_factory=list)
    shortfalls: list[Shortfall] = field(default_factory=list)

    def of(self, staff_id: str) -> list[Duty]:
        return [d for d in self.duties if d.person.staff_id == staff_id]

    def in_room(self, room: RoomSession) -> list[Duty]:
        return [d for d in self.duties if d.room is room]


def build_rota(plan: SeatingPlan, invigilators: list[StaffMember], available: set[tuple], rules: CentreRules) -> Rota:
    rota = Rota()
    load: Counter[str] = Counter()
    sessions: dict[tuple, list[RoomSession]] = {}
    for room in plan.rooms:
        sessions.setdefault((room.day, room.session), []).append(room)
    for (day, session), rooms in sorted(sessions.items()):
        free = [p for p in invigilators if (p.staff_id, day, session) in available]
        rooms = sorted(rooms, key=lambda r: (_ROOM_ORDER[r.room.kind], -len(r.seated), r.room.room_id))
        for room in rooms:
            needed = room.invigilators_needed(rules.candidates_per_invigilator)
            free.sort(key=lambda p: (load[p.staff_id], p.staff_id))
            chosen, free = free[:needed], free[needed:]
            for index, person in enumerate(chosen):
                load[person.staff_id] += 1
                start = room.start - timedelta(minutes=rules.invigilator_arrives_minutes)
                rota.duties.append(Duty(person, room, index == 0, start, room.end))
            if len(chosen) < needed:
                rota.shortfalls.append(Shortfall(room, needed, len(chosen)))
    return rota
