"""Builds shared by the end-to-end tests: the guide and a small fixture book, once each."""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

from quire.build import BuildResult, build

ROOT = Path(__file__).resolve().parents[1]
STYLES = ROOT / "styles"
#: 2025-11-21T00:00:00Z: every end-to-end build is dated from this SOURCE_DATE_EPOCH.
EPOCH = 1763683200
MODIFIED = dt.datetime.fromtimestamp(EPOCH, dt.timezone.utc)


@dataclass(frozen=True)
class Built:
    manuscript: Path
    out: Path
    result: BuildResult

    def file(self, suffix: str) -> Path:
        (path,) = [p for p in self.result.written if p.suffix == suffix and p.parent == self.out]
        return path

    @property
    def pdf(self) -> Path:
        """The trade edition: the accessible PDF whose pages the ebook carries."""
        return self.edition("trade")

    def edition(self, name: str) -> Path:
        (path,) = [self.out / a.name for a in self.result.artifacts if a.edition == name]
        return path

    def editions(self, name: str) -> list[Path]:
        return [self.out / a.name for a in self.result.artifacts if a.edition == name]

    @property
    def epub(self) -> Path:
        return self.file(".epub")

    def epub_xml(self, name: str) -> etree._Element:
        with zipfile.ZipFile(self.epub) as archive:
            return etree.fromstring(archive.read(name))

    def checks(self) -> dict[str, dict]:
        """The checks the build ran, from its accessibility report, by tool name."""
        import json

        (path,) = self.out.glob("*-accessibility.json")
        report = json.loads(path.read_text(encoding="utf-8"))
        return {check["tool"].split()[0] + (" " + check["tool"].split()[1]
                if check["tool"].startswith("DAISY") else ""): check
                for check in report["checks"]}

    def epub_names(self) -> list[str]:
        with zipfile.ZipFile(self.epub) as archive:
            return archive.namelist()


def _build(manuscript: Path, out: Path) -> Built:
    return Built(manuscript, out, build(manuscript, out, STYLES, MODIFIED))


@pytest.fixture(scope="session")
def guide(tmp_path_factory) -> Built:
    return _build(ROOT / "manuscript", tmp_path_factory.mktemp("guide"))


@pytest.fixture(scope="session")
def small_book(tmp_path_factory) -> Built:
    return _build(ROOT / "tests" / "fixtures" / "small-book", tmp_path_factory.mktemp("small"))


@pytest.fixture(scope="session")
def feature_book(tmp_path_factory) -> Built:
    """The fixture book that uses every feature of the manuscript format once."""
    return _build(ROOT / "tests" / "fixtures" / "feature-book",
                  tmp_path_factory.mktemp("feature"))


@pytest.fixture(scope="session", params=["guide", "small_book"])
def any_book(request) -> Built:
    return request.getfixturevalue(request.param)
