"""End-to-end: every edition of the guide, as files, measured as a printer would."""

from __future__ import annotations

import ctypes
import json
import math
import zipfile

import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from PIL import Image

from quire.editions import gutter
from quire.writers.cover import BLEED, spine_width

POINTS = 72
SIZES = {"trade": (6 * POINTS, 9 * POINTS), "a4": (595.28, 841.89),
         "letter": (612, 792), "large-print": (612, 792)}


def _size(page) -> tuple[float, float]:
    box = [float(v) for v in page.obj.get("/TrimBox", page.mediabox)]
    return box[2] - box[0], box[3] - box[1]


def _chars(path, index):
    """(character, left x, baseline y, size in pt, font name) of every character on a page."""
    document = pdfium.PdfDocument(path)
    try:
        page = document[index]
        text = page.get_textpage()
        found = []
        for i in range(text.count_chars()):
            char = chr(pdfium_c.FPDFText_GetUnicode(text, i))
            if not char.strip():
                continue
            matrix = pdfium_c.FS_MATRIX()
            pdfium_c.FPDFText_GetMatrix(text, i, matrix)
            scale = math.sqrt(abs(matrix.a * matrix.d - matrix.b * matrix.c))
            name = ctypes.create_string_buffer(128)
            pdfium_c.FPDFText_GetFontInfo(text, i, name, 128, None)
            box = text.get_charbox(i)
            x, y = ctypes.c_double(), ctypes.c_double()
            pdfium_c.FPDFText_GetCharOrigin(text, i, x, y)  # y: the baseline
            found.append((char, box[0], y.value, pdfium_c.FPDFText_GetFontSize(text, i) * scale,
                          name.value.decode()))
        return found, page.get_height()
    finally:
        document.close()


def _body(chars, height, margin=0.9 * POINTS):
    """Characters of the text block: not the running head or the folio."""
    return [c for c in chars if margin < c[2] < height - margin]


def test_manifest_lists_every_edition(guide):
    manifest = json.loads((guide.out / "manifest.json").read_text())
    editions = {}
    for entry in manifest["files"]:
        editions.setdefault(entry["edition"], []).append(entry["path"])
    assert set(editions) == {"trade", "a4", "letter", "large-print", "handouts",
                             "print-on-demand", "ebook", "accessibility-report"}
    assert len(editions["handouts"]) == 4  # 2 chapters, Letter and A4
    assert sorted(p.rsplit("-", 1)[1] for p in editions["print-on-demand"]) == \
        ["cover.pdf", "interior.pdf"]


@pytest.mark.parametrize("edition", sorted(SIZES))
def test_page_size_of_each_edition(guide, edition):
    with pikepdf.open(guide.edition(edition)) as pdf:
        for page in pdf.pages:
            width, height = _size(page)
            assert abs(width - SIZES[edition][0]) < 0.5 and abs(height - SIZES[edition][1]) < 0.5


def test_gutter_follows_kdps_table():
    assert [gutter(n) for n in (24, 150, 151, 300, 301, 500, 501, 700, 701)] == \
        [0.375, 0.375, 0.5, 0.5, 0.625, 0.625, 0.75, 0.75, 0.875]


def test_trade_margins_are_mirrored_with_the_gutter_on_the_spine_side(guide):
    with pikepdf.open(guide.pdf) as pdf:
        pages = len(pdf.pages)
    inside, outside = (0.625 + gutter(pages)) * POINTS, 0.625 * POINTS
    for index in range(5, 11):  # pages 6 to 11: inside the first chapter
        chars, height = _chars(guide.pdf, index)
        left = min(c[1] for c in _body(chars, height))
        recto = index % 2 == 0  # page 1 is a right-hand page
        assert abs(left - (inside if recto else outside)) < 1.5, (index + 1, left)


@pytest.mark.parametrize("edition", ["a4", "letter", "large-print"])
def test_screen_editions_have_single_sided_margins(guide, edition):
    lefts = []
    for index in (6, 7):
        chars, height = _chars(guide.edition(edition), index)
        lefts.append(min(c[1] for c in _body(chars, height)))
    assert abs(lefts[0] - lefts[1]) < 1


def test_trade_chapters_open_on_right_hand_pages(guide):
    with pikepdf.open(guide.pdf) as pdf:
        pages = {page.objgen: i for i, page in enumerate(pdf.pages)}
        with pdf.open_outline() as outline:
            openings = [pages[item.destination[0].objgen] for item in outline.root
                        if item.title != "Contents"]
    assert openings and all(index % 2 == 0 for index in openings)


def test_large_print_body_is_atkinson_at_18pt_or_more_with_wide_lines(guide):
    path = guide.edition("large-print")
    with pikepdf.open(path) as pdf:
        count = len(pdf.pages)
    for index in range(1, count):
        chars, height = _chars(path, index)
        for char, _, _, size, font in chars:
            assert size >= 17.99, (index + 1, char, size)
            assert "Atkinson" in font or char in "↑", (index + 1, char, font)
    chars, height = _chars(path, 8)
    lines = sorted({round(c[2], 1) for c in _body(chars, height)})
    spacing = min(b - a for a, b in zip(lines, lines[1:]) if b - a > 1)
    assert spacing >= 1.5 * 18 - 0.5  # line spacing at least 1.5


def test_large_print_has_no_hyphenation_and_no_colour(guide):
    with pikepdf.open(guide.edition("large-print")) as pdf:
        for page in pdf.pages:
            for operands, operator in pikepdf.parse_content_stream(page):
                if str(operator) in ("rg", "k", "g", "sc", "scn") and operands:
                    values = [float(v) for v in operands if isinstance(v, (int, float, pikepdf.Object))
                              and not isinstance(v, pikepdf.Name)]
                    # black text, or the cover's dark ground and light type
                    assert len(set(round(v, 2) for v in values)) == 1 or page.index == 0
    # no hyphenation: a line ends in a hyphen only where the words have one
    source = " ".join(p.read_text() for p in guide.manuscript.iterdir()
                      if p.suffix in (".md", ".toml"))
    for text in _page_texts(guide.edition("large-print"))[1:]:
        lines = text.split("\r\n")
        for line, following in zip(lines, lines[1:]):
            if line.endswith("-"):
                joined = line.split()[-1] + following.split()[0]
                assert joined.rstrip(".,;:") in source, joined


def test_every_pdf_embeds_all_its_fonts(guide):
    for path in guide.out.glob("*.pdf"):
        with pikepdf.open(path) as pdf:
            for page in pdf.pages:
                for _, font in page.Resources.get("/Font", {}).items():
                    font = font.DescendantFonts[0] if "/DescendantFonts" in font else font
                    descriptor = font.FontDescriptor
                    assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), path.name


def _page_texts(path):
    document = pdfium.PdfDocument(path)
    try:
        return [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()


@pytest.mark.parametrize("size", ["letter", "a4"])
def test_handouts_stand_alone(guide, size):
    handouts = sorted(p for p in guide.editions("handouts") if p.name.endswith(f"-{size}.pdf"))
    assert len(handouts) == 2
    chapters = ["Rebuild Intimacy After Betrayal: Healing Sex and Trust",
                "Finding the Way Back to Closeness"]
    for path, chapter in zip(handouts, chapters):
        texts = _page_texts(path)
        assert "The whole book: healingbrokentrust.com" in \
            " ".join(texts[0].split())
        for number, text in enumerate(texts, start=1):
            flat = " ".join(text.split())
            assert flat.endswith(f"page {number} of {len(texts)}"), (path.name, number)
            assert "Rebuilding Intimacy and Trust After Infidelity ·" in flat
            assert chapter in flat  # the foot names the chapter
            assert len(flat) > 200, "no blank page"
        with pikepdf.open(path) as pdf:
            assert "/StructTreeRoot" in pdf.Root and pdf.open_metadata()["pdfuaid:part"] == "1"
            if size == "letter":
                assert abs(_size(pdf.pages[0])[0] - 612) < 0.5
            else:
                assert abs(_size(pdf.pages[0])[0] - 595.28) < 0.5
    first, second = (" ".join(" ".join(_page_texts(p)).split()) for p in handouts)
    # each handout ends with the references cited in its chapter, and only those
    assert "References Glass, S. P., & Wright, T. L. (2003)" in first and "Spring, J. A." in first
    assert "References" not in second


def test_print_on_demand_interior_is_a_clean_print_file(guide):
    (interior,) = [p for p in guide.editions("print-on-demand") if p.name.endswith("interior.pdf")]
    with pikepdf.open(interior) as pdf:
        assert len(pdf.pages) % 2 == 0
        assert "/Outlines" not in pdf.Root and "/AcroForm" not in pdf.Root
        for index, page in enumerate(pdf.pages):
            assert "/Annots" not in page.obj
            trim = [float(v) for v in page.obj.TrimBox]
            media = [float(v) for v in page.obj.MediaBox]
            assert (trim[2] - trim[0], trim[3] - trim[1]) == (432, 648)
            bleed = BLEED * POINTS
            # bleed at top, bottom and the outside edge, none on the spine side
            assert media[1] == trim[1] - bleed and media[3] == trim[3] + bleed
            if index % 2 == 0:
                assert (media[0], media[2]) == (trim[0], trim[2] + bleed)
            else:
                assert (media[0], media[2]) == (trim[0] - bleed, trim[2])


def test_cover_image_is_in_the_epub_with_alt_text(guide):
    (jpeg,) = [p for p in guide.editions("ebook") if p.suffix == ".jpg"]
    with Image.open(jpeg) as image:
        assert image.size == (1600, 2560) and image.mode == "RGB"
    opf = guide.epub_xml("EPUB/content.opf")
    ns = {"opf": "http://www.idpf.org/2007/opf"}
    (item,) = opf.xpath("//opf:item[@properties='cover-image']", namespaces=ns)
    assert item.get("href") == "cover.jpg" and item.get("media-type") == "image/jpeg"
    with zipfile.ZipFile(guide.epub) as archive:
        assert archive.read("EPUB/cover.jpg") == jpeg.read_bytes()
    cover = guide.epub_xml("EPUB/cover.xhtml")
    (img,) = cover.iter("{http://www.w3.org/1999/xhtml}img")
    assert img.get("alt").startswith("Cover: Rebuilding Intimacy and Trust After Infidelity")


def test_screen_pdfs_open_with_the_cover(guide):
    for edition in ("a4", "letter", "large-print"):
        first = " ".join(_page_texts(guide.edition(edition))[0].split())
        assert first.startswith("Rebuilding Intimacy and Trust After Infidelity")
        assert "HEALING BROKEN TRUST" in first.upper()


def test_wrap_cover_spine_follows_the_page_count_and_paper(guide):
    files = {p.name.rsplit("-", 1)[1]: p for p in guide.editions("print-on-demand")}
    with pikepdf.open(files["interior.pdf"]) as pdf:
        pages = len(pdf.pages)
    with pikepdf.open(files["cover.pdf"]) as pdf:
        (page,) = pdf.pages
        box = [float(v) for v in page.mediabox]
        assert "/Annots" not in page.obj
    spine = spine_width(pages, 0.002252)
    assert abs((box[2] - box[0]) / POINTS - (2 * 6 + spine + 2 * BLEED)) < 0.01
    assert abs((box[3] - box[1]) / POINTS - (9 + 2 * BLEED)) < 0.01
    assert abs(spine - pages * 0.002252) < 1e-9


def test_a_book_chooses_its_editions(tmp_path):
    import shutil

    from quire.build import build
    from tests.conftest import MODIFIED, ROOT, STYLES

    manuscript = tmp_path / "book"
    shutil.copytree(ROOT / "tests" / "fixtures" / "rules" / "base", manuscript)
    toml = manuscript / "book.toml"
    toml.write_text(toml.read_text().replace(
        'subjects = ["Testing"]', 'subjects = ["Testing"]\neditions = ["letter", "ebook"]\n'
        'cover = false'))
    result = build(manuscript, tmp_path / "out", STYLES, MODIFIED, run_validators=False)
    assert sorted(a.edition for a in result.artifacts) == [
        "accessibility-report", "accessibility-report", "ebook", "letter"]
    (ebook,) = [a for a in result.artifacts if a.edition == "ebook"]
    # no trade edition, so no print page numbers to claim
    assert "printPageNumbers" not in ebook.claims.features
