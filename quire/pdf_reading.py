"""What a screen reader reads from a tagged PDF, checked against the HTML it was made from.

Assistive technology reads a tagged PDF by walking its structure tree in order and taking
each element's text from its marked content (by MCID), where an ``/ActualText`` (on a
structure element, or on a marked-content sequence within the content) replaces what is
drawn (ISO 32000-1 14.9.4). A soft hyphen (U+00AD) marks a hyphen that line breaking added
(14.8.2.2.3): it is no letter of the word. This module reads the tree that way and checks
that every block of the book (paragraph, heading, list item, note, quotation, table cell,
caption) reads word for word inside one structure element of its kind, in reading order.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass

import lxml.html
import pikepdf

from .pdf_checks import DETAILS, Problems, _PageReader, is_element, kids, page_indices
from .report import CheckResult

#: The check as the report names it.
TOOL = "quire PDF reading: every block reads word for word in one structure element"

#: Characters that are not part of a word as read: soft hyphens, zero-width spaces, joiners.
INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
#: In an expected block, a page number that only the layout knows ("see page N").
PAGE_NUMBER = "\ufffc"
#: The HTML blocks checked, and the structure types that may hold each one.
BLOCKS = {
    "p": {"P"}, "h1": {"H1"}, "h2": {"H2"}, "h3": {"H3"}, "h4": {"H4"}, "h5": {"H5"},
    "h6": {"H6"}, "li": {"LI", "LBody"}, "dt": {"LI", "LBody"}, "dd": {"LI", "LBody"},
    "blockquote": {"BlockQuote"}, "td": {"TD"}, "th": {"TH"}, "caption": {"Caption"},
    "figcaption": {"Caption"}, "pre": {"Code"},
}
#: Elements that hold blocks: their own text is checked block by block.
HOLDERS = set(BLOCKS) | {"ul", "ol", "dl", "div", "table", "figure", "section"}


@dataclass(frozen=True)
class ReadElement:
    """A structure element as assistive technology reads it."""

    type: str  # "P", "H2" …
    text: str
    #: Whether other structure elements are inside it (a link in a paragraph).
    holds_elements: bool = False


class _ReadingPage(_PageReader):
    """A page's text per MCID in drawing order, with marked-content ActualText applied."""

    def __init__(self, page: pikepdf.Page, tables, in_content: bool = True):
        super().__init__(page, tables)
        #: Whether /ActualText in the content's marked sequences counts (as it does for
        #: Acrobat and poppler); some readers take it from structure elements only.
        self.in_content = in_content
        self.texts: dict[int, str] = {}
        #: Per open sequence: (MCID or None, ActualText or None, whether that was read).
        self.open: list[list] = []

    def step(self, operands: list, op: str) -> None:
        if op in ("BDC", "BMC"):
            properties = operands[1] if op == "BDC" else None
            if properties is not None and not isinstance(properties, pikepdf.Dictionary):
                properties = self.properties.get(str(properties))
            mcid = actual = None
            if isinstance(properties, pikepdf.Dictionary):
                mcid = int(properties.MCID) if "/MCID" in properties else None
                actual = str(properties.ActualText) if "/ActualText" in properties \
                    and self.in_content else None
            self.open.append([mcid, actual, False])
        elif op == "EMC" and self.open:
            mcid, actual, read = self.open.pop()
            if actual is not None and not read:  # an ActualText over nothing drawn
                self._add(actual)
        super().step(operands, op)

    def _add(self, text: str) -> None:
        mcid = next((entry[0] for entry in reversed(self.open) if entry[0] is not None), None)
        if mcid is not None:
            self.texts[mcid] = self.texts.get(mcid, "") + text

    def paint(self, operands: list, op: str) -> None:
        super().paint(operands, op)
        if op not in ("Tj", "TJ", "'", '"') or not self.open:
            return
        # The outermost ActualText inside the tagged sequence replaces what it draws.
        for entry in self.open:
            if entry[1] is not None:
                if not entry[2]:
                    entry[2] = True
                    self._add(entry[1])
                return
        self._add(self.decode(operands[-1]))


def read_structure(pdf: pikepdf.Pdf, in_content: bool = True) -> list[ReadElement]:
    """Every structure element, in reading order, with the text a screen reader gets.

    ``in_content=False`` reads as a reader that ignores /ActualText in the page content.
    """
    tables: dict = {}
    pages = []
    for page in pdf.pages:
        reader = _ReadingPage(page, tables, in_content)
        reader.read()
        pages.append(reader.texts)
    indices = page_indices(pdf)
    found: list[ReadElement] = []
    seen: set = set()

    def read(element, page) -> str:
        if "/Pg" in element:
            page = indices.get(element.Pg.objgen, page)
        slot = len(found)
        found.append(ReadElement(str(element.get("/S", "/"))[1:], ""))
        text, holds = "", False
        for kid in kids(element):
            if isinstance(kid, int):
                text += pages[page].get(int(kid), "") if page is not None else ""
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                where = indices.get(kid.Pg.objgen, page) if "/Pg" in kid else page
                text += pages[where].get(int(kid.MCID), "") if where is not None else ""
            elif is_element(kid) and kid.objgen not in seen:
                seen.add(kid.objgen)
                text += read(kid, page)
                holds = True
        if "/ActualText" in element:
            text = str(element.ActualText)
        found[slot] = ReadElement(found[slot].type, text, holds)
        return text

    for kid in kids(pdf.Root.get("/StructTreeRoot", pikepdf.Dictionary())):
        if is_element(kid):
            read(kid, None)
    return found


def words(text: str) -> list[str]:
    """The words of a text as read aloud: no soft hyphens, compatibility forms folded."""
    return unicodedata.normalize("NFKC", text.translate(INVISIBLE)).casefold().split()


@dataclass(frozen=True)
class Block:
    """A block of the book's HTML that must read word for word."""

    tag: str
    text: str


def expected_blocks(html: str) -> list[Block]:
    """The blocks of the HTML a PDF was made from, in document order.

    The printed contents (``nav``) is left out: its page numbers are generated, and its
    entries are links checked as such. A block that holds other blocks (a list item with
    paragraphs) is checked through them.
    """
    root = lxml.html.document_fromstring(html)
    for reference in root.find_class("see-page"):
        # " (see page" is text; the number and ")" are the styles' (``target-counter``).
        reference.text = (reference.text or "") + "\u00a0" + PAGE_NUMBER + ")"
    found = []
    for element in root.iter(*BLOCKS):
        if any(a.tag == "nav" or a.get("hidden") is not None for a in element.iterancestors()):
            continue
        if any(child.tag in HOLDERS for child in element.iterdescendants()):
            continue
        text = " ".join(element.text_content().split())
        if words(text):
            found.append(Block(element.tag, text))
    return found


def _contains(haystack: list[str], needle: list[str]) -> bool:
    """Whether ``needle`` comes in ``haystack`` word for word (``PAGE_NUMBER`` in a word of
    the needle stands for any page number)."""
    if len(needle) > len(haystack):
        return False
    patterns = [re.compile(re.escape(word).replace(PAGE_NUMBER, r"[0-9ivxlcdm]+"))
                if PAGE_NUMBER in word else None for word in needle]

    def same(word: str, index: int) -> bool:
        pattern = patterns[index]
        return pattern.fullmatch(word) is not None if pattern else word == needle[index]

    return any(all(same(haystack[i + j], j) for j in range(len(needle)))
               for i in range(len(haystack) - len(needle) + 1) if same(haystack[i], 0))


def reading_problems(data: bytes, html: str) -> Problems:
    """Each block of ``html`` that does not read word for word inside one structure element
    of its kind of the PDF ``data``, in order; empty when every one does."""
    return _problems(data, expected_blocks(html))


def _problems(data: bytes, blocks: list[Block]) -> Problems:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        elements = read_structure(pdf)
    read = [(element.type, words(element.text)) for element in elements]
    problems, position = [], 0
    for block in blocks:
        wanted = words(block.text)
        types = BLOCKS[block.tag]
        match = next((i for i in range(position, len(read))
                      if read[i][0] in types and _contains(read[i][1], wanted)), None)
        if match is not None:
            position = match
            continue
        anywhere = any(kind in types and _contains(found, wanted) for kind, found in read)
        problems.append(f"<{block.tag}> \"{_excerpt(block.text)}\" "
                        + ("is read out of order" if anywhere else
                           f"is not read word for word in one {'/'.join(sorted(types))}"
                           + _nearest(read, wanted, types)))
    return tuple(problems)


def _excerpt(text: str, length: int = 60) -> str:
    return text if len(text) <= length else text[:length - 1] + "…"


def _nearest(read: list[tuple[str, list[str]]], wanted: list[str], types: set[str]) -> str:
    """What the reader gets instead: the element of that kind sharing most of the words."""
    best, shared = None, 0
    wanted_set = set(wanted)
    for kind, found in read:
        if kind in types:
            common = len(wanted_set & set(found))
            if common > shared:
                best, shared = found, common
    if best is None:
        return ""
    missing = [w for w in wanted if w not in set(best)][:3]
    return f" (nearest reads \"{_excerpt(' '.join(best))}\"" + (
        f"; missing {', '.join(missing)})" if missing else ")")


def reading_result(data: bytes, html: str, name: str) -> CheckResult:
    """``reading_problems`` as a result of the build's checks."""
    blocks = expected_blocks(html)
    try:
        problems = _problems(data, blocks)
    except Exception as error:  # pikepdf raises many types; each means a broken file
        problems = (f"the file could not be read: {type(error).__name__}: {error}",)
    summary = (f"All {len(blocks)} blocks read word for word." if not problems else
               f"{len(problems)} of {len(blocks)} blocks do not read word for word.")
    return CheckResult(TOOL, name, True, not problems, summary, problems[:DETAILS])
