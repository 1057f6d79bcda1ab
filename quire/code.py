"""Code blocks: fenced (with a language) and indented, highlighted by Pygments into spans.

A block becomes ``<pre class="code"><code class="language-python">`` with one
``<span class="line">`` per source line (the styles wrap a long line with a hanging indent and
a continuation mark) and Pygments' short token classes inside (``<span class="k">``), which
styles/code.css colours. Nothing of the code is changed: every character stays, in order.
"""

from __future__ import annotations

import html

from markdown.extensions.codehilite import CodeHilite, CodeHiliteExtension, HiliteTreeprocessor
from pygments.formatter import Formatter
from pygments.token import STANDARD_TYPES

#: The class of a block whose language is not given (or not known to Pygments).
PLAIN = "text"


def _token_class(ttype) -> str:
    """Pygments' short class of a token type ("k", "s2"), or of its nearest known parent."""
    while ttype not in STANDARD_TYPES:
        ttype = ttype.parent
    return STANDARD_TYPES[ttype]


class CodeFormatter(Formatter):
    """Tokens -> ``<pre class="code"><code class="language-…">`` with a span per line."""

    name = "quire"

    def __init__(self, lang_str: str = "", **options):
        super().__init__(**options)
        language = lang_str.removeprefix("language-")
        self.language = language if language and language != PLAIN else ""

    def format(self, tokensource, outfile) -> None:
        lines, current = [], []
        for ttype, value in tokensource:
            kind = _token_class(ttype)
            for index, piece in enumerate(value.split("\n")):
                if index:
                    lines.append("".join(current))
                    current = []
                if piece:
                    text = html.escape(piece, quote=False)
                    current.append(f'<span class="{kind}">{text}</span>' if kind else text)
        if current:
            lines.append("".join(current))
        # Each line keeps its newline inside its span: copied or read as text, the block
        # is the source, line for line.
        body = "".join(f'<span class="line">{line}\n</span>' for line in lines)
        language = f' class="language-{html.escape(self.language)}"' if self.language else ""
        outfile.write(f'<pre class="code"><code{language}>{body}</code></pre>')


class _Treeprocessor(HiliteTreeprocessor):
    """Indented blocks, highlighted as plain text: no first line is ever taken for a
    language header (``#!python``, ``:::perl``), since it is the author's code."""

    def run(self, root) -> None:
        for block in list(root.iter("pre")):
            if len(block) == 1 and block[0].tag == "code" and block[0].text is not None:
                config = dict(self.config)
                config.pop("pygments_style", None)
                code = CodeHilite(self.code_unescape(block[0].text), lang=PLAIN,
                                  tab_length=self.md.tab_length, **config)
                placeholder = self.md.htmlStash.store(code.hilite(shebang=False))
                block.clear()
                block.tag = "p"  # replaced by the stored HTML, as codehilite does
                block.text = placeholder


class CodeExtension(CodeHiliteExtension):
    """Fenced and indented code blocks through ``CodeFormatter``; the fenced_code extension
    takes its settings from here."""

    def __init__(self):
        super().__init__(guess_lang=False, pygments_formatter=CodeFormatter,
                         use_pygments=True, linenums=False)

    def extendMarkdown(self, md) -> None:  # noqa: N802 - Python-Markdown's API
        processor = _Treeprocessor(md)
        processor.config = self.getConfigs()
        # As codehilite registers its own: before 'inline', so code is never parsed.
        md.treeprocessors.register(processor, "hilite", 30)
        md.registerExtension(self)
