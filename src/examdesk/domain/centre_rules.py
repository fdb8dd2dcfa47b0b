"""An exam centre's numbers (district file, ``centre:``), read by the series' families and checks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time


@dataclass(frozen=True)
class CentreRules:
    centre_number: str = ""  # the National Centre Number
    candidates_per_invigilator: int = 24  # JCQ: at least one invigilator for each 24 candidates
    results_release: time = time(8, 0)  # results go to candidates from this time on results day, never before
    invigilator_arrives_minutes: int = 30  # an invigilator's duty starts this long before the first paper
    review_of_marking_deadline: str = ""  # shown in the post-results letter (a date the boards publish)
    session_starts: tuple[time, time] = (time(9, 0), time(13, 30))  # where a clashing paper may move
