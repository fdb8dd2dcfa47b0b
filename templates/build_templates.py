"""Build the Word templates in templates/letters/ (python-docx; run: python templates/build_templates.py).

The .docx files are committed; coordinators may edit them in Word afterwards. This script is
the starting point for a new language: copy a WORDING entry and translate it.
Jinja tags follow docxtpl: {{ var }}, {%p if %} paragraphs, {%tr for %} table rows.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt

OUT = Path(__file__).resolve().parent / "letters"

WORDING = {
    "en": {
        "dear": "Dear {{ guardian.name }},",
        "intro": (
            "Each spring, California students take the state assessments of the California Assessment of "
            "Student Performance and Progress (CAASPP). This letter tells you which tests "
            "{{ student.name }} (grade {{ student.grade }}) will take at {{ site.name }} in the "
            "{{ school_year }} school year."
        ),
        "table": ("Test", "Scheduled"),
        "no_tests": "No test sessions are scheduled for your child yet; the school will tell you the dates.",
        "window": "Our school's testing window runs from {{ window.start }} to {{ window.end }}.",
        "acc_yes": (
            "The supports and accommodations in your child's plan will be provided during testing: "
            "{{ accommodations|join(', ') }}."
        ),
        "acc_no": (
            "If your child has an IEP or Section 504 plan, the accommodations it lists are provided during "
            "testing. Ask us if you think your child needs a designated support."
        ),
        "exempt_title": "Requesting an exemption",
        "exempt": (
            "You may ask in writing that your child be exempted from any or all parts of the CAASPP "
            "assessments. The request must be written, signed and dated by a parent or guardian, and is "
            "valid for the current school year ({{ school_year }}) only. Please send it to the school's "
            "test site coordinator, {{ contact.name }} ({{ contact.email }})."
        ),
        "questions": "If you have questions, please contact {{ contact.name }} at {{ contact.email }}.",
        "closing": "Sincerely,",
        "ref": "Student ID {{ student.id }} · {{ district.name }}",
    },
    "es": {
        "dear": "Estimado/a {{ guardian.name }}:",
        "intro": (
            "Cada primavera, los estudiantes de California toman las evaluaciones estatales del sistema "
            "California Assessment of Student Performance and Progress (CAASPP). Esta carta le informa "
            "qué pruebas tomará {{ student.name }} (grado {{ student.grade }}) en {{ site.name }} durante "
            "el año escolar {{ school_year }}."
        ),
        "table": ("Prueba", "Fecha prevista"),
        "no_tests": "Todavía no hay sesiones programadas para su hijo/a; la escuela le avisará las fechas.",
        "window": "El periodo de evaluación de nuestra escuela va del {{ window.start }} al {{ window.end }}.",
        "acc_yes": (
            "Durante la evaluación se proporcionarán los apoyos y adaptaciones del plan de su hijo/a: "
            "{{ accommodations|join(', ') }}."
        ),
        "acc_no": (
            "Si su hijo/a tiene un IEP o un plan de la Sección 504, se proporcionarán las adaptaciones que "
            "indica. Consúltenos si cree que su hijo/a necesita un apoyo designado."
        ),
        "exempt_title": "Cómo solicitar una exención",
        "exempt": (
            "Usted puede pedir por escrito que su hijo/a quede exento/a de una parte o de todas las "
            "evaluaciones CAASPP. La solicitud debe estar escrita, firmada y fechada por el padre, la madre "
            "o el tutor, y es válida solo para el año escolar actual ({{ school_year }}). Envíela al "
            "coordinador de evaluaciones de la escuela, {{ contact.name }} ({{ contact.email }})."
        ),
        "questions": "Si tiene preguntas, comuníquese con {{ contact.name }} en {{ contact.email }}.",
        "closing": "Atentamente,",
        "ref": "Identificación del estudiante {{ student.id }} · {{ district.name }}",
    },
    "vi": {
        "dear": "Kính gửi {{ guardian.name }},",
        "intro": (
            "Mỗi mùa xuân, học sinh California tham gia các bài kiểm tra của hệ thống Đánh giá Thành tích và Tiến bộ "
            "của Học sinh California (CAASPP). Thư này cho quý vị biết {{ student.name }} (lớp {{ student.grade }}) "
            "sẽ làm những bài kiểm tra nào tại {{ site.name }} trong năm học {{ school_year }}."
        ),
        "table": ("Bài kiểm tra", "Ngày dự kiến"),
        "no_tests": "Chưa có buổi kiểm tra nào được xếp lịch cho con quý vị; nhà trường sẽ thông báo ngày.",
        "window": "Thời gian kiểm tra của trường chúng tôi từ {{ window.start }} đến {{ window.end }}.",
        "acc_yes": (
            "Các hỗ trợ và điều chỉnh trong kế hoạch của con quý vị sẽ được cung cấp trong khi kiểm tra: "
            "{{ accommodations|join(', ') }}."
        ),
        "acc_no": (
            "Nếu con quý vị có IEP hoặc kế hoạch Section 504, các điều chỉnh trong đó sẽ được cung cấp khi kiểm tra. "
            "Hãy liên hệ với chúng tôi nếu quý vị nghĩ con mình cần một hỗ trợ được chỉ định."
        ),
        "exempt_title": "Cách xin miễn kiểm tra",
        "exempt": (
            "Quý vị có thể yêu cầu bằng văn bản cho con được miễn một phần hoặc toàn bộ các bài kiểm tra CAASPP. "
            "Yêu cầu phải được viết, ký tên và ghi ngày bởi phụ huynh hoặc người giám hộ, và chỉ có hiệu lực trong "
            "năm học hiện tại ({{ school_year }}). Xin gửi cho điều phối viên kiểm tra của trường, "
            "{{ contact.name }} ({{ contact.email }})."
        ),
        "questions": "Nếu có thắc mắc, xin liên hệ {{ contact.name }} tại {{ contact.email }}.",
        "closing": "Trân trọng,",
        "ref": "Mã số học sinh {{ student.id }} · {{ district.name }}",
    },
    "zh-Hant": {
        "dear": "{{ guardian.name }} 您好：",
        "intro": (
            "每年春季，加州學生都會參加加州學生表現與進步評量（CAASPP）的州測驗。本信通知您 {{ student.name }}"
            "（{{ student.grade }} 年級）在 {{ school_year }} 學年將於 {{ site.name }} 參加哪些測驗。"
        ),
        "table": ("測驗", "預定日期"),
        "no_tests": "您的孩子目前尚未排定測驗時段；學校會另行通知日期。",
        "window": "本校的測驗期間為 {{ window.start }} 至 {{ window.end }}。",
        "acc_yes": "測驗期間將提供您孩子計畫中的支援與調整措施：{{ accommodations|join('、') }}。",
        "acc_no": "如果您的孩子有 IEP 或 504 計畫，測驗期間將提供其中所列的調整措施。如您認為孩子需要指定支援，請與我們聯絡。",
        "exempt_title": "如何申請豁免",
        "exempt": (
            "您可以書面要求讓孩子免考部分或全部 CAASPP 測驗。申請必須由家長或監護人書寫、簽名並註明日期，且僅適用於"
            "本學年（{{ school_year }}）。請交給學校的測驗協調員 {{ contact.name }}（{{ contact.email }}）。"
        ),
        "questions": "如有疑問，請聯絡 {{ contact.name }}：{{ contact.email }}。",
        "closing": "敬上",
        "ref": "學生編號 {{ student.id }} · {{ district.name }}",
    },
    "fil": {
        "dear": "Mahal na {{ guardian.name }},",
        "intro": (
            "Tuwing tagsibol, kumukuha ang mga mag-aaral sa California ng mga pagsusulit ng estado ng California "
            "Assessment of Student Performance and Progress (CAASPP). Ipinapaalam ng liham na ito kung aling mga "
            "pagsusulit ang kukunin ni {{ student.name }} (baitang {{ student.grade }}) sa {{ site.name }} sa taong "
            "pampaaralan {{ school_year }}."
        ),
        "table": ("Pagsusulit", "Nakatakdang petsa"),
        "no_tests": "Wala pang nakatakdang sesyon para sa inyong anak; ipapaalam ng paaralan ang mga petsa.",
        "window": "Ang panahon ng pagsusulit ng aming paaralan ay mula {{ window.start }} hanggang {{ window.end }}.",
        "acc_yes": (
            "Ibibigay sa panahon ng pagsusulit ang mga suporta at akomodasyon sa plano ng inyong anak: "
            "{{ accommodations|join(', ') }}."
        ),
        "acc_no": (
            "Kung may IEP o Section 504 plan ang inyong anak, ibibigay sa pagsusulit ang mga akomodasyong nakasaad dito. "
            "Makipag-ugnayan sa amin kung sa palagay ninyo ay kailangan ng inyong anak ng itinalagang suporta."
        ),
        "exempt_title": "Paano humiling ng exemption",
        "exempt": (
            "Maaari kayong humiling nang nakasulat na huwag pakunin ang inyong anak ng ilan o lahat ng pagsusulit ng "
            "CAASPP. Ang kahilingan ay dapat nakasulat, pinirmahan at may petsa ng magulang o tagapag-alaga, at para "
            "lamang sa kasalukuyang taong pampaaralan ({{ school_year }}). Ipadala ito sa test site coordinator ng "
            "paaralan, {{ contact.name }} ({{ contact.email }})."
        ),
        "questions": "Kung may mga tanong, makipag-ugnayan kay {{ contact.name }} sa {{ contact.email }}.",
        "closing": "Lubos na gumagalang,",
        "ref": "Student ID {{ student.id }} · {{ district.name }}",
    },
}


def build_parent_notification(lang: str, w: dict) -> Path:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(11)
    head = doc.add_paragraph()
    head.add_run("{{ district.name }}").bold = True
    doc.add_paragraph("{{ site.name }}")
    doc.add_paragraph("{{ letter_date }}").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_paragraph("{{ guardian.name }}")
    doc.add_paragraph("{{ guardian.address }}")
    doc.add_paragraph(w["dear"])
    doc.add_paragraph(w["intro"])
    doc.add_paragraph("{%p if tests %}")
    table = doc.add_table(rows=4, cols=2)
    table.style = "Table Grid"
    table.cell(0, 0).text, table.cell(0, 1).text = w["table"]
    for cell in table.rows[0].cells:
        cell.paragraphs[0].runs[0].bold = True
    table.cell(1, 0).text = "{%tr for t in tests %}"
    table.cell(2, 0).text, table.cell(2, 1).text = "{{ t.name }}", "{{ t.dates }}"
    table.cell(3, 0).text = "{%tr endfor %}"
    _fit_columns(table, (3.8, 2.2))
    doc.add_paragraph("{%p else %}")
    doc.add_paragraph(w["no_tests"])
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p if window %}")
    doc.add_paragraph(w["window"])
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p if accommodations %}")
    doc.add_paragraph(w["acc_yes"])
    doc.add_paragraph("{%p else %}")
    doc.add_paragraph(w["acc_no"])
    doc.add_paragraph("{%p endif %}")
    doc.add_heading(w["exempt_title"], level=2)
    doc.add_paragraph(w["exempt"])
    doc.add_paragraph(w["questions"])
    doc.add_paragraph(w["closing"])
    doc.add_paragraph("{{ coordinator.name }}")
    doc.add_paragraph("{{ coordinator.title }}, {{ district.name }}")
    footer = doc.sections[0].footer.paragraphs[0]
    footer.text = w["ref"]
    footer.runs[0].font.size = Pt(8)
    path = OUT / f"parent_notification.{lang}.docx"
    _save(doc, path)
    return path


RESULTS_WORDING = {
    "en": {
        "dear": "Dear {{ addressee.name }},",
        "intro": (
            "I am pleased to share {% if addressee.is_student %}your{% else %}{{ student.name }}'s{% endif %} "
            "results from the {{ school_year }} California Assessment of Student Performance and Progress "
            "(CAASPP). These scores are one measure of progress toward the state's standards in English "
            "language arts/literacy, mathematics and science."
        ),
        "table": ("Test", "Scale score", "Achievement level"),
        "levels_title": "What the achievement levels mean",
        "level_line": "Level {{ level.number }}, {{ level.name }}: {{ level.meaning }}.",
        "outro": (
            "Please talk with {% if addressee.is_student %}your teachers{% else %}your child's teacher{% endif %} "
            "about these results. Questions about the reports: {{ coordinator.name }}, {{ coordinator.email }}."
        ),
        "closing": "Sincerely,",
        "ref": "Student ID {{ student.id }} · grade {{ student.grade }} · {{ site.name }}",
    },
    "es": {
        "dear": "Estimado/a {{ addressee.name }}:",
        "intro": (
            "Me complace compartir {% if addressee.is_student %}sus resultados{% else %}los resultados de "
            "{{ student.name }}{% endif %} de las evaluaciones CAASPP del año escolar {{ school_year }}. "
            "Estos puntajes son una medida del progreso hacia las normas del estado en artes del lenguaje "
            "en inglés, matemáticas y ciencias."
        ),
        "table": ("Prueba", "Puntaje", "Nivel de logro"),
        "levels_title": "Qué significan los niveles de logro",
        "level_line": "Nivel {{ level.number }}, {{ level.name }}: {{ level.meaning }}.",
        "outro": (
            "Hable con {% if addressee.is_student %}sus maestros{% else %}el maestro de su hijo/a{% endif %} "
            "sobre estos resultados. Preguntas sobre los informes: {{ coordinator.name }}, "
            "{{ coordinator.email }}."
        ),
        "closing": "Atentamente,",
        "ref": "Identificación del estudiante {{ student.id }} · grado {{ student.grade }} · {{ site.name }}",
    },
    "vi": {
        "dear": "Kính gửi {{ addressee.name }},",
        "intro": (
            "Tôi xin chia sẻ kết quả {% if addressee.is_student %}của bạn{% else %}của {{ student.name }}{% endif %} "
            "trong kỳ Đánh giá CAASPP năm học {{ school_year }}. Điểm số này là một thước đo sự tiến bộ theo các "
            "tiêu chuẩn của tiểu bang về Anh ngữ, toán và khoa học."
        ),
        "table": ("Bài kiểm tra", "Điểm", "Mức thành tích"),
        "levels_title": "Ý nghĩa của các mức thành tích",
        "level_line": "Mức {{ level.number }}, {{ level.name }}: {{ level.meaning }}.",
        "outro": (
            "Xin trao đổi với giáo viên về các kết quả này. Thắc mắc về báo cáo: {{ coordinator.name }}, "
            "{{ coordinator.email }}."
        ),
        "closing": "Trân trọng,",
        "ref": "Mã số học sinh {{ student.id }} · lớp {{ student.grade }} · {{ site.name }}",
    },
    "zh-Hant": {
        "dear": "{{ addressee.name }} 您好：",
        "intro": (
            "很高興與您分享{% if addressee.is_student %}您{% else %} {{ student.name }} {% endif %}在 {{ school_year }} "
            "學年 CAASPP 評量的成績。這些分數是衡量英語語文、數學與科學邁向州標準進展的指標之一。"
        ),
        "table": ("測驗", "量尺分數", "成就等級"),
        "levels_title": "成就等級的意義",
        "level_line": "第 {{ level.number }} 級，{{ level.name }}：{{ level.meaning }}。",
        "outro": "請與老師討論這些成績。關於成績報告的問題：{{ coordinator.name }}，{{ coordinator.email }}。",
        "closing": "敬上",
        "ref": "學生編號 {{ student.id }} · {{ student.grade }} 年級 · {{ site.name }}",
    },
    "fil": {
        "dear": "Mahal na {{ addressee.name }},",
        "intro": (
            "Ikinagagalak kong ibahagi ang {% if addressee.is_student %}iyong mga resulta{% else %}mga resulta ni "
            "{{ student.name }}{% endif %} sa CAASPP para sa taong pampaaralan {{ school_year }}. Ang mga iskor na ito "
            "ay isang sukatan ng pag-unlad tungo sa mga pamantayan ng estado sa English language arts, matematika at agham."
        ),
        "table": ("Pagsusulit", "Iskor", "Antas ng tagumpay"),
        "levels_title": "Ang kahulugan ng mga antas",
        "level_line": "Antas {{ level.number }}, {{ level.name }}: {{ level.meaning }}.",
        "outro": (
            "Pakikausap ang guro tungkol sa mga resultang ito. Mga tanong tungkol sa ulat: {{ coordinator.name }}, "
            "{{ coordinator.email }}."
        ),
        "closing": "Lubos na gumagalang,",
        "ref": "Student ID {{ student.id }} · baitang {{ student.grade }} · {{ site.name }}",
    },
}


def build_result_letter(lang: str, w: dict) -> Path:
    doc = Document()
    doc.styles["Normal"].font.name = "Calibri"
    doc.styles["Normal"].font.size = Pt(11)
    doc.add_paragraph().add_run("{{ district.name }}").bold = True
    doc.add_paragraph("{{ letter_date }}").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_paragraph(w["dear"])
    doc.add_paragraph(w["intro"])
    table = doc.add_table(rows=4, cols=3)
    table.style = "Table Grid"
    for col, title in enumerate(w["table"]):
        table.cell(0, col).text = title
        table.cell(0, col).paragraphs[0].runs[0].bold = True
    table.cell(1, 0).text = "{%tr for r in results %}"
    table.cell(2, 0).text, table.cell(2, 1).text = "{{ r.test }}", "{{ r.scale_score }}"
    table.cell(2, 2).text = "{{ r.level }} – {{ r.level_name }}"
    table.cell(3, 0).text = "{%tr endfor %}"
    _fit_columns(table, (2.8, 1.0, 2.2))
    doc.add_heading(w["levels_title"], level=2)
    doc.add_paragraph("{%p for level in levels %}")
    doc.add_paragraph(w["level_line"])
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph(w["outro"])
    doc.add_paragraph(w["closing"])
    doc.add_paragraph("{{ signatory.name }}")
    doc.add_paragraph("{{ signatory.title }}, {{ district.name }}")
    footer = doc.sections[0].footer.paragraphs[0]
    footer.text = w["ref"]
    footer.runs[0].font.size = Pt(8)
    path = OUT / f"result_letter.{lang}.docx"
    _save(doc, path)
    return path


AGREEMENT = {
    "coordinator": (
        "For School Test Coordinators",
        [
            "I will establish and carry out a security plan for this administration.",
            "I will provide training in test security, administration policies, and procedures to all individuals "
            "involved in test administration.",
            "I will establish a system for documenting the chain-of-custody of secure test materials, and I will keep "
            "all test materials locked in a secure storage area with limited access when they are not in use.",
            "I will follow all security policies and test administration protocols described in the Test Coordinator "
            "Manual (TCM).",
        ],
    ),
    "everyone": (
        "For School Test Coordinators, Technology Coordinators, Test Administrators, Proctors, and "
        "Authorized Observers",
        [
            "I will not view test content or student responses except if necessary to administer certain accommodations.",
            "I will not reproduce test content or student responses in any way (photographing, copying by hand, typing, "
            "texting from a cell phone, photocopying).",
            "I will not reveal or discuss test content or student responses before, during, or after testing.",
            "I will not engage in any activity that adversely affects the validity, security, or fairness of the test.",
            "I will promptly report any testing irregularities or concerns as specified in the TCM and the Test "
            "Administrator Manual (TAM).",
            "I will follow the procedures in the TCM and TAM regarding the disposition of all test materials.",
        ],
    ),
    "administrator": (
        "For Test Administrators and Proctors",
        [
            "I will complete the training needed to understand test security and administration policies and "
            "procedures.",
            "I will keep test materials under supervision at all times and not leave them unattended.",
            "I will prepare the testing room so that no student can view another student's materials or screen, and "
            "inappropriate visual aids are removed or covered.",
            "I will supervise students at all times and focus my full attention on the testing environment: no talking, "
            "notes, phones or unapproved devices, no coaching, and answers strictly the students' own.",
            "I will follow the chain-of-custody procedures for all test materials, including scratch paper.",
            "If I administer an accommodation that requires viewing, reading or transcribing content, I will not "
            "disclose any test content.",
            "I will follow all security policies and test administration protocols described in the TAM.",
        ],
    ),
}


def build_security_agreement() -> Path:
    doc = Document()
    doc.styles["Normal"].font.name = "Calibri"
    doc.styles["Normal"].font.size = Pt(10)
    doc.styles["Normal"].paragraph_format.space_after = Pt(4)
    doc.styles["List Bullet"].paragraph_format.space_after = Pt(1)
    doc.add_heading("{{ school_year }} Test Security Agreement", level=1)
    doc.add_paragraph("{{ district.name }} · {{ person.site }}")
    doc.add_paragraph(
        "Every individual authorized to administer the assessment or to have access to test materials, including "
        "technology coordinators and authorized observers, must sign this agreement. Failure to comply may result "
        "in sanctions including score invalidation or employment and licensure consequences."
    )
    for key, (title, statements) in AGREEMENT.items():
        doc.add_paragraph("{%p if show." + key + " %}")
        doc.add_heading(title, level=2)
        for statement in statements:
            doc.add_paragraph(statement, style="List Bullet")
        doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("I have read the Security Agreement and understand my role in this test administration.")
    doc.add_paragraph("First Name (print): {{ person.first_name }}        Last Name (print): {{ person.last_name }}")
    doc.add_paragraph(
        "Role: {{ box.stc }} School Test Coordinator   {{ box.tc }} Technology Coordinator   "
        "{{ box.ta }} Test Administrator   {{ box.proctor }} Proctor   {{ box.other }} Other: "
        "{{ other_role }}"
    )
    doc.add_paragraph("Site: {{ person.site }}")
    doc.add_paragraph("Signature: ______________________________        Date: ______________")
    due = doc.add_paragraph()
    due.add_run(
        "Return the signed form (the fillable PDF sent with this agreement, or this page signed) by "
        "{{ returning.due }} to {{ returning.to }}, by email to {{ returning.email }}."
    ).bold = True
    doc.add_paragraph("Keep a copy for your records. The district keeps signed agreements for at least three years.")
    footer = doc.sections[0].footer.paragraphs[0]
    footer.text = "{{ person.name }} · {{ person.role }} · sent {{ letter_date }}"
    footer.runs[0].font.size = Pt(8)
    path = OUT / "security_agreement.en.docx"
    _save(doc, path)
    return path


def build_security_summary() -> Path:
    doc = Document()
    doc.styles["Normal"].font.name = "Calibri"
    doc.add_heading("Security agreements: {{ site.name }}", level=1)
    doc.add_paragraph("{{ district.name }} · {{ school_year }} · {{ letter_date }}")
    doc.add_paragraph(
        "Dear {{ coordinator.name }}, each person below has been sent a test security agreement to "
        "sign before they handle secure material ({{ staff|length }} in all). They return it signed by "
        "{{ returning.due }} to {{ returning.to }} ({{ returning.email }}); anyone still missing after that "
        "date is reminded, and you receive a list of them."
    )
    table = doc.add_table(rows=4, cols=4)
    table.style = "Table Grid"
    for col, title in enumerate(("Name", "Role", "Email", "Returned")):
        table.cell(0, col).text = title
    table.cell(1, 0).text = "{%tr for p in staff %}"
    table.cell(2, 0).text, table.cell(2, 1).text, table.cell(2, 2).text = (
        "{{ p.name }}",
        "{{ p.role }}",
        "{{ p.email }}",
    )
    table.cell(2, 3).text = "☐"
    table.cell(3, 0).text = "{%tr endfor %}"
    _fit_columns(table, (1.6, 1.4, 2.3, 0.7))
    path = OUT / "security_agreement_summary.en.docx"
    _save(doc, path)
    return path


def build_chain_of_custody() -> Path:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm

    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    section.left_margin = section.right_margin = Cm(1.5)
    doc.styles["Normal"].font.name = "Calibri"
    doc.styles["Normal"].font.size = Pt(9)
    doc.add_heading("Chain-of-Custody Form: secure test materials", level=1)
    doc.add_paragraph("Site: {{ site.name }}        Date: {{ session.date }}        Session: {{ session.id }}")
    doc.add_paragraph(
        "Test: {{ session.test }} (grade {{ session.grade }})        Room: {{ session.room }}        "
        "Time: {{ session.start }}–{{ session.end }}"
    )
    doc.add_paragraph(
        "Coordinator: {{ coordinator }}        Test administrator: {{ session.administrator }}"
        "{% if session.proctor %}        Proctor: {{ session.proctor }}{% endif %}"
    )
    headers = (
        "Security number",
        "Material",
        "Grade / subject",
        "Qty out",
        "Time out",
        "Test administrator",
        "Qty returned",
        "Time returned",
        "Coordinator initials",
        "Disposition",
    )
    table = doc.add_table(rows=5, cols=len(headers))
    table.style = "Table Grid"
    for col, title in enumerate(headers):
        table.cell(0, col).text = title
        table.cell(0, col).paragraphs[0].runs[0].bold = True
    table.cell(1, 0).text = "{%tr for i in items %}"
    for col, value in enumerate(
        (
            "{{ i.security_number }}",
            "{{ i.type }}",
            "{{ i.grade_subject }}",
            "{{ i.quantity }}",
            "{{ i.time_out }}",
            "{{ i.administrator }}",
            "",
            "",
            "",
            "",
        )
    ):
        table.cell(2, col).text = value
    table.cell(3, 0).text = "{%tr endfor %}"
    _fit_columns(table, (1.2, 1.3, 1.1, 0.6, 0.7, 1.4, 0.8, 0.8, 0.9, 1.0))
    table.cell(4, 0).text = "Totals"
    table.cell(4, 1).text = "{{ totals.count }} item(s)"
    table.cell(4, 3).text = "{{ totals.quantity }}"
    doc.add_paragraph(
        "Disposition: {{ dispositions }}. Every item is returned to the coordinator immediately after "
        "testing; count independently, then both sign. Keep this form at least three years."
    )
    doc.add_paragraph(
        "Test administrator signature: ______________________    Coordinator signature: ______________________"
    )
    due = doc.add_paragraph()
    due.add_run(
        "Return this sheet, completed and signed, by {{ returning.due }} to {{ returning.to }}, by email to "
        "{{ returning.email }} (a scan or photo of every page)."
    ).bold = True
    path = OUT / "chain_of_custody.en.docx"
    _save(doc, path)
    return path


def build_custody_reconciliation() -> Path:
    doc = Document()
    doc.styles["Normal"].font.name = "Calibri"
    doc.add_heading("Secure materials reconciliation: {{ site.name }}", level=1)
    doc.add_paragraph(
        "{{ district.name }} · {{ letter_date }} · for {{ coordinator }}"
        "{% if version is defined %} · {{ version.label }}{% endif %}"
    )
    doc.add_paragraph(
        "Issued: {{ counts.issued }}   Returned: {{ counts.returned }}   To resolve: {{ counts.problems }}"
    )
    doc.add_heading("Issued items not fully accounted for", level=2)
    doc.add_paragraph("{%p if not missing %}")
    doc.add_paragraph("None: every issued item came back.")
    doc.add_paragraph("{%p endif %}")
    table = doc.add_table(rows=4, cols=4)
    table.style = "Table Grid"
    for col, title in enumerate(("Security number", "Material", "Session", "Finding")):
        table.cell(0, col).text = title
    table.cell(1, 0).text = "{%tr for m in missing %}"
    for col, value in enumerate(("{{ m.security_number }}", "{{ m.type }}", "{{ m.session }}", "{{ m.note }}")):
        table.cell(2, col).text = value
    table.cell(3, 0).text = "{%tr endfor %}"
    _fit_columns(table, (1.3, 1.6, 1.6, 1.5))
    doc.add_heading("Returned numbers that were never issued", level=2)
    doc.add_paragraph("{%p for r in unmatched %}")
    doc.add_paragraph("{{ r.security_number }} (recorded as {{ r.disposition }})")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph(
        "Investigate each item; report missing or damaged materials on the Form to Report "
        "Contaminated, Damaged, or Missing Materials."
    )
    path = OUT / "custody_reconciliation.en.docx"
    _save(doc, path)
    return path


def _save(doc, path: Path) -> None:
    """Every table: its header row repeats on each page and no row is split across pages."""
    for table in doc.tables:
        for index, row in enumerate(table.rows):
            props = row._tr.get_or_add_trPr()
            if index == 0:
                header = OxmlElement("w:tblHeader")
                header.set(qn("w:val"), "true")
                props.append(header)
            cant_split = OxmlElement("w:cantSplit")
            cant_split.set(qn("w:val"), "true")
            props.append(cant_split)
    doc.save(path)


def _table(doc, headers, loop, cells, widths=None):
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    for col, title in enumerate(headers):
        table.cell(0, col).text = title
        table.cell(0, col).paragraphs[0].runs[0].bold = True
    table.cell(1, 0).text = "{%tr for " + loop + " %}"
    for col, value in enumerate(cells):
        table.cell(2, col).text = value
    table.cell(3, 0).text = "{%tr endfor %}"
    if widths:
        _fit_columns(table, widths)
    return table


def build_candidate_timetable() -> Path:
    doc = Document()
    doc.styles["Normal"].font.name = "Calibri"
    doc.styles["Normal"].font.size = Pt(10)
    doc.add_heading("Statement of entry and exam timetable", level=1)
    doc.add_paragraph("{{ district.name }} · {{ site.name }}")
    doc.add_paragraph("Candidate: {{ student.name }} (ID {{ student.id }}, grade {{ student.grade }})")
    doc.add_paragraph("{%p if extra_time %}")
    doc.add_paragraph("Access arrangement: {{ extra_time }}% extra time; the finish times below include it.")
    doc.add_paragraph("{%p endif %}")
    _table(
        doc,
        ("Paper", "Title", "Date", "Session", "Start", "End", "Room", "Seat", "Note"),
        "r in rows",
        (
            "{{ r.code }}",
            "{{ r.title }}",
            "{{ r.date }}",
            "{{ r.session }}",
            "{{ r.start }}",
            "{{ r.end }}",
            "{{ r.room }}",
            "{{ r.seat }}",
            "{{ r.flag }}",
        ),
        widths=(0.6, 1.5, 0.9, 0.5, 0.5, 0.5, 0.6, 0.4, 0.5),
    )
    doc.add_paragraph("{%p if has_clash %}")
    doc.add_paragraph(
        "Two of these papers overlap. The exams office proposes the time shown in the note and will "
        "confirm the arrangement, including supervision, before the exam."
    )
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph(
        "Check your entries and report any error to {{ coordinator.name }} ({{ coordinator.email }}). "
        "Arrive 10 minutes before the start; phones and smart watches must not be taken into the room."
    )
    path = OUT / "candidate_timetable.en.docx"
    _save(doc, path)
    return path


def build_clash_report() -> Path:
    doc = Document()
    doc.styles["Normal"].font.name = "Calibri"
    doc.styles["Normal"].font.size = Pt(10)
    doc.add_heading("Timetable clashes and proposed resolutions", level=1)
    doc.add_paragraph("{{ district.name }} · {{ clashes|length }} clash(es)")
    _table(
        doc,
        ("Candidate", "ID", "First paper", "Clashing paper", "Proposal", "Supervision"),
        "c in clashes",
        ("{{ c.student }}", "{{ c.id }}", "{{ c.first }}", "{{ c.later }}", "{{ c.proposal }}", "{{ c.supervision }}"),
        widths=(1.2, 0.9, 1.1, 1.1, 1.0, 0.7),
    )
    doc.add_paragraph(
        "A proposal moves the later paper to the next session free for the candidate on the same or "
        "the next working day; confirm with the awarding body before telling the candidate."
    )
    path = OUT / "clash_report.en.docx"
    _save(doc, path)
    return path


def build_staff_timetable() -> Path:
    doc = Document()
    doc.styles["Normal"].font.name = "Calibri"
    doc.styles["Normal"].font.size = Pt(10)
    doc.add_heading("Testing duty timetable", level=1)
    doc.add_paragraph("{{ district.name }} · {{ person.name }} ({{ person.role }})")
    _table(
        doc,
        ("Date", "Session", "Time", "Site", "Room", "Test", "Duty"),
        "r in rows",
        (
            "{{ r.date }}",
            "{{ r.session }}",
            "{{ r.time }}",
            "{{ r.site }}",
            "{{ r.room }}",
            "{{ r.test }}",
            "{{ r.duty }}",
        ),
        widths=(0.9, 0.65, 0.95, 0.85, 0.6, 1.1, 0.95),
    )
    doc.add_paragraph(
        "Collect secure materials from the site coordinator before the session and return them "
        "immediately after it, signing the chain-of-custody form each time."
    )
    path = OUT / "staff_timetable.en.docx"
    _save(doc, path)
    return path


def build_testing_window_notice() -> Path:
    doc = Document()
    doc.styles["Normal"].font.name = "Calibri"
    doc.styles["Normal"].font.size = Pt(10)
    doc.add_heading("Testing window and sessions", level=1)
    doc.add_paragraph("{{ district.name }} · {{ site.name }} · {{ letter_date }}")
    doc.add_paragraph("To {{ recipient.name }} ({{ recipient.role }})")
    doc.add_paragraph("{%p if window %}")
    doc.add_paragraph(
        "The {{ school_year }} testing window for {{ site.name }} runs from {{ window.start }} to "
        "{{ window.end }}: {{ window.days }} instructional days. Every session, including make-ups, "
        "must be held inside it."
    )
    doc.add_paragraph("{%p else %}")
    doc.add_paragraph("No testing window is set for {{ site.name }} yet; the district office will send it.")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p if sessions %}")
    doc.add_paragraph("Sessions scheduled at your site:")
    table = _table(
        doc,
        ("Date", "Session", "Time", "Test", "Grade", "Room"),
        "s in sessions",
        ("{{ s.date }}", "{{ s.session }}", "{{ s.time }}", "{{ s.test }}", "{{ s.grade }}", "{{ s.room }}"),
    )
    table.autofit = False
    for column, inches in zip(table.columns, (1.3, 0.7, 1.1, 2.6, 0.6, 0.9), strict=True):
        column.width = Inches(inches)  # the grid, which LibreOffice reads
        for cell in column.cells:  # and each cell, which Word reads
            cell.width = Inches(inches)
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph()
    doc.add_paragraph(
        "Tell {{ coordinator.name }} ({{ coordinator.email }}) at once if a date does not work for your site."
    )
    path = OUT / "testing_window_notice.en.docx"
    _save(doc, path)
    return path


SCHEDULE_WORDING = {
    "en": {
        "title": "Testing days for {{ student.first_name }}",
        "dear": "Dear {{ addressee.name }},",
        "intro": (
            "{{ student.name }} (grade {{ student.grade }}) takes the state tests at {{ site.name }} on the days "
            "below. Please make sure {{ student.first_name }} is at school, rested and on time on these days."
        ),
        "head": ("Test", "Date", "Time", "Room"),
        "extra": "{{ student.first_name }} has {{ extra_time }}% extra time; the finish times include it.",
        "calendar": "The attached calendar file (.ics) adds these days to your phone or computer calendar.",
        "questions": "Questions: {{ contact.name }} ({{ contact.email }}).",
        "closing": "Sincerely,",
    },
    "es": {
        "title": "Días de evaluación de {{ student.first_name }}",
        "dear": "Estimado/a {{ addressee.name }}:",
        "intro": (
            "{{ student.name }} (grado {{ student.grade }}) tomará las pruebas estatales en {{ site.name }} en los "
            "días indicados abajo. Asegúrese de que {{ student.first_name }} asista a la escuela descansado/a y a "
            "tiempo esos días."
        ),
        "head": ("Prueba", "Fecha", "Hora", "Salón"),
        "extra": "{{ student.first_name }} tiene {{ extra_time }}% de tiempo adicional; la hora de término ya lo incluye.",
        "calendar": "El archivo de calendario adjunto (.ics) agrega estos días al calendario de su teléfono o computadora.",
        "questions": "Preguntas: {{ contact.name }} ({{ contact.email }}).",
        "closing": "Atentamente,",
    },
    "vi": {
        "title": "Lịch kiểm tra của {{ student.first_name }}",
        "dear": "Kính gửi {{ addressee.name }},",
        "intro": (
            "{{ student.name }} (lớp {{ student.grade }}) sẽ làm các bài kiểm tra của tiểu bang tại {{ site.name }} "
            "vào những ngày dưới đây. Xin quý vị bảo đảm {{ student.first_name }} đến trường đúng giờ và được nghỉ "
            "ngơi đầy đủ vào những ngày này."
        ),
        "head": ("Bài kiểm tra", "Ngày", "Giờ", "Phòng"),
        "extra": "{{ student.first_name }} được thêm {{ extra_time }}% thời gian; giờ kết thúc đã tính phần này.",
        "calendar": "Tệp lịch đính kèm (.ics) thêm những ngày này vào lịch trên điện thoại hoặc máy tính của quý vị.",
        "questions": "Thắc mắc xin liên hệ: {{ contact.name }} ({{ contact.email }}).",
        "closing": "Trân trọng,",
    },
    "zh-Hant": {
        "title": "{{ student.first_name }} 的測驗日程",
        "dear": "{{ addressee.name }} 您好：",
        "intro": (
            "{{ student.name }}（{{ student.grade }} 年級）將於下列日期在 {{ site.name }} 參加州測驗。"
            "請確保 {{ student.first_name }} 在這些日子準時到校並充分休息。"
        ),
        "head": ("測驗", "日期", "時間", "教室"),
        "extra": "{{ student.first_name }} 享有 {{ extra_time }}% 的延長時間；結束時間已包含在內。",
        "calendar": "附上的行事曆檔案（.ics）可將這些日期加入您手機或電腦的行事曆。",
        "questions": "如有疑問，請聯絡 {{ contact.name }}（{{ contact.email }}）。",
        "closing": "敬上",
    },
    "fil": {
        "title": "Mga araw ng pagsusulit ni {{ student.first_name }}",
        "dear": "Mahal na {{ addressee.name }},",
        "intro": (
            "Si {{ student.name }} (baitang {{ student.grade }}) ay kukuha ng mga pagsusulit ng estado sa "
            "{{ site.name }} sa mga araw sa ibaba. Tiyakin po na si {{ student.first_name }} ay nasa paaralan, "
            "nakapagpahinga at nasa oras sa mga araw na ito."
        ),
        "head": ("Pagsusulit", "Petsa", "Oras", "Silid"),
        "extra": "May {{ extra_time }}% na dagdag na oras si {{ student.first_name }}; kasama na ito sa oras ng pagtatapos.",
        "calendar": "Idinadagdag ng nakalakip na calendar file (.ics) ang mga araw na ito sa kalendaryo ng inyong telepono o computer.",
        "questions": "Mga tanong: {{ contact.name }} ({{ contact.email }}).",
        "closing": "Lubos na gumagalang,",
    },
}


def build_testing_schedule(lang: str, w: dict) -> Path:
    """A family's (or adult student's) testing days: plain wording, their language, no exam-centre terms."""
    doc = Document()
    doc.styles["Normal"].font.name = "Calibri"
    doc.styles["Normal"].font.size = Pt(11)
    head = doc.add_paragraph()
    head.add_run("{{ district.name }}").bold = True
    doc.add_paragraph("{{ site.name }} · {{ letter_date }}")
    doc.add_heading(w["title"], level=1)
    doc.add_paragraph(w["dear"])
    doc.add_paragraph(w["intro"])
    table = _table(doc, w["head"], "r in rows", ("{{ r.test }}", "{{ r.date }}", "{{ r.time }}", "{{ r.room }}"))
    _fit_columns(table, (2.2, 1.4, 1.6, 0.8))
    doc.add_paragraph("{%p if extra_time %}")
    doc.add_paragraph(w["extra"])
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph(w["calendar"])
    doc.add_paragraph(w["questions"])
    doc.add_paragraph(w["closing"])
    doc.add_paragraph("{{ coordinator.name }}")
    doc.add_paragraph("{{ coordinator.title }}, {{ district.name }}")
    path = OUT / f"testing_schedule.{lang}.docx"
    _save(doc, path)
    return path


def _fit_columns(table, inches: tuple[float, ...]) -> None:
    """Fixed column widths: the grid (which LibreOffice reads) and each cell (which Word reads)."""
    table.autofit = False
    for column, width in zip(table.columns, inches, strict=True):
        column.width = Inches(width)
        for cell in column.cells:
            cell.width = Inches(width)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for lang, wording in WORDING.items():
        print("wrote", build_parent_notification(lang, wording))
    for lang, wording in RESULTS_WORDING.items():
        print("wrote", build_result_letter(lang, wording))
    print("wrote", build_security_agreement())
    print("wrote", build_security_summary())
    print("wrote", build_chain_of_custody())
    print("wrote", build_custody_reconciliation())
    print("wrote", build_candidate_timetable())
    print("wrote", build_clash_report())
    print("wrote", build_staff_timetable())
    print("wrote", build_testing_window_notice())
    for lang, wording in SCHEDULE_WORDING.items():
        print("wrote", build_testing_schedule(lang, wording))
    for build in UK_BUILDERS:
        print("wrote", build())


# ---- an exam centre's series (JCQ) ------------------------------------------------------------------
def _uk_doc(title: str):
    doc = Document()
    doc.styles["Normal"].font.name = "Calibri"
    doc.styles["Normal"].font.size = Pt(10)
    doc.add_heading(title, level=1)
    return doc


def build_statement_of_entry() -> Path:
    doc = _uk_doc("Statement of entry")
    doc.add_paragraph("{{ centre.name }} · centre number {{ centre.number }}")
    doc.add_paragraph(
        "Candidate: {{ candidate.name }} · candidate number {{ candidate.number }} · UCI {{ candidate.uci }} "
        "· Year {{ candidate.year }}"
    )
    doc.add_heading("Your entries", level=2)
    _table(
        doc,
        ("Awarding body", "Qualification", "Specification", "Title", "Tier"),
        "e in entries",
        ("{{ e.board }}", "{{ e.qualification }}", "{{ e.code }}", "{{ e.title }}", "{{ e.tier }}"),
        widths=(1.1, 1.1, 1.0, 2.4, 0.9),
    )
    doc.add_heading("Your papers", level=2)
    _table(
        doc,
        ("Paper", "Title", "Date", "Session", "Start", "Duration", "Finish", "Note"),
        "r in rows",
        (
            "{{ r.code }}",
            "{{ r.title }}",
            "{{ r.date }}",
            "{{ r.session }}",
            "{{ r.start }}",
            "{{ r.duration }}",
            "{{ r.finish }}",
            "{{ r.note }}",
        ),
        widths=(0.8, 1.8, 1.0, 0.65, 0.5, 0.7, 0.55, 0.8),
    )
    doc.add_paragraph("{%p if arrangements %}")
    doc.add_paragraph(
        "Access arrangements: {{ arrangements|join('; ') }}. Durations and finish times above include any extra time."
    )
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph(
        "Check your name, your entries, the tiers and the times. Tell {{ coordinator.name }} "
        "({{ coordinator.email }}) of any error, or sign this statement off, by {{ returning.due }}. "
        "An entry changed after the awarding bodies' deadline may carry a late fee."
    )
    doc.add_paragraph("Candidate's signature: ______________________    Date: ____________")
    path = OUT / "statement_of_entry.en.docx"
    _save(doc, path)
    return path


def build_exam_timetable() -> Path:
    doc = _uk_doc("Your exam timetable")
    doc.add_paragraph("{{ centre.name }} · centre number {{ centre.number }}")
    doc.add_paragraph("{{ candidate.name }} · candidate number {{ candidate.number }}")
    _table(
        doc,
        ("Date", "Session", "Start", "Finish", "Paper", "Title", "Room", "Seat"),
        "r in rows",
        (
            "{{ r.date }}",
            "{{ r.session }}",
            "{{ r.start }}",
            "{{ r.finish }}",
            "{{ r.code }}",
            "{{ r.title }}",
            "{{ r.room }}",
            "{{ r.seat }}",
        ),
        widths=(1.0, 0.5, 0.5, 0.5, 0.8, 2.0, 1.1, 0.4),
    )
    doc.add_paragraph("{%p if arrangements %}")
    doc.add_paragraph("Your access arrangements: {{ arrangements|join('; ') }}.")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph(
        "Arrive 15 minutes before the start with your candidate number. Phones and smart watches must not be "
        "taken into the exam room. Questions: {{ coordinator.name }} ({{ coordinator.email }})."
    )
    path = OUT / "exam_timetable.en.docx"
    _save(doc, path)
    return path


def build_seating_plan() -> Path:
    doc = _uk_doc("Seating plan: {{ room.name }}")
    doc.add_paragraph("{{ centre.name }} ({{ centre.number }}) · {{ date }} {{ session }} · {{ start }}–{{ finish }}")
    doc.add_paragraph("Front of the room (invigilators' desk)").runs[0].bold = True
    _table(
        doc,
        ("Row", "Seats: candidate number and paper"),
        "g in grid",
        ("{{ g.row }}", "{{ g.seats }}"),
        widths=(0.5, 6.5),
    )
    _table(
        doc,
        ("Seat", "Candidate number", "Name", "Paper", "Finish", "Access arrangements"),
        "c in candidates",
        ("{{ c.seat }}", "{{ c.number }}", "{{ c.name }}", "{{ c.paper }}", "{{ c.finish }}", "{{ c.arrangements }}"),
        widths=(0.5, 0.9, 1.8, 0.9, 0.6, 2.3),
    )
    doc.add_paragraph(
        "Invigilators: {% for i in invigilators %}{{ i.name }}{% if i.lead %} (lead){% endif %}"
        "{% if not loop.last %}, {% endif %}{% endfor %}"
    )
    doc.add_paragraph("{%p if short %}")
    doc.add_paragraph("UNDER-STAFFED: {{ short }} more invigilator(s) needed by the JCQ ratio.")
    doc.add_paragraph("{%p endif %}")
    path = OUT / "seating_plan.en.docx"
    _save(doc, path)
    return path


def build_attendance_register() -> Path:
    doc = _uk_doc("Attendance register: {{ room.name }}")
    doc.add_paragraph("{{ centre.name }} ({{ centre.number }}) · {{ date }} {{ session }}")
    _table(
        doc,
        ("Seat", "Candidate number", "Name", "Paper", "Present", "Absent", "Late (time)"),
        "c in candidates",
        ("{{ c.seat }}", "{{ c.number }}", "{{ c.name }}", "{{ c.paper }}", "", "", ""),
        widths=(0.5, 0.9, 2.2, 0.9, 0.7, 0.7, 1.0),
    )
    doc.add_paragraph("Lead invigilator's signature: ______________________")
    path = OUT / "attendance_register.en.docx"
    _save(doc, path)
    return path


def build_door_notice() -> Path:
    doc = Document()
    doc.styles["Normal"].font.name = "Calibri"
    doc.styles["Normal"].font.size = Pt(16)
    title = doc.add_paragraph("EXAMINATION IN PROGRESS — DO NOT ENTER")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.runs[0].bold = True
    title.runs[0].font.size = Pt(28)
    doc.add_paragraph("{{ room.name }} · {{ date }} {{ session }}").alignment = WD_ALIGN_PARAGRAPH.CENTER
    _table(
        doc,
        ("Paper", "Title", "Start", "Finish", "Candidates"),
        "p in papers",
        ("{{ p.code }}", "{{ p.title }}", "{{ p.start }}", "{{ p.finish }}", "{{ p.count }}"),
        widths=(1.1, 3.2, 0.8, 0.8, 1.2),
    )
    doc.add_paragraph("{%p if extra_finish %}")
    doc.add_paragraph("Candidates with extra time finish later: the last at {{ extra_finish }}.")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{{ centre.name }} · centre {{ centre.number }}")
    path = OUT / "door_notice.en.docx"
    _save(doc, path)
    return path


def build_invigilator_duties() -> Path:
    doc = _uk_doc("Your invigilation duties")
    doc.add_paragraph("{{ centre.name }} · {{ person.name }}")
    _table(
        doc,
        ("Date", "Session", "Arrive", "Until", "Room", "Role", "Candidates", "Note"),
        "r in rows",
        (
            "{{ r.date }}",
            "{{ r.session }}",
            "{{ r.arrive }}",
            "{{ r.until }}",
            "{{ r.room }}",
            "{{ r.role }}",
            "{{ r.candidates }}",
            "{{ r.arrangements }}",
        ),
        widths=(1.1, 0.6, 0.6, 0.6, 1.5, 1.1, 0.8, 0.9),
    )
    doc.add_paragraph(
        "Arrive by the time shown to set up the room. If you cannot do a duty, tell {{ coordinator.name }} "
        "({{ coordinator.email }}) at once."
    )
    path = OUT / "invigilator_duties.en.docx"
    _save(doc, path)
    return path


def build_results_statement() -> Path:
    doc = _uk_doc("Provisional statement of results")
    doc.add_paragraph("{{ centre.name }} · centre number {{ centre.number }} · results day {{ results_day }}")
    doc.add_paragraph("{{ candidate.name }} · candidate number {{ candidate.number }} · UCI {{ candidate.uci }}")
    _table(
        doc,
        ("Awarding body", "Qualification", "Specification", "Title", "Grade"),
        "r in rows",
        ("{{ r.board }}", "{{ r.qualification }}", "{{ r.code }}", "{{ r.title }}", "{{ r.grade }}"),
        widths=(1.1, 1.2, 1.0, 2.6, 0.7),
    )
    doc.add_paragraph("These results are provisional: the certificates the awarding bodies issue later are the record.")
    doc.add_paragraph("{{ signatory.name }}, {{ signatory.title }}")
    path = OUT / "results_statement.en.docx"
    _save(doc, path)
    return path


def build_post_results_letter() -> Path:
    doc = _uk_doc("Post-results services")
    doc.add_paragraph("{{ centre.name }} · results day {{ results_day }}")
    doc.add_paragraph("Dear {{ candidate.name }} (candidate number {{ candidate.number }}),")
    doc.add_paragraph(
        "If you believe a mark is wrong, the centre can ask the awarding body for a review of marking, a copy "
        "of your script or a review of moderation. A review needs your written consent: a grade can go down as "
        "well as up. Requests must reach the exams office by {{ deadline }}."
    )
    doc.add_paragraph("Ask {{ coordinator.name }} ({{ coordinator.email }}) for the consent form and the fees.")
    path = OUT / "post_results_letter.en.docx"
    _save(doc, path)
    return path


def build_certificate_collection() -> Path:
    doc = _uk_doc("Your certificates are ready to collect")
    doc.add_paragraph("{{ centre.name }} · centre number {{ centre.number }}")
    doc.add_paragraph("Dear {{ candidate.name }} (candidate number {{ candidate.number }}),")
    doc.add_paragraph("The awarding bodies have sent us these certificates of yours:")
    _table(
        doc,
        ("Awarding body", "Qualification", "Series", "Received"),
        "r in rows",
        ("{{ r.board }}", "{{ r.qualification }}", "{{ r.series }}", "{{ r.received }}"),
        widths=(1.6, 2.0, 1.4, 1.6),
    )
    doc.add_paragraph(
        "Collect them from the exams office in term time and bring photo ID. Someone else may collect them "
        "for you with your signed authority and their own photo ID. Certificates are precious: a lost one can "
        "only be replaced by the awarding body, for a fee. Uncollected certificates are kept for at least "
        "{{ kept_months }} months."
    )
    doc.add_paragraph("{{ coordinator.name }} ({{ coordinator.email }})")
    path = OUT / "certificate_collection.en.docx"
    _save(doc, path)
    return path


UK_BUILDERS = (
    build_statement_of_entry,
    build_exam_timetable,
    build_seating_plan,
    build_attendance_register,
    build_door_notice,
    build_invigilator_duties,
    build_results_statement,
    build_post_results_letter,
    build_certificate_collection,
)


if __name__ == "__main__":
    main()
