"""The tracker workbook (openpyxl): checklist status and deliveries, for coordinators."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from .files import make_private_dir, write_atomic

FILLS = {
    "done": "C6EFCE",
    "sent": "C6EFCE",
    "overdue": "FFC7CE",
    "failed": "FFC7CE",
    "pending": "FFEB9C",
    "sending": "FFEB9C",
    "unknown": "F8CBAD",
    "failed_permanent": "FF9999",
    "complete": "C6EFCE",
    "incomplete": "FFEB9C",
    "outstanding": "FFEB9C",
}


@dataclass(frozen=True)
class SheetSpec:
    title: str
    header: Sequence[str]
    rows: Iterable[Sequence]
    status_column: str  # its cells are coloured by value
    widths: dict[str, int] = field(default_factory=dict)


def _sheet(
    wb: Workbook,
    title: str,
    header: Sequence[str],
    rows: Iterable[Sequence],
    status_column: str,
    widths: dict[str, int],
) -> None:
    """A streamed sheet (write-only workbook): memory stays flat however many rows there are."""
    ws = wb.create_sheet(title)
    ws.freeze_panes = "A2"
    print_setup(ws, title)
    for i, name in enumerate(header, start=1):
        ws.column_dimensions[get_column_letter(i)].width = widths.get(name, 14)
    bold = Font(bold=True)
    ws.append([_cell(ws, h, font=bold) for h in header])
    status_idx = header.index(status_column)
    count = 1
    for row in rows:
        values = [_text_safe(ws, v) for v in row]
        colour = _fill_for(str(row[status_idx]))
        if colour:
            values[status_idx] = _cell(
                ws, row[status_idx], fill=PatternFill("solid", start_color=colour, end_color=colour)
            )
        ws.append(values)
        count += 1
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{count}"


def print_setup(ws, title: str) -> None:
    """Printed as a person would: landscape, one page wide, the header row on every page, the
    sheet's title at the top and page numbers at the bottom."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages tall as it takes
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.oddHeader.center.text = title.replace("&", "&&")
    ws.oddFooter.right.text = "Page &P of &N"


def _fill_for(status: str) -> str | None:
    """A status's colour; 'sent, 3 of 34 back, 31 overdue' is coloured as overdue, else as pending."""
    if status.startswith("sent, "):
        return FILLS["overdue"] if status.endswith("overdue") else FILLS["pending"]
    return FILLS.get(status)


def _cell(ws, value, **style) -> WriteOnlyCell:
    cell = _text_safe(ws, value)
    if not isinstance(cell, Cell):
        cell = WriteOnlyCell(ws, value=value)
    for name, v in style.items():
        setattr(cell, name, v)
    return cell


def _text_safe(ws, value):
    """A text stored as text: openpyxl would store "=..." as a live formula (a student named
    "=HYPERLINK(...)" becomes a link in the coordinator's spreadsheet); numbers and dates stay."""
    if isinstance(value, str):
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"
        return cell
    return value


def write_tracker(
    path: Path, checklist_rows: Iterable[dict], delivery_rows: Iterable[dict], more: Sequence[SheetSpec] = ()
) -> Path:
    wb = Workbook(write_only=True)
    ck_header = [
        "Task",
        "When",
        "Title",
        "Category",
        "Owner",
        "Action",
        "Due",
        "Due by site",
        "Status",
        "Messages sent",
        "Messages failed",
        "Messages unknown",
        "Messages pending",
        "Documents sent",
        "Signed returns expected",
        "Returned complete",
        "Returned incomplete",
        "Returns overdue",
        "Note",
    ]
    _sheet(
        wb,
        "Checklist",
        ck_header,
        (
            [
                r["task_id"],
                r["when"],
                r["title"],
                r["category"],
                r["owner"],
                r["action"],
                r["due_date"] or r["due"],
                r["due_by_site"],
                r["status"],
                r["sent"],
                r["failed"],
                r["unknown"],
                r["pending"],
                r["documents_sent"],
                r["returns_expected"],
                r["returns_complete"],
                r["returns_incomplete"],
                r["returns_overdue"],
                r["note"],
            ]
            for r in checklist_rows
        ),
        "Status",
        {"Title": 70, "Category": 28, "Owner": 24, "Due": 12, "Due by site": 40, "Status": 30, "Note": 30},
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
        "Sent at (UTC)",
        "Message-ID",
        "Error",
    ]
    _sheet(
        wb,
        "Deliveries",
        dl_header,
        (
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
        ),
        "State",
        {"Recipient": 28, "Email": 34, "Subject": 50, "Sent at (UTC)": 20, "Message-ID": 40, "Error": 40},
    )
    for spec in more:
        _sheet(wb, spec.title, spec.header, spec.rows, spec.status_column, spec.widths)
    make_private_dir(path.parent)
    buffer = io.BytesIO()
    wb.save(buffer)
    write_atomic(path, buffer.getvalue())
    return path


def table_workbook(context: dict) -> bytes:
    """One sheet from a table context: ``{title, columns, rows}`` and optionally ``sheet`` (its name)
    and ``widths`` (column widths, in characters)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = context.get("sheet") or "Sheet1"
    print_setup(ws, context["title"])
    ws.append([_text_safe(ws, c) for c in context["columns"]])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in context["rows"]:
        ws.append([_text_safe(ws, v) for v in row])
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(context['columns']))}{max(ws.max_row, 1)}"
    for i, width in enumerate(context.get("widths") or (), start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    wb.properties.title = context["title"]
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
