"""Two builds of the same manuscript with the same SOURCE_DATE_EPOCH are byte-identical."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import EPOCH, ROOT


def _cli_build(out, epoch):
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(epoch))
    done = subprocess.run([sys.executable, "publish.py", "--no-validate", "manuscript", "-o", str(out)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout, {p.name: p.read_bytes() for p in out.iterdir()}


def test_two_builds_are_byte_identical(tmp_path):
    stdout, first = _cli_build(tmp_path / "one", EPOCH)
    _, second = _cli_build(tmp_path / "two", EPOCH)
    assert {"manifest.json", "rebuilding-intimacy-and-trust-after-infidelity.pdf",
            "rebuilding-intimacy-and-trust-after-infidelity.epub",
            "rebuilding-intimacy-and-trust-after-infidelity-print-on-demand-interior.pdf",
            "rebuilding-intimacy-and-trust-after-infidelity-accessibility.json"} <= set(first)
    assert first == second
    # a progress line per output, with its time
    lines = stdout.splitlines()[:len(first) - 1]  # a progress line per file but the manifest
    assert [line.split()[0] for line in lines][-4:] == ["epub", "jpeg", "html", "json"]
    assert all(line.rstrip().endswith(" s") for line in lines)


def test_another_build_time_changes_the_files(tmp_path):
    _, first = _cli_build(tmp_path / "one", EPOCH)
    _, later = _cli_build(tmp_path / "two", EPOCH + 86400)
    assert first["rebuilding-intimacy-and-trust-after-infidelity.epub"] != \
        later["rebuilding-intimacy-and-trust-after-infidelity.epub"]
