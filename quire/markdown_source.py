"""The Markdown source outside code: comments dropped, code masked before scanning."""

from __future__ import annotations

import re

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
LIST_ITEM = re.compile(r"^ {0,3}([-*+]|\d+[.)]|\[\^[^\]]+\]:)\s")
CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)


def code_lines(text: str) -> list[bool]:
    """For each line of ``text``, whether it is code: inside a fenced block (fences
    included), or indented by four spaces or a tab after a blank line, where the last prose
    line was no list item or note (whose indented lines continue it)."""
    flags: list[bool] = []
    fence, indented, blank_before, in_item = None, False, True, False
    for line in text.split("\n"):
        if fence is not None:
            stripped = line.strip()
            if stripped.startswith(fence) and set(stripped) == {fence[0]}:
                fence = None
            flags.append(True)
            continue
        opening = FENCE.match(line)
        if opening:
            fence, indented = opening[1], False
            flags.append(True)
            continue
        if not line.strip():
            flags.append(indented)
            blank_before = True
            continue
        if line.startswith(("    ", "\t")) and (indented or (blank_before and not in_item)):
            indented = True
        else:
            indented = False
            in_item = bool(LIST_ITEM.match(line)) or (in_item and line[:1] in " \t") \
                or (in_item and not blank_before)
        flags.append(indented)
        blank_before = False
    return flags


def without_comments(text: str) -> str:
    """``text`` with its HTML comments (``<!-- … -->``) dropped, as pandoc drops them,
    except in code, where they are code. The lines a comment spanned stay, empty, so that
    line numbers still point into the file."""
    code = code_lines(text)
    starts = _line_starts(text)

    def drop(match: re.Match) -> str:
        line = _line_at(starts, match.start())
        if code[line] or _in_code_span(text, match.start(), starts[line]):
            return match[0]
        return "\n" * match[0].count("\n")

    return COMMENT.sub(drop, text)


def masked(text: str) -> str:
    """``text`` with every character of code (blocks and spans) turned into a space,
    newlines kept: what scanning for citations and notes may look at, offsets unchanged."""
    code = code_lines(text)
    lines = text.split("\n")
    out = [(" " * len(line) if flag else line) for line, flag in zip(lines, code)]
    prose = "\n".join(out)
    return CODE_SPAN.sub(lambda m: re.sub(r"[^\n]", " ", m[0]), prose)


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for match in re.finditer("\n", text):
        starts.append(match.end())
    return starts


def _line_at(starts: list[int], offset: int) -> int:
    low, high = 0, len(starts) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if starts[middle] <= offset:
            low = middle
        else:
            high = middle - 1
    return low


def _in_code_span(text: str, offset: int, line_start: int) -> bool:
    """Whether an odd number of backtick runs opens before ``offset`` on its line."""
    return len(re.findall(r"`+", text[line_start:offset])) % 2 == 1


#: A pandoc heading attribute Python-Markdown's attr_list cannot read: ``{-}``.
UNNUMBERED = re.compile(r"^(#{1,6} .*?)\s*\{\s*-\s*\}\s*$")


def as_python_markdown(text: str) -> str:
    """pandoc's Markdown, where it differs, as Python-Markdown reads the same thing:
    comments dropped, ``# Title {-}`` as ``{.unnumbered}``, inline notes ``^[…]`` as
    numbered notes whose text goes to the end of the chapter. Code is left as it is."""
    text = without_comments(text)
    code = code_lines(text)
    lines = text.split("\n")
    for index, line in enumerate(lines):
        match = None if code[index] else UNNUMBERED.match(line)
        if match:
            lines[index] = match[1] + " {.unnumbered}"
    return _inline_notes("\n".join(lines))


def _inline_notes(text: str) -> str:
    prose = masked(text)
    if "^[" not in prose:
        return text
    labels = set(re.findall(r"\[\^([^\]\s]+)\]", text))
    out, notes, position, number = [], [], 0, 0
    for match in re.finditer(r"\^\[", prose):
        if match.start() < position:
            continue  # inside a note already taken
        end = _closing_bracket(prose, match.end())
        if end is None:
            continue
        number += 1
        label = f"inline-{number}"
        while label in labels:
            label += "-"
        body = " ".join(text[match.end():end].split())
        out.append(text[position:match.start()] + f"[^{label}]")
        notes.append(f"[^{label}]: {body}")
        position = end + 1
    out.append(text[position:])
    return "".join(out).rstrip("\n") + "\n\n" + "\n".join(notes) + "\n"


def _closing_bracket(prose: str, start: int) -> int | None:
    """The offset of the "]" that closes a bracket opened just before ``start``; None if a
    blank line (the paragraph's end) comes first. A backslash escapes the next character."""
    depth, offset = 1, start
    while offset < len(prose):
        char = prose[offset]
        if char == "\\":
            offset += 2
            continue
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return offset
        elif char == "\n":
            end = prose.find("\n", offset + 1)
            if not prose[offset + 1:end if end >= 0 else None].strip():
                return None
        offset += 1
    return None


#: pandoc Markdown the format does not read, which would otherwise print as raw text:
#: (pattern on a line of prose, what it is, how to write it instead).
UNSUPPORTED = (
    (re.compile(r"^ {0,3}:{3,}"), "pandoc's fenced divs (:::) are not part of the format",
     "remove the ::: lines (the text between them stays); for a scene break write ---"),
    (re.compile(r"\]\{[.#][^}]*\}"), "pandoc's bracketed spans ([text]{.class}) are not part "
     "of the format", "write the text without its brackets and attributes; *emphasis* "
     "and `code` are"),
)
TITLE_BLOCK = re.compile(r"^% \S")
YAML_FENCE = re.compile(r"^---\s*$")


def unsupported(text: str) -> list[tuple[int, str, str]]:
    """(line, what, hint) for each use of pandoc Markdown that quire does not read, outside
    code and comments: it is an error, never silent raw text. YAML front matter (a block
    between --- lines at the very top) is one of them: its keys belong in book.toml."""
    prose = masked(without_comments(text))
    found = []
    lines = prose.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and YAML_FENCE.match(lines[first]) and first + 1 < len(lines) \
            and re.match(r"^[A-Za-z_][\w-]*:(\s|$)", lines[first + 1]):
        found.append((first + 1, "YAML front matter (--- … ---) is not part of the format",
                      "move its title, author and other keys to book.toml and delete the "
                      "block; begin the chapter with '# Title'"))
    if first is not None and TITLE_BLOCK.match(lines[first]):  # only a file's first line
        found.append((first + 1, "a pandoc title block (% Title) is not part of the format",
                      "put the title in book.toml and begin the chapter with '# Chapter "
                      "title'"))
    for number, line in enumerate(lines, start=1):
        for pattern, what, hint in UNSUPPORTED:
            if pattern.search(line):
                found.append((number, what, hint))
                break
    return found
