"""What low-vision readers and therapists see on the printed page: large print without
italics, a contents list that keeps inside the page, headings and links that show, handouts
that say where the book is and what may be copied."""

from __future__ import annotations

import re

import pikepdf
import pytest

from quire.pdf_checks import fonts

from .conftest import ROOT
from .test_editions import _body, _chars, _page_texts

POINTS = 72


def _contents_pages(path) -> list[int]:
    """The printed contents of the guide: from its title to the first chapter's text."""
    texts = _page_texts(path)
    start = next(i for i, t in enumerate(texts) if "Contents" in t.split("\r\n")[:3])
    end = next(i for i, t in enumerate(texts) if "There are things in life" in t)
    return [i for i in range(start, end) if "page" in texts[i] or "Act One" in texts[i]
            or re.search(r"\.\s*\d+$", texts[i], re.MULTILINE)]


def test_large_print_has_no_italic_glyph(guide):
    with pikepdf.open(guide.edition("large-print")) as pdf:
        names = {str(font.get("/BaseFont", "")) for font in fonts(pdf)}
    assert names and not [n for n in names if "italic" in n.lower()], names
    # the other editions do use italics: the test reads real font names
    with pikepdf.open(guide.edition("letter")) as pdf:
        assert any("italic" in str(f.get("/BaseFont", "")).lower() for f in fonts(pdf))


#: The right margin of the text block, in points, of each edition's contents pages.
RIGHT_MARGIN = {"trade": 0.625 * POINTS, "a4": 30 / 25.4 * POINTS, "letter": 1.25 * POINTS,
                "large-print": 1 * POINTS}


@pytest.mark.parametrize("edition", RIGHT_MARGIN)
def test_contents_keep_inside_the_text_block(guide, edition):
    path = guide.edition(edition)
    pages = _contents_pages(path)
    assert pages
    with pikepdf.open(path) as pdf:
        width = float(pdf.pages[pages[0]].mediabox[2])
    for index in pages:
        chars, _ = _chars(path, index)
        right = max(x + 0.6 * size for char, x, _, size, _ in chars)
        assert right <= width - RIGHT_MARGIN[edition] + 1, (edition, index + 1, right)


@pytest.mark.parametrize("edition", ["a4", "letter", "trade"])
def test_contents_page_numbers_stand_in_one_column(guide, edition):
    """A wrapped entry's number lines up with the others (a leader after a hanging indent
    used to push it out)."""
    path = guide.edition(edition)
    ends = []
    for index in _contents_pages(path):
        chars, height = _chars(path, index)
        lines: dict[float, list] = {}
        for char in _body(chars, height):  # not the folio
            lines.setdefault(round(char[2]), []).append(char)
        for line in lines.values():
            last = max(line, key=lambda c: c[1])
            if last[0].isdigit():
                ends.append(round(last[1] + 0.5 * last[3]))
    assert len(ends) > 15 and max(ends) - min(ends) <= 4, sorted(set(ends))


def test_large_print_contents_keep_page_and_number_together(guide):
    path = guide.edition("large-print")
    texts = _page_texts(path)
    lines = [line for i in _contents_pages(path) for line in texts[i].split("\r\n")]
    entries = [line for line in lines if "page" in line.split()]
    assert len(entries) > 15
    assert all(re.search(r"— page\s\d+$", line) for line in entries), entries
    assert not any(line.rstrip().endswith(("page", "—")) for line in lines)


@pytest.mark.parametrize("edition", ["a4", "letter", "trade", "large-print"])
def test_headings_are_at_least_as_large_as_the_text(guide, edition):
    path = guide.edition(edition)
    texts = _page_texts(path)
    index = next(i for i, t in enumerate(texts) if "When You Want to Be Held" in t
                 and i not in _contents_pages(path))
    chars, _ = _chars(path, index)
    sizes = [c[3] for c in chars]
    body = max(set(round(s, 1) for s in sizes), key=lambda s: sum(round(x, 1) == s
                                                                  for x in sizes))
    text = "".join(c[0] for c in chars)
    start = text.index("WhenYouWanttoBeHeld")
    assert chars[start][3] >= body, (edition, chars[start][3], body)


def _underlines(page: pikepdf.Page) -> int:
    """Horizontal strokes more than 3 pt long: what WeasyPrint draws an underline with."""
    count, start = 0, None
    for operands, operator in pikepdf.parse_content_stream(page):
        if str(operator) == "m":
            start = [float(v) for v in operands]
        elif str(operator) == "l" and start is not None:
            x, y = (float(v) for v in operands)
            if y == start[1] and abs(x - start[0]) > 3:
                count += 1
            start = [x, y]
    return count


@pytest.mark.parametrize(("edition", "underlined"),
                         [("a4", True), ("letter", True), ("large-print", True),
                          ("trade", False)])
def test_links_are_underlined_in_the_editions_read_on_screen(guide, edition, underlined):
    path = guide.edition(edition)
    with pikepdf.open(path) as pdf:
        index = next(i for i, page in enumerate(pdf.pages)
                     if any(annot.get("/A", {}).get("/S") == "/URI"
                            for annot in page.get("/Annots", [])))
        assert (_underlines(pdf.pages[index]) > 0) == underlined


def test_handouts_say_where_the_book_is_its_rights_and_the_permission(guide):
    for path in guide.editions("handouts"):
        first = " ".join(_page_texts(path)[0].split())
        assert "The whole book: healingbrokentrust.com" in first
        assert "© 2026 Healing Broken Trust. All rights reserved. Therapists and counsellors " \
            "may photocopy this handout for their clients’ personal use." in first
        assert "urn:uuid" not in first


def test_a_handout_without_a_web_address_gives_the_isbn_and_no_permission(small_book):
    for path in small_book.editions("handouts"):
        first = " ".join(_page_texts(path)[0].split())
        assert "The whole book: ISBN 9780306406157" in first
        assert "Licensed under CC BY 4.0." in first
        assert "photocopy" not in first


def test_no_template_or_stylesheet_carries_one_book_s_words():
    for path in [*(ROOT / "styles" / "templates").iterdir(), *(ROOT / "styles").glob("*.css")]:
        text = path.read_text("utf-8").lower()
        for word in ("guide", "therapist", "infidelity", "healing broken trust"):
            assert word not in text, (path.name, word)
