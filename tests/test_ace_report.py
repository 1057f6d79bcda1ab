"""DAISY Ace's own report, published beside the accessibility report: listed in the
manifest, linked from the report page, and the same from one build to the next."""

from __future__ import annotations

import hashlib
import json
import shutil

from lxml import etree

from quire import validate
from quire.output import MANIFEST, Artifact, publish


def _folder(book):
    return book.out / f"{book.epub.stem}-ace"


def test_ace_report_is_published_and_listed_in_the_manifest(guide):
    folder = _folder(guide)
    names = {p.relative_to(guide.out).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert {f"{folder.name}/report.html", f"{folder.name}/report.json"} <= names
    listed = {f["path"]: f for f in json.loads((guide.out / MANIFEST).read_text())["files"]}
    for name in names:
        data = (guide.out / name).read_bytes()
        assert listed[name]["sha256"] == hashlib.sha256(data).hexdigest(), name
        assert listed[name]["edition"] == "accessibility-report"
    assert listed[f"{folder.name}/report.html"]["format"] == "html"


def test_ace_report_is_the_verdict_the_build_recorded(guide):
    report = json.loads((_folder(guide) / "report.json").read_text(encoding="utf-8"))
    assert report["earl:result"]["earl:outcome"] == "pass"
    assert report["earl:assertedBy"]["doap:release"]["doap:revision"] == "1.4.6"
    assert guide.checks()["DAISY Ace"]["tool"] == "DAISY Ace 1.4.6"


def test_ace_report_is_dated_by_the_build_and_points_at_the_published_epub(guide):
    folder = _folder(guide)
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    # SOURCE_DATE_EPOCH of the tests: 2025-11-21T00:00:00Z, in Ace's own date format.
    assert report["dct:date"] == "11/21/2025, 12:00:00 AM"
    assert report["earl:testSubject"]["url"] == f"../{guide.epub.name}"
    assert (folder / report["earl:testSubject"]["url"]).resolve() == guide.epub.resolve()
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert "on 11/21/2025, 12:00:00 AM" in page
    for path in folder.rglob("*"):
        if path.suffix in (".html", ".json"):
            assert "/tmp" not in path.read_text(encoding="utf-8"), path


def test_accessibility_report_links_to_aces_report(guide):
    page = etree.parse(str(guide.file(".html")), etree.HTMLParser())
    (link,) = page.xpath("//a[text()=\"DAISY Ace's full report\"]")
    assert (guide.out / link.get("href")).is_file()
    data = json.loads(next(guide.out.glob("*-accessibility.json")).read_text())
    assert data["ace_report"] == link.get("href") == f"{_folder(guide).name}/report.html"


def test_two_runs_of_ace_write_the_same_report(small_book, tmp_path):
    """Ace's dates and the temporary path are rewritten: byte-identical reports."""
    reports = []
    for run in ("one", "two"):
        (tmp_path / run).mkdir()
        copy = tmp_path / run / small_book.epub.name
        shutil.copy(small_book.epub, copy)
        verdict = validate.ace(copy)
        assert verdict.passed, verdict.messages
        reports.append(verdict.report)
    assert reports[0] == reports[1]
    assert {"report.html", "report.json"} <= {name for name, _ in reports[0]}


def test_a_build_without_aces_report_removes_the_previous_one(tmp_path):
    first = [Artifact("b.epub", "epub", "ebook", b"e", 0),
             Artifact("b-ace/report.html", "html", "accessibility-report", b"<p/>", 0),
             Artifact("b-ace/data/x.jpg", "jpeg", "accessibility-report", b"j", 0)]
    publish(first, tmp_path, "g")
    assert (tmp_path / "b-ace" / "data" / "x.jpg").read_bytes() == b"j"
    publish(first[:1], tmp_path, "g")  # --no-validate: no Ace report this time
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.epub", MANIFEST]
