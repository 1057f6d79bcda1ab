"""read -> check -> each writer -> output folder: the whole build, with no printing."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

from . import __version__
from .accessibility import print_claims
from .checks import epub_results, pdf_results, rule_results
from .contrast import check_contrast
from .coverage import bundled_fonts, character_problems
from .errors import BookError
from .manuscript import read_manuscript
from .model import Book
from .output import Artifact, publish
from .render import section_sources
from .report import CheckResult, page_links, report_data, report_html, report_json
from .editions import EDITIONS


def _run_checks(artifacts: list[Artifact], files: int, run_validators: bool,
                sources: dict[str, Path] | None = None
                ) -> tuple[tuple[CheckResult, ...], tuple[Artifact, ...]]:
    """Run every check on the made files; fail the build on any that fails.

    Also returns the files a checker writes for the output (DAISY Ace's own report).
    ``sources``: the manuscript file of each section, for the errors of the PDF checks.
    """
    checks, reports = rule_results(files), ()
    for artifact in artifacts:
        if artifact.format == "pdf":
            checks += pdf_results(artifact, sources)
        elif artifact.format == "epub":
            results, written = epub_results(artifact, run_validators)
            checks, reports = checks + results, reports + written
    # A validator that should have run and could not is a failure too: the report must not
    # go out without its verdict.
    failed = [check for check in checks
              if not check.passed and (check.ran or run_validators)]
    if failed:
        first = failed[0]
        raise BookError("B003", f"{first.tool} failed on {first.target}: {first.summary}",
                        None, None, "; ".join(first.details[:3]) or "see the tool's report")
    return checks, reports


def _accessibility_report(book: Book, styles: Path, artifacts: list[Artifact],
                          checks: tuple[CheckResult, ...],
                          tool_reports: tuple[Artifact, ...] = ()) -> tuple[Artifact, Artifact]:
    ebook = next((a for a in artifacts if a.format == "epub"), None)
    ace_page = next((a.name for a in tool_reports if a.name.endswith("/report.html")), None)
    data = report_data(book, ebook.claims if ebook else print_claims(book), checks,
                       page_links(ebook.data) if ebook else (),
                       {a.name: a.edition for a in artifacts}, ace_report=ace_page)
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
    families = bundled_fonts(styles / "fonts.css") if (styles / "fonts.css").is_file() else ()
    book, warnings = read_manuscript(
        manuscript, modified,
        (lambda path, text: character_problems(path, text, families)) if families else None)
    stylesheets = sorted(styles.glob("*.css"))
    for stylesheet in stylesheets:
        check_contrast(stylesheet)
    artifacts, made = [], {}
    for edition in EDITIONS:
        if edition.name not in book.production.editions:
            continue
        began = time.perf_counter()
        files = edition.make(book, styles, made)
        seconds = (time.perf_counter() - began) / len(files)  # a share each, for handouts
        for artifact in files:
            artifact = replace(artifact, seconds=seconds)
            artifacts.append(artifact)
            made[artifact.name] = artifact
            if on_artifact is not None:
                on_artifact(artifact)
    began = time.perf_counter()
    checks, tool_reports = _run_checks(artifacts, len(book.divisions) + len(stylesheets),
                                       run_validators, section_sources(book))
    reports = _accessibility_report(book, styles, artifacts, checks, tool_reports)
    for report in reports + tool_reports:
        artifacts.append(replace(report, seconds=time.perf_counter() - began))
        if on_artifact is not None:
            on_artifact(artifacts[-1])
    written = publish(artifacts, output, f"quire {__version__}")
    return BuildResult(tuple(artifacts), tuple(written), checks, tuple(warnings),
                       time.perf_counter() - start)
