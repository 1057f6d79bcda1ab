"""Inputs at the edges: each gives one located error, or builds correctly."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from quire.citations import CitationFormatter, parse_cluster
from quire.markdown_ext import BookIds, convert_chapter
from tests.conftest import EPOCH, ROOT

BASE = ROOT / "tests" / "fixtures" / "rules" / "base"


def _book(tmp_path, toml_edit=None, chapter=None):
    manuscript = tmp_path / "book"
    shutil.copytree(BASE, manuscript)
    if toml_edit:
        toml = manuscript / "book.toml"
        toml.write_text(toml.read_text().replace(*toml_edit))
    if chapter is not None:
        (manuscript / "chapter.md").write_text(chapter)
    return manuscript


def _run(manuscript, out, *extra, env=None):
    return subprocess.run(
        [sys.executable, "publish.py", "--no-validate", str(manuscript), "-o", str(out), *extra],
        cwd=ROOT, env=dict(os.environ, SOURCE_DATE_EPOCH=str(EPOCH), **(env or {})),
        capture_output=True, text=True, timeout=300)


def test_ampersand_in_a_reference_is_escaped():
    entry = {"id": "k", "type": "book", "title": "Love & Trust", "publisher": "Simon & Schuster",
             "author": [{"family": "Doe", "given": "J."}], "issued": {"date-parts": [[2001]]}}
    (key, html), = CitationFormatter({"k": entry}, [parse_cluster("@k")]).entries()
    assert "Love &amp; Trust" in html and "Simon &amp; Schuster" in html


def test_headings_named_like_the_builds_ids_get_other_ids(tmp_path):
    html, state = convert_chapter("# Contents\n\n## Page 3\n\n## Cite 1\n",
                                  BookIds(citation_html={}, manuscript_root=tmp_path))
    assert [h.id for h in state.headings] == ["contents-2", "section-page-3", "section-cite-1"]


@pytest.mark.parametrize("edit, code, line", [
    (('subjects = ["Testing"]', 'subjects = ["Testing"]\nslug = "../escaped"'), "M004", 10),
    (('subjects = ["Testing"]', 'subjects = ["Testing"]\nchapters = ["../outside.md"]'), "M018", 10),
    (('language = "en"', 'language = "english language"'), "M004", 3),
])
def test_book_toml_cannot_point_outside_or_be_vague(tmp_path, edit, code, line):
    done = _run(_book(tmp_path, edit), tmp_path / "out")
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith(f"{tmp_path / 'book' / 'book.toml'}:{line}: ")
    assert f"[{code}]" in done.stderr and not (tmp_path / "escaped.pdf").exists()


def test_text_before_the_chapter_title_is_an_error(tmp_path):
    done = _run(_book(tmp_path, chapter="Some words first.\n\n# Title\n\nText.\n"),
                tmp_path / "out")
    assert done.returncode == 1 and "[M020]" in done.stderr


def test_source_date_epoch_before_1980_is_an_error(tmp_path):
    done = subprocess.run([sys.executable, "publish.py", str(BASE), "-o", str(tmp_path)],
                          cwd=ROOT, env=dict(os.environ, SOURCE_DATE_EPOCH="1"),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1 and "[E001]" in done.stderr and "Traceback" not in done.stderr


def test_bad_styles_folder_or_output_file_are_usage_errors(tmp_path):
    assert _run(BASE, tmp_path / "out", "--styles", str(tmp_path / "none")).returncode == 2
    (tmp_path / "file").write_text("x")
    assert _run(BASE, tmp_path / "file").returncode == 2


def test_a_dropped_edition_leaves_no_stale_file(tmp_path):
    out = tmp_path / "out"
    assert _run(BASE, out).returncode == 0
    assert (out / "rule-fixture-letter.pdf").exists()
    smaller = _book(tmp_path, ('subjects = ["Testing"]', 'subjects = ["Testing"]\neditions = ["trade", "ebook"]'))
    assert _run(smaller, out).returncode == 0
    assert not (out / "rule-fixture-letter.pdf").exists()
    assert (out / "rule-fixture.pdf").exists()


def test_a_missing_validator_fails_the_build(tmp_path):
    done = subprocess.run(
        [sys.executable, "publish.py", str(BASE), "-o", str(tmp_path / "out")], cwd=ROOT,
        env=dict(os.environ, SOURCE_DATE_EPOCH=str(EPOCH), QUIRE_ACE_CLI="/nonexistent/ace"),
        capture_output=True, text=True, timeout=300)
    assert done.returncode == 1 and "[B003]" in done.stderr
    assert not (tmp_path / "out").exists()


def test_characters_the_bundled_fonts_lack_fail_the_build(tmp_path):
    """fontconfig would set them in a font of the machine: the file would depend on it."""
    done = _run(_book(tmp_path, chapter="# Title\n\nПривет мир.\n"), tmp_path / "out")
    chapter = tmp_path / "book" / "chapter.md"
    assert done.returncode == 1 and done.stderr.startswith(f"{chapter}:3: "), done.stderr
    assert "[B005]" in done.stderr and "U+041F CYRILLIC CAPITAL LETTER PE" in done.stderr
    assert not (tmp_path / "out").exists()


def test_dead_links_are_errors_before_layout_all_in_one_run(tmp_path):
    """A link to a file or to an id the book lacks is found with its line, with the
    other problems of the same run; nothing is written."""
    chapter = ("# Title\n\nSee [the notes](notes.md), [the method](#no-such-heading) and\n"
               "[the title](#title), [the café](#caf%65) [call us](tel:+441234567890).\n\n"
               "## Café\n\nA note.[^gone]\n")
    done = _run(_book(tmp_path, chapter=chapter), tmp_path / "out")
    path = tmp_path / "book" / "chapter.md"
    assert done.returncode == 1, done.stderr
    assert f"{path}:3: link to 'notes.md', which is not in the book nor on the web [M022]" \
        in done.stderr
    assert f"{path}:3: link to '#no-such-heading', a place the book does not have [M022]" \
        in done.stderr
    assert f"{path}:8: note reference [^gone] has no note [A004]" in done.stderr
    assert "'#title'" not in done.stderr and "3 problem(s)" in done.stderr
    assert not (tmp_path / "out").exists()
