"""Command line: arguments, progress and exit codes. The only module that prints."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from . import __version__
from .build import build
from .errors import BookError, BookErrors
from .output import Artifact
from .pdf_overflow import TOOL as FIT_TOOL
from .pdf_reading import TOOL as READING_TOOL
from .validate import PROJECT

EXIT_OK, EXIT_BOOK_ERROR, EXIT_INTERNAL = 0, 1, 3


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="publish.py",
        description="Build a tagged PDF and an accessible EPUB 3 from a Markdown manuscript.",
        epilog="Set SOURCE_DATE_EPOCH for reproducible output: the same manuscript and the "
               "same value give byte-identical files. Exit codes: 0 built, 1 a problem in the "
               "manuscript (reported as path:line), 2 bad arguments, 3 an internal error.")
    p.add_argument("manuscript", nargs="?", type=Path, default=Path("manuscript"),
                   help="manuscript folder with book.toml and the chapters (default: manuscript)")
    p.add_argument("-o", "--output", type=Path, default=Path("output"),
                   help="folder the files are written to (default: output)")
    p.add_argument("--styles", type=Path, default=PROJECT / "styles",
                   help="folder with the templates, stylesheets and fonts (default: styles/)")
    p.add_argument("--no-validate", action="store_true",
                   help="skip EPUBCheck, Ace and axe-core (quick drafts); the accessibility "
                        "report then says they were not run")
    p.add_argument("--version", action="version", version=f"quire {__version__}")
    return p


def main(argv: list[str] | None = None) -> int:
    arguments = parser()
    args = arguments.parse_args(argv)
    if not (args.styles / "templates").is_dir():
        arguments.error(f"--styles {args.styles}: not a styles folder (it has no templates/)")
    if args.output.exists() and not args.output.is_dir():
        arguments.error(f"-o {args.output}: exists and is not a folder")
    try:
        modified = _build_time(os.environ.get("SOURCE_DATE_EPOCH"))
        result = build(args.manuscript, args.output, args.styles, modified, _progress,
                       run_validators=not args.no_validate)
    except BookError as error:
        _report(error, "error")
        return EXIT_BOOK_ERROR
    except BookErrors as errors:
        for error in errors.errors:
            _report(error, "error")
        print(f"{len(errors.errors)} problem(s) in the manuscript; nothing was written",
              file=sys.stderr)
        return EXIT_BOOK_ERROR
    except Exception as error:  # a bug, not the author's fault: say so without a traceback
        print(f"internal error: {type(error).__name__}: {error}", file=sys.stderr)
        print("  hint: this is a bug in quire; please report it with the manuscript",
              file=sys.stderr)
        return EXIT_INTERNAL
    for warning in result.warnings:
        _report(warning, "warning")
    matterhorn: dict[str, int] = {}
    reading: dict[str, str] = {}
    fit: dict[str, str] = {}
    for check in result.checks:
        if check.target.endswith(".pdf") and check.tool == READING_TOOL:
            reading[check.target] = check.summary.rstrip(".").lower()
        elif check.target.endswith(".pdf") and check.tool == FIT_TOOL:
            fit[check.target] = check.summary.rstrip(".").lower()
        elif check.target.endswith(".pdf"):  # one line per file, not per checkpoint
            matterhorn[check.target] = matterhorn.get(check.target, 0) + 1
        elif not check.tool.startswith("quire rule"):
            verdict = "passed" if check.ran and check.passed else "NOT RUN" if not check.ran else "FAILED"
            print(f"  {check.tool} {check.target}: {verdict} ({check.summary.rstrip('.')})")
    for target, count in matterhorn.items():
        more = "".join(f"; {found[target]}" for found in (reading, fit) if target in found)
        print(f"  PDF/UA-1 (Matterhorn) {target}: passed ({count} checkpoints{more})")
    for target, summary in fit.items():  # a PDF that claims no PDF/UA: a print file
        if target not in matterhorn:
            print(f"  text fit {target}: passed ({summary})")
    print(f"built {len(result.artifacts)} files, listed in {result.written[-1]}, "
          f"in {result.seconds:.2f} s")
    return EXIT_OK


def _build_time(epoch: str | None) -> dt.datetime:
    if epoch is None or epoch == "":
        return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    try:
        moment = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
        if moment.year < 1980:  # the earliest date a zip entry (an EPUB) can carry
            raise ValueError
        return moment
    except (ValueError, OverflowError, OSError):
        raise BookError("E001", f"SOURCE_DATE_EPOCH='{epoch}' is not a Unix time", None, None,
                        "set it to whole seconds since 1970 (from 1980 on), e.g. $(git log -1 --format=%ct)") \
            from None


def _progress(artifact: Artifact) -> None:
    pages = f"{artifact.pages} pages" if artifact.pages is not None else ""
    print(f"  {artifact.format:<5} {artifact.edition:<20} {artifact.name:<66} {pages:>9} "
          f"{len(artifact.data) / 1024:7.0f} KiB {artifact.seconds:6.2f} s", flush=True)


def _report(error: BookError, kind: str) -> None:
    print(f"{kind}: {error}" if error.path is None or kind == "warning" else f"{error}",
          file=sys.stderr)
    if error.hint:
        print(f"  hint: {error.hint}", file=sys.stderr)
