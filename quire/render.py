"""Book -> (X)HTML through the jinja2 templates in styles/, shared by every writer."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2
from lxml import etree

from . import __version__
from .model import Book, Heading

XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"
#: Heading levels listed in the printed contents and in the EPUB navigation.
PRINT_TOC_DEPTH = 2
NAV_TOC_DEPTH = 3
REFERENCES_HEADING = Heading(level=1, id="references-title", text="References", html="References")


@dataclass(frozen=True)
class TocEntry:
    level: int
    id: str
    text: str
    html: str
    children: tuple[TocEntry, ...]


@dataclass(frozen=True)
class XhtmlDocument:
    """One content document of the EPUB: its body markup and how it is announced."""

    file_name: str
    title: str
    body: str
    #: EPUB structural semantics of the document (``chapter``, ``bibliography`` …).
    epub_type: str
    #: Every id defined in this document, so that links can name its file.
    ids: tuple[str, ...] = ()


def toc_entries(book: Book, depth: int) -> tuple[TocEntry, ...]:
    """Headings down to ``depth``, nested: chapters, then the reference list."""
    headings = [h for c in book.chapters for h in c.headings]
    if book.references:
        headings.append(REFERENCES_HEADING)
    return _nest([h for h in headings if h.level <= depth], 1)


def _nest(headings: list[Heading], level: int) -> tuple[TocEntry, ...]:
    entries: list[TocEntry] = []
    index = 0
    while index < len(headings):
        heading = headings[index]
        end = index + 1
        while end < len(headings) and headings[end].level > heading.level:
            end += 1
        entries.append(TocEntry(heading.level, heading.id, heading.text, heading.html,
                                _nest(headings[index + 1:end], level + 1)))
        index = end
    return tuple(entries)


def _environment(styles: Path) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(styles / "templates"),
        autoescape=True, undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)


def _context(book: Book) -> dict:
    date = book.metadata.date
    return {
        "meta": book.metadata,
        "chapters": book.chapters,
        "references": book.references,
        "edition_date": f"{date.day} {date:%B %Y}",
        "modified": book.modified.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "generator": f"quire {__version__}",
    }


def render_print_html(book: Book, styles: Path) -> str:
    """The whole book as one HTML document, for paged media."""
    context = _context(book) | {"toc": toc_entries(book, PRINT_TOC_DEPTH)}
    return _environment(styles).get_template("print.html").render(context)


def render_epub_documents(book: Book, styles: Path) -> tuple[XhtmlDocument, ...]:
    """One XHTML body per front-matter page, chapter and the reference list, links resolved."""
    env = _environment(styles)
    context = _context(book)
    documents = [
        XhtmlDocument("titlepage.xhtml", "Title page", env.get_template("titlepage.html")
                      .render(context), "titlepage"),
        XhtmlDocument("copyright.xhtml", "Copyright", env.get_template("copyright.html")
                      .render(context), "copyright-page"),
    ]
    chapter_template = env.get_template("chapter.html")
    for number, chapter in enumerate(book.chapters, start=1):
        documents.append(XhtmlDocument(
            f"chapter-{number:02d}.xhtml", chapter.title,
            chapter_template.render(context | {"chapter": chapter}), "chapter"))
    if book.references:
        documents.append(XhtmlDocument(
            "references.xhtml", REFERENCES_HEADING.text,
            env.get_template("references.html").render(context), "bibliography"))
    return _resolve_links(documents)


def _resolve_links(documents: list[XhtmlDocument]) -> tuple[XhtmlDocument, ...]:
    """``#id`` links become ``file.xhtml#id`` once the book is split into files (as pandoc does)."""
    trees = [_parse_fragment(d.body) for d in documents]
    ids = [tuple(e.get("id") for e in tree.iter() if e.get("id")) for tree in trees]
    home = {i: d.file_name for d, doc_ids in zip(documents, ids) for i in doc_ids}
    resolved = []
    for document, tree, doc_ids in zip(documents, trees, ids):
        for link in tree.iter(f"{{{XHTML_NS}}}a"):
            target = link.get("href", "")[1:] if link.get("href", "").startswith("#") else None
            if target and home.get(target, document.file_name) != document.file_name:
                link.set("href", f"{home[target]}#{target}")
        body = "".join(etree.tostring(child, encoding="unicode") for child in tree)
        resolved.append(XhtmlDocument(document.file_name, document.title,
                                      (tree.text or "") + body, document.epub_type, doc_ids))
    return tuple(resolved)


def _parse_fragment(body: str) -> etree._Element:
    return etree.fromstring(
        f'<div xmlns="{XHTML_NS}" xmlns:epub="{EPUB_NS}">{body}</div>')
