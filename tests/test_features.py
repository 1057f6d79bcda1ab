"""Every feature of the manuscript format, on the built files of tests/fixtures/feature-book.

The fixture uses each feature once (code, figures, tables, typography, links, notes,
comments, pandoc's Markdown, scene breaks, a file of notes that is not a chapter); each
test reads what a reader gets: the EPUB's XHTML, the PDF's structure tree and its pages.
"""

from __future__ import annotations

import re
import zipfile

import pikepdf
import pytest
from lxml import etree

from quire.pdf_reading import read_structure
from tests.pdftext import page_texts

XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_NS = "{http://www.idpf.org/2007/ops}"


def _xhtml(book, name: str) -> etree._Element:
    return book.epub_xml(f"EPUB/{name}")


def _text(element) -> str:
    return " ".join("".join(element.itertext()).split())


def _read(path) -> list:
    with pikepdf.open(path) as pdf:
        return read_structure(pdf)


def _elements(path):
    """(type, kid types) of every structure element."""
    found = []

    def walk(element):
        kids = element.get("/K")
        kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
        elements = [k for k in kids if isinstance(k, pikepdf.Dictionary) and "/S" in k]
        found.append((str(element.S)[1:], [str(k.S)[1:] for k in elements]))
        for kid in elements:
            walk(kid)

    with pikepdf.open(path) as pdf:
        root = pdf.Root.StructTreeRoot
        kids = root.K if isinstance(root.K, pikepdf.Array) else [root.K]
        for kid in kids:
            walk(kid)
    return found


# --- the validators and the build's own checks --------------------------------------------


def _report_checks(book) -> list[dict]:
    import json

    (path,) = book.out.glob("*-accessibility.json")
    return json.loads(path.read_text(encoding="utf-8"))["checks"]


def test_every_validator_and_check_passes_on_the_feature_book(feature_book):
    checks = _report_checks(feature_book)
    for tool in ("EPUBCheck", "DAISY Ace", "axe-core", "Matterhorn 19-003", "quire PDF reading"):
        ran = [c for c in checks if c["tool"].startswith(tool)]
        assert ran and all(c["ran"] and c["passed"] for c in ran), tool
    assert all(c["passed"] for c in checks), [c["tool"] for c in checks if not c["passed"]]


def test_every_pdf_reads_word_for_word(feature_book):
    """Code, tables, captions and notes included: the build's reading check passed on
    every PDF that claims PDF/UA."""
    targets = {c["target"] for c in _report_checks(feature_book)
               if c["tool"].startswith("quire PDF reading") and c["passed"]}
    pdfs = {a.name for a in feature_book.result.artifacts if a.name.endswith(".pdf")
            and a.edition != "print-on-demand"}
    assert len(pdfs) == 10 and pdfs <= targets, pdfs - targets


# --- code ----------------------------------------------------------------------------------


def test_code_blocks_keep_their_language_and_lines_in_the_epub(feature_book):
    html = _xhtml(feature_book, "chapter-01.xhtml")
    blocks = list(html.iter(f"{XHTML}pre"))
    assert len(blocks) == 4
    code = blocks[0].find(f"{XHTML}code")
    assert "language-python" in code.get("class").split()
    assert "print(greet(\"world\"))" in "".join(code.itertext())
    assert "$ grep -E '^[a-z.]+@example\\.com>$' addresses.txt" in "".join(blocks[1].itertext())
    assert "│ box  │" in "".join(blocks[3].itertext())


def test_code_is_never_scanned_for_citations_or_notes(feature_book):
    """The indented block holds '[@not-a-citation]' and '[^>]': they stay code."""
    html = _xhtml(feature_book, "chapter-01.xhtml")
    block = "".join(list(html.iter(f"{XHTML}pre"))[1].itertext())
    assert "[@not-a-citation] and [^>] are code" in block
    assert not html.xpath("//x:a[@role='doc-biblioref' or @role='doc-noteref']",
                          namespaces={"x": XHTML[1:-1]})


def test_each_code_block_is_one_code_element_in_the_pdf(feature_book):
    read = _read(feature_book.pdf)
    code = [e.text for e in read if e.type == "Code"]
    whole = " ".join(code)
    assert 'print(greet("world"))' in whole
    # The long line wraps on the page, but reads as one line of code.
    assert "This line is far longer than the text block of any page, so it has to wrap " \
        "with a mark." in whole
    assert "awk '{print $1}' notes.txt" in code  # inline code is Code too


def test_code_has_colours_in_print_but_none_in_large_print(feature_book):
    def colours(path) -> set[tuple]:
        """The colours of text on the page of the first code block."""
        found = set()
        texts = page_texts(path)
        with pikepdf.open(path) as pdf:
            for page in [pdf.pages[i] for i, t in enumerate(texts) if "def greet" in t][:1]:
                for operands, operator in pikepdf.parse_content_stream(page):
                    if str(operator) in ("rg", "RG", "sc", "scn") and len(operands) == 3:
                        rgb = tuple(round(float(v), 3) for v in operands)
                        if len(set(rgb)) > 1:
                            found.add(rgb)
        return found

    assert colours(feature_book.pdf), "the trade edition's code is coloured"
    assert colours(feature_book.edition("large-print")) == set()


# --- figures and tables ------------------------------------------------------------------


def test_a_lone_image_with_a_title_or_caption_is_a_figure(feature_book):
    html = _xhtml(feature_book, "chapter-02.xhtml")
    figures = list(html.iter(f"{XHTML}figure"))
    captions = [_text(f.find(f"{XHTML}figcaption")) for f in figures]
    assert captions == ["Figure 1. The flow from one box to the next.",
                        "Figure 2. A gradient, 2,000 pixels wide, scaled to the page."]
    inline = [img for img in html.iter(f"{XHTML}img") if img.getparent().tag == f"{XHTML}p"]
    assert [img.get("alt") for img in inline] == ["a small box", ""]
    assert "decorative" in inline[1].get("class")


def test_a_figure_is_a_div_of_figure_and_caption_in_the_pdf(feature_book):
    for path in (feature_book.pdf, feature_book.edition("large-print")):
        groups = [kids for kind, kids in _elements(path) if kind == "Div"
                  and kids == ["Figure", "Caption"]]
        assert len(groups) == 2, path.name
    captions = [e.text for e in _read(feature_book.pdf) if e.type == "Caption"]
    assert "Figure 1. The flow from one box to the next." in captions


def test_tables_have_captions_header_scope_and_wide_tables_are_marked(feature_book):
    html = _xhtml(feature_book, "chapter-02.xhtml")
    tables = list(html.iter(f"{XHTML}table"))
    assert [_text(t.find(f"{XHTML}caption")) for t in tables] == [  # number_figures = true
        "Table 1. Unix tools and the year each appeared", "Table 2. Squares of the numbers 1 to 40",
        "Table 3. Rainfall by season, in days"]
    for table in tables:
        assert {th.get("scope") for th in table.iter(f"{XHTML}th")} == {"col"}
    assert [t.get("class") for t in tables] == [None, None, "wide"]
    cells = list(tables[0].iter(f"{XHTML}td"))
    assert [c.get("class") for c in cells[:3]] == ["align-left", "align-left", "align-right"]
    assert not [c for t in tables for c in t.iter() if c.get("style")], "no inline style"


def test_a_table_across_a_page_break_repeats_its_header_row(feature_book):
    pages = [t for t in page_texts(feature_book.pdf) if "row twenty" in t or "row one" in t
             or "row forty" in t]
    assert len(pages) >= 2, "the long table runs over a page break"
    for text in pages:
        assert "Number Square Name of the row" in " ".join(text.split()), text[:200]


# --- typography ----------------------------------------------------------------------------


def test_quotes_dashes_and_ellipses_are_typographic(feature_book):
    text = _text(_xhtml(feature_book, "chapter-01.xhtml").find(f".//{XHTML}p"))
    assert text.startswith("The “Beginner’s” guide – as its readers call it – starts "
                           "with a one-liner…")
    code = [_text(c) for c in _xhtml(feature_book, "chapter-01.xhtml").iter(f"{XHTML}code")]
    assert "awk '{print $1}' notes.txt" in code, "code keeps its straight quotes"


# --- links on paper ------------------------------------------------------------------------


def test_web_links_print_their_address_and_cross_references_their_page(feature_book):
    pages = page_texts(feature_book.pdf)
    text = " ".join(" ".join(pages).split())
    squeezed = re.sub(r"\s+", "", text)  # an address may break after "." or "/"
    assert "thePythondownloadspage(www.python.org/downloads/)" in squeezed
    assert "theeditors(editors@example.org)" in squeezed
    figures_page = next(i for i, t in enumerate(pages) if "Figures and Tables\r\n" in t)
    folio = pages[figures_page].split("\r\n")[-1]
    assert folio.isdigit()
    assert f"the figures and tables (see page {folio})" in text
    # The EPUB's links are links, with no address or page added.
    epub = _text(_xhtml(feature_book, "chapter-03.xhtml"))
    assert "(www.python.org" not in epub and "see page" not in epub


def test_a_printed_address_is_never_hyphenated(feature_book):
    for path in (feature_book.pdf, feature_book.edition("large-print")):
        text = "".join(page_texts(path))
        assert "python.org/downloads/" in text.replace("\r\n", "")
        assert not re.search(r"python\.org/down-\r\n", text)


# --- notes ---------------------------------------------------------------------------------


def test_footnotes_pop_up_in_the_epub(feature_book):
    """book.toml notes = "footnotes": each note an aside a reading system pops up."""
    html = _xhtml(feature_book, "chapter-03.xhtml")
    ns = {"epub": EPUB_NS[1:-1], "x": XHTML[1:-1]}
    refs = html.xpath("//x:a[@epub:type='noteref']", namespaces=ns)
    notes = html.xpath("//x:aside[@epub:type='footnote'][@role='doc-footnote']", namespaces=ns)
    assert [r.get("href")[1:] for r in refs] == ["fn-first", "fn-inline-1", "fn-first"]
    assert [n.get("id") for n in notes] == ["fn-first", "fn-inline-1"]
    assert len(list(notes[0].iter(f"{XHTML}li"))) == 2
    assert _text(notes[1]).startswith("2. An inline note, written where it is referred to")


def test_footnotes_at_the_foot_of_the_page_read_after_their_reference(feature_book):
    pages = page_texts(feature_book.pdf)
    (page,) = [t for t in pages if "A note with its text below the paragraph" in t]
    lines = [line.strip() for line in page.split("\r\n")]
    second = lines.index(next(line for line in lines if line.startswith("2 An inline note")))
    first = next(i for i, line in enumerate(lines) if line.startswith("1 The first note"))
    body = next(i for i, line in enumerate(lines) if "Café Olé" in line)
    assert body < first < second, "both notes at the foot of the page, below the text"
    assert lines[first + 2:second] == ["A second paragraph of the same note, and a list:",
                                       "• one point", "• another point"]
    read = _read(feature_book.pdf)
    notes = [e.text for e in read if e.type == "Note"]
    assert [" ".join(n.split()) for n in notes] == [
        "1 The first note, with a link to the source (example.org/sources/first-note.html). "
        "A second paragraph of the same note, and a list: • one point • another point",
        "2 An inline note, written where it is referred to, as pandoc allows."]
    paragraph = next(e.text for e in read if e.type == "P" and e.text.startswith("A note with"))
    assert paragraph.startswith("A note with its text below the paragraph.1 1 The first note")
    with pikepdf.open(feature_book.pdf) as pdf:
        ids = [str(o.ID) for o in pdf.objects if isinstance(o, pikepdf.Dictionary)
               and o.get("/S") == "/Note"]
    assert sorted(ids) == ["note-fn-first", "note-fn-inline-1"]


def test_cited_works_and_their_locators(feature_book):
    text = _text(_xhtml(feature_book, "chapter-03.xhtml"))
    assert "(Glass & Wright, 2003, p. 12)" in text
    assert "two works are cited together (Glass & Wright, 2003; Spring, 2012)." in text
    assert "Spring (2012) agrees (see the first note again1), as do Glass and Wright (2003)." \
        in text


# --- pandoc's Markdown, comments, structure ------------------------------------------------


def test_comments_are_dropped_everywhere(feature_book):
    epub = " ".join(_text(_xhtml(feature_book, n)) for n in (
        "chapter-01.xhtml", "chapter-02.xhtml", "chapter-03.xhtml"))
    pdf = " ".join(page_texts(feature_book.pdf))
    for words in ("TODO", "translator", "A comment on the first line"):
        assert words not in epub and words not in pdf


def test_unnumbered_heading_and_slugs_that_keep_their_letters(feature_book):
    html = _xhtml(feature_book, "chapter-03.xhtml")
    heading = html.find(f".//{XHTML}h1")
    assert _text(heading) == "Notes, Links and Citations"
    assert "unnumbered" in heading.get("class", "")
    assert html.find(f".//{XHTML}h2").get("id") == "cafe-ole-uber-garten"
    assert html.xpath("//x:a[@href='#cafe-ole-uber-garten']", namespaces={"x": XHTML[1:-1]})


def test_a_scene_break_is_an_ornament_not_text(feature_book):
    assert list(_xhtml(feature_book, "chapter-01.xhtml").iter(f"{XHTML}hr"))
    read = " ".join(e.text for e in _read(feature_book.pdf))
    assert "After the break, the text starts flush." in read
    assert "*" not in read.replace("[@not-a-citation]", "")


def test_a_file_of_notes_beside_the_chapters_is_left_out(feature_book):
    """The parts list the chapters, so notes.md is simply not one (without a list it is
    left out with W002: tests/test_structure.py)."""
    assert feature_book.result.warnings == ()
    with zipfile.ZipFile(feature_book.epub) as archive:
        text = " ".join(archive.read(n).decode() for n in archive.namelist()
                        if n.endswith(".xhtml"))
    assert "Drafting notes" not in text


@pytest.mark.parametrize("name", ["feature-book.pdf", "feature-book-large-print.pdf"])
def test_the_chapter_titles_are_in_the_printed_contents(feature_book, name):
    contents = next(t for t in page_texts(feature_book.out / name)
                    if t.startswith("Contents"))
    for title in ("Code, Quotes and Comments", "Figures and Tables",
                  "Notes, Links and Citations"):
        assert title in " ".join(contents.split())


def test_front_matter_parts_and_back_matter(feature_book):
    """A dedication, two parts holding the chapters and a glossary, from book.toml."""
    ns = {"epub": EPUB_NS[1:-1], "x": XHTML[1:-1]}
    dedication = _xhtml(feature_book, "front-01.xhtml")
    assert dedication.xpath("//*[@epub:type='dedication'][@role='doc-dedication']",
                            namespaces=ns)
    glossary = _xhtml(feature_book, "back-01.xhtml")
    assert glossary.xpath("//*[@epub:type='glossary'][@role='doc-glossary']", namespaces=ns)
    assert [_text(t) for t in glossary.iter(f"{XHTML}dt")] == ["Fenced code", "Scene break"]
    nav = _xhtml(feature_book, "nav.xhtml")
    parts = nav.xpath("//x:nav[@epub:type='toc']/x:ol/x:li[x:ol]", namespaces=ns)
    assert [_text(p.find(f"{XHTML}a")) for p in parts] == ["Part One: Writing",
                                                          "Part Two: Referring"]
    assert [_text(a) for a in parts[0].iterfind(f"{XHTML}ol/{XHTML}li/{XHTML}a")] == [
        "Code, Quotes and Comments", "Figures and Tables"]
    elements = _elements(feature_book.pdf)
    assert [kids.count("Sect") for kind, kids in elements if kind == "Part"] == [2, 1]
    pages = page_texts(feature_book.pdf)
    part_page = next(i for i, t in enumerate(pages) if t.strip() == "Part One: Writing")
    assert part_page % 2 == 0, "a part's title page is a right-hand page (odd folio)"
