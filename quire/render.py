"""Book -> (X)HTML through the jinja2 templates in styles/, shared by every writer."""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, replace
from pathlib import Path

import jinja2
import markupsafe
from lxml import etree

from . import __version__
from .addresses import address_nodes
from .model import Book, Chapter, Heading, PageMap
from .pagebreaks import XHTML_NS, insert_page_breaks, marker_id
from .structure import ROLES

EPUB_NS = "http://www.idpf.org/2007/ops"
#: Heading levels listed in the contents, printed and in the EPUB navigation alike (the
#: same list in both, so a print page of the contents maps onto the navigation document).
TOC_DEPTH = 3
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
    """Headings down to ``depth``, nested, in reading order: the front matter that shows a
    title, the chapters (each part an entry of level 0 holding its chapters'), the
    reference list, the back matter."""
    def nested(divisions) -> tuple[TocEntry, ...]:
        headings = [h for c in divisions if c.shows_title for h in c.headings]
        return _nest([h for h in headings if h.level <= depth], 1)

    entries = list(nested(_front(book, True) + _front(book, False)))
    chapters = {c.id: c for c in book.chapters}
    if book.parts:
        for part in book.parts:
            entries.append(TocEntry(0, part.id, part.title, str(markupsafe.escape(part.title)),
                                    nested(chapters[i] for i in part.chapter_ids)))
    else:
        entries += nested(book.chapters)
    if book.references:
        entries += _nest([REFERENCES_HEADING], 1)
    entries += nested(book.back_matter)
    return tuple(entries)


def _front(book: Book, before_contents: bool) -> tuple[Chapter, ...]:
    """The front matter printed before the contents (dedication, epigraph), or after it."""
    return tuple(c for c in book.front_matter
                 if ROLES[c.role].before_contents == before_contents)


@dataclass(frozen=True)
class MatterPage:
    """A front or back matter division as the templates set it."""

    division: Chapter
    #: ``data-section`` (and EPUB file name): front-01 …, back-01 …
    section: str
    epub_type: str
    aria_role: str | None
    #: "front" or "back"
    matter: str


def _matter(book: Book) -> tuple[list[MatterPage], list[MatterPage], list[MatterPage]]:
    """(before the contents, after the contents, back matter), numbered in reading order."""
    def pages(divisions, matter: str, start: int) -> list[MatterPage]:
        return [MatterPage(d, f"{matter}-{n:02d}", ROLES[d.role].epub_type,
                           ROLES[d.role].aria_role, matter)
                for n, d in enumerate(divisions, start=start)]
    before = pages(_front(book, True), "front", 1)
    after = pages(_front(book, False), "front", len(before) + 1)
    return before, after, pages(book.back_matter, "back", 1)


def _part_pages(book: Book) -> dict[str, dict]:
    """The part title page set before each part's first chapter, by that chapter's id."""
    return {p.chapter_ids[0]: {"part": p, "section": f"part-{n:02d}"}
            for n, p in enumerate(book.parts, start=1)}


def _body(book: Book, chapters: tuple[Chapter, ...]) -> list[dict]:
    """The chapters in reading order as the printed book nests them: each part a section
    holding its title page and its chapters (a Part of the tagged PDF), a chapter outside
    any part a group of its own. Each group: ``part`` (or None), ``section`` and
    ``chapters``, a list of (section, chapter)."""
    numbered = {c.id: (chapter_section(n), c) for n, c in enumerate(chapters, start=1)}
    starts = _part_pages(book)
    in_part = {i for p in book.parts for i in p.chapter_ids}
    groups: list[dict] = []
    for chapter in chapters:
        if chapter.id in starts:
            part = starts[chapter.id]
            groups.append(part | {"chapters": [numbered[i] for i in part["part"].chapter_ids]})
        elif chapter.id not in in_part:
            groups.append({"part": None, "section": None, "chapters": [numbered[chapter.id]]})
    return groups


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
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(styles / "templates"),
        autoescape=True, undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    environment.filters["address"] = _address_markup
    return environment


def _address_markup(address: str) -> markupsafe.Markup:
    """A web address as the chapters' addresses are set: unhyphenated pieces, breakable only
    after "/" and "." (``addresses.address_nodes``)."""
    return markupsafe.Markup("".join(ElementTree.tostring(node, encoding="unicode")
                                     for node in address_nodes(address)))


def _where_to_find(book: Book) -> str | None:
    """Where a reader of a handout finds the whole book: its web address as readers type it
    (no scheme), else its ISBN; a urn:uuid: is of no use to a reader, and is not printed."""
    url = book.metadata.url
    if url:
        return re.sub(r"^https?://", "", url).rstrip("/")
    return f"ISBN {book.metadata.isbn}" if book.metadata.isbn else None


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


@functools.lru_cache(maxsize=4)
def render_print_html(book: Book, styles: Path, cover: bool = False) -> str:
    """The whole book as one HTML document, for paged media; the cover first if asked."""
    targets = _ids(book)
    footnotes = book.production.notes == "footnotes"
    chapters = tuple(replace(c, html=_for_paper(c.html, targets, footnotes))
                     for c in book.chapters)
    before, after, back = ([replace(m, division=replace(
        m.division, html=_for_paper(m.division.html, targets, footnotes))) for m in pages]
        for pages in _matter(book))
    context = _context(book) | {"toc": toc_entries(book, TOC_DEPTH), "chapters": chapters,
                                "cover": cover, "before_contents": before,
                                "after_contents": after, "back_matter": back,
                                "body": _body(book, chapters)}
    return _environment(styles).get_template("print.html").render(context)


def chapter_section(number: int) -> str:
    """The ``data-section`` of the book's chapter ``number`` (from 1), as print.html names it."""
    return f"chapter-{number:02d}"


def section_sources(book: Book) -> dict[str, Path]:
    """The manuscript file of each ``data-section`` the print HTML has: the chapters, the
    front and back matter (a part's title page has none of its own)."""
    sources = {chapter_section(n): c.source for n, c in enumerate(book.chapters, start=1)}
    return sources | {m.section: m.division.source for pages in _matter(book) for m in pages}


def render_handout_html(book: Book, styles: Path, number: int) -> str:
    """One chapter as a standalone document, with the references it cites."""
    chapter = book.chapters[number - 1]
    cited = [r for r in book.references if any(f'id="{c}"' in chapter.html for c in r.cited_by)]
    targets = _ids_in(chapter.html) | {r.anchor for r in cited}
    chapter = replace(chapter, html=_for_paper(chapter.html, targets,
                                               book.production.notes == "footnotes"))
    context = _context(book) | {"chapter": chapter, "section": chapter_section(number),
                                "references": cited, "where": _where_to_find(book),
                                "permission": book.production.handout_permission}
    return _environment(styles).get_template("handout.html").render(context)


#: Links the build makes (notes, citations, back-links): no address or page is added.
BUILD_LINK_ROLES = {"doc-noteref", "doc-backlink", "doc-biblioref"}
#: The text after a cross-reference on paper: the page number is the styles' (print.css,
#: ``a.page-ref::after``), since only layout knows it.
SEE_PAGE = " (see page"
ID_RE = re.compile(r'\bid="([^"]+)"')


def _ids(book: Book) -> frozenset[str]:
    return frozenset(i for chapter in book.divisions for i in _ids_in(chapter.html)) | {
        p.id for p in book.parts} | {"contents"} | (
        {"references"} | {r.anchor for r in book.references} if book.references else set())


def _ids_in(html: str) -> frozenset[str]:
    return frozenset(ID_RE.findall(html))


def _for_paper(html: str, targets: frozenset[str], footnotes: bool = False) -> str:
    """A chapter as paper needs it.

    - With ``footnotes``, each note goes to the foot of the page of its reference
      (``_as_footnotes``).
    - After each link to the web, its address in parentheses (without ``https://`` or
      ``mailto:``), in pieces that are never hyphenated (``addresses``): a reader of paper
      cannot follow a link. Not when the link's text already is the address.
    - After each cross-reference to a place in the same document, " (see page N)": the
      words are text here, the number the styles' ``target-counter``. A cross-reference
      to a place the document does not hold (a handout's, to another chapter) is text.
    - Decorative images become backgrounds, which WeasyPrint marks as artifacts: an
      ``img`` is always tagged as a Figure, which PDF/UA-1 requires to have /Alt
      (Matterhorn 13-004); a decorative image must be an artifact (ISO 14289-1, 7.3).
    """
    tree = _parse_fragment(html)
    if footnotes:
        _as_footnotes(tree)
    for image in list(tree.iter(f"{{{XHTML_NS}}}img")):
        if "decorative" in image.get("class", "").split():
            ornament = etree.Element(f"{{{XHTML_NS}}}span", {
                "class": "decorative-image",
                "style": f"background-image: url('{image.get('src')}')"})
            ornament.tail = image.tail
            image.getparent().replace(image, ornament)
    headings = {f"{{{XHTML_NS}}}h{level}" for level in range(1, 7)}
    for link in list(tree.iter(f"{{{XHTML_NS}}}a")):
        href = link.get("href", "")
        if link.get("role") in BUILD_LINK_ROLES or "footnote" in link.get("class", "") \
                or any(a.tag in headings for a in link.iterancestors()):
            continue
        if href.startswith("#") and href[1:] in targets:
            link.set("class", (link.get("class", "") + " page-ref").strip())
            _insert_after(link, etree.Element(f"{{{XHTML_NS}}}span", {
                "class": "see-page", "data-target": href}), SEE_PAGE)
        elif href.startswith("#"):
            # A place that is not in this document (a handout's link to another chapter):
            # its words stay, as text.
            link.tag = f"{{{XHTML_NS}}}span"
            for name in list(link.attrib):
                del link.attrib[name]
        elif re.match(r"(?i)(https?|ftp|mailto):", href):
            shown = re.sub(r"(?i)^(https://|mailto:)", "", href)
            text = " ".join("".join(link.itertext()).split())
            if _squeezed(shown) in _squeezed(text):
                continue
            _insert_after(link, _address_span(shown))
    return "".join(etree.tostring(child, encoding="unicode") for child in tree)


def _as_footnotes(tree: etree._Element) -> None:
    """Each note of the chapter's list goes just after its first reference, as a
    ``span.footnote-body`` that the styles float to the foot of the page (WeasyPrint's
    ``float: footnote``); it keeps the note's id, so every reference still links to it,
    and starts with the reference's number. Its paragraphs, lists and quotations become
    spans set as blocks: the note sits inside a paragraph, where a block would end the
    paragraph. Paper has no back-link; the list goes."""
    x = f"{{{XHTML_NS}}}"
    for notes in [d for d in tree.iter(f"{x}div") if d.get("role") == "doc-endnotes"]:
        items = {item.get("id"): item for item in notes.iterfind(f"{x}ol/{x}li")}
        done: set[str] = set()
        for reference in list(tree.iter(f"{x}a")):
            key = reference.get("href", "")[1:]
            item = items.get(key)
            if reference.get("role") != "doc-noteref" or item is None or key in done:
                continue
            done.add(key)
            body = etree.Element(f"{x}span", {"class": "footnote-body", "id": key})
            body.text = " "  # read "… paragraph.1 1 The note", not "paragraph.11"
            number = etree.SubElement(body, f"{x}span", {"class": "footnote-number"})
            number.text = "".join(reference.itertext())
            number.tail = " "
            for block in list(item):
                for back in [a for a in block.iter(f"{x}a") if a.get("role") == "doc-backlink"]:
                    _drop_keeping_tail(back)
                if len(block):
                    block[-1].tail = (block[-1].tail or "").rstrip(" \n\u00a0") or None
                else:
                    block.text = (block.text or "").rstrip(" \n\u00a0")
                if not "".join(block.itertext()).strip() \
                        and next(block.iter(f"{x}img"), None) is None:
                    continue  # the paragraph that held only the back-link
                body.append(_as_inline_block(block))
            first = body[1] if len(body) > 1 else None
            if first is not None:
                first.text = (first.text or "").lstrip()
            anchor = reference.getparent() if reference.getparent().tag == f"{x}sup" \
                else reference
            _insert_after(anchor, body)
        notes.getparent().remove(notes)


#: What a note's blocks become inside a footnote (a span), with their list markers.
FOOTNOTE_BLOCKS = {"p": "footnote-paragraph", "ul": "footnote-list", "ol": "footnote-list",
                   "li": "footnote-item", "blockquote": "footnote-quote",
                   "pre": "footnote-code", "div": "footnote-paragraph",
                   "dl": "footnote-list", "dt": "footnote-item", "dd": "footnote-item"}


def _as_inline_block(block: etree._Element) -> etree._Element:
    """``block`` (a note's paragraph, list, quotation …) with itself and every block inside
    it made a ``span`` of a class the styles set as a block; a list item keeps its marker
    as text ("• ", "2. ")."""
    x = f"{{{XHTML_NS}}}"
    for item in [e for e in block.iter(f"{x}li")]:
        numbered = item.getparent().tag == f"{x}ol"
        marker = f"{item.getparent().index(item) + 1}. " if numbered else "• "
        item.text = marker + (item.text or "")
    for element in list(block.iter()):
        tag = etree.QName(element).localname
        if tag not in FOOTNOTE_BLOCKS:
            continue
        element.tag = f"{x}span"
        for name in list(element.attrib):
            del element.attrib[name]
        element.set("class", FOOTNOTE_BLOCKS[tag])
        # No white space between blocks (WeasyPrint sets it as an empty line here); the
        # space a reader needs between two blocks ends the first one, inside it.
        if len(element) and not (element.text or "").strip():
            element.text = None
        for child in element:
            if not (child.tail or "").strip():
                child.tail = None
        if len(element):
            element[-1].tail = (element[-1].tail or "") + " "
        else:
            element.text = (element.text or "") + " "
    block.tail = None
    return block


def _as_epub_footnotes(html: str) -> str:
    """The chapter's notes as footnotes for reading systems: each note an ``aside``
    (``epub:type="footnote"``, ``role="doc-footnote"``) that a reading system shows in a
    pop-up when its reference is followed, and leaves out of the flow of the text; one
    that does not show them at the chapter's end, as before."""
    tree = _parse_fragment(html)
    numbers = {a.get("href", "")[1:]: "".join(a.itertext()) for a in tree.iter(f"{{{XHTML_NS}}}a")
               if a.get("role") == "doc-noteref"}
    for notes in [d for d in tree.iter(f"{{{XHTML_NS}}}div") if d.get("role") == "doc-endnotes"]:
        for name in ("role", f"{{{EPUB_NS}}}type"):
            notes.attrib.pop(name, None)
        for listing in [e for e in notes if e.tag == f"{{{XHTML_NS}}}ol"]:
            at = notes.index(listing)
            for offset, item in enumerate(listing.findall(f"{{{XHTML_NS}}}li")):
                aside = etree.Element(f"{{{XHTML_NS}}}aside", {
                    "id": item.get("id"), f"{{{EPUB_NS}}}type": "footnote",
                    "role": "doc-footnote"})
                for child in list(item):
                    aside.append(child)
                first = aside.find(f".//{{{XHTML_NS}}}p")
                if first is not None and numbers.get(item.get("id")):
                    label = etree.Element(f"{{{XHTML_NS}}}span", {"class": "note-number"})
                    label.text, label.tail = numbers[item.get("id")] + ".", " " + (first.text or "")
                    first.text = None
                    first.insert(0, label)
                notes.insert(at + offset, aside)
            notes.remove(listing)
    return "".join(etree.tostring(child, encoding="unicode") for child in tree)


def _drop_keeping_tail(element: etree._Element) -> None:
    parent, previous = element.getparent(), element.getprevious()
    tail = element.tail or ""
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(element)


def _squeezed(text: str) -> str:
    return re.sub(r"[\s/]+", "", text.lower()).removeprefix("www.")


def _address_span(address: str) -> etree._Element:
    """`` (address)``, the address in unhyphenated pieces (``addresses.address_nodes``)."""
    outer = etree.Element(f"{{{XHTML_NS}}}span", {"class": "link-address"})
    outer.text = " ("
    for node in address_nodes(address):
        copy = etree.SubElement(outer, f"{{{XHTML_NS}}}{node.tag}", dict(node.attrib))
        copy.text = node.text
    outer[-1].tail = ")"
    return outer


def _insert_after(link: etree._Element, span: etree._Element, text: str | None = None) -> None:
    if text is not None:
        span.text = text
    parent = link.getparent()
    span.tail, link.tail = link.tail, None
    parent.insert(parent.index(link) + 1, span)


def render_epub_documents(book: Book, styles: Path, page_map: PageMap | None = None,
                          cover: bool = False) -> tuple[XhtmlDocument, ...]:
    """Front matter, navigation, chapters and references as XHTML bodies, links resolved.

    With a ``page_map``, each page of that paged edition gets a page-break marker where
    it begins, and the navigation document lists them all (``page-list``).
    """
    env = _environment(styles)
    context = _context(book)
    toc = toc_entries(book, TOC_DEPTH)
    documents = [
        XhtmlDocument("cover.xhtml", "Cover", env.get_template("cover-epub.html")
                      .render(context | {"cover_file": COVER_FILE}), "cover"),
    ] if cover else []
    before, after, back = _matter(book)
    if book.production.notes == "footnotes":
        before, after, back = ([replace(m, division=replace(
            m.division, html=_as_epub_footnotes(m.division.html))) for m in pages]
            for pages in (before, after, back))
    matter_template = env.get_template("matter.html")

    def matter_documents(pages: list[MatterPage]) -> list[XhtmlDocument]:
        return [XhtmlDocument(f"{m.section}.xhtml", m.division.title,
                              matter_template.render(context | {"page": m}), m.epub_type)
                for m in pages]

    documents += [
        XhtmlDocument("titlepage.xhtml", "Title page", env.get_template("titlepage.html")
                      .render(context), "titlepage"),
        XhtmlDocument("copyright.xhtml", "Copyright", env.get_template("copyright.html")
                      .render(context), "copyright-page"),
        *matter_documents(before),
        # The contents as a page of the book, in reading order like the printed one; the
        # navigation document below is for the reading system, outside the spine.
        XhtmlDocument("contents.xhtml", "Contents", env.get_template("contents.html")
                      .render(context | {"toc": toc}), "toc"),
        *matter_documents(after),
    ]
    chapter_template = env.get_template("chapter.html")
    part_pages = _part_pages(book)
    for number, chapter in enumerate(book.chapters, start=1):
        if chapter.id in part_pages:
            part = part_pages[chapter.id]
            documents.append(XhtmlDocument(
                f"{part['section']}.xhtml", part["part"].title,
                env.get_template("part.html").render(context | part | {"part_chapters": ()}),
                "part"))
        if book.production.notes == "footnotes":
            chapter = replace(chapter, html=_as_epub_footnotes(chapter.html))
        documents.append(XhtmlDocument(
            f"chapter-{number:02d}.xhtml", chapter.title,
            chapter_template.render(context | {"chapter": chapter,
                                               "section": chapter_section(number)}), "chapter"))
    if book.references:
        documents.append(XhtmlDocument(
            "references.xhtml", REFERENCES_HEADING.text,
            env.get_template("references.html").render(context), "bibliography"))
    documents += matter_documents(back)
    pages = [{"id": marker_id(p), "label": p.label} for p in page_map.pages] if page_map else []
    nav = env.get_template("nav.html").render(context | {
        "toc": toc, "landmarks": _landmarks(book, documents),
        "pages": pages})
    documents.append(XhtmlDocument(NAV_FILE, "Contents", nav, "nav"))
    return _resolve_links(documents, page_map)


NAV_FILE = "nav.xhtml"
COVER_FILE = "cover.jpg"


def _landmarks(book: Book, documents: list[XhtmlDocument]) -> list[dict]:
    """EPUB landmarks: the contents, the front matter, the start of the text (the first
    part's title page, when there are parts), the reference list and the back matter."""
    landmarks = [{"type": "toc", "href": "#contents", "title": "Contents"}]
    if book.front_matter:
        first = book.front_matter[0]
        landmarks.append({"type": "frontmatter", "href": f"#{first.id}", "title": first.title})
    start = book.parts[0] if book.parts else book.chapters[0]
    landmarks.append({"type": "bodymatter", "href": f"#{start.id}", "title": start.title})
    if book.references:
        landmarks.append({"type": "bibliography", "href": f"#{REFERENCES_HEADING.id}",
                          "title": REFERENCES_HEADING.text})
    if book.back_matter:
        first = book.back_matter[0]
        landmarks.append({"type": "backmatter", "href": f"#{first.id}", "title": first.title})
    return landmarks


def _resolve_links(documents: list[XhtmlDocument],
                   page_map: PageMap | None) -> tuple[XhtmlDocument, ...]:
    """``#id`` links become ``file.xhtml#id`` once the book is split into files (as pandoc does)."""
    trees = [_parse_fragment(d.body) for d in documents]
    if page_map is not None:
        placed = [p for tree in trees for p in insert_page_breaks(tree, page_map)]
        missing = [p.label for p in page_map.pages if p not in placed]
        if missing:  # a section of the paged edition that this one does not have
            raise ValueError(f"no place for print pages {', '.join(missing)}")
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


def template_context(book: Book) -> dict:
    """What every template may use: the metadata, chapters, references and dates."""
    return _context(book)


def render_template(styles: Path, name: str, context: dict) -> str:
    """Any other template of styles/templates, with the same environment."""
    return _environment(styles).get_template(name).render(context)
