"""Which HTML element each structure element of WeasyPrint's tagged PDF comes from.

WeasyPrint 70 builds the structure tree page by page from the laid-out boxes
(``weasyprint.pdf.tags._build_box_tree``): an element that runs over two pages, a link
broken over two lines, the chapter's section on each of its pages, each become several
structure elements, and nothing in the file says they are one. While the PDF is written,
``recording_sources`` labels every structure element WeasyPrint makes with the index of its
source in a list; the finishing step (``pdf_structure``) reads the labels, joins the pieces
of each element, and removes the labels.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Iterator

#: The private key each structure element carries until the finishing step removes it.
SOURCE_KEY = "QuireSource"


@dataclass(frozen=True)
class Source:
    """The HTML element (or pseudo-element) behind one or more structure elements."""

    #: WeasyPrint's name of it: "p", "a", "a::after", "li::marker" …
    tag: str
    #: Its text, as the HTML has it, spaces collapsed (generated content is not in it).
    text: str
    #: Whether its box lays out lines of text: a block that holds inline content.
    lines: bool
    #: What it is in the book, where PDF has a type of its own for it: "note" (a note of
    #: the notes list), "noteref" (a note reference), "code" (a code block), "code-line"
    #: (a line of one), "code-inside" (anything else in one), "code-inline" (code in the
    #: text), "figure", "ornament" (a scene break's asterisks), "part" (a part of the
    #: book: its title page and chapters), or "".
    kind: str = ""
    #: Its id attribute.
    id: str = ""


def _kinds(root) -> dict[object, str]:
    """The notes (items of a ``doc-endnotes`` list, or footnotes), note references, code blocks (and
    their lines), figures and parts of the HTML."""
    kinds: dict[object, str] = {}
    for element in root.iter():
        if element.get("role") == "doc-noteref":
            kinds[element] = "noteref"
        elif element.get("role") == "doc-endnotes":
            for item in element.iter("li"):
                kinds[item] = "note"
        elif element.tag == "pre":
            kinds[element] = "code"
            for inner in element.iter():
                if inner.tag == "span" and "line" in (inner.get("class") or "").split():
                    kinds[inner] = "code-line"
                elif inner is not element:
                    kinds[inner] = "code-inside"
        elif element.tag in ("code", "kbd", "samp") and element not in kinds:
            kinds[element] = "code-inline"
        elif element.tag == "figure":
            kinds[element] = "figure"
        elif element.tag == "span" and "footnote-body" in (element.get("class") or "").split():
            kinds[element] = "note"  # a note at the foot of the page (render._as_footnotes)
        elif element.tag == "hr":
            kinds[element] = "ornament"
        elif element.get("role") == "doc-part":
            kinds[element] = "part"
    return kinds


@contextmanager
def recording_sources(root) -> Iterator[list[Source]]:
    """While WeasyPrint writes a tagged PDF, label its structure elements with their source.

    ``root`` is the document's element tree (WeasyPrint's ``HTML.etree_element``). Yields
    the list the labels index into; it is complete when the block ends.
    """
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout.absolute import AbsolutePlaceholder
    from weasyprint.pdf import tags

    original = tags._build_box_tree
    sources: list[Source] = []
    index: dict[tuple[object, str], int] = {}
    kinds = _kinds(root)

    def build_box_tree(box, *args):
        for element in original(box, *args):
            # An element made for a box deeper down was labelled by that box's own call.
            if SOURCE_KEY not in element:
                real = box._box if isinstance(box, AbsolutePlaceholder) else box
                element[SOURCE_KEY] = _source_index(real, boxes, sources, index, kinds)
            yield element

    tags._build_box_tree = build_box_tree
    try:
        yield sources
    finally:
        tags._build_box_tree = original


def _source_index(box, boxes, sources: list[Source], index: dict, kinds: dict) -> int:
    if box.element is None:  # an anonymous box: a source of its own
        sources.append(Source(box.element_tag or "", "", False))
        return len(sources) - 1
    key = (box.element, box.element_tag)
    if key not in index:
        pseudo = "::" in (box.element_tag or "")
        text = "" if pseudo else " ".join("".join(box.element.itertext()).split())
        lines = any(isinstance(child, boxes.LineBox) for child in getattr(box, "children", ()))
        index[key] = len(sources)
        sources.append(Source(box.element_tag, text, lines,
                              "" if pseudo else kinds.get(box.element, ""),
                              box.element.get("id") or ""))
    elif not sources[index[key]].lines and any(
            isinstance(child, boxes.LineBox) for child in getattr(box, "children", ())):
        # The same element's box on another page may be the one that holds lines.
        sources[index[key]] = replace(sources[index[key]], lines=True)
    return index[key]
