"""One error type for everything a manuscript or a build can get wrong."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class BookError(Exception):
    """A problem the author can fix, reported as ``path:line: message`` with a hint.

    ``code`` is stable across releases so that scripts and tests can match it.
    """

    code: str
    message: str
    path: Path | None = None
    line: int | None = None
    hint: str = ""

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line or 1}: "
        return f"{where}{self.message} [{self.code}]"


def line_of(text: str, needle: str, start: int = 0) -> int | None:
    """The 1-based line on which ``needle`` first occurs in ``text``, or None."""
    index = text.find(needle, start)
    if index < 0:
        return None
    return text.count("\n", 0, index) + 1


class BookErrors(Exception):
    """Every problem found in a manuscript in one run, each a ``BookError``."""

    def __init__(self, errors):
        self.errors = tuple(errors)
        super().__init__(f"{len(self.errors)} problems")
