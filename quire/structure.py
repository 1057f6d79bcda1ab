"""book.toml's front matter, parts and back matter -> which file is which division, and how."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import BookError, line_of
from .metadata import FILE_NAME


@dataclass(frozen=True)
class Role:
    """What a front or back matter file is, and how each edition announces it."""

    name: str
    #: EPUB 3 Structural Semantics Vocabulary 1.1 term of its section and document.
    epub_type: str
    #: DPUB-ARIA 1.1 role; None where the vocabulary has none (the section is then a
    #: region named by its heading).
    aria_role: str | None
    #: Its title when the file has none: a heading to navigate by, not shown.
    label: str
    #: "front", "back", or both: the lists of book.toml it may be in.
    matter: tuple[str, ...]
    #: Printed (and read) before the contents, as the tradition has it.
    before_contents: bool = False
    #: The file may have no ``# Title`` (a dedication, an epigraph).
    title_optional: bool = False


#: The roles a file of ``front_matter`` or ``back_matter`` may have. "About the author" and
#: "further reading" have no term of their own in either vocabulary: they are generic back
#: matter (SSV ``backmatter``), regions named by their title.
ROLES: dict[str, Role] = {r.name: r for r in (
    Role("dedication", "dedication", "doc-dedication", "Dedication", ("front",),
         before_contents=True, title_optional=True),
    Role("epigraph", "epigraph", "doc-epigraph", "Epigraph", ("front",),
         before_contents=True, title_optional=True),
    Role("foreword", "foreword", "doc-foreword", "Foreword", ("front",)),
    Role("preface", "preface", "doc-preface", "Preface", ("front",)),
    Role("acknowledgments", "acknowledgments", "doc-acknowledgments", "Acknowledgments",
         ("front", "back")),
    Role("introduction", "introduction", "doc-introduction", "Introduction", ("front",)),
    Role("afterword", "afterword", "doc-afterword", "Afterword", ("back",)),
    Role("appendix", "appendix", "doc-appendix", "Appendix", ("back",)),
    Role("glossary", "glossary", "doc-glossary", "Glossary", ("back",)),
    Role("further-reading", "backmatter", None, "Further reading", ("back",)),
    Role("about-the-author", "backmatter", None, "About the author", ("back",)),
)}
#: Other spellings of a role, in a file name or a ``role``.
ALIASES = {"acknowledgements": "acknowledgments", "about-the-authors": "about-the-author",
           "about": "about-the-author", "reading": "further-reading"}
MATTER_KEYS = {"front_matter": "front", "back_matter": "back"}
PART_KEYS = {"title", "chapters"}
ENTRY_KEYS = {"file", "role"}


@dataclass(frozen=True)
class Layout:
    """The manuscript files as book.toml arranges them (paths inside the folder)."""

    #: (file, role) of each front matter file, in the order listed.
    front: tuple[tuple[Path, str], ...]
    #: The body's chapter files as listed (``chapters``, or the parts' in order); None when
    #: book.toml lists none (the folder's files are the chapters).
    chapters: tuple[Path, ...] | None
    #: (title, chapter files, line in book.toml) of each part.
    parts: tuple[tuple[str, tuple[Path, ...], int], ...]
    back: tuple[tuple[Path, str], ...]

    @property
    def matter_files(self) -> set[Path]:
        return {path for path, _ in self.front + self.back}


def read_layout(root: Path, table: dict[str, Any]) -> Layout:
    """Which file is which division, from book.toml's ``front_matter``, ``chapters``,
    ``parts`` and ``back_matter``; a problem is a BookError at its line of book.toml."""
    path = root / FILE_NAME
    text = path.read_text(encoding="utf-8", errors="replace")
    listed: dict[Path, str] = {}

    def file(name: Any, key: str) -> Path:
        found = root / str(name)
        line = line_of(text, f'"{name}"') or line_of(text, str(name)) or _key_line(text, key)
        if not isinstance(name, str) or not found.resolve().is_relative_to(root.resolve()) \
                or not found.is_file():
            raise BookError("M018", f"file '{name}' of '{key}' does not exist", path, line,
                            "list files relative to the manuscript folder")
        if found in listed:
            first = text.find(f'"{name}"')
            again = line_of(text, f'"{name}"', first + 1) if first >= 0 else None
            raise BookError("M031", f"'{name}' is listed twice ('{listed[found]}' and "
                            f"'{key}')", path, again or line,
                            "each file is one division of the book: list it once")
        listed[found] = key
        return found

    matter: dict[str, tuple[tuple[Path, str], ...]] = {}
    for key, where in MATTER_KEYS.items():
        items = []
        for item in table.get(key, []):
            name, role = item, None
            if isinstance(item, dict):
                unknown = set(item) - ENTRY_KEYS
                if unknown or "file" not in item:
                    raise BookError("M003" if unknown else "M004",
                                    f"unknown key '{sorted(unknown)[0]}' in '{key}'" if unknown
                                    else f"an entry of '{key}' has no file", path,
                                    _key_line(text, key), '{file = "….md", role = "…"}')
                name, role = item["file"], item.get("role")
            found = file(name, key)
            items.append((found, _role(role, found, where, key, text, path)))
        matter[where] = tuple(items)

    chapters = None
    parts = []
    if "parts" in table:
        if "chapters" in table:
            raise BookError("M031", "both 'chapters' and 'parts' are given", path,
                            _key_line(text, "chapters"),
                            "with parts, list each part's chapters in its [[parts]] table "
                            "and leave 'chapters' out")
        starts = [m.start() for m in re.finditer(r"^[ \t]*\[\[[ \t]*parts[ \t]*\]\]", text,
                                                 re.MULTILINE)]
        for number, part in enumerate(table["parts"]):
            line = text.count("\n", 0, starts[number]) + 1 if number < len(starts) else 1
            if not isinstance(part, dict):
                raise BookError("M004", "'parts' must be tables ([[parts]])", path, line,
                                '[[parts]] with title = "…" and chapters = ["….md", …]')
            unknown = set(part) - PART_KEYS
            if unknown:
                raise BookError("M003", f"unknown part key '{sorted(unknown)[0]}'", path, line,
                                "a part has a title and chapters")
            title = part.get("title")
            files = part.get("chapters")
            if not isinstance(title, str) or not title.strip() or not isinstance(files, list) \
                    or not files:
                raise BookError("M004", "a part needs a title and a list of chapters", path,
                                line, '[[parts]] with title = "…" and chapters = ["….md", …]')
            parts.append((" ".join(title.split()),
                          tuple(file(name, "parts") for name in files), line))
        chapters = tuple(p for _, files, _ in parts for p in files)
    elif "chapters" in table:
        chapters = tuple(file(name, "chapters") for name in table["chapters"])
    return Layout(matter["front"], chapters, tuple(parts), matter["back"])


def _role(given: Any, found: Path, where: str, key: str, text: str, path: Path) -> str:
    """The role ``given``, or the one the file's name says ("00-dedication.md",
    "appendix-b.md", "acknowledgements.md")."""
    line = line_of(text, f'"{found.name}"') or _key_line(text, key)
    if given is None:
        stem = re.sub(r"^[0-9]+[-_ .]*", "", found.stem.lower()).replace("_", "-")
        names = sorted(set(ROLES) | set(ALIASES), key=len, reverse=True)
        name = next((n for n in names if stem == n or stem.startswith(n + "-")), None)
        if name is None:
            raise BookError("M030", f"the name of '{found.name}' does not say what it is",
                            path, line, f"name the file after its role, or write "
                            f'{{file = "{found.name}", role = "…"}}; {where} matter roles: '
                            + ", ".join(r.name for r in ROLES.values() if where in r.matter))
    else:
        name = str(given).lower()
        if name not in ROLES and name not in ALIASES:
            close = difflib.get_close_matches(name, list(ROLES) + list(ALIASES), n=1)
            raise BookError("M030", f"unknown role '{given}' for '{found.name}'", path, line,
                            f"did you mean '{close[0]}'?" if close else "roles: " +
                            ", ".join(ROLES))
    role = ROLES[ALIASES.get(name, name)]
    if where not in role.matter:
        raise BookError("M030", f"'{found.name}' is {role.matter[0]} matter ({role.name}), "
                        f"not {where} matter", path, line,
                        f"list it in {role.matter[0]}_matter")
    return role.name


def _key_line(text: str, key: str) -> int:
    match = re.search(rf"^[ \t]*(\[\[)?[ \t]*{re.escape(key)}\b", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 1
