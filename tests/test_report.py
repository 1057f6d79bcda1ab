"""The accessibility report: written by every build, complete, and accessible itself."""

from __future__ import annotations

import json
import zipfile

import pytest
from lxml import etree

from quire import validate
from quire.contrast import contrast_ratio
from quire.pdf_checks import PDF_CHECKS
from quire.rules import RULES

XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture(scope="module")
def report(guide):
    (path,) = guide.out.glob("*-accessibility.json")
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def report_page(guide):
    return guide.file(".html")


def test_report_claims_conformance_and_passes(report):
    assert report["conformance"]["ebook"] == "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"
    assert report["conformance"]["verdict"] == "pass"


def test_report_lists_every_check_run_with_its_verdict(report):
    tools = [check["tool"] for check in report["checks"]]
    assert any(t.startswith("EPUBCheck 5.3") for t in tools)
    assert any(t.startswith("DAISY Ace 1.4") for t in tools)
    for rule in RULES:
        assert any(rule.code in t for t in tools), rule.code
    assert all(check["ran"] and check["passed"] for check in report["checks"])


def test_report_lists_every_pdf_check_as_run_and_passed(report, guide):
    listed = {(check["tool"], check["target"]): check for check in report["checks"]}
    for check in PDF_CHECKS:
        entry = listed[(check.tool, guide.pdf.name)]
        assert (entry["ran"], entry["passed"], entry["summary"]) == (True, True, "No problem."), \
            check.tool


def test_report_metadata_is_the_epubs(report, guide):
    opf = guide.epub_xml("EPUB/content.opf")
    ns = {"opf": "http://www.idpf.org/2007/opf"}
    for key, value in report["metadata"].items():
        found = opf.xpath(f"//opf:meta[@property='{key}']/text()", namespaces=ns)
        assert found == (value if isinstance(value, list) else [value]), key


def test_report_maps_every_print_page_into_the_ebook(report, guide):
    import pikepdf

    with pikepdf.open(guide.pdf) as pdf:
        pages = len(pdf.pages)
    mapping = report["page_mapping"]
    assert [m["print_page"] for m in mapping] == [str(n) for n in range(1, pages + 1)]
    assert any(m["ebook_location"].startswith("chapter-01.xhtml#page-") for m in mapping)


def test_report_page_has_language_title_headings_and_table_headers(report_page):
    html = etree.fromstring(report_page.read_bytes(), etree.HTMLParser())
    assert html.get("lang") == "en"
    assert html.findtext(".//title").startswith("Accessibility report")
    levels = [int(e.tag[1]) for e in html.iter() if e.tag in ("h1", "h2", "h3")]
    assert levels[0] == 1 and all(b <= a + 1 for a, b in zip(levels, levels[1:]))
    assert all(th.get("scope") in ("row", "col") for th in html.iter("th"))


def test_report_page_colours_pass_wcag_aa(report_page):
    text = report_page.read_text(encoding="utf-8")
    pairs = [((0x11, 0x11, 0x11), (0xff, 0xff, 0xff)), ((0x11, 0x11, 0x11), (0xee, 0xee, 0xee)),
             ((0x0a, 0x5d, 0x1a), (0xff, 0xff, 0xff)), ((0xa0, 0x00, 0x00), (0xff, 0xff, 0xff))]
    for colour in ("#111", "#eee", "#0a5d1a", "#a00000"):
        assert colour in text
    for foreground, background in pairs:
        ratio = contrast_ratio(tuple(c / 255 for c in foreground), tuple(c / 255 for c in background))
        assert ratio >= 4.5


def test_ace_finds_no_violation_in_the_report_page(report_page, tmp_path):
    """Ace runs axe on content documents: the report goes in a one-page EPUB to be checked."""
    page = etree.fromstring(report_page.read_bytes(), etree.HTMLParser())
    body = etree.tostring(page.find("body"), encoding="unicode", method="xml")
    head = page.find("head")
    style = head.findtext("style")
    xhtml = (f'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
             f'<html xmlns="http://www.w3.org/1999/xhtml" lang="en" xml:lang="en"><head>'
             f'<title>{head.findtext("title")}</title><style>{style}</style></head>'
             f'{body.replace("<body>", "<body>", 1)}</html>')
    epub = tmp_path / "report.epub"
    with zipfile.ZipFile(epub, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip", zipfile.ZIP_STORED)
        archive.writestr("META-INF/container.xml", CONTAINER)
        archive.writestr("OEBPS/content.opf", OPF)
        archive.writestr("OEBPS/nav.xhtml", NAV)
        archive.writestr("OEBPS/report.xhtml", xhtml.replace("<body>", '<body xmlns="http://www.w3.org/1999/xhtml">', 1))
    verdict = validate.ace(epub)
    assert verdict.available, verdict.messages
    in_page = [v for v in verdict.violations if "report.xhtml" in v.file]
    assert not in_page, in_page


CONTAINER = """<?xml version="1.0"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles>
</container>"""
OPF = """<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id" xml:lang="en">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:identifier id="id">urn:uuid:4f3c2b1a-0000-4000-8000-000000000001</dc:identifier>
<dc:title>Report</dc:title><dc:language>en</dc:language>
<meta property="dcterms:modified">2025-01-01T00:00:00Z</meta>
</metadata>
<manifest><item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
<item id="report" href="report.xhtml" media-type="application/xhtml+xml"/></manifest>
<spine><itemref idref="report"/></spine>
</package>"""
NAV = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="en" xml:lang="en">
<head><title>Contents</title></head><body>
<nav epub:type="toc"><h1>Contents</h1><ol><li><a href="report.xhtml">Report</a></li></ol></nav>
</body></html>"""
