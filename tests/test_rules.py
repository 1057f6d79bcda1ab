"""Every build-time accessibility rule fails the build on its fixture, with its code and line.

tests/fixtures/rules/base is a clean book; each rule's folder adds the file that breaks
the rule (a chapter, or for A003 a stylesheet).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from quire.rules import RULES
from tests.conftest import EPOCH, ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "rules"
#: code -> (file the message names, line)
EXPECTED = {
    "M012": ("chapter.md", 5),
    "A001": ("chapter.md", 5),
    "A002": ("chapter.md", 3),
    "A003": ("print.css", 3),
    "A004": ("chapter.md", 3),
}


def _run(manuscript, out, styles=ROOT / "styles"):
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(EPOCH))
    return subprocess.run(
        [sys.executable, "publish.py", "--no-validate", str(manuscript), "-o", str(out), "--styles", str(styles)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def _fixture(code, tmp_path):
    manuscript, styles = tmp_path / "book", tmp_path / "styles"
    shutil.copytree(FIXTURES / "base", manuscript)
    shutil.copytree(ROOT / "styles", styles)
    for path in (FIXTURES / code).iterdir():
        shutil.copy(path, (styles if path.suffix == ".css" else manuscript) / path.name)
    return manuscript, styles


def test_every_rule_has_a_fixture():
    assert {rule.code for rule in RULES} == set(EXPECTED)
    assert all((FIXTURES / code).is_dir() for code in EXPECTED)


def test_the_base_book_breaks_no_rule(tmp_path):
    done = _run(FIXTURES / "base", tmp_path / "out")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_rule_fails_the_build_with_its_code_and_line(code, tmp_path):
    manuscript, styles = _fixture(code, tmp_path)
    done = _run(manuscript, tmp_path / "out", styles)
    name, line = EXPECTED[code]
    first = done.stderr.splitlines()[0]
    assert done.returncode == 1, done.stderr
    assert first.startswith(f"{(styles if name.endswith('.css') else manuscript) / name}:{line}: ")
    assert first.endswith(f"[{code}]")
    assert done.stderr.splitlines()[1].startswith("  hint: ")
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists(), "nothing is written"


def test_a_decorative_image_says_so_and_passes(tmp_path):
    manuscript, styles = _fixture("M012", tmp_path)
    chapter = manuscript / "chapter.md"
    chapter.write_text(chapter.read_text().replace("![](gradient.png)",
                                                   "![](gradient.png){.decorative}"))
    done = _run(manuscript, tmp_path / "out", styles)
    assert done.returncode == 0, done.stderr
