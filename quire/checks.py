"""Every check a build runs on its own files, as results the report can list."""

from __future__ import annotations

import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import validate
from .output import Artifact
from .pdf_checks import check_pdf, claims_pdf_ua
from .pdf_overflow import text_fit_result
from .pdf_reading import reading_result
from .report import CheckResult
from .rules import RULES


def rule_results(book_files: int) -> tuple[CheckResult, ...]:
    """The build-time rules: reaching this point means each of them held."""
    return tuple(CheckResult(f"quire rule {rule.code}: {rule.title}", "manuscript and styles",
                             True, True, f"No problem in {book_files} files ({rule.basis}).")
                 for rule in RULES)


def pdf_results(artifact: Artifact, sources: dict[str, Path] | None = None
                ) -> tuple[CheckResult, ...]:
    """That no word is lost off any PDF's pages, the print-on-demand file's above all (B006
    when one is); then the machine checks of PDF/UA-1 (Matterhorn Protocol), one result per
    checkpoint, and the reading check, for a PDF that claims PDF/UA (a print-on-demand
    interior does not).

    ``sources``: the manuscript file of each section of the book, to say where a lost
    word was written.
    """
    fit = (text_fit_result(artifact.data, artifact.source_html, artifact.name, artifact.edition,
                           artifact.pages or 0, artifact.text_areas, sources or {}),) \
        if artifact.source_html else ()
    if not claims_pdf_ua(artifact.data):
        return fit
    reading = (reading_result(artifact.data, artifact.source_html, artifact.name),) \
        if artifact.source_html else ()
    return check_pdf(artifact.data, artifact.name) + reading + fit


#: Ace's own report is published in this folder beside the EPUB: ``SLUG-ace/report.html``.
ACE_REPORT_SUFFIX = "-ace"
#: The manifest's format of each kind of file in Ace's report folder.
FORMATS = {".html": "html", ".json": "json", ".css": "css", ".js": "js",
           ".jpg": "jpeg", ".jpeg": "jpeg", ".png": "png", ".gif": "gif", ".svg": "svg",
           ".webp": "webp"}


def ace_report_folder(epub_name: str) -> str:
    return Path(epub_name).stem + ACE_REPORT_SUFFIX


def epub_results(artifact: Artifact, run_validators: bool
                 ) -> tuple[tuple[CheckResult, ...], tuple[Artifact, ...]]:
    """EPUBCheck, DAISY Ace and axe-core on the EPUB, side by side; and Ace's own report
    folder as files to publish (``SLUG-ace/…``), none when the validators do not run."""
    if not run_validators:
        reason = "Skipped: the build was asked not to run the validators (--no-validate)."
        return tuple(CheckResult(tool, artifact.name, False, False, reason)
                     for tool in ("EPUBCheck", "DAISY Ace", "axe-core")), ()
    folder_name = ace_report_folder(artifact.name)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / artifact.name
        path.write_bytes(artifact.data)
        # Side by side: each is mostly a separate process waiting on its own start-up.
        with ThreadPoolExecutor(max_workers=3) as pool:
            runs = (pool.submit(validate.epubcheck, path),
                    pool.submit(validate.ace, path, f"../{artifact.name}"),
                    pool.submit(validate.axe, path))
            epubcheck, ace, axe = (run.result() for run in runs)
    results = (
        CheckResult(epubcheck.name, artifact.name, epubcheck.available, epubcheck.passed,
                    _summary(epubcheck.available, epubcheck.counts, epubcheck.messages),
                    epubcheck.messages),
        CheckResult(ace.name, artifact.name, ace.available, ace.passed,
                    _summary(ace.available, ace.counts, ace.messages),
                    tuple(f"{v.impact} {v.rule} {v.file}: {v.description}"
                          for v in ace.violations) or ace.messages),
        CheckResult(axe.name, artifact.name, axe.available, axe.passed, _axe_summary(axe),
                    _axe_details(axe)),
    )
    files = tuple(Artifact(f"{folder_name}/{name}", FORMATS.get(Path(name).suffix.lower(),
                                                                 Path(name).suffix.lstrip(".")),
                           "accessibility-report", data, 0.0)
                  for name, data in ace.report)
    return results, files


def _axe_summary(axe: validate.AxeVerdict) -> str:
    if not axe.available:
        return _summary(False, axe.counts, axe.messages)
    if not axe.rules:  # it ran and gave no result
        return "No result: " + (axe.messages[0] if axe.messages else "see the details.")
    sizes = " and ".join(str(width) for width, _ in validate.AXE_VIEWPORTS)
    return (f"{len(axe.rules)} rules, WCAG 2.2 A and AA and {len(validate.AXE_RULES)} best "
            f"practices, on {len(axe.documents)} documents {sizes} px wide: "
            + _summary(True, axe.counts, ()))


def _axe_details(axe: validate.AxeVerdict) -> tuple[str, ...]:
    if not axe.rules:
        return axe.messages
    return axe.messages + axe.needs_review + ("Rules run: " + ", ".join(axe.rules) + ".",)


def _summary(available: bool, counts: dict[str, int], messages: tuple[str, ...]) -> str:
    if not available:
        return "Not installed: " + (messages[0] if messages else "see the README.")
    return ", ".join(f"{n} {kind}" for kind, n in counts.items()) + "."
