"""The annual checklist: tasks as data, validated, selected month by month."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from ..errors import ConfigurationError
from .calendar import CalendarError, Month, parse_month_number
from .due_rules import WINDOW_EVENTS, Due, DueContext, DueRule, DueRuleError, NoDue, parse_due_rule
from .events import in_reach
from .roles import CATEGORIES, RECIPIENT_GROUPS, STAFF_ROLES

ONGOING = "ongoing"
PHASES = ("before", "during", "after")
REMINDER = "reminder"
MANUAL = "manual"
TASK_FIELDS = {
    "id",
    "month",
    "phase",
    "title",
    "category",
    "owner",
    "due",
    "action",
    "recipients",
    "memo",
    "source",
    "notes",
}


class ChecklistError(ConfigurationError):
    """The checklist file is invalid; ``problems`` lists every problem found."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        super().__init__(
            f"{source}: {len(problems)} problem(s) in the checklist:\n" + "\n".join(f"  - {p}" for p in problems)
        )


@dataclass(frozen=True)
class Task:
    id: str
    title: str
    category: str
    owner: str
    action: str
    month: int | None = None  # calendar month number, for monthly tasks
    phase: str | None = None  # ongoing | before | during | after
    due: DueRule = field(default_factory=NoDue)
    recipients: tuple[str, ...] = ()
    source: str = ""
    notes: str = ""
    memo: str = ""  # a communication (reminder or manual task with recipients): what its memo tells them

    @property
    def sends_memo(self) -> bool:
        """A reminder or manual task that names recipients tells each of them in a memo."""
        return self.action in (REMINDER, MANUAL) and bool(self.recipients)

    @property
    def is_ongoing(self) -> bool:
        return self.phase == ONGOING

    @property
    def is_document_task(self) -> bool:
        return self.action not in (REMINDER, MANUAL)

    @property
    def when(self) -> str:
        if self.month is not None:
            return Month(2000, self.month).name.capitalize()
        return (self.phase or "").capitalize() + ("" if self.is_ongoing else " testing")


@dataclass(frozen=True)
class Checklist:
    tasks: tuple[Task, ...]

    def get(self, task_id: str) -> Task:
        for task in self.tasks:
            if task.id == task_id:
                return task
        raise KeyError(task_id)

    def __iter__(self):
        return iter(self.tasks)

    def __len__(self) -> int:
        return len(self.tasks)


@dataclass(frozen=True)
class PlannedTask:
    task: Task
    due: Due

    @property
    def varies_by_site(self) -> bool:
        """Whether the due date depends on each site's own testing window."""
        if isinstance(self.task.due, NoDue):
            return self.task.phase == "during"
        return bool(set(self.task.due.events) & WINDOW_EVENTS)

    def status(self, done: bool, today: date) -> str:
        if done:
            return "done"
        if self.due.day is not None and self.due.day < today:
            return "overdue"
        return "pending"


def parse_checklist(
    entries: object, *, source: str, generators: Iterable[str], memos: Iterable[str] = ("note",)
) -> Checklist:
    """Build a Checklist from the YAML structure, reporting every problem at once."""
    known_actions = {REMINDER, MANUAL, *generators}
    known_memos = set(memos)
    known_recipients = {*STAFF_ROLES, *RECIPIENT_GROUPS}
    if isinstance(entries, Mapping) and "tasks" in entries:
        entries = entries["tasks"]
    if not isinstance(entries, list):
        raise ChecklistError(source, ["the file must hold a list of tasks (a 'tasks:' list)"])
    problems: list[str] = []
    tasks: list[Task] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(entries, start=1):
        if not isinstance(raw, Mapping):
            problems.append(f"task #{index}: expected a mapping of fields, got {type(raw).__name__}")
            continue
        task_id = str(raw.get("id") or "").strip()
        where = f"task {task_id!r}" if task_id else f"task #{index} (no id)"
        errs: list[str] = []
        if not task_id:
            errs.append("missing 'id'")
        elif task_id in seen:
            errs.append(f"duplicate id (also task #{seen[task_id]})")
        else:
            seen[task_id] = index
        unknown = set(raw) - TASK_FIELDS
        if unknown:
            errs.append(f"unknown field(s) {sorted(unknown)}")
        title = str(raw.get("title") or "").strip()
        if not title:
            errs.append("missing 'title'")
        month_no, phase = None, None
        if raw.get("month") is not None and raw.get("phase") is not None:
            errs.append("give either 'month' or 'phase', not both")
        elif raw.get("month") is not None:
            try:
                month_no = parse_month_number(str(raw["month"]))
            except CalendarError:
                errs.append(f"bad month {raw['month']!r} (expected july..june)")
        elif raw.get("phase") is not None:
            phase = str(raw["phase"]).strip().lower()
            if phase not in (ONGOING, *PHASES):
                errs.append(f"bad phase {raw['phase']!r} (expected ongoing, before, during or after)")
        else:
            errs.append("missing 'month' (july..june) or 'phase' (ongoing/before/during/after)")
        category = str(raw.get("category") or "").strip()
        if category not in CATEGORIES:
            errs.append(f"unknown category {category!r} (expected one of {', '.join(CATEGORIES)})")
        owner = str(raw.get("owner") or "").strip()
        if owner not in STAFF_ROLES:
            errs.append(f"unknown owner role {owner!r} (expected one of {', '.join(STAFF_ROLES)})")
        action = str(raw.get("action") or "").strip()
        if action not in known_actions:
            errs.append(f"unknown action/generator {action!r} (expected one of {', '.join(sorted(known_actions))})")
        recipients_raw = raw.get("recipients") or []
        if isinstance(recipients_raw, str):
            recipients_raw = [recipients_raw]
        recipients = tuple(str(r).strip() for r in recipients_raw)
        for r in recipients:
            if r not in known_recipients:
                errs.append(f"unknown recipient role or group {r!r}")
        if action not in (REMINDER, MANUAL) and action in known_actions and not recipients:
            errs.append(f"generator {action!r} needs 'recipients'")
        memo = str(raw.get("memo") or "").strip()
        if action in (REMINDER, MANUAL) and recipients:
            groups = [r for r in recipients if r in RECIPIENT_GROUPS]
            if groups:
                errs.append(f"a {action} task's memo goes to staff roles, not {', '.join(groups)}")
            if memo and memo not in known_memos:
                errs.append(f"unknown memo {memo!r} (expected one of {', '.join(sorted(known_memos))})")
        elif memo:
            errs.append("'memo' is for a reminder or manual task that names its 'recipients'")
        due: DueRule = NoDue()
        try:
            due = parse_due_rule(raw.get("due"))
        except DueRuleError as exc:
            errs.append(str(exc))
        if phase in PHASES and isinstance(due, NoDue) and phase != "during":
            errs.append(f"a '{phase}' task needs a due rule anchored to the testing window")
        if errs:
            problems.extend(f"{where}: {e}" for e in errs)
            continue
        tasks.append(
            Task(
                id=task_id,
                title=title,
                category=category,
                owner=owner,
                action=action,
                month=month_no,
                phase=phase,
                due=due,
                recipients=recipients,
                source=str(raw.get("source") or ""),
                notes=str(raw.get("notes") or "").strip(),
                memo=memo or ("note" if action in (REMINDER, MANUAL) and recipients else ""),
            )
        )
    if problems:
        raise ChecklistError(source, problems)
    return Checklist(tuple(tasks))


def check_events(checklist: Checklist, known_events: Iterable[str], *, source: str) -> None:
    """Every event a due rule names must be one the district can date."""
    known = set(known_events)
    problems = [
        f"task {t.id!r}: due rule {t.due.text!r} names unknown event {e!r} (known: {', '.join(sorted(known))})"
        for t in checklist
        for e in t.due.events
        if e not in known
    ]
    if problems:
        raise ChecklistError(source, problems)


def tasks_for_month(
    checklist: Checklist,
    month: Month,
    ctx: DueContext,
    testing_window: tuple[date, date] | None,
    event_days: Mapping[str, Sequence[date]] | None = None,
) -> list[PlannedTask]:
    """The month's tasks plus ongoing ones; phase tasks land where their due date falls.

    'during' tasks are planned in every month that overlaps the testing window. A task whose
    action follows an event (``event_days``: action -> the days it happens: incidents, a site's
    window ending, the results arriving) is planned in each month an event happens (and the month
    after: ``events.in_reach``), whatever its checklist month says: its documents go out when the
    event happens.
    """
    planned: list[PlannedTask] = []
    for task in checklist:
        days = (event_days or {}).get(task.action)
        if days is not None:
            if any(in_reach(d, month) for d in days):
                planned.append(PlannedTask(task, _due_in_month(task, ctx, month, testing_window)))
        elif task.month is not None:
            if task.month == month.month:
                planned.append(PlannedTask(task, task.due.resolve(ctx, month)))
        elif task.is_ongoing:
            planned.append(PlannedTask(task, task.due.resolve(ctx, month)))
        elif task.phase == "during":
            if testing_window and testing_window[0] <= month.last_day and testing_window[1] >= month.first_day:
                planned.append(PlannedTask(task, _due_in_month(task, ctx, month, testing_window)))
        else:
            due = task.due.resolve(ctx, month)
            if due.day is not None and month.contains(due.day):
                planned.append(PlannedTask(task, due))
    return planned


def _due_in_month(task: Task, ctx: DueContext, month: Month, testing_window: tuple[date, date] | None) -> Due:
    """A task's due date when planned in ``month``: its rule's, or for a 'during' task without one,
    the end of the month or of the testing window, whichever comes first."""
    if not isinstance(task.due, NoDue) or task.phase != "during":
        return task.due.resolve(ctx, month)
    end = min(month.last_day, testing_window[1]) if testing_window else month.last_day
    return Due(ctx.calendar.working_day_on_or_before(end))


def planned_year(
    checklist: Checklist,
    months: list[Month],
    ctx: DueContext,
    testing_window: tuple[date, date] | None,
    event_days: Mapping[str, Sequence[date]] | None = None,
) -> dict[str, PlannedTask]:
    """Every non-ongoing task of the year with its due date, keyed by task id."""
    result: dict[str, PlannedTask] = {}
    for month in months:
        for pt in tasks_for_month(checklist, month, ctx, testing_window, event_days):
            if not pt.task.is_ongoing:
                result.setdefault(pt.task.id, pt)
    for task in checklist:
        if task.id not in result and not task.is_ongoing:
            result[task.id] = PlannedTask(task, task.due.resolve(ctx, None) if task.month is None else Due(None))
    return result
