"""End-to-end: the tagged PDF of the guide and of the fixture book, read with pikepdf/pdfium."""

from __future__ import annotations

import json
import re

import pikepdf
import pypdfium2 as pdfium
import pytest

from tests.pdftext import page_texts


def _outline(pdf: pikepdf.Pdf) -> list[tuple[int, str, int]]:
    """(depth, title, 0-based page) of every bookmark, in order."""
    pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
    found = []

    def walk(items, depth):
        for item in items:
            # WeasyPrint writes explicit destinations: [page /XYZ left top zoom]
            found.append((depth, item.title, pages[item.destination[0].objgen]))
            walk(item.children, depth + 1)

    with pdf.open_outline() as outline:
        walk(outline.root, 1)
    return found


@pytest.fixture(scope="module")
def guide_pdf(guide):
    with pikepdf.open(guide.pdf) as pdf:
        yield pdf


def test_pdf_is_tagged_pdf_ua_1(guide_pdf):
    root = guide_pdf.Root
    assert root.MarkInfo.Marked is True
    assert "/StructTreeRoot" in root and len(root.StructTreeRoot.K) > 0
    assert str(root.Lang) == "en-US"
    assert root.ViewerPreferences.DisplayDocTitle is True
    meta = guide_pdf.open_metadata()
    assert meta["pdfuaid:part"] == "1"


def test_info_and_xmp_carry_title_author_subject_keywords_language(guide_pdf):
    info = guide_pdf.docinfo
    title = "Rebuilding Intimacy and Trust After Infidelity: A Guide for Betrayed Partners and Couples"
    assert str(info.Title) == title
    assert str(info.Author) == "Healing Broken Trust"
    assert str(info.Subject).startswith("Two essays")
    assert "Betrayal trauma" in str(info.Keywords)
    meta = guide_pdf.open_metadata()
    assert meta["dc:title"] == title
    assert meta["dc:creator"] == ["Healing Broken Trust"]
    assert meta["dc:description"].startswith("Two essays")
    assert "Betrayal trauma" in meta["pdf:Keywords"]
    assert set(meta["dc:language"]) == {"en-US"}  # an rdf:Bag
    assert "Betrayal trauma" in meta["dc:subject"]
    assert set(meta["dc:publisher"]) == {"Healing Broken Trust"}
    assert meta["dc:rights"].startswith("©")


def test_outline_lists_every_chapter_with_its_sections_nested(guide_pdf, guide):
    outline = _outline(guide_pdf)
    top = [title for depth, title, _ in outline if depth == 1]
    assert top == ["Contents", "Rebuild Intimacy After Betrayal: Healing Sex and Trust",
                   "Finding the Way Back to Closeness", "References"]
    depths = dict((title, depth) for depth, title, _ in outline)
    assert depths["Act One: The Betrayed"] == 2
    assert depths["When You Want to Be Held and Want to Run"] == 3
    assert depths["Non-sexual physical contact, gradually"] == 3


def _contents_entries(texts: list[str]) -> list[tuple[str, int]]:
    page = next(t for t in texts if t.startswith("Contents"))
    entries, pending = [], ""
    for line in page.split("\r\n")[1:-1]:  # the title, then entries, then the folio
        match = re.fullmatch(r"(.*?)[ .]*?(?:\. )*\.? *(\d+)", pending + line)
        if match:
            entries.append((" ".join(match[1].rstrip(" .").split()), int(match[2])))
            pending = ""
        else:
            pending += line + " "
    return entries


def test_every_contents_entry_names_the_page_its_heading_is_on(guide, guide_pdf):
    texts = page_texts(guide.pdf)
    entries = _contents_entries(texts)
    outline = {title: page for _, title, page in _outline(guide_pdf)}
    assert len(entries) == 19  # 2 chapters, 10 sections, 6 sub-sections, the references
    for title, number in entries:
        assert outline[title] + 1 == number, title
        # and the heading really is printed on that page
        flat = " ".join(texts[number - 1].split())
        assert title in flat, (title, number)


def test_manifest_lists_every_file_with_its_page_count_and_hash(guide):
    import hashlib

    manifest = json.loads((guide.out / "manifest.json").read_text())
    # every file, those of subfolders (DAISY Ace's own report) included
    assert {e["path"] for e in manifest["files"]} == {
        p.relative_to(guide.out).as_posix() for p in guide.out.rglob("*")
        if p.is_file() and p.name != "manifest.json"}
    assert any("/" in e["path"] for e in manifest["files"])
    for entry in manifest["files"]:
        data = (guide.out / entry["path"]).read_bytes()
        assert entry["bytes"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        if entry["format"] == "pdf":
            with pikepdf.open(guide.out / entry["path"]) as pdf:
                assert entry["pages"] == len(pdf.pages)
        else:
            assert "pages" not in entry


def test_fonts_are_embedded_literata_subsets_with_tounicode(any_book):
    with pikepdf.open(any_book.pdf) as pdf:
        fonts = {}
        for page in pdf.pages:
            for _, font in page.Resources.get("/Font", {}).items():
                fonts[font.objgen] = font
        assert fonts
        for font in fonts.values():
            assert "Literata" in str(font.BaseFont), font.BaseFont
            assert "/ToUnicode" in font
            descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            descriptor = descendant.FontDescriptor
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def test_no_notdef_glyph_is_drawn(any_book):
    """Glyph 0 is .notdef in every font; WeasyPrint's subsets keep glyph ids (Identity-H)."""
    with pikepdf.open(any_book.pdf) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            fonts = page.Resources.get("/Font", {})
            current = None
            for operands, operator in pikepdf.parse_content_stream(page):
                if operator == pikepdf.Operator("Tf"):
                    current = fonts[operands[0]]
                elif operator in (pikepdf.Operator("Tj"), pikepdf.Operator("TJ")):
                    assert str(current.Encoding) == "/Identity-H"
                    strings = operands[0] if operator == pikepdf.Operator("TJ") else operands
                    for item in strings:
                        if isinstance(item, pikepdf.String):
                            data = bytes(item)
                            glyphs = [data[i:i + 2] for i in range(0, len(data), 2)]
                            assert b"\x00\x00" not in glyphs, f"page {number}"


def test_figures_carry_alt_text_in_the_structure_tree(small_book):
    with pikepdf.open(small_book.pdf) as pdf:
        figures = []

        def walk(node):
            if isinstance(node, pikepdf.Dictionary) and node.get("/S") == "/Figure":
                figures.append(node)
            kids = node.get("/K") if isinstance(node, pikepdf.Dictionary) else None
            if isinstance(kids, pikepdf.Array):
                for kid in kids:
                    walk(kid)
            elif isinstance(kids, pikepdf.Dictionary):
                walk(kids)

        walk(pdf.Root.StructTreeRoot)
    assert [str(f.Alt) for f in figures] == ["A gradient from dark blue to light purple"]


def test_chapter_opening_pages_have_no_running_head(guide, guide_pdf):
    texts = page_texts(guide.pdf)
    for _, title, page in _outline(guide_pdf):
        if title in ("Finding the Way Back to Closeness", "References"):
            lines = texts[page].split("\r\n")
            assert lines[0] == title
            assert lines[-1] == str(page + 1), "folio"
            assert title not in lines[1:-1] and "Rebuilding Intimacy" not in texts[page]
    # inside a chapter, a right-hand (odd) page carries the chapter's title, a left-hand
    # (even) page the book's
    opening = next(page for _, title, page in _outline(guide_pdf)
                   if title.startswith("Rebuild Intimacy After Betrayal"))
    for index in range(opening + 1, opening + 5):
        head = texts[index].split("\r\n")[-2]
        expected = ("Rebuild Intimacy After Betrayal: Healing Sex and Trust" if index % 2 == 0
                    else "Rebuilding Intimacy and Trust After Infidelity")
        assert head == expected, index + 1


def test_no_heading_is_stranded_at_the_foot_of_a_page(guide, guide_pdf):
    texts = page_texts(guide.pdf)
    running = {"Rebuilding Intimacy and Trust After Infidelity"} | {
        title for depth, title, _ in _outline(guide_pdf) if depth == 1}
    for depth, title, page in _outline(guide_pdf):
        lines = texts[page].split("\r\n")
        while lines and (lines[-1].isdigit() or lines[-1] in running):
            lines.pop()  # the folio and running head WeasyPrint appends
        body = " ".join(" ".join(lines).split())
        assert not body.endswith(title), f"'{title}' ends page {page + 1}"


def test_xmp_carries_the_accessibility_facts(any_book):
    schema = "{http://schema.org/}"
    with pikepdf.open(any_book.pdf) as pdf:
        meta = pdf.open_metadata()
        features = list(meta[f"{schema}accessibilityFeature"])
        modes = list(meta[f"{schema}accessMode"])
        has_figures = "/Figure" in {str(node.get("/S")) for node in _struct_nodes(pdf)}
        assert "taggedPDF" in features and "displayTransformability" not in features
        assert ("alternativeText" in features) == ("visual" in modes) == has_figures
        assert "/PageLabels" in pdf.Root and "pageNavigation" in features
        assert list(meta[f"{schema}accessibilityHazard"]) == ["none"]


def _struct_nodes(pdf):
    stack = [pdf.Root.StructTreeRoot]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Dictionary):
            yield node
            kids = node.get("/K")
            if isinstance(kids, pikepdf.Array):
                stack.extend(kids)
            elif isinstance(kids, pikepdf.Dictionary):
                stack.append(kids)
