"""No word is lost off the page: text past the trim, clipped, or beyond the text block fails
the build (B006), named by its block and its manuscript line; the books that fit pass."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from quire.build import build
from quire.errors import BookError
from quire.pdf_overflow import TOOL, lost_text

from .conftest import MODIFIED, STYLES

BOOK_TOML = """\
title = "Too Wide"
language = "en-GB"
identifier = "urn:uuid:5b0ad1c5-1f0e-4c1e-9a43-7e2b0d6f3c11"
publisher = "Test Press"
date = 2025-11-21
rights = "© 2025 Test Press. All rights reserved."
description = "A book with lines too wide for its pages."
subjects = ["Testing"]
editions = {editions}

[[creators]]
name = "A. Tester"
role = "aut"
"""
#: A hundred places of pi: digits, with nowhere to break or hyphenate them.
NUMBER = ("3.14159265358979323846264338327950288419716939937510"
          "58209749445923078164062862089986280348253421170679")
# Line 7 is the code line.
CHAPTER = """\
# Wide Things

A paragraph of ordinary words that sets well on the page and wraps as it should.

```python
def main():
    print("a code line that is far too long for the text block of a six by nine page, even set small")
```

A last paragraph after the code.
"""
# Line 5 is the paragraph with the number.
WIDE_NUMBER = CHAPTER.replace("\n```python", f"\nPi to a hundred places: {NUMBER}.\n\n```python")


def _manuscript(folder: Path, editions: list[str], chapter: str = CHAPTER) -> Path:
    folder.mkdir()
    (folder / "book.toml").write_text(BOOK_TOML.format(editions=json.dumps(editions)), "utf-8")
    (folder / "01-wide.md").write_text(chapter, "utf-8")
    return folder


def _build_error(manuscript: Path, out: Path, styles: Path = STYLES) -> BookError:
    with pytest.raises(BookError) as caught:
        build(manuscript, out, styles, MODIFIED, run_validators=False)
    assert not out.exists() or not any(out.iterdir()), "nothing is written when a check fails"
    return caught.value


@pytest.mark.parametrize("edition, file, reason", [
    ("trade", "page 5 of too-wide.pdf, the trade edition", "runs past the trim"),
    ("print-on-demand", "page 5 of too-wide-print-on-demand-interior.pdf, "
                        "the print-on-demand edition", "runs past the trim"),
    ("handouts", "page 1 of too-wide-handout-01-letter.pdf, the handouts", "runs past the trim"),
])
def test_a_number_too_long_for_the_line_fails_the_build(tmp_path, edition, file, reason):
    """Stock styles: the code wraps, the number cannot and runs off the line, in the
    accessible PDF, in a handout and in the print-on-demand file (which claims no PDF/UA)."""
    error = _build_error(_manuscript(tmp_path / "book", [edition], WIDE_NUMBER),
                         tmp_path / "out")
    assert error.code == "B006"
    assert error.path == tmp_path / "book" / "01-wide.md" and error.line == 5
    assert error.message == (f"{file}: the line \"{NUMBER[:49]}…\" {reason}, losing 1 of the "
                             f"6 words of the paragraph \"Pi to a hundred places: 3.141…\"")
    assert error.hint.startswith("a word or a line too wide for the page: break the word")


def test_code_clipped_by_a_stylesheet_of_ones_own_fails_the_build(tmp_path):
    """A stylesheet that keeps code lines whole and clips the block: the words past the
    clip are not on the page, though they are in the content stream and the structure."""
    styles = tmp_path / "styles"
    shutil.copytree(STYLES, styles)
    with (styles / "print.css").open("a", encoding="utf-8") as sheet:
        sheet.write("\npre { white-space: pre; overflow: hidden; overflow-wrap: normal; }\n")
    error = _build_error(_manuscript(tmp_path / "book", ["trade"]), tmp_path / "out", styles)
    assert error.code == "B006" and error.line == 7
    assert error.message.startswith(
        "page 5 of too-wide.pdf, the trade edition: the line \"print(\"a code line that is "
        "far too long for the t…\" is clipped, losing 10 of the 23 words ")
    assert error.message.endswith("words of the code block \"def main(): print(\"a code lin…\"")
    assert error.hint.startswith("a line of code wider than the text block: break it")


def test_a_line_into_the_margin_fails_the_build(tmp_path):
    """A code line a little too long, not clipped: on the page, but past the text block's
    edge into the margin (or, on a left-hand page, the gutter)."""
    styles = tmp_path / "styles"
    shutil.copytree(STYLES, styles)
    with (styles / "print.css").open("a", encoding="utf-8") as sheet:
        sheet.write("\npre { white-space: pre; overflow-wrap: normal; }\n")
    chapter = ("# Wide Things\n\nA paragraph.\n\n```\n"
               + "x = 1  # " + "a" * 54 + "\n```\n")
    error = _build_error(_manuscript(tmp_path / "book", ["trade"], chapter),
                         tmp_path / "out", styles)
    assert error.code == "B006" and error.line == 6
    assert "\" runs into the margin, losing 1 of the 5 words of the code block \"x = 1 # " \
           "aaa" in error.message


def test_text_hidden_on_purpose_or_in_the_margin_by_design_is_not_lost(tmp_path):
    """A visually hidden heading (clipped to a 1px box, for screen readers) and a list
    marker outside the text block are not lost; a word past the page's edge is."""
    from weasyprint import HTML

    from quire.writers.pdf import text_areas

    html = ("<style>@page { size: 300pt 300pt; margin: 50pt }"
            ".hidden { position: absolute; width: 1px; height: 1px; overflow: hidden;"
            " clip: rect(0, 0, 0, 0); white-space: nowrap }"
            "ul { padding: 0; list-style-position: outside }</style>"
            "<h2 class='hidden'>Copyright and other notices of this small book</h2>"
            "<ul><li>an item</li></ul><p>Some words, then WordsWithoutSpaces"
            + "x" * 60 + " and more.</p>")
    document = HTML(string=html).render()
    lost = lost_text(document.write_pdf(), text_areas(document))
    assert [(line.page, line.lost_words, line.reason) for line in lost] == [
        (1, ("WordsWithoutSpaces" + "x" * 60,), "runs past the trim")]


@pytest.mark.parametrize("book", ["guide", "small_book", "feature_book"])
def test_every_pdf_of_the_books_is_checked_and_passes(request, book):
    """The guide, the small book and the feature book (code, figures, wide tables) fit."""
    built = request.getfixturevalue(book)
    report = json.loads(next(built.out.glob("*-accessibility.json")).read_text("utf-8"))
    results = {c["target"]: c for c in report["checks"] if c["tool"] == TOOL}
    pdfs = {a.name for a in built.result.artifacts if a.format == "pdf"}
    # the tagged editions and the print-on-demand interior and cover, which claim no PDF/UA
    assert set(results) == pdfs and any("print-on-demand" in name for name in pdfs)
    for result in results.values():
        assert result["passed"] and result["ran"], result
        assert re.fullmatch(r"No word on its \d+ pages? is clipped, past the trim or beyond "
                            r"the text block\.", result["summary"]), result
