"""The typographic cover: a JPEG for the ebook, and the full wrap for print on demand."""

from __future__ import annotations

import io
from pathlib import Path

from ..errors import BookError
from ..model import Book
from ..render import render_template, template_context
from .pdf import Layout, PdfStyle, lay_out

#: EPUB cover image size: KDP and Apple Books ask for at least 1600 × 2560 px (1:1.6).
COVER_PIXELS = (1600, 2560)
TRIM = (6.0, 9.0)
BLEED = 0.125
#: KDP prints text on the spine only of books with more than 79 pages.
SPINE_TEXT_PAGES = 80


def cover_jpeg(book: Book, styles: Path) -> bytes:
    """The front cover at COVER_PIXELS, RGB, as a JPEG."""
    import pypdfium2 as pdfium

    html = render_template(styles, "cover-page.html", template_context(book))
    layout = lay_out(book, styles, html, PdfStyle(("cover-image.css",)))
    if layout.warnings:
        raise BookError("B002", f"the PDF renderer reported, for the cover: {layout.warnings[0]}",
                        None, None, "check the cover's title and names for characters the "
                        "fonts lack")
    data = layout.document.write_pdf()
    document = pdfium.PdfDocument(data)
    try:
        page = document[0]
        scale = COVER_PIXELS[0] / page.get_width()
        image = page.render(scale=scale).to_pil().convert("RGB")
    finally:
        document.close()
    if image.size != COVER_PIXELS:
        image = image.resize(COVER_PIXELS)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, optimize=True, dpi=(300, 300))
    return out.getvalue()


def spine_width(pages: int, paper_thickness: float) -> float:
    """Inches: KDP's formula, page count × thickness per page (0.002252 in, white paper)."""
    return pages * paper_thickness


def wrap_layout(book: Book, styles: Path, interior_pages: int) -> tuple[Layout, PdfStyle, float]:
    """Back, spine and front on one page, with bleed all round."""
    spine = spine_width(interior_pages, book.production.paper_thickness)
    width = 2 * TRIM[0] + spine + 2 * BLEED
    height = TRIM[1] + 2 * BLEED
    panel = TRIM[0] + BLEED
    css = (f"@page {{ size: {width:.4f}in {height:.4f}in; }}\n"
           f".wrap-back, .wrap-front {{ width: {panel:.4f}in; height: {height:.4f}in; }}\n"
           f".wrap-spine {{ width: {spine:.4f}in; }}\n")
    context = template_context(book) | {"spine_text": interior_pages >= SPINE_TEXT_PAGES}
    html = render_template(styles, "cover-wrap.html", context)
    style = PdfStyle(("cover.css", "cover-wrap.css"), css, variant="")  # see PRINT_VARIANT
    return lay_out(book, styles, html, style), style, spine
