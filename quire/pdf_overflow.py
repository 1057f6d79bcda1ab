"""Text a PDF draws where no reader sees it (beyond the trimmed page, outside its clip) or
where it does not belong (past the right edge of the page's text block, into the margin).

A line too wide for the page (an unbreakable word, a wide table, code that does not wrap) is
still in the content stream and in the structure tree, so the reading check passes; but
the printer trims the page at its TrimBox (ISO 32000-1 14.11.2: the intended finished
page), a viewer shows only the CropBox, and nothing outside the current clipping path is
painted (8.5.4). This module looks at where each character's glyph is drawn, with pdfium's
character boxes, and says which words of which block of the HTML are lost. A line that
runs into the margin is on the page but overflowed its block: the same fault, caught before
it grows past the trim in another edition.

Fast enough for every build: pdfium reads each page's text objects and their boxes (about
0.1 s for the guide's 19-page trade edition); only a page where something reaches past an
edge is read character by character, and the HTML is parsed only when words are lost.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from pathlib import Path

import lxml.html
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .errors import BookError, line_of
from .pdf_reading import BLOCKS, words
from .report import CheckResult
from .sources import read_source

#: The check as the report names it.
TOOL = ("quire PDF text fit: every word of every block is drawn inside the text block, "
        "on the trimmed page, unclipped")
#: How far (pt) a glyph's box may reach past the trim or its clip before it counts as cut:
#: an italic's overhang or an accent may touch an edge, no word of the text should.
TOLERANCE = 1.0
#: A clip narrower or lower than this (pt) hides its content on purpose: CSS's
#: "visually hidden" pattern (a 1px box, ``clip: rect(0 0 0 0)``) keeps a heading for
#: assistive technology only. Its text is not lost, it was never meant to be seen.
HIDDEN_CLIP = 2.0
#: The blocks a lost word is traced back to: the reading check's, and code blocks.
BLOCK_TAGS = set(BLOCKS) | {"pre"}

Box = tuple[float, float, float, float]  # left, bottom, right, top, in PDF points


@dataclass(frozen=True)
class LostLine:
    """Words of one line of a page, drawn where they cannot be seen."""

    page: int  # 1-based
    #: The line's words as drawn, and which of them are lost (a partly cut word is lost;
    #: a word beyond the text block counts as lost too: it is in the margin or the gutter).
    words: tuple[str, ...]
    lost: tuple[bool, ...]
    #: One of REASONS.
    reason: str

    @property
    def lost_words(self) -> tuple[str, ...]:
        return tuple(w for w, gone in zip(self.words, self.lost) if gone)


@dataclass(frozen=True)
class Block:
    """A block of the HTML a PDF was laid out from."""

    tag: str
    text: str
    #: The ``data-section`` it is in ("chapter-02", "references" …), or "".
    section: str


@dataclass(frozen=True)
class LostBlock:
    """A block some of whose words are lost, and where."""

    block: Block | None  # None: no block of the HTML has these words (generated text)
    pages: tuple[int, ...]
    lost: int
    total: int
    reason: str
    #: The longest lost word as drawn: the likeliest to be found in the manuscript.
    longest_lost: str
    #: The first line that loses its words, as drawn on the page.
    line: str


def _intersect(a: Box, b: Box) -> Box:
    return (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))


def _outside(box: Box, area: Box) -> bool:
    return (box[0] < area[0] - TOLERANCE or box[1] < area[1] - TOLERANCE
            or box[2] > area[2] + TOLERANCE or box[3] > area[3] + TOLERANCE)


def _clip_box(page_object) -> Box | None:
    """The box of an object's clipping path (the intersection of its paths' boxes); None
    when nothing clips it. WeasyPrint clips with rectangles (``overflow``, ``clip``)."""
    clip = pdfium_c.FPDFPageObj_GetClipPath(page_object)
    if not clip:
        return None
    paths = pdfium_c.FPDFClipPath_CountPaths(clip)
    if paths <= 0:
        return None
    area: Box | None = None
    x, y = ctypes.c_float(), ctypes.c_float()
    for path in range(paths):
        points = []
        for index in range(pdfium_c.FPDFClipPath_CountPathSegments(clip, path)):
            segment = pdfium_c.FPDFClipPath_GetPathSegment(clip, path, index)
            if segment and pdfium_c.FPDFPathSegment_GetPoint(segment, x, y):
                points.append((x.value, y.value))
        if points:
            box = (min(p[0] for p in points), min(p[1] for p in points),
                   max(p[0] for p in points), max(p[1] for p in points))
            area = box if area is None else _intersect(area, box)
    return area


def _visible_area(page: pdfium.PdfPage) -> Box:
    """What is left of the page after trimming: MediaBox ∩ CropBox ∩ TrimBox."""
    area = page.get_mediabox()
    for box in (page.get_cropbox(), page.get_trimbox()):
        area = _intersect(area, box)
    return area


def _address(pointer) -> int:
    return ctypes.cast(pointer, ctypes.c_void_p).value or 0


def _object_bounds(page_object) -> Box:
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    pdfium_c.FPDFPageObj_GetBounds(page_object, left, bottom, right, top)
    return (left.value, bottom.value, right.value, top.value)


def _is_artifact(page_object) -> bool:
    """Whether the object is in an ``/Artifact`` marked-content sequence (a running head,
    a folio, leader dots: ISO 32000-1 14.8.2.2), not the book's text."""
    name = (ctypes.c_ushort * 16)()
    length = ctypes.c_ulong()
    for index in range(pdfium_c.FPDFPageObj_CountMarks(page_object)):
        mark = pdfium_c.FPDFPageObj_GetMark(page_object, index)
        if mark and pdfium_c.FPDFPageObjMark_GetName(mark, name, ctypes.sizeof(name), length) \
                and bytes(name)[:max(length.value - 2, 0)].decode("utf-16-le") == "Artifact":
            return True
    return False


@dataclass
class _Page:
    """Where a page's text can be seen, and what of it may stand outside its text block."""

    number: int  # 1-based
    visible: Box
    #: The page's text block, or None when the PDF's maker did not give one.
    text_block: Box | None
    #: The clip of each clipped text object, by the object's address.
    clips: dict[int, Box]
    #: The text objects that are artifacts, by address.
    artifacts: set[int]


def _beyond_text_block(glyph: Box, block: Box) -> bool:
    """Past the end of the line: a line too long for the text block overflows at its end,
    the right for left-to-right text. Its start may stand in the margin by design (a
    hanging contents entry, a list marker outside); the page's height is no limit either
    (notes and margin boxes)."""
    return glyph[2] > block[2] + TOLERANCE


def _look_at(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, geometry: _Page) -> bool:
    """A quick look: does any text run past the visible area or the text block, or any text
    object past its clip? Fills in the clips, and the artifacts when it must look closer."""
    suspect = False
    objects = list(page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_TEXT,)))
    for page_object in objects:
        clip = _clip_box(page_object.raw)
        if clip is not None:
            geometry.clips[_address(page_object.raw)] = clip
            suspect |= _outside(_object_bounds(page_object.raw), clip)
    left, top, right, bottom = (ctypes.c_double() for _ in range(4))
    for index in range(pdfium_c.FPDFText_CountRects(textpage.raw, 0, -1)):
        pdfium_c.FPDFText_GetRect(textpage.raw, index, left, top, right, bottom)
        rect = (left.value, bottom.value, right.value, top.value)
        suspect |= _outside(rect, geometry.visible) or (
            geometry.text_block is not None and _beyond_text_block(rect, geometry.text_block))
    if suspect:
        geometry.artifacts.update(_address(o.raw) for o in objects if _is_artifact(o.raw))
    return suspect


#: Why a line's words are lost, the gravest first.
REASONS = ("is clipped", "runs past the trim", "runs into the margin")


def _lost_lines(textpage: pdfium.PdfTextPage, geometry: _Page) -> list[LostLine]:
    """Character by character: each line of the page with a glyph out of sight, or beyond
    the text block."""
    raw = textpage.raw
    lines: list[LostLine] = []
    line: list[tuple[str, bool]] = []  # (word, lost)
    word, word_lost, reason = "", False, len(REASONS)

    def end_word():
        nonlocal word, word_lost
        if word:
            line.append((word, word_lost))
        word, word_lost = "", False

    def end_line():
        nonlocal reason
        end_word()
        if any(gone for _, gone in line):
            lines.append(LostLine(geometry.number, tuple(w for w, _ in line),
                                  tuple(g for _, g in line), REASONS[reason]))
        line.clear()
        reason = len(REASONS)

    box = [ctypes.c_double() for _ in range(4)]
    for index in range(pdfium_c.FPDFText_CountChars(raw)):
        char = chr(pdfium_c.FPDFText_GetUnicode(raw, index))
        if char in "\r\n":
            end_line()
            continue
        if char.isspace() or char == "\x00":
            end_word()
            continue
        address = _address(pdfium_c.FPDFText_GetTextObject(raw, index))
        clip = geometry.clips.get(address)
        if clip is not None and (clip[2] - clip[0] < HIDDEN_CLIP
                                 or clip[3] - clip[1] < HIDDEN_CLIP):
            continue  # hidden on purpose: not drawn to be seen, so not lost
        word += char
        pdfium_c.FPDFText_GetCharBox(raw, index, box[0], box[1], box[2], box[3])
        left, right, bottom, top = (b.value for b in box)
        glyph = (left, bottom, right, top)
        if right <= left and top <= bottom:
            continue  # nothing drawn
        if clip is not None and _outside(glyph, clip):
            found = 0
        elif _outside(glyph, geometry.visible):
            found = 1
        elif (geometry.text_block is not None and address not in geometry.artifacts
              and _beyond_text_block(glyph, geometry.text_block)):
            found = 2
        else:
            continue
        word_lost, reason = True, min(reason, found)
    end_line()
    return lines


def lost_text(data: bytes, text_areas: tuple[Box, ...] = ()) -> list[LostLine]:
    """Every line of the PDF ``data`` with a word drawn out of sight, or (given each page's
    text block in ``text_areas``) with a word of the book's text beyond its text block."""
    document = pdfium.PdfDocument(data)
    found: list[LostLine] = []
    try:
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            geometry = _Page(index + 1, _visible_area(page),
                             text_areas[index] if index < len(text_areas) else None, {}, set())
            if _look_at(page, textpage, geometry):
                found += _lost_lines(textpage, geometry)
            textpage.close()
            page.close()
    finally:
        document.close()
    return found


def html_blocks(html: str) -> list[Block]:
    """The innermost blocks of the HTML (code blocks included), in document order."""
    root = lxml.html.document_fromstring(html)
    found = []
    for element in root.iter(*BLOCK_TAGS):
        if any(a.get("hidden") is not None for a in element.iterancestors()):
            continue
        if any(child.tag in BLOCK_TAGS for child in element.iterdescendants()):
            continue
        text = " ".join(element.text_content().split())
        if text:
            section = next((a.get("data-section") for a in element.iterancestors()
                            if a.get("data-section")), "")
            found.append(Block(element.tag, text, section))
    return found


def _folded(text: str) -> str:
    return " ".join(words(text))


def lost_blocks(data: bytes, html: str, text_areas: tuple[Box, ...] = ()) -> list[LostBlock]:
    """The blocks of ``html`` with words the PDF ``data`` draws out of sight (or beyond the
    text block, given ``text_areas``), each with how many of its words; empty when none."""
    lines = lost_text(data, text_areas)
    if not lines:
        return []
    blocks = html_blocks(html)
    folded = [_folded(block.text) for block in blocks]
    found: dict[int, LostBlock] = {}
    position = 0
    for line in lines:
        line_words = [_folded(w) for w in line.words]
        # A line may cross blocks (a table row): each lost word goes to a block that has it,
        # the one with most of the line's words, the next in reading order on a tie.
        context: dict[int, int] = {}
        for word, gone in zip(line_words, line.lost):
            if not gone:
                continue
            holders = [i for i, text in enumerate(folded) if word and word in text]
            for i in holders:
                if i not in context:
                    context[i] = sum(1 for w in line_words if w and w in folded[i])
            best = max(holders, default=None,
                       key=lambda i: (context[i], i >= position, -abs(i - position)))
            if best is None:
                key, block, total = -1 - line.page, None, len(line.words)
            else:
                key, block, total = best, blocks[best], len(words(blocks[best].text))
                position = best
            drawn = line.words[line_words.index(word)]
            before = found.get(key)
            if before is None:
                found[key] = LostBlock(block, (line.page,), 1, total, line.reason, drawn,
                                       " ".join(line.words))
            else:
                found[key] = LostBlock(
                    block, tuple(sorted(set(before.pages) | {line.page})),
                    min(before.lost + 1, total), total,
                    min(before.reason, line.reason, key=REASONS.index),
                    max(before.longest_lost, drawn, key=len), before.line)
    return [found[key] for key in sorted(found, key=lambda k: (min(found[k].pages), k))]


#: What the author calls each kind of block.
KINDS = {"p": "paragraph", "li": "list item", "dt": "term", "dd": "definition",
         "blockquote": "quotation", "td": "table cell", "th": "table heading",
         "caption": "table caption", "figcaption": "figure caption", "pre": "code block"}


def _excerpt(text: str, length: int = 50) -> str:
    return text if len(text) <= length else text[:length - 1] + "…"


def edition_label(edition: str) -> str:
    """How a message names an edition: "the trade edition", "the handouts"."""
    return "the handouts" if edition == "handouts" else f"the {edition} edition"


def _describe(lost: LostBlock, name: str, edition: str = "") -> str:
    pages = ", ".join(map(str, lost.pages))
    of = f"{name}, {edition_label(edition)}" if edition else name
    where = f"page{'s' if len(lost.pages) > 1 else ''} {pages} of {of}"
    line = f"the line \"{_excerpt(lost.line)}\" {lost.reason}"
    if lost.block is None:
        return (f"{where}: {line}, text that is in no block of the book (a running head, "
                f"a folio, generated text)")
    kind = KINDS.get(lost.block.tag, "heading")
    return (f"{where}: {line}, losing {lost.lost} of the {lost.total} words of the {kind} "
            f"\"{_excerpt(lost.block.text, 30)}\"")


def _line(path: Path, lost: LostBlock) -> int | None:
    """The manuscript line with the lost text: its longest lost word, looked for after the
    block's first words, else the block's first words."""
    try:
        text = read_source(path)
    except (OSError, BookError):
        return None
    opening = " ".join(lost.block.text.split()[:3]) if lost.block else ""
    anchor = max(text.find(opening), 0) if opening else 0
    for needle in (lost.longest_lost, opening):
        if needle:
            line = line_of(text, needle, anchor) or line_of(text, needle)
            if line is not None:
                return line
    return None


#: What to do about lost words, by the kind of block that loses them.
HINTS = {
    "pre": "a line of code wider than the text block: break it into shorter lines, or "
           "shorten its names; in a stylesheet of your own, let `pre` wrap (white-space: "
           "pre-wrap; overflow-wrap: anywhere) and clip nothing (overflow: visible)",
    "td": "a word too long for its table column: break it (a space or a hyphen), shorten "
          "it, or give the table fewer columns",
    None: "a word or a line too wide for the page: break the word (a space or a hyphen) or "
          "shorten it; in a stylesheet of your own, let long words wrap (overflow-wrap: "
          "anywhere) and clip nothing (overflow: visible)",
}
HINTS["th"] = HINTS["td"]


def overflow_error(lost: list[LostBlock], name: str, edition: str,
                   sources: dict[str, Path]) -> BookError:
    """B006 for the first block that loses words, located in its chapter's file when the
    block comes from one; the next few are named in the hint."""
    first = lost[0]
    path = sources.get(first.block.section) if first.block else None
    others = "; ".join(_describe(more, name) for more in lost[1:4])
    more = (f" {len(lost) - 1} more block(s) lose words: {others}"
            + ("; …" if len(lost) > 4 else "") + ".") if len(lost) > 1 else ""
    hint = HINTS.get(first.block.tag if first.block else None, HINTS[None])
    return BookError("B006", _describe(first, name, edition), path,
                     _line(path, first) if path else None, f"{hint}.{more}")


def text_fit_result(data: bytes, html: str, name: str, edition: str, pages: int,
                    text_areas: tuple[Box, ...], sources: dict[str, Path]) -> CheckResult:
    """The check as a result of the build's checks; raises B006 when words are lost.

    ``html`` (the HTML the PDF was laid out from) is only parsed when words are lost, to
    say which; ``sources``: the manuscript file of each ``data-section`` of the HTML.
    """
    lost = lost_blocks(data, html, text_areas)
    if lost:
        raise overflow_error(lost, name, edition, sources)
    return CheckResult(TOOL, name, True, True,
                       f"No word on its {pages} page{'s' if pages != 1 else ''} is clipped, "
                       f"past the trim or beyond the text block.")
