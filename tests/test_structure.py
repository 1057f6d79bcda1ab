"""Issue 8, structure: front matter, parts and back matter declared in book.toml, checked on
the built files of tests/fixtures/structure-book (EPUB documents, navigation and landmarks,
the tagged PDF's structure tree and outline, the printed contents and pages) and on broken
book.toml files (each problem a located error with a hint)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from lxml import etree

from quire.errors import BookError, BookErrors
from quire.manuscript import read_manuscript
from tests.conftest import MODIFIED, ROOT, Built, _build

FIXTURE = ROOT / "tests" / "fixtures" / "structure-book"
X = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
NCX = "{http://www.daisy.org/z3986/2005/ncx/}"
#: (file, epub:type, ARIA role or None, heading) of each front and back matter document.
MATTER = [
    ("front-01.xhtml", "dedication", "doc-dedication", "Dedication"),
    ("front-02.xhtml", "epigraph", "doc-epigraph", "Epigraph"),
    ("front-03.xhtml", "foreword", "doc-foreword", "Foreword"),
    ("front-04.xhtml", "acknowledgments", "doc-acknowledgments", "Acknowledgements"),
    ("back-01.xhtml", "appendix", "doc-appendix", "Appendix A: A Sowing Calendar"),
    ("back-02.xhtml", "glossary", "doc-glossary", "Glossary"),
    ("back-03.xhtml", "backmatter", None, "Further Reading"),
    ("back-04.xhtml", "backmatter", None, "About the Author"),
]
SPINE = ["cover", "titlepage", "copyright", "front-01", "front-02", "contents", "front-03",
         "front-04", "part-01", "chapter-01", "chapter-02", "part-02", "chapter-03",
         "back-01", "back-02", "back-03", "back-04"]


@pytest.fixture(scope="session")
def structure_book(tmp_path_factory) -> Built:
    return _build(FIXTURE, tmp_path_factory.mktemp("structure"))


def _section(built: Built, name: str) -> etree._Element:
    body = built.epub_xml(f"EPUB/{name}").find(f"{X}body")
    (section,) = [e for e in body if e.tag in (f"{X}section", f"{X}nav")]
    return section


def _text(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


# --- the EPUB -----------------------------------------------------------------------------

@pytest.mark.parametrize("name, epub_type, role, title", MATTER)
def test_each_matter_document_has_its_epub_type_and_role(structure_book, name, epub_type,
                                                          role, title):
    section = _section(structure_book, name)
    assert section.get(EPUB_TYPE) == epub_type
    assert section.get("role") == role
    heading = section.find(f"{X}h1")
    assert _text(heading) == title
    assert section.get("aria-labelledby") == heading.get("id")


def test_a_dedication_without_a_title_has_a_heading_that_is_not_shown(structure_book):
    section = _section(structure_book, "front-01.xhtml")
    heading = section.find(f"{X}h1")
    assert "visually-hidden" in heading.get("class").split()
    assert "For my grandmother, who kept the garden." in _text(section)


def test_each_part_is_a_document_with_its_title(structure_book):
    for name, title in (("part-01.xhtml", "Part One: Roots"),
                        ("part-02.xhtml", "Part Two: Branches")):
        section = _section(structure_book, name)
        assert section.get(EPUB_TYPE) == "part"
        assert section.get("role") == "doc-part"
        (heading,) = section.iter(f"{X}h1")
        assert _text(heading) == title
        assert section.get("aria-labelledby") == heading.get("id")
        assert not list(section.iter(f"{X}p"))  # the title alone


def test_the_spine_is_in_reading_order(structure_book):
    opf = structure_book.epub_xml("EPUB/content.opf")
    spine = [i.get("idref") for i in opf.iter("{http://www.idpf.org/2007/opf}itemref")]
    assert spine == SPINE


def test_the_navigation_nests_chapters_in_their_parts(structure_book):
    nav = structure_book.epub_xml("EPUB/nav.xhtml")
    (toc,) = [n for n in nav.iter(f"{X}nav") if n.get(EPUB_TYPE) == "toc"]

    def outline(ol) -> list:
        items = []
        for li in ol.findall(f"{X}li"):
            inner = li.find(f"{X}ol")
            items.append((_text(li.find(f"{X}a")), outline(inner) if inner is not None else []))
        return items

    top = outline(toc.find(f"{X}ol"))
    assert [title for title, _ in top] == [
        "Foreword", "Acknowledgements", "Part One: Roots", "Part Two: Branches",
        "Appendix A: A Sowing Calendar", "Glossary", "Further Reading", "About the Author"]
    parts = dict(top)
    assert [t for t, _ in parts["Part One: Roots"]] == ["Seeds", "Soil"]
    assert [t for t, _ in parts["Part Two: Branches"]] == ["Pruning"]
    # Each link goes to its document.
    hrefs = [a.get("href") for a in toc.iter(f"{X}a")]
    assert "part-01.xhtml#part-one-roots" in hrefs
    assert "back-02.xhtml#glossary" in hrefs


def test_the_ncx_nests_chapters_in_their_parts_too(structure_book):
    ncx = structure_book.epub_xml("EPUB/toc.ncx")
    nav_map = ncx.find(f"{NCX}navMap")
    top = [p.find(f"{NCX}navLabel/{NCX}text").text for p in nav_map.findall(f"{NCX}navPoint")]
    assert top[2:4] == ["Part One: Roots", "Part Two: Branches"]
    part = nav_map.findall(f"{NCX}navPoint")[2]
    assert [p.find(f"{NCX}navLabel/{NCX}text").text
            for p in part.findall(f"{NCX}navPoint")] == ["Seeds", "Soil"]


def test_the_landmarks_name_the_front_matter_the_body_and_the_back_matter(structure_book):
    nav = structure_book.epub_xml("EPUB/nav.xhtml")
    (landmarks,) = [n for n in nav.iter(f"{X}nav") if n.get(EPUB_TYPE) == "landmarks"]
    found = {a.get(EPUB_TYPE): a.get("href") for a in landmarks.iter(f"{X}a")}
    assert found == {"toc": "contents.xhtml#contents",
                     "frontmatter": "front-01.xhtml#dedication",
                     "bodymatter": "part-01.xhtml#part-one-roots",
                     "backmatter": "back-01.xhtml#appendix-a-a-sowing-calendar"}
    opf = structure_book.epub_xml("EPUB/content.opf")
    guide = {r.get("type"): r.get("href")
             for r in opf.iter("{http://www.idpf.org/2007/opf}reference")}
    assert guide["bodymatter"] == "part-01.xhtml"


def test_the_glossary_is_a_definition_list(structure_book):
    section = _section(structure_book, "back-02.xhtml")
    terms = [_text(t) for t in section.iter(f"{X}dt")]
    assert terms == ["Compost", "Mulch", "Tilth"]
    assert len(list(section.iter(f"{X}dd"))) == 3


# --- the tagged PDF -------------------------------------------------------------------------

def _elements(element, depth=0):
    """(depth, type, element) of the structure tree, in order."""
    if not isinstance(element, pikepdf.Dictionary) or "/S" not in element:
        return
    yield depth, str(element.S), element
    kids = element.get("/K")
    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []):
        yield from _elements(kid, depth + 1)


def _kids(element) -> list:
    kids = element.get("/K")
    kids = kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
    return [k for k in kids if isinstance(k, pikepdf.Dictionary) and "/S" in k]


def test_a_part_is_a_part_element_holding_its_title_and_chapters(structure_book):
    with pikepdf.open(structure_book.pdf) as pdf:
        document = _kids(pdf.Root.StructTreeRoot)[0]
        top = [str(e.S) for e in _kids(document)]
        assert top.count("/Part") == 2
        parts = [e for e in _kids(document) if str(e.S) == "/Part"]
        assert [[str(k.S) for k in _kids(p)] for p in parts] == [
            ["/H1", "/Sect", "/Sect"], ["/H1", "/Sect"]]
        for part in parts:
            for chapter in _kids(part)[1:]:
                assert str(_kids(chapter)[0].S) == "/H1"
        # Nothing else is a Part: the front and back matter are sections.
        assert sum(1 for _, kind, _ in _elements(document) if kind == "/Part") == 2


def test_front_and_back_matter_are_sections_with_a_level_one_heading(structure_book):
    with pikepdf.open(structure_book.pdf) as pdf:
        document = _kids(pdf.Root.StructTreeRoot)[0]
        top = [str(e.S) for e in _kids(document)]
        # Title page, copyright, dedication, epigraph, contents, foreword, acknowledgements,
        # the two parts, the four back matter sections.
        assert top == ["/Sect", "/Sect", "/Sect", "/Sect", "/NonStruct", "/Sect", "/Sect",
                       "/Part", "/Part", "/Sect", "/Sect", "/Sect", "/Sect"]
        for element in _kids(document):
            if str(element.S) == "/Sect":
                assert str(_kids(element)[0].S) == "/H1"


def test_the_pdf_ua_checks_pass(structure_book):
    checks = structure_book.checks()
    pdf_checks = [c for name, c in checks.items() if "PDF" in name or "Matterhorn" in
                  c["tool"] or "reading" in c["tool"]]
    assert pdf_checks
    assert all(c["passed"] for c in pdf_checks)
    assert all(c["passed"] for c in checks.values() if c.get("ran", True))


def test_the_outline_nests_chapters_in_their_parts(structure_book):
    with pikepdf.open(structure_book.pdf) as pdf:
        with pdf.open_outline() as outline:
            top = [(item.title, [c.title for c in item.children]) for item in outline.root]
    titles = [t for t, _ in top]
    assert titles == ["Contents", "Foreword", "Acknowledgements", "Part One: Roots",
                      "Part Two: Branches", "Appendix A: A Sowing Calendar", "Glossary",
                      "Further Reading", "About the Author"]
    assert dict(top)["Part One: Roots"] == ["Seeds", "Soil"]
    assert dict(top)["Part Two: Branches"] == ["Pruning"]


# --- the printed pages ----------------------------------------------------------------------

def _pages(path: Path) -> list[str]:
    document = pdfium.PdfDocument(path)
    try:
        return [" ".join(document[i].get_textpage().get_text_range().split())
                for i in range(len(document))]
    finally:
        document.close()


def test_the_printed_contents_list_the_parts_and_their_chapters(structure_book):
    pages = _pages(structure_book.pdf)
    (contents,) = [p for p in pages if p.startswith("Contents")]
    entries = re.findall(r"([A-Z][A-Za-z:' ]+?) ?(?:\. ?)+ ?([0-9]+)",
                         contents.removeprefix("Contents"))
    titles = [t.strip() for t, _ in entries]
    assert titles == ["Foreword", "Acknowledgements", "Part One: Roots", "Seeds",
                      "Choosing Seeds", "Sowing", "Soil", "Compost", "Part Two: Branches",
                      "Pruning", "When to Prune", "Appendix A: A Sowing Calendar", "Glossary",
                      "Further Reading", "About the Author"]
    # Each entry's page number is the page its title is printed on.
    for title, number in entries:
        assert title.strip() in pages[int(number) - 1], title


def test_a_part_title_page_is_a_right_hand_page_with_the_title_alone(structure_book):
    pages = _pages(structure_book.pdf)
    for title in ("Part One: Roots", "Part Two: Branches"):
        (index,) = [i for i, p in enumerate(pages) if p == title]
        assert (index + 1) % 2 == 1  # recto: odd folio, no running head or folio printed
        assert pages[index + 1] == ""  # its verso is blank
        assert pages[index + 2].split()[0] in ("Seeds", "Pruning")


def test_the_dedication_and_epigraph_stand_alone_before_the_contents(structure_book):
    pages = _pages(structure_book.pdf)
    dedication = next(i for i, p in enumerate(pages) if p.startswith("For my grandmother"))
    epigraph = next(i for i, p in enumerate(pages) if p.startswith("To plant a garden"))
    contents = next(i for i, p in enumerate(pages) if p.startswith("Contents"))
    assert dedication < epigraph < contents
    assert dedication % 2 == 0 and epigraph % 2 == 0  # recto pages (index 0 is page 1)
    assert pages[dedication + 1] == "" and pages[epigraph + 1] == ""
    # Its heading, for navigation only, is clipped away: only the dedication is seen.
    assert pages[dedication].startswith("For my grandmother, who kept the garden.")


def test_print_page_numbers_of_the_dedication_are_not_inside_its_sentence(structure_book):
    section = _section(structure_book, "front-01.xhtml")
    (paragraph,) = section.iter(f"{X}p")
    assert not [m for m in paragraph.iter(f"{X}span") if m.get(EPUB_TYPE) == "pagebreak"]


# --- book.toml: what the manuscript may get wrong -----------------------------------------

@pytest.fixture
def copy(tmp_path) -> Path:
    folder = tmp_path / "book"
    shutil.copytree(FIXTURE, folder)
    return folder


def _error(folder: Path) -> BookError:
    with pytest.raises((BookError, BookErrors)) as caught:
        read_manuscript(folder, MODIFIED)
    error = caught.value
    if isinstance(error, BookErrors):
        (error,) = error.errors
    return error


def _toml_line(folder: Path, needle: str) -> int:
    text = (folder / "book.toml").read_text(encoding="utf-8")
    return text[:text.index(needle)].count("\n") + 1


def test_a_front_matter_file_that_does_not_exist_is_an_error_at_its_line(copy):
    toml = copy / "book.toml"
    toml.write_text(toml.read_text().replace('"foreword.md"', '"forward.md"'))
    error = _error(copy)
    assert (error.code, error.path, error.line) == ("M018", toml, _toml_line(copy, "forward"))
    assert "forward.md" in error.message and error.hint


def test_a_part_chapter_that_does_not_exist_is_an_error_at_its_line(copy):
    toml = copy / "book.toml"
    toml.write_text(toml.read_text().replace('"03-pruning.md"', '"03-prunning.md"'))
    error = _error(copy)
    assert (error.code, error.line) == ("M018", _toml_line(copy, "03-prunning"))


def test_an_unknown_role_is_an_error_with_a_did_you_mean(copy):
    toml = copy / "book.toml"
    toml.write_text(toml.read_text().replace('role = "further-reading"',
                                             'role = "further-readings"'))
    error = _error(copy)
    assert (error.code, error.path, error.line) == ("M030", toml, _toml_line(copy, "books.md"))
    assert "further-readings" in error.message
    assert "further-reading" in error.hint


def test_a_file_whose_name_says_no_role_is_an_error_with_the_roles(copy):
    toml = copy / "book.toml"
    (copy / "thanks.md").write_text("# Thanks\n\nTo everyone.\n")
    toml.write_text(toml.read_text().replace('"acknowledgements.md"', '"thanks.md"'))
    error = _error(copy)
    assert (error.code, error.line) == ("M030", _toml_line(copy, "thanks.md"))
    assert "role" in error.hint and "dedication" in error.hint


def test_a_role_in_the_wrong_list_is_an_error(copy):
    toml = copy / "book.toml"
    toml.write_text(toml.read_text().replace('role = "further-reading"',
                                             'role = "dedication"'))
    error = _error(copy)
    assert error.code == "M030" and "front_matter" in error.hint


def test_a_link_to_a_part_the_book_does_not_have_is_m022(copy):
    toml = copy / "book.toml"
    toml.write_text(toml.read_text().replace('title = "Part Two: Branches"',
                                             'title = "Part Two: Shoots"'))
    error = _error(copy)
    assert (error.code, error.path.name) == ("M022", "02-soil.md")
    assert "#part-two-branches" in error.message


def test_a_file_listed_twice_is_an_error_at_its_second_line(copy):
    toml = copy / "book.toml"
    text = toml.read_text().replace('["03-pruning.md"]', '["03-pruning.md", "01-seeds.md"]')
    toml.write_text(text)
    error = _error(copy)
    assert error.code == "M031"
    assert error.line == text.count("\n", 0, text.rindex('"01-seeds.md"')) + 1


def test_chapters_and_parts_together_are_an_error(copy):
    toml = copy / "book.toml"
    toml.write_text(toml.read_text().replace("front_matter", 'chapters = ["01-seeds.md"]\n'
                                             "front_matter", 1))
    error = _error(copy)
    assert error.code == "M031" and "parts" in error.hint


def test_without_a_chapters_list_matter_and_notes_are_not_chapters(tmp_path):
    folder = tmp_path / "book"
    folder.mkdir()
    text = (FIXTURE / "book.toml").read_text()
    text = text[:text.index("[[parts]]")] + text[text.index("[[creators]]"):]
    (folder / "book.toml").write_text(text)
    for name in ("dedication.md", "epigraph.md", "foreword.md", "acknowledgements.md",
                 "appendix-a.md", "glossary.md", "books.md", "about-the-author.md",
                 "01-seeds.md", "03-pruning.md"):
        shutil.copy(FIXTURE / name, folder / name)
    (folder / "notes.md").write_text("Things to check before printing.\n")
    (folder / "README.md").write_text("# About this folder\n")
    book, warnings = read_manuscript(folder, MODIFIED)
    assert [c.title for c in book.chapters] == ["Seeds", "Pruning"]
    assert [c.role for c in book.front_matter] == [
        "dedication", "epigraph", "foreword", "acknowledgments"]
    assert [c.role for c in book.back_matter] == [
        "appendix", "glossary", "further-reading", "about-the-author"]
    assert [(w.code, w.path.name) for w in warnings] == [("W002", "notes.md")]


def test_publish_reports_a_bad_role_as_book_toml_line_with_a_hint(copy, tmp_path):
    import subprocess
    import sys

    toml = copy / "book.toml"
    toml.write_text(toml.read_text().replace('role = "further-reading"', 'role = "reading-list"'))
    result = subprocess.run([sys.executable, str(ROOT / "publish.py"), str(copy), "-o",
                             str(tmp_path / "out"), "--no-validate"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 1
    line = _toml_line(copy, "books.md")
    assert f"{toml}:{line}: unknown role 'reading-list' for 'books.md' [M030]" in result.stderr
    assert "  hint: " in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_links_to_the_back_matter_and_to_a_part_go_to_their_documents(structure_book):
    section = _section(structure_book, "chapter-02.xhtml")
    hrefs = [a.get("href") for a in section.iter(f"{X}a")]
    assert "back-02.xhtml#glossary" in hrefs
    assert "part-02.xhtml#part-two-branches" in hrefs
    pages = _pages(structure_book.pdf)
    (soil,) = [p for p in pages if p.startswith("Soil")]
    glossary = next(i for i, p in enumerate(pages) if p.startswith("Glossary")) + 1
    part = pages.index("Part Two: Branches") + 1
    assert f"the glossary (see page {glossary})" in soil
    assert f"Part Two (see page {part})" in soil


def test_a_definition_list_needs_its_term_above_a_table_caption_stays_a_caption():
    from quire.markdown_ext import BookIds, convert_chapter

    ids = BookIds(citation_html={}, manuscript_root=FIXTURE, language="en-GB")
    html, _ = convert_chapter("# Words\n\nTilth\n:   Crumbly soil.\n:   Good for seeds.\n\n"
                              "A paragraph.\n\n: Months and what to sow\n\n"
                              "| Month | Sow |\n|---|---|\n| May | Beans |\n", ids)
    root = etree.fromstring(f"<div>{html}</div>")
    assert [_text(e) for e in root.iter("dt")] == ["Tilth"]
    assert [_text(e) for e in root.iter("dd")] == ["Crumbly soil.", "Good for seeds."]
    assert [_text(e) for e in root.iter("caption")] == ["Months and what to sow"]
    assert len(list(root.iter("dl"))) == 1
