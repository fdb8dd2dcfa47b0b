"""Generate the UK demo centre's data (made up; deterministic: same seed, same files).

    python demo/uk/generate.py          # writes demo/uk/data/*.csv

Harrow Vale Academy (centre 14725), an English secondary school: 180 Year 11 and 120 Year 13
candidates with candidate numbers and UCIs, their parents/carers (example.org addresses only),
GCSE and A-level entries with three awarding bodies (AQA, Pearson, OCR), the summer 2027 series
timetable, rooms with seat layouts, 25 invigilators with their availability, access
arrangements and results. On purpose, the series has a few clashes (candidates taking both
Computer Science and Religious Studies, timetabled in the same morning), one late entry and one
session with too few invigilators available (GCSE English Literature paper 1).
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

SEED = 2027
OUT = Path(__file__).resolve().parent / "data"
CENTRE = "14725"
SITE = "HVA"

FIRST = [
    "Oliver",
    "Amelia",
    "George",
    "Isla",
    "Harry",
    "Ava",
    "Noah",
    "Mia",
    "Jack",
    "Ivy",
    "Leo",
    "Freya",
    "Arthur",
    "Lily",
    "Muhammad",
    "Florence",
    "Oscar",
    "Grace",
    "Charlie",
    "Sophia",
    "Jacob",
    "Evie",
    "Thomas",
    "Poppy",
    "Aarav",
    "Zara",
    "Kofi",
    "Amara",
    "Siobhán",
    "Chloë",
    "Zoë",
    "Rhys",
    "Aoife",
    "Priya",
]
LAST = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Wright",
    "Robinson",
    "Khan",
    "Thompson",
    "Evans",
    "Walker",
    "O'Connor",
    "Hughes",
    "Edwards",
    "Green",
    "Hall",
    "Wood",
    "Ahmed",
    "Mensah",
    "Nowak",
    "Kowalski",
    "Murphy",
    "Ó Briain",
    "Singh",
    "Clarke",
    "Lewis",
]
CARER_FIRST = ["Sarah", "David", "Claire", "James", "Helen", "Mark", "Fatima", "Paul", "Rachel", "Andrew"]

BOARDS = [
    ("AQA", "AQA", "2027-02-21", "2027-03-21"),
    ("Pearson", "Pearson Edexcel", "2027-02-21", "2027-03-21"),
    ("OCR", "OCR", "2027-02-21", "2027-03-21"),
]
# code, board, qualification, title, department, fee, late fee
SPECS = [
    ("8300", "AQA", "GCSE", "Mathematics", "Mathematics", "52.35", "26.20"),
    ("8700", "AQA", "GCSE", "English Language", "English", "51.70", "25.85"),
    ("8702", "AQA", "GCSE", "English Literature", "English", "51.70", "25.85"),
    ("8464", "AQA", "GCSE", "Combined Science: Trilogy", "Science", "99.80", "49.90"),
    ("1GA0", "Pearson", "GCSE", "Geography A", "Humanities", "51.90", "26.00"),
    ("1HI0", "Pearson", "GCSE", "History", "Humanities", "51.90", "26.00"),
    ("J277", "OCR", "GCSE", "Computer Science", "Computing", "56.45", "28.25"),
    ("J625", "OCR", "GCSE", "Religious Studies", "Humanities", "52.85", "26.45"),
    ("9MA0", "Pearson", "GCE A level", "Mathematics", "Mathematics", "128.25", "64.15"),
    ("H420", "OCR", "GCE A level", "Biology A", "Science", "131.10", "65.55"),
    ("7405", "AQA", "GCE A level", "Chemistry", "Science", "129.95", "65.00"),
    ("7182", "AQA", "GCE A level", "Psychology", "Humanities", "129.95", "65.00"),
    ("H472", "OCR", "GCE A level", "English Literature A", "English", "131.10", "65.55"),
]
AM, PM = "09:00", "13:30"
# component code, specification, title, tier, date, session, minutes
COMPONENTS = [
    ("8700/1", "8700", "Paper 1: Explorations in creative reading and writing", "", "2027-05-13", "AM", 105),
    ("8702/1", "8702", "Paper 1: Shakespeare and the 19th-century novel", "", "2027-05-10", "AM", 105),
    ("8300/1F", "8300", "Paper 1 (non-calculator) Foundation", "F", "2027-05-17", "AM", 90),
    ("8300/1H", "8300", "Paper 1 (non-calculator) Higher", "H", "2027-05-17", "AM", 90),
    ("J277/01", "J277", "Computer systems", "", "2027-05-18", "AM", 90),
    ("J625/01", "J625", "Religion, philosophy and ethics", "", "2027-05-18", "AM", 60),
    ("8464/B1F", "8464", "Biology paper 1 Foundation", "F", "2027-05-19", "PM", 75),
    ("8464/B1H", "8464", "Biology paper 1 Higher", "H", "2027-05-19", "PM", 75),
    ("1GA0/01", "1GA0", "The physical environment", "", "2027-05-20", "AM", 90),
    ("1HI0/10", "1HI0", "Thematic study and historic environment", "", "2027-05-20", "PM", 75),
    ("8702/2", "8702", "Paper 2: Modern texts and poetry", "", "2027-05-24", "AM", 135),
    ("8300/2F", "8300", "Paper 2 (calculator) Foundation", "F", "2027-06-03", "AM", 90),
    ("8300/2H", "8300", "Paper 2 (calculator) Higher", "H", "2027-06-03", "AM", 90),
    ("8700/2", "8700", "Paper 2: Writers' viewpoints and perspectives", "", "2027-06-07", "AM", 105),
    ("J277/02", "J277", "Computational thinking, algorithms and programming", "", "2027-06-08", "PM", 90),
    ("8464/C1F", "8464", "Chemistry paper 1 Foundation", "F", "2027-06-09", "AM", 75),
    ("8464/C1H", "8464", "Chemistry paper 1 Higher", "H", "2027-06-09", "AM", 75),
    ("8300/3F", "8300", "Paper 3 (calculator) Foundation", "F", "2027-06-10", "AM", 90),
    ("8300/3H", "8300", "Paper 3 (calculator) Higher", "H", "2027-06-10", "AM", 90),
    ("9MA0/01", "9MA0", "Pure mathematics 1", "", "2027-05-26", "PM", 120),
    ("H420/01", "H420", "Biological processes", "", "2027-06-07", "PM", 135),
    ("7405/1", "7405", "Paper 1: Inorganic and physical chemistry", "", "2027-06-08", "AM", 120),
    ("7182/1", "7182", "Paper 1: Introductory topics in psychology", "", "2027-05-14", "PM", 120),
    ("H472/01", "H472", "Drama and poetry pre-1900", "", "2027-05-21", "AM", 150),
    ("9MA0/02", "9MA0", "Pure mathematics 2", "", "2027-06-04", "PM", 120),
    ("7182/2", "7182", "Paper 2: Psychology in context", "", "2027-06-11", "AM", 120),
]
GCSE_CORE = ["8300", "8700", "8702", "8464"]
GCSE_OPTIONS = ["1GA0", "1HI0", "J277", "J625"]
A_LEVELS = ["9MA0", "H420", "7405", "7182", "H472"]
ROOMS = [
    ("HALL", "Main Hall", 10, 12, "main"),
    ("GYM", "Sports Hall", 10, 10, "main"),
    ("L12", "Room L12 (small room)", 3, 6, "small"),
    ("S1", "Room S1 (separate)", 1, 1, "separate"),
    ("S2", "Room S2 (separate)", 1, 1, "separate"),
    ("S3", "Room S3 (separate)", 1, 1, "separate"),
]
ENTRIES_MADE = date(2027, 2, 5)
LATE_ENTRY_DAY = date(2027, 3, 4)
SHORT_SESSION = (date(2027, 5, 10), "AM")  # English Literature paper 1: too few invigilators free
RESULTS_DAYS = {"GCSE": "2027-08-26", "GCE A level": "2027-08-19"}


def _uci(candidate: str) -> str:
    body = f"{CENTRE}26{candidate}0"
    return body + "ABCDEFGHJKLMNPQRTUVWXYZ"[sum(int(c) * (i + 1) for i, c in enumerate(body)) % 23]


def _write(name: str, header: list[str], rows: list[list]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with (OUT / name).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def _arrangements(rng: random.Random, index: int) -> str:
    special = {
        3: "25% extra time; Reader",
        17: "Scribe; 25% extra time",
        29: "Word processor",
        41: "Word processor; 25% extra time",
        55: "Separate room",
        63: "Rest breaks",
        77: "50% extra time; Modified paper (enlarged 18pt)",
        91: "Modified paper (enlarged 18pt); Reader",
        203: "25% extra time; Word processor",
        221: "Reader",
    }
    if index in special:
        return special[index]
    return "25% extra time" if rng.random() < 0.08 else ""


def _certificates(rng: random.Random) -> list[list]:
    """Last summer's (June 2026) candidates: certificates received in November, about half collected
    by the end of January; the rest are waiting when March's letters go out."""
    rows = []
    received = {"AQA": "2026-11-04", "OCR": "2026-11-04", "Pearson": "2026-11-11"}
    for n in range(150):
        number = f"{n + 1:04d}" if n < 100 else f"{4001 + n - 100:04d}"
        qualification = "GCSE" if n < 100 else "GCE A level"
        first, last = rng.choice(FIRST), rng.choice(LAST)
        address = f"{first}.{last}".lower().replace(" ", "").replace("'", "").encode("ascii", "ignore").decode()
        collected = rng.random() < 0.5
        day = date(2026, 12, 1) + timedelta(days=rng.randrange(55))
        for board in sorted(rng.sample(["AQA", "Pearson", "OCR"], 3 if n < 100 else rng.randint(1, 2))):
            rows.append(
                [
                    number,
                    first,
                    last,
                    f"{address}.{number}@example.org",
                    board,
                    qualification,
                    "June 2026",
                    received[board],
                    day.isoformat() if collected else "",
                    "candidate" if collected else "",
                ]
            )
    return rows


def generate() -> dict[str, int]:
    rng = random.Random(SEED)
    students, guardians, entries, results = [], [], [], []
    grades_9_1 = ["9", "8", "7", "6", "5", "4", "3", "2", "1"]
    grades_a = ["A*", "A", "B", "C", "D", "E"]
    both_cs_and_rs = 0
    for index in range(300):
        year = 11 if index < 180 else 13
        candidate = f"{1001 + index:04d}" if year == 11 else f"{5001 + index - 180:04d}"
        first, last = rng.choice(FIRST), rng.choice(LAST)
        born = (date(2010, 9, 1) if year == 11 else date(2008, 9, 1)) + timedelta(days=rng.randrange(365))
        sid = f"HV{20000 + index}"
        email_name = f"{first}.{last}".lower().replace("'", "").replace(" ", "")
        email_name = email_name.encode("ascii", "ignore").decode() or "candidate"
        students.append(
            [
                sid,
                first,
                last,
                year,
                SITE,
                born.isoformat(),
                "English",
                _arrangements(rng, index),
                f"{email_name}{index}@students.harrowvale.example.org",
                candidate,
                _uci(candidate),
            ]
        )
        carers = 1 if rng.random() < 0.4 else 2
        for n in range(carers):
            carer = rng.choice(CARER_FIRST)
            guardians.append(
                [
                    f"P{index:03d}{n}",
                    sid,
                    carer,
                    last,
                    f"{carer.lower()}.{email_name}{index}{n}@example.org",
                    "Parent/carer",
                    "English",
                    "Y" if n == 0 else "N",
                ]
            )
        if year == 11:
            options = rng.sample(GCSE_OPTIONS[:2], 1) + rng.sample(GCSE_OPTIONS[2:], 1)
            if index in (12, 48, 150):  # Computer Science and Religious Studies, both: the clashes
                options = ["1GA0", "J277", "J625"]
                both_cs_and_rs += 1
            tier = "H" if rng.random() < 0.6 else "F"
            chosen = [(c, tier if c in ("8300", "8464") else "") for c in GCSE_CORE + options]
        else:
            chosen = [(c, "") for c in rng.sample(A_LEVELS, 3)]
        for code, tier in chosen:
            entered = LATE_ENTRY_DAY if (index == 120 and code == chosen[-1][0]) else ENTRIES_MADE
            entries.append([sid, code, tier, entered.isoformat()])
            qualification = next(s[2] for s in SPECS if s[0] == code)
            grade = rng.choice(grades_9_1 if year == 11 else grades_a)
            results.append([sid, code, grade, RESULTS_DAYS[qualification]])
    staff = [
        ["E001", "Helen", "Okafor", "exams@harrowvale.example.org", "exams_officer", SITE, "020 7946 0101"],
        ["E002", "Richard", "Banks", "head@harrowvale.example.org", "head_of_centre", SITE, "020 7946 0100"],
        ["E003", "Nadia", "Hussain", "senco@harrowvale.example.org", "senco", SITE, "020 7946 0102"],
        ["E004", "Tom", "Reilly", "finance@harrowvale.example.org", "finance", SITE, "020 7946 0103"],
    ]
    availability = []
    sessions = sorted({(c[4], c[5]) for c in COMPONENTS} | {("2027-05-18", "PM"), ("2027-05-19", "AM")})
    for n in range(25):
        staff_id = f"I{n + 1:03d}"
        first, last = rng.choice(CARER_FIRST), rng.choice(LAST)
        address = f"{first}.{last}".lower().replace(" ", "").replace("'", "").encode("ascii", "ignore").decode()
        staff.append([staff_id, first, last, f"{address}.{n}@example.org", "invigilator", SITE, ""])
        for day, session in sessions:
            if (date.fromisoformat(day), session) == SHORT_SESSION:
                free = n < 10  # ten free: one room goes short
            else:
                free = rng.random() < 0.8
            if free:
                availability.append([staff_id, day, session])
    _write(
        "students.csv",
        [
            "student_id",
            "first_name",
            "last_name",
            "grade",
            "site_id",
            "birth_date",
            "home_language",
            "accommodations",
            "student_email",
            "candidate_number",
            "uci",
        ],
        students,
    )
    _write(
        "guardians.csv",
        [
            "guardian_id",
            "student_id",
            "first_name",
            "last_name",
            "email",
            "relationship",
            "preferred_language",
            "primary_contact",
        ],
        guardians,
    )
    _write("staff.csv", ["staff_id", "first_name", "last_name", "email", "role", "site_id", "phone"], staff)
    _write("boards.csv", ["board", "name", "entry_deadline", "late_entry_deadline"], [list(b) for b in BOARDS])
    _write(
        "specifications.csv",
        ["specification_code", "board", "qualification", "title", "department", "entry_fee", "late_fee"],
        [list(s) for s in SPECS],
    )
    start = {"AM": AM, "PM": PM}
    _write(
        "components.csv",
        ["component_code", "specification_code", "title", "tier", "date", "session", "start_time", "duration_minutes"],
        [[c[0], c[1], c[2], c[3], c[4], c[5], start[c[5]], c[6]] for c in COMPONENTS],
    )
    _write("exam_entries.csv", ["student_id", "specification_code", "tier", "entered_on"], entries)
    _write("rooms.csv", ["room_id", "name", "rows", "columns", "kind"], [list(r) for r in ROOMS])
    _write("availability.csv", ["staff_id", "date", "session"], availability)
    _write(
        "certificates.csv",
        [
            "candidate_number",
            "first_name",
            "last_name",
            "email",
            "board",
            "qualification",
            "series",
            "received_on",
            "collected_on",
            "collected_by",
        ],
        _certificates(rng),
    )
    _write("exam_results.csv", ["student_id", "specification_code", "grade", "results_day"], results)
    return {
        "candidates": len(students),
        "parents": len(guardians),
        "entries": len(entries),
        "invigilators": 25,
        "clashing candidates": both_cs_and_rs,
    }


if __name__ == "__main__":
    counts = generate()
    print("wrote", OUT, ", ".join(f"{k}={v}" for k, v in counts.items()))
