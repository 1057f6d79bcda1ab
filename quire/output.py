"""Writes a build's files into the output folder atomically, with manifest.json."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .accessibility import AccessibilityClaims
from .model import PageMap

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Artifact:
    """One finished output, still in memory."""

    name: str
    format: str
    edition: str
    data: bytes
    seconds: float
    pages: int | None = None
    #: Where each page begins, for a paged edition.
    page_map: PageMap | None = None
    #: What the file claims of its accessibility, for an ebook.
    claims: AccessibilityClaims | None = None
    #: For a PDF: the HTML it was laid out from, which its text must read as.
    source_html: str | None = None
    #: For a PDF: each page's text block, (left, bottom, right, top) in PDF points.
    text_areas: tuple[tuple[float, float, float, float], ...] = ()


def write_atomically(path: Path, data: bytes) -> None:
    """Temporary file in the same folder, then rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def manifest(artifacts: list[Artifact], generator: str) -> bytes:
    files = []
    for artifact in artifacts:
        entry = {"path": artifact.name, "format": artifact.format, "edition": artifact.edition,
                 "bytes": len(artifact.data),
                 "sha256": hashlib.sha256(artifact.data).hexdigest()}
        if artifact.pages is not None:
            entry["pages"] = artifact.pages
        files.append(entry)
    return (json.dumps({"generator": generator, "files": files}, indent=2, ensure_ascii=False)
            + "\n").encode("utf-8")


def publish(artifacts: list[Artifact], folder: Path, generator: str) -> list[Path]:
    """Every file, then the manifest that lists them; called only once all were made.

    Files the previous build listed and this one does not make (an edition dropped from
    book.toml) are removed, so the folder holds what the manifest says and nothing else.
    """
    previous = _listed(folder / MANIFEST)
    written = []
    for artifact in artifacts:
        write_atomically(folder / artifact.name, artifact.data)
        written.append(folder / artifact.name)
    write_atomically(folder / MANIFEST, manifest(artifacts, generator))
    written.append(folder / MANIFEST)
    for name in previous - {a.name for a in artifacts}:
        relative = Path(name)
        # Only names the manifest gave, in this folder or a subfolder of it (a tool's report).
        if relative.is_absolute() or ".." in relative.parts or not relative.parts:
            continue
        stale = folder / relative
        stale.unlink(missing_ok=True)
        parent = stale.parent
        while parent != folder and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()  # a subfolder left empty goes too
            parent = parent.parent
    return written


def _listed(path: Path) -> set[str]:
    try:
        return {entry["path"] for entry in json.loads(path.read_text())["files"]}
    except (OSError, ValueError, KeyError, TypeError):
        return set()
