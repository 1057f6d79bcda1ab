"""PDF/UA-1: the machine-checkable failure conditions of the Matterhorn Protocol 1.1.

Each test is named after the checkpoint it covers (``test_01_005_…`` is failure condition
01-005). No veraPDF here: the checks read the PDF with pikepdf, pdfium and poppler, and decode
text with the fonts' own ToUnicode CMaps (independently of ``quire.writers.pdf_structure``).
"""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from dataclasses import dataclass, field

import pikepdf
import pypdfium2 as pdfium
import pytest

PAINTING = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh", "Do", "Tj", "TJ", "'", '"',
            "INLINE IMAGE"}
TEXT_SHOWING = {"Tj", "TJ", "'", '"'}
HEADINGS = {f"/H{n}": n for n in range(1, 7)}


# --- reading the PDF ----------------------------------------------------------------------


def _kids(node) -> list:
    kids = node.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _is_element(kid) -> bool:
    return isinstance(kid, pikepdf.Dictionary) and "/S" in kid


def _elements(pdf) -> list:
    """Every structure element reachable from StructTreeRoot, in tree order."""
    found, seen = [], set()

    def walk(node):
        for kid in _kids(node):
            if _is_element(kid) and kid.objgen not in seen:
                seen.add(kid.objgen)
                found.append(kid)
                walk(kid)

    walk(pdf.Root.StructTreeRoot)
    return found


def _parent_tree(pdf) -> dict[int, object]:
    entries = {}

    def walk(node):
        nums = node.get("/Nums", [])
        for i in range(0, len(nums) - 1, 2):
            entries[int(nums[i])] = nums[i + 1]
        for kid in node.get("/Kids", []):
            walk(kid)

    walk(pdf.Root.StructTreeRoot.ParentTree)
    return entries


def _to_unicode(font) -> dict[bytes, str]:
    cmap = font.ToUnicode.read_bytes().decode("latin-1")
    table = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.DOTALL):
        for code, text in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>", block):
            table[bytes.fromhex(code)] = bytes.fromhex(text).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.DOTALL):
        for low, high, text in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>",
                                          block):
            width = len(low) // 2
            for offset in range(int(high, 16) - int(low, 16) + 1):
                value = bytes.fromhex(text)
                value = value[:-2] + (int.from_bytes(value[-2:], "big") + offset).to_bytes(2, "big")
                table[(int(low, 16) + offset).to_bytes(width, "big")] = value.decode("utf-16-be")
    return table


@dataclass
class Sequence:
    """A marked-content sequence of a page: tag, properties, what it draws."""

    tag: str
    properties: pikepdf.Dictionary | None
    parent: Sequence | None
    text: str = ""
    painted: int = 0
    children: list = field(default_factory=list)

    @property
    def mcid(self):
        if self.properties is not None and "/MCID" in self.properties:
            return int(self.properties.MCID)
        return None

    def inside(self, predicate) -> bool:
        node = self.parent
        while node is not None:
            if predicate(node):
                return True
            node = node.parent
        return False


def _sequences(page) -> tuple[list[Sequence], int, set[str]]:
    """Every marked-content sequence of the page, what is painted outside any, missing glyphs."""
    fonts = page.Resources.get("/Font", {})
    tables, unmapped = {}, set()
    sequences: list[Sequence] = []
    stack: list[Sequence] = []
    outside = 0
    font = None
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op in ("BDC", "BMC"):
            properties = operands[1] if op == "BDC" else None
            if properties is not None and not isinstance(properties, pikepdf.Dictionary):
                properties = page.Resources.Properties[properties]
            sequence = Sequence(str(operands[0]), properties, stack[-1] if stack else None)
            if stack:
                stack[-1].children.append(sequence)
            sequences.append(sequence)
            stack.append(sequence)
        elif op == "EMC":
            stack.pop()
        elif op == "Tf":
            font = str(operands[0])
            if font not in tables:
                tables[font] = _to_unicode(fonts[font])
        elif op in PAINTING:
            if not stack:
                outside += 1
                continue
            stack[-1].painted += 1
            if op in TEXT_SHOWING:
                strings = operands[-1]
                strings = [s for s in strings if isinstance(s, pikepdf.String)] \
                    if isinstance(strings, pikepdf.Array) else [strings]
                table = tables[font]
                width = 2 if fonts[font].Subtype == "/Type0" else 1
                for string in strings:
                    data = bytes(string)
                    for i in range(0, len(data), width):
                        code = data[i:i + width]
                        if code not in table:
                            unmapped.add(f"{font}:{code.hex()}")
                        stack[-1].text += table.get(code, "\ufffd")
    assert not stack, "unbalanced BDC/EMC"
    return sequences, outside, unmapped


@pytest.fixture(scope="module")
def opened():
    """pikepdf documents of the books, opened once per module."""
    documents = {}

    def get(book):
        if book.pdf not in documents:
            documents[book.pdf] = pikepdf.open(book.pdf)
        return documents[book.pdf]

    yield get
    for document in documents.values():
        document.close()


@pytest.fixture(scope="module")
def sequences(opened):
    cache = {}

    def get(book):
        if book.pdf not in cache:
            cache[book.pdf] = [_sequences(page) for page in opened(book).pages]
        return cache[book.pdf]

    return get


def _element_text(element, texts: dict[tuple[int, int], str], pages: dict) -> str:
    page = pages.get(element.Pg.objgen) if "/Pg" in element else None
    out = ""
    for kid in _kids(element):
        if isinstance(kid, int):
            out += texts[(page, int(kid))]
        elif _is_element(kid):
            out += _element_text(kid, texts, pages)
    return out


def _mcid_texts(pdf, page_sequences) -> dict[tuple[int, int], str]:
    return {(index, s.mcid): s.text for index, (found, _, _) in enumerate(page_sequences)
            for s in found if s.mcid is not None}


def _page_numbers(pdf) -> dict:
    return {page.obj.objgen: index for index, page in enumerate(pdf.pages)}


# --- 01: real content is tagged, everything else is an artifact ---------------------------


def test_01_005_every_structure_element_is_reachable_from_the_root(any_book, opened):
    pdf = opened(any_book)
    reachable = {e.objgen for e in _elements(pdf)}
    every = {o.objgen for o in pdf.objects
             if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/StructElem"}
    assert every - reachable == set(), "structure elements the tree does not reach"
    for key, value in _parent_tree(pdf).items():
        parents = value if isinstance(value, pikepdf.Array) else [value]
        for parent in parents:
            assert parent.objgen in reachable, f"parent tree entry {key} is not in the tree"


def test_01_005_every_mcid_is_in_the_structure_tree_or_an_artifact(any_book, opened,
                                                                    sequences):
    pdf = opened(any_book)
    tree = _parent_tree(pdf)
    pages = _page_numbers(pdf)
    claimed: dict[tuple[int, int], object] = {}
    for element in _elements(pdf):
        for kid in _kids(element):
            if isinstance(kid, int):
                key = (pages[element.Pg.objgen], int(kid))
                assert key not in claimed, f"MCID {key} in two elements"
                claimed[key] = element
    for index, (page, (found, _, _)) in enumerate(zip(pdf.pages, sequences(any_book))):
        mcids = [s.mcid for s in found if s.mcid is not None]
        assert len(mcids) == len(set(mcids)), f"page {index + 1}: an MCID is used twice"
        parents = tree[int(page.StructParents)]
        assert sorted(mcids) == list(range(len(parents))), f"page {index + 1}"
        for mcid in mcids:
            assert (index, mcid) in claimed, f"page {index + 1}: MCID {mcid} is in no element"
            assert parents[mcid].objgen == claimed[(index, mcid)].objgen, \
                f"page {index + 1}: the parent tree names another element for MCID {mcid}"
    assert all(index < len(pdf.pages) for index, _ in claimed)


def test_01_005_all_content_is_tagged_or_an_artifact(any_book, sequences):
    for number, (found, outside, _) in enumerate(sequences(any_book), start=1):
        assert outside == 0, f"page {number}: {outside} operators outside marked content"
        for sequence in found:
            if sequence.painted:
                owner = sequence
                while owner.mcid is None and owner.tag != "/Artifact" and owner.parent:
                    owner = owner.parent
                assert owner.mcid is not None or owner.tag == "/Artifact", \
                    f"page {number}: {sequence.tag} draws but is neither tagged nor an artifact"


def test_01_003_01_004_artifacts_and_tagged_content_do_not_nest(any_book, sequences):
    for number, (found, _, _) in enumerate(sequences(any_book), start=1):
        for sequence in found:
            if sequence.tag == "/Artifact":
                assert not sequence.inside(lambda s: s.mcid is not None), f"page {number}"
            if sequence.mcid is not None:
                assert not sequence.inside(lambda s: s.tag == "/Artifact"), f"page {number}"


# --- 18: running heads and folios ---------------------------------------------------------


def _artifacts(page_sequences, kind: str) -> list[str]:
    found, _, _ = page_sequences
    return [" ".join(s.text.split()) for s in found if s.tag == "/Artifact"
            and s.properties is not None and s.properties.get("/Type") == "/Pagination"
            and s.properties.get("/Subtype") == kind and s.text.strip()]


def test_18_001_running_heads_and_folios_are_pagination_artifacts(any_book, opened,
                                                                   sequences):
    pdf = opened(any_book)
    with pdf.open_outline() as outline:
        chapters = {item.title for item in outline.root}
    book_title = str(pdf.open_metadata()["dc:title"]).split(":")[0]
    heads = 0
    for index, page_sequences in enumerate(sequences(any_book)):
        headers = _artifacts(page_sequences, "/Header")
        footers = _artifacts(page_sequences, "/Footer")
        if index < 2:  # title and copyright pages: neither
            assert headers == footers == [], f"page {index + 1}"
            continue
        assert footers == [str(index + 1)], f"page {index + 1}: folio"
        for header in headers:
            assert header in chapters | {book_title}, (index + 1, header)
        heads += len(headers)
    assert heads > 0, "some page carries a running head"
    # and every Artifact of the book says what it is
    for found, _, _ in sequences(any_book):
        for sequence in found:
            if sequence.tag == "/Artifact" and sequence.properties is not None:
                assert sequence.properties.get("/Type") in ("/Pagination", "/Layout")
                subtype = sequence.properties.get("/Subtype")
                if subtype is not None:
                    edge = {"/Header": "/Top", "/Footer": "/Bottom"}[str(subtype)]
                    assert list(sequence.properties.Attached) == [pikepdf.Name(edge)]


def test_18_001_the_rewrite_keeps_the_text_and_the_page_furniture(any_book, opened,
                                                                  sequences):
    """pdftotext and pdfium still read the body text, running heads and folios."""
    pdf = opened(any_book)
    document = pdfium.PdfDocument(any_book.pdf)
    try:
        texts = [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()
    for index, text in enumerate(texts[2:], start=2):
        assert text.split("\r\n")[-1] == str(index + 1), f"page {index + 1}: folio"
    flat = " ".join(" ".join(texts).split())
    if any_book.manuscript.name == "small-book":
        phrases = ["A traveller greets the reader with bonjour tout le monde and goes on",
                   "The sources of this book are described on the Quire project's home page."]
    else:
        phrases = [("It tears through the foundation you didn’t even realize you were "
                    "standing on."), "Visit the Betrayed Spouse Masterclass at"]
    # in the page text, and in the structure tree: real content, in reading order
    tree = _element_text(pdf.Root.StructTreeRoot.K[0], _mcid_texts(pdf, sequences(any_book)),
                         _page_numbers(pdf))
    for phrase in phrases:
        assert phrase in flat
        assert re.sub(r"[\s-]", "", phrase) in re.sub(r"[\s-]", "", tree)
    if shutil.which("pdftotext"):
        result = subprocess.run(["pdftotext", "-layout", str(any_book.pdf), "-"],
                                capture_output=True, text=True, check=True)
        assert result.stderr == ""
        pages = result.stdout.split("\f")
        assert len([p for p in pages if p.strip()]) == len(pdf.pages)
        assert pages[3].split()[-1] == "4"


def test_18_001_running_head_and_folio_are_still_drawn(any_book, opened):
    """Render a page inside a chapter: ink above and below the text block (head, folio)."""
    pdf = opened(any_book)
    page_index = 4 if len(pdf.pages) > 4 else len(pdf.pages) - 1
    document = pdfium.PdfDocument(any_book.pdf)
    try:
        image = document[page_index].render(scale=60 / 72).to_pil().convert("L")
    finally:
        document.close()
    width, height = image.size
    top = image.crop((0, 0, width, int(height * 0.085)))  # 0.8in top margin of 9in
    bottom = image.crop((0, int(height * 0.92), width, height))
    assert top.getextrema()[0] < 128, "no running head drawn"
    assert bottom.getextrema()[0] < 128, "no folio drawn"


# --- 11: natural language -----------------------------------------------------------------


def test_11_001_the_catalog_declares_the_books_language(any_book, opened):
    pdf = opened(any_book)
    expected = "en-GB" if any_book.manuscript.name == "small-book" else "en-US"
    assert str(pdf.Root.Lang) == expected


def test_11_001_a_phrase_in_another_language_has_lang_in_the_structure(small_book, opened,
                                                                       sequences):
    pdf = opened(small_book)
    texts = _mcid_texts(pdf, sequences(small_book))
    pages = _page_numbers(pdf)
    tagged = {(str(e.S), _element_text(e, texts, pages), str(e.Lang))
              for e in _elements(pdf) if "/Lang" in e}
    assert tagged == {("/NonStruct", "bonjour tout le monde", "fr")}


def test_11_001_a_phrase_broken_across_lines_or_pages_is_found_whole():
    from quire.writers.pdf_structure import _runs

    # one element per line (or page) in the PDF, one element in the manuscript
    texts = ["Une", "phraseen", "français", "Une", "phraseenfrançais"]
    assert _runs(list(range(5)), texts, "phraseenfrançais") == [[1, 2], [4]]
    assert _runs(list(range(2)), ["phrase", "en"], "phraseenfrançais") == []


def test_11_006_xmp_declares_the_language(any_book, opened):
    pdf = opened(any_book)
    assert list(pdf.open_metadata()["dc:language"]) == [str(pdf.Root.Lang)]


def test_wcag_pdf17_page_labels_match_the_printed_folios(any_book, opened, sequences):
    """Not a Matterhorn checkpoint (WCAG technique PDF17): viewers show the printed number."""
    pdf = opened(any_book)
    labels = pdf.Root.PageLabels
    assert list(labels.Nums) == [0, pikepdf.Dictionary(S=pikepdf.Name.D)]
    for index, page_sequences in enumerate(sequences(any_book)):
        folios = _artifacts(page_sequences, "/Footer")
        label = str(index + 1)  # a /D range from page 1 numbered from 1
        assert folios in ([], [label]), f"page {index + 1}"
    document = pdfium.PdfDocument(any_book.pdf)  # as a viewer reads them
    try:
        assert [document.get_page_label(i) for i in range(len(document))] == [
            str(i + 1) for i in range(len(document))]
    finally:
        document.close()


def test_wcag_pdf17_page_labels_follow_the_folios_whatever_their_style():
    """Roman front matter, then arabic from 1: the ranges the print would need."""
    from quire.writers.pdf_structure import _page_labels

    labels = _page_labels([None, None, "iii", "iv", None, "1", "2", None])
    assert list(labels.Nums) == [0, pikepdf.Dictionary(S=pikepdf.Name.r),
                                 5, pikepdf.Dictionary(S=pikepdf.Name.D)]
    labels = _page_labels([None, "2", "3", "7", "8"])  # a jump: a new range where it starts
    assert list(labels.Nums) == [0, pikepdf.Dictionary(S=pikepdf.Name.D),
                                 3, pikepdf.Dictionary(S=pikepdf.Name.D, St=7)]
    assert list(_page_labels([None, None]).Nums) == [0, pikepdf.Dictionary(S=pikepdf.Name.D)]


# --- 13, 14, 15, 09: figures, headings, tables, lists -------------------------------------


def test_13_004_every_figure_has_alt_text(any_book, opened):
    pdf = opened(any_book)
    for element in _elements(pdf):
        if element.S == "/Figure":
            assert str(element.get("/Alt", "")).strip(), "a Figure without /Alt"


def _headings(pdf) -> list[int]:
    return [HEADINGS[str(e.S)] for e in _elements(pdf) if str(e.S) in HEADINGS]


def test_14_002_the_first_heading_is_h1(any_book, opened):
    assert _headings(opened(any_book))[0] == 1


def test_14_003_no_heading_level_is_skipped(any_book, opened):
    levels = _headings(opened(any_book))
    assert levels.count(1) >= 2
    for previous, level in itertools.pairwise(levels):
        assert level <= previous + 1, f"H{level} follows H{previous}"


def test_15_003_table_header_cells_have_a_scope(any_book, opened):
    pdf = opened(any_book)
    scopes = []
    for element in _elements(pdf):
        if element.S == "/TH":
            attributes = element.A if isinstance(element.A, pikepdf.Array) else [element.A]
            (table,) = [a for a in attributes if a.get("/O") == "/Table"]
            scopes.append(str(table.Scope))
    if any_book.manuscript.name == "small-book":
        assert scopes == ["/Column", "/Column"]
    assert set(scopes) <= {"/Column", "/Row", "/Both"}


def test_09_004_tables_follow_iso_32000_table_337(any_book, opened):
    pdf = opened(any_book)
    allowed = {"/Table": {"/TR", "/THead", "/TBody", "/TFoot", "/Caption"},
               "/THead": {"/TR"}, "/TBody": {"/TR"}, "/TFoot": {"/TR"}, "/TR": {"/TH", "/TD"}}
    for element in _elements(pdf):
        if str(element.S) in allowed:
            kids = {str(k.S) for k in _kids(element) if _is_element(k)}
            assert kids <= allowed[str(element.S)], (element.S, kids)


def test_09_005_lists_are_l_li_lbl_lbody(any_book, opened, sequences):
    pdf = opened(any_book)
    texts = _mcid_texts(pdf, sequences(any_book))
    pages = _page_numbers(pdf)
    found = []
    for element in _elements(pdf):
        kids = [str(k.S) for k in _kids(element) if _is_element(k)]
        if element.S == "/L":
            assert set(kids) <= {"/LI", "/L", "/Caption"}, kids
            (attributes,) = [a for a in ([element.A] if isinstance(element.A, pikepdf.Dictionary)
                                         else element.A) if a.get("/O") == "/List"]
            labels = [_element_text(label, texts, pages).strip() for item in _kids(element)
                      if _is_element(item) for label in _kids(item)
                      if _is_element(label) and label.S == "/Lbl"]
            found.append((str(attributes.ListNumbering), labels))
        elif element.S == "/LI":
            assert element.P.S == "/L"
            assert kids and set(kids) <= {"/Lbl", "/LBody"}, kids
            assert kids.count("/LBody") == 1 and kids[-1] == "/LBody"
        elif element.S in ("/Lbl", "/LBody"):
            assert element.P.S == "/LI"
    if any_book.manuscript.name == "small-book":
        assert ("/Disc", ["•", "•"]) in found or ("/Disc", ["•", "•", "•"]) in found
        assert any(numbering == "/Decimal" and labels[:2] == ["1.", "2."]
                   for numbering, labels in found), found


# --- 28: annotations ----------------------------------------------------------------------


def _link_annotations(pdf):
    for index, page in enumerate(pdf.pages):
        for annotation in page.get("/Annots", []):
            if annotation.get("/Subtype") == "/Link":
                yield index, page, annotation


def test_28_011_every_link_annotation_is_in_a_link_element(any_book, opened):
    pdf = opened(any_book)
    tree = _parent_tree(pdf)
    reachable = {e.objgen for e in _elements(pdf)}
    count = 0
    for _, _, annotation in _link_annotations(pdf):
        element = tree[int(annotation.StructParent)]
        assert element.S == "/Link" and element.objgen in reachable
        references = [k for k in _kids(element) if isinstance(k, pikepdf.Dictionary)
                      and k.get("/Type") == "/OBJR"]
        assert annotation.objgen in {r.Obj.objgen for r in references}
        count += 1
    assert count > 0
    for element in _elements(pdf):  # and no Link inside a Link (``a::after`` made three)
        if element.S == "/Link":
            assert element.P.S != "/Link"


def test_28_012_every_link_annotation_has_a_description(any_book, opened):
    pdf = opened(any_book)
    contents = []
    for _, _, annotation in _link_annotations(pdf):
        text = str(annotation.get("/Contents", ""))
        assert sum(c.isalpha() for c in text) >= 2, f"'{text}' describes nothing"
        contents.append(text)
    if any_book.manuscript.name == "small-book":
        assert "Opening Chapter, page 4" in contents
        assert contents.count("the Quire project's home page") == 2  # one per line
        assert "Back to citation 1 of 3" in contents
        assert "Doe, 2020" in contents
    else:
        # hyphenated across two lines in print, whole in the description
        assert contents.count(
            "Visit the Betrayed Spouse Masterclass at healingbrokentrust.com") == 2
        assert "Back to citation 1" in contents


def test_28_012_descriptions_prefer_the_manuscripts_label_then_its_words():
    from types import SimpleNamespace

    from quire.writers.pdf_structure import _description, _manuscript_links

    html = ('<p>See<sup id="fnref-1"><a href="#fn-1" aria-label="Note 1">1</a></sup> and '
            '<a href="https://example.org/" title="The example site">the site</a>.</p>')
    links = _manuscript_links(SimpleNamespace(chapters=[SimpleNamespace(html=html)]))
    assert links == {("internal", "fn-1"): [("1", "Note 1")],
                     ("external", "https://example.org/"): [("the site", "The example site")]}
    citations = {"cite-4": (2, 2), "cite-6": (1, 1)}
    assert _description("↑2", ("internal", "cite-4"), citations, {}) == "Back to citation 2 of 2"
    assert _description("↑", ("internal", "cite-6"), citations, {}) == "Back to citation 1"
    assert _description("Opening Chapter . . . . 4", ("internal", "opening"), {}, {}) == \
        "Opening Chapter, page 4"
    assert _description("§", ("internal", "intro"), {}, {"intro": "Introduction"}) == \
        "Go to Introduction"
    assert _description("→", ("external", "https://example.org/"), {}, {}) == \
        "https://example.org/"


def test_28_008_28_009_pages_with_annotations_tab_in_structure_order(any_book, opened):
    pdf = opened(any_book)
    for index, page, _ in _link_annotations(pdf):
        assert page.get("/Tabs") == "/S", f"page {index + 1}"


# --- 31, 10: fonts ------------------------------------------------------------------------


def _fonts(pdf) -> dict:
    fonts = {}

    def collect(resources):
        for font in resources.get("/Font", {}).values():
            fonts[font.objgen] = font
        for xobject in resources.get("/XObject", {}).values():
            if xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
                collect(xobject.Resources)

    for page in pdf.pages:
        collect(page.Resources)
    return fonts


def test_31_009_every_font_is_embedded(any_book, opened):
    fonts = _fonts(opened(any_book))
    assert fonts
    for font in fonts.values():
        descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
        descriptor = descendant.FontDescriptor
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), \
            font.BaseFont


def test_31_027_every_font_has_a_tounicode_cmap(any_book, opened):
    for font in _fonts(opened(any_book)).values():
        assert "/ToUnicode" in font, font.BaseFont


def test_10_001_every_character_maps_to_unicode(any_book, sequences):
    for number, (_, _, unmapped) in enumerate(sequences(any_book), start=1):
        assert not unmapped, f"page {number}: codes without Unicode {sorted(unmapped)[:5]}"


# --- the file -----------------------------------------------------------------------------


def test_the_file_stays_valid(any_book, opened):
    pdf = opened(any_book)
    assert pdf.check_pdf_syntax() == []
    if shutil.which("qpdf"):
        subprocess.run(["qpdf", "--check", str(any_book.pdf)], check=True, capture_output=True)
    if shutil.which("pdfinfo"):
        result = subprocess.run(["pdfinfo", str(any_book.pdf)], capture_output=True, text=True,
                                check=True)
        assert re.search(r"^Tagged: +yes$", result.stdout, re.MULTILINE)
        assert re.search(r"^Suspects: +no$", result.stdout, re.MULTILINE)  # 01-007
        assert result.stderr == ""
