"""Book -> HTML -> WeasyPrint -> tagged PDF/UA-1, plus what WeasyPrint leaves out."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

from ..errors import BookError
from ..fetcher import ConfinedFetcher
from ..model import Book
from ..render import render_print_html
from .pdf_metadata import complete_metadata

STYLESHEETS = ("fonts.css", "print.css")


@dataclass(frozen=True)
class PdfResult:
    data: bytes
    pages: int
    #: Page index (0-based) of every element id, from WeasyPrint's own layout.
    anchors: dict[str, int]
    #: What WeasyPrint logged: a resource it could not load, a CSS rule it ignored …
    warnings: tuple[str, ...]


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def write_pdf(book: Book, styles: Path) -> PdfResult:
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
        anchors = {}
        for index, page in enumerate(document.pages):
            for anchor in page.anchors:
                anchors.setdefault(anchor, index)
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
    return PdfResult(data=data, pages=len(document.pages), anchors=anchors,
                     warnings=tuple(collect.messages))
