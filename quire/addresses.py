"""Web addresses, domains and e-mail addresses in running text, marked so that none is hyphenated.

An address found in the text is cut after each "/" and each "."; each piece becomes a
``<span class="url">`` (kept whole, unhyphenated, by the stylesheets) and a ``<wbr/>`` goes
between two pieces: a line may break there and nowhere else, and no character is added to
the text. The pieces are siblings: a run of them with only ``<wbr/>`` between is one
address. Used on the chapters' parsed tree (``markdown_ext``) and on the reference list
(``citations``).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

#: Top-level domains a bare domain (``example.com``) may end in. A word pair such as "e.g."
#: or "Fig.In" is left alone because the list is short; the cost of a false find is only
#: that the word is not hyphenated.
TLDS = ("com", "org", "net", "edu", "gov", "mil", "int", "info", "biz", "io", "co", "uk",
        "us", "ca", "au", "nz", "ie", "de", "fr", "nl", "be", "ch", "at", "es", "it", "pt",
        "se", "no", "dk", "fi", "pl", "eu", "jp", "in", "br", "mx", "za", "app", "dev", "me",
        "tv", "ai", "ly", "online", "site", "store", "blog", "news", "health", "academy",
        "church", "coach", "care", "life", "live", "today", "world", "xyz", "shop")
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_TAIL = r"[^\s<>\"“”‘’«»]*"  # the rest of an address: path, query, fragment
ADDRESS = re.compile(
    r"(?<![\w@./-])(?:"
    r"(?:https?|ftp)://" + _TAIL                                               # https://…
    + r"|mailto:[\w.%+-]+@" + _LABEL + r"(?:\." + _LABEL + r")+"             # mailto:…
    + r"|[\w.%+-]+@" + _LABEL + r"(?:\." + _LABEL + r")+"                     # a@b.org
    + r"|www\." + _LABEL + r"(?:\." + _LABEL + r")+(?:[/?#]" + _TAIL + r")?"  # www.…
    + r"|(?:" + _LABEL + r"\.)+(?i:" + "|".join(TLDS) + r")(?![\w-])(?:[/?#]" + _TAIL + r")?"
    + r")")
#: Punctuation that ends the sentence, not the address.
TRAILING = ".,;:!?'\"’”»…"
#: Elements whose text is code, or is already made by the build (a citation's author-date).
SKIP = {"code", "pre", "kbd", "samp", "script", "style"}


def find_addresses(text: str) -> list[tuple[int, int]]:
    """(start, end) of every address in ``text``, without the punctuation that follows it."""
    found = []
    for match in ADDRESS.finditer(text):
        start, end = match.span()
        while end > start and (text[end - 1] in TRAILING or (text[end - 1] == ")" and (
                text.count("(", start, end) < text.count(")", start, end)))):
            end -= 1
        if "." in text[start:end] or "@" in text[start:end]:
            found.append((start, end))
    return found


def split_address(address: str) -> list[str]:
    """Pieces that end after each run of "/" and after each "." (the break points)."""
    return [p for p in re.split(r"(?<=[/.])(?![/.])", address) if p]


def address_nodes(address: str, tag: str = "span") -> list[etree.Element]:
    """``<span class="url">`` for each piece of the address, a ``<wbr/>`` between each two."""
    nodes = []
    for index, piece in enumerate(split_address(address)):
        if index:
            nodes.append(etree.Element("wbr"))
        span = etree.Element(tag, {"class": "url"})
        span.text = piece
        nodes.append(span)
    return nodes


def mark_addresses(root: etree.Element, skip_roles: frozenset[str] = frozenset()) -> int:
    """Wraps every address in the text under ``root``; returns how many were found.

    Text of ``code``/``pre`` (and of elements with a role in ``skip_roles``) is left alone,
    as is text already marked.
    """
    count = 0

    def visit(element: etree.Element) -> None:
        nonlocal count
        if not isinstance(element.tag, str) or element.tag in SKIP or \
                element.get("role") in skip_roles or "url" in element.get("class", "").split():
            return
        count += _split_text(element)
        for child in list(element):
            visit(child)
            count += _split_tail(element, child)

    visit(root)
    return count


def _split_text(element: etree.Element) -> int:
    text = element.text or ""
    pieces = _pieces(text)
    if not pieces:
        return 0
    element.text = pieces[0]
    _insert(element, 0, pieces[1])
    return len(pieces[1])


def _split_tail(parent: etree.Element, child: etree.Element) -> int:
    pieces = _pieces(child.tail or "")
    if not pieces:
        return 0
    child.tail = pieces[0]
    _insert(parent, list(parent).index(child) + 1, pieces[1])
    return len(pieces[1])


def _insert(parent: etree.Element, position: int, found: list) -> None:
    for nodes, tail in found:
        for node in nodes:
            parent.insert(position, node)
            position += 1
        nodes[-1].tail = tail


def _pieces(text: str):
    """(text before the first address, [(address nodes, text after it) …]), or None."""
    found = find_addresses(text)
    if not found:
        return None
    before = text[:found[0][0]]
    spans = []
    for index, (start, end) in enumerate(found):
        following = found[index + 1][0] if index + 1 < len(found) else len(text)
        spans.append((address_nodes(text[start:end]), text[end:following]))
    return before, spans
