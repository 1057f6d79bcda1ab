"""The EPUB 2 NCX (toc.ncx) for older reading systems: the book's title, its depth, and a
pageList with the same print pages as the navigation document's page-list."""

from __future__ import annotations

import io
import zipfile

from lxml import etree

from quire.accessibility import accessibility_claims
from quire.manuscript import read_manuscript
from quire.writers.epub import write_epub

from tests.conftest import MODIFIED, ROOT, STYLES

NS = {"n": "http://www.daisy.org/z3986/2005/ncx/", "x": "http://www.w3.org/1999/xhtml",
      "epub": "http://www.idpf.org/2007/ops"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _meta(ncx, name: str) -> str:
    return ncx.find(f"n:head/n:meta[@name='{name}']", NS).get("content")


def _page_list(book) -> list[tuple[str, str]]:
    nav = book.epub_xml("EPUB/nav.xhtml")
    return [(a.text, a.get("href")) for a in nav.xpath(
        "//x:nav[@epub:type='page-list']//x:a", namespaces=NS)]


def test_ncx_has_the_title_and_language(any_book):
    ncx = any_book.epub_xml("EPUB/toc.ncx")
    opf = any_book.epub_xml("EPUB/content.opf")
    titles = opf.xpath("//*[local-name()='title']/text()")
    assert ncx.findtext("n:docTitle/n:text", namespaces=NS) == ": ".join(titles)
    assert ncx.get(XML_LANG) == opf.xpath("//*[local-name()='language']/text()")[0]
    assert _meta(ncx, "dtb:uid") == opf.xpath("//*[local-name()='identifier']/text()")[0]


def test_ncx_depth_is_that_of_its_nav_map(any_book):
    ncx = any_book.epub_xml("EPUB/toc.ncx")
    deepest = max(len(p.xpath("ancestor-or-self::n:navPoint", namespaces=NS))
                  for p in ncx.iterfind(".//n:navPoint", NS))
    assert int(_meta(ncx, "dtb:depth")) == deepest >= 2


def test_ncx_page_list_has_every_print_page_of_the_nav(any_book):
    ncx = any_book.epub_xml("EPUB/toc.ncx")
    pages = _page_list(any_book)
    targets = ncx.findall("n:pageList/n:pageTarget", NS)
    assert [(t.findtext("n:navLabel/n:text", namespaces=NS), t.find("n:content", NS).get("src"))
            for t in targets] == pages
    assert len(pages) == any_book.result.artifacts[0].pages  # the trade PDF's, made first
    assert all(t.get("type") == "normal" and t.get("value") == label
               for t, (label, _) in zip(targets, pages))
    assert _meta(ncx, "dtb:totalPageCount") == str(len(pages))
    assert _meta(ncx, "dtb:maxPageNumber") == str(max(int(label) for label, _ in pages))
    assert ncx.findtext("n:pageList/n:navLabel/n:text", namespaces=NS) == "Print page numbers"


def _position(book, src: str) -> tuple[int, int]:
    opf = book.epub_xml("EPUB/content.opf")
    hrefs = {i.get("id"): i.get("href") for i in opf.xpath("//*[local-name()='item']")}
    spine = [hrefs[r.get("idref")] for r in opf.xpath("//*[local-name()='itemref']")]
    name, _, fragment = src.partition("#")
    document = book.epub_xml(f"EPUB/{name}")
    elements = list(document.iter())
    return spine.index(name), elements.index(document.xpath(f"//*[@id='{fragment}']")[0])


def test_ncx_play_order_follows_reading_order(any_book):
    ncx = any_book.epub_xml("EPUB/toc.ncx")
    points = ncx.xpath("//n:navPoint | //n:pageTarget", namespaces=NS)
    by_target = {}
    for point in points:
        by_target.setdefault(point.find("n:content", NS).get("src"), set()).add(
            int(point.get("playOrder")))
    assert all(len(orders) == 1 for orders in by_target.values())  # one number a target
    ordered = sorted(by_target, key=lambda src: _position(any_book, src))
    assert [by_target[src].pop() for src in ordered] == list(range(1, len(ordered) + 1))


def test_epubcheck_passes_the_ncx(any_book):
    check = any_book.checks()["EPUBCheck"]
    assert check["passed"] and check["summary"] == "0 fatal, 0 errors, 0 warnings."


def test_without_print_pages_the_ncx_has_no_page_list():
    book, _ = read_manuscript(ROOT / "tests" / "fixtures" / "small-book", MODIFIED)
    data = write_epub(book, STYLES, accessibility_claims(book, None, None))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        ncx = etree.fromstring(archive.read("EPUB/toc.ncx"))
    assert ncx.find("n:pageList", NS) is None
    assert (_meta(ncx, "dtb:totalPageCount"), _meta(ncx, "dtb:maxPageNumber")) == ("0", "0")
    assert ncx.findtext("n:docTitle/n:text", namespaces=NS) == book.metadata.full_title
