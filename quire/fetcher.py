"""A WeasyPrint URL fetcher that reads only files inside the mounted folders."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

#: Folders are seen by WeasyPrint under this made-up root, never under their real paths:
#: WeasyPrint names image objects after their URL, so real paths would make the PDF
#: depend on where the manuscript lies (two checkouts would give different files).
VIRTUAL_ROOT = "/quire"


class ConfinedFetcher(URLFetcher):
    """No network, no file outside the mounted folders: whatever HTML or CSS asks for.

    Refusals raise, and WeasyPrint turns them into logged warnings, which the
    PDF writer collects so that a build cannot silently lose a resource.
    """

    def __init__(self, mounts: dict[str, Path]):
        super().__init__(allowed_protocols={"file"})
        self.mounts = {name: folder.resolve() for name, folder in mounts.items()}

    def base_url(self, name: str) -> str:
        """The URL WeasyPrint resolves a mounted folder's relative references against."""
        return f"file://{VIRTUAL_ROOT}/{name}/"

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise ValueError(f"refused to fetch '{url}': only files in the manuscript "
                             "and styles folders are read")
        name, _, relative = unquote(parts.path).removeprefix(f"{VIRTUAL_ROOT}/").partition("/")
        folder = self.mounts.get(name) if parts.path.startswith(f"{VIRTUAL_ROOT}/") else None
        if folder is None:
            raise ValueError(f"refused to read '{url}': it is outside the manuscript "
                             "and styles folders")
        path = (folder / relative).resolve()
        if not path.is_relative_to(folder):
            raise ValueError(f"refused to read '{relative}': it is outside the {name} folder")
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(),
                                  headers={"Content-Type": media_type})
