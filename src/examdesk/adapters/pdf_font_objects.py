"""PDF objects for text drawn with embedded fonts: a form XObject (a widget's appearance) whose
resources hold Type0 fonts (CIDFontType2, Identity-H, PDF 32000 §9.7) made from font subsets.

The objects are numbered from ``first_number`` so a filled copy can add them to its incremental
update; everything a viewer needs (widths, descriptor, ToUnicode) is in them."""

from __future__ import annotations

from typing import Any

from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)

from .pdf_unicode_text import DrawnText, EmbeddedFont

SYMBOLIC = 4  # font descriptor flag: the font has glyphs outside the standard Latin set


def _n(name: str) -> NameObject:
    return NameObject(name)


def _numbers(values) -> ArrayObject:
    return ArrayObject([FloatObject(round(v, 3)) for v in values])


def _stream(data: bytes, **entries: PdfObject) -> StreamObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    stream.update({_n(f"/{key}"): value for key, value in entries.items()})
    return stream.flate_encode()


class NewObjects:
    """Objects added to one filled copy, numbered from the base file's /Size upwards."""

    def __init__(self, first_number: int):
        self.next_number = first_number
        self.objects: list[tuple[int, PdfObject]] = []

    def add(self, obj: PdfObject) -> IndirectObject:
        number = self.next_number
        self.next_number += 1
        self.objects.append((number, obj))
        return IndirectObject(number, 0, None)


def _font(font: EmbeddedFont, new: NewObjects) -> IndirectObject:
    font_file = new.add(_stream(font.data, Length1=NumberObject(len(font.data))))
    descriptor = new.add(
        DictionaryObject(
            {
                _n("/Type"): _n("/FontDescriptor"),
                _n("/FontName"): _n(f"/{font.base_font}"),
                _n("/Flags"): NumberObject(SYMBOLIC),
                _n("/FontBBox"): _numbers(font.bbox),
                _n("/ItalicAngle"): NumberObject(0),
                _n("/Ascent"): FloatObject(round(font.ascent, 1)),
                _n("/Descent"): FloatObject(round(font.descent, 1)),
                _n("/CapHeight"): FloatObject(round(font.cap_height, 1)),
                _n("/StemV"): NumberObject(80),
                _n("/FontFile2"): font_file,
            }
        )
    )
    widths: list[Any] = []
    for glyph_id, width in sorted(font.widths.items()):
        widths += [NumberObject(glyph_id), ArrayObject([NumberObject(width)])]
    descendant = DictionaryObject(
        {
            _n("/Type"): _n("/Font"),
            _n("/Subtype"): _n("/CIDFontType2"),
            _n("/BaseFont"): _n(f"/{font.base_font}"),
            _n("/CIDSystemInfo"): DictionaryObject(
                {
                    _n("/Registry"): TextStringObject("Adobe"),
                    _n("/Ordering"): TextStringObject("Identity"),
                    _n("/Supplement"): NumberObject(0),
                }
            ),
            _n("/FontDescriptor"): descriptor,
            _n("/DW"): NumberObject(1000),
            _n("/W"): ArrayObject(widths),
            _n("/CIDToGIDMap"): _n("/Identity"),
        }
    )
    return new.add(
        DictionaryObject(
            {
                _n("/Type"): _n("/Font"),
                _n("/Subtype"): _n("/Type0"),
                _n("/BaseFont"): _n(f"/{font.base_font}"),
                _n("/Encoding"): _n("/Identity-H"),
                _n("/DescendantFonts"): ArrayObject([new.add(descendant)]),
                _n("/ToUnicode"): new.add(_stream(font.to_unicode)),
            }
        )
    )


def appearance_stream(drawn: DrawnText, width: float, height: float, new: NewObjects, frame: str = "") -> StreamObject:
    """A widget's normal appearance: ``frame`` (background, border), then ``drawn``; its fonts are
    added to ``new``."""
    fonts = DictionaryObject({_n(font.resource): _font(font, new) for font in drawn.fonts})
    stream = DecodedStreamObject()
    stream.set_data(f"{frame}\n".encode() + drawn.content if frame else drawn.content)
    stream.update(
        {
            _n("/Type"): _n("/XObject"),
            _n("/Subtype"): _n("/Form"),
            _n("/BBox"): _numbers((0, 0, width, height)),
            _n("/Resources"): DictionaryObject({_n("/Font"): fonts}),
        }
    )
    return stream
