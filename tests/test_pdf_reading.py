"""What a screen reader reads from each tagged PDF: every block word for word, in one element."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
from pathlib import Path

import pikepdf
import pytest

from quire.build import build
from quire.pdf_checks import claims_pdf_ua, is_element, kids
from quire.pdf_reading import (TOOL, expected_blocks, read_structure, reading_problems,
                               words)
from quire.writers.pdf_structure import _word_breaks

from .conftest import MODIFIED, ROOT, STYLES


def tagged(built) -> list:
    return [a for a in built.result.artifacts
            if a.format == "pdf" and a.source_html and claims_pdf_ua(a.data)]


def test_every_tagged_edition_reads_word_for_word(any_book):
    artifacts = tagged(any_book)
    # trade, a4, letter, large print and the handouts: every tagged edition
    assert len(artifacts) == 4 + 2 * len(list(any_book.manuscript.glob("0*.md")))
    for artifact in artifacts:
        blocks = expected_blocks(artifact.source_html)
        assert len(blocks) > 10
        assert reading_problems(artifact.data, artifact.source_html) == (), artifact.name


def test_the_build_runs_the_reading_check_on_each_tagged_pdf(guide):
    report = json.loads(next(guide.out.glob("*-accessibility.json")).read_text("utf-8"))
    results = [c for c in report["checks"] if c["tool"] == TOOL]
    assert sorted(r["target"] for r in results) == sorted(a.name for a in tagged(guide))
    assert all(r["passed"] and r["summary"].startswith("All ") for r in results)


def test_the_check_fails_on_what_weasyprint_writes_alone(guide):
    """WeasyPrint's own tagged PDF joins words at line ends, reads added hyphens, and cuts
    paragraphs at page turns: the check must see it."""
    from quire.manuscript import read_manuscript
    from quire.render import render_print_html
    from quire.writers.pdf import PdfStyle, lay_out

    book, _ = read_manuscript(guide.manuscript, MODIFIED)
    html = render_print_html(book, STYLES, cover=True)
    layout = lay_out(book, STYLES, html, PdfStyle(("letter.css",)))
    raw = layout.document.write_pdf(pdf_variant="pdf/ua-1")
    problems = reading_problems(raw, html)
    blocks = expected_blocks(html)
    assert len(problems) > len(blocks) / 2
    with pikepdf.open(io.BytesIO(raw)) as pdf:
        texts = [e.text for e in read_structure(pdf)]
    assert any("Betrayal:Healing" in t or "Sexand" in t or "andTrust" in t for t in texts)


def test_readers_of_either_kind_of_actual_text_read_the_same(guide):
    """Acrobat and poppler take /ActualText from the page content, other readers from the
    structure elements only: both read every element that holds no other element alike.
    An element with elements inside (a paragraph with a link) has no /ActualText of its
    own, which would hide them from every reader."""
    with pikepdf.open(guide.edition("letter")) as pdf:
        in_content, on_elements = read_structure(pdf), read_structure(pdf, in_content=False)
    assert len(in_content) == len(on_elements)
    leaves = [(a, b) for a, b in zip(in_content, on_elements) if not a.holds_elements]
    assert len(leaves) > 100
    assert all(a == b for a, b in leaves)
    holders = [a for a in in_content if a.holds_elements and a.type == "P"]
    assert holders  # paragraphs with links: still read word for word, from the content
    with pikepdf.open(guide.edition("letter")) as pdf:
        for element in pdf.objects:
            if isinstance(element, pikepdf.Dictionary) and "/ActualText" in element \
                    and "/S" in element and "/P" in element:
                assert not any(is_element(kid) for kid in kids(element)), element.S


def test_hyphens_of_line_breaks_read_as_soft_hyphens(guide):
    with pikepdf.open(guide.edition("letter")) as pdf:
        elements = read_structure(pdf)
    paragraphs = [e.text for e in elements if e.type == "P"]
    soft = [w for t in paragraphs for w in t.split() if "\u00ad" in w]
    assert len(soft) > 10  # hyphenation is on: many words break
    source = words(" ".join(b.text for b in expected_blocks(
        next(a for a in tagged(guide) if a.edition == "letter").source_html)))
    for word in soft:
        assert words(word)[0] in source  # "rela\u00adtionship" reads "relationship"


def test_one_element_per_section_paragraph_and_link(guide):
    with pikepdf.open(guide.pdf) as pdf:
        elements = read_structure(pdf)
    # one section per chapter (and front matter), not one per page
    sects = [e for e in elements if e.type == "Sect"]
    assert len(sects) < len(pdf.pages) / 2
    assert sum(e.text.startswith("Rebuild Intimacy After Betrayal") for e in sects) == 1
    links = [" ".join(words(e.text)) for e in elements if e.type == "Link"]
    assert links.count("visit the betrayed spouse masterclass at healingbrokentrust.com") == 1
    # a contents entry reads its title, then its page, apart
    assert "act one: the betrayed 5" in links
    # one annotation (one tab stop) for each link on a page
    for page in pdf.pages:
        annotations = [a for a in page.obj.get("/Annots", []) if a.get("/Subtype") == "/Link"]
        contents = [str(a.get("/Contents", "")) for a in annotations]
        assert len(contents) == len(set(contents)) or all(
            "citation" in c or "Back" in c for c in contents if contents.count(c) > 1)
    assert not any("QuireSource" in str(key) for obj in pdf.objects
                   if isinstance(obj, pikepdf.Dictionary) for key in obj.keys())


@pytest.mark.parametrize(("source", "pieces", "fixes"), [
    ("your interior life", ["your interior", "life"], [(0, "space")]),
    ("intimacy and trust", ["inti-", "macy and trust"], [(0, "hyphen")]),
    ("real trust-building", ["real trust-", "building"], []),
    ("betrayal—the loss", ["betrayal—", "the loss"], []),
    ("Visit the site", ["Visit the ", "site"], []),
    ("Act One", ["Act One", "5"], [(0, "space")]),  # generated, after a leader
    ("HEALING", ["healing"], []),
    # case folding that changes length ("ß" folds to "ss") does not move the cursor off
    ("Die Straße ist lang und breit", ["Die Straße ist", "lang und breit"], [(0, "space")]),
    ("Die Straße ist lang", ["DIE STRASSE IST", "LANG"], [(0, "space")]),  # uppercase
    # a no-break space in the drawn text is the source's space too
    ("nous avons\u00a0: la paix", ["nous", "avons\u00a0: la", "paix"],
     [(0, "space"), (1, "space")]),
    # a page number the styles add inside a block, at a line end (a cross-reference)
    ("a link to it (see page becomes a reference",
     ["a link to it", " (see page", "\u00a09)", "becomes a reference"], [(2, "space")]),
    ("it (see page and more", ["it (see page", "\u00a09) and more"], []),  # mid-line
])
def test_word_breaks(source, pieces, fixes):
    gaps = [False] + [piece.isdigit() for piece in pieces[1:]]
    found = _word_breaks(source, [(i, p, g) for i, (p, g) in enumerate(zip(pieces, gaps))])
    assert found == fixes


# --- a long book of many chapters, with notes -------------------------------------------------

NOTES_CHAPTER = """# Notes and Quotations

A paragraph with a note[^one] and a second, longer one that runs on for a while so that its
line breaks fall in several places in every edition of the book, with hyphenation.[^two]

Die Straße, die Größe und das Maß der Dinge: ein Absatz, der lang genug ist, um in jeder
Ausgabe über mehrere Zeilen zu laufen, mit Straßenbaumaßnahmen und Fußgängerüberwegen.

Il a dit : « oui, mais pas encore », puis il a relu la page 12 et
la note 3 pendant que la pluie tombait sur la ville, longtemps, sans un mot de plus.

> A quotation that is long enough to wrap over two lines or more, in every edition of
> this book, set apart from the text around it as quotations are.

[^one]: The first note, which is short.
[^two]: The second note, which is long enough to run over a line end in the trade edition,
    with a few more words, and a link to [the project's page](https://example.org/a/long/path/of/pages).

## A long table

| Term | Meaning |
|------|---------|
""" + "\n".join(f"| Term {i} | What term {i} means, in words enough to fill a line or two of "
                f"its cell |" for i in range(70)) + "\n"


@pytest.fixture(scope="module")
def long_book(tmp_path_factory):
    """Thirteen chapters (about 60 trade pages): the guide's and the small book's chapters
    again and again, with notes, in three tagged editions."""
    folder = tmp_path_factory.mktemp("long-book")
    small = ROOT / "tests" / "fixtures" / "small-book"
    shutil.copy(small / "gradient.png", folder)
    references = json.loads((small / "references.json").read_text("utf-8")) + json.loads(
        (ROOT / "manuscript" / "references.json").read_text("utf-8"))
    (folder / "references.json").write_text(json.dumps(references), "utf-8")
    sources = [*sorted((ROOT / "manuscript").glob("0*.md")), *sorted(small.glob("0*.md"))]
    chapters = []
    for number in range(12):
        text = sources[number % len(sources)].read_text("utf-8").split("\n", 1)[1]
        name = f"{number + 1:02d}-chapter.md"
        (folder / name).write_text(f"# Chapter {number + 1}\n{text}", "utf-8")
        chapters.append(name)
    (folder / "13-notes.md").write_text(NOTES_CHAPTER, "utf-8")
    chapters.append("13-notes.md")
    toml = (small / "book.toml").read_text("utf-8").replace(
        'slug = "small-book"', 'slug = "long-book"')
    toml = toml.replace("[[creators]]", 'editions = ["trade", "letter", "large-print"]\n'
                        f"chapters = {json.dumps(chapters)}\n\n[[creators]]", 1)
    (folder / "book.toml").write_text(toml, "utf-8")
    out = tmp_path_factory.mktemp("long-out")
    return build(folder, out, STYLES, MODIFIED)


def test_a_long_book_reads_word_for_word(long_book):
    artifacts = [a for a in long_book.artifacts if a.source_html]
    assert [a.edition for a in artifacts] == ["trade", "letter", "large-print"]
    assert artifacts[0].pages > 50
    for artifact in artifacts:
        assert reading_problems(artifact.data, artifact.source_html) == (), artifact.name
    reading = [c for c in long_book.checks if c.tool == TOOL]
    assert len(reading) == 3 and all(c.passed for c in reading)


def test_notes_are_note_elements_and_their_references_reference(long_book):
    trade = next(a for a in long_book.artifacts if a.edition == "trade")
    with pikepdf.open(io.BytesIO(trade.data)) as pdf:
        elements = read_structure(pdf)
        from quire.pdf_checks import elements as tree
        notes = [e for e in tree(pdf) if e.S == "/Note"]
        ids = [str(e.ID) for e in notes]
        references = [e for e in tree(pdf) if e.S == "/Reference"]
        assert all(k.S == "/Link" for e in references for k in e.K)
    assert len(notes) == 2 and len(set(ids)) == 2
    assert len(references) == 2
    # a table over several pages is one Table, its header row read once
    tables = trade.source_html.count("<table")
    assert [e.type for e in elements if e.type in ("Table", "THead")] == ["Table", "THead"] * tables
    texts = [e.text for e in elements if e.type == "Note"]
    assert texts[0].startswith("1. The first note, which is short.")
    assert "The second note, which is long enough to run over a line end" in texts[1]
