"""read -> check -> each writer -> output folder: the whole build, with no printing."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

from . import __version__
from .accessibility import accessibility_claims
from .checks import epub_results, rule_results
from .contrast import check_contrast
from .errors import BookError
from .manuscript import read_manuscript
from .model import Book
from .output import Artifact, publish
from .report import CheckResult, page_links, report_data, report_html, report_json
from .writers.epub import write_epub
from .writers.pdf import write_pdf


@dataclass(frozen=True)
class Edition:
    """A named output of the book: one writer, one file."""

    name: str
    format: str
    suffix: str
    #: Makes the edition from the book and the editions made before it.
    write: Callable[[Book, Path, dict[str, Artifact]], Artifact]


def _pdf(book: Book, styles: Path, made: dict[str, Artifact]) -> Artifact:
    result = write_pdf(book, styles, "print")
    if result.warnings:
        # WeasyPrint only logs what it could not do (a missing glyph, a refused file):
        # for a print file each of those is a defect, so the build stops.
        raise BookError("B002", f"the PDF renderer reported: {result.warnings[0]}", None, None,
                        f"{len(result.warnings)} problem(s) in all; fix the first and build again")
    return Artifact(f"{book.metadata.slug}.pdf", "pdf", "print", result.data, 0.0, result.pages,
                    result.page_map)


def _epub(book: Book, styles: Path, made: dict[str, Artifact]) -> Artifact:
    # The print edition's pages, so that "turn to page 12" works in the ebook too.
    source = made["print"]
    claims = accessibility_claims(book, source.page_map, _page_source(book, source))
    data = write_epub(book, styles, claims, source.page_map)
    return Artifact(f"{book.metadata.slug}.epub", "epub", "ebook", data, 0.0, claims=claims)


def _page_source(book: Book, source: Artifact) -> str:
    return f"{book.metadata.identifier} (print edition, {source.name})"


#: Every edition a build makes, in order. A new format is one writer and one line here.
EDITIONS = (
    Edition("print", "pdf", ".pdf", _pdf),
    Edition("ebook", "epub", ".epub", _epub),
)


def _run_checks(artifacts: list[Artifact], files: int,
                run_validators: bool) -> tuple[CheckResult, ...]:
    """Run every check on the made files; fail the build on any that fails."""
    checks = rule_results(files)
    for artifact in artifacts:
        if artifact.format == "epub":
            checks += epub_results(artifact, run_validators)
    failed = [check for check in checks if check.ran and not check.passed]
    if failed:
        first = failed[0]
        raise BookError("B003", f"{first.tool} failed on {first.target}: {first.summary}",
                        None, None, "; ".join(first.details[:3]) or "see the tool's report")
    return checks


def _accessibility_report(book: Book, styles: Path, artifacts: list[Artifact],
                          checks: tuple[CheckResult, ...]) -> tuple[Artifact, Artifact]:
    (ebook,) = [a for a in artifacts if a.format == "epub"]
    data = report_data(book, ebook.claims, checks, page_links(ebook.data),
                       {a.edition: a.name for a in artifacts})
    name = f"{book.metadata.slug}-accessibility"
    return (Artifact(f"{name}.html", "html", "accessibility-report", report_html(data, styles), 0),
            Artifact(f"{name}.json", "json", "accessibility-report", report_json(data), 0))


@dataclass(frozen=True)
class BuildResult:
    artifacts: tuple[Artifact, ...]
    written: tuple[Path, ...]
    checks: tuple[CheckResult, ...]
    warnings: tuple[BookError, ...]
    seconds: float


def build(manuscript: Path, output: Path, styles: Path, modified: dt.datetime,
          on_artifact: Callable[[Artifact], None] | None = None,
          run_validators: bool = True) -> BuildResult:
    """Build every edition, check them, and write them with their accessibility report.

    Nothing in ``output`` changes unless every edition was made and every check passed.
    """
    start = time.perf_counter()
    book, warnings = read_manuscript(manuscript, modified)
    stylesheets = sorted(styles.glob("*.css"))
    for stylesheet in stylesheets:
        check_contrast(stylesheet)
    artifacts, made = [], {}
    for edition in EDITIONS:
        began = time.perf_counter()
        artifact = replace(edition.write(book, styles, made),
                           seconds=time.perf_counter() - began)
        artifacts.append(artifact)
        made[edition.name] = artifact
        if on_artifact is not None:
            on_artifact(artifact)
    began = time.perf_counter()
    checks = _run_checks(artifacts, len(book.chapters) + len(stylesheets), run_validators)
    reports = _accessibility_report(book, styles, artifacts, checks)
    for report in reports:
        artifacts.append(replace(report, seconds=time.perf_counter() - began))
        if on_artifact is not None:
            on_artifact(artifacts[-1])
    written = publish(artifacts, output, f"quire {__version__}")
    return BuildResult(tuple(artifacts), tuple(written), checks, tuple(warnings),
                       time.perf_counter() - start)
