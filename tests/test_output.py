"""Output folder: atomic writes that never leave half a file, and the manifest."""

from __future__ import annotations

import hashlib
import json
import stat

import pytest

from quire.output import MANIFEST, Artifact, manifest, publish, write_atomically


def test_write_atomically_creates_the_file(tmp_path):
    path = tmp_path / "new" / "book.pdf"
    write_atomically(path, b"%PDF-1.7")
    assert path.read_bytes() == b"%PDF-1.7"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_write_atomically_replaces_content_and_leaves_no_temp_files(tmp_path):
    path = tmp_path / "book.pdf"
    path.write_bytes(b"old content that is longer")
    write_atomically(path, b"new")
    assert path.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.pdf"]


def test_failed_write_keeps_the_previous_file_and_removes_the_temp_file(tmp_path):
    path = tmp_path / "book.pdf"
    path.write_bytes(b"previous")
    with pytest.raises(TypeError):
        write_atomically(path, "not bytes")  # type: ignore[arg-type]
    assert path.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.pdf"]


def test_failed_first_write_leaves_nothing(tmp_path):
    with pytest.raises(TypeError):
        write_atomically(tmp_path / "book.pdf", 12345)  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


PDF = Artifact("book.pdf", "pdf", "print", b"%PDF-1.7 data", 1.5, pages=18)
EPUB = Artifact("book.epub", "epub", "ebook", b"PK epub data", 0.1)


def test_manifest_lists_every_file_with_its_size_and_sha256():
    data = json.loads(manifest([PDF, EPUB], "quire 0.1.0"))
    assert data["generator"] == "quire 0.1.0"
    assert data["files"] == [
        {"path": "book.pdf", "format": "pdf", "edition": "print", "bytes": 13,
         "sha256": hashlib.sha256(b"%PDF-1.7 data").hexdigest(), "pages": 18},
        {"path": "book.epub", "format": "epub", "edition": "ebook", "bytes": 12,
         "sha256": hashlib.sha256(b"PK epub data").hexdigest()},
    ]


def test_manifest_sha256_of_known_bytes():
    artifact = Artifact("x.epub", "epub", "ebook", b"abc", 0.0)
    (entry,) = json.loads(manifest([artifact], "g"))["files"]
    assert entry["sha256"] == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_manifest_has_pages_only_for_pdfs():
    files = json.loads(manifest([PDF, EPUB], "g"))["files"]
    assert "pages" in files[0]
    assert "pages" not in files[1]


def test_manifest_is_stable_utf8_json_ending_in_a_newline():
    first = manifest([Artifact("livre-é.epub", "epub", "ebook", b"x", 0.3)], "g")
    second = manifest([Artifact("livre-é.epub", "epub", "ebook", b"x", 9.9)], "g")
    assert first == second  # the seconds a build took are not in it
    assert first.endswith(b"}\n")
    assert "livre-é.epub".encode("utf-8") in first


def test_publish_writes_every_file_then_the_manifest(tmp_path):
    written = publish([PDF, EPUB], tmp_path, "quire 0.1.0")
    assert [p.name for p in written] == ["book.pdf", "book.epub", MANIFEST]
    assert (tmp_path / "book.pdf").read_bytes() == PDF.data
    assert (tmp_path / "book.epub").read_bytes() == EPUB.data
    assert (tmp_path / MANIFEST).read_bytes() == manifest([PDF, EPUB], "quire 0.1.0")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in written)
