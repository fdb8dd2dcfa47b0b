"""CSV files a spreadsheet opens safely: a text cell that starts with = + - @, a tab or a carriage
return is prefixed with a single quote, so Excel and LibreOffice show it as text instead of
running it as a formula (OWASP, "CSV Injection"); every cell is quoted."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A text that a spreadsheet would read as a formula, made plain text; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(rows: Iterable[Iterable[Any]]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL)
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return buffer.getvalue()
