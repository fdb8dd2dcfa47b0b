"""Read input tables (CSV or XLSX) as rows of text, numbered as a spreadsheet shows them.

CSV is read with the standard library's csv module, record by record, so a blank line keeps its row
number and a row with more fields than the header is reported as that row (pandas would skip the
one and refuse the whole file for the other). The encoding must be identifiable: UTF-8 with or
without a byte-order mark, or UTF-16 with one (Excel's "Unicode text", tab-separated); anything
else is refused with what to do. Workbooks are read by pandas (openpyxl), which keeps blank rows.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path

import pandas as pd

from ..domain.tables import MALFORMED
from ..errors import InputDataError

SUPPORTED = {".csv", ".txt", ".xlsx", ".xlsm"}
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
Rows = Iterator[tuple[int, dict[str, str]]]


class TableReadError(InputDataError):
    """A table that cannot be read at all (missing, empty, wrong type or encoding)."""


def _as_text(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return ""
    if isinstance(value, pd.Timestamp | datetime):
        return (
            value.date().isoformat()
            if (value.hour, value.minute, value.second) == (0, 0, 0)
            else value.isoformat(sep=" ")
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_table(path: Path) -> tuple[list[str], Rows]:
    """Return (header, rows); row numbers count the header as row 1, as a spreadsheet does.

    A row the reader cannot split into the header's columns comes back as ``{MALFORMED: why}``."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise TableReadError(f"{path}: unsupported file type {suffix!r} (use .csv or .xlsx)")
    if suffix in (".csv", ".txt"):
        return _read_csv(path)
    return _read_workbook(path)


def decode(data: bytes, path: Path) -> str:
    """The file's text, when its encoding can be told for certain."""
    if data.startswith(UTF16_BOMS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise TableReadError(f"{path}: broken UTF-16 text at byte {exc.start}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TableReadError(
            f"{path}: not UTF-8 text (byte 0x{data[exc.start]:02X} at position {exc.start} is not UTF-8; the file "
            "is probably in a Windows or Mac code page, which cannot be told apart for certain). In Excel use "
            "Save As > 'CSV UTF-8 (Comma delimited)'; in LibreOffice tick 'Edit filter settings' and choose UTF-8"
        ) from None
    if "\x00" in text:
        raise TableReadError(f"{path}: holds NUL bytes, so it is not a text table (a workbook renamed .csv?)")
    return text


def _read_csv(path: Path) -> tuple[list[str], Rows]:
    text = decode(path.read_bytes(), path)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise TableReadError(f"{path}: the file is empty (no header row)") from None
    except csv.Error as exc:
        raise TableReadError(f"{path}: the header row cannot be read ({exc})") from None
    if not any(header):
        raise TableReadError(f"{path}: the first row is empty; it must name the columns")

    def rows() -> Rows:
        number = 1
        while True:
            number += 1
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:  # the record is broken beyond this point: report it, stop reading
                yield number, {MALFORMED: f"cannot be read ({exc}); the rows after it were not read"}
                return
            if len(fields) > len(header) and any(f.strip() for f in fields[len(header) :]):
                yield number, {MALFORMED: f"has {len(fields)} fields but the header names {len(header)} columns"}
                continue
            fields += [""] * (len(header) - len(fields))
            yield number, dict(zip(header, fields[: len(header)], strict=True))

    return header, rows()


def _read_workbook(path: Path) -> tuple[list[str], Rows]:
    try:
        frame = pd.read_excel(path, dtype=object, engine="openpyxl")
    except (ValueError, OSError, KeyError, zipfile.BadZipFile) as exc:
        raise TableReadError(f"{path}: cannot be read as a workbook ({exc}); save it again as .xlsx") from None
    if frame.columns.empty:
        raise TableReadError(f"{path}: the first sheet is empty (no header row)")
    header = [str(c).strip() for c in frame.columns]
    frame.columns = header

    def rows() -> Rows:
        for offset, record in enumerate(frame.itertuples(index=False, name=None)):
            yield offset + 2, {h: _as_text(v) for h, v in zip(header, record, strict=True)}

    return header, rows()
