"""The print edition the ebook's page numbers come from is named by its own identifier:
book.toml's print_isbn or print_identifier, or one derived from the ebook's."""

from __future__ import annotations

import uuid

import pikepdf
import pytest

from quire.metadata import read_book_toml

from tests.test_metadata import UUID, VALID, error_for, write

NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
#: The guide's identifier, and the print edition's derived from it.
GUIDE_ID = "urn:uuid:da1ce40b-4b6e-4a49-ae29-1a4a886e152c"
GUIDE_PRINT_ID = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, GUIDE_ID + '#trade')}"


def _sources(book) -> tuple[list[str], list[str]]:
    opf = book.epub_xml("EPUB/content.opf")
    return (opf.xpath("//opf:meta[@property='pageBreakSource']/text()", namespaces=NS),
            opf.xpath("//dc:source/text()", namespaces=NS))


def _xmp_identifier(path) -> str:
    with pikepdf.open(path) as pdf:
        return str(pdf.open_metadata()["dc:identifier"])


def test_guide_names_a_derived_print_identifier_not_its_own(guide):
    assert _sources(guide) == ([GUIDE_PRINT_ID], [GUIDE_PRINT_ID])
    assert GUIDE_PRINT_ID == "urn:uuid:" + str(uuid.UUID(GUIDE_PRINT_ID[9:]))
    assert guide.epub_xml("EPUB/content.opf").xpath("//dc:identifier/text()", namespaces=NS) \
        == [GUIDE_ID]


def test_trade_pdf_carries_the_print_identifier_and_others_the_books(guide):
    assert _xmp_identifier(guide.pdf) == GUIDE_PRINT_ID
    assert _xmp_identifier(guide.edition("a4")) == GUIDE_ID


def test_print_isbn_names_the_print_edition(small_book):
    assert _sources(small_book) == (["urn:isbn:9781566199094"], ["urn:isbn:9781566199094"])
    assert _xmp_identifier(small_book.pdf) == "urn:isbn:9781566199094"


def test_report_gives_the_print_edition_as_page_source(guide):
    import json

    report = json.loads(next(guide.out.glob("*-accessibility.json")).read_text())
    assert report["metadata"]["pageBreakSource"] == GUIDE_PRINT_ID


def test_derived_print_identifier_is_stable_and_distinct(tmp_path):
    first, _, _ = read_book_toml(write(tmp_path, VALID))
    again, _, _ = read_book_toml(write(tmp_path, VALID))
    assert first.print_identifier is None
    assert first.print_edition_identifier == again.print_edition_identifier != first.identifier
    assert first.print_edition_identifier == \
        f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, UUID + '#trade')}"


def test_print_isbn_and_print_identifier_are_read(tmp_path):
    def read(line: str):
        text = VALID.replace("publisher =", f"{line}\npublisher =")
        return read_book_toml(write(tmp_path, text))[0].print_edition_identifier

    assert read('print_isbn = "978-1-56619-909-4"') == "urn:isbn:9781566199094"
    other = "urn:uuid:0f8f2b6e-2f2a-4d1e-9a57-3c3a6e0c8b11"
    assert read(f'print_identifier = "{other}"') == other


@pytest.mark.parametrize("line, message", [
    ('print_isbn = "978-1-56619-909-5"', "not a valid ISBN-13"),
    ('print_identifier = "ISBN 9781566199094"', "not a URN"),
    (f'print_identifier = "{UUID}"', "the ebook's own identifier"),
])
def test_bad_print_identifiers_are_m006_on_their_line(tmp_path, line, message):
    text = VALID.replace("publisher =", f"{line}\npublisher =")
    error = error_for(tmp_path, text)
    assert error.code == "M006" and message in error.message
    assert error.line == 4
