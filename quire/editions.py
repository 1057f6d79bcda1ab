"""The editions of a book: how each is made, one function each, one line each in EDITIONS."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .accessibility import accessibility_claims
from .errors import BookError
from .model import Book
from .output import Artifact
from .render import render_handout_html, render_print_html
from .writers.cover import cover_jpeg, wrap_layout
from .writers.epub import write_epub
from .writers.pdf import (PdfResult, PdfStyle, bundled_families, foreign_fonts, lay_out,
                          write_pdf)
from .writers.print_file import finish_print_file

#: KDP's minimum gutter (inside margin) by page count: (up to N pages, inches).
KDP_GUTTER = ((150, 0.375), (300, 0.5), (500, 0.625), (700, 0.75), (828, 0.875))
#: The trade page's outside margin; the inside margin is this plus the gutter.
TRADE_OUTSIDE = 0.625
#: Plain PDF, not PDF/X: WeasyPrint 70 writes PDF/X's required OutputIntent only from a
#: CMYK ICC profile given with @color-profile, and no freely licensed printer profile is to
#: be had from the registries this project uses. KDP and IngramSpark accept plain PDF.
PRINT_VARIANT = ""


def gutter(pages: int) -> float:
    for limit, inches in KDP_GUTTER:
        if pages <= limit:
            return inches
    raise BookError("B004", f"{pages} pages is more than a 6 × 9 in paperback can bind",
                    None, None, "KDP binds up to 828 pages; split the book into volumes")


def _trade_css(pages: int) -> str:
    inside = TRADE_OUTSIDE + gutter(pages)
    return (f"@page :left {{ margin-right: {inside}in; }}\n"
            f"@page :right {{ margin-left: {inside}in; }}\n")


def _mirrored(book: Book, styles: Path, html: str, stylesheets: tuple[str, ...],
              variant: str = "pdf/ua-1") -> tuple:
    """Lay out with the gutter its own page count calls for.

    The page count depends on the gutter and the gutter on the page count: lay out
    again only when the first layout lands in another bracket of KDP's table.
    """
    pages = 0
    for _ in range(3):
        style = PdfStyle(stylesheets, _trade_css(pages), variant)
        layout = lay_out(book, styles, html, style)
        if gutter(layout.pages) == gutter(pages):
            return layout, style
        pages = layout.pages
    return layout, style


def _artifact(name: str, edition: str, result: PdfResult, styles: Path) -> Artifact:
    foreign = foreign_fonts(result.data, bundled_families(styles))
    if foreign:
        raise BookError("B002", f"{name} sets some characters in {', '.join(foreign)}, a "
                        "font of this machine, not one of the book's", None, None,
                        "the bundled fonts lack those characters: add a font that has them "
                        "to styles/fonts/ and fonts.css, or write the text without them")
    if result.warnings:
        # WeasyPrint only logs what it could not do (a missing glyph, a refused file):
        # for a print file each of those is a defect, so the build stops.
        raise BookError("B002", f"the PDF renderer reported, for {name}: {result.warnings[0]}",
                        None, None,
                        f"{len(result.warnings)} problem(s) in all; fix the first and build again")
    return Artifact(name, "pdf", edition, result.data, 0.0, result.pages, result.page_map,
                    source_html=result.source_html or None, text_areas=result.text_areas)


def make_trade(book: Book, styles: Path, made: dict[str, Artifact]) -> list[Artifact]:
    """6 × 9 in, the accessible digital PDF; its pages are the ebook's page numbers."""
    layout, style = _mirrored(book, styles, render_print_html(book, styles), ("trade.css",))
    result = write_pdf(book, layout, style, "trade", map_pages=True)
    return [_artifact(f"{book.metadata.slug}.pdf", "trade", result, styles)]


def _single_sided(edition: str, stylesheet: str) -> Callable:
    def make(book: Book, styles: Path, made: dict[str, Artifact]) -> list[Artifact]:
        style = PdfStyle((stylesheet, "on-screen.css"))
        html = render_print_html(book, styles, cover=book.production.cover)
        layout = lay_out(book, styles, html, style)
        result = write_pdf(book, layout, style, edition)
        return [_artifact(f"{book.metadata.slug}-{edition}.pdf", edition, result, styles)]
    make.__doc__ = (f"The {edition} edition: {stylesheet} and on-screen.css, tagged like the "
                    "trade edition.")
    return make


HANDOUT_SIZES = (("letter", "letter"), ("a4", "A4"))


def make_handouts(book: Book, styles: Path, made: dict[str, Artifact]) -> list[Artifact]:
    """Each chapter alone, in Letter and A4, to print and photocopy (a handout)."""
    artifacts = []
    for number in range(1, len(book.chapters) + 1):
        html = render_handout_html(book, styles, number)
        for name, size in HANDOUT_SIZES:
            style = PdfStyle(("handout.css",), f"@page {{ size: {size}; }}")
            result = write_pdf(book, lay_out(book, styles, html, style), style,
                               f"handout-{name}")
            artifacts.append(_artifact(
                f"{book.metadata.slug}-handout-{number:02d}-{name}.pdf", "handouts", result,
                styles))
    return artifacts


def make_print_on_demand(book: Book, styles: Path, made: dict[str, Artifact]) -> list[Artifact]:
    """The trade interior as a print file: no links or bookmarks, even pages, bleed."""
    bleed = book.production.bleed
    stylesheets = ("trade.css", "print-on-demand.css") + (("bleed.css",) if bleed else ())
    layout, style = _mirrored(book, styles, render_print_html(book, styles), stylesheets,
                              variant=PRINT_VARIANT)
    result = write_pdf(book, layout, style, "print-on-demand",
                       finish=lambda data: finish_print_file(data, book, bleed))
    interior = _artifact(f"{book.metadata.slug}-print-on-demand-interior.pdf",
                         "print-on-demand", result, styles)
    if not book.production.cover:
        return [interior]
    # The spine is as thick as the interior's leaves, so the cover comes after it.
    layout, style, _ = wrap_layout(book, styles, interior.pages)
    cover = write_pdf(book, layout, style, "print-on-demand-cover",
                      finish=lambda data: finish_print_file(data, book, True, interior=False))
    return [interior, _artifact(f"{book.metadata.slug}-print-on-demand-cover.pdf",
                                "print-on-demand", cover, styles)]


def make_ebook(book: Book, styles: Path, made: dict[str, Artifact]) -> list[Artifact]:
    """EPUB 3, with the trade edition's page numbers when the build makes it."""
    source = next((a for a in made.values() if a.edition == "trade"), None)
    page_map = source.page_map if source else None
    # The print edition's own identifier (book.toml's print_isbn or print_identifier, or
    # one derived from the ebook's), never the ebook's: EPUB Accessibility 1.1, 2.4.
    page_source = book.metadata.print_edition_identifier if source else None
    cover = cover_jpeg(book, styles) if book.production.cover else None
    claims = accessibility_claims(book, page_map, page_source, has_cover=cover is not None)
    data = write_epub(book, styles, claims, page_map, cover)
    artifacts = [Artifact(f"{book.metadata.slug}.epub", "epub", "ebook", data, 0.0, claims=claims)]
    if cover is not None:  # also on its own, for the distributors' upload forms
        artifacts.append(Artifact(f"{book.metadata.slug}-cover.jpg", "jpeg", "ebook", cover, 0.0))
    return artifacts


@dataclass(frozen=True)
class Edition:
    name: str
    #: Makes the edition's files from the book and the editions made before it.
    make: Callable[[Book, Path, dict[str, Artifact]], list[Artifact]]


#: Every edition, in the order they are made (the ebook takes the trade edition's pages).
#: book.toml's ``editions`` picks among them. A new edition is one function and one line.
EDITIONS = (
    Edition("trade", make_trade),
    Edition("a4", _single_sided("a4", "a4.css")),
    Edition("letter", _single_sided("letter", "letter.css")),
    Edition("large-print", _single_sided("large-print", "large-print.css")),
    Edition("handouts", make_handouts),
    Edition("print-on-demand", make_print_on_demand),
    Edition("ebook", make_ebook),
)
