"""Document families: what examdesk can produce, declared once.

A family is a name the checklist uses as a task's ``action``, a pure function from district
data to render jobs, the outputs it renders (a Word template, a PDF form with its field map, a
table workbook, a calendar file), who receives it, and which outputs come back signed. The
registry of all families (``domain.registry``) is what the month pipeline, completion tracking,
``templates check`` and the checklist's validation read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from .calendar import Month, WorkingCalendar
from .centre_rules import CentreRules
from .checklist import Task
from .documents import Recipient, RenderJob, document_id, facts_digest, staff_recipient
from .events import month_key_of
from .organisation import Organisation, Signatory
from .programs import IrregularityRule
from .records import DistrictData

FORMATS = ("docx", "pdf", "xlsx", "ics")


def doc_key(school_year: str, month_key: str, task_id: str, *parts: str) -> str:
    """A document's identity, stable across runs: the same document for the same person, task and month
    (e.g. ``2026-27/2027-02/caaspp-feb-05/student:S1/guardian:G1``). Delivered keys are never sent again."""
    return "/".join((school_year, month_key, task_id, *parts))


@dataclass(frozen=True)
class Output:
    """One kind of file a family renders.

    docx: ``templates/letters/<template>.<language>.docx``; pdf: ``forms/<template>.pdf`` with its
    field map; xlsx: a table workbook from ``{title, columns, rows, widths}``; ics: a calendar from
    ``{name, events}``. ``sample``: the context ``templates check`` renders it with
    (``templates/samples/<sample>.json``; default: the template's name).
    """

    template: str
    format: str = "docx"
    comes_back: bool = False  # the recipient returns it signed: tracked, due, reminded when overdue
    name: str = ""  # how the family's function names it (default: the template)
    sample: str | None = ""  # None: nothing to check it against

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ValueError(f"output {self.template!r}: unknown format {self.format!r} (expected {FORMATS})")

    @property
    def key(self) -> str:
        return self.name or self.template

    @property
    def sample_name(self) -> str | None:
        return None if self.sample is None else (self.sample or self.template)


@dataclass(frozen=True)
class FamilyInput:
    """What a family's function gets: one checklist task, the district's data and the month's facts."""

    family: DocumentFamily
    task: Task
    data: DistrictData
    organisation: Organisation
    school_year: str
    month: Month
    today: date
    languages: Callable[[str], set[str]]  # template name -> languages it exists in
    date_formatter: Callable[[str], Callable[[date], str]]  # language -> date formatter
    signatory: Signatory
    adult_age: int
    calendar: WorkingCalendar
    state: str = "CA"  # written into forms' State fields
    irregularity: IrregularityRule = field(default_factory=IrregularityRule)  # when and where incidents are reported
    translate: Callable[[str, str], str] = lambda language, text: text  # (language, English) -> wording
    copy_guardians: bool = False  # candidates' documents are copied to their primary guardian
    attachment_names: str = "document_id"  # or "student_id": what a student's attachment name carries
    now: datetime | None = None  # the moment the run acts as of (None: the end of ``today``)
    centre: CentreRules = field(default_factory=lambda: CentreRules())  # an exam centre's numbers (JCQ)

    @property
    def moment(self) -> datetime:
        return self.now or datetime.combine(self.today, time(23, 59, 59))

    def staff_recipients(self) -> list[Recipient]:
        """Every staff member holding one of the task's recipient roles."""
        return [staff_recipient(p) for role in self.task.recipients for p in self.data.staff_with_role(role)]

    def translator(self, language: str) -> Callable[[str], str]:
        """English wording -> ``language``'s, from the district's catalogues."""
        return lambda text: self.translate(language, text)

    def job(
        self,
        *key: str,
        recipient: Recipient,
        filename: str,
        title: str,
        context: dict,
        output: str | None = None,
        language: str = "en",
        student_id: str | None = None,
        note: str | None = None,
        about_student: str | None = None,
        facts: object = None,
        event_day: date | None = None,
    ) -> RenderJob:
        """A render job of this family: its doc key built from ``key``, its template, format and
        whether it comes back taken from the family's declared ``output`` (default: the first).

        ``student_id`` counts the document as that student's letter; ``about_student`` (default:
        ``student_id``) is the student the document is about: unless the district chose
        ``student_id`` attachment names, their SSID in ``filename`` becomes the document's id.
        ``facts``: what the document states that may still change after it is sent (returns
        counted, a score corrected); when they change, a new version is sent, labelled as such.
        ``event_day``: the day of the event the document follows: its key carries that month, so
        the runs of two months never both send it."""
        out = self.family.output(output)
        month_key = month_key_of(event_day) if event_day else self.month.key
        key_text = doc_key(self.school_year, month_key, self.task.id, *key)
        about = about_student or student_id
        if about and self.attachment_names != "student_id":
            filename = replace_whole(filename, about, document_id(key_text))
        return RenderJob(
            doc_key=key_text,
            task_id=self.task.id,
            family=self.family.name,
            template=out.template,
            language=language,
            filename=filename,
            title=title,
            recipient=recipient,
            context=context,
            student_id=student_id,
            note=note,
            format=out.format,
            comes_back=out.comes_back,
            facts=None if facts is None else facts_digest(facts),
        )


_ID_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")


def replace_whole(text: str, word: str, replacement: str) -> str:
    """``text`` with each ``word`` that stands alone (no ASCII letter or digit either side)
    replaced: an id, not part of a longer one. Plain string search: a regex per student would
    be compiled once per document."""
    if not word or word not in text:
        return text
    out, start = [], 0
    at = text.find(word)
    while at >= 0:
        end = at + len(word)
        if (at == 0 or text[at - 1] not in _ID_CHARS) and (end == len(text) or text[end] not in _ID_CHARS):
            out += [text[start:at], replacement]
            start = end
            at = text.find(word, end)
        else:
            at = text.find(word, at + 1)
    out.append(text[start:])
    return "".join(out)


@dataclass
class FamilyOutput:
    """Jobs may be a lazy iterator: large families are produced batch by batch, never all at once."""

    jobs: Iterable[RenderJob] = ()
    notes: list[str] = field(default_factory=list)  # counts only, no personal data
    expected: int | None = None  # documents there would be if everyone could be written to
    shortfall: str = ""  # what the missing ones lack, for the note


@dataclass(frozen=True)
class DocumentFamily:
    name: str  # as a checklist task's action names it
    title: str  # what it is, for people
    audience: str  # who receives it
    generate: Callable[[FamilyInput], FamilyOutput]
    outputs: tuple[Output, ...]
    # what a packet of this family is, for its email subject (English; translated in the catalogues;
    # {school_year} is filled in). Never a student's name.
    subject: str = ""
    # the event its documents follow (domain.events: incidents, a site's window ending, the
    # results arriving): planned in the month it happens and produced once it has, never before
    acts_on: str = ""
    # what its email offers the reader online (`examdesk web`), besides signing what comes back:
    # "confirm" (is this timetable right?) or "exemption" (ask for a parent exemption)
    offers: str = ""
    # what someone who signs it online attests (English; translated in the catalogues)
    attestation: str = "I have read this document, and what it says is true and complete."

    def __post_init__(self) -> None:
        if self.offers not in ("", "confirm", "exemption"):
            raise ValueError(f"family {self.name!r}: offers {self.offers!r} (expected confirm or exemption)")
        keys = [o.key for o in self.outputs]
        if not keys or len(set(keys)) != len(keys):
            raise ValueError(f"family {self.name!r}: outputs must be named, each once")

    @property
    def comes_back(self) -> bool:
        return any(o.comes_back for o in self.outputs)

    def output(self, key: str | None = None) -> Output:
        if key is None:
            return self.outputs[0]
        for out in self.outputs:
            if out.key == key:
                return out
        raise KeyError(f"family {self.name!r} has no output {key!r}")
