"""Pandoc-style citation clusters, APA formatting through citeproc-py, and CSL-JSON errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

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


# find_clusters


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


def test_two_authors_are_joined_with_an_escaped_ampersand():
    formatter = CitationFormatter(ENTRIES, [CiteItem("glass2003")])
    assert formatter.item_html(CiteItem("glass2003")) == "Glass &amp; Wright, 2003"


def test_page_locator_is_rendered_after_the_year():
    item = CiteItem("spring2012", locator="12")
    formatter = CitationFormatter(ENTRIES, [item])
    assert formatter.item_html(item) == "Spring, 2012, p. 12"


def test_same_key_with_and_without_locator_are_rendered_separately():
    plain, paged = CiteItem("spring2012"), CiteItem("spring2012", locator="12")
    formatter = CitationFormatter(ENTRIES, [plain, paged, plain])
    assert formatter.item_html(plain) == "Spring, 2012"
    assert formatter.item_html(paged) == "Spring, 2012, p. 12"


def test_entries_are_in_alphabetical_order_with_italic_titles():
    # Cited Spring first: the list is still ordered by author.
    formatter = CitationFormatter(ENTRIES, [CiteItem("spring2012"), CiteItem("glass2003")])
    entries = formatter.entries()
    assert [key for key, _ in entries] == ["glass2003", "spring2012"]
    assert entries[0][1].startswith("Glass, S. P., &amp; Wright, T. L. (2003).")
    assert "<i>Not Just Friends</i>" in entries[0][1]
    assert "<i>After the Affair</i>" in entries[1][1]


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


def test_entry_without_title_is_m009(tmp_path):
    error = error_for(write(tmp_path, '[\n  {"id": "a", "type": "book"}\n]\n'))
    assert error.code == "M009"
    assert "'title'" in error.message
    assert error.line == 2


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
