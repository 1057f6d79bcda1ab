"""quire: a Markdown manuscript in; a tagged PDF and an accessible EPUB 3 out."""

__version__ = "0.1.0"
