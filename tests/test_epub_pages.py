"""The ebook as reading systems that paginate with CSS columns lay it out (Foliate, Apple
Books, Readium): in headless Chromium, at several screen heights, no heading is left at the
foot of a page without the lines that follow it, and none is split over two pages."""

from __future__ import annotations

import json
import subprocess
import zipfile
from pathlib import Path

import pytest

from quire import validate

from tests.conftest import ROOT

#: Screen heights in CSS px, from a small phone on its side to a tablet.
HEIGHTS = (360, 420, 480, 540, 600, 660, 720, 780, 840, 900)


def _headings(epub: Path, folder: Path) -> list[dict]:
    modules = validate.ace_node_modules(validate.ACE_CLI)
    if modules is None:
        pytest.fail("DAISY Ace's node_modules are missing: run make")
    with zipfile.ZipFile(epub) as archive:
        archive.extractall(folder)
    files = sorted(str(p) for p in folder.rglob("*.xhtml") if "chapter" in p.name)
    assert files
    output = folder / "headings.json"
    subprocess.run(["node", str(ROOT / "tests" / "column_pages.js"), str(modules),
                    str(validate.CHROMIUM), str(output), ",".join(map(str, HEIGHTS)), *files],
                   check=True, timeout=600)
    return json.loads(output.read_text("utf-8"))


def test_no_heading_is_left_at_the_foot_of_a_page(guide, tmp_path):
    headings = _headings(guide.epub, tmp_path)
    assert len(headings) >= 10 * len(HEIGHTS)
    stranded = [(h["text"], h["height"]) for h in headings
                if h["page"] - h["bottom"] < 2 * h["line"] - 1]
    assert not stranded, stranded
    assert all(h["columns"] == 1 for h in headings), [h for h in headings if h["columns"] > 1]
