"""Input tables: their columns, and row-by-row validation into typed rows.

Rows arrive as (row_number, {column: text}) from an adapter; row numbers are the ones a
coordinator sees in a spreadsheet (the header is row 1).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation

from ..errors import InputDataError
from .languages import LANGUAGES, language_code
from .roles import STAFF_ROLES

EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)
TRUE = {"y", "yes", "true", "1", "x"}
FALSE = {"n", "no", "false", "0", ""}


MALFORMED = "\x00malformed"  # a reader's note that a row could not be read (never a column name)


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None  # None: the whole file
    column: str | None
    value: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column!r}"
        shown = f" (value {self.value!r})" if self.value != "" else ""
        return f"{where}: {self.message}{shown}"


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = "text"  # text | int | date | time | email | bool | list | role | language | choice | money
    required: bool = True
    choices: tuple[str, ...] = ()
    ref: str | None = None  # name of a reference set the value must belong to
    pattern: str = ""  # a text value must match this whole (e.g. a UCI), described by ``pattern_text``
    pattern_text: str = ""
    bounds: tuple[int, int] | None = None  # an int's lowest and highest sensible value


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    description: str = ""

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]


@dataclass
class TableResult:
    spec: TableSpec
    file: str
    rows: list = field(default_factory=list)  # valid, typed dicts with "_row"; or records (``build``)
    numbers: list[int] = field(default_factory=list)  # the rows' numbers, when ``rows`` holds records
    problems: list[Problem] = field(default_factory=list)
    rejected_rows: set[int] = field(default_factory=set)
    total_rows: int = 0
    released: int | None = None  # the valid rows, counted, once they became records and were let go

    @property
    def valid(self) -> int:
        return len(self.rows) if self.released is None else self.released

    def release_rows(self) -> None:
        """Keep the count, not the rows (the records built from them hold the data)."""
        self.released = self.valid
        self.rows, self.numbers = [], []


class FatalDataError(InputDataError):
    """Input that stops a run before anything is generated: missing file or column."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _convert(col: Column, raw: str, refs: Mapping[str, set[str]]):
    """Return (value, error message or None)."""
    text = raw.strip()
    control = next((c for c in text if _is_control(c)), None)
    if control is not None:
        return None, f"holds a control character (U+{ord(control):04X}) that documents cannot show"
    if text == "":
        if col.kind == "bool":
            return False, None if not col.required else "is required (Y or N)"
        if col.kind == "list":
            return (), None
        return None, ("is required" if col.required else None)
    if col.kind == "int":
        try:
            number = int(float(text)) if re.fullmatch(r"-?\d+(\.0+)?", text) else int(text)
        except ValueError:
            return None, "is not a whole number"
        if col.bounds and not col.bounds[0] <= number <= col.bounds[1]:
            return None, f"is not between {col.bounds[0]} and {col.bounds[1]}"
        allowed = refs.get(col.ref) if col.ref else None
        if allowed is not None and str(number) not in allowed:
            low, high = min(allowed, key=int), max(allowed, key=int)
            return None, f"is not one of the district's {col.ref} ({low} to {high}, setting data.{col.ref})"
        return number, None
    if col.kind == "date":
        for fmt in ("%Y-%m-%d", "%m/%d/%Y", "%Y-%m-%d %H:%M:%S"):
            try:
                return datetime.strptime(text, fmt).date(), None
            except ValueError:
                pass
        return None, "is not a date (expected YYYY-MM-DD)"
    if col.kind == "time":
        for fmt in ("%H:%M", "%H:%M:%S", "%I:%M %p"):
            try:
                return datetime.strptime(text, fmt).time(), None
            except ValueError:
                pass
        return None, "is not a time (expected HH:MM)"
    if col.kind == "email":
        return (text, None) if EMAIL.match(text) else (None, "is not an email address")
    if col.kind == "bool":
        low = text.lower()
        if low in TRUE:
            return True, None
        if low in FALSE:
            return False, None
        return None, "is not Y or N"
    if col.kind == "list":
        return tuple(p.strip() for p in text.split(";") if p.strip()), None
    if col.kind == "money":
        try:
            amount = Decimal(text.lstrip("£$"))
            whole_pence = amount.is_finite() and amount >= 0 and amount == amount.quantize(Decimal("0.01"))
        except InvalidOperation:  # not a number, or one too large to hold in pence
            whole_pence = False
        if not whole_pence:
            return None, "is not an amount in pounds and pence (expected e.g. 48.60)"
        return amount, None
    if col.kind == "role":
        return (text, None) if text in STAFF_ROLES else (None, f"is not a known role ({', '.join(STAFF_ROLES)})")
    if col.kind == "language":
        code = language_code(text)
        return (
            (code, None)
            if code
            else (None, f"is not a known language ({', '.join(sorted(n for n in LANGUAGES.values()))})")
        )
    if col.kind == "choice":
        return (text, None) if text in col.choices else (None, f"must be one of {', '.join(col.choices)}")
    if col.pattern and not re.fullmatch(col.pattern, text):
        return None, f"is not {col.pattern_text}"
    if col.ref is not None and text not in refs.get(col.ref, set()):
        return None, f"refers to an unknown {_REF_NAMES.get(col.ref, col.ref)} (or one whose row was rejected)"
    return text, None


def _is_control(char: str) -> bool:
    """C0/C1 control characters other than tab and line breaks: Word, PDF and spreadsheets refuse them."""
    return unicodedata.category(char) == "Cc" and char not in "\t\n\r"


_REF_NAMES = {
    "sites": "site",
    "students": "student",
    "staff": "staff member",
    "sessions": "session",
    "boards": "awarding body",
    "specifications": "specification",
}


MEMO_LIMIT = 4096  # distinct texts remembered per column while a table is read


def validate_table(
    spec: TableSpec,
    file: str,
    header: Iterable[str],
    rows: Iterable[tuple[int, Mapping[str, str]]],
    refs: Mapping[str, set[str]],
    build: Callable[[dict], object] | None = None,
) -> TableResult:
    """Check every row; invalid rows are left out and listed, valid rows go on.

    ``build``: each valid row is made into its record at once (``rows`` holds records, ``numbers``
    their row numbers), so a large table is never held as dictionaries as well.

    Raises FatalDataError when a required column is missing.
    """
    header = [h.strip() for h in header]
    missing = [c for c in spec.required_columns if c not in header]
    if missing:
        raise FatalDataError(
            [Problem(file, 1, c, "", f"required column is missing from the {spec.name} table") for c in missing]
        )
    result = TableResult(spec, file)
    seen_keys: dict[tuple, int] = {}
    # the same text in a column converts the same way: dates, codes, grades, languages and flags
    # repeat across a district's rows, so each is converted once and its value shared by the rows
    memo: dict[str, dict[str, tuple]] = {col.name: {} for col in spec.columns}
    for row_no, raw in rows:
        result.total_rows += 1
        if MALFORMED in raw:  # the reader could not split the row into the header's columns
            result.problems.append(Problem(file, row_no, None, "", raw[MALFORMED]))
            result.rejected_rows.add(row_no)
            continue
        if all(str(v or "").strip() == "" for v in raw.values()):
            continue  # blank line
        typed: dict = {"_row": row_no}
        bad = False
        for col in spec.columns:
            value_text = str(raw.get(col.name) or "")
            known = memo[col.name]
            converted = known.get(value_text)
            if converted is None:
                converted = _convert(col, value_text, refs)
                if len(known) < MEMO_LIMIT:  # a column of unique values (ids, names) stops here
                    known[value_text] = converted
            value, error = converted
            if error:
                result.problems.append(Problem(file, row_no, col.name, value_text.strip(), error))
                bad = True
            typed[col.name] = value
        if spec.key and not bad:
            key = tuple(typed[k] for k in spec.key)
            if key in seen_keys:
                result.problems.append(
                    Problem(
                        file,
                        row_no,
                        ",".join(spec.key),
                        "/".join(map(str, key)),
                        f"duplicate {'/'.join(spec.key)} (first seen on row {seen_keys[key]})",
                    )
                )
                bad = True
            else:
                seen_keys[key] = row_no
        if bad:
            result.rejected_rows.add(row_no)
        elif build is not None:
            result.rows.append(build(typed))
            result.numbers.append(row_no)
        else:
            result.rows.append(typed)
    return result


def _c(name, kind="text", required=True, **kw) -> Column:
    return Column(name, kind, required, **kw)


STUDENTS = TableSpec(
    "students",
    (
        _c("student_id"),
        _c("first_name"),
        _c("last_name"),
        _c("grade", "int", ref="grades"),
        _c("site_id", ref="sites"),
        _c("birth_date", "date"),
        _c("home_language", "language"),
        _c("english_learner", "bool", required=False),  # blank: N
        _c("us_school_entry_date", "date", required=False),
        _c("iep", "bool", required=False),
        _c("plan_504", "bool", required=False),
        _c("accommodations", "list", required=False),
        _c("designated_supports", "list", required=False),
        _c("student_email", "email", required=False),
        _c("candidate_number", required=False, pattern=r"\d{4}", pattern_text="a 4-digit candidate number"),
        _c("uci", required=False, pattern=r"[0-9A-Z]{13}", pattern_text="a UCI (13 capital letters and digits)"),
    ),
    key=("student_id",),
    description="one row per student (SSID)",
)

GUARDIANS = TableSpec(
    "guardians",
    (
        _c("guardian_id"),
        _c("student_id", ref="students"),
        _c("first_name"),
        _c("last_name"),
        _c("email", "email"),
        _c("relationship", required=False),
        _c("preferred_language", "language", required=False),
        _c("primary_contact", "bool", required=False),
        _c("address", required=False),
    ),
    key=("guardian_id", "student_id"),
    description="parents/guardians, one row per guardian and student",
)

STAFF = TableSpec(
    "staff",
    (
        _c("staff_id"),
        _c("first_name"),
        _c("last_name"),
        _c("email", "email"),
        _c("role", "role"),
        _c("site_id", ref="sites", required=False),
        _c("phone", required=False),
    ),
    key=("staff_id",),
    description="staff with their testing role",
)

TESTING_WINDOWS = TableSpec(
    "testing_windows",
    (
        _c("site_id", ref="sites"),
        _c("program"),
        _c("start_date", "date"),
        _c("end_date", "date"),
    ),
    key=("site_id", "program"),
    description="testing window per site and program",
)

SESSIONS = TableSpec(
    "sessions",
    (
        _c("session_id"),
        _c("site_id", ref="sites"),
        _c("test_code"),
        _c("test_name"),
        _c("grade", "int", ref="grades"),
        _c("date", "date"),
        _c("start_time", "time"),
        _c("end_time", "time"),
        _c("room"),
        _c("administrator_id", ref="staff"),
        _c("proctor_id", ref="staff", required=False),
    ),
    key=("session_id",),
    description="exam sessions (one test, one room, one time)",
)

ENTRIES = TableSpec(
    "entries",
    (
        _c("student_id", ref="students"),
        _c("session_id", ref="sessions"),
        _c("seat", required=False),
    ),
    key=("student_id", "session_id"),
    description="which student sits which session",
)

MATERIALS = TableSpec(
    "materials",
    (
        _c("security_number"),
        _c("site_id", ref="sites"),
        _c("material_type"),
        _c("grade", "int", ref="grades"),
        _c("subject"),
        _c("quantity", "int"),
        _c("session_id", ref="sessions", required=False),
    ),
    key=("security_number",),
    description="secure materials by security number",
)

RESULTS = TableSpec(
    "results",
    (
        _c("student_id", ref="students"),
        _c("test_code"),
        _c("scale_score", "int"),
        _c("achievement_level", "int"),
        _c("received_date", "date"),
    ),
    key=("student_id", "test_code"),
    description="score data extract",
)

EXEMPTIONS = TableSpec(
    "exemptions",
    (
        _c("student_id", ref="students"),
        _c("test_code"),  # a test code, or ALL
        _c("condition_code", "choice", choices=("PGE", "NTE")),
        _c("school_year"),
        _c("signed_date", "date"),
        _c("received_date", "date", required=False),
    ),
    key=("student_id", "test_code", "condition_code"),
    description="parent/guardian exemptions (PGE) and medical emergencies (NTE)",
)

RETURNS = TableSpec(
    "returns",
    (
        _c("security_number"),
        _c("site_id", ref="sites"),
        _c("quantity_returned", "int"),
        _c("time_returned", "time", required=False),
        _c("disposition", "choice", choices=("returned", "destroyed", "recycled", "missing", "damaged")),
    ),
    key=("security_number",),
    description="secure materials returned after testing",
)

INCIDENT_CATEGORIES = (
    "electronic_devices",
    "test_supervision",
    "test_materials",
    "testing_environment",
    "safety",
    "item_irregularity",
    "misconduct",
)
INCIDENTS = TableSpec(
    "incidents",
    (
        _c("incident_id"),
        _c("session_id", ref="sessions"),
        _c("incident_date", "date"),
        _c("reporter_id", ref="staff"),
        _c("student_id", ref="students", required=False),
        _c("category", "choice", choices=INCIDENT_CATEGORIES),
        _c("mode", "choice", required=False, choices=("CBT", "PBT")),
        _c("unit", "choice", required=False, choices=("1", "2", "3", "4", "3a", "3b")),
        _c("description"),
        _c("investigation", required=False),
        _c("actions", required=False),
        _c("resolved", "bool", required=False),
        _c("item_number", required=False),
    ),
    key=("incident_id",),
    description="testing irregularities and security breaches (never the wording of a test item)",
)

# ---- an exam centre's series (JCQ) -------------------------------------------------------------
BOARDS = TableSpec(
    "boards",
    (
        _c("board"),
        _c("name"),
        _c("entry_deadline", "date"),
        _c("late_entry_deadline", "date", required=False),
    ),
    key=("board",),
    description="awarding bodies with the series' entry deadlines (after entry_deadline: late fees)",
)

SPECIFICATIONS = TableSpec(
    "specifications",
    (
        _c("specification_code"),
        _c("board", ref="boards"),
        _c("qualification"),
        _c("title"),
        _c("department"),
        _c("entry_fee", "money"),
        _c("late_fee", "money", required=False),
    ),
    key=("specification_code",),
    description="what candidates are entered for: board, qualification, fees",
)

COMPONENTS = TableSpec(
    "components",
    (
        _c("component_code"),
        _c("specification_code", ref="specifications"),
        _c("title"),
        _c("tier", "choice", required=False, choices=("F", "H")),
        _c("date", "date"),
        _c("session", "choice", choices=("AM", "PM")),
        _c("start_time", "time"),
        _c("duration_minutes", "int", bounds=(1, 600)),
    ),
    key=("component_code",),
    description="the series timetable: each paper with its date, session, start and duration",
)

EXAM_ENTRIES = TableSpec(
    "exam_entries",
    (
        _c("student_id", ref="students"),
        _c("specification_code", ref="specifications"),
        _c("tier", "choice", required=False, choices=("F", "H")),
        _c("entered_on", "date"),
    ),
    key=("student_id", "specification_code"),
    description="each candidate's entries, with the day each was made",
)

ROOMS = TableSpec(
    "rooms",
    (
        _c("room_id"),
        _c("name"),
        _c("rows", "int", bounds=(1, 100)),
        _c("columns", "int", bounds=(1, 100)),
        _c("kind", "choice", choices=("main", "small", "separate")),
    ),
    key=("room_id",),
    description="exam rooms: seat layout (rows x columns) and kind (separate: one candidate with a reader or scribe)",
)

AVAILABILITY = TableSpec(
    "availability",
    (
        _c("staff_id", ref="staff"),
        _c("date", "date"),
        _c("session", "choice", choices=("AM", "PM")),
    ),
    key=("staff_id", "date", "session"),
    description="when each invigilator can work",
)

EXAM_RESULTS = TableSpec(
    "exam_results",
    (
        _c("student_id", ref="students"),
        _c("specification_code", ref="specifications"),
        _c("grade"),
        _c("results_day", "date"),
    ),
    key=("student_id", "specification_code"),
    description="results as the boards sent them, with the day they may be released to candidates",
)

CERTIFICATES = TableSpec(
    "certificates",
    (
        _c("candidate_number"),
        _c("first_name"),
        _c("last_name"),
        _c("email", "email"),
        _c("board", ref="boards"),
        _c("qualification"),
        _c("series"),
        _c("received_on", "date"),
        _c("collected_on", "date", required=False),
        _c("collected_by", required=False),
    ),
    key=("candidate_number", "board", "qualification", "series"),
    description="certificates received from the awarding bodies, and who collected them when",
)

TABLES: dict[str, TableSpec] = {
    t.name: t
    for t in (
        STUDENTS,
        GUARDIANS,
        STAFF,
        TESTING_WINDOWS,
        SESSIONS,
        ENTRIES,
        MATERIALS,
        RESULTS,
        EXEMPTIONS,
        RETURNS,
        INCIDENTS,
        BOARDS,
        SPECIFICATIONS,
        COMPONENTS,
        EXAM_ENTRIES,
        ROOMS,
        AVAILABILITY,
        EXAM_RESULTS,
        CERTIFICATES,
    )
}
# Validation order: a table's references must be validated before it.
TABLE_ORDER = (
    "staff",
    "students",
    "guardians",
    "testing_windows",
    "sessions",
    "entries",
    "materials",
    "results",
    "exemptions",
    "returns",
    "incidents",
    "boards",
    "specifications",
    "components",
    "exam_entries",
    "rooms",
    "availability",
    "exam_results",
    "certificates",
)
# Tables a district may leave out (data.<table>: null): a US district keeps no exam series, an
# exam centre no testing windows, sessions or secure materials of the US kind
OPTIONAL_TABLES = (
    "testing_windows",
    "sessions",
    "entries",
    "materials",
    "results",
    "exemptions",
    "returns",
    "incidents",
    "boards",
    "specifications",
    "components",
    "exam_entries",
    "rooms",
    "availability",
    "exam_results",
    "certificates",
)
# Which reference set each validated table provides, and from which column.
PROVIDES = {
    "students": ("students", "student_id"),
    "staff": ("staff", "staff_id"),
    "sessions": ("sessions", "session_id"),
    "boards": ("boards", "board"),
    "specifications": ("specifications", "specification_code"),
}
