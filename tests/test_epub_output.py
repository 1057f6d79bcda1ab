"""End-to-end: the EPUB 3 of the guide and of the fixture book, as files on disk."""

from __future__ import annotations

import re
import zipfile

import pytest

NS = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops",
      "opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/",
      "ncx": "http://www.daisy.org/z3986/2005/ncx/"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


def _documents(book):
    return [n for n in book.epub_names() if n.endswith(".xhtml")]


def _opf(book):
    return book.epub_xml("EPUB/content.opf")


def test_epubcheck_reports_no_error_and_no_warning(any_book):
    """The build ran EPUBCheck on this very file; its verdict is in the report."""
    check = any_book.checks()["EPUBCheck"]
    assert check["tool"].startswith("EPUBCheck 5.3") and check["target"] == any_book.epub.name
    assert check["ran"] and check["passed"], check["details"]
    assert check["summary"] == "0 fatal, 0 errors, 0 warnings."


def test_mimetype_is_the_first_entry_and_stored(any_book):
    with zipfile.ZipFile(any_book.epub) as archive:
        first = archive.infolist()[0]
    assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED


def test_package_and_every_document_carry_lang_and_xml_lang(any_book):
    language = _opf(any_book).findtext("opf:metadata/dc:language", namespaces=NS)
    assert _opf(any_book).get(XML_LANG) == language
    for name in _documents(any_book):
        html = any_book.epub_xml(name)
        assert html.get("lang") == language and html.get(XML_LANG) == language, name


def test_each_chapter_is_its_own_file_with_chapter_semantics(any_book):
    chapters = []
    for name in _documents(any_book):
        sections = any_book.epub_xml(name).xpath("//x:section[@epub:type='chapter']",
                                                 namespaces=NS)
        for section in sections:
            assert section.get("role") == "doc-chapter"
            chapters.append(name)
    assert len(chapters) == len(set(chapters)) == len(_chapter_titles(any_book))


def test_front_and_back_matter_have_matching_semantics(any_book):
    found = {}
    for name in _documents(any_book):
        for element in any_book.epub_xml(name).iter():
            # Landmark links name the same types; the sections and navs are what count.
            if element.get(EPUB_TYPE) and element.tag != f"{{{NS['x']}}}a":
                found[element.get(EPUB_TYPE)] = element.get("role")
    assert "titlepage" in found and "copyright-page" in found
    assert found["bibliography"] == "doc-bibliography"
    assert found["toc"] == "doc-toc"


def test_nav_has_toc_listing_every_chapter_and_landmarks(any_book):
    nav = any_book.epub_xml("EPUB/nav.xhtml")
    toc = nav.xpath("//x:nav[@epub:type='toc']", namespaces=NS)[0]
    titles = [" ".join("".join(a.itertext()).split()) for a in toc.iter(f"{{{NS['x']}}}a")]
    for title in _chapter_titles(any_book):
        assert title in titles
    landmarks = nav.xpath("//x:nav[@epub:type='landmarks']//x:a/@epub:type", namespaces=NS)
    assert {"toc", "bodymatter", "bibliography"} <= set(landmarks)
    assert nav.xpath("//x:nav[@epub:type='landmarks']/@hidden", namespaces=NS) == ["hidden"]


def test_every_nav_link_points_at_an_existing_id(any_book):
    ids = _ids_by_file(any_book)
    nav = any_book.epub_xml("EPUB/nav.xhtml")
    for href in nav.xpath("//x:a/@href", namespaces=NS):
        name, _, fragment = href.partition("#")
        assert f"EPUB/{name}" in ids, href
        assert not fragment or fragment in ids[f"EPUB/{name}"], href


def test_ncx_is_present_for_older_reading_systems(any_book):
    ncx = any_book.epub_xml("EPUB/toc.ncx")
    labels = [" ".join(t.split()) for t in ncx.xpath("//ncx:navLabel/ncx:text/text()",
                                                     namespaces=NS)]
    for title in _chapter_titles(any_book):
        assert title in labels


def test_metadata_is_complete(guide):
    metadata = _opf(guide).find("opf:metadata", NS)
    text = lambda tag: [e.text for e in metadata.findall(f"dc:{tag}", NS)]  # noqa: E731
    assert text("title") == ["Rebuilding Intimacy and Trust After Infidelity",
                             "A Guide for Betrayed Partners and Couples"]
    assert text("creator") == ["Healing Broken Trust"]
    assert text("publisher") == ["Healing Broken Trust"]
    assert text("language") == ["en-US"]
    assert text("identifier") == ["urn:uuid:da1ce40b-4b6e-4a49-ae29-1a4a886e152c"]
    assert text("date") == ["2026-11-21"]
    assert text("rights")[0].startswith("©")
    assert text("description")[0].startswith("Two essays")
    assert "Betrayal trauma" in text("subject")
    unique = _opf(guide).get("unique-identifier")
    assert metadata.find(f"dc:identifier[@id='{unique}']", NS) is not None


def test_dcterms_modified_is_the_build_time_in_utc(guide):
    modified = _opf(guide).xpath("//opf:meta[@property='dcterms:modified']/text()",
                                 namespaces=NS)
    assert modified == ["2025-11-21T00:00:00Z"]


def test_isbn_becomes_the_identifier_and_roles_are_kept(small_book):
    metadata = _opf(small_book).find("opf:metadata", NS)
    assert metadata.findtext("dc:identifier", namespaces=NS) == "urn:isbn:9780306406157"
    roles = metadata.xpath("opf:meta[@property='role']/text()", namespaces=NS)
    assert roles == ["aut", "edt"]


def test_stylesheet_respects_the_readers_settings(any_book):
    with zipfile.ZipFile(any_book.epub) as archive:
        css = archive.read("EPUB/styles/epub.css").decode()
    rules = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    assert not re.search(r"\d(px|pt|pc|cm|mm|in)\b", rules), "absolute units"
    families = set(re.findall(r"font-family\s*:\s*([^;}]+)", rules))
    assert families <= {"monospace"}, "only the generic monospace, for code"
    assert not re.search(r"(^|[^-])color\s*:", rules)
    assert "background" not in rules


def test_citations_and_entries_link_both_ways(any_book):
    ids = _ids_by_file(any_book)
    citations, backlinks = [], []
    for name in _documents(any_book):
        html = any_book.epub_xml(name)
        citations += [(name, a) for a in html.xpath("//x:a[@role='doc-biblioref']",
                                                    namespaces=NS)]
        backlinks += [(name, a) for a in html.xpath("//x:a[@role='doc-backlink']",
                                                    namespaces=NS)]
    assert citations, "the book has citations"
    for name, link in citations + backlinks:
        target, _, fragment = link.get("href").rpartition("#")
        target_file = f"EPUB/{target}" if target else name
        assert fragment in ids[target_file], link.get("href")
    entries = any_book.epub_xml("EPUB/references.xhtml").xpath(
        "//x:ul[@class='references']/x:li", namespaces=NS)
    cited_entries = {link.get("href").rpartition("#")[2] for _, link in citations}
    assert {li.get("id") for li in entries} == cited_entries, "every entry is cited"
    for li in entries:
        assert li.xpath("x:a[@role='doc-backlink']", namespaces=NS), li.get("id")


def test_guide_citations_read_as_apa(guide):
    html = guide.epub_xml("EPUB/chapter-01.xhtml")
    texts = ["".join(s.itertext()) for s in html.xpath("//x:span[@class='citation']",
                                                      namespaces=NS)]
    assert texts == ["(Spring, 2012)", "(Glass & Wright, 2003)"]


def test_guide_reference_list_matches_the_articles_list(guide):
    entries = ["".join(li.itertext()).rstrip(" ↑") for li in guide.epub_xml(
        "EPUB/references.xhtml").xpath("//x:ul[@class='references']/x:li", namespaces=NS)]
    assert entries == [
        "Glass, S. P., & Wright, T. L. (2003). Not “Just Friends”: Rebuilding Trust and "
        "Recovering Your Sanity After Infidelity. Free Press.",
        "Spring, J. A. (2012). After the Affair: Healing the Pain and Rebuilding Trust When a "
        "Partner Has Been Unfaithful (2nd ed.). HarperCollins.",
    ]


def test_images_are_packaged_with_their_alt_text(small_book):
    manifest = _opf(small_book).xpath("//opf:item[@media-type='image/png']/@href",
                                      namespaces=NS)
    assert manifest == ["gradient.png"]
    html = small_book.epub_xml("EPUB/chapter-01.xhtml")
    (image,) = html.xpath("//x:img", namespaces=NS)
    assert image.get("src") == "gradient.png" and image.get("alt").startswith("A gradient")


@pytest.mark.parametrize("name", ["EPUB/chapter-02.xhtml"])
def test_repeated_heading_titles_get_distinct_ids(small_book, name):
    html = small_book.epub_xml(name)
    ids = html.xpath("//x:h2/@id", namespaces=NS)
    assert ids == ["overview", "overview-2"]
    assert html.xpath("//x:h1/@id", namespaces=NS) == ["second"]


def _chapter_titles(book):
    return [c.title for c in _model(book).chapters]


def _model(book):
    from quire.manuscript import read_manuscript

    from tests.conftest import MODIFIED

    return read_manuscript(book.manuscript, MODIFIED)[0]


def _ids_by_file(book):
    return {name: set(book.epub_xml(name).xpath("//@id")) for name in _documents(book)}
