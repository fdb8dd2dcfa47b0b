"""The JCQ rules an exam centre's series is checked against, each breach named by candidate, room
and session: clashes, access-arrangement candidates without a room or an invigilator, invigilators
double-booked or rostered when unavailable, rooms below the invigilator ratio, late entries."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from .centre_rules import CentreRules
from .centre_timetable import CentreTimetable, candidate_label, needs
from .records import DistrictData
from .rota import Rota
from .seating import SeatingPlan

CLASH = "clash"
ACCESS = "access arrangement"
DOUBLE_BOOKED = "invigilator double-booked"
UNAVAILABLE = "invigilator unavailable"
RATIO = "invigilator ratio"
NO_SEAT = "no seat"
LATE_ENTRY = "late entry"
RULES = (CLASH, ACCESS, DOUBLE_BOOKED, UNAVAILABLE, RATIO, NO_SEAT, LATE_ENTRY)


@dataclass(frozen=True)
class Finding:
    rule: str
    who: str  # the candidate (name and number), the invigilator, or the room
    session: str  # "2027-05-18 AM", or "" for an entry
    detail: str  # what is wrong, and what was done or must be


def _fmt_time(moment) -> str:
    return moment.strftime("%H:%M")


def check_series(
    data: DistrictData, timetable: CentreTimetable, plan: SeatingPlan, rota: Rota, rules: CentreRules
) -> list[Finding]:
    findings: list[Finding] = []
    for c in timetable.clashes:
        who = f"{c.student.full_name} ({candidate_label(c.student)})"
        findings.append(
            Finding(
                CLASH,
                who,
                f"{c.first.day.isoformat()} {c.first.session}",
                f"{c.first.component.component_code} {_fmt_time(c.first.start)}–{_fmt_time(c.first.end)} overlaps "
                f"{c.later.component.component_code} {_fmt_time(c.later.start)}–{_fmt_time(c.later.end)}; "
                f"moved to {c.moved.day.isoformat()} {c.moved.session} {_fmt_time(c.moved.start)}, {c.supervision}",
            )
        )
    for u in plan.unseated:
        rule = ACCESS if needs(u.paper.student) != "main" else NO_SEAT
        findings.append(
            Finding(
                rule,
                f"{u.paper.student.full_name} ({candidate_label(u.paper.student)})",
                f"{u.paper.day.isoformat()} {u.paper.session}",
                f"{u.paper.component.component_code}: {u.reason}",
            )
        )
    for s in rota.shortfalls:
        if s.room.room.kind == "separate":
            candidate = s.room.seated[0].paper.student
            findings.append(
                Finding(
                    ACCESS,
                    f"{candidate.full_name} ({candidate_label(candidate)})",
                    f"{s.room.day.isoformat()} {s.room.session}",
                    f"{s.room.room.name}: no invigilator free to read or scribe",
                )
            )
        else:
            findings.append(
                Finding(
                    RATIO,
                    s.room.room.name,
                    f"{s.room.day.isoformat()} {s.room.session}",
                    f"{len(s.room.seated)} candidates need {s.needed} invigilator(s) at 1 per "
                    f"{rules.candidates_per_invigilator}; {s.assigned} available",
                )
            )
    findings += check_duties(data, rota)
    series = data.series
    for entry in sorted(series.entries, key=lambda e: (e.entered_on, e.student_id)):
        if not series.late(entry):
            continue
        student = data.student_by_id.get(entry.student_id)
        spec = series.spec_by_code[entry.specification_code]
        board = series.board_by_code[spec.board]
        fee = spec.late_fee if spec.late_fee is not None else Decimal("0")
        findings.append(
            Finding(
                LATE_ENTRY,
                f"{student.full_name} ({candidate_label(student)})" if student else entry.student_id,
                "",
                f"{spec.board} {spec.specification_code} {spec.title}: entered {entry.entered_on.isoformat()}, after "
                f"{board.name}'s deadline of {board.entry_deadline.isoformat()}; late fee £{fee:.2f}",
            )
        )
    return findings


def check_duties(data: DistrictData, rota: Rota) -> list[Finding]:
    """No one in two rooms at once, and no one rostered for a session they cannot work."""
    findings = []
    slots = Counter((d.person.staff_id, d.room.day, d.room.session) for d in rota.duties)
    for (staff_id, day, session), count in sorted(slots.items()):
        person = data.staff_by_id.get(staff_id)
        name = person.full_name if person else staff_id
        if count > 1:
            findings.append(Finding(DOUBLE_BOOKED, name, f"{day.isoformat()} {session}", f"rostered in {count} rooms"))
        if (staff_id, day, session) not in data.series.available:
            findings.append(Finding(UNAVAILABLE, name, f"{day.isoformat()} {session}", "rostered but not available"))
    return findings
