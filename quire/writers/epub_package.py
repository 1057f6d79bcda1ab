"""Fixes to the container ebooklib 0.20 writes: package language and reproducible zip."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from lxml import etree

OPF_NS = "http://www.idpf.org/2007/opf"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def repackage(data: bytes, language: str, modified: dt.datetime) -> bytes:
    """Rewrite ebooklib's zip with the fixes below; the content is otherwise unchanged.

    - ``<package>`` gets ``xml:lang`` (ebooklib leaves it out; Ace reports ``epub-lang``).
    - ``file-as`` loses the ``marc:relators`` scheme ebooklib gives it (that scheme is
      for ``role``).
    - Every zip entry is dated ``modified`` instead of the time of the build, so that two
      builds with the same SOURCE_DATE_EPOCH are byte-identical.
    - ``mimetype`` stays the first entry, stored uncompressed (OCF 3.3, 4.3).
    """
    stamp = modified.astimezone(dt.timezone.utc).timetuple()[:6]
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename.endswith(".opf"):
                content = _fixed_package(content, language)
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.external_attr = 0o644 << 16
            if info.filename == "mimetype":
                entry.compress_type = zipfile.ZIP_STORED
            else:
                entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, content, compresslevel=9)
    return out.getvalue()


def _fixed_package(opf: bytes, language: str) -> bytes:
    root = etree.fromstring(opf)
    root.set(XML_LANG, language)
    for meta in root.iterfind(f".//{{{OPF_NS}}}meta[@property='file-as']"):
        meta.attrib.pop("scheme", None)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")
