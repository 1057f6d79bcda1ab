"""What a print-on-demand file must and must not have, after WeasyPrint."""

from __future__ import annotations

import io
import uuid

import pikepdf

from ..model import Book


def finish_print_file(data: bytes, book: Book, bleed: bool, interior: bool = True) -> bytes:
    """No links, bookmarks or forms; an even page count; bleed only on the outside edges.

    KDP and IngramSpark reject interiors with annotations or interactive elements, print
    on both sides of a leaf (so the page count must be even), and trim with bleed only at
    the top, bottom and outside edge (KDP: page size 6.125 × 9.25 in for a 6 × 9 trim).
    A cover (``interior=False``) is one page with bleed all round.
    """
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for key in ("/Outlines", "/PageMode", "/AcroForm", "/OpenAction"):
            if key in pdf.Root:
                del pdf.Root[key]
        for page in pdf.pages:
            if "/Annots" in page.obj:
                del page.obj["/Annots"]
        if interior and len(pdf.pages) % 2:
            _add_blank_page(pdf)
        if interior and bleed:
            for index, page in enumerate(pdf.pages):
                _trim_inside_bleed(page, recto=index % 2 == 0)
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
            # A stable document id, derived from the book (WeasyPrint's PDF/X one is random).
            xmp["xmpMM:DocumentID"] = "uuid:" + str(uuid.uuid5(
                uuid.NAMESPACE_URL,
                f"{book.metadata.identifier}#print-on-demand-{'interior' if interior else 'cover'}"))
            xmp["dc:language"] = [book.metadata.language]
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, fix_metadata_version=False)
    return out.getvalue()


def _add_blank_page(pdf: pikepdf.Pdf) -> None:
    last = pdf.pages[-1]
    pdf.add_blank_page(page_size=(float(last.mediabox[2]), float(last.mediabox[3])))
    blank = pdf.pages[-1]
    for box in ("/MediaBox", "/TrimBox", "/BleedBox"):
        if box in last.obj:
            blank.obj[box] = pikepdf.Array(list(last.obj[box]))


def _trim_inside_bleed(page: pikepdf.Page, recto: bool) -> None:
    """A recto's spine is on its left, a verso's on its right: no bleed there."""
    trim = [float(v) for v in page.obj.TrimBox]
    for box in ("/MediaBox", "/BleedBox", "/CropBox"):
        if box not in page.obj:
            continue
        values = [float(v) for v in page.obj[box]]
        if recto:
            values[0] = trim[0]
        else:
            values[2] = trim[2]
        page.obj[box] = pikepdf.Array(values)
