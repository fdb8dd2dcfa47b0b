"""Read input tables (CSV or XLSX) as rows of text, numbered as a spreadsheet shows them.

CSV is read with the standard library's csv module, record by record, so a blank line keeps its row
number and a row with more fields than the header is reported as that row (pandas would skip the
one and refuse the whole file for the other). The encoding must be identifiable: UTF-8 with or
without a byte-order mark, or UTF-16 with one (Excel's "Unicode text", tab-separated); anything
else is refused with what to do. Workbooks are read by pandas (openpyxl), which keeps blank rows.
"""

from __future__ import annotations

import codecs
import csv
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time
from itertools import chain
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


CHECK_CHUNK = 1 << 20  # bytes decoded at a time when checking a file's text


def text_encoding(path: Path) -> str:
    """The codec to read the file with, once every byte of it has been checked to be text in it.

    The file is read in chunks, so checking a large table costs a chunk of memory, not the file."""
    with path.open("rb") as fh:
        utf16 = fh.read(2).startswith(UTF16_BOMS)
        fh.seek(0)
        decoder = codecs.getincrementaldecoder("utf-16" if utf16 else "utf-8")()
        offset, final = 0, False
        while not final:
            chunk = fh.read(CHECK_CHUNK)
            final = not chunk
            try:
                text = decoder.decode(chunk, final=final)
            except UnicodeDecodeError as exc:  # exc.object is what was held back from the last chunk + this one
                at = offset - (len(exc.object) - len(chunk)) + exc.start
                if utf16:
                    raise TableReadError(f"{path}: broken UTF-16 text at byte {at}") from None
                raise TableReadError(
                    f"{path}: not UTF-8 text (byte 0x{exc.object[exc.start]:02X} at position {at} is not UTF-8; the "
                    "file is probably in a Windows or Mac code page, which cannot be told apart for certain). In "
                    "Excel use Save As > 'CSV UTF-8 (Comma delimited)'; in LibreOffice tick 'Edit filter settings' "
                    "and choose UTF-8"
                ) from None
            if "\x00" in text:
                raise TableReadError(f"{path}: holds NUL bytes, so it is not a text table (a workbook renamed .csv?)")
            offset += len(chunk)
    return "utf-16" if utf16 else "utf-8-sig"


def _read_csv(path: Path) -> tuple[list[str], Rows]:
    """The header now; the rows as they are iterated, from the file (never the whole text at once)."""
    encoding = text_encoding(path)
    with path.open(encoding=encoding, newline="") as fh:
        first_line = fh.readline()
        delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
        try:
            header = [h.strip() for h in next(csv.reader(chain([first_line], fh), delimiter=delimiter))]
        except StopIteration:
            raise TableReadError(f"{path}: the file is empty (no header row)") from None
        except csv.Error as exc:
            raise TableReadError(f"{path}: the header row cannot be read ({exc})") from None
    if not any(header):
        raise TableReadError(f"{path}: the first row is empty; it must name the columns")

    def rows() -> Rows:
        with path.open(encoding=encoding, newline="") as fh:
            reader = csv.reader(fh, delimiter=delimiter)
            next(reader)  # the header, read above
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
