"""DAISY Ace on the EPUB of the guide and of the fixture book, and on a broken one."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from tests.validators import ace

LANG = re.compile(rb'\s(?:xml:)?lang="[^"]*"')


def test_ace_reports_no_violation(any_book):
    """The build ran Ace on this very file; its verdict is in the report."""
    check = any_book.checks()["DAISY Ace"]
    assert check["tool"].startswith("DAISY Ace 1.4") and check["target"] == any_book.epub.name
    assert check["ran"] and check["passed"], check["details"]
    assert check["summary"] == "0 critical, 0 serious, 0 moderate, 0 minor."


def _first_chapter(names: list[str]) -> str:
    return next(n for n in names if re.search(r"chapter[^/]*\.xhtml$", n))


def _without_lang(epub: Path, broken: Path) -> str:
    """Copy ``epub`` to ``broken`` with no lang/xml:lang in the first chapter; its name."""
    with zipfile.ZipFile(epub) as source, zipfile.ZipFile(broken, "w") as target:
        chapter = _first_chapter(source.namelist())
        target.writestr("mimetype", source.read("mimetype"), zipfile.ZIP_STORED)
        for info in source.infolist():
            data = source.read(info)
            if info.filename == chapter:
                data = LANG.sub(b"", data)
            if info.filename != "mimetype":
                target.writestr(info.filename, data, zipfile.ZIP_DEFLATED)
    return chapter


def test_ace_reports_a_chapter_without_language(small_book, tmp_path):
    broken = tmp_path / "broken.epub"
    chapter = _without_lang(small_book.epub, broken)
    verdict = ace(broken)
    assert verdict.available, verdict.messages
    assert not verdict.passed and sum(verdict.counts.values()) >= 1
    assert any(v.rule == "html-has-lang" and Path(v.file).name == Path(chapter).name
               for v in verdict.violations), verdict.messages


def test_ace_missing_is_unavailable_not_passed(small_book, tmp_path, monkeypatch):
    monkeypatch.setenv("QUIRE_ACE_CLI", str(tmp_path / "no-ace-cli"))
    verdict = ace(small_book.epub)
    assert not verdict.available and not verdict.passed
    assert "make validators" in verdict.messages[0]
