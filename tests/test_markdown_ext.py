"""Chapter Markdown -> XHTML: book-wide ids, checked images, citations, no raw HTML."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from quire.citations import find_clusters, parse_cluster
from quire.markdown_ext import BookIds, SourceProblem, convert_chapter
from quire.model import Image
from tests.images import tiny_png


@pytest.fixture
def root(tmp_path) -> Path:
    folder = tmp_path / "book"
    folder.mkdir()
    return folder


def ids_for(root: Path, citation_html: dict | None = None) -> BookIds:
    return BookIds(citation_html=citation_html or {}, manuscript_root=root)


def problem_for(text: str, ids: BookIds) -> SourceProblem:
    """The one problem the chapter has (the reader collects them all, raising none)."""
    _, state = convert_chapter(text, ids)
    assert len(state.problems) == 1, state.problems
    return state.problems[0]


def parse(html: str) -> etree._Element:
    return etree.fromstring(f'<div xmlns:epub="http://www.idpf.org/2007/ops">{html}</div>')


def test_headings_get_slug_ids(root):
    html, state = convert_chapter("# The First Night\n\n## What *she* felt\n", ids_for(root))
    tree = parse(html)
    assert tree.find("h1").get("id") == "the-first-night"
    assert tree.find("h2").get("id") == "what-she-felt"
    assert [(h.level, h.id, h.text) for h in state.headings] == [
        (1, "the-first-night", "The First Night"), (2, "what-she-felt", "What she felt")]
    assert state.headings[1].html == "What <em>she</em> felt"


def test_same_heading_in_two_chapters_gets_unique_ids(root):
    ids = ids_for(root)
    first, _ = convert_chapter("# Intro\n", ids)
    second, state = convert_chapter("# Intro\n", ids)
    assert parse(first).find("h1").get("id") == "intro"
    assert parse(second).find("h1").get("id") == "intro-2"
    assert state.headings[0].id == "intro-2"


def test_explicit_heading_id_is_kept(root):
    html, state = convert_chapter("# Intro {#start}\n", ids_for(root))
    assert parse(html).find("h1").get("id") == "start"
    assert state.headings[0].text == "Intro"


def test_duplicate_explicit_ids_across_chapters_are_m011(root):
    ids = ids_for(root)
    convert_chapter("# One\n\n## Part {#same}\n", ids)
    problem = problem_for("# Two\n\n## Part {#same}\n", ids)
    assert problem.code == "M011"
    assert problem.needle == "#same"
    assert problem.hint


def test_image_without_alt_text_is_m012(root):
    (root / "fig.png").write_bytes(tiny_png())
    problem = problem_for("# T\n\n![](fig.png)\n", ids_for(root))
    assert problem.code == "M012"
    assert problem.needle == "fig.png"


@pytest.mark.parametrize("src", ["http://example.com/a.png", "https://example.com/a.png",
                                 "//example.com/a.png", "file:///etc/passwd"])
def test_remote_image_is_m013(root, src):
    problem = problem_for(f"# T\n\n![A picture]({src})\n", ids_for(root))
    assert problem.code == "M013"
    assert problem.needle == src


def test_image_outside_the_manuscript_folder_is_m013_even_if_it_exists(root):
    (root.parent / "outside.png").write_bytes(tiny_png())
    problem = problem_for("# T\n\n![A picture](../outside.png)\n", ids_for(root))
    assert problem.code == "M013"


def test_absolute_image_path_is_m013(root):
    (root / "fig.png").write_bytes(tiny_png())
    problem = problem_for(f"# T\n\n![A picture]({root / 'fig.png'})\n", ids_for(root))
    assert problem.code == "M013"


def test_missing_image_is_m014(root):
    problem = problem_for("# T\n\n![A picture](missing.png)\n", ids_for(root))
    assert problem.code == "M014"
    assert problem.needle == "missing.png"


def test_image_of_unknown_type_is_m015(root):
    (root / "fig.bmp").write_bytes(b"BM")
    assert problem_for("# T\n\n![A picture](fig.bmp)\n", ids_for(root)).code == "M015"


def test_png_in_the_manuscript_is_recorded(root):
    (root / "images").mkdir()
    (root / "images" / "fig.png").write_bytes(tiny_png())
    html, state = convert_chapter("# T\n\n![A grey dot](images/fig.png)\n", ids_for(root))
    assert state.images == [Image(src="images/fig.png",
                                  path=(root / "images" / "fig.png").resolve(),
                                  media_type="image/png")]
    image = parse(html).find(".//img")
    assert image.get("src") == "images/fig.png"
    assert image.get("alt") == "A grey dot"


def test_raw_html_block_is_escaped_text(root):
    html, _ = convert_chapter("# T\n\n<script>alert(1)</script>\n", ids_for(root))
    tree = parse(html)
    assert tree.find(".//script") is None
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" in "".join(tree.itertext())


def test_inline_raw_html_is_escaped_text(root):
    html, _ = convert_chapter('# T\n\nSome <img src="x.png"> text.\n', ids_for(root))
    assert parse(html).find(".//img") is None
    assert "&lt;img" in html


def test_citation_becomes_a_link_to_the_reference(root):
    ids = ids_for(root, {parse_cluster("@k"): '(<a data-item="0">Kay, 2000</a>)'})
    html, _ = convert_chapter("# T\n\nAs shown [@k].\n", ids)
    assert ('<a epub:type="biblioref" href="#ref-k" id="cite-1" role="doc-biblioref">'
            'Kay, 2000</a>') in html
    span = parse(html).find(".//span[@class='citation']")
    assert "".join(span.itertext()) == "(Kay, 2000)"
    assert ids.citations == [("cite-1", "k")]


def test_citations_are_numbered_across_chapters(root):
    ids = ids_for(root, {parse_cluster("@a"): '(<a data-item="0">A, 2000</a>)',
                         parse_cluster("@a; @b"): '(<a data-item="0">A, 2000</a>; '
                                                  '<a data-item="1">B, 2001</a>)'})
    convert_chapter("# One\n\nFirst [@a].\n", ids)
    html, _ = convert_chapter("# Two\n\nThen [@a; @b].\n", ids)
    links = parse(html).findall(".//a")
    assert [(a.get("id"), a.get("href")) for a in links] == [
        ("cite-2", "#ref-a"), ("cite-3", "#ref-b")]
    assert "".join(parse(html).find(".//span").itertext()) == "(A, 2000; B, 2001)"


def test_cluster_links_follow_the_styles_order_with_ids_in_reading_order(root):
    # The formatter put b before a: the ids still count up as the reader meets them.
    ids = ids_for(root, {parse_cluster("@a; @b"): '(<a data-item="1">B, 1999</a>; '
                                                  '<a data-item="0">A, 2000</a>)'})
    html, _ = convert_chapter("# T\n\nThen [@a; @b].\n", ids)
    links = parse(html).findall(".//a")
    assert [(a.get("id"), a.get("href")) for a in links] == [
        ("cite-1", "#ref-b"), ("cite-2", "#ref-a")]


def test_citation_ids_follow_the_text_whether_narrative_or_bracketed(root):
    narrative, bracketed = (c for _, c in find_clusters("@a [@b]"))
    ids = ids_for(root, {narrative: '<a data-item="0">A (2000)</a>',
                         bracketed: '(<a data-item="0">B, 2001</a>)'})
    html, _ = convert_chapter("# T\n\nAs @a says, and [@b] too.\n", ids)
    assert [(a.get("id"), a.get("href")) for a in parse(html).findall(".//a")] == [
        ("cite-1", "#ref-a"), ("cite-2", "#ref-b")]


def test_citation_of_an_unknown_key_stays_text(root):
    # The manuscript reader reports unknown keys (M017) before any chapter is converted.
    html, _ = convert_chapter("# T\n\nAs [@nokey2000] says.\n", ids_for(root))
    assert "[@nokey2000]" in html and parse(html).find(".//a") is None


def test_citation_in_a_heading_is_a_span_in_its_contents_entry(root):
    cluster = find_clusters("@k")[0][1]
    ids = ids_for(root, {cluster: '<a data-item="0">Kay (2000)</a>'})
    html, state = convert_chapter("# T\n\n## What @k says\n", ids)
    assert parse(html).find(".//h2/span/a").get("href") == "#ref-k"
    assert state.headings[1].text == "What Kay (2000) says"
    assert state.headings[1].html == \
        'What <span class="citation"><span>Kay (2000)</span></span> says'


def test_narrative_citation_of_a_known_key_is_one_link(root):
    cluster = find_clusters("@k [p. 3]")[0][1]
    ids = ids_for(root, {cluster: '<a data-item="0">Kay (2000, p. 3)</a>'})
    html, _ = convert_chapter("# T\n\nAs @k [p. 3] says, @everyone is wrong.\n", ids)
    paragraph = parse(html).find(".//p")
    assert "".join(paragraph.itertext()) == "As Kay (2000, p. 3) says, @everyone is wrong."
    (link,) = paragraph.iter("a")
    assert link.get("href") == "#ref-k" and link.get("role") == "doc-biblioref"


def test_an_escaped_at_sign_is_no_citation(root):
    ids = ids_for(root, {find_clusters("@k")[0][1]: '<a data-item="0">Kay (2000)</a>'})
    html, _ = convert_chapter("# T\n\nMail \\@k now.\n", ids)
    assert "Mail @k now." in html and parse(html).find(".//a") is None


def test_citation_prefix_with_an_ampersand_and_brackets_is_text(root):
    cluster = parse_cluster("see Smith & Jones <b>, @k")
    ids = ids_for(root, {cluster: '(see Smith &amp; Jones &lt;b&gt;, <a data-item="0">K</a>)'})
    html, _ = convert_chapter("# T\n\nAs [see Smith & Jones <b>, @k] shows.\n", ids)
    assert "".join(parse(html).find(".//span").itertext()) == "(see Smith & Jones <b>, K)"


def test_autolink_in_a_note_is_fine_but_not_in_the_text(root):
    html, state = convert_chapter(
        "# T\n\nText.[^1] And ^[See <https://example.org/a>.]\n\n"
        "[^1]: Online at <https://example.org/b>.\n", ids_for(root))
    assert html.count('href="https://example.org/') == 2 and state.problems == []
    problem = problem_for("# T\n\nSee <https://example.org/a>.\n", ids_for(root))
    assert problem.code == "A002"


def test_plain_brackets_stay_text(root):
    html, _ = convert_chapter("# T\n\nSome [not a citation] here.\n", ids_for(root))
    assert "[not a citation]" in html
    assert parse(html).find(".//a") is None


@pytest.mark.parametrize("language, expected", [
    ("en-US", "<p>It’s “fine” – and ‘so’…</p>"),
    ("fr-FR", "<p>L’amour «\u00a0fou\u00a0»\u00a0: oui\u00a0! – ‘lui’…</p>"),
    ("de-DE", "<p>Das ist’s „gut“ – ‘so’…</p>"),
])
def test_quotes_and_apostrophes_by_language(root, language, expected):
    text = {"en-US": "It's \"fine\" -- and 'so'...", "fr-FR": "L'amour \"fou\" : oui ! -- 'lui'...",
            "de-DE": "Das ist's \"gut\" -- 'so'..."}[language]
    ids = BookIds(citation_html={}, manuscript_root=root, language=language)
    html, _ = convert_chapter(f"# T\n\n{text}\n", ids)
    assert expected in html


def test_figures_and_tables_are_numbered_book_wide_when_asked(root):
    (root / "a.png").write_bytes(tiny_png())
    ids = BookIds(citation_html={}, manuscript_root=root, number_figures=True)
    convert_chapter('# One\n\n![A square](a.png "First.")\n', ids)
    html, _ = convert_chapter('# Two\n\n![A square](a.png)\n\n| a |\n|---|\n| 1 |\n', ids)
    tree = parse(html)
    assert "".join(tree.find("figure/figcaption").itertext()) == "Figure 2."
    assert "".join(tree.find("table/caption").itertext()) == "Table 1."
    plain, _ = convert_chapter('# Three\n\n![A square](a.png "Third.")\n',
                               BookIds(citation_html={}, manuscript_root=root))
    assert "".join(parse(plain).find("figure/figcaption").itertext()) == "Third."


def test_pandoc_markdown_the_format_does_not_read_is_found_with_its_line():
    from quire.markdown_source import unsupported

    text = ("---\ntitle: A Book\n---\n\n# Title\n\n::: warning\nCareful.\n:::\n\n"
            "A [small caps]{.smallcaps} word.\n\n```\n::: in code\n[x]{.y}\n```\n\n"
            "<!-- ::: in a comment -->\n`[x]{.y}` in a span.\n")
    found = [(line, what.split(" (")[0]) for line, what, _ in unsupported(text)]
    assert found == [(1, "YAML front matter"), (7, "pandoc's fenced divs"),
                     (9, "pandoc's fenced divs"), (11, "pandoc's bracketed spans")]
    assert unsupported("# Title\n\nText.\n\n---\n\nMore: text.\n") == []
    assert unsupported("# Title\n\nAbout 40\n% of readers agreed.\n") == []
    assert [line for line, _, _ in unsupported("% A Title\n% An Author\n\n# Title\n")] == [1]


@pytest.mark.parametrize("title, expected", [
    ("Beginner's Steps", "beginners-steps"), ("It’s Not Sexy", "its-not-sexy"),
    ("Café Olé: Über Gärten", "cafe-ole-uber-garten"), ("Ωμέγα", "ωμεγα"), ("???", "section"),
])
def test_heading_ids_as_pandoc_makes_them(title, expected):
    from quire.markdown_ext import slug

    assert slug(title) == expected
