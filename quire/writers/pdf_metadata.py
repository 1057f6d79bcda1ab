"""The PDF metadata WeasyPrint leaves out: XMP dc:language, subjects, publisher, rights.

The same pikepdf session also completes the structure for PDF/UA-1 (``pdf_structure``).
"""

from __future__ import annotations

import io

import pikepdf

from ..accessibility import print_claims
from ..model import Book
from .pdf_sources import Source
from .pdf_structure import complete_structure

SCHEMA_NS = "http://schema.org/"


def complete_metadata(data: bytes, book: Book, sources: list[Source] = (),
                      identifier: str | None = None) -> bytes:
    """Add to the XMP what WeasyPrint 70 does not write, and save deterministically.

    WeasyPrint writes title, creators, description, keywords and pdfuaid:part; PDF/UA-1
    (ISO 14289-1, 7.2) also wants the natural language, which it leaves out of XMP.
    The structure tree, artifacts, link descriptions and page labels are completed first.
    ``identifier`` is the edition's own (the print edition's, for the trade PDF); the
    book's identifier when not given.
    """
    meta = book.metadata
    with pikepdf.open(io.BytesIO(data)) as pdf:
        complete_structure(pdf, book, sources)
        # set_pikepdf_as_editor=False keeps the dates of the build, not of this call.
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
            xmp["dc:language"] = [meta.language]
            xmp["dc:subject"] = list(meta.subjects)
            xmp["dc:publisher"] = [meta.publisher]
            xmp["dc:rights"] = meta.rights
            xmp["dc:identifier"] = identifier or meta.identifier
            xmp["dc:date"] = [meta.date.isoformat()]
            xmp["dc:format"] = "application/pdf"
            # The accessibility facts, in schema.org's terms (the EPUB's vocabulary);
            # XMP has no accessibility terms of its own beyond pdfuaid:part.
            claims = print_claims(book)
            xmp[f"{{{SCHEMA_NS}}}accessMode"] = list(claims.access_modes)
            xmp[f"{{{SCHEMA_NS}}}accessModeSufficient"] = list(claims.access_modes_sufficient)
            xmp[f"{{{SCHEMA_NS}}}accessibilityFeature"] = list(claims.features)
            xmp[f"{{{SCHEMA_NS}}}accessibilityHazard"] = list(claims.hazards)
            xmp[f"{{{SCHEMA_NS}}}accessibilitySummary"] = claims.summary
        out = io.BytesIO()
        # deterministic_id: /ID from the content, so two builds are byte-identical.
        pdf.save(out, deterministic_id=True, fix_metadata_version=False)
    return out.getvalue()
