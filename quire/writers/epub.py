"""Book -> XHTML documents + navigation + metadata -> EPUB 3, through ebooklib."""

from __future__ import annotations

import io
from pathlib import Path

from ebooklib import epub

from ..accessibility import AccessibilityClaims
from ..model import Book, PageMap
from ..render import (COVER_FILE, NAV_FILE, TOC_DEPTH, TocEntry, XhtmlDocument, render_epub_documents,
                      toc_entries)
from .epub_package import repackage

STYLESHEET = "epub.css"
STYLESHEET_HREF = "styles/epub.css"
#: EPUB landmark of each kind of document (EPUB 3 Structural Semantics Vocabulary).
LANDMARKS = {"cover": "Cover", "titlepage": "Title page", "chapter": "Start of content",
             "bibliography": "References"}


def write_epub(book: Book, styles: Path, claims: AccessibilityClaims,
               page_map: PageMap | None = None, cover: bytes | None = None) -> bytes:
    """The ebook as EPUB bytes; nothing is written to disk here.

    ``page_map`` (from the paged edition ``claims.page_source`` names) puts that
    edition's page numbers into the ebook.
    """
    documents = render_epub_documents(book, styles, page_map, cover=cover is not None)
    meta = book.metadata
    package = epub.EpubBook()
    package.set_identifier(meta.identifier)
    package.set_language(meta.language)
    package.add_metadata("DC", "title", meta.title, {"id": "title"})
    package.add_metadata(None, "meta", "main", {"refines": "#title", "property": "title-type"})
    if meta.subtitle:
        package.add_metadata("DC", "title", meta.subtitle, {"id": "subtitle"})
        package.add_metadata(None, "meta", "subtitle",
                             {"refines": "#subtitle", "property": "title-type"})
    for number, creator in enumerate(meta.creators, start=1):
        package.add_author(creator.name, file_as=creator.file_as or creator.name,
                           role=creator.role, uid=f"creator-{number}")
    package.add_metadata("DC", "publisher", meta.publisher)
    package.add_metadata("DC", "date", meta.date.isoformat())
    package.add_metadata("DC", "rights", meta.rights)
    package.add_metadata("DC", "description", meta.description)
    for subject in meta.subjects:
        package.add_metadata("DC", "subject", subject)
    _add_accessibility(package, claims)

    css = epub.EpubItem(uid="stylesheet", file_name=STYLESHEET_HREF, media_type="text/css",
                        content=(styles / STYLESHEET).read_bytes())
    package.add_item(css)
    for number, image in enumerate(book.images, start=1):
        package.add_item(epub.EpubItem(uid=f"image-{number}", file_name=image.src,
                                       media_type=image.media_type,
                                       content=image.path.read_bytes()))

    if cover is not None:
        image = epub.EpubItem(uid="cover-image", file_name=COVER_FILE, media_type="image/jpeg",
                              content=cover)
        image.properties = ["cover-image"]  # ebooklib writes an item's properties as given
        package.add_item(image)
        package.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})

    items = {}
    for document in documents:
        item = epub.EpubHtml(uid=document.file_name.removesuffix(".xhtml"),
                             file_name=document.file_name, title=document.title,
                             lang=meta.language,
                             content=f"<html><head></head><body>{document.body}</body></html>")
        item.add_link(href=STYLESHEET_HREF, rel="stylesheet", type="text/css")
        if document.file_name == NAV_FILE:
            # Our own navigation document (contents, landmarks, page list) rather than
            # ebooklib's EpubNav, whose page-list lists every element with an epub:type.
            item.properties.append("nav")
        package.add_item(item)
        items[document.file_name] = item

    home = {i: d.file_name for d in documents for i in d.ids}
    package.toc = _toc(toc_entries(book, TOC_DEPTH), home)
    package.guide = _guide(documents)
    package.add_item(epub.EpubNcx())
    package.spine = [items[d.file_name] for d in documents if d.file_name != NAV_FILE]

    out = io.BytesIO()
    # raise_exceptions: ebooklib otherwise swallows write errors and returns False.
    epub.write_epub(out, package, {
        "raise_exceptions": True, "mtime": book.modified, "play_order": {"enabled": True},
    })
    return repackage(out.getvalue(), meta.language, book.modified, meta.full_title)


def _add_accessibility(package: epub.EpubBook, claims: AccessibilityClaims) -> None:
    """EPUB Accessibility 1.1 metadata (section 2): schema.org properties and the claim."""
    def meta(prop: str, value: str) -> None:
        package.add_metadata(None, "meta", value, {"property": prop})

    for mode in claims.access_modes:
        meta("schema:accessMode", mode)
    for modes in claims.access_modes_sufficient:
        meta("schema:accessModeSufficient", modes)
    for feature in claims.features:
        meta("schema:accessibilityFeature", feature)
    for hazard in claims.hazards:
        meta("schema:accessibilityHazard", hazard)
    meta("schema:accessibilitySummary", claims.summary)
    meta("dcterms:conformsTo", claims.conforms_to)
    meta("a11y:certifiedBy", claims.certified_by)
    if claims.page_source is not None:
        meta("pageBreakSource", claims.page_source)  # where the page numbers come from
        package.add_metadata("DC", "source", claims.page_source)


def _toc(entries: tuple[TocEntry, ...], home: dict[str, str]) -> list:
    toc = []
    for entry in entries:
        href = f"{home[entry.id]}#{entry.id}"
        link = epub.Link(href, entry.text, entry.id)
        toc.append((epub.Section(entry.text, href), _toc(entry.children, home))
                   if entry.children else link)
    return toc


def _guide(documents: tuple[XhtmlDocument, ...]) -> list[dict]:
    """The EPUB 2 guide, for reading systems that predate the nav's landmarks."""
    guide = [{"type": "toc", "href": "contents.xhtml", "title": "Contents"}]
    for kind, title in LANDMARKS.items():
        # The text starts with the first part's title page, when the book has parts.
        kinds = {"chapter", "part"} if kind == "chapter" else {kind}
        first = next((d for d in documents if d.epub_type in kinds), None)
        if first is not None:
            guide.append({"type": "bodymatter" if kind == "chapter" else kind,
                          "href": first.file_name, "title": title})
    return guide
