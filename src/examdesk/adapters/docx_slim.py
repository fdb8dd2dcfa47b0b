"""A Word template without what no letter made from it needs, so each letter is a quarter of the size.

python-docx's default template (and Word's Normal template) brings about 160 style definitions,
their "latent" defaults and a second copy of them all for Word 2010 (``stylesWithEffects.xml``):
26 of a result letter's 36 kB. A district sending 100,000 letters writes every byte twice (the
document and the message that carries it), so this is most of a month's disk traffic. Kept: every
style the document, its headers, footers and numbering use (and the styles those are based on,
linked to or followed by), and the defaults. The template's thumbnail picture (of the template, not
of the letter) goes too. Word adds a built-in style again when someone applies it."""

from __future__ import annotations

import io
import zipfile

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
DROPPED_PARTS = ("word/stylesWithEffects.xml", "docProps/thumbnail.jpeg")
STYLE_REFERENCES = {f"{{{W}}}{name}" for name in ("pStyle", "rStyle", "tblStyle", "numStyleLink", "styleLink")}


def slim(raw: bytes) -> bytes:
    """``raw`` (a .docx) without unused styles, latent styles, the Word 2010 style copy and the
    thumbnail; a file it cannot read is left as it is (the template's own check reports it)."""
    try:
        return _slim(raw)
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError):
        return raw


def _slim(raw: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(raw)) as zin:
        names = zin.namelist()
        if "word/styles.xml" not in names:
            return raw
        used: set[str] = set()
        for name in names:
            if name.startswith("word/") and name.endswith(".xml") and name != "word/styles.xml":
                used.update(_style_references(zin.read(name)))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                if info.filename in DROPPED_PARTS:
                    continue
                data = zin.read(info.filename)
                if info.filename == "word/styles.xml":
                    data = _styles(data, used)
                elif info.filename in ("_rels/.rels", "word/_rels/document.xml.rels"):
                    data = _without(data, f"{{{REL}}}Relationship", "Target", DROPPED_TARGETS)
                elif info.filename == "[Content_Types].xml":
                    data = _without(data, f"{{{CT}}}Override", "PartName", {"/" + p for p in DROPPED_PARTS})
                zout.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _style_references(part: bytes) -> set[str]:
    """The style ids a part names (paragraphs, runs, tables, numbering), however it spells them."""
    return {node.get(f"{{{W}}}val") or "" for node in etree.fromstring(part).iter() if node.tag in STYLE_REFERENCES} - {
        ""
    }


DROPPED_TARGETS = {"stylesWithEffects.xml", "docProps/thumbnail.jpeg", "/docProps/thumbnail.jpeg"}


def _styles(data: bytes, used: set[str]) -> bytes:
    root = etree.fromstring(data)
    for latent in root.findall(f"{{{W}}}latentStyles"):
        root.remove(latent)
    styles = {s.get(f"{{{W}}}styleId"): s for s in root.findall(f"{{{W}}}style")}
    defaults = {sid for sid, s in styles.items() if s.get(f"{{{W}}}default") in ("1", "true", "on")}
    keep: set[str] = set()
    pending = list(used | defaults)
    while pending:  # a kept style keeps what it is based on, linked to, and followed by
        sid = pending.pop()
        if sid in keep or sid not in styles:
            continue
        keep.add(sid)
        for ref in ("basedOn", "link", "next"):
            node = styles[sid].find(f"{{{W}}}{ref}")
            if node is not None and node.get(f"{{{W}}}val"):
                pending.append(node.get(f"{{{W}}}val"))
    for sid, style in styles.items():
        if sid not in keep:
            root.remove(style)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _without(data: bytes, tag: str, attribute: str, values: set[str]) -> bytes:
    root = etree.fromstring(data)
    for node in root.findall(tag):
        if node.get(attribute) in values:
            root.remove(node)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
