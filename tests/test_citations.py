"""Pandoc-style citation clusters, APA formatting through citeproc-py, and CSL-JSON errors."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from lxml import etree

from quire.citations import (CitationFormatter, CiteItem, Cluster, find_clusters, parse_cluster,
                             read_references)
from quire.errors import BookError

GLASS = {"id": "glass2003", "type": "book",
         "author": [{"family": "Glass", "given": "S. P."}, {"family": "Wright", "given": "T. L."}],
         "issued": {"date-parts": [[2003]]}, "title": "Not Just Friends",
         "publisher": "Free Press"}
SPRING = {"id": "spring2012", "type": "book", "author": [{"family": "Spring", "given": "J. A."}],
          "issued": {"date-parts": [[2012]]}, "title": "After the Affair",
          "publisher": "HarperCollins"}
ENTRIES = {"spring2012": SPRING, "glass2003": GLASS}


# parse_cluster


def test_single_key():
    assert parse_cluster("@glass2003") == Cluster("[@glass2003]", (CiteItem("glass2003"),))


def test_key_with_page_locator_takes_label_page_and_the_number():
    cluster = parse_cluster("@spring2012, p. 12")
    assert cluster.items == (CiteItem("spring2012", "", "12", "page"),)


def test_chapter_locator_gets_the_chapter_label():
    (item,) = parse_cluster("@spring2012, chap. 3").items
    assert (item.label, item.locator) == ("chapter", "3")


def test_locator_without_a_label_word_is_kept_whole():
    (item,) = parse_cluster("@spring2012, 12-14").items
    assert (item.label, item.locator) == ("page", "12-14")


def test_two_keys_separated_by_a_semicolon():
    cluster = parse_cluster("@a; @b")
    assert [item.key for item in cluster.items] == ["a", "b"]
    assert cluster.source == "[@a; @b]"


def test_prefix_before_the_key():
    (item,) = parse_cluster("see @key").items
    assert item == CiteItem("key", prefix="see")


@pytest.mark.parametrize("inner", ["not a citation", "link text", "a; b", "email me"])
def test_brackets_without_an_at_key_are_no_cluster(inner):
    assert parse_cluster(inner) is None


def test_suffix_after_a_page_locator():
    (item,) = parse_cluster("@k, p. 33, emphasis added").items
    assert (item.label, item.locator, item.suffix) == ("page", "33", ", emphasis added")


def test_suppress_author_is_marked():
    (item,) = parse_cluster("-@k").items
    assert item.suppress_author and item.key == "k"


# find_clusters


@pytest.mark.parametrize("text, keys", [
    ("as shown by @key.", ["key"]),
    ("@key, and more", ["key"]),
    ("@doe:2004; then", ["doe:2004"]),
    ("is @key? yes", ["key"]),
    ("@key.name is a key", ["key.name"]),
    ("write to jane@example.com", []),
    ("a <jane@example.com> link", []),
    ("https://example.social/@someone", []),
    ("an escaped \\@key", []),
])
def test_narrative_keys_end_before_trailing_punctuation(text, keys):
    assert [c.items[0].key for _, c in find_clusters(text)] == keys


def test_narrative_citation_takes_the_bracket_after_it():
    ((_, cluster),) = find_clusters("@chatto2000 [p. 33] says")
    assert cluster.narrative and cluster.source == "@chatto2000 [p. 33]"
    assert cluster.items == (CiteItem("chatto2000", locator="33"),)


def test_keys_inside_a_bracketed_citation_are_not_also_narrative():
    found = find_clusters("Both [@a; @b] and @c.")
    assert [(c.narrative, [i.key for i in c.items]) for _, c in found] == [
        (False, ["a", "b"]), (True, ["c"])]


def test_find_clusters_gives_one_based_lines():
    text = "# Title\n\nFirst [@a].\n\nSecond [see @b, p. 4] and [@c; @d].\n"
    found = find_clusters(text)
    assert [(line, [i.key for i in c.items]) for line, c in found] == [
        (3, ["a"]), (5, ["b"]), (5, ["c", "d"])]


def test_cluster_on_the_first_line_is_line_1():
    assert find_clusters("[@a] opens the text")[0][0] == 1


def test_plain_brackets_are_not_clusters():
    assert find_clusters("Some [not a citation] and a [link](https://example.org).\n") == []


def test_cluster_source_is_the_bracketed_text():
    ((_, cluster),) = find_clusters("As shown [@a, p. 3].")
    assert cluster.source == "[@a, p. 3]"


# CitationFormatter


def rendered(entries: dict, source: str, style: str = "apa") -> str:
    """The citation written ``source`` in a chapter, as plain text."""
    ((_, cluster),) = find_clusters(source)
    html = CitationFormatter(entries, [cluster], style)[cluster]
    return re.sub(r"<[^>]+>", "", html).replace("&amp;", "&")


def test_two_authors_are_joined_with_an_escaped_ampersand():
    cluster = parse_cluster("@glass2003")
    formatter = CitationFormatter(ENTRIES, [cluster])
    assert formatter[cluster] == '(<a data-item="0">Glass &amp; Wright, 2003</a>)'


def test_page_locator_is_rendered_after_the_year():
    assert rendered(ENTRIES, "[@spring2012, 12]") == "(Spring, 2012, p. 12)"


def test_same_key_with_and_without_locator_are_rendered_separately():
    plain, paged = parse_cluster("@spring2012"), parse_cluster("@spring2012, p. 12")
    formatter = CitationFormatter(ENTRIES, [plain, paged, plain])
    assert formatter[plain] == '(<a data-item="0">Spring, 2012</a>)'
    assert formatter[paged] == '(<a data-item="0">Spring, 2012, p. 12</a>)'


def test_entries_are_in_alphabetical_order_with_italic_titles():
    # Cited Spring first: the list is still ordered by author.
    formatter = CitationFormatter(ENTRIES, [parse_cluster("@spring2012"),
                                            parse_cluster("@glass2003")])
    entries = formatter.entries()
    assert [key for key, _ in entries] == ["glass2003", "spring2012"]
    assert entries[0][1].startswith("Glass, S. P., &amp; Wright, T. L. (2003).")
    assert "<i>Not Just Friends</i>" in entries[0][1]
    assert "<i>After the Affair</i>" in entries[1][1]


def test_a_cluster_is_sorted_as_the_style_says_each_item_its_own_link():
    cluster = parse_cluster("@spring2012; @glass2003")
    html = CitationFormatter(ENTRIES, [cluster])[cluster]
    # APA orders a cluster by author: Glass before Spring, whatever the order written.
    assert html == ('(<a data-item="1">Glass &amp; Wright, 2003</a>; '
                    '<a data-item="0">Spring, 2012</a>)')


def test_suppress_author_gives_the_year_only():
    assert rendered(ENTRIES, "Spring [-@spring2012] says") == "(2012)"
    assert rendered(ENTRIES, "[-@spring2012, p. 4; @glass2003]") == \
        "(Glass & Wright, 2003; 2012, p. 4)"


def test_narrative_citation_names_the_authors_then_the_year():
    assert rendered(ENTRIES, "@spring2012 says") == "Spring (2012)"
    assert rendered(ENTRIES, "@glass2003 [p. 33] says") == "Glass & Wright (2003, p. 33)"


@pytest.mark.parametrize("source, text", [
    ("[@spring2012, p. 33]", "(Spring, 2012, p. 33)"),
    ("[@spring2012, pp. 33-35]", "(Spring, 2012, pp. 33–35)"),
    ("[@spring2012, p. 33, emphasis added]", "(Spring, 2012, p. 33, emphasis added)"),
    ("[@spring2012, emphasis added]", "(Spring, 2012, emphasis added)"),
    ("[see @spring2012, pp. 33-35, 38 and passim]", "(see Spring, 2012, pp. 33–35, 38 and passim)"),
    ("[see Smith & Jones, @spring2012]", "(see Smith & Jones, Spring, 2012)"),
])
def test_locators_prefixes_and_suffixes_as_pandoc_reads_them(source, text):
    assert rendered(ENTRIES, source) == text


def test_chapter_locator_keeps_its_label():
    (item,) = parse_cluster("@spring2012, chap. 2").items
    assert (item.label, item.locator, item.suffix) == ("chapter", "2", "")
    assert rendered(ENTRIES, "[@spring2012, chap. 2]", "modern-language-association") == \
        "(Spring, After the Affair, ch. 2)"


def test_prefix_and_suffix_text_is_escaped():
    cluster = parse_cluster("see Smith & Jones <i>, @spring2012, p. 3 & more")
    html = CitationFormatter(ENTRIES, [cluster])[cluster]
    assert html.startswith("(see Smith &amp; Jones &lt;i&gt;, <a ")
    assert html.endswith("</a> &amp; more)")


@pytest.mark.parametrize("style", ["chicago-author-date", "ieee", "chicago-notes-bibliography",
                                   "modern-language-association", "nature"])
def test_other_styles_render_every_kind_of_citation(style):
    clusters = [c for _, c in find_clusters(
        "[@spring2012; @glass2003] [-@glass2003, p. 3] @spring2012 [chap. 2] says")]
    formatter = CitationFormatter(ENTRIES, clusters, style)
    for cluster in clusters:
        html = formatter[cluster]
        assert html.count("<a data-item=") == len(cluster.items), html
    assert len(formatter.entries()) == 2


def test_chicago_author_date():
    assert rendered(ENTRIES, "[@spring2012; @glass2003, 33]", "chicago-author-date") == \
        "(Glass and Wright 2003, 33; Spring 2012)"
    assert rendered(ENTRIES, "@glass2003 says", "chicago-author-date") == \
        "Glass and Wright (2003)"


def test_a_numeric_style_names_the_authors_of_a_narrative_citation():
    assert rendered(ENTRIES, "@glass2003 says", "ieee") == "Glass & Wright [1]"


# read_references


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "references.json"
    path.write_text(text, encoding="utf-8")
    return path


def error_for(path: Path) -> BookError:
    with pytest.raises(BookError) as caught:
        read_references(path)
    return caught.value


def test_read_references_keys_entries_by_lower_case_id(tmp_path):
    path = write(tmp_path, json.dumps([dict(GLASS, id="Glass2003"), SPRING], indent=2))
    entries, text = read_references(path)
    assert set(entries) == {"glass2003", "spring2012"}
    assert entries["glass2003"]["id"] == "Glass2003"
    assert text == path.read_text(encoding="utf-8")


def test_malformed_json_is_m008_on_the_line_of_the_error(tmp_path):
    path = write(tmp_path, '[\n  {\n    "id": "a",\n    "type": "book"\n    "title": "T"\n  }\n]\n')
    error = error_for(path)
    assert error.code == "M008"
    assert error.path == path
    assert error.line == 5
    assert error.hint


def test_bibliography_that_is_not_a_list_is_m009(tmp_path):
    error = error_for(write(tmp_path, json.dumps(GLASS)))
    assert error.code == "M009"
    assert "list" in error.message


def test_entry_without_id_is_m009_on_its_line(tmp_path):
    path = write(tmp_path, '[\n  {"id": "a", "type": "book", "title": "A"},\n'
                           '  {"type": "book", "title": "B"}\n]\n')
    error = error_for(path)
    assert error.code == "M009"
    assert "entry 2" in error.message
    assert error.line == 3


def test_entry_without_title_is_read(tmp_path):
    # pandoc writes entries without a title; CSL renders them without one.
    entries, _ = read_references(write(tmp_path, '[\n  {"id": "a", "type": "book"}\n]\n'))
    assert entries["a"]["type"] == "book"


def test_duplicate_id_is_m010_on_the_second_entry(tmp_path):
    path = write(tmp_path, '[\n  {"id": "a", "type": "book", "title": "A"},\n'
                           '  {"id": "a", "type": "book", "title": "Again"}\n]\n')
    error = error_for(path)
    assert error.code == "M010"
    assert error.line == 3


def test_ids_differing_only_in_case_are_m010_on_the_second_entry(tmp_path):
    path = write(tmp_path, '[\n  {"id": "Glass2003", "type": "book", "title": "A"},\n'
                           '  {"id": "glass2003", "type": "book", "title": "B"}\n]\n')
    error = error_for(path)
    assert error.code == "M010"
    assert error.line == 3


def test_bibliography_that_is_not_utf8_is_m007(tmp_path):
    path = tmp_path / "references.json"
    path.write_bytes(b'[{"id": "a", "type": "book", "title": "\xff"}]')
    assert error_for(path).code == "M007"


# The whole manuscript: read_manuscript on small books


BOOK_TOML = """\
title = "Cited"
language = "en"
identifier = "urn:uuid:5b6a2c1e-8f0d-4a3b-9c7e-2d1f0e9a8b7c"
publisher = "Quire Test Press"
date = 2025-01-01
rights = "© 2025 Quire Test Press"
description = "A book that cites."
subjects = ["Testing"]
{extra}
[[creators]]
name = "Quire Tests"
"""
FILIPPI = {"id": "filippi2008", "type": "book", "title": "Deserts",
           "author": [{"family": "Filippi", "given": "A."}], "issued": {"date-parts": [[2008]]}}
CHATTO = {"id": "chatto2000", "type": "book", "title": "Coasts",
          "author": [{"family": "Chatto", "given": "B."}], "issued": {"date-parts": [[2000]]}}


def manuscript(tmp_path: Path, chapter: str, references=(FILIPPI, CHATTO), extra: str = "",
               bib_name: str = "references.json", bib_text: str | None = None) -> Path:
    root = tmp_path / "book"
    root.mkdir()
    (root / "book.toml").write_text(BOOK_TOML.format(extra=extra), encoding="utf-8")
    (root / "chapter.md").write_text(chapter, encoding="utf-8")
    if bib_text is None and references is not None:
        bib_text = json.dumps(list(references), indent=2)
    if bib_text is not None:
        (root / bib_name).write_text(bib_text, encoding="utf-8")
    return root


def read(root: Path):
    from quire.manuscript import read_manuscript
    return read_manuscript(root, dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc))


def paragraph_texts(book) -> list[str]:
    html = etree.fromstring(f"<x>{book.chapters[0].html}</x>".replace("epub:type", "epub-type"))
    return [" ".join("".join(p.itertext()).split()) for p in html.iter("p")]


def problems_of(root: Path) -> list[BookError]:
    from quire.errors import BookErrors
    try:
        read(root)
    except BookError as error:
        return [error]
    except BookErrors as errors:
        return list(errors.errors)
    return []


def test_book_cluster_is_sorted_and_each_work_links_to_its_entry(tmp_path):
    book, _ = read(manuscript(tmp_path, "# T\n\nDunes [@filippi2008; @chatto2000].\n"))
    assert paragraph_texts(book) == ["Dunes (Chatto, 2000; Filippi, 2008)."]
    html = etree.fromstring(f"<x>{book.chapters[0].html}</x>".replace("epub:type", "epub-type"))
    assert [(a.get("id"), a.get("href"), a.get("role"), a.get("epub-type")) for a in
            html.iter("a")] == [("cite-1", "#ref-chatto2000", "doc-biblioref", "biblioref"),
                                ("cite-2", "#ref-filippi2008", "doc-biblioref", "biblioref")]
    assert {r.key: r.cited_by for r in book.references} == {"chatto2000": ("cite-1",),
                                                          "filippi2008": ("cite-2",)}


def test_book_suppress_author_and_narrative_citations(tmp_path):
    book, _ = read(manuscript(tmp_path, "# T\n\nChatto [-@chatto2000] says.\n\n"
                                        "@chatto2000 says so.\n\n@chatto2000 [p. 33] says.\n\n"
                                        "As shown by @filippi2008. And by @chatto2000, too.\n"))
    assert paragraph_texts(book) == ["Chatto (2000) says.", "Chatto (2000) says so.",
                                     "Chatto (2000, p. 33) says.",
                                     "As shown by Filippi (2008). And by Chatto (2000), too."]
    assert [r.cited_by for r in book.references] == [("cite-1", "cite-2", "cite-3", "cite-5"),
                                                     ("cite-4",)]


def test_book_citation_prefix_with_an_ampersand_builds(tmp_path):
    book, _ = read(manuscript(tmp_path, "# T\n\nAs [see Smith & Jones, @chatto2000] and "
                                        "[@chatto2000, p. 33, emphasis added] show.\n"))
    assert paragraph_texts(book) == [
        "As (see Smith & Jones, Chatto, 2000) and (Chatto, 2000, p. 33, emphasis added) show."]


def test_book_text_in_code_is_never_a_citation(tmp_path):
    chapter = ("# T\n\nWrite to jane@example.com or `@nobody2000`.\n\n"
               "    mail <a@example.com> and @smith2004\n\n```\n[@unknown1]\n```\n\n"
               "<!-- @todo2025 check -->\nEnd @chatto2000.\n")
    book, _ = read(manuscript(tmp_path, chapter))
    assert [r.key for r in book.references] == ["chatto2000"]


def test_book_unknown_keys_are_all_reported_with_their_lines(tmp_path):
    chapter = "# T\n\nFirst [@filipi2008].\n\nThen @chato2000 says.\n\n@everyone knows @home.\n"
    problems = problems_of(manuscript(tmp_path, chapter))
    assert [(p.code, p.line, p.message) for p in problems] == [
        ("M017", 3, "unknown citation key '@filipi2008'"),
        ("M017", 5, "unknown citation key '@chato2000'")]
    assert all(p.path.name == "chapter.md" and p.hint for p in problems)


def test_book_without_a_bibliography_leaves_at_words_as_text(tmp_path):
    book, _ = read(manuscript(tmp_path, "# T\n\nAsk @smith2004 on the forum.\n",
                              references=None))
    assert paragraph_texts(book) == ["Ask @smith2004 on the forum."]


def test_book_uncited_entries_are_one_warning(tmp_path):
    many = [dict(FILIPPI, id=f"extra{n}") for n in range(50)]
    _, warnings = read(manuscript(tmp_path, "# T\n\nSee [@chatto2000].\n",
                                  references=[CHATTO, *many]))
    assert len(warnings) == 1
    (warning,) = warnings
    assert warning.code == "W001" and warning.path.name == "references.json"
    assert warning.message.startswith("50 entries of references.json are never cited")


def test_book_citation_style_from_book_toml(tmp_path):
    book, _ = read(manuscript(tmp_path, "# T\n\nDunes [@filippi2008; @chatto2000, 33].\n",
                              extra='citation_style = "chicago-author-date"\n'))
    assert paragraph_texts(book) == ["Dunes (Chatto 2000, 33; Filippi 2008)."]
    assert book.references[0].html.startswith("Chatto, B. 2000.")


@pytest.mark.parametrize("style", ["chicago-notes-bibliography", "ieee"])
def test_book_note_or_numeric_style_builds(tmp_path, style):
    book, _ = read(manuscript(tmp_path, "# T\n\nDunes [@filippi2008; -@chatto2000, 3] and "
                                        "@chatto2000 says.\n",
                              extra=f'citation_style = "{style}"\n'))
    assert len(book.references) == 2
    assert "Chatto" in paragraph_texts(book)[0]


def test_book_unknown_style_is_m021_with_close_names(tmp_path):
    (problem,) = problems_of(manuscript(tmp_path, "# T\n\n[@chatto2000]\n",
                                        extra='citation_style = "chicago-autor-date"\n'))
    assert (problem.code, problem.path.name, problem.line) == ("M021", "book.toml", 9)
    assert "'chicago-author-date'" in problem.hint


def test_book_unknown_style_and_unknown_keys_are_reported_in_one_run(tmp_path):
    problems = problems_of(manuscript(tmp_path, "# T\n\n[@chato2000] and [@chatto2000]\n",
                                      extra='citation_style = "chicago-autor-date"\n'))
    assert [(p.code, p.path.name) for p in problems] == [("M021", "book.toml"),
                                                         ("M017", "chapter.md")]


def test_book_citations_in_headings_and_notes_count_up_in_reading_order(tmp_path):
    chapter = ("# T\n\n## What @chatto2000 says\n\nText.[^1] And @filippi2008's view "
               "[@chatto2000, pp. 33-35].^[As [@filippi2008, chap. 2] shows.]\n\n"
               "[^1]: As @chatto2000 [p. 3] says; see <https://example.org/x>.\n")
    book, _ = read(manuscript(tmp_path, chapter))
    assert {r.key: r.cited_by for r in book.references} == {
        "chatto2000": ("cite-1", "cite-3", "cite-4"), "filippi2008": ("cite-2", "cite-5")}
    assert book.chapters[0].headings[1].text == "What Chatto (2000) says"


def test_book_style_name_is_read_whatever_its_case(tmp_path):
    book, _ = read(manuscript(tmp_path, "# T\n\n[@chatto2000]\n",
                              extra='citation_style = "Chicago-Author-Date"\n'))
    assert paragraph_texts(book) == ["(Chatto 2000)"]


def test_book_unknown_style_far_from_any_name_lists_some(tmp_path):
    (problem,) = problems_of(manuscript(tmp_path, "# T\n\n[@chatto2000]\n",
                                        extra='citation_style = "zzz"\n'))
    assert problem.code == "M021"
    assert "apa" in problem.hint and "chicago-author-date" in problem.hint


# pandoc's CSL-JSON and BibTeX


PANDOC_JSON = """[
  {"id": "chatto2000", "type": "", "author": [{"literal": "World Health Organization"}],
   "issued": {"date-parts": [["2000"]]}, "title": "Coasts of <span class=\\"nocase\\">DNA</span>"},
  {"id": "filippi2008", "type": "book", "author": [{"family": "Filippi", "given": "A."}],
   "issued": {"date-parts": [["2008", "3"]]}}
]
"""


def test_pandocs_csl_json_is_read(tmp_path):
    entries, _ = read_references(write(tmp_path, PANDOC_JSON))
    assert entries["chatto2000"]["type"] == "document"
    assert entries["filippi2008"]["issued"] == {"date-parts": [[2008, 3]]}
    book, _ = read(manuscript(tmp_path, "# T\n\nSee [@chatto2000; @filippi2008].\n",
                              bib_text=PANDOC_JSON))
    assert paragraph_texts(book) == ["See (Filippi, 2008; World Health Organization, 2000)."]
    html = {r.key: r.html for r in book.references}
    assert html["chatto2000"] == "World Health Organization. (2000). <i>Coasts of DNA</i>."
    assert html["filippi2008"].startswith("Filippi, A. (2008).")  # no title: none printed


BIBTEX = r"""Exported from a library; jane@example.com keeps it.

@string{sea = "Sea Press"}

@book{Chatto2000,
  author    = {Chatto, Bruce and {World Health Organization}},
  title     = {Coasts of {DNA} \& Sea},
  publisher = sea,
  year      = 2000,
}

@online{web2019, title = {A Site}, url = {https://example.org/x}, date = {2019-05-02},
  author = {Doe, Jane}}
"""


def test_bibtex_bibliography_is_read_by_its_extension(tmp_path):
    root = manuscript(tmp_path, "# T\n\nAs @Chatto2000 and [@web2019] show.\n",
                      references=None, bib_name="references.bib", bib_text=BIBTEX)
    book, warnings = read(root)
    assert paragraph_texts(book) == [
        "As Chatto & World Health Organization (2000) and (Doe, 2019) show."]
    html = {r.key: r.html for r in book.references}
    assert html["chatto2000"] == ("Chatto, B., &amp; World Health Organization. (2000). "
                                  "<i>Coasts of DNA &amp; Sea</i>. Sea Press.")
    assert "https://" in html["web2019"] and warnings == []


@pytest.mark.parametrize("text, line, code", [
    ("@book{a, title = {A}}\n\n@book{b,\n  title = {B},\n  year 2001\n}\n", 5, "M008"),
    ("@book{a, title = {A}}\n@article{b, title = {B}\n", 2, "M008"),
    ("@book{a, title = {A} {B}}\n", 1, "M008"),
    ("\n@book{title = {A}}\n", 2, "M009"),
    ("@book{a, title = {A}}\n@book{A, title = {B}}\n", 2, "M010"),
])
def test_malformed_bibtex_is_an_error_on_its_line(tmp_path, text, line, code):
    path = tmp_path / "references.bib"
    path.write_text(text, encoding="utf-8")
    error = error_for(path)
    assert (error.code, error.path, error.line) == (code, path, line)
    assert error.hint
