"""A manuscript file read as UTF-8 text, or a located M007 error."""

from __future__ import annotations

from pathlib import Path

from .errors import BookError


def read_source(path: Path) -> str:
    """The file's text, without a byte-order mark; M007 on the line of the first bad byte."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        raise BookError("M007", "file is not UTF-8", path, data[:error.start].count(b"\n") + 1,
                        "save the file as UTF-8 in your editor") from None
