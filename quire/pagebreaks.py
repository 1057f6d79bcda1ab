"""Page-break markers of a paged edition, placed in the XHTML of a reflowable one."""

from __future__ import annotations

from lxml import etree

from .model import PageMap, PageStart

XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
#: Elements a marker goes in front of rather than inside, when a page starts with them.
BLOCKS = {f"{{{XHTML_NS}}}{tag}" for tag in ("p", "h1", "h2", "h3", "h4", "h5", "h6")}


def marker_id(page: PageStart) -> str:
    return f"page-{page.label}"


def insert_page_breaks(tree: etree._Element, page_map: PageMap) -> list[PageStart]:
    """Insert a marker for every page that begins in one of ``tree``'s sections.

    DPUB-ARIA ``doc-pagebreak`` with the printed folio as its label, and EPUB's
    ``epub:type="pagebreak"`` (EPUB 3.3 Structural Semantics; EPUB Accessibility 1.1,
    page navigation). Returns the pages placed, in order.
    """
    placed = []
    for section in tree.iter():
        key = section.get("data-section")
        if key is None:
            continue
        # Later pages first, so that the letter offsets of earlier ones stay valid.
        for page in sorted((p for p in page_map.pages if p.section == key),
                           key=lambda p: p.offset, reverse=True):
            _insert(section, page.offset, _marker(page))
            placed.append(page)
    return sorted(placed, key=lambda p: page_map.pages.index(p))


def _marker(page: PageStart) -> etree._Element:
    marker = etree.Element(f"{{{XHTML_NS}}}span", {
        "id": marker_id(page), EPUB_TYPE: "pagebreak", "role": "doc-pagebreak",
        "aria-label": page.label})
    return marker


def _text_slots(element):
    """(owner, 'text' | 'tail', string) for every piece of text, in document order; not the
    text of a heading that is not shown (``visually-hidden``, as a dedication's), which the
    paged edition does not lay out in the flow and so does not count."""
    if "visually-hidden" not in (element.get("class") or "").split():
        yield element, "text", element.text or ""
        for child in element:
            if isinstance(child.tag, str):
                yield from _text_slots(child)
            yield child, "tail", child.tail or ""


def _insert(section, offset: int, marker) -> None:
    if offset == 0 and section.tag == f"{{{XHTML_NS}}}nav":
        # The contents page: the marker goes first inside its nav, not before it, so that
        # it is in a landmark like the rest of the page (axe's region rule). Only the
        # navigation document's nav is restricted to a heading and a list (EPUB 3.3, 7.3).
        marker.tail, section.text = section.text, None
        section.insert(0, marker)
        return
    seen = 0
    for owner, slot, text in _text_slots(section):
        letters = sum(1 for char in text if char.isalnum())
        if seen + letters <= offset:
            seen += letters
            continue
        index = _index_of_letter(text, offset - seen)
        while index > 0 and not text[index - 1].isspace():
            index -= 1  # the start of the word, never inside it
        if slot == "text" and index == 0 and owner.tag in BLOCKS:
            owner.addprevious(marker)
            marker.tail = None
        elif slot == "text":
            owner.text, marker.tail = text[:index], text[index:]
            owner.insert(0, marker)
        else:
            owner.tail, marker.tail = text[:index], text[index:]
            owner.addnext(marker)
        return
    section.append(marker)  # a page with no text of its own: at the section's end


def _index_of_letter(text: str, count: int) -> int:
    for index, char in enumerate(text):
        if char.isalnum():
            if count == 0:
                return index
            count -= 1
    return len(text)
