"""Result letters with a score table: examdesk's renderer against naive docxtpl, same run.

    .venv/bin/python benchmarks/render_letters.py [--letters 2000] [--naive 2000]

Naive docxtpl = a fresh DocxTemplate + render + save per letter (what a mail merge script
does). Both sides write every letter to disk. Prints per-letter milliseconds, letters per
second and the ratio; the target is at least 30x.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

from examdesk.adapters.fastdocx import CompiledTemplate, make_environment, render_with_docxtpl

REPO = Path(__file__).resolve().parents[1]
TEMPLATE = REPO / "templates" / "letters" / "result_letter.en.docx"
LEVELS = {1: "Standard Not Met", 2: "Standard Nearly Met", 3: "Standard Met", 4: "Standard Exceeded"}
FIRST = ["Olivia", "Mateo", "Linh", "Wei", "Andrea", "Zoë", "José", "Siobhán", "Omar", "Ji-woo"]
LAST = ["O'Brien", "García", "Nguyễn", "Chen", "Santos", "Núñez", "Smith & Sons", "Haddad"]


def contexts(n: int) -> list[dict]:
    rng = random.Random(7)
    out = []
    for i in range(n):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        out.append(
            {
                "district": {"name": "Mesa Verde Unified School District", "code": "19-64733"},
                "school_year": "2026-27",
                "letter_date": "June 10, 2027",
                "site": {"name": "Vista High School"},
                "addressee": {"name": f"Parent of {name}", "is_student": False},
                "student": {"name": name, "first_name": name.split()[0], "id": f"{9100000000 + i}", "grade": 8},
                "results": [
                    {
                        "test": t,
                        "scale_score": rng.randint(2300, 2800),
                        "level": (lv := rng.randint(1, 4)),
                        "level_name": LEVELS[lv],
                    }
                    for t in ("ELA", "Mathematics", "Science")
                ],
                "levels": [{"number": k, "name": v, "meaning": "…"} for k, v in LEVELS.items()],
                "signatory": {"name": "Renée Castillo", "title": "Superintendent"},
                "coordinator": {"name": "Marcus O'Neill", "email": "assessment@mesaverde.example.org"},
            }
        )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=2000)
    parser.add_argument("--naive", type=int, default=2000, help="letters for the naive baseline")
    args = parser.parse_args()
    ctxs = contexts(args.letters)
    raw = TEMPLATE.read_bytes()
    env = make_environment()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        start = time.perf_counter()
        for i, ctx in enumerate(ctxs[: args.naive]):
            (out / f"naive_{i}.docx").write_bytes(render_with_docxtpl(raw, ctx, env, TEMPLATE.name))
        naive = (time.perf_counter() - start) / min(args.naive, len(ctxs))

        start = time.perf_counter()
        compiled = CompiledTemplate(TEMPLATE)  # compiling is part of the cost
        for i, ctx in enumerate(ctxs):
            (out / f"fast_{i}.docx").write_bytes(compiled.render(ctx))
        fast = (time.perf_counter() - start) / len(ctxs)

    print(f"template: {TEMPLATE.relative_to(REPO)} (score table, header/footer, {len(ctxs[0]['results'])} rows)")
    naive_count = min(args.naive, len(ctxs))
    print(f"naive docxtpl : {naive * 1000:8.2f} ms/letter {1 / naive:9.0f} letters/s  ({naive_count} letters)")
    print(f"examdesk      : {fast * 1000:8.2f} ms/letter {1 / fast:9.0f} letters/s  ({len(ctxs)} letters)")
    ratio = naive / fast
    print(f"ratio         : {ratio:8.1f}x faster per letter (target >= 30x): {'OK' if ratio >= 30 else 'BELOW TARGET'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
