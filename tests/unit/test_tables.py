"""Reading CSV tables from the file, chunk by chunk: the same rows and the same errors as reading the
whole text at once, wherever the chunks happen to split the file."""

from __future__ import annotations

import pytest

from examdesk.adapters import tables
from examdesk.adapters.tables import TableReadError, read_table

ROWS = [["student_id", "first_name", "note"], ["1001", "Renée", "a, b"], ["1002", "Zoë", "line one\nline two"]]


def csv_text(rows: list[list[str]], delimiter: str = ",") -> str:
    def cell(value: str) -> str:
        return f'"{value}"' if delimiter in value or "\n" in value else value

    return "\r\n".join(delimiter.join(cell(v) for v in row) for row in rows) + "\r\n"


@pytest.fixture(params=[1, 2, 3, 7, 1 << 20])
def chunk(request, monkeypatch):
    """Chunks as small as one byte split every multi-byte character somewhere."""
    monkeypatch.setattr(tables, "CHECK_CHUNK", request.param)
    return request.param


@pytest.mark.parametrize(("encoding", "delimiter"), [("utf-8", ","), ("utf-8-sig", ","), ("utf-16", "\t")])
def test_rows_are_the_same_whatever_the_chunks(tmp_path, chunk, encoding, delimiter):
    path = tmp_path / "students.csv"
    path.write_bytes(csv_text(ROWS, delimiter).encode(encoding))
    header, rows = read_table(path)
    assert header == ROWS[0]
    assert list(rows) == [(n, dict(zip(ROWS[0], row, strict=True))) for n, row in ((2, ROWS[1]), (3, ROWS[2]))]


def test_a_byte_that_is_not_utf8_is_named_at_its_position_in_the_file(tmp_path, chunk):
    data = (csv_text(ROWS) * 50).encode("utf-8") + "Müller,1003\r\n".encode("cp1252")
    path = tmp_path / "students.csv"
    path.write_bytes(data)
    with pytest.raises(UnicodeDecodeError) as whole:
        data.decode("utf-8")
    with pytest.raises(TableReadError) as exc:
        read_table(path)
    assert f"byte 0xFC at position {whole.value.start} is not UTF-8" in str(exc.value)


def test_a_file_cut_inside_a_character_is_refused(tmp_path, chunk):
    path = tmp_path / "students.csv"
    path.write_bytes(csv_text(ROWS).encode("utf-8") + "é".encode()[:1])
    with pytest.raises(TableReadError, match="not UTF-8 text"):
        read_table(path)


def test_nul_bytes_anywhere_are_refused(tmp_path, chunk):
    path = tmp_path / "students.csv"
    path.write_bytes(csv_text(ROWS * 20).encode("utf-8") + b"\x00\x01")
    with pytest.raises(TableReadError, match="NUL bytes"):
        read_table(path)


def test_the_rows_open_the_file_only_when_asked_for(tmp_path):
    """A caller that stops at the header (a missing column) has no file left open by the rows."""
    path = tmp_path / "students.csv"
    path.write_text(csv_text(ROWS), encoding="utf-8")
    header, rows = read_table(path)
    path.unlink()
    assert header == ROWS[0]
    with pytest.raises(FileNotFoundError):
        next(rows)
