"""Python-Markdown extensions: citations, book-wide unique ids, checked images, no raw HTML,
unhyphenated addresses."""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as etree
from collections.abc import Mapping
from copy import deepcopy
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from markdown import Extension, Markdown
from markdown.extensions.def_list import DefListIndentProcessor, DefListProcessor
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.smarty import SmartyExtension
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import HTML_PLACEHOLDER_RE

from .addresses import mark_addresses
from .citations import CITATION_RE, Cluster, parse_citation
from .code import CodeExtension
from .markdown_source import as_python_markdown
from .model import Heading, Image
from .typography import quote_marks, space_punctuation

#: Link texts that say nothing of where the link goes (WCAG 2.2 SC 2.4.4).
VAGUE_LINK_TEXTS = {"click here", "here", "click", "link", "this link", "this", "more",
                    "read more", "learn more", "go", "website", "this page", "page"}
BARE_URL = re.compile(r"(?i)^(https?://|www\.|mailto:)\S+$")
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
               ".gif": "image/gif", ".svg": "image/svg+xml", ".webp": "image/webp"}


class SourceProblem(Exception):
    """A problem found while converting one chapter; the reader adds the file and line.

    ``needle`` is the source text the problem is about, used to find its line.
    """

    def __init__(self, code: str, message: str, hint: str, needle: str):
        super().__init__(message)
        self.code, self.message, self.hint, self.needle = code, message, hint, needle


#: Ids the templates give (contents, references, navigation): no heading may take them.
TEMPLATE_IDS = {"contents", "contents-title", "references", "references-title", "toc",
                "toc-title"}
#: Prefixes of the ids the build makes (print page markers, citations, entries, notes).
BUILD_PREFIXES = ("page-", "cite-", "ref-", "fn-", "fnref-")


@dataclass
class BookIds:
    """State shared by the conversion of every chapter of one book."""

    #: The XHTML of each citation, by ``citations.Cluster``, each item in it an
    #: ``<a data-item="N">``: a dict, or the book's ``CitationFormatter`` (which renders on
    #: demand); ``cluster in citation_html`` says whether its keys are all known.
    citation_html: Mapping
    manuscript_root: Path
    #: The book's language (BCP 47): its quotation marks and spacing.
    language: str = "en"
    #: Whether figures and tables are numbered ("Figure 3.", "Table 1."), book-wide.
    number_figures: bool = False
    #: How many figures and tables have been numbered so far, by kind.
    numbered: dict[str, int] = field(default_factory=dict)
    taken: set[str] = field(default_factory=lambda: set(TEMPLATE_IDS))
    citations: list[tuple[str, str]] = field(default_factory=list)  # (citation id, key)
    #: The title of the chapter each citation is in, by citation id (for back-link names).
    citation_chapters: dict[str, str] = field(default_factory=dict)

    def claim(self, wanted: str, explicit: bool, by_build: bool = False) -> str:
        """A book-wide unique id: explicit ids must be unique, generated ones are made so."""
        if explicit:
            if wanted.startswith(BUILD_PREFIXES) and not by_build:
                raise SourceProblem("M011", f"id '{wanted}' is reserved for the build",
                                    "ids starting with page-, cite-, ref- or fn- are the "
                                    "build's own; choose another", "#" + wanted)
            if wanted in self.taken:
                raise SourceProblem("M011", f"duplicate id '{wanted}'",
                                    "ids must be unique in the whole book; rename one of them",
                                    "#" + wanted)
            self.taken.add(wanted)
            return wanted
        if wanted.startswith(BUILD_PREFIXES) and not by_build:
            wanted = "section-" + wanted  # a heading called "Page 3" must not be a page marker
        candidate, n = wanted, 1
        while candidate in self.taken:
            n += 1
            candidate = f"{wanted}-{n}"
        self.taken.add(candidate)
        return candidate


@dataclass
class ChapterState:
    headings: list[Heading] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    #: Every problem found in the chapter, in the order met (the reader adds file and line).
    problems: list[SourceProblem] = field(default_factory=list)


class CitationProcessor(InlineProcessor):
    """``[@key, p. 12; @other]`` -> ``(<a>Author, 2003, p. 12</a>; <a>Other, 2012</a>)``,
    the items in the order the style sorts them, each a link to its entry; and ``@key says``
    -> ``<a>Author (2003)</a> says``, pandoc's author-in-text citation. One pattern for both,
    so that citation ids count up in reading order.

    A citation whose keys the bibliography lacks stays text: the manuscript reader has
    reported those (M017), and an ``@word`` that is no key (``@everyone``) is text."""

    def __init__(self, ids: BookIds):
        super().__init__(CITATION_RE.pattern)
        self.ids = ids

    def handleMatch(self, m, data):  # noqa: N802 - Python-Markdown's API
        cluster = parse_citation(m)
        if cluster is None or cluster not in self.ids.citation_html:
            return None, None, None
        return _citation(self.ids, cluster), m.start(0), m.end(0)


def _citation(ids: BookIds, cluster: Cluster):
    """The ``<span class="citation">`` of a cluster, each of its links given the next
    citation id of the book (claimed, like every other id, by ChapterTreeprocessor)."""
    span = etree.fromstring(f'<span class="citation">{ids.citation_html[cluster]}</span>')
    for link in span.iter("a"):
        item = cluster.items[int(link.attrib.pop("data-item"))]
        cite_id = f"cite-{len(ids.citations) + 1}"
        ids.citations.append((cite_id, item.key.lower()))
        link.attrib.update({"href": f"#ref-{item.key.lower()}", "id": cite_id,
                            "role": "doc-biblioref", "epub:type": "biblioref"})
    return span


class ChapterTreeprocessor(Treeprocessor):
    """Gives headings book-wide ids, records them, and checks images and ids."""

    def __init__(self, md: Markdown, ids: BookIds, state: ChapterState):
        super().__init__(md)
        self.ids, self.state = ids, state
        #: The links inside the chapter's notes (whose text may be a bare address).
        self.note_links: set = set()

    def run(self, root):
        renamed: dict[str, str] = {}
        for element in root.iter():
            try:
                self._element(element, renamed)
            except SourceProblem as problem:
                self.state.problems.append(problem)
        chapter = self.state.headings[0].text if self.state.headings else ""
        # The number each note reference shows, by the (new) id of its <sup>.
        numbers = {sup.get("id"): "".join(sup.itertext()).strip()
                   for sup in root.iter("sup") if sup.get("id", "").startswith("fnref")}
        # An address as the text of a link is the usual way to give a source in a note.
        self.note_links = {link for notes in root.iter("div")
                           if notes.get("class") == "footnote" for item in notes.iter("li")
                           if item.get("id", "").startswith("fn-") for link in item.iter("a")}
        for element in root.iter("a"):
            target = element.get("href", "")[1:]
            if element.get("href", "").startswith("#") and target in renamed:
                element.set("href", "#" + renamed[target])
            if element.get("role") == "doc-biblioref":
                self.ids.citation_chapters[element.get("id")] = chapter
            try:
                self._link(element)
            except SourceProblem as problem:
                self.state.problems.append(problem)
        for item in root.iter("li"):
            if not item.get("id", "").startswith("fn-"):
                continue
            backlinks = [a for a in item.iter("a") if a.get("class") == "footnote-backref"]
            for index, link in enumerate(backlinks, start=1):
                number = numbers.get(link.get("href", "")[1:], "")
                # Unique in the book, and saying where it goes (WCAG 2.4.4, 2.4.9).
                link.set("aria-label", f"Back to note reference {number} in “{chapter}”"
                         if len(backlinks) == 1 else
                         f"Back to reference {index} of {len(backlinks)} to note {number} "
                         f"in “{chapter}”")
            if backlinks:
                # A note at the end of its chapter: an endnote, as Foliate and iBooks read it.
                item.set("epub:type", "endnote")
        for element in root.iter("div"):
            if element.get("class") == "footnote":
                element.set("role", "doc-endnotes")
                element.set("epub:type", "endnotes")
                element.set("aria-label", "Notes")
        return None

    def _element(self, element, renamed: dict[str, str]) -> None:
        if element.tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self._heading(element)
        elif element.get("id", "").startswith(("fn:", "fnref")):
            # Footnote ids are per chapter ("fn:1" in each): make them book-wide.
            wanted = element.get("id").replace(":", "-")
            renamed[element.get("id")] = self.ids.claim(wanted, explicit=False, by_build=True)
            element.set("id", renamed[element.get("id")])
        elif element.get("id") is not None:
            element.set("id", self.ids.claim(element.get("id"), explicit=True,
                                             by_build=element.get("role") == "doc-biblioref"))
        if element.tag == "img":
            self._image(element)

    def _link(self, element):
        kind = element.get("class", "")
        if kind == "footnote-ref":
            number = "".join(element.itertext()).strip()
            element.set("role", "doc-noteref")
            element.set("epub:type", "noteref")
            element.set("aria-label", f"Note {number}")
            return
        if kind == "footnote-backref":
            element.set("role", "doc-backlink")
            element.set("epub:type", "backlink")
            element.attrib.pop("title", None)  # named in run(), once the numbers are known
            return
        if element.get("role") == "doc-biblioref":
            return
        text = " ".join("".join(element.itertext()).split())
        href = element.get("href", "")
        problem = None
        if not text and not element.findall(".//img[@alt]"):
            problem = "has no text"
        elif text.lower().strip(".!:") in VAGUE_LINK_TEXTS:
            problem = f"text '{text}' does not say where it goes"
        elif element not in self.note_links and (BARE_URL.match(text) or text == href or (
                "." in text and " " not in text and text.lower().rstrip("/") in href.lower())):
            problem = f"text '{text}' is a bare address"
        if problem:
            raise SourceProblem("A002", f"link to '{href}' {problem}",
                                "describe the target: [what the reader will find](" + href + ")",
                                href or text)

    def _heading(self, element):
        text = " ".join("".join(element.itertext()).split())
        level = int(element.tag[1])
        previous = self.state.headings[-1].level if self.state.headings else 0
        if previous and level > previous + 1:
            raise SourceProblem("A001", f"heading '{text}' skips from level {previous} to {level}",
                                f"use {'#' * (previous + 1)} for it, or add the missing level",
                                "#" * level + " " + text[:30])
        explicit = element.get("id")
        wanted = explicit or slug(text)
        element.set("id", self.ids.claim(wanted, explicit=explicit is not None))
        self.state.headings.append(Heading(
            level=int(element.tag[1]), id=element.get("id"), text=text,
            html=_inner_html_without_links(element)))

    def _image(self, element):
        src = element.get("src", "")
        if "decorative" in element.get("class", "").split():
            # Said so explicitly: empty alt and no role in the accessibility tree.
            element.set("alt", "")
            element.set("role", "presentation")
        elif not (element.get("alt") or "").strip():
            raise SourceProblem("M012", f"image '{src}' has no alt text",
                                "describe the image: ![what it shows](" + src + "), or mark a "
                                "purely decorative one: ![](" + src + "){.decorative}", src)
        parts = urlsplit(src)
        if parts.scheme or parts.netloc or src.startswith("/"):
            raise SourceProblem("M013", f"image '{src}' is not a file in the manuscript folder",
                                "copy the image into the manuscript folder and use a relative path",
                                src)
        root = self.ids.manuscript_root.resolve()
        path = (root / unquote(parts.path)).resolve()
        if not path.is_relative_to(root):
            raise SourceProblem("M013", f"image '{src}' is outside the manuscript folder",
                                "copy the image into the manuscript folder", src)
        if not path.is_file():
            raise SourceProblem("M014", f"image '{src}' does not exist",
                                f"check the file name; looked for {path}", src)
        media_type = IMAGE_TYPES.get(path.suffix.lower())
        if media_type is None:
            raise SourceProblem("M015", f"image '{src}' is not PNG, JPEG, GIF, SVG or WebP",
                                "convert it to PNG or JPEG", src)
        # One name per file, whatever way the chapter wrote it (./a.png, a%20b.png).
        src = path.relative_to(root).as_posix()
        element.set("src", src)
        self.state.images.append(Image(src=src, path=path, media_type=media_type))


class AddressTreeprocessor(Treeprocessor):
    """Web addresses, domains and e-mail addresses in the text are never hyphenated.

    Each is cut after every "/" and "." into pieces, each a ``<span class="url">`` (whole and
    unhyphenated in every stylesheet) with a ``<wbr/>`` between two, the only places it may
    break: see ``addresses``. Code is left alone, and so are citations (their text is the
    build's). A link whose text is or contains an address gets the pieces inside it.
    """

    def run(self, root):
        mark_addresses(root, skip_roles=frozenset({"doc-biblioref"}))
        return None


class PlainTextTreeprocessor(Treeprocessor):
    """Puts back the characters that smarty stores aside (curly quotes, dashes), so that
    headings, link texts and the checks after this read the text as it will be printed."""

    def run(self, root):
        blocks = self.md.htmlStash.rawHtmlBlocks

        def put_back(match):
            stored = blocks[int(match[1])]
            return stored if isinstance(stored, str) and not set(stored) & set("<&") \
                else match[0]

        for element in root.iter():
            if element.text:
                element.text = HTML_PLACEHOLDER_RE.sub(put_back, element.text)
            if element.tail:
                element.tail = HTML_PLACEHOLDER_RE.sub(put_back, element.tail)
        return None


class SpacingTreeprocessor(Treeprocessor):
    """The no-break spaces the book's language wants around punctuation (``typography``),
    outside code."""

    def __init__(self, md: Markdown, language: str):
        super().__init__(md)
        self.language = language

    def run(self, root):
        def visit(element, in_code):
            in_code = in_code or element.tag in ("code", "pre")
            if element.text and not in_code:
                element.text = space_punctuation(self.language, element.text)
            for child in element:
                visit(child, in_code)
                if child.tail:
                    child.tail = space_punctuation(self.language, child.tail)

        visit(root, False)
        return None


class FigureTreeprocessor(Treeprocessor):
    """An image alone in its paragraph is a figure; its title (``![alt](src "Caption")``)
    or ``{caption="…"}`` attribute, if it has one, is the figure's caption. The alt text
    stays what the image shows, for those who cannot see it."""

    def __init__(self, md, ids: BookIds):
        super().__init__(md)
        self.ids = ids

    def run(self, root):
        for paragraph in list(root.iter("p")):
            if len(paragraph) != 1 or paragraph[0].tag != "img" \
                    or (paragraph.text or "").strip() or (paragraph[0].tail or "").strip():
                continue
            image = paragraph[0]
            if "decorative" in image.get("class", "").split():
                continue
            caption = image.attrib.pop("caption", None) or image.attrib.pop("title", None)
            image.attrib.pop("title", None)
            image.tail = None
            paragraph.tag = "figure"
            paragraph.text = None
            if caption and caption.strip():
                figcaption = etree.SubElement(paragraph, "figcaption")
                figcaption.text = " ".join(caption.split())
                number_caption(self.ids, figcaption, "Figure")
            elif self.ids.number_figures:
                number_caption(self.ids, etree.SubElement(paragraph, "figcaption"), "Figure")
        return None


def number_caption(ids: BookIds, caption, kind: str) -> None:
    """With ``number_figures``, the caption begins with its label: "Figure 3." (book-wide
    numbers, in reading order)."""
    if not ids.number_figures:
        return
    ids.numbered[kind] = ids.numbered.get(kind, 0) + 1
    label = etree.Element("span", {"class": "caption-label"})
    label.text = f"{kind} {ids.numbered[kind]}."
    label.tail = (" " + caption.text) if (caption.text or len(caption)) else None
    caption.text = None
    caption.insert(0, label)


class TableTreeprocessor(Treeprocessor):
    """A table's caption, as pandoc writes it: a paragraph just before or after the table
    that begins with ``Table:`` or ``:``, which becomes the table's ``<caption>``. Header
    cells get ``scope="col"``, aligned cells a class (``align-right``); a table of more than
    ``WIDE`` columns is marked wide (the styles set it smaller)."""

    CAPTION = re.compile(r"^\s*(?:Table)?:\s+")
    WIDE = 5

    def __init__(self, md, ids: BookIds):
        super().__init__(md)
        self.ids = ids

    def run(self, root):
        for parent in root.iter():
            children = list(parent)
            for index, table in enumerate(children):
                if table.tag != "table":
                    continue
                for neighbour in (children[index + 1] if index + 1 < len(children) else None,
                                  children[index - 1] if index else None):
                    if neighbour is not None and neighbour.tag == "p" \
                            and self.CAPTION.match(neighbour.text or "") \
                            and table.find("caption") is None:
                        self._caption(parent, table, neighbour)
                if self.ids.number_figures:
                    caption = table.find("caption")
                    if caption is None:
                        caption = etree.Element("caption")
                        table.insert(0, caption)
                    number_caption(self.ids, caption, "Table")
                for cell in table.iter("th"):
                    cell.set("scope", "col")
                for cell in (c for c in table.iter() if c.tag in ("th", "td")):
                    self._alignment_as_class(cell)
                columns = max((len(row) for row in table.iter("tr")), default=0)
                if columns > self.WIDE:
                    table.set("class", (table.get("class", "") + " wide").strip())
        return None

    @staticmethod
    def _alignment_as_class(cell) -> None:
        """Python-Markdown aligns a column with an inline style; the book's styles do it
        from a class (no inline style: the reader's settings must be able to win)."""
        align = re.fullmatch(r"\s*text-align:\s*(left|right|center);?\s*", cell.get("style", ""))
        if "style" in cell.attrib:
            del cell.attrib["style"]
        if align:
            cell.set("class", (cell.get("class", "") + f" align-{align[1]}").strip())

    def _caption(self, parent, table, paragraph) -> None:
        caption = etree.Element("caption")
        caption.text = self.CAPTION.sub("", paragraph.text, count=1)
        for child in list(paragraph):
            caption.append(child)
        caption.tail = None
        table.insert(0, caption)
        parent.remove(paragraph)


class _TightDefinitions(DefListProcessor):
    """A definition only under its term (``Term``, then ``:   definition`` on the next
    line), or another one of the list just made: a ``: Caption`` paragraph beside a table
    or after a paragraph is a table's caption (``TableCaptions``), not a definition."""

    def test(self, parent, block: str) -> bool:
        match = self.RE.search(block)
        if match is None:
            return False
        if block[:match.start()].strip():
            return True
        sibling = self.lastChild(parent)
        return sibling is not None and sibling.tag == "dl"


class DefinitionLists(Extension):
    """pandoc's definition lists (a glossary's terms), as Python-Markdown's ``def_list``
    reads them but for a ``: Caption`` line, which stays a table's caption."""

    def extendMarkdown(self, md) -> None:
        md.parser.blockprocessors.register(DefListIndentProcessor(md.parser), "defindent", 85)
        md.parser.blockprocessors.register(_TightDefinitions(md.parser), "deflist", 25)


class BookExtension(Extension):
    """Everything a chapter needs on top of Markdown, registered by name and priority."""

    def __init__(self, ids: BookIds, state: ChapterState):
        super().__init__()
        self.ids, self.state = ids, state

    def extendMarkdown(self, md):  # noqa: N802 - Python-Markdown's API
        # Raw HTML would bypass every check (alt text, confinement, valid XHTML): the
        # manuscript format has none, so it is shown as text.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.inlinePatterns.deregister("entity")
        # Before 'link' (160) so "[@key]" is never taken for a link; after 'escape' (180).
        md.inlinePatterns.register(CitationProcessor(self.ids), "citation", 175)
        # "\@smith2004" is an at-sign, not a citation.
        md.ESCAPED_CHARS.append("@")
        # After 'inline' (20): smarty's characters back in the text, then what uses them.
        md.treeprocessors.register(PlainTextTreeprocessor(md), "plain_text", 6)
        md.treeprocessors.register(SpacingTreeprocessor(md, self.ids.language), "spacing", 5)
        md.treeprocessors.register(FigureTreeprocessor(md, self.ids), "figures", 4)
        md.treeprocessors.register(TableTreeprocessor(md, self.ids), "tables", 3)
        # After 'unescape' (0), so heading text is final.
        md.treeprocessors.register(ChapterTreeprocessor(md, self.ids, self.state), "book_ids", -1)
        # Last: the headings' text (contents, bookmarks) is taken before addresses are split.
        md.treeprocessors.register(AddressTreeprocessor(md), "addresses", -2)


def convert_chapter(text: str, ids: BookIds) -> tuple[str, ChapterState]:
    """Markdown (with pandoc's common extensions) -> XHTML fragment, with the chapter's
    headings and images."""
    state = ChapterState()
    notes = FootnoteExtension(BACKLINK_TEXT="↑", SUPERSCRIPT_TEXT="{}")
    smarty = SmartyExtension(smart_angled_quotes=True, substitutions=quote_marks(ids.language))
    md = Markdown(extensions=["attr_list", DefinitionLists(), "tables", "sane_lists", "fenced_code",
                              CodeExtension(), smarty, notes, BookExtension(ids, state)],
                  output_format="xhtml")
    return md.convert(as_python_markdown(text)), state


def _inner_html_without_links(element) -> str:
    """The heading's inline XHTML with links (a citation's too) made spans: it goes inside
    contents links."""
    copy = deepcopy(element)  # not through its text: a citation's epub:type has no namespace
    for child in copy.iter("a"):
        child.tag = "span"
        for name in ("href", "id", "role", "epub:type"):
            child.attrib.pop(name, None)
    html = etree.tostring(copy, encoding="unicode", short_empty_elements=True)
    return html[html.index(">") + 1:html.rindex("<")]


def slug(text: str) -> str:
    """A heading's id: accented Latin letters without their accents ("Über Gärten" ->
    "uber-garten"), letters of other scripts kept, apostrophes dropped as pandoc drops
    them ("Beginner's Steps" -> "beginners-steps"), anything else a hyphen."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text.casefold())
                    if not unicodedata.combining(c) and c not in "'’ʼ")
    return re.sub(r"[\W_]+", "-", plain).strip("-") or "section"
