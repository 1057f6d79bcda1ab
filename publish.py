#!/usr/bin/env python3
"""Build the book in manuscript/ into output/: see README.md, or run with --help."""

from quire.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
