"""The language and the document properties every Word file carries.

Word and LibreOffice pick fonts and glyph variants by the text's language (``w:lang``): a
Traditional Chinese letter marked en-US is drawn with Japanese glyph variants. Templates made with
python-docx also say they were written by "python-docx" in 2013. Each template is stamped once, when
it is first used in a run: its language in the document defaults, the district as author, the run's
time as created and modified."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CORE = {
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}
# examdesk language -> (w:val for Latin text, w:eastAsia, w:bidi), as Word writes them
WORD_LANGUAGES = {
    "en": ("en-US", "en-US", "ar-SA"),
    "es": ("es-US", "en-US", "ar-SA"),
    "vi": ("vi-VN", "en-US", "ar-SA"),
    "fil": ("fil-PH", "en-US", "ar-SA"),
    "zh-Hant": ("zh-TW", "zh-TW", "ar-SA"),
    "ko": ("ko-KR", "ko-KR", "ar-SA"),
    "ar": ("ar-SA", "en-US", "ar-SA"),
    "ru": ("ru-RU", "en-US", "ar-SA"),
    "hy": ("hy-AM", "en-US", "ar-SA"),
    "pa": ("pa-IN", "en-US", "pa-IN"),
}


def word_language(language: str) -> tuple[str, str, str]:
    return WORD_LANGUAGES.get(language, (language, "en-US", "ar-SA"))


def stamp(raw: bytes, language: str, author: str, created: datetime) -> bytes:
    """``raw`` with its default text language, author and creation time set."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "word/styles.xml":
                data = _styles(data, language)
            elif info.filename == "docProps/core.xml":
                data = _core(data, language, author, created)
            zout.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _styles(data: bytes, language: str) -> bytes:
    root = etree.fromstring(data)
    defaults = _child(root, "docDefaults", first=True)
    rpr = _child(_child(defaults, "rPrDefault"), "rPr")
    lang = _child(rpr, "lang")
    for attribute, value in zip(("val", "eastAsia", "bidi"), word_language(language), strict=True):
        lang.set(f"{{{W}}}{attribute}", value)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _child(parent, name: str, first: bool = False):
    node = parent.find(f"{{{W}}}{name}")
    if node is None:
        node = etree.Element(f"{{{W}}}{name}")
        if first:
            parent.insert(0, node)
        else:
            parent.append(node)
    return node


def _core(data: bytes, language: str, author: str, created: datetime) -> bytes:
    root = etree.fromstring(data)
    stamp_time = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    values = {
        ("dc", "creator"): author,
        ("cp", "lastModifiedBy"): author,
        ("dc", "description"): "",
        ("dc", "language"): word_language(language)[0],
        ("dcterms", "created"): stamp_time,
        ("dcterms", "modified"): stamp_time,
    }
    for (prefix, name), value in values.items():
        node = root.find(f"{{{CORE[prefix]}}}{name}")
        if node is None:
            node = etree.SubElement(root, f"{{{CORE[prefix]}}}{name}")
        node.text = value
        if prefix == "dcterms":
            node.set(f"{{{CORE['xsi']}}}type", "dcterms:W3CDTF")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
