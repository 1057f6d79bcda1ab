"""Each accessibility claim in the EPUB package holds on the built file."""

from __future__ import annotations

import re
import zipfile

import pytest
from lxml import etree

NS = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops",
      "opf": "http://www.idpf.org/2007/opf"}


def _meta(book, prop: str) -> list[str]:
    return book.epub_xml("EPUB/content.opf").xpath(
        f"//opf:meta[@property='{prop}']/text()", namespaces=NS)


def _content_documents(book) -> list[etree._Element]:
    opf = book.epub_xml("EPUB/content.opf")
    hrefs = {i.get("id"): i.get("href") for i in opf.iterfind(".//opf:item", NS)}
    return [book.epub_xml("EPUB/" + hrefs[i.get("idref")])
            for i in opf.iterfind(".//opf:itemref", NS)]


def _images(book) -> list[etree._Element]:
    return [img for html in _content_documents(book) for img in html.iter(f"{{{NS['x']}}}img")]


def test_conformance_claim_and_certifier(any_book):
    assert _meta(any_book, "dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.2 Level AA"]
    assert len(_meta(any_book, "a11y:certifiedBy")) == 1


def test_access_mode_visual_only_with_images(any_book):
    modes = _meta(any_book, "schema:accessMode")
    assert "textual" in modes
    assert ("visual" in modes) == bool(_images(any_book))


def test_textual_access_suffices_because_every_image_has_alt_text(any_book):
    assert "textual" in _meta(any_book, "schema:accessModeSufficient")
    assert all((img.get("alt") or "").strip() for img in _images(any_book))


def test_alternative_text_claimed_exactly_when_there_are_images_all_described(any_book):
    features = _meta(any_book, "schema:accessibilityFeature")
    images = _images(any_book)
    described = bool(images) and all((i.get("alt") or "").strip() for i in images)
    assert ("alternativeText" in features) == described


def test_guide_has_one_image_its_cover_and_says_so(guide):
    (image,) = _images(guide)
    assert image.get("src") == "cover.jpg" and image.get("alt").startswith("Cover: ")
    assert _meta(guide, "schema:accessMode") == ["textual", "visual"]
    assert "Its one image, the cover, has a text alternative" in \
        _meta(guide, "schema:accessibilitySummary")[0]


def test_print_page_numbers_claimed_with_a_page_list_that_resolves(any_book):
    features = _meta(any_book, "schema:accessibilityFeature")
    nav = any_book.epub_xml("EPUB/nav.xhtml")
    pages = nav.xpath("//x:nav[@epub:type='page-list']//x:a/@href", namespaces=NS)
    assert ("printPageNumbers" in features) == ("pageNavigation" in features) == bool(pages)
    assert _meta(any_book, "pageBreakSource")
    markers = sum(len(html.xpath("//*[@epub:type='pagebreak']", namespaces=NS))
                  for html in _content_documents(any_book))
    assert markers == len(pages)


def test_table_of_contents_links_every_chapter(any_book):
    assert "tableOfContents" in _meta(any_book, "schema:accessibilityFeature")
    nav = any_book.epub_xml("EPUB/nav.xhtml")
    targets = {h.split("#")[0] for h in nav.xpath("//x:nav[@epub:type='toc']//x:a/@href",
                                                  namespaces=NS)}
    chapters = {n for n in any_book.epub_names() if re.search(r"chapter-\d+\.xhtml$", n)}
    assert {f"EPUB/{t}" for t in targets} >= chapters


def test_structural_navigation_headings_without_skipped_levels(any_book):
    assert "structuralNavigation" in _meta(any_book, "schema:accessibilityFeature")
    for html in _content_documents(any_book):
        levels = [int(h.tag[-1]) for h in html.iter()
                  if isinstance(h.tag, str) and re.fullmatch(r"\{[^}]+\}h[1-6]", h.tag)]
        for before, after in zip(levels, levels[1:]):
            assert after <= before + 1, levels


def test_reading_order_spine_holds_every_content_document(any_book):
    assert "readingOrder" in _meta(any_book, "schema:accessibilityFeature")
    opf = any_book.epub_xml("EPUB/content.opf")
    documents = {i.get("id") for i in opf.iterfind(".//opf:item", NS)
                 if i.get("media-type") == "application/xhtml+xml" and i.get("properties") != "nav"}
    spine = [i.get("idref") for i in opf.iterfind(".//opf:itemref", NS)]
    assert set(spine) == documents and len(spine) == len(documents)


def test_display_transformability_no_fixed_fonts_or_colours(any_book):
    assert "displayTransformability" in _meta(any_book, "schema:accessibilityFeature")
    with zipfile.ZipFile(any_book.epub) as archive:
        css = re.sub(r"/\*.*?\*/", "", archive.read("EPUB/styles/epub.css").decode(), flags=re.S)
        inline = [e for html in _content_documents(any_book) for e in html.iter()
                  if e.get("style")]
    families = set(re.findall(r"font-family\s*:\s*([^;}]+)", css))
    assert families <= {"monospace"}, "only the generic monospace, for code"
    assert not re.search(r"(^|[^-])color\s*:", css)
    assert not inline, "no inline styles"


def test_aria_roles_are_used(any_book):
    assert "ARIA" in _meta(any_book, "schema:accessibilityFeature")
    roles = {e.get("role") for html in _content_documents(any_book) for e in html.iter()}
    assert {"doc-chapter", "doc-toc"} <= roles


def test_no_hazard_because_no_sound_video_or_moving_image(any_book):
    assert _meta(any_book, "schema:accessibilityHazard") == ["none"]
    types = any_book.epub_xml("EPUB/content.opf").xpath("//opf:item/@media-type",
                                                        namespaces=NS)
    assert not [t for t in types if t.split("/")[0] in ("audio", "video")
                or t in ("image/gif", "image/webp")]


@pytest.mark.parametrize("book_name", ["guide", "small_book"])
def test_summary_is_written_from_the_facts(request, book_name):
    book = request.getfixturevalue(book_name)
    (summary,) = _meta(book, "schema:accessibilitySummary")
    pages = book.epub_xml("EPUB/nav.xhtml").xpath(
        "//x:nav[@epub:type='page-list']//x:a", namespaces=NS)
    assert f"({len(pages)} pages)" in summary
    images = len(_images(book))
    assert (f"It has {images} images" if images > 1 else "Its one image, the cover") in summary
