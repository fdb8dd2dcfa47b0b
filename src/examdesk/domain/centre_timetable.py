"""An exam centre's candidates in the series: the papers each one sits, extra time applied, and the
clashes (two papers at once) with the move that resolves each."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time

from .calendar import WorkingCalendar
from .records import DistrictData, Student
from .series import Component, Specification
from .timetables import extra_time_percent, next_free_session, session_label

ONE_TO_ONE = ("reader", "scribe", "prompter")  # a room and an invigilator of their own
SMALL_ROOM = ("separate room", "word processor")  # the small room, away from the hall
AT_THE_BACK = ("rest break",)  # in the hall, seated where leaving and returning disturbs no one


def arrangements(student: Student) -> tuple[str, ...]:
    return student.accommodations + student.designated_supports


def needs(student: Student) -> str:
    """Which kind of room a candidate's access arrangements need: separate | small | main."""
    text = " ".join(arrangements(student)).lower()
    if any(word in text for word in ONE_TO_ONE):
        return "separate"
    if any(word in text for word in SMALL_ROOM):
        return "small"
    return "main"


def at_the_back(student: Student) -> bool:
    text = " ".join(arrangements(student)).lower()
    return extra_time_percent(arrangements(student)) > 0 or any(word in text for word in AT_THE_BACK)


def candidate_label(student: Student) -> str:
    return student.candidate_number or student.student_id


@dataclass(frozen=True)
class CandidatePaper:
    """One candidate sitting one paper: its times with their extra time, moved if it clashed."""

    student: Student
    component: Component
    specification: Specification
    extra_percent: int
    start: datetime
    end: datetime
    moved_from: datetime | None = None

    @property
    def day(self) -> date:
        return self.start.date()

    @property
    def session(self) -> str:
        return session_label(self.start.time())

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


@dataclass(frozen=True)
class SeriesClash:
    first: CandidatePaper
    later: CandidatePaper  # as timetabled
    moved: CandidatePaper  # where it goes instead
    supervision: str

    @property
    def student(self) -> Student:
        return self.first.student


@dataclass
class CentreTimetable:
    """Every candidate's papers after the clashes are resolved."""

    papers: dict[str, list[CandidatePaper]] = field(default_factory=dict)  # student id -> papers
    clashes: list[SeriesClash] = field(default_factory=list)

    def all_papers(self) -> list[CandidatePaper]:
        return [p for papers in self.papers.values() for p in papers]

    def by_session(self) -> dict[tuple[date, str], list[CandidatePaper]]:
        slots: dict[tuple[date, str], list[CandidatePaper]] = defaultdict(list)
        for paper in self.all_papers():
            slots[(paper.day, paper.session)].append(paper)
        return dict(sorted(slots.items()))


def papers_as_timetabled(data: DistrictData, student: Student) -> list[CandidatePaper]:
    series = data.series
    pct = extra_time_percent(arrangements(student))
    out = []
    for entry in series.entries_by_student.get(student.student_id, []):
        spec = series.spec_by_code.get(entry.specification_code)
        if spec is None:
            continue
        for component in series.components_of(entry):
            out.append(CandidatePaper(student, component, spec, pct, component.start, component.end_with(pct)))
    return sorted(out, key=lambda p: (p.start, p.component.component_code))


def centre_timetable(
    data: DistrictData, calendar: WorkingCalendar, starts: tuple[time, time] = (time(9, 0), time(13, 30))
) -> CentreTimetable:
    """Each candidate's papers; where two overlap, the later one moves to the next session the
    candidate has free (the same afternoon when the morning paper is over by then), with the
    supervision that needs."""
    result = CentreTimetable()
    for student in sorted(data.students, key=lambda s: (candidate_label(s), s.student_id)):
        papers = papers_as_timetabled(data, student)
        if not papers:
            continue
        taken = {(p.day, p.session) for p in papers}
        kept: list[CandidatePaper] = []
        for paper in papers:
            first = next((k for k in kept if paper.start < k.end and k.start < paper.end), None)
            if first is None:
                kept.append(paper)
                continue
            day, start = next_free_session(first, taken, calendar, starts)
            taken.add((day, session_label(start)))
            begins = datetime.combine(day, start)
            moved = replace(paper, start=begins, end=begins + (paper.end - paper.start), moved_from=paper.start)
            supervision = (
                "supervised from the end of the first paper until the moved paper starts"
                if day == first.day
                else "overnight supervision arrangements needed"
            )
            result.clashes.append(SeriesClash(first, paper, moved, supervision))
            kept.append(moved)
        result.papers[student.student_id] = sorted(kept, key=lambda p: (p.start, p.component.component_code))
    return result
