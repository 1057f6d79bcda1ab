"""End to end through publish.py: every broken manuscript is one `path:line:` error with a
stable code and a hint, exit code 1, no traceback, and the previous output left untouched."""

from __future__ import annotations

import hashlib
import http.server
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Callable

import pytest
from tests.images import tiny_png

PROJECT = Path(__file__).resolve().parents[1]
EPOCH = "1763683200"


# The line numbers in CASES below are read off these texts.
BOOK_TOML = """\
title = "Small Test Book"
language = "en-GB"
identifier = "urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e"
publisher = "Test Press"
date = 2025-11-21
rights = "© 2025 Test Press. All rights reserved."
description = "A small book that exercises every part of the build."
subjects = ["Testing", "Publishing"]
editions = ["trade", "ebook"]

[[creators]]
name = "A. Tester"
role = "aut"
"""
REFERENCES = """\
[
  {
    "id": "glass2003",
    "type": "book",
    "author": [{"family": "Glass", "given": "S. P."}, {"family": "Wright", "given": "T. L."}],
    "issued": {"date-parts": [[2003]]},
    "title": "Not Just Friends",
    "publisher": "Free Press"
  }
]
"""
CHAPTER_1 = """\
# First Chapter {#first}

Opening paragraph of the first chapter.

## Evidence

As the research shows [@glass2003], trust can be rebuilt.

![A small grey square](figure.png)

More text.
"""
CHAPTER_2 = """\
# Second Chapter

Some text in the second chapter.

## Closing

Last words.
"""
GOOD_BOOK: dict[str, str | bytes] = {
    "book.toml": BOOK_TOML,
    "references.json": REFERENCES,
    "01-first.md": CHAPTER_1,
    "02-second.md": CHAPTER_2,
    "figure.png": tiny_png(),
}


def write_book(folder: Path, files: dict[str, str | bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        if isinstance(content, bytes):
            (folder / name).write_bytes(content)
        else:
            (folder / name).write_text(content, encoding="utf-8")
    return folder


def publish(*args: object, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "publish.py", "--no-validate", *map(str, args)], cwd=PROJECT,
        env=os.environ | {"SOURCE_DATE_EPOCH": EPOCH} | (env or {}),
        capture_output=True, text=True, timeout=300, check=False)


def hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def good_manuscript(tmp_path_factory) -> Path:
    return write_book(tmp_path_factory.mktemp("good") / "manuscript", GOOD_BOOK)


@pytest.fixture(scope="module")
def built(good_manuscript, tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A successful build of GOOD_BOOK: the output folder and the sha256 of every file in it."""
    out = tmp_path_factory.mktemp("out")
    result = publish(good_manuscript, "-o", out)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    before = hashes(out)
    assert sorted(before) == ["manifest.json", "small-test-book-accessibility.html",
                              "small-test-book-accessibility.json", "small-test-book-cover.jpg",
                              "small-test-book.epub", "small-test-book.pdf"]
    return out, before


def assert_book_error(result: subprocess.CompletedProcess, path: Path, line: int,
                      code: str) -> None:
    assert "Traceback" not in result.stdout + result.stderr
    assert result.returncode == 1, result.stderr
    lines = result.stderr.splitlines()
    assert lines, "no message on stderr"
    assert lines[0].startswith(f"{path}:{line}: "), result.stderr
    assert lines[0].endswith(f"[{code}]"), result.stderr
    assert any(line.startswith("  hint: ") for line in lines[1:]), result.stderr


def assert_output_untouched(out: Path, before: dict[str, str]) -> None:
    after = hashes(out)
    assert not [name for name in after if name.endswith(".tmp")]
    assert after == before


# --- one broken thing per case -----------------------------------------------------------


def edit(name: str, old: str, new: str) -> Callable[[dict], None]:
    def change(files: dict) -> None:
        assert old in files[name]
        files[name] = files[name].replace(old, new, 1)
    return change


def replace(name: str, content: str | bytes) -> Callable[[dict], None]:
    def change(files: dict) -> None:
        files[name] = content
    return change


def remove(*names: str) -> Callable[[dict], None]:
    def change(files: dict) -> None:
        for name in names:
            del files[name]
    return change


CASES = [
    pytest.param(edit("book.toml", 'publisher = "Test Press"\n', ""),
                 "book.toml", 1, "M005", id="missing-book-toml-key"),
    pytest.param(edit("book.toml", 'title = "Small Test Book"\n',
                      'title = "Small Test Book"\nsubtitel = "Oops"\n'),
                 "book.toml", 2, "M003", id="unknown-book-toml-key"),
    pytest.param(edit("book.toml", 'publisher = "Test Press"', 'publisher = "Test Press'),
                 "book.toml", 4, "M002", id="malformed-toml"),
    pytest.param(edit("references.json", '"title": "Not Just Friends"',
                      '"title": Not Just Friends'),
                 "references.json", 7, "M008", id="malformed-references-json"),
    pytest.param(edit("01-first.md", "[@glass2003]", "[@glas2003]"),
                 "01-first.md", 7, "M017", id="unknown-citation-key"),
    pytest.param(edit("02-second.md", "## Closing", "## Closing {#first}"),
                 "02-second.md", 5, "M011", id="duplicate-heading-id-across-chapters"),
    pytest.param(edit("01-first.md", "![A small grey square](figure.png)", "![](figure.png)"),
                 "01-first.md", 9, "M012", id="image-without-alt-text"),
    pytest.param(remove("figure.png"), "01-first.md", 9, "M014", id="image-missing-on-disk"),
    pytest.param(replace("02-second.md", b"# T\n\nok\n\n\xff\xfe bad\n"),
                 "02-second.md", 5, "M007", id="chapter-not-utf8"),
    pytest.param(remove("01-first.md", "02-second.md"), "book.toml", 1, "M019",
                 id="no-chapters"),
    pytest.param(replace("02-second.md", ""), "02-second.md", 1, "M019", id="empty-chapter"),
]


@pytest.mark.parametrize("break_it, file_name, line, code", CASES)
def test_bad_input_is_one_located_error_and_changes_no_output(
        built, tmp_path, break_it, file_name, line, code):
    out, before = built
    files = dict(GOOD_BOOK)
    break_it(files)
    manuscript = write_book(tmp_path / "manuscript", files)
    result = publish(manuscript, "-o", out)
    assert_book_error(result, manuscript / file_name, line, code)
    assert_output_untouched(out, before)


def test_unknown_key_hint_suggests_the_known_key(built, tmp_path):
    out, _ = built
    files = dict(GOOD_BOOK)
    edit("book.toml", 'title = "Small Test Book"\n',
         'title = "Small Test Book"\nsubtitel = "Oops"\n')(files)
    result = publish(write_book(tmp_path / "manuscript", files), "-o", out)
    assert "  hint: did you mean 'subtitle'?" in result.stderr.splitlines()


# --- remote images: refused before anything is fetched ------------------------------------


class RecordingServer:
    """A local HTTP server (and proxy) that records every request it gets."""

    def __init__(self):
        self.requests: list[str] = []
        requests = self.requests

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's API
                requests.append(self.path)
                self.send_response(404)
                self.end_headers()

            do_CONNECT = do_HEAD = do_GET  # noqa: N815

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.parametrize("remote", ["http://example.com/a.png", "{local}/a.png"])
def test_remote_image_is_m013_and_nothing_is_fetched(built, tmp_path, remote):
    out, before = built
    with RecordingServer() as server:
        src = remote.format(local=server.url)
        files = dict(GOOD_BOOK)
        edit("01-first.md", "![A small grey square](figure.png)", f"![x]({src})")(files)
        manuscript = write_book(tmp_path / "manuscript", files)
        # Any HTTP(S) request, direct or through the proxy settings, would reach the server.
        proxies = {name: server.url for name in (
            "http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")}
        result = publish(manuscript, "-o", out, env=proxies | {"no_proxy": "", "NO_PROXY": ""})
    assert_book_error(result, manuscript / "01-first.md", 9, "M013")
    assert server.requests == []
    assert_output_untouched(out, before)


# --- the command line itself --------------------------------------------------------------


def test_help_exits_0_and_documents_the_output_option():
    result = publish("--help")
    assert result.returncode == 0
    assert "-o" in result.stdout
    assert "--output" in result.stdout


def test_nonexistent_manuscript_folder_exits_1_with_a_message(tmp_path):
    missing, out = tmp_path / "no-such-manuscript", tmp_path / "out"
    result = publish(missing, "-o", out)
    assert_book_error(result, missing, 1, "M000")
    assert "does not exist" in result.stderr
    assert not out.exists()


def test_same_manuscript_builds_again_byte_identically(built, good_manuscript, tmp_path):
    _, before = built
    result = publish(good_manuscript, "-o", tmp_path / "again")
    assert result.returncode == 0, result.stderr
    assert hashes(tmp_path / "again") == before


def test_same_manuscript_in_another_folder_builds_byte_identically(built, tmp_path):
    # "The same manuscript and the same SOURCE_DATE_EPOCH give byte-identical files"
    # (publish.py --help): a checkout elsewhere (CI, another machine) is the same manuscript.
    _, before = built
    result = publish(write_book(tmp_path / "elsewhere", GOOD_BOOK), "-o", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert hashes(tmp_path / "out") == before
