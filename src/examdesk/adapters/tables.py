"""Read input tables (CSV or XLSX) as rows of text, with spreadsheet row numbers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path

import pandas as pd

from ..errors import InputDataError

SUPPORTED = {".csv", ".xlsx", ".xlsm"}


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


def read_table(path: Path) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """Return (header, rows); row numbers count the header as row 1, as a spreadsheet does."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise TableReadError(f"{path}: unsupported file type {suffix!r} (use .csv or .xlsx)")
    try:
        if suffix == ".csv":
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        else:
            frame = pd.read_excel(path, dtype=object, engine="openpyxl")
    except UnicodeDecodeError as exc:
        raise TableReadError(
            f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}); save the file as UTF-8 CSV"
        ) from None
    except pd.errors.EmptyDataError:
        raise TableReadError(f"{path}: the file is empty (no header row)") from None
    except (pd.errors.ParserError, ValueError) as exc:
        raise TableReadError(f"{path}: cannot be read as a table: {exc}") from None
    header = [str(c).strip() for c in frame.columns]
    frame.columns = header

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        for offset, record in enumerate(frame.itertuples(index=False, name=None)):
            yield offset + 2, {h: _as_text(v) for h, v in zip(header, record, strict=True)}

    return header, rows()
