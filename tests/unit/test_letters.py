from datetime import date

from examdesk.domain.documents import Packet, Recipient, safe_filename
from examdesk.domain.letters import choose_language
from examdesk.domain.records import DistrictData, Site
from fakes import family_input


def district(**extra_rows):
    student = lambda sid, first, lang="English": {
        "student_id": sid,
        "first_name": first,
        "last_name": "Doe",
        "grade": 5,
        "site_id": "A",
        "birth_date": date(2016, 1, 1),
        "home_language": {"English": "en", "Spanish": "es", "Vietnamese": "vi"}[lang],
    }
    rows = {
        "students": [
            student("1", "Ann"),
            student("2", "Ben", "Spanish"),
            student("3", "Cai", "Vietnamese"),
            student("4", "Dee"),
        ],
        "guardians": [
            {
                "guardian_id": "G1",
                "student_id": "1",
                "first_name": "Pat",
                "last_name": "Doe",
                "email": "pat@example.org",
                "primary_contact": True,
            },
            {
                "guardian_id": "G1",
                "student_id": "4",
                "first_name": "Pat",
                "last_name": "Doe",
                "email": "pat@example.org",
                "primary_contact": True,
            },
            {
                "guardian_id": "G2",
                "student_id": "1",
                "first_name": "Sam",
                "last_name": "Doe",
                "email": "sam@example.org",
            },
            {
                "guardian_id": "G3",
                "student_id": "2",
                "first_name": "Rosa",
                "last_name": "Ruiz",
                "email": "rosa@example.com",
                "preferred_language": "es",
            },
            {
                "guardian_id": "G4",
                "student_id": "3",
                "first_name": "Lan",
                "last_name": "Vo",
                "email": "lan@example.com",
                "preferred_language": "vi",
            },
        ],
    }
    rows.update(extra_rows)
    return DistrictData.from_rows({"A": Site("A", "Alpha School")}, rows)


def jobs(data):
    return list(
        family_input("parent_notification", data).family.generate(family_input("parent_notification", data)).jobs
    )


def test_one_letter_per_student_to_the_primary_guardian():
    js = jobs(district())
    assert [(j.student_id, j.recipient.email) for j in js] == [
        ("1", "pat@example.org"),
        ("2", "rosa@example.com"),
        ("3", "lan@example.com"),
        ("4", "pat@example.org"),
    ]


def test_language_from_family_with_english_fallback_noted():
    by_student = {j.student_id: j for j in jobs(district())}
    assert by_student["2"].language == "es" and by_student["2"].note is None
    assert by_student["3"].language == "en"
    assert by_student["3"].note == "no Vietnamese template; sent in English"
    assert choose_language(None, {"en"}) == ("en", None)


def test_siblings_letters_go_to_the_same_guardian():
    pat = [j.student_id for j in jobs(district()) if j.recipient.email == "pat@example.org"]
    assert pat == ["1", "4"]


def test_letter_context_holds_only_its_own_student():
    for job in jobs(district()):
        assert job.context["student"]["id"] == job.student_id
        assert job.student_id in job.doc_key and job.recipient.key in job.doc_key
        assert job.doc_key == f"2026-27/2027-02/feb-05/student:{job.student_id}/{job.recipient.key}"


def test_idempotency_key_is_stable_and_changes_with_documents():
    def packet(doc_keys):
        recipient = Recipient(key="guardian:G1", name="Pat Doe", email="pat@example.org")
        return Packet(recipient, "documents", doc_keys=doc_keys, doc_task_ids=["feb-05"] * len(doc_keys))

    one = packet(["k1", "k2"]).idempotency_key("2026-27", "2027-02")
    assert one == packet(["k2", "k1"]).idempotency_key("2026-27", "2027-02")  # order of documents does not matter
    assert one != packet(["k1", "k2", "k3"]).idempotency_key("2026-27", "2027-02")  # a new document: a new packet
    assert one != packet(["k1", "k2"]).idempotency_key("2026-27", "2027-02", "resend-9")


def test_safe_filename_is_ascii():
    assert safe_filename("Nguyễn Thảo / <O'Brien & Sons>.docx") == "Nguyen_Thao_O_Brien_Sons_.docx"
