"""The PDF/UA-1 structure WeasyPrint 70 gets wrong or leaves out, fixed on the open PDF.

``complete_structure`` runs inside ``pdf_metadata.complete_metadata``'s pikepdf session, on
WeasyPrint's tagged output, and:

- turns the running heads and folios (the ``@page`` margin boxes) into
  ``/Artifact <</Type /Pagination /Subtype /Header>>`` (or ``/Footer``) sequences. WeasyPrint
  tags them with MCIDs whose structure elements it never links into the tree
  (Kozea/WeasyPrint#1836): content neither tagged nor an artifact (Matterhorn 01-005);
- makes the leader dots of the printed contents (``leader()``) ``/Layout`` artifacts;
- merges the three nested ``/Link`` elements ``a::after`` makes of each contents entry into
  one ``/Link`` holding the three annotations;
- describes each link annotation in ``/Contents`` (WeasyPrint writes the bare target);
- sets ``/Lang`` on each element the manuscript writes in another language (``lang``);
  WeasyPrint writes only the catalog's;
- gives ``/TH`` cells a ``/Scope`` and lists a ``/ListNumbering``;
- makes a part of the book (its title page and chapters) a ``/Part``, not a ``/Sect``;
- adds ``/PageLabels`` that match the folios printed on the pages.

The MCIDs left on each page are then renumbered from 0 and the parent tree is rebuilt from the
structure tree, so that each MCID of the content is in exactly one place: one element of the
tree, or an artifact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import lxml.html
import pikepdf

from ..model import Book
from .pdf_sources import SOURCE_KEY, Source

Name = pikepdf.Name
SOURCE = "/" + SOURCE_KEY

#: (a, b, c, d, e, f), as in the ``cm`` and ``Tm`` operators.
Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
TEXT_SHOWING = {"Tj", "TJ", "'", '"'}
#: The text of one leader box: dots and spaces (``leader(". ")`` and its relatives).
LEADER_RE = re.compile(r"[\s.·․‥…]*[.·․‥…][\s.·․‥…]*")
#: A contents entry as its link reads: the title, the leader, the page number.
CONTENTS_ENTRY_RE = re.compile(r"(?P<title>.*?)[\s.·․‥…]{3,}(?P<page>[0-9]+|[ivxlcdm]+)",
                               re.IGNORECASE)
#: The type WeasyPrint 70 gives an element (``weasyprint.pdf.tags._get_pdf_tag``).
HTML_TO_PDF = {
    "div": "Div", "span": "Span", "a": "Link", "main": "Part", "article": "Art",
    "section": "Sect", "blockquote": "BlockQuote", "p": "P", "h1": "H1", "h2": "H2",
    "h3": "H3", "h4": "H4", "h5": "H5", "h6": "H6", "ul": "L", "ol": "L", "dl": "L",
    "li": "LI", "dt": "LI", "dd": "LI", "table": "Table", "tr": "TR", "th": "TH", "td": "TD",
    "thead": "THead", "tbody": "TBody", "tfoot": "TFoot", "img": "Figure",
    "caption": "Caption", "figcaption": "Caption",
}
LIST_NUMBERING = (
    (re.compile(r"[0-9]+[.)]?"), "/Decimal"),
    (re.compile(r"[ivxlcdm]+[.)]?"), "/LowerRoman"),
    (re.compile(r"[IVXLCDM]+[.)]?"), "/UpperRoman"),
    (re.compile(r"[a-z][.)]?"), "/LowerAlpha"),
    (re.compile(r"[A-Z][.)]?"), "/UpperAlpha"),
    (re.compile(r"[•‣⁃]"), "/Disc"),
    (re.compile(r"[◦○]"), "/Circle"),
    (re.compile(r"[▪■□]"), "/Square"),
)


def complete_structure(pdf: pikepdf.Pdf, book: Book, sources: list[Source] = ()) -> None:
    """Make WeasyPrint's tagged PDF meet PDF/UA-1 where it does not; see the module doc.

    ``sources`` are the HTML sources of the structure elements, as ``recording_sources``
    labelled them while the PDF was written.
    """
    if "/StructTreeRoot" not in pdf.Root:
        return
    tagged = _TaggedPdf(pdf)
    tagged.join_continuations()
    tagged.merge_nested_links()
    tagged.join_link_annotations()
    tagged.wrap_list_item_bodies()
    tagged.tag_notes(sources)
    folios = tagged.mark_margin_boxes_as_pagination()
    tagged.mark_leaders_as_layout()
    tagged.mark_word_breaks(sources)
    tagged.tag_code_and_figures(sources)
    tagged.tag_parts(sources)
    tagged.state_actual_texts()
    tagged.describe_links(book)
    tagged.add_languages(book)
    tagged.add_table_header_scopes()
    tagged.add_list_numbering()
    tagged.commit()
    pdf.Root.PageLabels = _page_labels(folios)
    if not str(pdf.Root.get("/Lang", "")):
        pdf.Root.Lang = pikepdf.String(book.metadata.language)


# --- the content streams ------------------------------------------------------------------


@dataclass
class _Mark:
    """One marked-content sequence with an MCID, in one page's content stream."""

    bdc: int  # index of its BDC operator in the page's instructions
    #: Where its first text is drawn, in default user space (PDF units, y up).
    origin: tuple[float, float] | None = None
    #: (baseline, decoder, operand, index) of each text-showing operator, decoded when
    #: asked for; index is the operator's in the page's instructions.
    shown: list = field(default_factory=list)
    _lines: list[tuple[float, str]] | None = None

    @property
    def lines(self) -> list[tuple[float, str]]:
        """(baseline, text) of each text-showing operator: another baseline, another line."""
        if self._lines is None:
            self._lines = []
            for baseline, decode, operand, _ in self.shown:
                strings = operand if isinstance(operand, pikepdf.Array) else [operand]
                self._lines.append((baseline, "".join(
                    decode(bytes(s)) for s in strings if isinstance(s, pikepdf.String))))
        return self._lines

    @property
    def text(self) -> str:
        return "".join(text for _, text in self.lines)


def _concat(m: Matrix, n: Matrix) -> Matrix:
    """m × n: ``m`` applied first."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


def _decoder(font: pikepdf.Object | None):
    """bytes -> text through the font's ToUnicode CMap (WeasyPrint writes one per font)."""
    if font is None or "/ToUnicode" not in font:
        def nothing(data: bytes) -> str:
            return ""
        nothing.width = 2 if font is not None and font.get("/Subtype") == "/Type0" else 1
        return nothing
    cmap = font.ToUnicode.read_bytes().decode("latin-1")
    width = 2 if font.get("/Subtype") == "/Type0" else 1
    table: dict[bytes, str] = {}

    def utf16(hex_text: str) -> str:
        return bytes.fromhex(hex_text).decode("utf-16-be", errors="replace")

    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.DOTALL):
        for source, target in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>", block):
            table[int(source, 16).to_bytes(width, "big")] = utf16(target)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.DOTALL):
        for low, high, target in re.findall(
                r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(<[0-9a-fA-F]*>|\[[^\]]*\])", block):
            low, high = int(low, 16), int(high, 16)
            if target.startswith("["):
                for offset, item in enumerate(re.findall(r"<([0-9a-fA-F]*)>", target)):
                    table[(low + offset).to_bytes(width, "big")] = utf16(item)
            else:
                start = bytes.fromhex(target[1:-1])
                for offset in range(high - low + 1):
                    last = int.from_bytes(start[-2:], "big") + offset
                    table[(low + offset).to_bytes(width, "big")] = (
                        start[:-2] + last.to_bytes(2, "big")).decode("utf-16-be", "replace")

    def decode(data: bytes) -> str:
        return "".join([table.get(data[i:i + width], "\ufffd")
                        for i in range(0, len(data) - width + 1, width)])

    decode.width = width  # bytes per character code
    return decode


def _scan(page: pikepdf.Page) -> tuple[list, dict[int, _Mark]]:
    """The page's instructions, and each MCID sequence in them with where and what it draws."""
    instructions = list(pikepdf.parse_content_stream(page))
    fonts = page.Resources.get("/Font", {})
    decoders: dict[str, object] = {}
    marks: dict[int, _Mark] = {}
    open_marks: list[int | None] = []
    ctm, stack = IDENTITY, []
    text_matrix = line_matrix = IDENTITY
    decode = None
    for index, (operands, operator) in enumerate(instructions):
        op = str(operator)
        if op == "q":
            stack.append(ctm)
        elif op == "Q":
            ctm = stack.pop() if stack else IDENTITY
        elif op == "cm":
            ctm = _concat(tuple(float(x) for x in operands), ctm)
        elif op == "BT":
            text_matrix = line_matrix = IDENTITY
        elif op == "Tm":
            text_matrix = line_matrix = tuple(float(x) for x in operands)
        elif op in ("Td", "TD"):
            tx, ty = float(operands[0]), float(operands[1])
            text_matrix = line_matrix = _concat((1, 0, 0, 1, tx, ty), line_matrix)
        elif op == "Tf":
            name = str(operands[0])
            if name not in decoders:
                decoders[name] = _decoder(fonts.get(name))
            decode = decoders[name]
        elif op in ("BDC", "BMC"):
            mcid = None
            if op == "BDC" and isinstance(operands[1], pikepdf.Dictionary):
                mcid = operands[1].get("/MCID")
            open_marks.append(None if mcid is None else int(mcid))
            if mcid is not None:
                marks[int(mcid)] = _Mark(index)
        elif op == "EMC":
            if open_marks:
                open_marks.pop()
        elif op in TEXT_SHOWING and decode is not None:
            current = next((m for m in reversed(open_marks) if m is not None), None)
            if current is None:
                continue
            _, _, _, _, e, f = _concat(text_matrix, ctm)
            mark = marks[current]
            mark.shown.append((round(f, 1), decode, operands[-1], index))
            if mark.origin is None:
                mark.origin = (e, f)
    return instructions, marks


# --- the structure tree -------------------------------------------------------------------


@dataclass(eq=False)
class _Node:
    """A structure element, read once: its type, page and kids in order."""

    element: pikepdf.Dictionary
    type: str  # "P", "Link" …
    page: int | None
    parent: _Node | None
    #: The kids in order: ("mcid", (page, mcid)), ("node", _Node) or ("other", object).
    kids: list = field(default_factory=list)
    #: Index of its HTML source in the build's list (``pdf_sources``), when labelled.
    source: int | None = None

    @property
    def children(self) -> list[_Node]:
        return [kid for kind, kid in self.kids if kind == "node"]

    def items(self) -> list[tuple[int, int]]:
        """(page, mcid) of the marked content of this element and its descendants, in order."""
        found = []
        for kind, kid in self.kids:
            if kind == "mcid":
                found.append(kid)
            elif kind == "node":
                found.extend(kid.items())
        return found

    def annotations(self) -> list[pikepdf.Dictionary]:
        return [kid.Obj for kind, kid in self.kids if kind == "other"
                and isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR"]


def _descendants(node: _Node) -> list[_Node]:
    found = []
    for child in node.children:
        found.append(child)
        found.extend(_descendants(child))
    return found


def _raw_kids(element) -> list:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _squash(text: str) -> str:
    """Text compared across HTML and PDF: no spaces, no hyphens (line breaks add them)."""
    return re.sub(r"[\s\-\u00ad\u2010]", "", text)


class _TaggedPdf:
    def __init__(self, pdf: pikepdf.Pdf):
        self.pdf = pdf
        self.root = pdf.Root.StructTreeRoot
        self.pages = list(pdf.pages)
        self.page_of = {page.obj.objgen: index for index, page in enumerate(self.pages)}
        self.content = [_scan(page) for page in self.pages]
        #: MCIDs to turn into artifacts: (page, mcid) -> the Artifact property list.
        self.artifacts: dict[tuple[int, int], pikepdf.Dictionary] = {}
        #: MCIDs whose last character reads otherwise: (page, mcid) -> "space" or "hyphen".
        self.text_fixes: dict[tuple[int, int], str] = {}
        self.read_tree()

    def read_tree(self) -> None:
        """Read the tree, from the root: only what it reaches is real content."""
        self.nodes: list[_Node] = []  # tree (reading) order
        seen = set()

        def read(element, parent):
            page = parent.page if parent else None
            if "/Pg" in element:
                page = self.page_of.get(element.Pg.objgen, page)
            node = _Node(element, str(element.S)[1:], page, parent,
                         source=int(element[SOURCE]) if SOURCE in element else None)
            self.nodes.append(node)
            for kid in _raw_kids(element):
                if isinstance(kid, int):
                    node.kids.append(("mcid", (page, int(kid))))
                elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                    mcr_page = self.page_of.get(kid.Pg.objgen) if "/Pg" in kid else page
                    node.kids.append(("mcid", (mcr_page, int(kid.MCID))))
                elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid \
                        and kid.objgen not in seen:
                    seen.add(kid.objgen)
                    node.kids.append(("node", read(kid, node)))
                else:
                    node.kids.append(("other", kid))
            return node

        for kid in _raw_kids(self.root):
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                seen.add(kid.objgen)
                read(kid, None)
        #: (page, mcid) -> the element whose kid it is.
        self.owner = {item: node for node in self.nodes
                      for kind, item in node.kids if kind == "mcid"}

    def of_type(self, *types: str) -> list[_Node]:
        return [node for node in self.nodes if node.type in types]

    def rewrite_kids(self, node: _Node) -> None:
        """Write ``node.kids`` back into the element's /K, and itself as its kids' parent."""
        node.element.K = pikepdf.Array([self._raw(node, kind, kid) for kind, kid in node.kids])
        for kind, kid in node.kids:
            if kind == "node":
                kid.element.P = node.element

    def join_continuations(self) -> None:
        """One structure element for each element of the HTML.

        WeasyPrint makes one element per page of a paragraph that runs over a page turn, of
        a list, of the chapter's section, and one per line of a link or an emphasis broken
        over lines. Once their parents are joined, the pieces of one source are adjacent
        siblings: each is joined into the first, its marked content and kids in order.
        A table's header row that WeasyPrint repeats on the next page is left out of the
        tree: its marked content becomes a pagination artifact, read once.
        """
        changed = False

        def join(node: _Node) -> None:
            nonlocal changed
            kept: list = []
            for kind, kid in node.kids:
                previous = kept[-1][1] if kept and kept[-1][0] == "node" else None
                if kind == "node" and previous is not None and kid.source is not None \
                        and previous.source == kid.source and previous.type == kid.type:
                    previous.kids.extend(kid.kids)
                    changed = True
                elif kind == "node" and kid.type == "THead" and kid.source is not None \
                        and any(k == "node" and n.source == kid.source for k, n in kept):
                    changed = True  # a repeated header
                    for item in kid.items():
                        self.artifacts[item] = pikepdf.Dictionary(Type=Name.Pagination)
                else:
                    kept.append((kind, kid))
            if len(kept) != len(node.kids):
                node.kids = kept
            for kind, kid in kept:
                if kind == "node":
                    join(kid)

        tops = [node for node in self.nodes if node.parent is None]
        for top in tops:
            join(top)
        if changed:
            todo = tops
            while todo:
                node = todo.pop()
                self.rewrite_kids(node)
                todo.extend(node.children)
            self.read_tree()

    def join_link_annotations(self) -> None:
        """One annotation per link and page, so that a link is one tab stop.

        A link broken over two lines, or a contents entry (its title, leader and page number
        are three boxes), has one annotation per box: the first of a page takes the others'
        areas as /QuadPoints (ISO 32000-1 Table 173) and its /Rect grows to hold them.
        """
        for node in self.of_type("Link"):
            by_page: dict[int, list] = {}
            for kind, kid in node.kids:
                if kind == "other" and isinstance(kid, pikepdf.Dictionary) \
                        and kid.get("/Type") == Name.OBJR and "/Pg" in kid:
                    by_page.setdefault(self.page_of.get(kid.Pg.objgen), []).append(kid)
            dropped = set()
            for page, references in by_page.items():
                if len(references) < 2 or page is None:
                    continue
                kept = references[0].Obj
                rects = [[float(x) for x in r.Obj.Rect] for r in references]
                quads = []
                for x1, y1, x2, y2 in rects:
                    left, right = min(x1, x2), max(x1, x2)
                    bottom, top = min(y1, y2), max(y1, y2)
                    quads += [left, bottom, right, bottom, right, top, left, top]
                kept.Rect = pikepdf.Array([min(min(r[0], r[2]) for r in rects),
                                           min(min(r[1], r[3]) for r in rects),
                                           max(max(r[0], r[2]) for r in rects),
                                           max(max(r[1], r[3]) for r in rects)])
                kept.QuadPoints = pikepdf.Array(quads)
                gone = {r.Obj.objgen for r in references[1:]}
                dropped |= {r.objgen for r in references[1:]}
                annots = self.pages[page].obj.get("/Annots")
                if annots is not None:
                    self.pages[page].obj.Annots = pikepdf.Array(
                        [a for a in annots if a.objgen not in gone])
            if dropped:
                node.kids = [(kind, kid) for kind, kid in node.kids
                             if not (kind == "other" and isinstance(kid, pikepdf.Dictionary)
                                     and kid.objgen in dropped)]
                self.rewrite_kids(node)

    def mark_word_breaks(self, sources: list[Source]) -> None:
        """What a line end takes from the words, a reader gets back (ISO 32000-1 14.8.2).

        WeasyPrint draws a line end as nothing and a hyphen that hyphenation added as an
        ordinary hyphen, so the text runs "interior" + "life" together and reads "inti-macy".
        Each block's pieces of text are followed through its HTML source: where the source
        has a space that the drawn text lacks, the last character before it gets an
        /ActualText with the space (14.8.2.5); a hyphen the source does not have is
        /ActualText U+00AD, a soft hyphen (14.8.2.2.3). Between a piece of generated text
        (a contents entry's page number) and its neighbour, an artifact (the leader) also
        stands for a space.
        """
        if not sources:
            return
        for node in self.nodes:
            if node.source is None or not sources[node.source].lines:
                continue
            pieces, gap = [], False
            for item in node.items():
                mark = self.mark(item)
                if mark is None or not mark.shown:
                    continue
                if item in self.artifacts:
                    gap = True
                    continue
                pieces.append((item, mark.text, gap))
                gap = False
            for item, fix in _word_breaks(sources[node.source].text, pieces):
                self.text_fixes[item] = fix

    def state_actual_texts(self) -> None:
        """The /ActualText of each element whose text a fix changes (``mark_word_breaks``).

        The element that holds the fixed text says it too, for a reader that takes
        /ActualText from structure elements only; not an element with elements inside (a
        paragraph with a link or a phrase in another language), whose /ActualText would
        hide them from every reader.
        """
        for owner in {self.owner[item] for item in self.text_fixes if item in self.owner}:
            if owner.children:
                continue
            owner.element.ActualText = pikepdf.String("".join(
                _fixed(self.mark(item).text, self.text_fixes.get(item))
                for item in owner.items()
                if item not in self.artifacts and self.mark(item) is not None))

    def tag_code_and_figures(self, sources: list[Source]) -> None:
        """A code block is one Code element (ISO 32000-1 Table 338) holding its marked
        content in order: WeasyPrint makes it NonStruct elements, one per line and token.
        Each of its lines but the last reads with a space after it, which the page does
        not draw. Code in the text is a Code element too. A figure (``<figure>``,
        WeasyPrint's NonStruct) is a Div grouping the Figure (the image, with its
        alternative text) and its Caption. A scene break's asterisks are a layout artifact."""
        if not sources:
            return
        changed = False
        for node in list(self.nodes):
            source = sources[node.source] if node.source is not None else None
            if source is None or source.kind not in ("code", "code-inline", "figure",
                                                     "ornament") \
                    or (node.parent is not None and node.parent.source == node.source):
                continue
            if source.kind == "ornament":
                # A scene break's asterisks are layout, not text (ISO 14289-1 7.1).
                for item in node.items():
                    self.artifacts[item] = pikepdf.Dictionary(Type=Name.Layout)
                if node.parent is not None:
                    node.parent.kids = [(kind, kid) for kind, kid in node.parent.kids
                                        if kid is not node]
                    self.rewrite_kids(node.parent)
                changed = True
                continue
            if source.kind in ("figure", "code-inline"):
                node.element.S = Name.Div if source.kind == "figure" else Name.Code
                if source.kind == "figure" and self._unwrap_figures(node):
                    changed = True
                continue
            lines = [kid for kid in _descendants(node) if kid.source is not None
                     and sources[kid.source].kind == "code-line"]
            for line in lines[:-1]:
                shown = [item for item in line.items() if item not in self.artifacts
                         and self.mark(item) is not None and self.mark(item).shown
                         and self.mark(item).text]
                if shown and not self.mark(shown[-1]).text[-1:].isspace():
                    self.text_fixes.setdefault(shown[-1], "space")
            node.element.S = Name.Code
            node.kids = [("mcid", item) for item in node.items()]
            self.rewrite_kids(node)
            changed = True
        if changed:
            self.read_tree()

    def tag_parts(self, sources: list[Source]) -> None:
        """A part of the book (``role="doc-part"``, its title page and its chapters) is a
        Part element (ISO 32000-1 Table 333): WeasyPrint makes every ``section`` a Sect."""
        for node in self.nodes:
            if node.source is not None and sources and sources[node.source].kind == "part":
                node.element.S = Name.Part

    def mark(self, item: tuple[int, int]) -> _Mark | None:
        return self.content[item[0]][1].get(item[1]) if item[0] is not None else None

    def text(self, node: _Node, *, spaced: bool = True, artifacts: bool = False) -> str:
        """The element's text; with ``spaced``, a space where it goes on to another line."""
        out, last_line = "", None
        for item in node.items():
            mark = self.mark(item)
            if mark is None or (item in self.artifacts and not artifacts):
                continue
            for baseline, text in mark.lines:
                if spaced and last_line is not None and (item[0], baseline) != last_line \
                        and out and not out.endswith((" ", "-", "\u00ad")):
                    out += " "
                out += text
                last_line = (item[0], baseline)
        return " ".join(out.split()) if spaced else out

    # --- the fixes ------------------------------------------------------------------------

    def merge_nested_links(self) -> None:
        """``<a>`` and its ``::after`` boxes: one Link element with every part and annotation.

        An annotation WeasyPrint files under the link's inline markup, however deep
        (``<a><em>…</em></a>``, ``<a><span>…<wbr></span></a>``), moves up to the Link too
        (Matterhorn 28-011).
        """
        def is_annotation(kind, kid) -> bool:
            return kind == "other" and isinstance(kid, pikepdf.Dictionary) \
                and kid.get("/Type") == Name.OBJR

        def holds_annotations(node) -> bool:
            return any(is_annotation(kind, kid) or (kind == "node" and holds_annotations(kid))
                       for kind, kid in node.kids)

        def pull(node) -> list:
            """The annotations of ``node`` and its descendants, taken out of them."""
            pulled = [k for k in node.kids if is_annotation(*k)]
            for kind, kid in node.kids:
                if kind == "node":
                    pulled += pull(kid)
            if any(is_annotation(*k) for k in node.kids):
                node.element.K = pikepdf.Array([self._raw(node, *k) for k in node.kids
                                                if not is_annotation(*k)])
            return pulled

        def flatten(node) -> list:
            kids = []
            for kind, kid in node.kids:
                if kind == "node" and kid.type == "Link":
                    kids.extend(flatten(kid))
                elif kind == "node":
                    kids.append((kind, kid))
                    kids.extend(pull(kid))
                else:
                    kids.append((kind, kid))
            return kids

        changed = False
        for node in self.of_type("Link"):
            if node.parent is not None and node.parent.type == "Link":
                continue
            if any(kind == "node" and (kid.type == "Link" or holds_annotations(kid))
                   for kind, kid in node.kids):
                kids = flatten(node)
                for kind, kid in kids:
                    if kind == "node":
                        kid.element.P = node.element
                node.element.K = pikepdf.Array([self._raw(node, kind, kid) for kind, kid in kids])
                changed = True
        if changed:
            self.read_tree()

    def wrap_list_item_bodies(self) -> None:
        """An LI holds Lbl and LBody only (ISO 32000-1 Table 336); WeasyPrint puts the blocks
        of ``<li><p>…</p></li>`` (the notes) straight into the LI: they go into an LBody."""
        changed = False
        for node in self.of_type("LI"):
            loose = [(kind, kid) for kind, kid in node.kids
                     if not (kind == "node" and kid.type in ("Lbl", "LBody"))]
            if not loose:
                continue
            body = self.pdf.make_indirect(pikepdf.Dictionary(
                Type=Name.StructElem, S=Name.LBody, P=node.element,
                K=pikepdf.Array([self._raw(node, kind, kid) for kind, kid in loose])))
            if node.page is not None:
                body.Pg = self.pages[node.page].obj
            for kind, kid in loose:
                if kind == "node":
                    kid.element.P = body
            node.element.K = pikepdf.Array(
                [self._raw(node, kind, kid) for kind, kid in node.kids
                 if (kind, kid) not in loose] + [body])
            changed = True
        if changed:
            self.read_tree()

    def tag_notes(self, sources: list[Source]) -> None:
        """PDF/UA-1 (ISO 14289-1 7.9): each note a Note with a unique /ID, each note
        reference a Reference around its Link. WeasyPrint makes the notes list L > LI: it
        becomes a Div of Notes, each holding its label and its paragraphs."""
        changed = self._footnotes_in_place(sources)
        for node in list(self.nodes):
            source = sources[node.source] if node.source is not None and sources else None
            if source is None:
                continue
            if source.kind == "note" and node.type == "LI":
                node.element.S = Name.Note
                node.element.ID = pikepdf.String(f"note-{source.id or node.source}")
                node.kids = [item for kind, kid in node.kids
                             for item in (kid.kids if kind == "node" and kid.type == "LBody"
                                          else [(kind, kid)])]
                for kind, kid in node.kids:
                    if kind == "node" and kid.type == "Lbl":  # Lbl belongs to an LI
                        kid.element.S = Name.Span
                self.rewrite_kids(node)
                if node.parent is not None and node.parent.type == "L":
                    node.parent.element.S = Name.Div
                    if "/A" in node.parent.element:
                        del node.parent.element["/A"]
                changed = True
            elif source.kind == "noteref" and node.type == "Link" \
                    and node.parent is not None and node.parent.type != "Reference":
                reference = self.pdf.make_indirect(pikepdf.Dictionary(
                    Type=Name.StructElem, S=Name.Reference, P=node.parent.element,
                    K=pikepdf.Array([node.element])))
                if node.page is not None:
                    reference.Pg = self.pages[node.page].obj
                node.parent.kids = [("node", _Node(reference, "Reference", node.page,
                                                   node.parent))
                                    if kind == "node" and kid is node else (kind, kid)
                                    for kind, kid in node.parent.kids]
                self.rewrite_kids(node.parent)
                node.element.P = reference
                changed = True
        if changed:
            self.read_tree()

    def _unwrap_figures(self, node: _Node) -> bool:
        """A figure's Div holds its Figure and Caption themselves: WeasyPrint wraps the
        image in a NonStruct of its own (the image's line), which tells a reader nothing."""
        kids, unwrapped = [], False
        for kind, kid in node.kids:
            if kind == "node" and kid.type == "NonStruct" and kid.kids \
                    and all(k == "node" and grand.type == "Figure" for k, grand in kid.kids):
                kids.extend(kid.kids)
                unwrapped = True
            else:
                kids.append((kind, kid))
        if unwrapped:
            node.kids = kids
            self.rewrite_kids(node)
        return unwrapped

    def _footnotes_in_place(self, sources: list[Source]) -> bool:
        """A footnote (``float: footnote``) is a Note with a unique /ID where its reference
        is: WeasyPrint leaves an empty element there and tags the note's text in the
        page's footnote area, after everything else on the page. The note moves to its
        place, so that it is read after its reference (ISO 14289-1 7.9), and the area's
        elements it leaves empty go."""
        if not sources:
            return False
        bodies = {}
        for node in self.nodes:
            source = sources[node.source] if node.source is not None else None
            if source is not None and source.kind == "note" and node.type != "LI" \
                    and source.id and node.items() \
                    and not (node.parent is not None and node.parent.source == node.source):
                bodies.setdefault(source.id, node)
        # Where the note was in the text: an element of the same id with nothing drawn.
        places = {}
        for node in self.nodes:
            source = sources[node.source] if node.source is not None else None
            if source is not None and source.id in bodies and not node.items() \
                    and node is not bodies[source.id]:
                places.setdefault(source.id, node)
        moved = False
        for key, body in bodies.items():
            place = places.get(key)
            if place is None or place.parent is None or body.parent is None:
                continue
            old_parent = body.parent
            old_parent.kids = [(kind, kid) for kind, kid in old_parent.kids if kid is not body]
            self.rewrite_kids(old_parent)
            parent = place.parent
            parent.kids = [("node", body) if kind == "node" and kid is place else (kind, kid)
                           for kind, kid in parent.kids]
            self.rewrite_kids(parent)
            body.element.S = Name.Note
            body.element.ID = pikepdf.String(f"note-{key}")
            empty = old_parent
            while empty is not None and not empty.kids and empty.parent is not None:
                empty.parent.kids = [(kind, kid) for kind, kid in empty.parent.kids
                                     if kid is not empty]
                self.rewrite_kids(empty.parent)
                empty = empty.parent
            moved = True
        if moved:
            self.read_tree()
        return moved

    def _raw(self, node: _Node, kind: str, kid):
        """A kid as it goes into /K of ``node``."""
        if kind == "node":
            return kid.element
        if kind == "mcid":
            page, mcid = kid
            if page == node.page:
                return mcid
            return pikepdf.Dictionary(Type=Name.MCR, Pg=self.pages[page].obj, MCID=mcid)
        return kid

    def mark_margin_boxes_as_pagination(self) -> list[str | None]:
        """#1836: MCIDs no element of the tree claims are the margin boxes': Pagination artifacts.

        Returns the folio printed on each page (the text of its footer), or None.
        """
        folios: list[str | None] = [None] * len(self.pages)
        for page, (_, marks) in enumerate(self.content):
            box = self.pages[page].mediabox
            middle = (float(box[1]) + float(box[3])) / 2
            for mcid in sorted(marks):
                if (page, mcid) in self.owner or (page, mcid) in self.artifacts:
                    continue
                mark = marks[mcid]
                properties = pikepdf.Dictionary(Type=Name.Pagination)
                if mark.origin is not None:
                    header = mark.origin[1] > middle
                    properties.Subtype = Name.Header if header else Name.Footer
                    properties.Attached = pikepdf.Array([Name.Top if header else Name.Bottom])
                    if not header and mark.text.strip():
                        folios[page] = (folios[page] or "") + mark.text.strip()
                self.artifacts[(page, mcid)] = properties
        return folios

    def mark_leaders_as_layout(self) -> None:
        """The dots of ``leader()`` in a link (a contents entry) are decoration."""
        for node in self.of_type("Link"):
            items = [item for kind, item in node.kids if kind == "mcid" and self.mark(item)]
            dots = [item for item in items if LEADER_RE.fullmatch(self.mark(item).text)]
            if len(dots) < len(items):  # a link of dots alone ("…") keeps them
                for item in dots:
                    self.artifacts[item] = pikepdf.Dictionary(Type=Name.Layout)

    @staticmethod
    def _link_target(node: _Node) -> tuple[str, str] | None:
        for annotation in node.annotations():
            if "/Dest" in annotation:
                dest = annotation.Dest
                return ("internal", str(dest) if isinstance(dest, pikepdf.String) else "")
            action = annotation.get("/A")
            if isinstance(action, pikepdf.Dictionary) and "/URI" in action:
                return ("external", str(action.URI))
        return None

    def describe_links(self, book: Book) -> None:
        """Each link annotation gets ``/Contents``: the link's words, or where it leads."""
        order: dict[tuple[int, int], int] = {}  # reading order of the marked content
        for node in self.nodes:
            if node.parent is None:
                for item in node.items():
                    order.setdefault(item, len(order))
        # A link broken across lines is one Link element per line: they share a description.
        runs: list[list[_Node]] = []
        last = None
        for node in self.of_type("Link"):
            positions = [order[i] for i in node.items() if i in order]
            target = self._link_target(node)
            if runs and positions and last is not None and min(positions) == last + 1 \
                    and target == self._link_target(runs[-1][-1]):
                runs[-1].append(node)
            else:
                runs.append([node])
            last = max(positions) if positions else None
        citations = {cite: (index, len(ref.cited_by)) for ref in book.references
                     for index, cite in enumerate(ref.cited_by, start=1)}
        headings = {h.id: h.text for c in book.divisions for h in c.headings} | {
            p.id: p.title for p in book.parts}
        written = _manuscript_links(book)
        for run in runs:
            # With the leader dots, which tell a contents entry's title from its page.
            text = " ".join(" ".join(self.text(n, artifacts=True) for n in run).split())
            target = self._link_target(run[0])
            # The manuscript's own label of the link (aria-label, title), else its words as
            # the manuscript has them, without the hyphens of line breaks.
            words, label = next(((w, label) for w, label in written.get(target, ())
                                 if _squash(w) == _squash(text)), (text, None))
            description = pikepdf.String(
                label or _description(words, target, citations, headings))
            for node in run:
                for annotation in node.annotations():
                    annotation.Contents = description

    def add_languages(self, book: Book) -> None:
        """``/Lang`` on each element the manuscript writes in another language than the book."""
        wanted = _foreign_phrases(book)
        if not wanted:
            return
        types = {pdf_type for pdf_type, _ in wanted}
        candidates = {t: self.of_type(t) for t in types}
        squashed = {node: _squash(self.text(node, spaced=False))
                    for nodes in candidates.values() for node in nodes}
        for (pdf_type, text), languages in wanted.items():
            nodes = candidates[pdf_type]
            runs = _runs(nodes, [squashed[n] for n in nodes], text)
            if len(set(languages)) == 1:
                chosen = [(run, languages[0]) for run in runs]
            elif len(runs) >= len(languages):
                # The same words appear in the book's language too: the chapters' occurrences,
                # in order, are the last ones (the contents come first).
                chosen = list(zip(runs[len(runs) - len(languages):], languages))
            else:
                chosen = []
            for run, language in chosen:
                if language is not None:
                    for node in run:
                        node.element.Lang = pikepdf.String(language)

    def add_table_header_scopes(self) -> None:
        """``/Scope`` on each TH: Row when only cells of its own row refer to it, else Column."""
        users: dict[str, set] = {}
        for node in self.of_type("TD"):
            for attributes in _attribute_dicts(node.element):
                for header in attributes.get("/Headers", []):
                    users.setdefault(str(header), set()).add(id(node.parent))
        for node in self.of_type("TH"):
            tables = [a for a in _attribute_dicts(node.element) if a.get("/O") == "/Table"]
            if any("/Scope" in a for a in tables):
                continue
            rows = users.get(str(node.element.get("/ID", "")), set())
            scope = Name.Row if rows and rows == {id(node.parent)} else Name.Column
            if tables:
                tables[0].Scope = scope
            else:
                _add_attributes(node.element, pikepdf.Dictionary(O=Name.Table, Scope=scope))

    def add_list_numbering(self) -> None:
        """``/ListNumbering`` on each L, from its labels."""
        for node in self.of_type("L"):
            if any(a.get("/O") == "/List" for a in _attribute_dicts(node.element)):
                continue
            labels = [self.text(label) for item in node.children if item.type == "LI"
                      for label in item.children if label.type == "Lbl"]
            numbering = "/None"
            if labels:
                for pattern, name in LIST_NUMBERING:
                    if all(pattern.fullmatch(label) for label in labels):
                        numbering = name
                        break
            _add_attributes(node.element, pikepdf.Dictionary(
                O=Name.List, ListNumbering=Name(numbering)))

    # --- writing ------------------------------------------------------------------------

    def commit(self) -> None:
        """Rewrite the content streams (artifacts, MCIDs from 0) and rebuild the parent tree."""
        renumber: dict[int, dict[int, int]] = {}
        for page_index, (page, (instructions, marks)) in enumerate(
                zip(self.pages, self.content)):
            numbers: dict[int, int] = {}
            changed = False
            for index in sorted(mark.bdc for mark in marks.values()):
                operands, operator = instructions[index]
                old = int(operands[1].MCID)
                artifact = self.artifacts.get((page_index, old))
                if artifact is not None:
                    operands = [Name.Artifact, artifact]
                else:
                    numbers[old] = len(numbers)
                    if numbers[old] == old:
                        continue
                    operands = [operands[0], pikepdf.Dictionary(MCID=numbers[old])]
                instructions[index] = pikepdf.ContentStreamInstruction(operands, operator)
                changed = True
            renumber[page_index] = numbers
            fixes = {mark.shown[-1][3]: (mark.shown[-1][1], self.text_fixes[(page_index, mcid)])
                     for mcid, mark in marks.items()
                     if (page_index, mcid) in self.text_fixes and mark.shown}
            if fixes:
                instructions = _with_actual_text(instructions, fixes)
                changed = True
            if changed:
                page.obj.Contents = self.pdf.make_stream(
                    pikepdf.unparse_content_stream(instructions))
        parents: dict[int, list] = {index: [None] * len(numbers)
                                    for index, numbers in renumber.items()}
        annotations: dict[int, _Node] = {}
        for node in self.nodes:
            kids, changed = [], False
            for kind, kid in node.kids:
                if kind == "mcid" and kid[0] in renumber:
                    page, old = kid
                    new = renumber[page].get(old)
                    changed |= new != old
                    if new is None:
                        continue  # an artifact now
                    parents[page][new] = node.element
                    kid = (page, new)
                elif kind == "other" and isinstance(kid, pikepdf.Dictionary) \
                        and kid.get("/Type") == "/OBJR" and "/StructParent" in kid.Obj:
                    annotations[int(kid.Obj.StructParent)] = node
                kids.append((kind, kid))
            if changed:
                node.element.K = pikepdf.Array([self._raw(node, kind, kid) for kind, kid in kids])
        entries = {}
        for page_index, elements in parents.items():
            if None in elements:
                raise ValueError(f"page {page_index + 1}: MCID {elements.index(None)} of the "
                                 "content is in no element of the structure tree")
            key = self.pages[page_index].obj.get("/StructParents")
            if key is not None:
                entries[int(key)] = pikepdf.Array(elements)
        entries.update((key, node.element) for key, node in annotations.items())
        tree = self.root.ParentTree
        for key in ("/Kids", "/Limits"):
            if key in tree:
                del tree[key]
        tree.Nums = pikepdf.Array([x for key in sorted(entries) for x in (key, entries[key])])
        self.root.ParentTreeNextKey = max(entries, default=-1) + 1
        # The labels of pdf_sources are the build's own, not PDF: none is left in the file.
        for obj in self.pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and SOURCE in obj:
                del obj[SOURCE]


# --- helpers ------------------------------------------------------------------------------

#: What hyphenation puts at a line end: the hyphen-minus, or U+2010 HYPHEN.
ADDED_HYPHENS = ("-", "\u2010")
#: How far ahead in the source a piece of text is looked for, when it is not where expected.
RESYNC = 200


def _word_breaks(source: str, pieces: list[tuple[object, str, bool]]) -> list[tuple[object, str]]:
    """Where the drawn pieces of a block lose a space or gain a hyphen against its source.

    ``pieces``: (key, drawn text, whether an artifact comes just before it), in reading
    order. Returns (key, "space") for a piece whose last character must read with a space
    after it, and (key, "hyphen") for one whose last character is a hyphen that line
    breaking added. A piece not found in the source is generated text (a page number).
    """
    # Everything is compared in one text: soft hyphens out, any run of white space
    # (a no-break space too) one space, case folded ("ß" folds to "ss", so offsets are
    # taken in the folded text, never carried over to the original).
    source = _folded(source)
    fixes, cursor = [], 0
    for index, (key, drawn, _) in enumerate(pieces):
        core = _folded(drawn)
        if not core:
            continue
        start = cursor
        while start < len(source) and source[start] == " ":
            start += 1
        matched = False
        if source.startswith(core, start):
            cursor, matched = start + len(core), True
        elif core.endswith(ADDED_HYPHENS) and source.startswith(core[:-1], start) \
                and start + len(core) - 1 < len(source) \
                and source[start + len(core) - 1].isalnum():
            cursor = start + len(core) - 1
            fixes.append((key, "hyphen"))
            continue
        elif len(core) >= 4:
            found = source.find(core, start, start + RESYNC + len(core))
            if found >= 0:
                cursor, matched = found + len(core), True
        if index + 1 == len(pieces):
            continue
        following, gap = pieces[index + 1][1], pieces[index + 1][2]
        if drawn[-1:].isspace() or following[:1].isspace():
            continue
        # Text the styles generate (a page number after a contents entry's title, a label
        # before it) is a word of its own next to the source's.
        generated_after = not _found(source, following, cursor) and cursor >= len(source) \
            and following.strip()[:1].isalnum()
        generated_before = not matched and cursor == 0 and core[-1:].isalnum()
        # Generated text inside the block (a cross-reference's page number) before a space
        # of the source, at a line end: the space is the source's.
        generated_inside = not matched and cursor > 0 and source[cursor:cursor + 1] == " " \
            and _found(source, following, cursor)
        if gap or generated_after or generated_before or generated_inside \
                or (matched and source[cursor:cursor + 1] == " "):
            fixes.append((key, "space"))
    return fixes



def _fixed(text: str, fix: str | None) -> str:
    """A piece's text as it reads with its fix (``_word_breaks``)."""
    if fix == "space":
        return text + " "
    if fix == "hyphen":
        return text[:-1] + "\u00ad"
    return text


def _folded(text: str) -> str:
    """``text`` as ``_word_breaks`` compares it: no soft hyphen, white space one space,
    case folded."""
    return " ".join(text.replace("\u00ad", "").split()).casefold()


def _found(folded_source: str, drawn: str, cursor: int) -> bool:
    """Whether ``drawn`` comes next in the source, from ``cursor`` on, spaces aside."""
    core = _folded(drawn)
    rest = folded_source[cursor:].lstrip(" ")
    return bool(core) and (rest.startswith(core) or (
        core.endswith(ADDED_HYPHENS) and rest.startswith(core[:-1])))


def _with_actual_text(instructions: list, fixes: dict[int, tuple]) -> list:
    """``instructions`` with the last character shown by each fixed operator in a marked
    sequence ``/Span <</ActualText …>>``: itself and a space, or a soft hyphen.

    ``fixes``: index of a Tj/TJ operator -> (its font's decoder, "space" or "hyphen").
    """
    out = []
    for index, instruction in enumerate(instructions):
        if index not in fixes or str(instruction.operator) not in ("Tj", "TJ"):
            out.append(instruction)
            continue
        decode, fix = fixes[index]
        operand = instruction.operands[-1]
        strings = list(operand) if isinstance(operand, pikepdf.Array) else [operand]
        last = max((i for i, s in enumerate(strings)
                    if isinstance(s, pikepdf.String) and len(bytes(s)) >= decode.width),
                   default=None)
        if last is None:
            out.append(instruction)
            continue
        data = bytes(strings[last])
        head, tail = data[:-decode.width], data[-decode.width:]
        actual = "\u00ad" if fix == "hyphen" else decode(tail) + " "
        before = strings[:last] + ([pikepdf.String(head)] if head else [])
        if any(isinstance(s, pikepdf.String) for s in before):
            out.append(pikepdf.ContentStreamInstruction([pikepdf.Array(before)],
                                                        pikepdf.Operator("TJ")))
        out += [
            pikepdf.ContentStreamInstruction(
                [Name.Span, pikepdf.Dictionary(ActualText=pikepdf.String(actual))],
                pikepdf.Operator("BDC")),
            pikepdf.ContentStreamInstruction(
                [pikepdf.Array([pikepdf.String(tail)] + strings[last + 1:])],
                pikepdf.Operator("TJ")),
            pikepdf.ContentStreamInstruction([], pikepdf.Operator("EMC")),
        ]
    return out


def _description(text: str, target, citations: dict, headings: dict) -> str:
    kind, where = target or ("", "")
    # A contents entry: the heading's words, then its page however the styles print it
    # (a leader, " — page 7" …).
    page = re.search(r"([0-9]+|[ivxlcdm]+)\s*$", text, re.IGNORECASE)
    if kind == "internal" and where in headings and page \
            and _squash(text).startswith(_squash(headings[where])) \
            and _squash(text) != _squash(headings[where]):
        return f"{headings[where]}, page {page[1]}"
    entry = CONTENTS_ENTRY_RE.fullmatch(text)
    if entry:
        return f"{entry['title'].strip()}, page {entry['page']}"
    if sum(char.isalpha() for char in text) >= 2:
        return text
    # Words too few to tell where the link goes ("↑2"): say it, in the templates' words.
    if kind == "internal" and where in citations:
        index, count = citations[where]
        return f"Back to citation {index}" + (f" of {count}" if count > 1 else "")
    if kind == "internal" and where in headings:
        return f"Go to {headings[where]}"
    if kind == "external":
        return where
    return " ".join(filter(None, [text, where])) or "Link"


def _attribute_dicts(element) -> list:
    attributes = element.get("/A")
    if isinstance(attributes, pikepdf.Dictionary):
        return [attributes]
    if isinstance(attributes, pikepdf.Array):
        return [a for a in attributes if isinstance(a, pikepdf.Dictionary)]
    return []


def _add_attributes(element, attributes: pikepdf.Dictionary) -> None:
    existing = element.get("/A")
    if existing is None:
        element.A = attributes
    elif isinstance(existing, pikepdf.Array):
        existing.append(attributes)
    else:
        element.A = pikepdf.Array([existing, attributes])


def _chapter_trees(book: Book):
    for chapter in book.divisions:
        yield lxml.html.fragment_fromstring(chapter.html, create_parent="div")


def _foreign_phrases(book: Book) -> dict[tuple[str, str], list[str | None]]:
    """(PDF type, squashed text) -> the language each occurrence in the chapters switches to.

    Only keys with at least one occurrence in another language are kept; an occurrence that
    does not change the language (the book's, or its parent's) is ``None``.
    """
    occurrences: dict[tuple[str, str], list[str | None]] = {}

    def walk(element, inherited, root):
        declared = (element.get("lang") or element.get("xml:lang") or "").strip()
        language = declared or inherited
        if element is not root:
            key = (HTML_TO_PDF.get(element.tag, "NonStruct"),
                   _squash(element.text_content()))
            if key[1]:
                occurrences.setdefault(key, []).append(
                    language if language != inherited else None)
        for child in element:
            if isinstance(child.tag, str):
                walk(child, language, root)

    for root in _chapter_trees(book):
        walk(root, book.metadata.language, root)
    return {key: languages for key, languages in occurrences.items() if any(languages)}


def _manuscript_links(book: Book) -> dict[tuple[str, str], list[tuple[str, str | None]]]:
    """(words, label) of each link of the chapters, by target (as ``_link_target`` names it).

    The label is the link's ``aria-label`` or ``title``, when it has one.
    """
    links: dict[tuple[str, str], list[tuple[str, str | None]]] = {}
    for root in _chapter_trees(book):
        for link in root.iter("a"):
            href = link.get("href") or ""
            target = ("internal", href[1:]) if href.startswith("#") else ("external", href)
            label = " ".join((link.get("aria-label") or link.get("title") or "").split())
            links.setdefault(target, []).append(
                (" ".join(link.text_content().split()), label or None))
    return links


def _runs(candidates: list, texts: list[str], target: str) -> list[list]:
    """Runs of consecutive candidates whose texts, joined, are ``target``.

    An element broken across lines or pages is one element per line or page.
    """
    runs, index = [], 0
    while index < len(candidates):
        joined, end = "", index
        while end < len(candidates) and texts[end] and target.startswith(joined + texts[end]):
            joined += texts[end]
            end += 1
            if joined == target:
                break
        if joined == target and end > index:
            runs.append(candidates[index:end])
            index = end
        else:
            index += 1
    return runs


# --- page labels --------------------------------------------------------------------------

_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}


def _roman_value(text: str) -> int:
    values = [_ROMAN[char] for char in text]
    return sum(-v if i + 1 < len(values) and values[i + 1] > v else v
               for i, v in enumerate(values))


def _folio_value(folio: str | None) -> tuple[str, int] | None:
    if not folio:
        return None
    if folio.isdigit():
        return "/D", int(folio)
    if re.fullmatch(r"[ivxlcdm]+", folio):
        return "/r", _roman_value(folio)
    if re.fullmatch(r"[IVXLCDM]+", folio):
        return "/R", _roman_value(folio.lower())
    return None


def _page_labels(folios: list[str | None]) -> pikepdf.Dictionary:
    """Page-label ranges that give each page the folio printed on it.

    A page without a folio (title, copyright, a blank page) counts in the range of the next
    folio when it can, as front matter counts in print.
    """
    ranges: list[tuple[int, str, int]] = []  # (first page, style, number of that page)
    covered = 0  # pages before this one belong to an earlier range
    for page, folio in enumerate(folios):
        parsed = _folio_value(folio)
        if parsed is None:
            continue
        style, value = parsed
        if ranges:
            start, current, first = ranges[-1]
            if current == style and first + page - start == value:
                covered = page + 1
                continue
        start = max(covered, page - (value - 1))
        ranges.append((start, style, value - (page - start)))
        covered = page + 1
    if not ranges or ranges[0][0] != 0:
        ranges.insert(0, (0, "/D", 1))
    nums = []
    for start, style, first in ranges:
        label = pikepdf.Dictionary(S=Name(style))
        if first != 1:
            label.St = first
        nums += [start, label]
    return pikepdf.Dictionary(Nums=pikepdf.Array(nums))
