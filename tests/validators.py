"""EPUBCheck and DAISY Ace on EPUB files, through :mod:`quire.validate`.

``python -m tests.validators book.epub …`` prints both verdicts for each file and exits 1
when either validator is unavailable or fails; the tests call :func:`epubcheck` and
:func:`ace` directly.
"""

from __future__ import annotations

import sys
from pathlib import Path

from quire.validate import AceVerdict, EpubCheckVerdict, ace, epubcheck, validate

__all__ = ["AceVerdict", "EpubCheckVerdict", "ace", "epubcheck", "main"]


def _line(verdict: EpubCheckVerdict | AceVerdict, name: str) -> str:
    if not verdict.available:
        return f"{verdict.name} {name}: NOT AVAILABLE"
    counts = ", ".join(f"{count} {label}" for label, count in verdict.counts.items())
    return f"{verdict.name} {name}: {'passed' if verdict.passed else 'FAILED'} ({counts})"


def main(paths: list[str]) -> int:
    if not paths:
        print("usage: python -m tests.validators BOOK.epub …", file=sys.stderr)
        return 2
    failed = False
    for name in paths:
        for verdict in validate(Path(name)):
            print(_line(verdict, name))
            for message in verdict.messages:
                print(f"  {message}")
            failed |= not (verdict.available and verdict.passed)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
