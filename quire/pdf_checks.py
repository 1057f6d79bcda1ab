"""The machine-checkable PDF/UA-1 points of the Matterhorn Protocol, run on a built PDF."""

from __future__ import annotations

import io
import itertools
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterator, NamedTuple

import pikepdf

from .report import CheckResult

#: What a check found: one line per problem; empty when the file passes.
Problems = tuple[str, ...]
#: (a, b, c, d, e, f), as in the ``cm`` and ``Tm`` operators.
Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
PAINTING = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh", "Do", "Tj", "TJ", "'", '"',
            "INLINE IMAGE"}
TEXT_SHOWING = {"Tj", "TJ", "'", '"'}
POSITIONING = {"q", "Q", "cm", "BT", "Tm", "TL", "Td", "TD", "T*", "'", '"'}
HEADINGS = {f"/H{n}": n for n in range(1, 7)}
#: ISO 32000-1 Table 337: the kids each table element may have.
TABLE_KIDS = {"/Table": {"/TR", "/THead", "/TBody", "/TFoot", "/Caption"},
              "/THead": {"/TR"}, "/TBody": {"/TR"}, "/TFoot": {"/TR"}, "/TR": {"/TH", "/TD"}}
ARTIFACT_TYPES = {"/Pagination", "/Layout", "/Page", "/Background"}
#: The edge a running head or a folio is attached to.
EDGES = {"/Header": "/Top", "/Footer": "/Bottom"}
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*")
#: A folio as printed: "12", "xii", "page 3", "page 3 of 8"; group 1 is the page's number.
FOLIO = re.compile(r"(?:(?i:page)\s+)?([0-9]+|[ivxlcdm]+|[IVXLCDM]+)(?:\s+(?i:of)\s+[0-9]+)?")
#: Problems listed in a check's result; its summary counts them all.
DETAILS = 10


# --- the structure tree -------------------------------------------------------------------


def _key(obj: object) -> tuple[int, int] | None:
    """An indirect object's identity; None for a direct one (it cannot be shared)."""
    if isinstance(obj, pikepdf.Object) and obj.is_indirect:
        return obj.objgen
    return None


def kids(node: pikepdf.Object) -> list:
    found = node.get("/K")
    if found is None:
        return []
    return list(found) if isinstance(found, pikepdf.Array) else [found]


def is_element(kid: object) -> bool:
    return isinstance(kid, pikepdf.Dictionary) and "/S" in kid


def elements(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every structure element reachable from the StructTreeRoot, in tree order."""
    found: list[pikepdf.Dictionary] = []
    seen: set[tuple[int, int]] = set()
    todo = list(reversed(kids(pdf.Root.get("/StructTreeRoot", pikepdf.Dictionary()))))
    while todo:
        node = todo.pop()
        key = _key(node)
        if not is_element(node) or key in seen:
            continue
        if key is not None:
            seen.add(key)
        found.append(node)
        todo.extend(reversed(kids(node)))
    return found


def parent_tree(pdf: pikepdf.Pdf) -> dict[int, pikepdf.Object]:
    """The ParentTree number tree, flattened: key -> element or array of elements."""
    entries: dict[int, pikepdf.Object] = {}
    root = pdf.Root.get("/StructTreeRoot", pikepdf.Dictionary())
    todo = [root.get("/ParentTree", pikepdf.Dictionary())]
    while todo:
        node = todo.pop()
        nums = node.get("/Nums", [])
        entries.update((int(nums[i]), nums[i + 1]) for i in range(0, len(nums) - 1, 2))
        todo.extend(node.get("/Kids", []))
    return entries


def page_indices(pdf: pikepdf.Pdf) -> dict[tuple[int, int], int]:
    return {page.obj.objgen: index for index, page in enumerate(pdf.pages)}


def attributes(element: pikepdf.Dictionary, owner: str) -> list[pikepdf.Dictionary]:
    """The element's attribute objects of one owner (``/Table``, ``/List`` …)."""
    found = element.get("/A")
    found = [found] if isinstance(found, pikepdf.Dictionary) else list(found or [])
    return [a for a in found if isinstance(a, pikepdf.Dictionary) and a.get("/O") == owner]


def headings(pdf: pikepdf.Pdf) -> list[int]:
    """The level of each numbered heading (H1–H6), in tree order."""
    return [HEADINGS[str(e.S)] for e in elements(pdf) if str(e.S) in HEADINGS]


def link_annotations(pdf: pikepdf.Pdf) -> Iterator[tuple[int, pikepdf.Dictionary]]:
    """(page index, annotation) of every link annotation."""
    for index, page in enumerate(pdf.pages):
        for annotation in page.obj.get("/Annots", []):
            if annotation.get("/Subtype") == "/Link":
                yield index, annotation


def fonts(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every font the pages use, their form XObjects' included."""
    found: list[pikepdf.Dictionary] = []
    seen: set[tuple[int, int] | None] = set()
    todo = [page.obj.get("/Resources", pikepdf.Dictionary()) for page in pdf.pages]
    while todo:
        resources = todo.pop()
        for font in resources.get("/Font", {}).values():
            if _key(font) is None or _key(font) not in seen:
                seen.add(_key(font))
                found.append(font)
        for xobject in resources.get("/XObject", {}).values():
            if xobject.get("/Subtype") == "/Form" and "/Resources" in xobject \
                    and _key(xobject) not in seen:
                seen.add(_key(xobject))
                todo.append(xobject.Resources)
    return found


# --- the page content ---------------------------------------------------------------------


@dataclass(eq=False)
class Sequence:
    """A marked-content sequence of a page: tag, properties, what it draws itself."""

    tag: str
    properties: pikepdf.Dictionary | None
    parent: Sequence | None
    text: str = ""
    #: With an MCID: the text drawn in it and in the sequences nested in it, in order.
    tagged_text: str = ""
    painted: int = 0
    #: The baseline of each text it shows, in default user space (y up).
    baselines: list[float] = field(default_factory=list)

    @property
    def mcid(self) -> int | None:
        if self.properties is not None and "/MCID" in self.properties:
            return int(self.properties.MCID)
        return None

    def ancestors(self) -> Iterator[Sequence]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def pagination(self) -> str | None:
        """The subtype of the pagination artifact it is part of ("" without one), or None."""
        for node in (self, *self.ancestors()):
            if node.tag == "/Artifact" and node.properties is not None \
                    and node.properties.get("/Type") == "/Pagination":
                return str(node.properties.get("/Subtype", ""))
        return None


@dataclass(frozen=True)
class PageContent:
    """What one page's content stream marks and draws."""

    sequences: tuple[Sequence, ...]
    #: Painting operators outside any marked-content sequence.
    outside: int
    #: Character codes no ToUnicode CMap maps, as "font:hex".
    unmapped: frozenset[str]
    #: BDC/BMC and EMC do not pair up.
    unbalanced: bool


#: Every page's content, read once and shared by the checks.
Pages = tuple[PageContent, ...]
#: Shared by the pages: a font's identity -> (its ToUnicode table, its code width in bytes).
FontTables = dict[object, tuple[dict[bytes, str], int]]


def _multiply(m: Matrix, n: Matrix) -> Matrix:
    """m × n: ``m`` applied first."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


def _to_unicode(font: pikepdf.Dictionary) -> dict[bytes, str]:
    """The font's ToUnicode CMap as code -> text (read here, not with the writer's reader)."""
    if "/ToUnicode" not in font:
        return {}
    cmap = font.ToUnicode.read_bytes().decode("latin-1")
    table = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.DOTALL):
        for code, text in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>", block):
            table[bytes.fromhex(code)] = bytes.fromhex(text).decode("utf-16-be", "replace")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.DOTALL):
        for low, high, text in re.findall(
                r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(<[0-9a-fA-F]*>|\[[^\]]*\])", block):
            table.update(_bfrange(low, high, text))
    return table


def _bfrange(low: str, high: str, target: str) -> dict[bytes, str]:
    width, first, last = len(low) // 2, int(low, 16), int(high, 16)
    codes = [(first + offset).to_bytes(width, "big") for offset in range(last - first + 1)]
    if target.startswith("["):
        texts = [bytes.fromhex(t) for t in re.findall(r"<([0-9a-fA-F]*)>", target)]
    else:
        start = bytes.fromhex(target[1:-1])
        texts = [start[:-2] + (int.from_bytes(start[-2:], "big") + offset).to_bytes(2, "big")
                 for offset in range(len(codes))]
    pairs = zip(codes, texts, strict=False)  # an array may be shorter than the range
    return {code: text.decode("utf-16-be", "replace") for code, text in pairs}


class _PageReader:
    """One pass over a page's content stream."""

    def __init__(self, page: pikepdf.Page, tables: FontTables):
        self.page = page
        resources = page.obj.get("/Resources", pikepdf.Dictionary())
        self.fonts = resources.get("/Font", pikepdf.Dictionary())
        self.properties = resources.get("/Properties", pikepdf.Dictionary())
        self.tables = tables
        self.sequences: list[Sequence] = []
        self.stack: list[Sequence] = []
        self.outside, self.unmapped, self.unbalanced = 0, set(), False
        self.font: tuple[str, dict[bytes, str], int] = ("", {}, 1)
        self.ctm, self.saved = IDENTITY, []
        self.text_matrix = self.line_matrix = IDENTITY
        self.leading = 0.0

    def read(self) -> PageContent:
        for operands, operator in pikepdf.parse_content_stream(self.page):
            self.step(operands, str(operator))
        return PageContent(tuple(self.sequences), self.outside, frozenset(self.unmapped),
                           self.unbalanced or bool(self.stack))

    def step(self, operands: list, op: str) -> None:
        if op in ("BDC", "BMC"):
            self.begin(operands, op)
        elif op == "EMC":
            self.unbalanced |= not self.stack
            if self.stack:
                self.stack.pop()
        elif op == "Tf":
            self.set_font(str(operands[0]))
        elif op in POSITIONING:
            self.position(operands, op)
        if op in PAINTING:
            self.paint(operands, op)

    def begin(self, operands: list, op: str) -> None:
        properties = operands[1] if op == "BDC" else None
        if properties is not None and not isinstance(properties, pikepdf.Dictionary):
            properties = self.properties.get(str(properties))
        sequence = Sequence(str(operands[0]), properties, self.stack[-1] if self.stack else None)
        self.sequences.append(sequence)
        self.stack.append(sequence)

    def set_font(self, name: str) -> None:
        font = self.fonts.get(name)
        if font is None:
            self.font = (name, {}, 1)
            return
        key = _key(font) or name
        if key not in self.tables:
            self.tables[key] = (_to_unicode(font), 2 if font.get("/Subtype") == "/Type0" else 1)
        self.font = (name, *self.tables[key])

    def position(self, operands: list, op: str) -> None:
        """The graphics and text state that says where text goes."""
        if op == "q":
            self.saved.append(self.ctm)
        elif op == "Q":
            self.ctm = self.saved.pop() if self.saved else IDENTITY
        elif op == "cm":
            self.ctm = _multiply(tuple(float(x) for x in operands), self.ctm)
        elif op in ("BT", "Tm"):
            self.text_matrix = self.line_matrix = (
                tuple(float(x) for x in operands) if op == "Tm" else IDENTITY)
        elif op == "TL":
            self.leading = float(operands[0])
        else:  # Td, TD, T*, ' and ": to the start of a line
            tx, ty = ((float(operands[0]), float(operands[1])) if op in ("Td", "TD")
                      else (0.0, -self.leading))
            self.leading = -ty if op == "TD" else self.leading
            self.text_matrix = self.line_matrix = _multiply((1, 0, 0, 1, tx, ty),
                                                            self.line_matrix)

    def paint(self, operands: list, op: str) -> None:
        if not self.stack:
            self.outside += 1
            return
        sequence = self.stack[-1]
        sequence.painted += 1
        if op in TEXT_SHOWING:
            text = self.decode(operands[-1])
            sequence.text += text
            sequence.baselines.append(_multiply(self.text_matrix, self.ctm)[5])
            tagged = next((s for s in reversed(self.stack) if s.mcid is not None), None)
            if tagged is not None:
                tagged.tagged_text += text

    def decode(self, shown: pikepdf.Object) -> str:
        name, table, width = self.font
        strings = shown if isinstance(shown, pikepdf.Array) else [shown]
        text = ""
        for string in strings:
            if not isinstance(string, pikepdf.String):
                continue
            data = bytes(string)
            for i in range(0, len(data), width):
                code = data[i:i + width]
                if code not in table:
                    self.unmapped.add(f"{name}:{code.hex()}")
                text += table.get(code, "\ufffd")
        return text


def read_content(pdf: pikepdf.Pdf) -> Pages:
    """Every page's marked content, parsed once for all the checks."""
    tables: FontTables = {}
    return tuple(_PageReader(page, tables).read() for page in pdf.pages)


def mcid_texts(pages: Pages) -> dict[tuple[int, int], str]:
    """(page index, MCID) -> the text that sequence shows."""
    return {(index, s.mcid): s.tagged_text for index, content in enumerate(pages)
            for s in content.sequences if s.mcid is not None}


def element_text(element: pikepdf.Dictionary, texts: dict[tuple[int, int], str],
                 indices: dict[tuple[int, int], int]) -> str:
    """The text of an element's marked content and its descendants', in order."""
    page = indices.get(element.Pg.objgen) if "/Pg" in element else None
    out = ""
    for kid in kids(element):
        if isinstance(kid, int):
            out += texts.get((page, int(kid)), "")
        elif is_element(kid):
            out += element_text(kid, texts, indices)
    return out


def pagination_texts(content: PageContent, subtype: str) -> list[str]:
    """The texts of a page's pagination artifacts of one subtype (``/Header``, ``/Footer``)."""
    return [" ".join(s.text.split()) for s in content.sequences
            if s.text.strip() and s.pagination() == subtype]


# --- 01: real content is tagged, everything else is an artifact ---------------------------


def structure_is_reachable(pdf: pikepdf.Pdf) -> Problems:
    """01-005: every structure element, and every one the parent tree names, is in the tree."""
    if "/StructTreeRoot" not in pdf.Root:
        return ("the document has no structure tree (no /StructTreeRoot)",)
    reachable = {_key(e) for e in elements(pdf)}
    problems = [f"structure element {o.get('/S')} {o.objgen[0]} {o.objgen[1]} R is not "
                "reachable from the StructTreeRoot" for o in pdf.objects
                if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/StructElem"
                and o.objgen not in reachable]
    for key, value in sorted(parent_tree(pdf).items()):
        parents = value if isinstance(value, pikepdf.Array) else [value]
        lost = sum(1 for p in parents if p is not None and _key(p) not in reachable)
        if lost:
            problems.append(f"parent tree entry {key} names {lost} element(s) not in the tree")
    return tuple(problems)


def _claimed_mcids(pdf: pikepdf.Pdf) -> tuple[dict[tuple[int, int], pikepdf.Dictionary],
                                               list[str]]:
    """(page index, MCID) -> the element of the tree whose kid it is; and the conflicts."""
    indices = page_indices(pdf)
    claimed: dict[tuple[int, int], pikepdf.Dictionary] = {}
    problems = []
    for element in elements(pdf):
        for kid in kids(element):
            if isinstance(kid, int):
                page, mcid = element.get("/Pg"), int(kid)
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR" \
                    and "/Stm" not in kid:
                page, mcid = kid.get("/Pg", element.get("/Pg")), int(kid.MCID)
            else:
                continue
            index = indices.get(page.objgen) if page is not None else None
            if index is None:
                problems.append(f"a {element.S} element holds MCID {mcid} of no page")
            elif (index, mcid) in claimed:
                problems.append(f"page {index + 1}: MCID {mcid} is in two elements")
            else:
                claimed[(index, mcid)] = element
    return claimed, problems


def _page_mcid_problems(index: int, page: pikepdf.Page, content: PageContent,
                        claimed: dict[tuple[int, int], pikepdf.Dictionary],
                        tree: dict[int, pikepdf.Object]) -> list[str]:
    mcids = [s.mcid for s in content.sequences if s.mcid is not None]
    problems = [f"page {index + 1}: MCID {m} is used {n} times"
                for m, n in sorted(Counter(mcids).items()) if n > 1]
    if not mcids:
        return problems
    key = page.obj.get("/StructParents")
    parents = tree.get(int(key)) if key is not None else None
    if not isinstance(parents, pikepdf.Array):
        return problems + [f"page {index + 1}: no parent tree entry for its marked content"]
    for mcid in sorted(set(mcids)):
        element = claimed.get((index, mcid))
        if element is None:
            problems.append(f"page {index + 1}: MCID {mcid} is in no element of the tree")
        elif mcid >= len(parents) or _key(parents[mcid]) != _key(element):
            problems.append(f"page {index + 1}: the parent tree names another element for "
                            f"MCID {mcid}")
    return problems


def marked_content_is_in_the_tree(pdf: pikepdf.Pdf, pages: Pages) -> Problems:
    """01-005: each MCID of a page is in one element of the tree, as the parent tree says."""
    if "/StructTreeRoot" not in pdf.Root:
        return ()  # structure_is_reachable says so
    claimed, problems = _claimed_mcids(pdf)
    tree = parent_tree(pdf)
    for index, (page, content) in enumerate(zip(pdf.pages, pages, strict=True)):
        problems += _page_mcid_problems(index, page, content, claimed, tree)
    present = {(index, s.mcid) for index, content in enumerate(pages)
               for s in content.sequences if s.mcid is not None}
    problems += [f"page {index + 1}: the tree names MCID {mcid}, which the page does not have"
                 for index, mcid in sorted(set(claimed) - present)]
    return tuple(problems)


def content_is_marked(pages: Pages) -> Problems:
    """01-005: everything drawn is in a tagged (MCID) sequence or an artifact."""
    problems = []
    for number, content in enumerate(pages, start=1):
        if content.unbalanced:
            problems.append(f"page {number}: BDC/BMC and EMC do not pair up")
        if content.outside:
            problems.append(f"page {number}: {content.outside} operators outside marked content")
        problems += [f"page {number}: a {s.tag} sequence draws but is neither tagged nor an "
                     "artifact" for s in content.sequences if s.painted and not _is_marked(s)]
    return tuple(problems)


def _is_marked(sequence: Sequence) -> bool:
    """Tagged (an MCID) or an artifact, itself or through a sequence around it."""
    return any(n.mcid is not None or n.tag == "/Artifact"
               for n in (sequence, *sequence.ancestors()))


def content_is_tagged_or_an_artifact(pdf: pikepdf.Pdf, pages: Pages) -> Problems:
    """01-005: content is neither marked as an artifact nor tagged as real content."""
    return (structure_is_reachable(pdf) + marked_content_is_in_the_tree(pdf, pages)
            + content_is_marked(pages))


def no_artifact_in_tagged_content(pdf: pikepdf.Pdf, pages: Pages) -> Problems:
    """01-003: content marked as an artifact is present inside tagged content."""
    problems = []
    for number, content in enumerate(pages, start=1):
        for sequence in content.sequences:
            if sequence.tag != "/Artifact":
                continue
            owner = next((n for n in sequence.ancestors() if n.mcid is not None), None)
            if owner is not None:
                problems.append(f"page {number}: an artifact inside MCID {owner.mcid}")
    return tuple(problems)


def no_tagged_content_in_an_artifact(pdf: pikepdf.Pdf, pages: Pages) -> Problems:
    """01-004: tagged content is present inside content marked as an artifact."""
    return tuple(f"page {number}: MCID {s.mcid} inside an artifact"
                 for number, content in enumerate(pages, start=1)
                 for s in content.sequences if s.mcid is not None
                 and any(n.tag == "/Artifact" for n in s.ancestors()))


def no_suspect_tags(pdf: pikepdf.Pdf) -> Problems:
    """01-007: the Suspects entry of MarkInfo is true."""
    mark_info = pdf.Root.get("/MarkInfo", pikepdf.Dictionary())
    if bool(mark_info.get("/Suspects", False)):
        return ("MarkInfo says the tags are suspect (/Suspects true)",)
    return ()


# --- 09, 13, 14, 15: tables, lists, figures, headings -------------------------------------


def _parent_type(element: pikepdf.Dictionary) -> str:
    parent = element.get("/P")
    return str(parent.get("/S", "")) if isinstance(parent, pikepdf.Dictionary) else ""


def tables_are_well_formed(pdf: pikepdf.Pdf) -> Problems:
    """09-004: table elements are used as ISO 32000-1 Table 337 says."""
    problems = []
    for element in elements(pdf):
        kind = str(element.S)
        wrong = sorted({str(k.S) for k in kids(element) if is_element(k)}
                       - TABLE_KIDS.get(kind, set())) if kind in TABLE_KIDS else []
        problems += [f"{kind} holds {w}" for w in wrong]
        parent = _parent_type(element)
        if kind in ("/TR", "/TH", "/TD") and kind not in TABLE_KIDS.get(parent, set()):
            problems.append(f"{kind} inside {parent or 'nothing'}")
    return tuple(problems)


def _is_list_item(inner: list[str]) -> bool:
    """An LI's kids: labels, then one body (ISO 32000-1 Table 336)."""
    return bool(inner) and inner[-1] == "/LBody" and set(inner[:-1]) <= {"/Lbl"}


def lists_are_well_formed(pdf: pikepdf.Pdf) -> Problems:
    """09-005: lists are L of LI of Lbl and one LBody, each L with its ListNumbering."""
    problems = []
    for element in elements(pdf):
        kind = str(element.S)
        inner = [str(k.S) for k in kids(element) if is_element(k)]
        parent = _parent_type(element)
        if kind == "/L":
            problems += [f"/L holds {k}" for k in inner if k not in ("/LI", "/L", "/Caption")]
            if not any("/ListNumbering" in a for a in attributes(element, "/List")):
                problems.append("an /L without a /List attribute with /ListNumbering")
        elif kind == "/LI" and (parent != "/L" or not _is_list_item(inner)):
            problems.append(f"an /LI in {parent or 'nothing'} holds {inner}")
        elif kind in ("/Lbl", "/LBody") and parent != "/LI":
            problems.append(f"{kind} inside {parent or 'nothing'}")
    return tuple(problems)


def figures_have_alt_text(pdf: pikepdf.Pdf) -> Problems:
    """13-004: a Figure has neither alternative nor replacement text."""
    figures = [e for e in elements(pdf) if e.S == "/Figure"]
    return tuple(f"Figure {number} of {len(figures)} has no /Alt"
                 for number, figure in enumerate(figures, start=1)
                 if not any(str(figure.get(k, "")).strip() for k in ("/Alt", "/ActualText")))


def first_heading_is_h1(pdf: pikepdf.Pdf) -> Problems:
    """14-002: the document uses numbered headings, but the first is not H1."""
    levels = headings(pdf)
    return (f"the first heading is H{levels[0]}",) if levels and levels[0] != 1 else ()


def no_heading_level_skipped(pdf: pikepdf.Pdf) -> Problems:
    """14-003: numbered heading levels in descending sequence are skipped."""
    return tuple(f"H{level} follows H{previous}"
                 for previous, level in itertools.pairwise(headings(pdf))
                 if level > previous + 1)


def notes_have_unique_ids(pdf: pikepdf.Pdf) -> Problems:
    """19-003 and 19-004: every Note has an /ID, and no two share one."""
    notes = [e for e in elements(pdf) if e.S == "/Note"]
    ids = Counter(str(e.ID) for e in notes if "/ID" in e)
    return tuple(["a Note has no /ID" for e in notes if "/ID" not in e]
                 + [f"{n} Notes share the /ID {i!r}" for i, n in sorted(ids.items()) if n > 1])


def header_cells_have_a_scope(pdf: pikepdf.Pdf) -> Problems:
    """15-003: a TH has no Scope (quire gives every one a Scope)."""
    cells = [e for e in elements(pdf) if e.S == "/TH"]
    return tuple(f"TH {number} of {len(cells)} has no /Scope"
                 for number, cell in enumerate(cells, start=1)
                 if not any(str(a.get("/Scope", "")) in ("/Row", "/Column", "/Both")
                            for a in attributes(cell, "/Table")))


# --- 10, 11: text and language ------------------------------------------------------------


def characters_map_to_unicode(pdf: pikepdf.Pdf, pages: Pages) -> Problems:
    """10-001: a character code cannot be mapped to Unicode."""
    return tuple(f"page {number}: codes without Unicode {', '.join(sorted(content.unmapped)[:5])}"
                 for number, content in enumerate(pages, start=1) if content.unmapped)


def document_declares_its_language(pdf: pikepdf.Pdf) -> Problems:
    """11-001: the natural language of the text cannot be determined (catalog /Lang)."""
    problems = []
    language = str(pdf.Root.get("/Lang", "")).strip()
    if not LANGUAGE_TAG.fullmatch(language):
        problems.append(f"the catalog's /Lang is '{language}', not a language tag")
    problems += [f"a {e.S} element's /Lang is '{e.Lang}', not a language tag"
                 for e in elements(pdf) if "/Lang" in e
                 and not LANGUAGE_TAG.fullmatch(str(e.Lang).strip())]
    return tuple(problems)


def metadata_declares_the_language(pdf: pikepdf.Pdf) -> Problems:
    """11-006: the natural language of the metadata cannot be determined (XMP dc:language)."""
    languages = list(pdf.open_metadata().get("dc:language", []))
    catalog = str(pdf.Root.get("/Lang", ""))
    if languages != [catalog]:
        return (f"XMP dc:language is {languages}, the catalog's /Lang '{catalog}'",)
    return ()


# --- 18: running heads and folios; WCAG PDF17: page labels ---------------------------------


def bookmark_titles(pdf: pikepdf.Pdf, depth: int = 99) -> list[str]:
    """The titles of the outline (bookmarks) down to ``depth`` levels, in order."""
    titles: list[str] = []
    seen: set[tuple[int, int] | None] = set()

    def walk(item: pikepdf.Object | None, level: int) -> None:
        while isinstance(item, pikepdf.Dictionary) and _key(item) not in seen and level < depth:
            seen.add(_key(item))
            titles.append(" ".join(str(item.get("/Title", "")).split()))
            walk(item.get("/First"), level + 1)
            item = item.get("/Next")

    walk(pdf.Root.get("/Outlines", pikepdf.Dictionary()).get("/First"), 0)
    return titles


def _titles(pdf: pikepdf.Pdf) -> set[str]:
    """What a running head may say: the document's title (or its main title), a bookmark."""
    info = pdf.trailer.get("/Info", pikepdf.Dictionary())
    title = str(pdf.open_metadata().get("dc:title", "") or info.get("/Title", ""))
    titles = {title, title.split(":")[0], *bookmark_titles(pdf)}
    return {" ".join(t.split()) for t in titles if t.strip()}


def _artifact_problems(number: int, sequence: Sequence) -> list[str]:
    properties = sequence.properties
    if properties is None:
        return []
    kind, subtype = str(properties.get("/Type", "")), str(properties.get("/Subtype", ""))
    if kind not in ARTIFACT_TYPES:
        return [f"page {number}: an artifact of type '{kind}'"]
    if subtype and (kind != "/Pagination" or subtype not in (*EDGES, "/Watermark")):
        return [f"page {number}: a {kind} artifact of subtype {subtype}"]
    edge = EDGES.get(subtype)
    if edge and [str(e) for e in properties.get("/Attached", [])] != [edge]:
        return [f"page {number}: a {subtype} not attached to the {edge}"]
    return []


def printed_number(text: str) -> str | None:
    """The page number a folio prints ("page 3 of 8": "3"); None for other text."""
    match = FOLIO.fullmatch(" ".join(text.split()))
    return match[1] if match else None


def _folio(content: PageContent, label: str) -> Sequence | None:
    """The sequence drawn lowest on the page, when it prints the page's number."""
    drawn = [(min(s.baselines), s) for s in content.sequences if s.baselines and s.text.strip()]
    if not drawn:
        return None
    lowest = min(y for y, _ in drawn)
    return next((s for y, s in drawn if y - lowest < 0.5 and printed_number(s.text) == label),
                None)


def page_furniture_is_pagination(pdf: pikepdf.Pdf, pages: Pages) -> Problems:
    """18-001: running heads and folios are marked as pagination artifacts."""
    titles, problems = _titles(pdf), []
    for number, (page, content) in enumerate(zip(pdf.pages, pages, strict=True), start=1):
        for sequence in content.sequences:
            if sequence.tag == "/Artifact":
                problems += _artifact_problems(number, sequence)
        problems += [f"page {number}: running head '{head}' names neither the book nor a "
                     "bookmark" for head in pagination_texts(content, "/Header")
                     if head not in titles]
        folio = _folio(content, page.label)
        if folio is not None and folio.pagination() != "/Footer":
            problems.append(f"page {number}: the folio '{page.label}' is not a pagination "
                            "artifact (/Footer)")
    return tuple(problems)


def page_labels_match_the_folios(pdf: pikepdf.Pdf, pages: Pages) -> Problems:
    """WCAG PDF17: the page labels viewers show are the numbers printed on the pages."""
    problems = [] if "/PageLabels" in pdf.Root else ["the document has no /PageLabels"]
    for number, (page, content) in enumerate(zip(pdf.pages, pages, strict=True), start=1):
        problems += [f"page {number}: folio '{footer}', page label '{page.label}'"
                     for footer in pagination_texts(content, "/Footer")
                     if printed_number(footer) not in (None, page.label)]
    return tuple(problems)


# --- 28: annotations ----------------------------------------------------------------------


def annotation_pages_have_tabs(pdf: pikepdf.Pdf) -> Problems:
    """28-008: a page with annotations has no Tabs key."""
    return tuple(f"page {index + 1}: annotations but no /Tabs"
                 for index, page in enumerate(pdf.pages)
                 if page.obj.get("/Annots") and "/Tabs" not in page.obj)


def tabs_follow_the_structure(pdf: pikepdf.Pdf) -> Problems:
    """28-009: a page with annotations has a Tabs key other than /S."""
    return tuple(f"page {index + 1}: /Tabs {page.obj.Tabs}, not /S"
                 for index, page in enumerate(pdf.pages)
                 if page.obj.get("/Annots") and "/Tabs" in page.obj and page.obj.Tabs != "/S")


def _annotations_of(element: pikepdf.Dictionary) -> set[tuple[int, int] | None]:
    """The annotations an element's object references (OBJR) name."""
    return {_key(k.get("/Obj")) for k in kids(element)
            if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR"}


def links_are_in_link_elements(pdf: pikepdf.Pdf) -> Problems:
    """28-011: a link annotation is not nested in a Link element (and no Link in a Link)."""
    tree = parent_tree(pdf)
    reachable = {_key(e) for e in elements(pdf)}
    problems = []
    for index, annotation in link_annotations(pdf):
        element = tree.get(int(annotation.get("/StructParent", -1)))
        if not (is_element(element) and element.S == "/Link" and _key(element) in reachable
                and _key(annotation) in _annotations_of(element)):
            problems.append(f"page {index + 1}: a link annotation in no Link element")
    problems += ["a Link element inside a Link element" for e in elements(pdf)
                 if e.S == "/Link" and "/P" in e and e.P.get("/S") == "/Link"]
    return tuple(problems)


def links_have_descriptions(pdf: pikepdf.Pdf) -> Problems:
    """28-012: a link annotation has no alternate description (/Contents)."""
    return tuple(f"page {index + 1}: link described as '{text}'"
                 for index, annotation in link_annotations(pdf)
                 for text in [str(annotation.get("/Contents", ""))]
                 if sum(c.isalpha() for c in text) < 2)


# --- 31: fonts ----------------------------------------------------------------------------


def fonts_are_embedded(pdf: pikepdf.Pdf) -> Problems:
    """31-009: a font program is not embedded."""
    problems = []
    for font in fonts(pdf):
        if font.get("/Subtype") == "/Type3":
            continue  # its glyphs are content streams of the file
        descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
        descriptor = descendant.get("/FontDescriptor", pikepdf.Dictionary())
        if not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
            problems.append(f"font {font.get('/BaseFont')} is not embedded")
    return tuple(problems)


def fonts_have_tounicode(pdf: pikepdf.Pdf) -> Problems:
    """31-027: a font has no ToUnicode CMap."""
    return tuple(f"font {font.get('/BaseFont')} has no /ToUnicode" for font in fonts(pdf)
                 if "/ToUnicode" not in font)


# --- the table, and the checks as results for the report ----------------------------------


class PdfCheck(NamedTuple):
    """A row of ``PDF_CHECKS``: ``function(pdf)``, or ``function(pdf, pages)`` when it reads
    the page content (parsed once, by ``read_content``, for every check)."""

    checkpoint: str
    title: str
    function: Callable[..., Problems]
    reads_content: bool = False

    @property
    def tool(self) -> str:
        """The check as the report names it."""
        scheme = "Matterhorn" if re.fullmatch(r"\d\d-\d\d\d", self.checkpoint) else "WCAG"
        return f"{scheme} {self.checkpoint}: {self.title}"


#: Every machine check of the PDF, by Matterhorn checkpoint (or WCAG technique).
PDF_CHECKS: tuple[PdfCheck, ...] = (
    PdfCheck("01-003", "no artifact inside tagged content", no_artifact_in_tagged_content,
             True),
    PdfCheck("01-004", "no tagged content inside an artifact", no_tagged_content_in_an_artifact,
             True),
    PdfCheck("01-005", "all content is tagged or an artifact, in one structure tree",
             content_is_tagged_or_an_artifact, True),
    PdfCheck("01-007", "the tags are not marked as suspect", no_suspect_tags),
    PdfCheck("09-004", "tables follow ISO 32000-1 Table 337", tables_are_well_formed),
    PdfCheck("09-005", "lists are L, LI, Lbl and LBody, with their numbering",
             lists_are_well_formed),
    PdfCheck("10-001", "every character maps to Unicode", characters_map_to_unicode, True),
    PdfCheck("11-001", "the document declares its natural language",
             document_declares_its_language),
    PdfCheck("11-006", "the XMP metadata declares the same language",
             metadata_declares_the_language),
    PdfCheck("13-004", "every figure has alternative text", figures_have_alt_text),
    PdfCheck("14-002", "the first heading is H1", first_heading_is_h1),
    PdfCheck("14-003", "no heading level is skipped", no_heading_level_skipped),
    PdfCheck("15-003", "every table header cell has a scope", header_cells_have_a_scope),
    PdfCheck("19-003", "every note has a unique ID", notes_have_unique_ids),
    PdfCheck("18-001", "running heads and folios are pagination artifacts",
             page_furniture_is_pagination, True),
    PdfCheck("28-008", "every page with annotations has a tab order",
             annotation_pages_have_tabs),
    PdfCheck("28-009", "the tab order is the structure order", tabs_follow_the_structure),
    PdfCheck("28-011", "every link annotation is in a Link element",
             links_are_in_link_elements),
    PdfCheck("28-012", "every link annotation has a description", links_have_descriptions),
    PdfCheck("31-009", "every font is embedded", fonts_are_embedded),
    PdfCheck("31-027", "every font has a ToUnicode CMap", fonts_have_tounicode),
    PdfCheck("PDF17", "the page labels are the printed folios", page_labels_match_the_folios,
             True),
)


def run_check(check: PdfCheck, pdf: pikepdf.Pdf, pages: Pages) -> Problems:
    """The check's problems; a file it cannot read is a problem too, not a crash."""
    try:
        return check.function(pdf, pages) if check.reads_content else check.function(pdf)
    except Exception as error:  # pikepdf raises many types; each means a broken file
        return (f"the file could not be checked: {type(error).__name__}: {error}",)


def _result(check: PdfCheck, name: str, problems: Problems) -> CheckResult:
    count = len(problems)
    summary = "No problem." if not count else f"{count} problem{'s' if count > 1 else ''}."
    return CheckResult(check.tool, name, True, not problems, summary, problems[:DETAILS])


def _content(pdf: pikepdf.Pdf) -> tuple[Pages, Problems]:
    """Every page's content, or none and why: each check that reads it reports that."""
    try:
        return read_content(pdf), ()
    except Exception as error:  # pikepdf raises many types; each means a broken file
        return (), (f"the page content could not be read: {type(error).__name__}: {error}",)


def claims_pdf_ua(data: bytes) -> bool:
    """Whether the PDF says it conforms to PDF/UA (XMP ``pdfuaid:part``), as a PDF/X print
    file does not; a file that cannot be read is checked, and fails."""
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            return bool(str(pdf.open_metadata().get("pdfuaid:part", "")).strip())
    except pikepdf.PdfError:
        return True


def check_pdf(data: bytes, name: str) -> tuple[CheckResult, ...]:
    """Every check of ``PDF_CHECKS`` on the PDF ``data`` (file ``name``), one result each."""
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PdfError as error:
        problem = (f"the file could not be opened: {error}",)
        return tuple(_result(check, name, problem) for check in PDF_CHECKS)
    with pdf:
        pages, unreadable = _content(pdf)
        return tuple(_result(check, name, (check.reads_content and unreadable)
                             or run_check(check, pdf, pages)) for check in PDF_CHECKS)
