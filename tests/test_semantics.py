"""Issue 7, accessibility for real readers: what reading systems act on, on the built books.

- ``epub:type`` beside every ARIA role of notes, citations and back-links (Foliate, Apple
  Books and Kobo act on ``epub:type``, not on roles);
- back-links whose names are unique in the book and say where they go;
- web addresses, domains and e-mail addresses never hyphenated, in any edition;
- a heading on the cover, title and copyright pages, without new bookmarks or a new look;
- headings kept with what follows them in the ebook.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
import tinycss2

from quire.addresses import find_addresses, mark_addresses, split_address
from quire.build import build
from tests.conftest import MODIFIED, ROOT, STYLES, Built

X = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
FIXTURE = ROOT / "tests" / "fixtures" / "semantics-book"
#: An address as the tests find it in a manuscript, independently of quire/addresses.py.
ADDRESS = re.compile(r"(?:https?://|www\.)[^\s)<>\]]+[^\s)<>\].,;:!?]|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
                     r"|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net)\b(?:/[^\s)\]]*[^\s).,\]])?")


@pytest.fixture(scope="session")
def semantics_book(tmp_path_factory) -> Built:
    """Notes in two chapters (one referred to twice), a work cited from both, addresses."""
    out = tmp_path_factory.mktemp("semantics")
    return Built(FIXTURE, out, build(FIXTURE, out, STYLES, MODIFIED))


@pytest.fixture(params=["guide", "semantics_book"])
def book(request) -> Built:
    return request.getfixturevalue(request.param)


def _documents(built: Built) -> dict[str, ET.Element]:
    with zipfile.ZipFile(built.epub) as archive:
        return {Path(name).name: ET.fromstring(archive.read(name))
                for name in archive.namelist() if name.endswith(".xhtml")}


def _text(element: ET.Element) -> str:
    return " ".join("".join(element.itertext()).split())


# --- epub:type beside the roles ---------------------------------------------------------------

ROLE_TYPES = {"doc-noteref": "noteref", "doc-endnotes": "endnotes", "doc-biblioref": "biblioref",
              "doc-backlink": "backlink", "doc-bibliography": "bibliography"}


def test_every_note_citation_and_backlink_role_has_its_epub_type(semantics_book):
    seen = set()
    for name, tree in _documents(semantics_book).items():
        for element in tree.iter():
            role = element.get("role")
            if role in ROLE_TYPES:
                seen.add(role)
                assert ROLE_TYPES[role] in element.get(EPUB_TYPE, "").split(), (name, role)
    assert seen == set(ROLE_TYPES)


def test_every_note_is_an_endnote_that_its_noterefs_point_to(semantics_book):
    documents = _documents(semantics_book)
    notes = {}
    for name, tree in documents.items():
        for section in tree.iter():
            if section.get("role") == "doc-endnotes":
                assert section.get(EPUB_TYPE) == "endnotes"
                for item in section.iter(f"{X}li"):
                    assert item.get(EPUB_TYPE) == "endnote", item.get("id")
                    notes[(name, item.get("id"))] = item
    assert len(notes) == 3
    refs = [(name, a) for name, tree in documents.items() for a in tree.iter(f"{X}a")
            if a.get(EPUB_TYPE) == "noteref"]
    assert len(refs) == 4
    for name, link in refs:
        file, _, target = link.get("href").rpartition("#")
        assert (file or name, target) in notes


def test_the_guide_marks_its_citations_backlinks_and_bibliography(guide):
    documents = _documents(guide)
    citations = [a for tree in documents.values() for a in tree.iter(f"{X}a")
                 if a.get("role") == "doc-biblioref"]
    assert citations and all(a.get(EPUB_TYPE) == "biblioref" for a in citations)
    references = documents["references.xhtml"]
    assert references.find(f".//{X}section").get(EPUB_TYPE) == "bibliography"
    entries = references.findall(f".//{X}ul/{X}li")
    assert entries and all(li.get(EPUB_TYPE) == "biblioentry" for li in entries)
    backlinks = [a for a in references.iter(f"{X}a") if a.get("class") == "backlink"]
    assert len(backlinks) == len(citations)
    assert all(a.get(EPUB_TYPE) == "backlink" and a.get("role") == "doc-backlink"
               for a in backlinks)


# --- back-link names --------------------------------------------------------------------------

def _backlinks(built: Built) -> list[tuple[str, ET.Element]]:
    return [(name, a) for name, tree in _documents(built).items() for a in tree.iter(f"{X}a")
            if a.get("role") == "doc-backlink"]


def test_backlink_names_are_unique_in_the_book(book):
    names = [a.get("aria-label") for _, a in _backlinks(book)]
    assert names and all(names)
    assert len(set(names)) == len(names), names


def test_backlink_names_say_where_they_go(book):
    """Each names the chapter its target is in, and the work or the note it comes from."""
    documents = _documents(book)
    for name, link in _backlinks(book):
        file, _, target = link.get("href").rpartition("#")
        tree = documents[file or name]
        (chapter_title,) = [_text(h) for h in tree.iter(f"{X}h1")]
        label = link.get("aria-label")
        assert f"in “{chapter_title}”" in label, label
        assert tree.find(f".//*[@id='{target}']") is not None
        if link.get("class") == "backlink":  # from the reference list: names the work
            entry = documents["references.xhtml"].find(f".//*[@href='{link.get('href')}']/..")
            author = _text(entry).split(",")[0]
            assert re.search(rf"of {re.escape(author)}\b.* \(\d{{4}}[a-z]?\)", label), label
        else:  # from a note: names the note's number
            note_number = _text(tree.find(f".//*[@id='{target}']"))
            assert f"note {note_number}" in label or f"note reference {note_number}" in label


def test_backlink_names_of_the_fixture(semantics_book):
    names = sorted(a.get("aria-label") for _, a in _backlinks(semantics_book))
    assert names == sorted([
        "Back to citation 1 of 2 of Glass (2003), in “Notes and Places”",
        "Back to citation 2 of 2 of Glass (2003), in “More Notes”",
        "Back to the citation of Johnson (2019) in “More Notes”",
        "Back to reference 1 of 2 to note 1 in “Notes and Places”",
        "Back to reference 2 of 2 to note 1 in “Notes and Places”",
        "Back to note reference 2 in “Notes and Places”",
        "Back to note reference 1 in “More Notes”",
    ])


def test_the_guide_names_its_two_reference_backlinks_apart(guide):
    names = [a.get("aria-label") for _, a in _backlinks(guide)]
    chapter = "Rebuild Intimacy After Betrayal: Healing Sex and Trust"
    assert sorted(names) == [f"Back to the citation of Glass & Wright (2003) in “{chapter}”",
                             f"Back to the citation of Spring (2012) in “{chapter}”"]


# --- addresses --------------------------------------------------------------------------------

def test_addresses_are_found_and_cut_only_after_slashes_and_dots():
    text = ("See healingbrokentrust.com. Mail jane.doe@example.org, or www.example.net/a-b; "
            "(https://en.wikipedia.org/wiki/Foo_(bar)). Not e.g. or i.e. or U.S. or 3.5.")
    assert [text[s:e] for s, e in find_addresses(text)] == [
        "healingbrokentrust.com", "jane.doe@example.org", "www.example.net/a-b",
        "https://en.wikipedia.org/wiki/Foo_(bar)"]
    assert split_address("https://doi.org/10.1037/a-b") == [
        "https://", "doi.", "org/", "10.", "1037/", "a-b"]


def test_marking_keeps_the_text_and_leaves_code_alone():
    root = ET.fromstring("<p>At <em>x</em> example.com/a now <code>example.com</code> and "
                         '<a href="https://example.org">the site example.org</a>.</p>')
    before = "".join(root.itertext())
    assert mark_addresses(root) == 2
    assert "".join(root.itertext()) == before
    assert root.find("code").text == "example.com" and not list(root.find("code"))
    pieces = [s.text for s in root.iter("span") if s.get("class") == "url"]
    assert pieces == ["example.", "com/", "a", "example.", "org"]
    assert [c.tag for c in root.find("a")] == ["span", "wbr", "span"]


def _addresses_by_chapter(manuscript: Path) -> dict[int, set[str]]:
    """The addresses of the text of each chapter (chapters in file-name order, from 1)."""
    found = {}
    for number, path in enumerate(sorted(manuscript.glob("*.md")), start=1):
        found[number] = set()
        for line in path.read_text(encoding="utf-8").splitlines():
            line = re.sub(r"\]\([^)]*\)", "]", line)  # not the link targets: they are not shown
            found[number] |= {m.group(0).rstrip(".") for m in ADDRESS.finditer(line)}
    return found


def _addresses_in_manuscript(manuscript: Path) -> set[str]:
    return set().union(*_addresses_by_chapter(manuscript).values())


def test_every_address_of_the_text_is_marked_in_the_ebook(book):
    expected = _addresses_in_manuscript(book.manuscript)
    assert expected
    marked = set()
    for tree in _documents(book).values():
        for parent in tree.iter():
            # \x01piece\x02 for each span.url; pieces with only a <wbr/> between are one address.
            text = ""
            for child in parent:
                if child.get("class") == "url":
                    text += "\x01" + (child.text or "") + "\x02"
                elif child.tag != f"{X}wbr":
                    text += "\x03"
                text += child.tail or ""
            marked |= set(re.findall("\x01([^\x02]*)\x02", text.replace("\x02\x01", "")))
    assert expected <= marked, expected - marked


def _pdf_text(path: Path) -> str:
    document = pdfium.PdfDocument(path)
    try:
        return "\r\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


#: A domain (or e-mail address) broken by hyphenation: pdfium gives a hyphen it added as
#: U+FFFE, a hyphen of the text before a line end as "-\r\n".
HYPHENATED_DOMAIN = re.compile(r"[\w.@-]*\w(?:\ufffe(?:\r\n)?|-\r\n)[\w.-]*\.(?:com|org|net)\b")


def test_no_address_is_hyphenated_in_any_pdf(book):
    by_chapter = _addresses_by_chapter(book.manuscript)
    pdfs = [book.out / a.name for a in book.result.artifacts if a.format == "pdf"]
    assert len(pdfs) >= 2
    for pdf in pdfs:
        text = _pdf_text(pdf)
        assert "\u200b" not in text, pdf.name  # <wbr/> adds nothing to the text
        assert not HYPHENATED_DOMAIN.search(text), (pdf.name, HYPHENATED_DOMAIN.findall(text))
        if "cover" in pdf.name:
            continue
        handout = re.search(r"-handout-(\d+)-", pdf.name)
        addresses = by_chapter[int(handout[1])] if handout else set().union(*by_chapter.values())
        for address in addresses:
            # Whole, or broken only at a line end after a "/" or a ".".
            pattern = "".join(re.escape(c) + ("(?:\r\n)?" if c in "/." else "") for c in address)
            assert re.search(pattern, text), (pdf.name, address)


def test_a_long_address_breaks_after_slashes_and_dots_only(semantics_book):
    text = _pdf_text(semantics_book.pdf)
    for address in ("https://www.example.org/guides/rebuilding-trust/after-infidelity/"
                    "attachment-focused-couples-therapy/index.html",
                    "https://www.example.org/a-long-path/with-several-segments/"
                    "and-hyphenated-words-in-it/page.html",
                    "https://doi.org/10.1111/jmft.12345-with-a-long-suffix"):
        pattern = "".join(re.escape(c) + ("(\r\n)?" if c in "/." else "") for c in address)
        match = re.search(pattern, text)
        assert match, address
        assert "\r\n" in match.group(0), f"{address} fits a line: the test proves nothing"
        assert "\ufffe" not in match.group(0)


def test_the_guide_call_to_action_address_is_whole_in_the_trade_edition(guide):
    """It was printed "healingbroken-" / "trust.com"."""
    text = _pdf_text(guide.pdf)
    assert re.search(r"healingbrokentrust\.(\r\n)?com", text)
    assert "healingbroken\ufffe" not in text and "healingbroken-" not in text


def _rules(css: str) -> dict[str, str]:
    rules = {}
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type == "qualified-rule":
            selector = " ".join(tinycss2.serialize(rule.prelude).split())
            rules[selector] = rules.get(selector, "") + tinycss2.serialize(rule.content)
    return rules


@pytest.mark.parametrize("stylesheet", ["epub.css", "print.css"])
def test_addresses_are_set_without_hyphenation(stylesheet):
    declarations = _rules((STYLES / stylesheet).read_text(encoding="utf-8"))[".url"]
    assert re.search(r"(^|[;\s])hyphens:\s*manual", declarations)
    assert re.search(r"white-space:\s*nowrap", declarations)


# --- headings of the front matter -------------------------------------------------------------

def test_cover_title_and_copyright_pages_have_a_level_one_heading(guide):
    documents = _documents(guide)
    expected = {"cover.xhtml": "Cover", "copyright.xhtml": "Copyright",
                "titlepage.xhtml": "Rebuilding Intimacy and Trust After Infidelity"}
    for name, title in expected.items():
        headings = [h for h in documents[name].iter() if h.tag in {f"{X}h{n}" for n in range(1, 7)}]
        assert [(h.tag, _text(h)) for h in headings] == [(f"{X}h1", title)], name
    for name in ("cover.xhtml", "copyright.xhtml"):
        assert documents[name].find(f".//{X}h1").get("class") == "visually-hidden"


def test_visually_hidden_is_defined_for_both_media():
    for stylesheet in ("epub.css", "print.css"):
        declarations = _rules((STYLES / stylesheet).read_text(encoding="utf-8"))[
            ".visually-hidden"]
        assert "position: absolute" in declarations and "overflow: hidden" in declarations
    print_rules = _rules((STYLES / "print.css").read_text(encoding="utf-8"))
    assert "bookmark-level: none" in print_rules[".visually-hidden"]
    assert "bookmark-level: none" in print_rules[".titlepage .book-title"]


def _outline(pdf: pikepdf.Pdf) -> list[str]:
    with pdf.open_outline() as outline:
        titles, todo = [], list(outline.root)
        while todo:
            item = todo.pop(0)
            titles.append(item.title)
            todo[:0] = list(item.children)
    return titles


def test_new_headings_are_not_bookmarks_nor_in_the_contents(guide):
    nav = _documents(guide)["nav.xhtml"]
    contents = [_text(a) for a in nav.find(f".//{X}nav").iter(f"{X}a")]
    for edition in ("trade", "a4", "large-print"):
        with pikepdf.open(guide.edition(edition)) as pdf:
            # The printed contents, then its entries heading for heading: nothing else from
            # the front matter (title, copyright).
            assert _outline(pdf) == ["Contents", *contents], edition
    assert contents[0] == "Rebuild Intimacy After Betrayal: Healing Sex and Trust"
    assert contents[-1] == "References"


def test_the_pdf_title_page_title_is_its_first_heading(guide):
    """Tagged H1 (Matterhorn 14-002 wants the first heading an H1), and the copyright page's."""
    with pikepdf.open(guide.pdf) as pdf:
        headings = []

        def walk(element):
            kids = element.get("/K")
            for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
                if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    if re.fullmatch(r"/H[1-6]", str(kid.S)):
                        headings.append(str(kid.S))
                    walk(kid)

        walk(pdf.Root.StructTreeRoot)
    assert headings[:3] == ["/H1", "/H1", "/H1"]  # title, copyright, contents


# --- headings in the ebook stay with their text ----------------------------------------------

def test_ebook_headings_are_kept_with_what_follows_and_never_split():
    rules = _rules((STYLES / "epub.css").read_text(encoding="utf-8"))
    declarations = rules["h1, h2, h3, h4, h5, h6"]
    for declaration in ("break-after: avoid", "break-inside: avoid",
                        "page-break-after: avoid", "page-break-inside: avoid"):
        assert declaration in declarations
