"""Generate the demo district's data (made up; deterministic: same seed, same files).

    python demo/generate.py            # writes demo/data/*.csv

Three sites, ~300 students in grades 3-8 and 11 with guardians (emails only at example.org /
example.com), ~40 staff, testing windows, sessions, entries, secure materials and results.
A few rows are wrong on purpose so the demo shows what validation reports.
"""

from __future__ import annotations

import csv
import random
import unicodedata
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from pathlib import Path

SEED = 2026
OUT = Path(__file__).resolve().parent / "data"

SITES = {"LIN": (3, 4, 5), "RMS": (6, 7, 8), "VHS": (11,)}
STUDENTS_PER_GRADE = {"LIN": 45, "RMS": 40, "VHS": 45}
WINDOWS = {
    "LIN": (date(2027, 4, 12), date(2027, 5, 21)),
    "RMS": (date(2027, 4, 19), date(2027, 5, 28)),
    "VHS": (date(2027, 4, 26), date(2027, 5, 28)),
}

# home language -> (share, first names, last names)
NAMES = {
    "English": (
        0.40,
        [
            "Olivia",
            "Liam",
            "Emma",
            "Noah",
            "Ava",
            "Mason",
            "Harper",
            "Ethan",
            "Zoë",
            "Caleb",
            "Aubrey",
            "Wyatt",
            "Nora",
            "Owen",
            "Riley",
            "Jack",
        ],
        [
            "Smith",
            "Johnson",
            "Brown",
            "O'Brien",
            "Miller",
            "Davis",
            "Wilson",
            "Anderson",
            "Taylor",
            "Thomas",
            "Moore",
            "Jackson",
            "White",
            "Harris",
            "D'Angelo",
            "McAllister",
        ],
    ),
    "Spanish": (
        0.30,
        [
            "Sofía",
            "Mateo",
            "Valentina",
            "Santiago",
            "Camila",
            "Diego",
            "Lucía",
            "José",
            "Ximena",
            "Andrés",
            "María José",
            "Iker",
        ],
        [
            "García",
            "Martínez",
            "Rodríguez",
            "López",
            "Hernández",
            "González",
            "Pérez",
            "Sánchez",
            "Ramírez",
            "Núñez",
            "Ortiz-Peña",
            "Castañeda",
        ],
    ),
    "Vietnamese": (
        0.09,
        ["Minh", "Linh", "Anh", "Khoa", "Thảo", "Huy", "Ngọc", "Bảo"],
        ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ"],
    ),
    "Chinese (Traditional)": (
        0.08,
        ["Wei", "Mei", "Jun", "Ling", "Hao", "Yu-Ting", "Chen", "An"],
        ["Chen", "Lin", "Wang", "Huang", "Chang", "Liu"],
    ),
    "Filipino": (
        0.08,
        ["Andrea", "Joshua", "Kristine", "Mark", "Angelica", "Paolo", "Bea", "Miguel"],
        ["Santos", "Reyes", "Cruz", "Bautista", "Ocampo", "Dela Cruz"],
    ),
    "Arabic": (0.03, ["Omar", "Layla", "Yusuf", "Amira"], ["Haddad", "Khalil", "Nasser"]),
    "Korean": (0.02, ["Ji-woo", "Min-jun", "Seo-yeon"], ["Kim", "Park", "Choi"]),
}
STREETS = ["Oak", "Pine", "Cedar", "Maple", "Mission"]
ACCOMMODATIONS = [
    "Extended time (1.5x)",
    "Text-to-speech",
    "Separate setting",
    "Large print",
    "Braille",
    "Scribe",
    "Frequent breaks",
]
SUPPORTS = ["Translated test directions", "Glossary", "Noise buffers", "Color contrast", "Magnification"]
TESTS = {  # test code -> (name, subject, grades)
    "SB-ELA": ("Smarter Balanced English Language Arts/Literacy", "ELA", (3, 4, 5, 6, 7, 8, 11)),
    "SB-MATH": ("Smarter Balanced Mathematics", "Math", (3, 4, 5, 6, 7, 8, 11)),
    "CAST": ("California Science Test", "Science", (5, 8, 11)),
}
STAFF_FIRST = [
    "Alicia",
    "Brian",
    "Carmen",
    "Daniel",
    "Elena",
    "Frank",
    "Grace",
    "Hector",
    "Irene",
    "James",
    "Karen",
    "Luis",
    "Monica",
    "Nathan",
    "Olga",
    "Peter",
    "Quynh",
    "Rosa",
    "Samuel",
    "Tanya",
    "Umar",
    "Victoria",
    "Walter",
    "Xiomara",
    "Yvonne",
    "Zachary",
    "Beatriz",
    "Colin",
    "Diana",
    "Eduardo",
    "Fiona",
    "Gustavo",
    "Hannah",
    "Ignacio",
    "Julia",
    "Kevin",
]
STAFF_LAST = [
    "Abbott",
    "Barrera",
    "Coleman",
    "Duarte",
    "Ellis",
    "Fuentes",
    "Gomez",
    "Hale",
    "Ibarra",
    "Jensen",
    "Kaur",
    "Lam",
    "Mendoza",
    "Nakamura",
    "Ochoa",
    "Pruitt",
    "Quintero",
    "Rios",
    "Soto",
    "Tran",
    "Underwood",
    "Vega",
    "Wong",
    "Yates",
    "Zamora",
]


# Published CAASPP (Smarter Balanced) threshold scores: per test and grade, the lowest scale score
# of levels 1 to 4 and the highest score (the Standard Nearly Met / Met / Exceeded cut scores).
THRESHOLDS = {
    "SB-ELA": {
        3: (2114, 2367, 2432, 2490, 2623),
        4: (2131, 2416, 2473, 2533, 2663),
        5: (2201, 2442, 2502, 2582, 2701),
        6: (2210, 2457, 2531, 2618, 2724),
        7: (2258, 2479, 2552, 2649, 2745),
        8: (2288, 2487, 2567, 2668, 2769),
        11: (2299, 2493, 2583, 2682, 2795),
    },
    "SB-MATH": {
        3: (2189, 2381, 2436, 2501, 2621),
        4: (2204, 2411, 2485, 2549, 2659),
        5: (2219, 2455, 2528, 2579, 2700),
        6: (2235, 2473, 2552, 2610, 2748),
        7: (2250, 2484, 2567, 2635, 2778),
        8: (2265, 2504, 2586, 2653, 2802),
        11: (2280, 2543, 2628, 2718, 2862),
    },
    # CAST (science) reports on a grade band's own scale with Standard Met at X00; the other cuts
    # here are illustrative, not the published ones
    "CAST": {5: (400, 480, 500, 530, 600), 8: (700, 780, 800, 830, 900), 11: (1000, 1080, 1100, 1130, 1200)},
}


def _scale_score(test_code: str, grade: int, level: int, position: float) -> int:
    """A scale score inside the achievement level's band for the test and grade (0 <= position < 1)."""
    cuts = THRESHOLDS[test_code][grade]
    low, high = cuts[level - 1], cuts[level] - 1 if level < 4 else cuts[4]
    return low + int(position * (high - low))


def _pick_language(rng: random.Random) -> str:
    r, acc = rng.random(), 0.0
    for lang, (share, _, _) in NAMES.items():
        acc += share
        if r < acc:
            return lang
    return "English"


def _ascii(name: str) -> str:
    """The lower-case ASCII letters and digits of a name, for an email address."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return "".join(c for c in folded if c.isalnum())


def _email(rng: random.Random, first: str, last: str, n: int) -> str:
    return f"{_ascii(first)}.{_ascii(last)}{n}@{rng.choice(['example.org', 'example.com'])}"


FIRST_ADULT = 262  # the first adult student of the demo (by position), who has no student email


def _student_email(first: str, last: str, n: int) -> str:
    return f"{_ascii(first)}.{_ascii(last)}{n}@students.mesaverde.example.org"


def _write(name: str, header: list[str], rows: list[dict]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / name, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def generate() -> dict[str, int]:
    rng = random.Random(SEED)
    staff, students, guardians, sessions, entries, materials, results = [], [], [], [], [], [], []
    sid = 0

    def add_staff(role: str, site: str | None, first: str = "", last: str = "", email: str = "") -> dict:
        nonlocal sid
        sid += 1
        first = first or STAFF_FIRST[(sid * 7) % len(STAFF_FIRST)]
        last = last or STAFF_LAST[(sid * 11) % len(STAFF_LAST)]
        row = {
            "staff_id": f"S{sid:03d}",
            "first_name": first,
            "last_name": last,
            "email": email or f"{first.lower()}.{last.lower()}@mesaverde.example.org",
            "role": role,
            "site_id": site or "",
            "phone": f"(909) 555-{1000 + sid:04d}",
        }
        staff.append(row)
        return row

    # the district office matches config/district.yaml's contacts
    add_staff("superintendent", None, "Renée", "Castillo", "superintendent@mesaverde.example.org")
    add_staff("district_coordinator", None, "Marcus", "O'Neill", "assessment@mesaverde.example.org")
    add_staff("technology_coordinator", None, "Priya", "Raman", "tech@mesaverde.example.org")
    add_staff("special_education_coordinator", None)
    tas: dict[str, list[dict]] = {}
    proctors: dict[str, list[dict]] = {}
    for site in SITES:
        add_staff("principal", site)
        add_staff("site_coordinator", site)
        tas[site] = [add_staff("test_administrator", site) for _ in range(8)]
        proctors[site] = [add_staff("proctor", site) for _ in range(2)]

    n = 0
    guardian_no = 0
    last_family: list[tuple[dict, str, str]] = []  # (guardian rows, last name, language) for siblings
    for site, grades in SITES.items():
        for grade in grades:
            for _ in range(STUDENTS_PER_GRADE[site]):
                n += 1
                sibling = last_family and rng.random() < 0.12
                if sibling:
                    fam_guardians, last, lang = rng.choice(last_family)
                else:
                    lang = _pick_language(rng)
                    last = rng.choice(NAMES[lang][2])
                first = rng.choice(NAMES[lang][1])
                if sibling:  # told apart from their brothers and sisters and their parents (no extra draw)
                    family_ids = {g["guardian_id"] for g in fam_guardians}
                    children = {g["student_id"] for g in guardians if g["guardian_id"] in family_ids}
                    taken = {g["first_name"] for g in fam_guardians}
                    taken |= {x["first_name"] for x in students if x["student_id"] in children}
                    names = NAMES[lang][1]
                    while first in taken:
                        first = names[(names.index(first) + 1) % len(names)]
                birth_year = 2027 - grade - 6  # grade 3 in 2026-27: born 2018
                adult = grade == 11 and rng.random() < 0.08
                if adult:
                    birth_year -= 2  # a few adult students: result letters go to them
                birth = date(birth_year, 1, 1) + timedelta(days=rng.randrange(365))
                el = lang != "English" and rng.random() < 0.45
                entry = None
                if el:
                    entry = date(rng.choice([2019, 2021, 2023, 2025, 2026]), rng.randint(1, 12), rng.randint(1, 28))
                iep = rng.random() < 0.11
                p504 = not iep and rng.random() < 0.05
                acc = sorted(rng.sample(ACCOMMODATIONS, rng.randint(1, 2))) if (iep or p504) else []
                sup = sorted(rng.sample(SUPPORTS, 1)) if (el or rng.random() < 0.05) else []
                student_id = f"{9100000000 + n * 37:010d}"
                students.append(
                    {
                        "student_id": student_id,
                        "first_name": first,
                        "last_name": last,
                        "grade": grade,
                        "site_id": site,
                        "birth_date": birth.isoformat(),
                        "home_language": lang,
                        "english_learner": "Y" if el else "N",
                        "us_school_entry_date": entry.isoformat() if entry else "",
                        "iep": "Y" if iep else "N",
                        "plan_504": "Y" if p504 else "N",
                        "accommodations": ";".join(acc),
                        "designated_supports": ";".join(sup),
                        # adults get their own results; the first one has no address on file (held)
                        "student_email": _student_email(first, last, n) if adult and n != FIRST_ADULT else "",
                    }
                )
                if sibling:
                    fam = [dict(g, student_id=student_id) for g in fam_guardians]
                else:
                    fam = []
                    for k in range(1 if rng.random() < 0.35 else 2):
                        guardian_no += 1
                        gfirst = rng.choice(NAMES[lang][1])
                        if gfirst == first:  # a parent is not named like their child (no extra draw)
                            names = NAMES[lang][1]
                            gfirst = names[(names.index(gfirst) + 1) % len(names)]
                        fam.append(
                            {
                                "guardian_id": f"G{guardian_no:05d}",
                                "student_id": student_id,
                                "first_name": gfirst,
                                "last_name": last,
                                "email": _email(rng, gfirst, last, guardian_no),
                                "relationship": "Mother" if k == 0 else "Father",
                                "preferred_language": lang,
                                "primary_contact": "Y" if k == 0 else "N",
                                "address": f"{rng.randint(10, 9999)} {rng.choice(STREETS)} St, Mesa Verde, CA",
                            }
                        )
                    last_family.append((fam, last, lang))
                guardians.extend(fam)

    # sessions: per site, grade and test, one room per 25 students, on window days
    by_grade: dict[tuple[str, int], list[dict]] = {}
    for s in students:
        by_grade.setdefault((s["site_id"], s["grade"]), []).append(s)
    sess_no = 0
    serial = 100000
    for (site, grade), group in by_grade.items():
        start = WINDOWS[site][0]
        rooms = [group[i : i + 25] for i in range(0, len(group), 25)]
        day_offset = grade % 3
        for t_index, (code, (name, subject, grades)) in enumerate(TESTS.items()):
            if grade not in grades:
                continue
            day = start + timedelta(days=day_offset + t_index * 2)
            while day.weekday() >= 5:
                day += timedelta(days=1)
            for r_index, room_students in enumerate(rooms):
                sess_no += 1
                session_id = f"{site}-{grade:02d}-{code}-{r_index + 1}"
                begin = time(8, 30) if r_index % 2 == 0 else time(10, 30)
                length = 90 if code != "CAST" else 120
                end = (datetime.combine(day, begin) + timedelta(minutes=length)).time()
                ta = tas[site][(sess_no + r_index) % len(tas[site])]
                proctor = proctors[site][sess_no % 2] if len(room_students) > 20 else None
                sessions.append(
                    {
                        "session_id": session_id,
                        "site_id": site,
                        "test_code": code,
                        "test_name": name,
                        "grade": grade,
                        "date": day.isoformat(),
                        "start_time": begin.strftime("%H:%M"),
                        "end_time": end.strftime("%H:%M"),
                        "room": f"Room {100 * (r_index + 1) + grade}",
                        "administrator_id": ta["staff_id"],
                        "proctor_id": proctor["staff_id"] if proctor else "",
                    }
                )
                for seat, s in enumerate(room_students, start=1):
                    new_el = s["us_school_entry_date"] and s["us_school_entry_date"] > "2026-04-15"
                    if code == "SB-ELA" and new_el:
                        continue  # EL in first 12 months of US school: exempt from ELA
                    entries.append({"student_id": s["student_id"], "session_id": session_id, "seat": str(seat)})
                    serial += 1
                    materials.append(
                        {
                            "security_number": f"{serial:09d}-{serial % 7}",
                            "site_id": site,
                            "material_type": "Student testing ticket"
                            if "Large print" not in s["accommodations"] and "Braille" not in s["accommodations"]
                            else (
                                "Large print test booklet"
                                if "Large print" in s["accommodations"]
                                else "Braille test booklet"
                            ),
                            "grade": grade,
                            "subject": subject,
                            "quantity": 1,
                            "session_id": session_id,
                        }
                    )
                    results.append(
                        {
                            "student_id": s["student_id"],
                            "test_code": code,
                            # the same draws as before, in the same order: the rest of the demo is unchanged
                            "scale_score": (rng.randint(-160, 220) + 160) / 381,
                            "achievement_level": rng.choices([1, 2, 3, 4], [25, 30, 28, 17])[0],
                            "received_date": "2027-05-24",
                        }
                    )

    for r in results:  # each score inside its level's band, by the published thresholds
        grade = next(x["grade"] for x in students if x["student_id"] == r["student_id"])
        r["scale_score"] = _scale_score(r["test_code"], grade, r["achievement_level"], r["scale_score"])

    # California Spanish Assessment for a few grade 11 Spanish speakers, timetabled over their math paper:
    # the exams office must see the clash and propose a move.
    math = next(x for x in sessions if x["site_id"] == "VHS" and x["test_code"] == "SB-MATH")
    csa_start = (datetime.strptime(math["start_time"], "%H:%M") + timedelta(minutes=30)).strftime("%H:%M")
    csa = {
        **math,
        "session_id": "VHS-11-CSA-1",
        "test_code": "CSA",
        "test_name": "California Spanish Assessment",
        "start_time": csa_start,
        "end_time": (datetime.strptime(csa_start, "%H:%M") + timedelta(minutes=75)).strftime("%H:%M"),
        "room": "Room 211",
        "proctor_id": "",
    }
    sessions.append(csa)
    math_takers = {e["student_id"] for e in entries if e["session_id"] == math["session_id"]}
    spanish = [x for x in students if x["student_id"] in math_takers and x["home_language"] == "Spanish"][:3]
    for seat, x in enumerate(spanish, start=1):
        entries.append({"student_id": x["student_id"], "session_id": "VHS-11-CSA-1", "seat": str(seat)})
        serial += 1
        materials.append(
            {
                "security_number": f"{serial:09d}-{serial % 7}",
                "site_id": "VHS",
                "material_type": "Student testing ticket",
                "grade": 11,
                "subject": "Spanish",
                "quantity": 1,
                "session_id": "VHS-11-CSA-1",
            }
        )
    if spanish:  # one of them also has 25% extra time as an access arrangement
        spanish[0]["accommodations"] = ";".join(filter(None, [spanish[0]["accommodations"], "25% extra time"]))

    windows = [
        {"site_id": site, "program": "CAASPP", "start_date": a.isoformat(), "end_date": b.isoformat()}
        for site, (a, b) in WINDOWS.items()
    ]

    # Deliberate mistakes, as real exports have them: validation lists them, the rest goes on.
    guardians.append(
        {
            "guardian_id": "G99001",
            "student_id": students[5]["student_id"],
            "first_name": "Teresa",
            "last_name": "Quiroz",
            "email": "teresa.quiroz@example",
            "relationship": "Aunt",
            "preferred_language": "Spanish",
            "primary_contact": "N",
            "address": "",
        }
    )
    students.append(
        {**students[10], "student_id": "9100099999", "first_name": "Test", "last_name": "Transfer", "site_id": "WHS"}
    )
    students.append(
        {
            **students[11],
            "student_id": "9100099998",
            "first_name": "Late",
            "last_name": "Enrollee",
            "birth_date": "2016-02-30",
        }
    )

    exemptions = []
    for s in rng.sample(students[:-2], 9):  # not the two deliberately wrong rows
        pge = rng.random() < 0.75
        exemptions.append(
            {
                "student_id": s["student_id"],
                "test_code": rng.choice(["ALL", "SB-ELA", "SB-MATH"]) if pge else "SB-MATH",
                "condition_code": "PGE" if pge else "NTE",
                "school_year": "2026-27",
                "signed_date": f"2027-0{rng.randint(1, 3)}-{rng.randint(10, 28)}",
                "received_date": "2027-03-30",
            }
        )
    _write("exemptions.csv", list(exemptions[0]), exemptions)
    # an exempted student has no result for that test, except one the results file wrongly carries
    # (validation reports the conflict and leaves the result out of the letter)
    exempt = {(e["student_id"], e["test_code"]) for e in exemptions}
    conflicting = [
        r for r in results if (r["student_id"], r["test_code"]) in exempt or (r["student_id"], "ALL") in exempt
    ]
    results[:] = [r for r in results if r not in conflicting[1:]]

    # what came back after testing: a few items missing, one damaged, one short, one number nobody issued
    session_end = {x["session_id"]: x["end_time"] for x in sessions}
    returns = []
    gone = set(rng.sample(range(len(materials)), 3))
    damaged, short = rng.sample([i for i in range(len(materials)) if i not in gone], 2)
    for i, m in enumerate(materials):
        if i in gone:
            continue
        returns.append(
            {
                "security_number": m["security_number"],
                "site_id": m["site_id"],
                "quantity_returned": 0 if i == short else m["quantity"],
                "time_returned": session_end[m["session_id"]],
                "disposition": "damaged"
                if i == damaged
                else (
                    "destroyed" if m["material_type"] == "Student testing ticket" and rng.random() < 0.5 else "returned"
                ),
            }
        )
    returns.append(
        {
            "security_number": "999999999-9",
            "site_id": "RMS",
            "quantity_returned": 1,
            "time_returned": "14:05",
            "disposition": "returned",
        }
    )
    _write("returns.csv", list(returns[0]), returns)

    # testing irregularities reported during the window (no item wording, ever)
    by_session = defaultdict(list)
    for e in entries:
        by_session[e["session_id"]].append(e["student_id"])
    incident_sessions = rng.sample([x for x in sessions if by_session[x["session_id"]]], 3)
    incident_kinds = [
        (
            "electronic_devices",
            "1",
            "A student's phone rang in the testing room during the unit; the phone was "
            "collected and the student continued.",
            "Spoke with the student and the test administrator.",
            "Phone kept by the test administrator until the end of the unit.",
            "Y",
        ),
        (
            "test_materials",
            "2",
            "A test booklet was found unattended on a cart in the hallway for about five minutes during the break.",
            "Checked the chain-of-custody sheet; all booklets accounted for.",
            "Booklets returned to the locked room; staff reminded of the procedure.",
            "Y",
        ),
        (
            "testing_environment",
            "",
            "A content-area poster was left on the wall during testing and noticed after the first unit.",
            "",
            "Poster covered before the next unit.",
            "",
        ),
    ]
    incidents = []
    for n, (x, (category, unit, description, investigation, actions, resolved)) in enumerate(
        zip(incident_sessions, incident_kinds, strict=True), start=1
    ):
        incidents.append(
            {
                "incident_id": f"INC-{n:03d}",
                "session_id": x["session_id"],
                "incident_date": x["date"],
                "reporter_id": x["administrator_id"],
                "student_id": rng.choice(by_session[x["session_id"]]) if category != "testing_environment" else "",
                "category": category,
                "mode": "CBT",
                "unit": unit,
                "description": description,
                "investigation": investigation,
                "actions": actions,
                "resolved": resolved,
                "item_number": "",
            }
        )
    _write("incidents.csv", list(incidents[0]), incidents)
    # added later, after everyone else (so the earlier staff keep their ids): each site's CAA test
    # examiner and its maintenance and operations lead, whom the checklist's memos address
    for site in SITES:
        add_staff("test_examiner", site)
        add_staff("operations", site)
    _write("staff.csv", list(staff[0]), staff)
    _write("students.csv", list(students[0]), students)
    _write("guardians.csv", list(guardians[0]), guardians)
    _write("testing_windows.csv", list(windows[0]), windows)
    _write("sessions.csv", list(sessions[0]), sessions)
    _write("entries.csv", list(entries[0]), entries)
    _write("materials.csv", list(materials[0]), materials)
    _write("results.csv", list(results[0]), results)
    return {
        "staff": len(staff),
        "students": len(students),
        "guardians": len(guardians),
        "sessions": len(sessions),
        "entries": len(entries),
        "materials": len(materials),
        "results": len(results),
        "exemptions": len(exemptions),
        "returns": len(returns),
        "incidents": len(incidents),
    }


if __name__ == "__main__":
    counts = generate()
    print("wrote", OUT, ", ".join(f"{k}={v}" for k, v in counts.items()))
