"""axe-core (WCAG 2.2 A and AA, target size included) on every content document of the EPUB:
run by every build beside EPUBCheck and Ace, and shown to fail where it should."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from quire import build as build_module
from quire import validate
from quire.errors import BookError
from quire.validate import AxeVerdict, EpubCheckVerdict, AceVerdict

from tests.conftest import MODIFIED, ROOT, STYLES


def _xhtml_documents(epub: Path) -> list[str]:
    with zipfile.ZipFile(epub) as archive:
        return [n for n in archive.namelist() if n.endswith(".xhtml")]


def test_every_build_runs_axe_on_every_document_and_passes(any_book):
    check = any_book.checks()["axe-core"]
    assert check["tool"].startswith("axe-core 4.") and check["target"] == any_book.epub.name
    assert check["ran"] and check["passed"], check["details"]
    documents = len(_xhtml_documents(any_book.epub))
    assert f"on {documents} documents 320 and 1280 px wide" in check["summary"]
    assert check["summary"].endswith("0 critical, 0 serious, 0 moderate, 0 minor.")
    (rules,) = [d for d in check["details"] if d.startswith("Rules run: ")]
    run = rules.removeprefix("Rules run: ").rstrip(".").split(", ")
    # SC 2.5.8 (target size), which Ace does not run, and the best practices for books.
    assert {"target-size", "region", "page-has-heading-one", "landmark-unique",
            "heading-order", "color-contrast", "image-alt", "html-has-lang"} <= set(run)
    assert len(run) >= 60


def test_axe_runs_at_a_phone_width_and_a_desktop_width():
    assert (320, 640) in validate.AXE_VIEWPORTS and any(w >= 1024 for w, _ in validate.AXE_VIEWPORTS)
    assert "wcag22aa" in validate.AXE_TAGS and "--headless" in validate.CHROMIUM_FLAGS


def test_the_cli_prints_the_axe_verdict(capsys, tmp_path, monkeypatch):
    """The command line lists axe-core beside EPUBCheck and Ace (from the build's checks)."""
    from quire import cli

    class Result:  # what cli.main reads of a build
        artifacts, warnings, seconds = (), (), 1.0
        written = (tmp_path / "manifest.json",)
        checks = (build_module.CheckResult("axe-core 4.11", "book.epub", True, True, "fine."),)

    monkeypatch.setattr(cli, "build", lambda *a, **k: Result)
    assert cli.main([str(ROOT / "tests" / "fixtures" / "small-book"), "-o", str(tmp_path)]) == 0
    assert "  axe-core 4.11 book.epub: passed (fine)" in capsys.readouterr().out


# It fails where it should.

SMALL_LINKS = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" lang="en" xml:lang="en">
<head><title>Links</title>
<style>li {{ line-height: 10px; font-size: 8px; margin: 0; }}</style></head>
<body><main><h1>Links</h1><ul>{items}</ul></main></body></html>"""


@pytest.fixture(scope="module")
def runtime():
    ace_cli = validate._configured(validate.ACE_CLI_ENV, validate.ACE_CLI)
    modules = validate.ace_node_modules(ace_cli)
    assert modules is not None, "run `make validators`"
    return modules, validate._configured(validate.CHROMIUM_ENV, validate.CHROMIUM)


def test_axe_fails_a_list_of_10_px_tall_links(runtime, tmp_path):
    page = tmp_path / "links.xhtml"
    page.write_text(SMALL_LINKS.format(items="".join(
        f'<li><a href="#x{n}" id="x{n}">Entry {n}</a></li>' for n in range(6))), encoding="utf-8")
    verdict = validate.axe_documents([page], tmp_path, *runtime, tmp_path)
    assert verdict.available and not verdict.passed
    assert {v.rule for v in verdict.violations} == {"target-size"}
    assert all(v.file == "links.xhtml" and v.impact == "serious" for v in verdict.violations)
    assert all("320×640 px" in v.viewports for v in verdict.violations)
    assert verdict.serious == len(verdict.violations) >= 5


def _without_target_size_css(epub: Path, broken: Path) -> None:
    """A copy of ``epub`` whose stylesheet lacks the contents' target-size rules."""
    with zipfile.ZipFile(epub) as source, zipfile.ZipFile(broken, "w") as target:
        target.writestr("mimetype", source.read("mimetype"), zipfile.ZIP_STORED)
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith("epub.css"):
                data, count = re.subn(rb"\nnav (li|a) \{[^}]*\}", b"", data)
                assert count == 2
            if info.filename != "mimetype":
                target.writestr(info.filename, data, zipfile.ZIP_DEFLATED)


def test_axe_fails_the_ebook_without_its_target_size_rules(small_book, tmp_path):
    broken = tmp_path / "broken.epub"
    _without_target_size_css(small_book.epub, broken)
    verdict = validate.axe(broken)
    assert verdict.available and not verdict.passed
    failing = {(v.rule, Path(v.file).name) for v in verdict.violations}
    assert {("target-size", "contents.xhtml"), ("target-size", "nav.xhtml")} <= failing
    assert {rule for rule, _ in failing} == {"target-size"}


def test_axe_missing_is_unavailable_not_passed(small_book, tmp_path, monkeypatch):
    monkeypatch.setenv("QUIRE_ACE_CLI", str(tmp_path / "no-ace-cli"))
    verdict = validate.axe(small_book.epub)
    assert not verdict.available and not verdict.passed
    assert "make validators" in verdict.messages[0]


def test_a_failing_axe_check_fails_the_build_with_b003(small_book, monkeypatch):
    epub = next(a for a in small_book.result.artifacts if a.format == "epub")
    monkeypatch.setattr(validate, "epubcheck", lambda path: EpubCheckVerdict("EPUBCheck", True, True))
    monkeypatch.setattr(validate, "ace", lambda path, link=None: AceVerdict("DAISY Ace", True, True))
    violation = validate.AxeViolation("target-size", "serious", "Touch targets", "EPUB/nav.xhtml",
                                      "320×640 px", "li > a", "Target has insufficient size")
    monkeypatch.setattr(validate, "axe", lambda path: AxeVerdict(
        "axe-core 4.11", True, False, serious=1, rules=("target-size",),
        documents=("EPUB/nav.xhtml",), violations=(violation,), messages=(str(violation),)))
    with pytest.raises(BookError) as caught:
        build_module._run_checks([epub], 1, True)
    assert caught.value.code == "B003" and "axe-core" in caught.value.message
    assert "target-size" in caught.value.hint


def test_no_validate_skips_axe_and_says_so(tmp_path):
    result = build_module.build(ROOT / "tests" / "fixtures" / "small-book", tmp_path, STYLES,
                                MODIFIED, run_validators=False)
    (axe,) = [c for c in result.checks if c.tool == "axe-core"]
    assert not axe.ran and not axe.passed and "--no-validate" in axe.summary
    assert not (tmp_path / "small-book-ace").exists()
