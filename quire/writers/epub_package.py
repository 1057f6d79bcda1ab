"""Fixes to the container ebooklib 0.20 writes: package language, a complete NCX, and a
reproducible zip."""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import zipfile

from lxml import etree

OPF_NS = "http://www.idpf.org/2007/opf"
NCX_NS = "http://www.daisy.org/z3986/2005/ncx/"
XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def repackage(data: bytes, language: str, modified: dt.datetime, title: str = "") -> bytes:
    """Rewrite ebooklib's zip with the fixes below; the content is otherwise unchanged.

    - ``<package>`` gets ``xml:lang`` (ebooklib leaves it out; Ace reports ``epub-lang``).
    - ``file-as`` loses the ``marc:relators`` scheme ebooklib gives it (that scheme is
      for ``role``).
    - The EPUB 2 NCX (``toc.ncx``) gets the book's ``title`` as its ``docTitle`` (ebooklib
      leaves it empty), its depth, and a ``pageList`` with the targets of the navigation
      document's page-list (see :func:`_fixed_ncx`).
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
            elif info.filename.endswith(".ncx"):
                content = _fixed_ncx(content, source, info.filename, language, title)
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


def _fixed_ncx(ncx: bytes, source: zipfile.ZipFile, name: str, language: str,
               title: str) -> bytes:
    """ebooklib's NCX, completed for EPUB 2 reading systems (NCX, ANSI/NISO Z39.86-2005).

    ``docTitle`` is the book's title; ``dtb:depth`` the depth of the navMap; a
    ``pageList`` has one ``pageTarget`` per print page, the same targets, in the same order,
    as the navigation document's page-list, with ``dtb:totalPageCount`` and
    ``dtb:maxPageNumber`` to match. ``playOrder`` follows reading order over navPoints and
    pageTargets together, one number per distinct target (a navPoint and a pageTarget that
    point to the same place share it).
    """
    root = etree.fromstring(ncx)
    ns = {"n": NCX_NS}
    root.set(XML_LANG, language)
    root.find("n:docTitle/n:text", ns).text = title
    nav_map = root.find("n:navMap", ns)
    pages = _page_list(source, name)
    metas = {m.get("name"): m for m in root.iterfind("n:head/n:meta", ns)}
    metas["dtb:depth"].set("content", str(_depth(nav_map)))
    numbers = [int(label) for label, _ in pages if label.isdigit()]
    metas["dtb:totalPageCount"].set("content", str(len(pages)))
    metas["dtb:maxPageNumber"].set("content", str(max(numbers, default=0)))
    if pages:
        page_list = etree.Element(f"{{{NCX_NS}}}pageList")
        label = etree.SubElement(page_list, f"{{{NCX_NS}}}navLabel")
        etree.SubElement(label, f"{{{NCX_NS}}}text").text = "Print page numbers"
        for number, (text, href) in enumerate(pages, start=1):
            attributes = {"id": f"page-target-{number}",
                          "type": "normal" if text.isdigit() else "front"}
            if text.isdigit():
                attributes["value"] = text
            target = etree.SubElement(page_list, f"{{{NCX_NS}}}pageTarget", attributes)
            label = etree.SubElement(target, f"{{{NCX_NS}}}navLabel")
            etree.SubElement(label, f"{{{NCX_NS}}}text").text = text
            etree.SubElement(target, f"{{{NCX_NS}}}content", {"src": href})
        nav_map.addnext(page_list)
    _play_order(root, _reading_order(source, posixpath.dirname(name)))
    etree.indent(root, space="  ")
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def _page_list(source: zipfile.ZipFile, ncx_name: str) -> list[tuple[str, str]]:
    """(label, href relative to the NCX) of every entry of the nav's page-list."""
    folder = posixpath.dirname(ncx_name)
    nav_name = next((n for n in source.namelist() if n.endswith(".xhtml")
                     and b'epub:type="page-list"' in source.read(n)), None)
    if nav_name is None:
        return []
    nav = etree.fromstring(source.read(nav_name))
    base = posixpath.dirname(nav_name)
    pages = []
    for link in nav.iterfind(f".//{{{XHTML_NS}}}nav[@{EPUB_TYPE}='page-list']"
                             f"//{{{XHTML_NS}}}a"):
        href = link.get("href")
        path, _, fragment = href.partition("#")
        target = posixpath.normpath(posixpath.join(base, path)) if path else nav_name
        relative = posixpath.relpath(target, folder or ".")
        pages.append(("".join(link.itertext()).strip(), f"{relative}#{fragment}"))
    return pages


def _depth(element: etree._Element, level: int = 0) -> int:
    points = element.findall(f"{{{NCX_NS}}}navPoint")
    return max((_depth(point, level + 1) for point in points), default=level)


def _reading_order(source: zipfile.ZipFile, folder: str) -> dict[str, tuple[int, int]]:
    """Each ``file#id`` (and ``file``), relative to ``folder``, -> its place in reading
    order: the spine position of its file and the element's position in that file."""
    container = etree.fromstring(source.read("META-INF/container.xml"))
    opf_name = container.xpath("//*[local-name()='rootfile']/@full-path")[0]
    opf = etree.fromstring(source.read(opf_name))
    base = posixpath.dirname(opf_name)
    hrefs = {item.get("id"): item.get("href") for item in opf.iterfind(
        f"{{{OPF_NS}}}manifest/{{{OPF_NS}}}item")}
    places = {}
    for spine_index, ref in enumerate(opf.iterfind(f"{{{OPF_NS}}}spine/{{{OPF_NS}}}itemref")):
        path = posixpath.normpath(posixpath.join(base, hrefs[ref.get("idref")]))
        relative = posixpath.relpath(path, folder or ".")
        places[relative] = (spine_index, -1)
        document = etree.fromstring(source.read(path))
        for index, element in enumerate(document.iter()):
            if element.get("id"):
                places[f"{relative}#{element.get('id')}"] = (spine_index, index)
    return places


def _play_order(root: etree._Element, places: dict[str, tuple[int, int]]) -> None:
    """``playOrder`` 1, 2 … over navPoints and pageTargets, by their target's place."""
    points = [e for e in root.iter(f"{{{NCX_NS}}}navPoint", f"{{{NCX_NS}}}pageTarget")]
    sources = {id(p): p.find(f"{{{NCX_NS}}}content").get("src") for p in points}
    missing = [src for src in sources.values() if src not in places]
    if missing:
        raise ValueError(f"the NCX points at {missing[0]}, which is not in the spine")
    order = {src: number for number, src in enumerate(
        sorted(set(sources.values()), key=lambda s: places[s]), start=1)}
    for point in points:
        point.set("playOrder", str(order[sources[id(point)]]))
