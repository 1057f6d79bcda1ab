"""Book -> HTML -> WeasyPrint -> tagged PDF/UA-1, plus what WeasyPrint leaves out."""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import BookError
from ..fetcher import ConfinedFetcher
from ..model import Book, PageMap, PageStart
from .pdf_metadata import complete_metadata
from .pdf_sources import recording_sources

#: Every PDF edition's stylesheets begin with these; the edition's own follow.
BASE_STYLESHEETS = ("fonts.css", "print.css", "cover.css")
TAGGED = "pdf/ua-1"


@dataclass(frozen=True)
class PdfStyle:
    """How one PDF edition looks and what kind of file it is."""

    #: The edition's stylesheets in styles/, after BASE_STYLESHEETS.
    stylesheets: tuple[str, ...]
    #: CSS the build computes for this book (the gutter of a trade edition …).
    css: str = ""
    #: "pdf/ua-1" (tagged, accessible), or "" for a plain print file.
    variant: str = TAGGED


@dataclass(frozen=True)
class Layout:
    """A laid-out edition, not yet a file: its page count decides some settings."""

    html: object
    document: object
    warnings: tuple[str, ...]
    #: The HTML text laid out.
    source: str = ""

    @property
    def pages(self) -> int:
        return len(self.document.pages)


@dataclass(frozen=True)
class PdfResult:
    data: bytes
    pages: int
    #: Where each page begins, from WeasyPrint's own layout (when asked for).
    page_map: PageMap | None
    #: What WeasyPrint logged: a resource it could not load, a CSS rule it ignored …
    warnings: tuple[str, ...]
    #: The HTML the PDF was laid out from.
    source_html: str = ""
    #: Each page's text block (the page area inside its margins) as (left, bottom, right,
    #: top) in PDF points, where the PDF draws it: no line of the book's text goes beyond.
    text_areas: tuple[tuple[float, float, float, float], ...] = ()


class _Collect(logging.Handler):
    """WeasyPrint's warnings and errors while it works: each is a defect of the file."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())

    def __enter__(self):
        logging.getLogger("weasyprint").addHandler(self)
        return self

    def __exit__(self, *exc):
        logging.getLogger("weasyprint").removeHandler(self)


def lay_out(book: Book, styles: Path, html_text: str, style: PdfStyle) -> Layout:
    """WeasyPrint's layout of ``html_text`` with the edition's stylesheets."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fetcher = ConfinedFetcher({"manuscript": book.root, "styles": styles})
    with _Collect() as collect:
        fonts = FontConfiguration()
        stylesheets = [CSS(url=fetcher.base_url("styles") + name, url_fetcher=fetcher,
                           font_config=fonts)
                       for name in BASE_STYLESHEETS + style.stylesheets]
        if style.css:
            stylesheets.append(CSS(string=style.css, font_config=fonts))
        html = HTML(string=html_text, base_url=fetcher.base_url("manuscript"),
                    url_fetcher=fetcher)
        document = html.render(stylesheets=stylesheets, font_config=fonts)
    return Layout(html, document, tuple(collect.messages), html_text)


def bundled_families(styles: Path) -> tuple[str, ...]:
    """The font families shipped in styles/fonts/, one folder each (literata, …)."""
    return tuple(sorted(p.name for p in (styles / "fonts").iterdir() if p.is_dir()))


def foreign_fonts(data: bytes, families: tuple[str, ...]) -> list[str]:
    """Fonts in the PDF that are not ours: fontconfig's silent fallback for characters
    our fonts lack, which would make the file depend on the machine that built it."""
    import io

    import pikepdf

    def squeezed(name: str) -> str:  # "noto-sans-mono" and "NotoSansMono-Regular" alike
        return re.sub(r"[\W_]+", "", name.lower())

    ours = [squeezed(family) for family in families]
    found = set()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            for _, font in page.Resources.get("/Font", {}).items():
                name = squeezed(str(font.get("/BaseFont", "")))
                if not any(family in name for family in ours):
                    found.add(str(font.get("/BaseFont", "?")).lstrip("/"))
    return sorted(found)


def write_pdf(book: Book, layout: Layout, style: PdfStyle, edition: str,
              finish=None, map_pages: bool = False) -> PdfResult:
    """The laid-out edition as PDF bytes; nothing is written to disk here.

    A tagged edition gets its structure and metadata completed (``complete_metadata``);
    another variant is passed to ``finish`` (bytes -> bytes) instead.
    """
    with _Collect() as collect, recording_sources(layout.html.etree_element) as sources:
        data = layout.document.write_pdf(
            pdf_variant=style.variant or None,
            # A stable /ID: the same book gives the same file (reproducible builds).
            pdf_identifier=hashlib.md5(
                f"{book.metadata.identifier} {edition}".encode()).hexdigest().encode(),
        )
    try:
        # The trade edition is the print edition: its own identifier (pageBreakSource).
        identifier = book.metadata.print_edition_identifier if edition == "trade" else None
        data = (complete_metadata(data, book, sources, identifier) if style.variant == TAGGED
                else finish(data))
    except BookError:
        raise
    except Exception as error:  # pikepdf raises many types; any one means a broken PDF
        raise BookError("B001", f"could not finish the PDF of the {edition} edition: {error}",
                        None, None, "report this as a bug with the manuscript attached") from error
    pages = layout.pages if finish is None else _page_count(data)
    return PdfResult(data=data, pages=pages,
                     page_map=_page_map(layout.html, layout.document, edition) if map_pages
                     else None,
                     warnings=layout.warnings + tuple(collect.messages),
                     source_html=layout.source, text_areas=text_areas(layout.document))


def text_areas(document) -> tuple[tuple[float, float, float, float], ...]:
    """Each laid-out page's content box, in the PDF's coordinates: WeasyPrint draws from
    the top-left corner of the page (trim) box, in points (0.75 per CSS px), y upwards
    (``weasyprint.pdf.generate_pdf``); the bleed lies at negative coordinates and beyond."""
    areas = []
    for page in document.pages:
        box = page._page_box
        left, top = box.content_box_x() * 0.75, (page.height - box.content_box_y()) * 0.75
        areas.append((left, top - box.height * 0.75, left + box.width * 0.75, top))
    return tuple(areas)


def _page_count(data: bytes) -> int:
    """Pages of a finished file (finishing may add one)."""
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)


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
