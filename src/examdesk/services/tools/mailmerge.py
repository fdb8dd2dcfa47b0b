"""General mail merge: one Word document per record of a JSON list or a CSV/XLSX table."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ...adapters.fastdocx import CompiledTemplate
from ...adapters.files import make_private_dir
from ...adapters.tables import TableReadError, read_table
from ...domain.documents import safe_filename
from ...errors import InputDataError, TemplateError
from ...progress import track


class MergeInputError(InputDataError):
    """Merge data that cannot be read as records."""


@dataclass
class MergeResult:
    written: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    fast: bool = True


def unflatten(row: dict) -> dict:
    """Columns named like 'guardian.name' become nested values: {'guardian': {'name': ...}}."""
    out: dict = {}
    for key, value in row.items():
        node = out
        *parents, last = str(key).split(".")
        for p in parents:
            node = node.setdefault(p, {})
            if not isinstance(node, dict):
                raise MergeInputError(f"column {key!r} clashes with column {p!r}")
        node[last] = value
    return out


def load_records(path: Path) -> list[tuple[str, dict]]:
    """(label, record) pairs; labels say where a record came from (row N / object N)."""
    if not path.is_file():
        raise MergeInputError(f"{path}: data file not found")
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise MergeInputError(f"{path}: not valid JSON ({exc})") from None
        if not isinstance(data, list) or not all(isinstance(d, dict) for d in data):
            raise MergeInputError(f"{path}: expected a JSON list of objects")
        return [(f"object {i}", d) for i, d in enumerate(data, start=1)]
    try:
        _, rows = read_table(path)
        return [(f"row {n}", unflatten(r)) for n, r in rows]
    except TableReadError as exc:
        raise MergeInputError(str(exc)) from None


def output_stem(
    record: dict, label: str, name_field: str | None, default: str, used: set[str], data_name: str, problems: list[str]
) -> str:
    """A file name for one record: from ``name_field`` (dotted) when given, unique within ``used``."""
    stem = default
    if name_field:
        value: object = record
        for part in name_field.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if value in (None, ""):
            problems.append(f"{data_name}, {label}: no value in name field {name_field!r}; named {stem}")
        else:
            stem = safe_filename(str(value))
    name, n = stem, 2
    while name in used:
        name, n = f"{stem}-{n}", n + 1
    used.add(name)
    return name


def merge(template: Path, data: Path, out_dir: Path, name_field: str | None = None) -> MergeResult:
    if not template.is_file():
        raise MergeInputError(f"{template}: template not found")
    compiled = CompiledTemplate(template)
    records = load_records(data)
    make_private_dir(out_dir)
    result = MergeResult(fast=compiled.fast)
    used: set[str] = set()
    for index, (label, record) in enumerate(track(records, f"rendering {len(records)} document(s)"), start=1):
        name = output_stem(record, label, name_field, f"{template.stem}_{index:05d}", used, data.name, result.problems)
        try:
            content = compiled.render(record)
        except TemplateError as exc:
            result.problems.append(f"{data.name}, {label}: {exc}")
            continue
        path = out_dir / f"{name}.docx"
        path.write_bytes(content)
        result.written.append(path)
    return result
