"""Book -> nested contents, print HTML and EPUB documents with links across files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from lxml import etree, html as lxml_html

from quire.manuscript import read_manuscript
from quire.model import Book, Chapter, Creator, Heading, Metadata, Reference
from quire.render import (XHTML_NS, render_epub_documents, render_print_html, toc_entries)

STYLES = Path(__file__).resolve().parents[1] / "styles"
MODIFIED = dt.datetime(2025, 11, 21, tzinfo=dt.timezone.utc)
METADATA = Metadata(
    title="Tom & Jerry", subtitle="A Study", language="en-GB",
    identifier="urn:uuid:12345678-1234-5678-1234-567812345678", publisher="Test Press",
    date=dt.date(2025, 11, 21), rights="© 2025 Test Press", description="For tests.",
    subjects=("Testing",), creators=(Creator("A. Tester"),), slug="tom-jerry")


def heading(level: int, id: str) -> Heading:
    return Heading(level=level, id=id, text=id.title(), html=id.title())


def book_with(headings_per_chapter: list[list[Heading]], references=()) -> Book:
    chapters = tuple(
        Chapter(id=hs[0].id, source=Path(f"{n}.md"), title=hs[0].text, headings=tuple(hs),
                html="".join(f'<h{h.level} id="{h.id}">{h.text}</h{h.level}>' for h in hs),
                images=())
        for n, hs in enumerate(headings_per_chapter, start=1))
    return Book(metadata=METADATA, chapters=chapters, references=tuple(references),
                root=Path("."), modified=MODIFIED)


def shape(entries) -> list:
    return [(e.id, shape(e.children)) if e.children else e.id for e in entries]


NESTED = [[heading(1, "a"), heading(2, "a1"), heading(3, "a1x"), heading(2, "a2")],
          [heading(1, "b"), heading(3, "b-deep")]]


def test_toc_nests_h2_under_h1_and_h3_under_h2():
    assert shape(toc_entries(book_with(NESTED), 3)) == [
        ("a", [("a1", ["a1x"]), "a2"]), ("b", ["b-deep"])]


def test_toc_depth_2_leaves_out_h3():
    assert shape(toc_entries(book_with(NESTED), 2)) == [("a", ["a1", "a2"]), "b"]


def test_toc_depth_1_lists_only_chapters():
    assert shape(toc_entries(book_with(NESTED), 1)) == ["a", "b"]


def test_toc_entries_keep_level_text_and_html():
    first = toc_entries(book_with(NESTED), 2)[0]
    assert (first.level, first.text, first.html) == (1, "A", "A")
    assert first.children[0].level == 2


def test_toc_ends_with_the_references_when_there_are_any():
    book = book_with(NESTED, [Reference("x", "X. (2000). <i>T</i>.", ("cite-1",))])
    entries = toc_entries(book, 2)
    assert entries[-1].id == "references-title"
    assert entries[-1].text == "References"


def test_toc_has_no_references_entry_without_references():
    assert all(e.id != "references-title" for e in toc_entries(book_with(NESTED), 3))


def test_print_html_has_language_and_escaped_title():
    html = render_print_html(book_with(NESTED), STYLES)
    document = lxml_html.document_fromstring(html)
    assert '<html lang="en-GB"' in html
    assert document.get("lang") == "en-GB"
    assert document.find("head/title").text == "Tom & Jerry: A Study"
    assert "<title>Tom &amp; Jerry: A Study</title>" in html


def test_print_html_contains_every_chapter_heading():
    document = lxml_html.document_fromstring(render_print_html(book_with(NESTED), STYLES))
    for id in ("a", "a1", "a1x", "a2", "b", "b-deep"):
        assert document.get_element_by_id(id) is not None


@pytest.fixture
def cited_book(tmp_path) -> Book:
    (tmp_path / "book.toml").write_text(
        'title = "Linked"\nlanguage = "en"\n'
        'identifier = "urn:uuid:12345678-1234-5678-1234-567812345678"\n'
        'publisher = "P"\ndate = 2025-11-21\nrights = "R"\ndescription = "D"\n'
        'subjects = ["S"]\n[[creators]]\nname = "N"\n', encoding="utf-8")
    (tmp_path / "references.json").write_text(
        '[{"id": "x", "type": "book", "title": "Ex", "author": [{"family": "Ex"}],'
        ' "issued": {"date-parts": [[2001]]}}]', encoding="utf-8")
    (tmp_path / "01.md").write_text(
        "# One\n\nCited [@x]. See [below](#later).\n\n## Later {#later}\n\nText.\n",
        encoding="utf-8")
    (tmp_path / "02.md").write_text("# Two\n\nBack to [the start](#one).\n", encoding="utf-8")
    book, warnings = read_manuscript(tmp_path, MODIFIED)
    assert warnings == []
    return book


def links(document) -> dict[str, str]:
    tree = etree.fromstring(f'<div xmlns="{XHTML_NS}">{document.body}</div>')
    return {"".join(a.itertext()): a.get("href") for a in tree.iter(f"{{{XHTML_NS}}}a")}


def documents_by_name(book: Book) -> dict:
    return {d.file_name: d for d in render_epub_documents(book, STYLES)}


def test_epub_documents_are_front_matter_chapters_references_and_nav(cited_book):
    assert list(documents_by_name(cited_book)) == [
        "titlepage.xhtml", "copyright.xhtml", "contents.xhtml", "chapter-01.xhtml",
        "chapter-02.xhtml", "references.xhtml", "nav.xhtml"]


def test_nav_links_resolve_to_the_files_of_their_targets(cited_book):
    nav = documents_by_name(cited_book)["nav.xhtml"]
    assert links(nav)["One"] == "chapter-01.xhtml#one"


def test_epub_citation_link_points_into_the_references_file(cited_book):
    chapter = documents_by_name(cited_book)["chapter-01.xhtml"]
    assert links(chapter)["Ex, 2001"] == "references.xhtml#ref-x"


def test_epub_link_within_the_same_file_stays_a_fragment(cited_book):
    chapter = documents_by_name(cited_book)["chapter-01.xhtml"]
    assert links(chapter)["below"] == "#later"
    assert "later" in chapter.ids


def test_epub_link_to_another_chapter_names_its_file(cited_book):
    chapter = documents_by_name(cited_book)["chapter-02.xhtml"]
    assert links(chapter)["the start"] == "chapter-01.xhtml#one"


def test_epub_backlink_points_to_the_citation_in_its_chapter(cited_book):
    references = documents_by_name(cited_book)["references.xhtml"]
    assert "ref-x" in references.ids
    assert links(references)["↑"] == "chapter-01.xhtml#cite-1"


NOTES = """# T

One.[^a] Two.[^b] Again.[^a]

[^a]: First *note*.

    Its second paragraph.

    - item one
    - item two

[^b]: > A quotation in a note.
"""


def test_footnotes_on_paper_keep_every_block_and_come_once(tmp_path):
    from quire.markdown_ext import BookIds, convert_chapter
    from quire.render import _for_paper, _ids_in

    html, _ = convert_chapter(NOTES, BookIds(citation_html={}, manuscript_root=tmp_path))
    paper = etree.fromstring(f"<div>{_for_paper(html, _ids_in(html), footnotes=True)}</div>")
    bodies = [e for e in paper.iter() if e.get("class") == "footnote-body"]
    assert [b.get("id") for b in bodies] == ["fn-a", "fn-b"], "a note cited twice comes once"
    first = " ".join("".join(bodies[0].itertext()).split())
    assert first == "1 First note. Its second paragraph. • item one • item two"
    assert " ".join("".join(bodies[1].itertext()).split()) == "2 A quotation in a note."
    assert not [e for e in paper.iter() if etree.QName(e).localname in ("ul", "li", "ol")]
    assert not [e for e in paper.iter() if e.get("role") == "doc-endnotes"]


def test_footnotes_in_the_epub_are_asides_with_their_lists(tmp_path):
    from quire.markdown_ext import BookIds, convert_chapter
    from quire.render import _as_epub_footnotes

    html, _ = convert_chapter(NOTES, BookIds(citation_html={}, manuscript_root=tmp_path))
    tree = etree.fromstring(f"<div>{_as_epub_footnotes(html)}</div>")
    x = "{http://www.w3.org/1999/xhtml}"
    asides = list(tree.iter(f"{x}aside"))
    assert [a.get("id") for a in asides] == ["fn-a", "fn-b"]
    assert len(list(asides[0].iter(f"{x}li"))) == 2
    assert " ".join("".join(asides[1].itertext()).split()).startswith("2. A quotation")
