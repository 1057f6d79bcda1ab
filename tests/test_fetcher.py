"""ConfinedFetcher: WeasyPrint reads files inside the mounted folders, nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from quire.fetcher import ConfinedFetcher


@pytest.fixture
def layout(tmp_path) -> tuple[Path, Path]:
    """A mounted folder with one file, and a secret file next to it."""
    root = tmp_path / "manuscript"
    root.mkdir()
    (root / "inside.css").write_bytes(b"p { color: black }")
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"secret")
    return root, secret


def _fetcher(root: Path, **more: Path) -> ConfinedFetcher:
    return ConfinedFetcher({"manuscript": root, **more})


def test_file_inside_a_mount_is_returned_with_its_bytes(layout):
    root, _ = layout
    fetcher = _fetcher(root)
    response = fetcher.fetch(fetcher.base_url("manuscript") + "inside.css")
    assert response.read() == b"p { color: black }"
    assert response.content_type == "text/css"


def test_base_url_does_not_reveal_where_the_folder_is(layout):
    root, _ = layout
    assert str(root) not in _fetcher(root).base_url("manuscript")


def test_file_in_a_subfolder_with_an_escaped_name_is_returned(layout):
    root, _ = layout
    (root / "images").mkdir()
    (root / "images" / "a b.png").write_bytes(b"\x89PNG")
    fetcher = _fetcher(root)
    response = fetcher.fetch(fetcher.base_url("manuscript") + "images/a%20b.png")
    assert response.read() == b"\x89PNG"
    assert response.content_type == "image/png"


def test_file_in_the_second_mount_is_returned(layout, tmp_path):
    root, _ = layout
    styles = tmp_path / "styles"
    styles.mkdir()
    (styles / "print.css").write_bytes(b"body {}")
    fetcher = _fetcher(root, styles=styles)
    assert fetcher.fetch(fetcher.base_url("styles") + "print.css").read() == b"body {}"


@pytest.mark.parametrize("url", ["http://example.com/a.png", "https://example.com/a.png",
                                 "ftp://example.com/a.png", "data:text/plain,hello"])
def test_other_schemes_are_refused(layout, url):
    root, _ = layout
    with pytest.raises(ValueError, match="refused"):
        _fetcher(root).fetch(url)


def test_file_url_with_a_remote_host_is_refused(layout):
    root, _ = layout
    with pytest.raises(ValueError, match="refused"):
        _fetcher(root).fetch("file://example.com/quire/manuscript/inside.css")


def test_real_path_of_a_file_is_refused_even_inside_the_folder(layout):
    root, secret = layout
    with pytest.raises(ValueError, match="outside"):
        _fetcher(root).fetch((root / "inside.css").as_uri())
    with pytest.raises(ValueError, match="outside"):
        _fetcher(root).fetch(secret.as_uri())


def test_unknown_mount_is_refused(layout):
    root, _ = layout
    with pytest.raises(ValueError, match="outside"):
        _fetcher(root).fetch("file:///quire/etc/passwd")


@pytest.mark.parametrize("escape", ["../secret.txt", "%2E%2E/secret.txt",
                                    "images/../../secret.txt", "../../../etc/passwd"])
def test_dot_dot_escape_is_refused(layout, escape):
    root, _ = layout
    fetcher = _fetcher(root)
    with pytest.raises(ValueError, match="outside"):
        fetcher.fetch(fetcher.base_url("manuscript") + escape)


def test_symlink_inside_pointing_outside_is_refused(layout):
    root, secret = layout
    (root / "link.txt").symlink_to(secret)
    fetcher = _fetcher(root)
    with pytest.raises(ValueError, match="outside"):
        fetcher.fetch(fetcher.base_url("manuscript") + "link.txt")
