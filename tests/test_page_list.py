"""The print edition's page numbers inside the EPUB: marker N is where printed page N begins."""

from __future__ import annotations

import re
import zipfile

import pytest
from lxml import etree

from tests.pdftext import page_lines

XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
NS = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops",
      "opf": "http://www.idpf.org/2007/opf"}


def letters(text: str) -> str:
    return re.sub(r"[\W_]+", "", text).lower()


def _spine_text_by_marker(epub) -> dict[str, str]:
    """The text that follows each page-break marker, to the end of the book."""
    with zipfile.ZipFile(epub) as archive:
        opf = etree.fromstring(archive.read("EPUB/content.opf"))
        hrefs = {i.get("id"): i.get("href") for i in opf.iterfind(".//opf:item", NS)}
        pieces = []
        for itemref in opf.iterfind(".//opf:itemref", NS):
            body = etree.fromstring(archive.read("EPUB/" + hrefs[itemref.get("idref")])) \
                .find(f"{XHTML}body")
            pieces += _walk(body)
    following, texts = {}, []
    for kind, value in pieces:
        if kind == "marker":
            following[value] = len(texts)
        else:
            texts.append(value)
    return {label: " ".join(texts[start:start + 40]) for label, start in following.items()}


def _walk(element):
    if element.get(EPUB_TYPE) == "pagebreak":
        yield "marker", element.get("aria-label")
    elif element.text:
        yield "text", element.text
    for child in element:
        yield from _walk(child)
        if child.tail:
            yield "text", child.tail



@pytest.fixture(scope="module")
def print_pages(any_book):
    from quire.manuscript import read_manuscript

    from tests.conftest import MODIFIED

    book = read_manuscript(any_book.manuscript, MODIFIED)[0]
    running = {book.metadata.title, "References"} | {c.title for c in book.chapters}
    return page_lines(any_book.pdf, running)


def test_page_list_lists_every_printed_page_in_order(any_book, print_pages):
    nav = any_book.epub_xml("EPUB/nav.xhtml")
    labels = nav.xpath("//x:nav[@epub:type='page-list']//x:a/text()", namespaces=NS)
    assert labels == [str(n) for n in range(1, len(print_pages) + 1)]
    assert nav.xpath("//x:nav[@epub:type='page-list']/@role", namespaces=NS) == ["doc-pagelist"]


def test_every_page_list_entry_points_at_its_marker(any_book):
    nav = any_book.epub_xml("EPUB/nav.xhtml")
    for link in nav.xpath("//x:nav[@epub:type='page-list']//x:a", namespaces=NS):
        name, _, fragment = link.get("href").partition("#")
        (marker,) = any_book.epub_xml(f"EPUB/{name}").xpath(f"//*[@id='{fragment}']")
        assert marker.get(EPUB_TYPE) == "pagebreak"
        assert marker.get("role") == "doc-pagebreak"
        assert marker.get("aria-label") == link.text


def test_each_marker_stands_where_its_printed_page_begins(any_book, print_pages):
    following = _spine_text_by_marker(any_book.epub)
    assert len(following) == len(print_pages)
    for number, lines in enumerate(print_pages, start=1):
        words = " ".join(lines).split()
        if not words:
            # A page left blank (a chapter opens on a right-hand page): nothing of the
            # book stands between its marker and the next one.
            assert letters(following[str(number)])[:100] == \
                letters(following[str(number + 1)])[:100], number
            continue
        start = letters(" ".join(words[:6]))
        after = letters(following[str(number)])
        # A page can begin inside a word hyphenated across pages: the marker then stands
        # before the word, so its first letters may come before the page's.
        position = after.find(start)
        assert 0 <= position < 15, (number, " ".join(words[:6]), following[str(number)][:80])


def test_package_names_the_source_of_its_page_numbers(any_book):
    """pageBreakSource and dc:source name the print edition, not the ebook itself."""
    opf = any_book.epub_xml("EPUB/content.opf")
    source = opf.xpath("//opf:meta[@property='pageBreakSource']/text()", namespaces=NS)
    dc = {"dc": "http://purl.org/dc/elements/1.1/"}
    own = opf.xpath("//dc:identifier/text()", namespaces=dc)
    assert len(source) == 1 and source[0].startswith("urn:") and source[0] not in own
    assert opf.xpath("//dc:source/text()", namespaces=dc) == source
