"""Rule B005: every character of the manuscript is in a bundled font that sets it.

A character that no bundled font has would be set by WeasyPrint in a font of the machine
(or not at all): the build would fail late, after layout, naming only a font. This check
runs before layout and names the file, the line, the character and its code point. Text is
set in each of the book's text faces (the editions differ: Literata, Atkinson Hyperlegible
for large print), so a character of the text must be in every one of them; code is set in
the monospace face.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import tinycss2

from .errors import BookError
from .markdown_source import CODE_SPAN, code_lines, without_comments

#: Characters that are never drawn as glyphs (line ends, tabs, joiners, soft hyphens).
INVISIBLE = set("\n\r\t\u00ad\u200b\u200c\u200d\u2060\ufeff")
#: At most this many characters reported per file: a file in a script no font has would
#: otherwise give one error per letter.
LIMIT = 10


@dataclass(frozen=True)
class FontFamily:
    name: str
    characters: frozenset[int]

    @property
    def monospace(self) -> bool:
        return "mono" in self.name.lower()


@functools.lru_cache(maxsize=4)
def bundled_fonts(stylesheet: Path) -> tuple[FontFamily, ...]:
    """The families that ``fonts.css`` declares, with the characters each can set (its
    files' character maps, within each face's ``unicode-range``)."""
    from fontTools.ttLib import TTFont

    characters: dict[str, set[int]] = {}
    rules = tinycss2.parse_stylesheet(stylesheet.read_text(encoding="utf-8"),
                                      skip_comments=True, skip_whitespace=True)
    for rule in rules:
        if rule.type != "at-rule" or rule.lower_at_keyword != "font-face" or not rule.content:
            continue
        declarations = {d.lower_name: d.value for d in tinycss2.parse_blocks_contents(
            rule.content, skip_comments=True, skip_whitespace=True) if d.type == "declaration"}
        family = "".join(t.value for t in declarations.get("font-family", ())
                         if t.type in ("string", "ident")).strip()
        sources = [t.value for t in declarations.get("src", ()) if t.type == "url"] + [
            t.arguments[0].value for t in declarations.get("src", ())
            if t.type == "function" and t.lower_name == "url" and t.arguments]
        if not family or not sources:
            continue
        font = TTFont(stylesheet.parent / sources[0], lazy=True)
        mapped = set(font.getBestCmap() or {})
        font.close()
        ranges = _ranges(declarations.get("unicode-range"))
        if ranges:
            mapped = {c for c in mapped if any(low <= c <= high for low, high in ranges)}
        characters.setdefault(family, set()).update(mapped)
    return tuple(FontFamily(name, frozenset(chars)) for name, chars in characters.items())


def _ranges(value) -> list[tuple[int, int]]:
    if not value:
        return []
    text = tinycss2.serialize(value)
    found = []
    for part in text.split(","):
        match = re.fullmatch(r"\s*[Uu]\+([0-9A-Fa-f?]+)(?:-([0-9A-Fa-f]+))?\s*", part)
        if not match:
            continue
        low = match[1].replace("?", "0")
        high = match[2] or match[1].replace("?", "F")
        found.append((int(low, 16), int(high, 16)))
    return found


def character_problems(path: Path, text: str, families: tuple[FontFamily, ...]
                       ) -> list[BookError]:
    """A B005 error for each character of ``text`` (a chapter) that the font which would
    set it lacks: the text faces for prose, the monospace face for code."""
    text_faces = [f for f in families if not f.monospace]
    code_faces = [f for f in families if f.monospace]
    prose_chars = functools.reduce(frozenset.__and__, (f.characters for f in text_faces)) \
        if text_faces else frozenset()
    code_chars = frozenset().union(*(f.characters for f in code_faces)) \
        if code_faces else prose_chars
    text = without_comments(text)
    in_code = code_lines(text)
    spans = [(m.start(), m.end()) for m in CODE_SPAN.finditer(text)]
    problems, offset = [], 0
    for number, (line, code) in enumerate(zip(text.split("\n"), in_code), start=1):
        missing: dict[str, bool] = {}  # character -> whether it is in code
        for column, char in enumerate(line):
            if char in INVISIBLE or (char.isspace() and ord(char) < 0x80) or char in missing:
                continue
            position = offset + column
            is_code = code or any(start <= position < end for start, end in spans)
            if ord(char) not in (code_chars if is_code else prose_chars):
                missing[char] = is_code
        offset += len(line) + 1
        if missing:
            problems.append(_problem(path, number, missing, text_faces, code_faces))
            if len(problems) >= LIMIT:
                break
    return problems


def _problem(path: Path, line: int, missing: dict[str, bool], text_faces, code_faces
             ) -> BookError:
    """One line's characters that its fonts lack, each named with its code point."""
    listed = ", ".join(f"'{char}' (U+{ord(char):04X} "
                       f"{unicodedata.name(char, 'unnamed character')}"
                       f"{', in code' if code else ''})" for char, code in missing.items())
    faces = sorted({f.name for char, code in missing.items()
                    for f in (code_faces if code else text_faces)
                    if ord(char) not in f.characters})
    plural = len(missing) > 1
    hint = "add a font that has " + ("them" if plural else "it") + \
        " to styles/fonts/ and fonts.css, or write the text without " + \
        ("them" if plural else "it")
    if all(not code for code in missing.values()) and code_faces and all(
            any(ord(c) in f.characters for f in code_faces) for c in missing):
        hint += f"; as code (`…`), {code_faces[0].name} would set " + ("them" if plural else "it")
    return BookError("B005", f"{'characters' if plural else 'character'} {listed} "
                     f"{'are' if plural else 'is'} not in {', '.join(faces)}, the book's "
                     f"font{'s' if len(faces) > 1 else ''} for "
                     f"{'them' if plural else 'it'}", path, line, hint)
