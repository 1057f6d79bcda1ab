"""The authors' words: every paragraph of both articles, in order, in the PDF and the EPUB.

tests/data/seeds/ holds the two articles as they were delivered. The comparison is on
letters and digits only, so layout (hyphenation, line breaks, quotation marks of a block
quotation, running heads between pages) cannot hide a changed or missing word.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from tests.pdftext import page_lines

SEEDS = Path(__file__).parent / "data" / "seeds"
XHTML = "{http://www.w3.org/1999/xhtml}"

#: The editorial changes the guide makes to web-only fragments, and nothing else.
DROPPED = {
    # Becomes the book's reference list, rendered from references.json (tested there).
    "References:",
    "Glass, S. P., & Wright, T. L. (2003). Not “Just Friends”: Rebuilding Trust and "
    "Recovering Your Sanity After Infidelity. Free Press.",
    "Spring, J. A. (2012). After the Affair: Healing the Pain and Rebuilding Trust When a "
    "Partner Has Been Unfaithful(2nd ed.). HarperCollins.",
    # Site navigation, meaningless in a book.
    "Continue reading: Rebuilding Trust After Betrayal: What Actually Works • Curated "
    "Resources for Couples After Betrayal",
}
REPLACED = {
    # The pointing-hand call to action becomes a link with descriptive text.
    "👉 Visit healingbrokentrust.com/betrayed-spouse-masterclass to take the next step.":
    "Visit the Betrayed Spouse Masterclass at healingbrokentrust.com to take the next step.",
}


def letters(text: str) -> str:
    return re.sub(r"[\W_]+", "", text).lower()


def seed_paragraphs() -> list[str]:
    paragraphs = []
    for name in ("article-1.txt", "article-2.txt"):
        for line in (SEEDS / name).read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line and line not in DROPPED:
                paragraphs.append(REPLACED.get(line, line))
    return paragraphs


def assert_in_order(paragraphs: list[str], text: str) -> None:
    stream, position = letters(text), 0
    for paragraph in paragraphs:
        found = stream.find(letters(paragraph), position)
        assert found >= 0, f"missing or out of order: {paragraph[:80]!r}"
        position = found + len(letters(paragraph))


def printed_addresses(path: Path) -> list[str]:
    """The web addresses the print editions add after their links, as printed."""
    with zipfile.ZipFile(path) as archive:
        hrefs = [a.get("href") for name in archive.namelist() if name.endswith(".xhtml")
                 for a in etree.fromstring(archive.read(name)).iter(f"{XHTML}a")]
    return [re.sub(r"^(https://|mailto:)", "", h) for h in hrefs
            if h and re.match(r"(https?|mailto):", h)]


def epub_text(path: Path) -> tuple[str, list[str]]:
    """Body text in spine order, without the in-text citations (which the book adds)."""
    with zipfile.ZipFile(path) as archive:
        opf = etree.fromstring(archive.read("EPUB/content.opf"))
        ns = {"opf": "http://www.idpf.org/2007/opf"}
        hrefs = {i.get("id"): i.get("href") for i in opf.iterfind(".//opf:item", ns)}
        texts, citations = [], []
        for itemref in opf.iterfind(".//opf:itemref", ns):
            html = etree.fromstring(archive.read("EPUB/" + hrefs[itemref.get("idref")]))
            spans = [s for s in html.iter(f"{XHTML}span") if s.get("class") == "citation"]
            for span in spans:
                citations.append("".join(span.itertext()))
                _drop(span)
            texts.append(" ".join(html.find(f"{XHTML}body").itertext()))
    return "\n".join(texts), citations


def _drop(element) -> None:
    """Remove an element but keep the text that follows it."""
    parent, previous, tail = element.getparent(), element.getprevious(), element.tail or ""
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(element)


def pdf_text(path: Path, running: set[str]) -> str:
    return "\n".join("\n".join(lines) for lines in page_lines(path, running))


@pytest.fixture(scope="module")
def paragraphs():
    found = seed_paragraphs()
    assert len(found) > 150  # both articles were read
    return found


def test_every_paragraph_is_in_the_epub_in_order(guide, paragraphs):
    text, _ = epub_text(guide.epub)
    assert_in_order(paragraphs, text)


def test_every_paragraph_is_in_the_pdf_in_order(guide, paragraphs):
    _, citations = epub_text(guide.epub)
    running = {"Rebuilding Intimacy and Trust After Infidelity",
               "Rebuild Intimacy After Betrayal: Healing Sex and Trust",
               "Finding the Way Back to Closeness", "References"}
    text = pdf_text(guide.pdf, running)
    for citation in citations:  # the in-text citations the book adds
        text = text.replace(" " + citation, "")
    addresses = printed_addresses(guide.epub)
    assert addresses, "the guide links to the web"
    stream = letters(text)
    for address in addresses:  # and the addresses it prints after web links
        assert letters(address) in stream, address
        stream = stream.replace(letters(address), "", 1)
    assert_in_order(paragraphs, stream)


def test_the_comparison_catches_a_changed_word(paragraphs):
    text = "\n".join(paragraphs)
    changed = text.replace("Richter scale", "Richter meter")
    with pytest.raises(AssertionError, match="There are things in life"):
        assert_in_order(paragraphs, changed)


def test_book_titles_are_italic_and_the_glass_passage_is_a_block_quotation(guide):
    with zipfile.ZipFile(guide.epub) as archive:
        html = etree.fromstring(archive.read("EPUB/chapter-01.xhtml"))
        second = etree.fromstring(archive.read("EPUB/chapter-02.xhtml"))
    italics = ["".join(e.itertext()) for e in html.iter(f"{XHTML}em")]
    assert "Not Just Friends" in italics
    assert "Journal of Marital and Family Therapy" in [
        "".join(e.itertext()) for e in second.iter(f"{XHTML}em")]
    (quote,) = list(html.iter(f"{XHTML}blockquote"))
    assert "".join(quote.itertext()).strip().startswith("Renewing your sexual relationship")


def test_call_to_action_is_a_descriptive_link_without_emoji(guide):
    with zipfile.ZipFile(guide.epub) as archive:
        html = etree.fromstring(archive.read("EPUB/chapter-01.xhtml"))
        everything = b"".join(archive.read(n) for n in archive.namelist())
    links = {a.get("href"): "".join(a.itertext()) for a in html.iter(f"{XHTML}a")}
    assert links["https://healingbrokentrust.com/betrayed-spouse-masterclass"] == \
        "Visit the Betrayed Spouse Masterclass at healingbrokentrust.com"
    assert "👉".encode() not in everything and b"Continue reading" not in everything
