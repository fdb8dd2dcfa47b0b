"""Plan one month of the checklist: the month's tasks, every document their families produce
(lazily), and the digests for owners of reminder and manual tasks."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from ...domain.calendar import Month
from ...domain.checklist import MANUAL, REMINDER, PlannedTask
from ...domain.documents import DigestItem, DocumentFailure, Packet, RenderJob
from ...domain.due_rules import FixedDate, NoDue, format_due
from ...domain.families import FamilyInput, FamilyOutput, doc_key
from ...domain.records import DistrictData
from ...domain.registry import FAMILIES
from ...domain.roles import role_title
from ...domain.shards import WHOLE, Shard
from ..app import App
from ..data import ValidationReport, load_district
from ..tracking.responses import web_reports, with_online_exemptions
from .memos import build_memos, memo_recipients
from .people import staff_recipients


@dataclass
class MonthPlan:
    app: App
    month: Month
    run_id: int
    run_dir: Path
    data: DistrictData
    report: ValidationReport
    planned: list[PlannedTask]
    sources: list[tuple[str, FamilyOutput]]  # (task id, what its family produces); jobs may be lazy
    digests: list[Packet]
    resend: bool = False
    generation: str = "0"
    already_sent: int = 0  # counted while batching
    produced: Counter = field(default_factory=Counter)  # documents per task, counted while batching
    fallbacks: Counter = field(default_factory=Counter)  # (task id, note) -> letters
    static_notes: list[str] = field(default_factory=list)
    failures: list[DocumentFailure] = field(default_factory=list)  # documents that could not be produced
    fitted: Counter = field(default_factory=Counter)  # (task id, form field limit) -> values drawn smaller
    rendered: Counter = field(default_factory=Counter)  # task id -> documents rendered by this run
    _return_dues: dict[tuple[str, str | None], date] = field(default_factory=dict)
    shard: Shard = WHOLE  # the people this run works for (several workers share a month by recipient)
    pending_batches: Iterator | None = None  # the documents still to render, a batch at a time (documents.py)

    @property
    def today(self) -> date:
        return self.app.today

    @property
    def school_year(self) -> str:
        return self.app.school_year.label

    def return_due(self, job: RenderJob) -> date | None:
        """When a document that comes back is due (``None`` for one that does not)."""
        return self.task_return_due(job.task_id, job.recipient.site_id) if job.comes_back else None

    def task_return_due(self, task_id: str, site_id: str | None) -> date:
        """When what a task sends to someone at ``site_id`` must be back: the task's due date at that
        site (its own testing window), but never sooner than tracking.return_working_days working
        days after sending, unless the deadline is a fixed date (the designation form's July 1)."""
        key = (task_id, site_id)
        if key not in self._return_dues:
            pt = next(pt for pt in self.planned if pt.task.id == task_id)
            due = self.app.due_at_site(self.data, pt, self.month, site_id)
            earliest = self.app.calendar.add_working_days(self.today, self.app.settings.tracking.return_working_days)
            if due is None:
                due = earliest
            elif not isinstance(pt.task.due, FixedDate):
                due = max(due, earliest)
            self._return_dues[key] = due
        return self._return_dues[key]

    def returning(self, job: RenderJob) -> dict | None:
        """The return route and due date for a document of a task whose documents come back: the
        signed copy itself, and what goes with it (the agreement to read, a site's list)."""
        family = FAMILIES.get(job.family)
        if family is None or not any(o.comes_back for o in family.outputs):
            return None
        due = self.task_return_due(job.task_id, job.recipient.site_id)
        return self.app.return_route.context(due, self.app.date_formatter(job.language))

    def iter_jobs(self) -> Iterator[RenderJob]:
        """Every planned document, in task order, produced as it is consumed."""
        for task_id, out in self.sources:
            for job in out.jobs:
                # counted for the whole month, so that every shard's notes read the same
                self.produced[task_id] += job.student_id is not None  # `expected` counts students
                if job.note:
                    self.fallbacks[(task_id, job.note)] += 1
                if self.shard.holds(job.recipient.key):
                    yield job

    @property
    def notes(self) -> list[str]:
        """Counts only. Complete once the jobs have been consumed."""
        notes = list(self.static_notes)
        for task_id, out in self.sources:
            missing = (out.expected or 0) - self.produced[task_id]
            if out.expected is not None and missing > 0:
                notes.append(f"{task_id}: {missing} student(s) without {out.shortfall}; no letter")
        notes += [f"{task_id}: {n} letter(s): {note}" for (task_id, note), n in sorted(self.fallbacks.items())]
        notes += [
            f"{task_id}: {n} value(s) longer than a form allows ({limit}): kept whole, drawn smaller"
            for (task_id, limit), n in sorted(self.fitted.items())
        ]
        if self.failures:
            notes.append(f"{len(self.failures)} document(s) could not be produced: see failures.csv in the run folder")
        return notes


def prepare_month(
    app: App,
    month: Month,
    resend: bool = False,
    day: bool = False,
    shard: Shard = WHOLE,
    run_id: int | None = None,
) -> MonthPlan:
    """Load and validate the data, select the month's tasks, plan every document and digest.

    ``day``: the plan of one day (``examdesk tick``): the same month as of today (what was sent
    before is not sent again; what has happened since is), and each owner of a task due today
    that is not done yet is told so."""
    app.settings.mail.require_credentials()  # a run that could not send stops before it renders
    data, report = load_district(app.settings, app.school_year)
    data = with_online_exemptions(app, data)  # requests a coordinator approved on the dashboard
    run_dir = app.run_dir(month.key)
    report.write_csv(run_dir / "validation-report.csv")
    planned = app.tasks_of_month(data, month)
    sources: list[tuple[str, FamilyOutput]] = []
    notes: list[str] = []
    profile = app.profile
    for pt in planned:
        family = FAMILIES.get(pt.task.action)
        if family is None:
            continue
        instead = profile.replaces.get(family.name)
        if instead is not None:  # the state uses its own: nothing of this family is sent
            notes.append(
                f"{pt.task.id}: {profile.label} uses {instead} instead of the {family.title.lower()}; none sent"
            )
            continue
        out = family.generate(
            FamilyInput(
                family=family,
                task=pt.task,
                data=data,
                organisation=app.organisation,
                school_year=app.school_year.label,
                month=month,
                today=app.today,
                languages=app.templates.languages,
                date_formatter=app.date_formatter,
                signatory=app.signatory,
                adult_age=app.settings.letters.adult_age,
                calendar=app.calendar,
                state=app.settings.forms.state,
                irregularity=profile.irregularity,
                translate=app.catalogues.translate,
                copy_guardians=app.settings.letters.copy_guardians,
                attachment_names=app.settings.output.attachment_names,
                now=app.now,
                centre=app.centre_rules,
            )
        )
        if profile.forms:  # the state's own forms, filled in place of the PARCC ones
            out.jobs = _with_state_forms(out.jobs, profile.forms)
        sources.append((pt.task.id, out))
        notes.extend(out.notes)
    memos = build_memos(app, data, planned, month)
    with app.unit_of_work() as uow:
        sending = memos if resend else _without_delivered(memos, _delivered(uow, app, memos))
        digests = build_digests(app, data, planned, month, memo_recipients(memos, sending))
        digests += web_reports(app, data)  # timetable problems and exemption requests since the last run
        if day:
            done = {t for t, st in uow.tasks.of_year(app.school_year.label).items() if st["status"] == "done"}
            digests += build_due_today(app, data, [pt for pt in planned if pt.task.id not in done], month)
        if run_id is None:  # a shard run on a work pool is given the run its coordinator started
            run_id = uow.runs.start(app.school_year.label, month.key)
        already = len(memos) - len(sending)
        if not resend:
            keys = [k for p in digests for k in p.doc_keys]
            digests = _without_delivered(digests, _delivered(uow, app, digests))
            already += len(keys) - sum(len(p.doc_keys) for p in digests)
        digests = [p for p in sending + digests if shard.holds(p.recipient.key)]
        uow.commit()
    return MonthPlan(
        app,
        month,
        run_id,
        run_dir,
        data,
        report,
        planned,
        sources,
        digests,
        resend=resend,
        generation=f"resend-{run_id}" if resend else "0",
        already_sent=already,
        static_notes=notes,
        shard=shard,
    )


def _with_state_forms(jobs: Iterable[RenderJob], forms: Mapping[str, str]) -> Iterator[RenderJob]:
    for job in jobs:
        yield replace(job, template=forms[job.template]) if job.format == "pdf" and job.template in forms else job


def _delivered(uow, app: App, packets: list[Packet]) -> set[str]:
    return uow.documents.delivered_among(app.school_year.label, [k for p in packets for k in p.doc_keys])


def _without_delivered(packets: list[Packet], delivered: set[str]) -> list[Packet]:
    """Each packet without the lines (digest items, a memo) that already went out; empty ones dropped."""
    kept = []
    for p in packets:
        if p.kind == "memo":
            if p.doc_keys[0] not in delivered:
                kept.append(p)
            continue
        if p.kind == "reports":
            left = [(r, k) for r, k in zip(p.reports, p.doc_keys, strict=True) if k not in delivered]
            if left:
                kept.append(
                    replace(
                        p, reports=[r for r, _ in left], doc_keys=[k for _, k in left], doc_task_ids=["web"] * len(left)
                    )
                )
            continue
        items = [(i, k) for i, k in zip(p.digest, p.doc_keys, strict=True) if k not in delivered]
        if items:
            kept.append(
                replace(
                    p,
                    digest=[i for i, _ in items],
                    doc_keys=[k for _, k in items],
                    doc_task_ids=[i.task_id for i, _ in items],
                )
            )
    return kept


def build_due_today(app: App, data: DistrictData, planned: list[PlannedTask], month: Month) -> list[Packet]:
    """For each owner of a reminder or manual task due today (at their site, where the site's own
    window sets the date): one notice listing them."""
    fmt = app.date_formatter("en")
    packets = []
    # a task without a due rule ("during testing": every day of it) is never "due today"
    dated = [pt for pt in planned if pt.task.action in (REMINDER, MANUAL) and not isinstance(pt.task.due, NoDue)]
    for role in dict.fromkeys(pt.task.owner for pt in dated):
        tasks = [pt for pt in dated if pt.task.owner == role]
        for person in staff_recipients(app, data, role):
            due = [pt for pt in tasks if app.due_at_site(data, pt, month, person.site_id) == app.today]
            if not due:
                continue
            items = [
                DigestItem(
                    pt.task.id,
                    pt.task.title,
                    pt.task.when,
                    fmt(app.today),
                    pt.task.action,
                    ", ".join(role_title(r) for r in pt.task.recipients),
                )
                for pt in sorted(due, key=lambda pt: pt.task.id)
            ]
            keys = [
                doc_key(app.school_year.label, month.key, i.task_id, f"due-today:{app.today}", person.key)
                for i in items
            ]
            packets.append(
                Packet(person, "due_today", digest=items, doc_keys=keys, doc_task_ids=[i.task_id for i in items])
            )
    return packets


def build_digests(
    app: App, data: DistrictData, planned: list[PlannedTask], month: Month, memo_to: dict[str, str] | None = None
) -> list[Packet]:
    """One digest per owner role, sent to each person holding the role; ``memo_to``: task id ->
    who the task's memo goes to, listed under the task."""
    by_role: dict[str, list[PlannedTask]] = defaultdict(list)
    for pt in planned:
        if pt.task.action in (REMINDER, MANUAL):
            by_role[pt.task.owner].append(pt)
    packets = []
    fmt = app.date_formatter("en")

    def due_text(pt: PlannedTask, site_id: str | None) -> str:
        if pt.task.is_ongoing and pt.due.day is None:
            return "ongoing"
        day = app.due_at_site(data, pt, month, site_id)  # a site's own window sets its dates
        return fmt(day) if day is not None else format_due(pt.due)

    for role, tasks in by_role.items():
        tasks.sort(key=lambda pt: (pt.due.day or date.max, pt.task.id))
        for person in staff_recipients(app, data, role):
            items = [
                DigestItem(
                    pt.task.id,
                    pt.task.title,
                    pt.task.when,
                    due_text(pt, person.site_id),
                    pt.task.action,
                    ", ".join(role_title(r) for r in pt.task.recipients),
                    memo_to=(memo_to or {}).get(pt.task.id, ""),
                )
                for pt in tasks
            ]
            keys = [doc_key(app.school_year.label, month.key, i.task_id, "digest", person.key) for i in items]
            packets.append(
                Packet(person, "digest", digest=items, doc_keys=keys, doc_task_ids=[i.task_id for i in items])
            )
    return packets
