"""Rule A003: text colours in a stylesheet against their background (WCAG 2.2, 1.4.3)."""

from __future__ import annotations

from pathlib import Path

import tinycss2
import tinycss2.color3

from .errors import BookError

#: WCAG 2.2 SC 1.4.3 minimum for body-size text.
MINIMUM = 4.5
#: The page, and the ebook's default background, when a rule sets none.
WHITE = (1.0, 1.0, 1.0)


def check_contrast(stylesheet: Path) -> None:
    """Raise A003 for the first colour that is too faint on its background."""
    text = stylesheet.read_text(encoding="utf-8")
    rules = tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True)
    for declarations in _declaration_blocks(rules):
        colour = background = None
        for declaration in declarations:
            name = declaration.lower_name
            if name == "color":
                colour = declaration
            elif name in ("background-color", "background"):
                background = _colour(declaration) or background
        if colour is None or _colour(colour) is None:
            continue
        ratio = contrast_ratio(_colour(colour), background or WHITE)
        if ratio < MINIMUM:
            raise BookError(
                "A003", f"text colour {tinycss2.serialize(colour.value).strip()} has a "
                f"contrast of {ratio:.2f}:1 with its background, below {MINIMUM}:1",
                stylesheet, colour.source_line,
                "darken the text or lighten the background (WCAG 2.2 SC 1.4.3)")


def contrast_ratio(first: tuple[float, float, float], second: tuple[float, float, float]) -> float:
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(rgb: tuple[float, float, float]) -> float:
    """Relative luminance, WCAG 2.2 definition."""
    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(c) for c in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def _colour(declaration) -> tuple[float, float, float] | None:
    for token in declaration.value:
        parsed = tinycss2.color3.parse_color(token)
        if parsed is not None and not isinstance(parsed, str):
            return parsed.red, parsed.green, parsed.blue
    return None


def _declaration_blocks(rules):
    """The declaration list of every style rule, @page and margin-box rules included."""
    for rule in rules:
        if rule.type not in ("qualified-rule", "at-rule") or rule.content is None:
            continue
        items = tinycss2.parse_blocks_contents(rule.content, skip_comments=True,
                                               skip_whitespace=True)
        yield [item for item in items if item.type == "declaration"]
        yield from _declaration_blocks([item for item in items if item.type != "declaration"])
