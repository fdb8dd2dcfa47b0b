"""Flattening that keeps what a viewer showed: each widget's own current appearance stream (a text
field's drawing, a checkbox's or radio button's /AS state) is drawn into its page as a form
XObject. Redrawing values from /V instead would lose the embedded fonts of non-Latin text and,
in pypdf, draw a radio group's widgets from the group's value rather than each widget's state."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pypdf import PageObject, PdfWriter
from pypdf.generic import ArrayObject, ContentStream, DictionaryObject, IndirectObject, NameObject, StreamObject

HIDDEN_ANNOTATION = 2


def widgets(page: PageObject) -> Iterator[Any]:
    annots: Any = page.get("/Annots", ArrayObject())
    for ref in annots:
        annotation = ref.get_object()
        if isinstance(annotation, DictionaryObject) and annotation.get("/Subtype") == "/Widget":
            yield annotation


def current_appearance(annotation: Any) -> Any:
    """The widget's normal appearance as shown now (a reference or a stream), or None."""
    appearance = annotation.get("/AP")
    normal = appearance.get_object().raw_get("/N") if appearance is not None and "/N" in appearance else None
    if normal is None:
        return None
    resolved = normal.get_object()
    if isinstance(resolved, StreamObject):
        return normal
    if isinstance(resolved, DictionaryObject):
        state = annotation.get("/AS", NameObject("/Off"))
        return resolved.raw_get(state) if state in resolved else None
    return None


def flatten_appearances(writer: PdfWriter) -> None:
    """Draw every visible widget's current appearance into its page (widgets are left in place:
    the caller removes them)."""
    for page in writer.pages:
        commands = []
        xobjects = DictionaryObject()
        for number, annotation in enumerate(widgets(page)):
            if int(annotation.get("/F", 0)) & HIDDEN_ANNOTATION:
                continue
            stream = current_appearance(annotation)
            if stream is None:
                continue
            if not isinstance(stream, IndirectObject):
                stream = writer._add_object(stream)
            target: Any = stream.get_object()
            bbox = target.get("/BBox", ArrayObject([0, 0, 0, 0]))
            left, bottom, right, top = (float(v) for v in annotation["/Rect"])
            x1, y1 = min(left, right), min(bottom, top)
            name = f"/ExdWidget{number}"
            xobjects[NameObject(name)] = stream
            commands.append(f"q 1 0 0 1 {x1 - float(bbox[0]):.3f} {y1 - float(bbox[1]):.3f} cm {name} Do Q")
        if not commands:
            continue
        resources: Any = page.setdefault(NameObject("/Resources"), DictionaryObject()).get_object()
        existing: Any = resources.setdefault(NameObject("/XObject"), DictionaryObject()).get_object()
        existing.update(xobjects)
        contents = page.get_contents()
        data = contents.get_data() if contents is not None else b""
        content = ContentStream(None, writer)
        # the page content is wrapped in q/Q so a graphics state it leaves changed does not move the widgets
        content.set_data(b"q\n" + data + b"\nQ\n" + "\n".join(commands).encode())
        page.replace_contents(content)
