"""Fillable PDFs that examdesk did not make (ours come from reportlab): built here object by object
with pypdf, the way other tools lay them out — nested fields, LiveCycle-style names
("form1[0].page1[0]..."), a checkbox whose on-state is /On, a radio group with numeric states,
a choice field with [export, display] options, and text widgets without appearance streams."""

from __future__ import annotations

import io

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)


def _n(name: str) -> NameObject:
    return NameObject(name)


def _rect(x: float, y: float, w: float, h: float) -> ArrayObject:
    return ArrayObject([FloatObject(x), FloatObject(y), FloatObject(x + w), FloatObject(y + h)])


def build_foreign_form(on_state: str = "On", empty_on: bool = False) -> bytes:
    """``empty_on``: the checkbox's on-state appearance draws nothing, as some tools leave it."""
    writer = PdfWriter()
    page = writer.add_blank_page(612, 792)
    page_ref = page.indirect_reference
    font = writer._add_object(
        DictionaryObject(
            {
                _n("/Type"): _n("/Font"),
                _n("/Subtype"): _n("/Type1"),
                _n("/BaseFont"): _n("/Helvetica"),
                _n("/Encoding"): _n("/WinAnsiEncoding"),
            }
        )
    )

    def appearance(content: bytes) -> object:
        stream = DecodedStreamObject()
        stream.set_data(content)
        stream.update(
            {
                _n("/Type"): _n("/XObject"),
                _n("/Subtype"): _n("/Form"),
                _n("/BBox"): _rect(0, 0, 12, 12),
            }
        )
        return writer._add_object(stream)

    annots = ArrayObject()
    top_fields = ArrayObject()

    def add(obj: DictionaryObject, parent=None, top: bool = False):
        ref = writer._add_object(obj)
        if parent is not None:
            obj[_n("/Parent")] = parent
            parent.get_object().setdefault(_n("/Kids"), ArrayObject()).append(ref)
        if top:
            top_fields.append(ref)
        return ref

    def text_widget(name: str, y: float, parent=None, top=False):
        widget = DictionaryObject(
            {
                _n("/Type"): _n("/Annot"),
                _n("/Subtype"): _n("/Widget"),
                _n("/FT"): _n("/Tx"),
                _n("/T"): TextStringObject(name),
                _n("/Rect"): _rect(72, y, 250, 20),
                _n("/DA"): TextStringObject("/Helv 10 Tf 0 g"),
                _n("/F"): NumberObject(4),
                _n("/P"): page_ref,
            }
        )
        ref = add(widget, parent, top)
        annots.append(ref)
        return ref

    student = add(DictionaryObject({_n("/T"): TextStringObject("student")}), top=True)
    text_widget("name", 700, student)
    address = add(DictionaryObject({_n("/T"): TextStringObject("address")}), student)
    text_widget("city", 670, address)

    form1 = add(DictionaryObject({_n("/T"): TextStringObject("form1[0]")}), top=True)
    page1 = add(DictionaryObject({_n("/T"): TextStringObject("page1[0]")}), form1)
    text_widget("signed[0]", 640, page1)

    checkbox = DictionaryObject(
        {
            _n("/Type"): _n("/Annot"),
            _n("/Subtype"): _n("/Widget"),
            _n("/FT"): _n("/Btn"),
            _n("/T"): TextStringObject("consent"),
            _n("/Rect"): _rect(72, 610, 12, 12),
            _n("/V"): _n("/Off"),
            _n("/AS"): _n("/Off"),
            _n("/F"): NumberObject(4),
            _n("/P"): page_ref,
            _n("/AP"): DictionaryObject(
                {
                    _n("/N"): DictionaryObject(
                        {
                            _n(f"/{on_state}"): appearance(b"" if empty_on else b"0 g 2 2 8 8 re f"),
                            _n("/Off"): appearance(b""),
                        }
                    )
                }
            ),
        }
    )
    annots.append(add(checkbox, top=True))

    radio = add(
        DictionaryObject(
            {
                _n("/FT"): _n("/Btn"),
                _n("/Ff"): NumberObject(1 << 15 | 1 << 14),
                _n("/T"): TextStringObject("level"),
                _n("/V"): _n("/Off"),
            }
        ),
        top=True,
    )
    for i, state in enumerate(("1", "2", "3")):
        kid = DictionaryObject(
            {
                _n("/Type"): _n("/Annot"),
                _n("/Subtype"): _n("/Widget"),
                _n("/Rect"): _rect(72 + 30 * i, 580, 12, 12),
                _n("/AS"): _n("/Off"),
                _n("/F"): NumberObject(4),
                _n("/P"): page_ref,
                _n("/AP"): DictionaryObject(
                    {
                        _n("/N"): DictionaryObject(
                            {_n(f"/{state}"): appearance(b"0 g 3 3 6 6 re f"), _n("/Off"): appearance(b"")}
                        )
                    }
                ),
            }
        )
        annots.append(add(kid, radio))

    choice = DictionaryObject(
        {
            _n("/Type"): _n("/Annot"),
            _n("/Subtype"): _n("/Widget"),
            _n("/FT"): _n("/Ch"),
            _n("/Ff"): NumberObject(1 << 17),  # combo box
            _n("/T"): TextStringObject("grade"),
            _n("/Opt"): ArrayObject(
                [
                    ArrayObject([TextStringObject(code), TextStringObject(f"Grade {int(code)}")])
                    for code in ("03", "04", "05")
                ]
            ),
            _n("/Rect"): _rect(72, 540, 100, 20),
            _n("/DA"): TextStringObject("/Helv 10 Tf 0 g"),
            _n("/F"): NumberObject(4),
            _n("/P"): page_ref,
        }
    )
    annots.append(add(choice, top=True))

    page[_n("/Annots")] = annots
    writer.root_object[_n("/AcroForm")] = writer._add_object(
        DictionaryObject(
            {
                _n("/Fields"): top_fields,
                _n("/DA"): TextStringObject("/Helv 10 Tf 0 g"),
                _n("/DR"): DictionaryObject({_n("/Font"): DictionaryObject({_n("/Helv"): font})}),
                _n("/NeedAppearances"): BooleanObject(True),
            }
        )
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def build_plain_pdf() -> bytes:
    """A PDF with no fields at all."""
    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
