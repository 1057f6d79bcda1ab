"""The accessibility report of a build: what is claimed, every check run, the page mapping."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

from lxml import etree

from .accessibility import AccessibilityClaims
from .model import Book


@dataclass(frozen=True)
class CheckResult:
    """One check run on one file of the build, as a distributor would read it."""

    tool: str
    target: str
    #: False when the tool is not installed: reported as not run, never as passed.
    ran: bool
    passed: bool
    summary: str
    details: tuple[str, ...] = ()


@dataclass(frozen=True)
class PageLink:
    print_page: str
    ebook_location: str


def page_links(epub: bytes) -> tuple[PageLink, ...]:
    """Print page -> place in the EPUB, read from the EPUB's own page-list."""
    with zipfile.ZipFile(io.BytesIO(epub)) as archive:
        nav = etree.fromstring(archive.read("EPUB/nav.xhtml"))
    ns = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}
    return tuple(PageLink(a.text, a.get("href")) for a in nav.xpath(
        "//x:nav[@epub:type='page-list']//x:a", namespaces=ns))


def report_data(book: Book, claims: AccessibilityClaims, checks: tuple[CheckResult, ...],
                pages: tuple[PageLink, ...], files: dict[str, str],
                ace_report: str | None = None) -> dict:
    """``ace_report``: DAISY Ace's own report page, published beside this one."""
    meta = book.metadata
    return {
        "title": meta.full_title,
        "identifier": meta.identifier,
        "publisher": meta.publisher,
        "language": meta.language,
        "date": meta.date.isoformat(),
        "files": files,
        "conformance": {
            "ebook": claims.conforms_to,
            "print": "PDF/UA-1 (ISO 14289-1), machine-checkable points of the Matterhorn Protocol",
            "certified_by": claims.certified_by,
            "verdict": "pass" if all(c.ran and c.passed for c in checks) else "fail",
        },
        "metadata": {
            "schema:accessMode": list(claims.access_modes),
            "schema:accessModeSufficient": list(claims.access_modes_sufficient),
            "schema:accessibilityFeature": list(claims.features),
            "schema:accessibilityHazard": list(claims.hazards),
            "schema:accessibilitySummary": claims.summary,
        } | ({"pageBreakSource": claims.page_source} if claims.page_source else {}),
        "checks": [asdict(check) for check in checks],
        "ace_report": ace_report,
        "page_mapping": [asdict(page) for page in pages],
    }


def report_json(data: dict) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def report_html(data: dict, styles: Path) -> bytes:
    from .render import render_template

    return render_template(styles, "report.html", {"report": data}).encode("utf-8")
