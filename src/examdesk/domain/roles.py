"""Staff roles, recipient groups and checklist categories known to examdesk."""

from __future__ import annotations

STAFF_ROLES: dict[str, str] = {
    "superintendent": "Superintendent",
    "district_coordinator": "District (LEA) test coordinator",
    "site_coordinator": "Site test coordinator",
    "principal": "Principal",
    "technology_coordinator": "Technology coordinator",
    "test_administrator": "Test administrator",
    "test_examiner": "Test examiner",
    "proctor": "Proctor",
    "special_education_coordinator": "Special education coordinator",
    "operations": "Maintenance and operations",
    # an exam centre's (JCQ)
    "exams_officer": "Exams officer",
    "head_of_centre": "Head of centre",
    "senco": "SENCo (access arrangements)",
    "invigilator": "Invigilator",
    "finance": "Finance officer",
}

# Groups that are not staff roles but can receive documents.
RECIPIENT_GROUPS: dict[str, str] = {
    "guardians": "Parents and guardians",
    "candidates": "Candidates (students)",
}

# The nine categories of the CAASPP checklist's "Additional Information".
CATEGORIES: dict[str, str] = {
    "communication": "Communication",
    "training_coordination": "LEA Training Coordination",
    "materials": "Material Delivery and Shipment",
    "results": "Results and Reporting",
    "accommodations": "Supports and Accommodations",
    "planning": "Test Planning and Scheduling",
    "security": "Test Security, Procedures & Forms",
    "technology": "TOMS and Technology Support",
    "learning": "Trainings and Learning Opportunities",
}


def role_title(role: str) -> str:
    return STAFF_ROLES.get(role) or RECIPIENT_GROUPS.get(role) or role.replace("_", " ")
