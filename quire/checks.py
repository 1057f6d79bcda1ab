"""Every check a build runs on its own files, as results the report can list."""

from __future__ import annotations

import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import validate
from .output import Artifact
from .pdf_checks import check_pdf, claims_pdf_ua
from .pdf_reading import reading_result
from .report import CheckResult
from .rules import RULES


def rule_results(book_files: int) -> tuple[CheckResult, ...]:
    """The build-time rules: reaching this point means each of them held."""
    return tuple(CheckResult(f"quire rule {rule.code}: {rule.title}", "manuscript and styles",
                             True, True, f"No problem in {book_files} files ({rule.basis}).")
                 for rule in RULES)


def pdf_results(artifact: Artifact) -> tuple[CheckResult, ...]:
    """The machine checks of PDF/UA-1 (Matterhorn Protocol), one result per checkpoint.

    None for a PDF that does not claim PDF/UA, such as a PDF/X print-on-demand interior.
    """
    if not claims_pdf_ua(artifact.data):
        return ()
    reading = (reading_result(artifact.data, artifact.source_html, artifact.name),) \
        if artifact.source_html else ()
    return check_pdf(artifact.data, artifact.name) + reading


def epub_results(artifact: Artifact, run_validators: bool) -> tuple[CheckResult, ...]:
    if not run_validators:
        reason = "Skipped: the build was asked not to run the validators (--no-validate)."
        return (CheckResult("EPUBCheck", artifact.name, False, False, reason),
                CheckResult("DAISY Ace", artifact.name, False, False, reason))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / artifact.name
        path.write_bytes(artifact.data)
        # Side by side: each is mostly a separate process waiting on its own start-up.
        with ThreadPoolExecutor(max_workers=2) as pool:
            epubcheck_run, ace_run = pool.submit(validate.epubcheck, path), pool.submit(
                validate.ace, path)
            epubcheck, ace = epubcheck_run.result(), ace_run.result()
    return (
        CheckResult(epubcheck.name, artifact.name, epubcheck.available, epubcheck.passed,
                    _summary(epubcheck.available, epubcheck.counts, epubcheck.messages),
                    epubcheck.messages),
        CheckResult(ace.name, artifact.name, ace.available, ace.passed,
                    _summary(ace.available, ace.counts, ace.messages),
                    tuple(f"{v.impact} {v.rule} {v.file}: {v.description}"
                          for v in ace.violations) or ace.messages),
    )


def _summary(available: bool, counts: dict[str, int], messages: tuple[str, ...]) -> str:
    if not available:
        return "Not installed: " + (messages[0] if messages else "see the README.")
    return ", ".join(f"{n} {kind}" for kind, n in counts.items()) + "."
