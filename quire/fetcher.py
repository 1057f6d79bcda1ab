"""A WeasyPrint URL fetcher that reads only files inside the allowed folders."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse


class ConfinedFetcher(URLFetcher):
    """No network, no file outside ``roots``: whatever HTML or CSS asks for.

    Refusals raise, and WeasyPrint turns them into logged warnings, which the
    PDF writer collects so that a build cannot silently lose a resource.
    """

    def __init__(self, roots: list[Path]):
        super().__init__(allowed_protocols={"file"})
        self.roots = [root.resolve() for root in roots]

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise ValueError(f"refused to fetch '{url}': only files in the manuscript "
                             "and styles folders are read")
        path = Path(unquote(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.roots):
            raise ValueError(f"refused to read '{path}': it is outside the manuscript "
                             "and styles folders")
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(),
                                  headers={"Content-Type": media_type})
