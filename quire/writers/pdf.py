"""Book -> HTML -> WeasyPrint -> tagged PDF/UA-1, plus what WeasyPrint leaves out."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

from ..errors import BookError
from ..fetcher import ConfinedFetcher
from ..model import Book, PageMap, PageStart
from ..render import render_print_html
from .pdf_metadata import complete_metadata

STYLESHEETS = ("fonts.css", "print.css")


@dataclass(frozen=True)
class PdfResult:
    data: bytes
    pages: int
    #: Where each page begins, from WeasyPrint's own layout of this edition.
    page_map: PageMap
    #: What WeasyPrint logged: a resource it could not load, a CSS rule it ignored …
    warnings: tuple[str, ...]


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def write_pdf(book: Book, styles: Path, edition: str = "print") -> PdfResult:
    """The print edition as PDF bytes; nothing is written to disk here."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fetcher = ConfinedFetcher({"manuscript": book.root, "styles": styles})
    collect = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collect)
    try:
        fonts = FontConfiguration()
        stylesheets = [CSS(url=fetcher.base_url("styles") + name, url_fetcher=fetcher,
                           font_config=fonts) for name in STYLESHEETS]
        html = HTML(string=render_print_html(book, styles),
                    base_url=fetcher.base_url("manuscript"), url_fetcher=fetcher)
        document = html.render(stylesheets=stylesheets, font_config=fonts)
        page_map = _page_map(html, document, edition)
        data = document.write_pdf(
            pdf_variant="pdf/ua-1",
            # A stable /ID: the same book gives the same file (reproducible builds).
            pdf_identifier=hashlib.md5(book.metadata.identifier.encode()).hexdigest().encode(),
        )
    finally:
        logger.removeHandler(collect)
    try:
        data = complete_metadata(data, book)
    except Exception as error:  # pikepdf raises many types; any one means a broken PDF
        raise BookError("B001", f"could not finish the PDF's metadata: {error}", None, None,
                        "report this as a bug with the manuscript attached") from error
    return PdfResult(data=data, pages=len(document.pages), page_map=page_map,
                     warnings=tuple(collect.messages))


def _page_map(html, document, edition: str) -> PageMap:
    """Where each page begins: the section, and how many letters of it came before.

    Walks WeasyPrint's laid-out boxes (text in document order, page by page); margin
    boxes (running heads, folios) and generated content (leaders, page numbers, list
    markers) are not the book's text and are skipped.
    """
    from weasyprint.formatting_structure.boxes import TextBox

    section_of = {}
    for section in html.etree_element.iter():
        if section.get("data-section"):
            for element in section.iter():
                section_of[element] = section.get("data-section")
    counted: dict[str, int] = {}
    current = next(iter(section_of.values()), "")
    pages = []
    for index, page in enumerate(document.pages):
        start = None
        body = page._page_box.children[0]  # the root box; the others are margin boxes
        for box in body.descendants():
            if not isinstance(box, TextBox) or "::" in (box.element_tag or ""):
                continue
            section = section_of.get(box.element)
            letters = sum(1 for char in box.text if char.isalnum())
            if section is None or not letters:
                continue
            if start is None:
                start = (section, counted.get(section, 0))
            counted[section] = counted.get(section, 0) + letters
            current = section
        if start is None:  # a blank page begins where the next text does
            start = (current, counted.get(current, 0))
        pages.append(PageStart(label=str(index + 1), section=start[0], offset=start[1]))
    return PageMap(edition=edition, pages=tuple(pages))
