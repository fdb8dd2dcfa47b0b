"""Build examdesk's fillable PDF forms in forms/ (reportlab; run: python forms/build_forms.py).

The .pdf files are committed; each has a field map beside it (``<form>.yaml``) saying which
data goes into which field. Wording and field lists follow the seeds (SEED_DIGEST §1): seed 004
Appendices B, D, E and F, and seed 003 (December paper-exam request, July/April designation).
Every form carries a hidden ``document_id`` field so a returned copy can be matched to what
was sent.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.colors import HexColor, black
from reportlab.lib.pagesizes import letter
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

OUT = Path(__file__).resolve().parent
MARGIN = 48
WIDTH = letter[0] - 2 * MARGIN
FIELD_BORDER = HexColor("#8a8a8a")
FIELD_FILL = HexColor("#f1f5fb")
BLANK_CHOICE = " "
BUTTON_LOOK = {"size": 12, "borderColor": FIELD_BORDER, "fillColor": FIELD_FILL, "borderWidth": 0.5}


class FormPage:
    """A top-to-bottom writer: text and labelled fields, with a new page when one fills up."""

    def __init__(self, path: Path, title: str, subtitle: str = ""):
        self.canvas = Canvas(str(path), pagesize=letter, invariant=1)  # invariant: same bytes on every build
        self.canvas.setTitle(title)
        self.canvas.setAuthor("examdesk")
        self.title = title
        self.y = letter[1] - MARGIN
        self.heading(title, size=14)
        if subtitle:
            self.paragraph(subtitle, size=9)

    def _room(self, height: float) -> None:
        if self.y - height < MARGIN + 20:
            self.canvas.showPage()
            self.y = letter[1] - MARGIN
            self.paragraph(f"{self.title} (continued)", size=9)

    def heading(self, text: str, size: float = 11) -> None:
        """A heading, wrapped so that it stays inside the margins."""
        lines = simpleSplit(text, "Helvetica-Bold", size, WIDTH)
        self._room(len(lines) * (size + 3) + 7)
        self.canvas.setFont("Helvetica-Bold", size)
        for line in lines:
            self.canvas.drawString(MARGIN, self.y - size, line)
            self.y -= size + 3
        self.y -= 5

    def paragraph(self, text: str, size: float = 9.5, indent: float = 0) -> None:
        lines = simpleSplit(text, "Helvetica", size, WIDTH - indent)
        self._room(len(lines) * (size + 2.5) + 4)
        self.canvas.setFont("Helvetica", size)
        for line in lines:
            self.canvas.drawString(MARGIN + indent, self.y - size, line)
            self.y -= size + 2.5
        self.y -= 4

    def bullets(self, items: list[str]) -> None:
        for i, item in enumerate(items, start=1):
            self.paragraph(f"{i}. {item}", indent=12)

    def text_fields(self, row: list[tuple[str, str]], height: float = 18, multiline: bool = False) -> None:
        """One row of labelled text fields sharing the width: [(name, label), ...]."""
        self._room(height + 16)
        gap = 10
        width = (WIDTH - gap * (len(row) - 1)) / len(row)
        x = MARGIN
        for name, label in row:
            self.canvas.setFont("Helvetica", 8)
            self.canvas.drawString(x, self.y - 8, label)
            self.canvas.acroForm.textfield(
                name=name,
                tooltip=label,
                x=x,
                y=self.y - 11 - height,
                width=width,
                height=height,
                fontName="Helvetica",
                fontSize=9 if not multiline else 8,
                borderColor=FIELD_BORDER,
                fillColor=FIELD_FILL,
                textColor=black,
                borderWidth=0.5,
                fieldFlags="multiline" if multiline else "",
                maxlen=2000 if multiline else 200,
                value="",
            )
            x += width + gap
        self.y -= height + 18

    def choice_field(self, name: str, label: str, options: list[str]) -> None:
        self._room(34)
        self.canvas.setFont("Helvetica", 8)
        self.canvas.drawString(MARGIN, self.y - 8, label)
        self.canvas.acroForm.choice(
            name=name,
            tooltip=label,
            x=MARGIN,
            y=self.y - 29,
            width=160,
            height=18,
            options=[BLANK_CHOICE] + options,
            value=BLANK_CHOICE,  # reportlab needs a value among the options; this one reads as empty
            fontName="Helvetica",
            fontSize=9,
            borderColor=FIELD_BORDER,
            fillColor=FIELD_FILL,
            textColor=black,
            borderWidth=0.5,
        )
        self.y -= 36

    def checkboxes(self, label: str, boxes: list[tuple[str, str]]) -> None:
        """Independent checkboxes on one line: [(name, label), ...]."""
        self._button_row(
            label,
            [text for _, text in boxes],
            lambda i, x, y: self.canvas.acroForm.checkbox(
                name=boxes[i][0], tooltip=boxes[i][1], x=x, y=y, buttonStyle="cross", **BUTTON_LOOK
            ),
        )

    def radio(self, name: str, label: str, options: list[tuple[str, str]]) -> None:
        """One choice among options: [(export value, label), ...]."""
        self._button_row(
            label,
            [text for _, text in options],
            lambda i, x, y: self.canvas.acroForm.radio(
                name=name,
                tooltip=f"{label} {options[i][1]}",
                value=options[i][0],
                selected=False,
                x=x,
                y=y,
                buttonStyle="circle",
                **BUTTON_LOOK,
            ),
        )

    def _button_row(self, label: str, texts: list[str], place) -> None:
        """A label, then each button followed by its text, on one line; ``place(i, x, y)`` adds button i."""
        self._room(22)
        self.canvas.setFont("Helvetica", 9)
        self.canvas.drawString(MARGIN, self.y - 11, label)
        x = MARGIN + self.canvas.stringWidth(label, "Helvetica", 9) + 10
        for i, text in enumerate(texts):
            place(i, x, self.y - 14)
            self.canvas.drawString(x + 16, self.y - 11, text)
            x += 16 + self.canvas.stringWidth(text, "Helvetica", 9) + 14
        self.y -= 22

    def save(self) -> None:
        # Read by `examdesk ack import` to match a returned copy; hidden in viewers and in print.
        self.canvas.acroForm.textfield(
            name="document_id",
            tooltip="examdesk document id",
            x=MARGIN,
            y=12,
            width=200,
            height=10,
            fontName="Helvetica",
            fontSize=6,
            borderWidth=0,
            annotationFlags="hidden",
            fieldFlags="readOnly",
            value="",
        )
        self.canvas.save()


def district_header(form: FormPage, school: bool = True, school_code: bool = False) -> None:
    form.text_fields([("district_name", "LEA/District Name"), ("district_code", "LEA/District Organization Code")])
    if school:
        row = [("school_name", "School Name")]
        if school_code:
            row.append(("school_code", "School Organization Code"))
        form.text_fields(row)


def security_agreement() -> None:
    form = FormPage(
        OUT / "security_agreement.pdf",
        "Assessment Security Agreement",
        "Every person authorized to administer the assessment or with access to test materials, including "
        "technology coordinators and authorized observers, must sign. Return this form (signed) as shown below, "
        "and keep a copy for your records.",
    )
    form.text_fields(
        [("district_name", "LEA/District Name"), ("school_year", "School year"), ("return_by", "Return by")]
    )
    form.text_fields([("site_name", "School / site"), ("return_to", "Return it signed, by email, to")])
    form.heading("For School Test Coordinators")
    form.bullets(
        [
            "I will establish and carry out a security plan.",
            "I will provide training in test security, administration policies, and procedures to all "
            "individuals involved in test administration.",
            "I will establish a system for documenting the chain-of-custody of secure test materials, and I will "
            "keep all test materials locked in a secure storage area with limited access when they are not in use.",
            "I will follow all security policies and test administration protocols described in the Test "
            "Coordinator Manual (TCM).",
        ]
    )
    form.heading("For School Test Coordinators, Technology Coordinators, Test Administrators, Proctors and Observers")
    form.bullets(
        [
            "I will not view test content or student responses except if necessary to administer certain "
            "accommodations.",
            "I will not reproduce test content or student responses in any way.",
            "I will not reveal or discuss test content or student responses before, during, or after testing.",
            "I will not engage in any activity that adversely affects the validity, security, or fairness of the test.",
            "I will promptly report any testing irregularities or concerns.",
            "I will follow the procedures in the TCM and TAM regarding the disposition of all test materials.",
        ]
    )
    form.heading("For Test Administrators and Proctors")
    form.bullets(
        [
            "I will complete the training needed to understand test security and administration policies.",
            "I will keep test materials under supervision at all times and not leave them unattended.",
            "I will prepare the testing room so that no student can view another student's materials or screen.",
            "I will supervise students at all times and focus full attention on the testing environment.",
            "I will follow the chain-of-custody procedures for all test materials, including scratch paper.",
            "If administering an accommodation that requires viewing test content, I will not disclose it.",
            "I will follow all security policies and test administration protocols described in the TAM.",
        ]
    )
    form.text_fields([("first_name", "First Name (print)"), ("last_name", "Last Name (print)")])
    form.text_fields([("email", "Email"), ("phone", "Phone")])
    form.checkboxes(
        "Role:",
        [
            ("role_stc", "School Test Coordinator"),
            ("role_tc", "Technology Coordinator"),
            ("role_ta", "Test Administrator"),
            ("role_proctor", "Proctor"),
            ("role_other", "Other"),
        ],
    )
    form.text_fields([("other_role", "Other role (if Other is ticked)")])
    form.checkboxes(
        "", [("agreed", "I have read the Security Agreement and understand my role in this test administration.")]
    )
    form.text_fields([("signature", "Signature (type your full name)"), ("signed_date", "Date")])
    form.save()


def irregularity_report() -> None:
    form = FormPage(
        OUT / "irregularity_report.pdf",
        "Form to Report a Testing Irregularity or Security Breach",
        "1. Call immediately upon discovering the irregularity or breach. 2. Complete this form if instructed. "
        "3. Submit it within two school days, or according to your state's policy. 4. Keep a copy in school files. "
        "Never write the wording of a test question on this form.",
    )
    district_header(form)
    form.text_fields([("contact_name", "Contact Name"), ("contact_phone", "Contact Phone and Extension")])
    form.radio("contact_role", "Role:", [("LTC", "LEA Test Coordinator"), ("STC", "School Test Coordinator")])
    form.radio(
        "administration",
        "Test Administration:",
        [("fall_pba", "Fall Block PBA"), ("fall_eoy", "Fall Block EOY"), ("spring", "Spring")],
    )
    form.text_fields([("grade", "Grade"), ("subject", "Subject/Course"), ("incident_date", "Date of Incident")])
    form.radio("content_area", "Content Area:", [("math", "Math"), ("ela", "ELA/L"), ("science", "Science")])
    form.radio("mode", "Mode:", [("CBT", "CBT"), ("PBT", "PBT")])
    form.choice_field("unit", "Unit", ["1", "2", "3", "4", "3a", "3b"])
    form.text_fields([("administrator_name", "Test Administrator's Name"), ("report_due", "Report due by")])
    form.text_fields([("student_name", "Student Name"), ("student_dob", "Date of Birth"), ("student_id", "Student ID")])
    form.text_fields([("description", "Detailed Description of Incident")], height=54, multiline=True)
    form.text_fields([("investigation", "Investigation Steps Taken")], height=40, multiline=True)
    form.text_fields([("actions", "Actions Taken by Staff to Resolve")], height=40, multiline=True)
    form.radio(
        "resolved",
        "Was the incident resolved in a manner that allowed the student to continue testing?",
        [("yes", "Yes"), ("no", "No")],
    )
    form.text_fields([("item_number", "Item number, if the incident was related to a particular item")])
    form.save()


MATERIAL_ROWS = 8
ADMINISTRATIONS = ["Spring", "Fall Block PBA", "Fall Block EOY"]


def materials_report() -> None:
    form = FormPage(
        OUT / "materials_report.pdf",
        "Form to Report Contaminated, Damaged, or Missing Materials",
        "Report non-receipt of packages, damaged booklets or answer documents, missing or duplicate sequence "
        "numbers, contaminated materials and materials missing after investigation. Submit to the testing "
        "contractor and, per state policy, to the LEA Test Coordinator or State Contact.",
    )
    form.text_fields(
        [("state", "State"), ("district_name", "LEA/District Name"), ("district_code", "LEA/District Code")]
    )
    form.text_fields([("school_name", "School Name"), ("school_code", "School Organization Code")])
    form.text_fields([("contact_name", "Contact Name"), ("contact_role", "Contact Person's Role")])
    form.text_fields([("contact_phone", "Contact Phone and Ext"), ("contact_email", "Contact Email")])
    form.heading("Items (one row per item or range of barcodes)")
    for i in range(1, MATERIAL_ROWS + 1):
        form.text_fields(
            [
                (f"item{i}_type", f"{i}. Document Type/Subject/Grade"),
                (f"item{i}_quantity", "Quantity"),
                (f"item{i}_barcodes", "Security Barcode or Range"),
            ],
            height=16,
        )
        form.choice_field(f"item{i}_administration", "Administration", ADMINISTRATIONS)
        form.text_fields([(f"item{i}_circumstances", "Description of Circumstances")], height=16)
    form.text_fields([("more_items", "More items on continuation forms")], height=16)
    form.save()


def post_test_certification() -> None:
    form = FormPage(
        OUT / "post_test_certification.pdf",
        "Post-Test Certification Form",
        "This form is to be completed after test administration. Refer to your state-specific policy for who "
        "(School Test Coordinator or LEA Test Coordinator) should complete the form and how it is submitted.",
    )
    form.paragraph(
        "By submitting this form, I certify that administration of the assessments has been completed at the "
        "following school/district according to security policies. All known security breaches and testing "
        "irregularities have been properly reported."
    )
    form.text_fields([("return_to", "Return the signed form by email to"), ("return_by", "Return by")])
    form.text_fields([("first_name", "First Name"), ("last_name", "Last Name"), ("state", "State")])
    form.text_fields([("role", "Role"), ("school_name", "School Name"), ("phone", "Phone Number and Ext")])
    form.text_fields([("district_name", "LEA/District Name"), ("district_code", "LEA/District Organization Code")])
    form.text_fields([("school_code", "School Organization Code"), ("administration", "Administration")])
    form.radio(
        "irregularity_forms",
        "Were any Forms to Report a Testing Irregularity or Security Breach submitted for the school?",
        [("yes", "Yes"), ("no", "No")],
    )
    form.paragraph(
        "All secure test materials have been returned. Any secure test materials not returned have been tracked, "
        "destroyed and/or reported using the Form to Report Contaminated, Damaged, or Missing Materials."
    )
    form.text_fields([("materials_issued", "Secure items issued"), ("materials_returned", "Secure items returned")])
    form.text_fields(
        [
            ("ship_back_date", "Ship back date"),
            ("scorable_boxes", "Number of scorable boxes shipped"),
            ("nonscorable_boxes", "Number of nonscorable boxes shipped"),
        ]
    )
    form.radio(
        "materials_forms",
        "Were any Forms to Report Contaminated, Damaged or Missing Materials submitted for the school?",
        [("yes", "Yes"), ("no", "No")],
    )
    form.heading("School/LEA Test Coordinator")
    form.text_fields(
        [
            ("coordinator_name", "Full Name (printed)"),
            ("coordinator_signature", "Signature (type your full name)"),
            ("coordinator_date", "Date"),
        ]
    )
    form.checkboxes("", [("agreed", "I certify the statements above.")])
    form.heading("Principal (if different from above)")
    form.text_fields(
        [
            ("principal_name", "Full Name (printed)"),
            ("principal_signature", "Principal Signature"),
            ("principal_date", "Date"),
        ]
    )
    form.paragraph(
        "Check your state policy for how long to keep this document and whether you must submit it to your state.",
        size=8,
    )
    form.save()


def paper_exam_request() -> None:
    form = FormPage(
        OUT / "paper_exam_request.pdf",
        "Special Request for Paper Exam (braille or large print)",
        "For a student whose active IEP or Section 504 plan requires a special test version. Once the form is "
        "submitted, the testing contractor will follow up.",
    )
    district_header(form)
    form.text_fields([("contact_name", "Contact Name"), ("contact_phone", "Phone"), ("contact_email", "Email")])
    form.text_fields([("student_id", "Student ID (SSID)"), ("student_name", "Student Name"), ("grade", "Grade")])
    form.text_fields([("tests", "Tests needing a paper version")], height=34, multiline=True)
    form.radio("version", "Version:", [("braille", "Braille"), ("large_print", "Large print")])
    form.choice_field("braille_code", "Braille code (braille only)", ["UEB", "EBAE", "UEB with Nemeth"])
    form.radio("plan", "Required by:", [("iep", "IEP"), ("504", "Section 504 plan")])
    form.text_fields([("quantity", "Quantity"), ("needed_by", "Needed by")])
    form.text_fields(
        [("requested_by", "Requested by"), ("signature", "Signature (type your full name)"), ("signed_date", "Date")]
    )
    form.save()


def designation_form() -> None:
    form = FormPage(
        OUT / "designation_form.pdf",
        "Superintendent Designation of the LEA Assessment Coordinator",
        "The designation must be submitted by July 1 each year. It may designate the current coordinator for the "
        "following school year.",
    )
    form.text_fields(
        [("district_name", "LEA Name"), ("district_code", "LEA / CDS Code"), ("school_year", "School year")]
    )
    form.text_fields([("return_to", "Return the signed form by email to"), ("return_by", "Return by")])
    form.text_fields([("superintendent_name", "Superintendent"), ("superintendent_email", "Superintendent email")])
    form.heading("Designated LEA coordinator")
    form.text_fields([("designee_name", "Name"), ("designee_title", "Title")])
    form.text_fields([("designee_email", "Email"), ("designee_phone", "Phone")])
    form.checkboxes("", [("retain_current", "Retain the current coordinator for the following school year")])
    form.checkboxes("", [("agreed", "I designate the person above as LEA coordinator.")])
    form.text_fields([("signature", "Superintendent signature (type full name)"), ("signed_date", "Date")])
    form.save()


def certificate_of_completion() -> None:
    """What examdesk gives someone who signed online: what they signed, by whom, when, and the
    document's SHA-256; the district signs the filled copy (PAdES) so any reader can check it."""
    form = FormPage(
        OUT / "certificate_of_completion.pdf",
        "Certificate of Completion: Electronic Signature",
        "This certificate records a document signed online through the district's assessment office. "
        "It is digitally signed by the district: a PDF reader shows whether it has been changed since.",
    )
    form.text_fields([("district_name", "District"), ("school_year", "School year")])
    form.text_fields([("document_title", "Document signed")])
    form.text_fields([("document_file", "File as sent"), ("document_ref", "Document id")])
    form.text_fields([("document_sha256", "SHA-256 of the document as sent")])
    form.heading("Signer")
    form.text_fields([("signer_name", "Name on file"), ("signer_role", "Role")])
    form.text_fields([("signer_email", "Email"), ("typed_name", "Typed signature")])
    form.text_fields([("attestation", "Attested")], height=36, multiline=True)
    form.heading("When and from where")
    form.text_fields([("signed_utc", "Signed (UTC)"), ("signed_local", "Signed (district time)")])
    form.text_fields([("ip", "IP address"), ("token_id", "Link id")])
    form.text_fields([("user_agent", "Browser")], height=30, multiline=True)
    form.text_fields([("issued_by", "Issued by")])
    form.save()


FORMS = (
    security_agreement,
    irregularity_report,
    materials_report,
    post_test_certification,
    paper_exam_request,
    designation_form,
    certificate_of_completion,
)

if __name__ == "__main__":
    for build in FORMS:
        build()
        print(f"built forms/{build.__name__}.pdf")
