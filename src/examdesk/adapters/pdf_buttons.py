"""Checkboxes and radio buttons that every viewer shows the same way.

Forms made by many tools rely on the viewer to draw ticks (NeedAppearances) with the ZapfDingbats
font, yet leave ``/ZaDb`` out of the form's resources: poppler then draws no tick at all. Some
leave a button's "on" appearance empty. Here: the font resource is added and an empty "on"
appearance gets a tick (or dot) drawn as paths (flattening then draws it: ``pdf_flatten``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pypdf import PageObject, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    StreamObject,
)

ZADB = NameObject("/ZaDb")
RADIO_FLAG = 1 << 15


def _n(name: str) -> NameObject:
    return NameObject(name)


def zapf_dingbats(writer: PdfWriter) -> IndirectObject:
    """The form's /ZaDb font (ZapfDingbats, one of the 14 standard fonts), added when missing."""
    acro_form: Any = writer.root_object["/AcroForm"].get_object()
    resources: Any = acro_form.setdefault(_n("/DR"), DictionaryObject()).get_object()
    fonts: Any = resources.setdefault(_n("/Font"), DictionaryObject()).get_object()
    if ZADB in fonts:
        return fonts.raw_get(ZADB)
    font = writer._add_object(
        DictionaryObject(
            {
                _n("/Type"): _n("/Font"),
                _n("/Subtype"): _n("/Type1"),
                _n("/BaseFont"): _n("/ZapfDingbats"),
                _n("/Name"): ZADB,
            }
        )
    )
    fonts[ZADB] = font
    return font


MAX_FIELD_DEPTH = 64  # deeper field trees (or a /Parent loop) are not forms a person filled


def inherited(dictionary: Any, key: str, default: Any = None) -> Any:
    """A field attribute from the widget or field itself, or the nearest parent field that has it."""
    for node in parents(dictionary):
        if key in node:
            return node[key]
    return default


def parents(dictionary: Any) -> Iterator[Any]:
    """The field itself, then its parent fields up to the root; a /Parent loop ends the walk."""
    node, depth = dictionary, 0
    while isinstance(node, DictionaryObject) and depth < MAX_FIELD_DEPTH:
        yield node
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
        depth += 1


def _is_button(annotation: Any) -> bool:
    return inherited(annotation, "/FT") == "/Btn"


def _is_radio(annotation: Any) -> bool:
    flags = inherited(annotation, "/Ff")
    return flags is not None and bool(int(flags) & RADIO_FLAG)


def button_widgets(page: PageObject) -> Iterator[Any]:
    annots: Any = page.get("/Annots", ArrayObject())
    for ref in annots:
        annotation = ref.get_object()
        if annotation.get("/Subtype") == "/Widget" and _is_button(annotation):
            yield annotation


def draw_empty_on_states(writer: PdfWriter) -> int:
    """Give every button "on" appearance that draws nothing a tick (checkbox) or a dot (radio).
    The form also gets its /ZaDb resource, for viewers that redraw buttons from /MK."""
    zapf_dingbats(writer)
    drawn = 0
    for page in writer.pages:
        for annotation in button_widgets(page):
            normal = annotation.get("/AP", DictionaryObject()).get("/N")
            if not isinstance(normal, DictionaryObject):
                continue
            for state in list(normal.keys()):
                if state == "/Off":
                    continue
                stream = normal[state].get_object()
                if isinstance(stream, StreamObject) and stream.get_data().strip():
                    continue
                normal[NameObject(state)] = writer._add_object(_mark(annotation, _is_radio(annotation)))
                drawn += 1
    return drawn


def _mark(annotation: Any, radio: bool) -> DecodedStreamObject:
    """A tick (checkbox) or a dot (radio) drawn as vector paths: no font needed, so every viewer
    draws it (a viewer without a ZapfDingbats font would draw nothing)."""
    x1, y1, x2, y2 = (float(v) for v in annotation["/Rect"])
    width, height = abs(x2 - x1), abs(y2 - y1)
    side = min(width, height)
    cx, cy = width / 2, height / 2
    if radio:
        r, k = side * 0.28, side * 0.28 * 0.5523  # a circle from four Bézier curves
        path = (
            f"{cx + r:.2f} {cy:.2f} m "
            f"{cx + r:.2f} {cy + k:.2f} {cx + k:.2f} {cy + r:.2f} {cx:.2f} {cy + r:.2f} c "
            f"{cx - k:.2f} {cy + r:.2f} {cx - r:.2f} {cy + k:.2f} {cx - r:.2f} {cy:.2f} c "
            f"{cx - r:.2f} {cy - k:.2f} {cx - k:.2f} {cy - r:.2f} {cx:.2f} {cy - r:.2f} c "
            f"{cx + k:.2f} {cy - r:.2f} {cx + r:.2f} {cy - k:.2f} {cx + r:.2f} {cy:.2f} c f"
        )
    else:
        s = side * 0.35
        path = (
            f"{side * 0.12:.2f} w 1 J 1 j {cx - s:.2f} {cy:.2f} m {cx - s * 0.3:.2f} {cy - s * 0.7:.2f} l "
            f"{cx + s:.2f} {cy + s * 0.8:.2f} l S"
        )
    stream = DecodedStreamObject()
    stream.set_data(f"q 0 g 0 G {path} Q".encode())
    stream.update(
        {
            _n("/Type"): _n("/XObject"),
            _n("/Subtype"): _n("/Form"),
            _n("/BBox"): ArrayObject([FloatObject(0), FloatObject(0), FloatObject(width), FloatObject(height)]),
        }
    )
    return stream
