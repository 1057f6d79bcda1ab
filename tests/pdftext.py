"""The text of a PDF's pages as a reader sees the body: no running head, no folio."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium


def page_lines(path: Path, running: set[str]) -> list[list[str]]:
    """Each page's lines, without the running head and folio WeasyPrint appends last."""
    document = pdfium.PdfDocument(path)
    pages = []
    try:
        for index in range(len(document)):
            lines = document[index].get_textpage().get_text_range().split("\r\n")
            while lines and (lines[-1].isdigit() or lines[-1] in running):
                lines.pop()
            pages.append(lines)
    finally:
        document.close()
    return pages


def page_texts(path: Path) -> list[str]:
    """Each page's whole text, as pdfium extracts it (lines joined by CR LF)."""
    document = pdfium.PdfDocument(path)
    try:
        return [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()
