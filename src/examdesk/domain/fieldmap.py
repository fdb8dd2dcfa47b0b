"""Field maps: which data goes into which field of a PDF form, and how a returned copy is read.

A map is data (YAML beside the form). Each field's value is a Jinja expression evaluated
against one record (``person.first_name``, ``site.code``, ``box == "ta"``, ``row["Last Name"]``):
text fields take its text, checkboxes its truth, radio groups and choice fields the option it
names. ``{value: EXPR, format: date}`` formats a date the district's way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date, datetime

from jinja2 import StrictUndefined, TemplateSyntaxError, Undefined, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from ..errors import TemplateError

FORMATS = ("text", "date")
_ENV = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)


class FieldMapError(TemplateError):
    """A wrong field map or a record the map cannot read; names the map, the field and the row."""


@dataclass(frozen=True)
class FieldRule:
    field: str
    expression: str
    format: str = "text"
    evaluate: Callable[..., object] = dataclass_field(compare=False, repr=False, default=lambda **_: None)


@dataclass(frozen=True)
class ReturnFields:
    """Fields read back from a returned copy (all optional)."""

    name: tuple[str, ...] = ()  # joined with spaces, e.g. first and last name
    email: str | None = None
    role: tuple[str, ...] = ()  # checkboxes/radios whose ticked label is the role
    signed_date: str | None = None
    agreed: str | None = None  # the checkbox that says "I agree"


@dataclass(frozen=True)
class FieldMap:
    source: str  # the map's file, for messages
    form: str  # the PDF's file name, next to the map
    title: str
    rules: tuple[FieldRule, ...]
    document_id: str | None = None  # the hidden field carrying examdesk's document id
    returns: ReturnFields = ReturnFields()

    @classmethod
    def from_dict(cls, data: object, source: str) -> FieldMap:
        if not isinstance(data, Mapping):
            raise FieldMapError(f"{source}: expected a mapping with 'form' and 'fields'")
        unknown = set(data) - {"form", "title", "document_id", "fields", "returns"}
        if unknown:
            raise FieldMapError(f"{source}: unknown key(s) {', '.join(sorted(map(str, unknown)))}")
        if not isinstance(data.get("form"), str):
            raise FieldMapError(f"{source}: 'form' must name the PDF file")
        fields = data.get("fields")
        if not isinstance(fields, Mapping) or not fields:
            raise FieldMapError(f"{source}: 'fields' must map form fields to data")
        rules = tuple(_rule(str(name), spec, source) for name, spec in fields.items())
        return cls(
            source=source,
            form=data["form"],
            title=str(data.get("title") or data["form"]),
            rules=rules,
            document_id=data.get("document_id"),
            returns=_returns(data.get("returns") or {}, source),
        )

    @property
    def comes_back(self) -> bool:
        """Whether signed copies are expected back (the map says how to read them)."""
        return self.returns != ReturnFields()

    def field_names(self) -> set[str]:
        names = {r.field for r in self.rules}
        if self.document_id:
            names.add(self.document_id)
        r = self.returns
        names.update(r.name)
        names.update(r.role)
        names.update(f for f in (r.email, r.signed_date, r.agreed) if f)
        return names

    def values(
        self, record: Mapping, row: str, format_date: Callable[[date], str], document_id: str | None = None
    ) -> dict[str, object]:
        """The form's field values for one record; ``row`` says where the record came from."""
        context = {**record, "row": record}
        out: dict[str, object] = {}
        for rule in self.rules:
            try:
                value = rule.evaluate(**context)
                if isinstance(value, Undefined):  # a missing name at the end of the expression
                    value._fail_with_undefined_error()
            except UndefinedError as exc:
                raise FieldMapError(f"{self.source}, field {rule.field!r}, {row}: {exc.message}") from None
            except Exception as exc:  # an expression failing on odd data (e.g. None + 1) is a data problem
                raise FieldMapError(f"{self.source}, field {rule.field!r}, {row}: {exc}") from None
            out[rule.field] = _formatted(value, rule, format_date, f"{self.source}, field {rule.field!r}, {row}")
        if self.document_id and document_id is not None:
            out[self.document_id] = document_id
        return out


def _rule(name: str, spec: object, source: str) -> FieldRule:
    fmt = "text"
    if isinstance(spec, Mapping):
        unknown = set(spec) - {"value", "format"}
        if unknown or "value" not in spec:
            raise FieldMapError(f"{source}, field {name!r}: expected {{value: EXPRESSION, format: text|date}}")
        fmt = str(spec.get("format", "text"))
        spec = spec["value"]
    if fmt not in FORMATS:
        raise FieldMapError(f"{source}, field {name!r}: unknown format {fmt!r} (expected {' or '.join(FORMATS)})")
    if isinstance(spec, bool | int | float):
        spec = repr(spec) if not isinstance(spec, bool) else str(spec).lower()
    if not isinstance(spec, str) or not spec.strip():
        raise FieldMapError(f"{source}, field {name!r}: the value must be an expression, e.g. person.last_name")
    try:
        evaluate = _ENV.compile_expression(spec, undefined_to_none=False)
    except TemplateSyntaxError as exc:
        raise FieldMapError(f"{source}, field {name!r}: {spec!r} is not a valid expression ({exc.message})") from None
    return FieldRule(name, spec, fmt, evaluate)


def _returns(data: object, source: str) -> ReturnFields:
    if not isinstance(data, Mapping):
        raise FieldMapError(f"{source}: 'returns' must be a mapping")
    unknown = set(data) - {"name", "email", "role", "signed_date", "agreed"}
    if unknown:
        raise FieldMapError(f"{source}, returns: unknown key(s) {', '.join(sorted(unknown))}")

    def names(key: str) -> tuple[str, ...]:
        value = data.get(key) or ()
        return (value,) if isinstance(value, str) else tuple(str(v) for v in value)

    return ReturnFields(
        name=names("name"),
        email=data.get("email"),
        role=names("role"),
        signed_date=data.get("signed_date"),
        agreed=data.get("agreed"),
    )


def _formatted(value: object, rule: FieldRule, format_date: Callable[[date], str], where: str) -> object:
    if value is None:
        return ""
    if rule.format == "date":
        if value == "":
            return ""
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value.strip())
            except ValueError:
                raise FieldMapError(f"{where}: {value!r} is not a date (expected YYYY-MM-DD)") from None
        if not isinstance(value, date):
            raise FieldMapError(f"{where}: {value!r} is not a date")
        return format_date(value)
    if isinstance(value, bool):
        return value
    return value if isinstance(value, str) else str(value)
