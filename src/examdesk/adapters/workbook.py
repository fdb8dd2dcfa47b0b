"""The tracker workbook (openpyxl): checklist status and deliveries, for coordinators."""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

FILLS = {
    "done": "C6EFCE",
    "sent": "C6EFCE",
    "overdue": "FFC7CE",
    "failed": "FFC7CE",
    "pending": "FFEB9C",
    "sending": "FFEB9C",
    "unknown": "F8CBAD",
}


def _sheet(
    wb: Workbook,
    title: str,
    header: Sequence[str],
    rows: Sequence[Sequence],
    status_column: str,
    widths: dict[str, int],
) -> None:
    ws = wb.create_sheet(title)
    ws.append(list(header))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    status_idx = header.index(status_column)
    for row in rows:
        ws.append(list(row))
        colour = FILLS.get(str(row[status_idx]))
        if colour:
            ws.cell(ws.max_row, status_idx + 1).fill = PatternFill("solid", start_color=colour, end_color=colour)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(ws.max_row, 1)}"
    for i, name in enumerate(header, start=1):
        ws.column_dimensions[get_column_letter(i)].width = widths.get(name, 14)


def write_tracker(path: Path, checklist_rows: list[dict], delivery_rows: list[dict]) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    ck_header = [
        "Task",
        "When",
        "Title",
        "Category",
        "Owner",
        "Action",
        "Due",
        "Status",
        "Sent",
        "Failed",
        "Pending",
        "Note",
    ]
    _sheet(
        wb,
        "Checklist",
        ck_header,
        [
            [
                r["task_id"],
                r["when"],
                r["title"],
                r["category"],
                r["owner"],
                r["action"],
                r["due"],
                r["status"],
                r["sent"],
                r["failed"],
                r["pending"],
                r["note"],
            ]
            for r in checklist_rows
        ],
        "Status",
        {"Title": 70, "Category": 28, "Owner": 24, "Due": 12, "Note": 30},
    )
    dl_header = [
        "Month",
        "Recipient",
        "Email",
        "Kind",
        "Subject",
        "Attachments",
        "State",
        "Attempts",
        "Sent at",
        "Message-ID",
        "Error",
    ]
    _sheet(
        wb,
        "Deliveries",
        dl_header,
        [
            [
                r["month"],
                r["recipient"],
                r["email"],
                r["kind"],
                r["subject"],
                r["attachments"],
                r["state"],
                r["attempts"],
                r["sent_at"],
                r["message_id"],
                r["error"],
            ]
            for r in delivery_rows
        ],
        "State",
        {"Recipient": 28, "Email": 34, "Subject": 50, "Sent at": 22, "Message-ID": 40, "Error": 40},
    )
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_suffix(".tmp.xlsx")
    wb.save(tmp)
    os.replace(tmp, path)
    return path


def student_list_workbook(context: dict) -> bytes:
    """One sheet: the site's students with tests, supports, accommodations and condition codes."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Students"
    ws.append(list(context["columns"]))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in context["rows"]:
        ws.append(list(row))
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(context['columns']))}{max(ws.max_row, 1)}"
    for i, width in enumerate((13, 18, 16, 7, 24, 36, 30, 20, 9, 6, 8), start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    wb.properties.title = context["title"]
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


WORKBOOKS = {"site_student_list": student_list_workbook}
