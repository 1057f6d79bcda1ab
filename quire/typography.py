"""Typography by the book's language: quotation marks and the spaces punctuation wants."""

from __future__ import annotations

import re

NBSP = "\u00a0"
#: Double quotation marks (opening, closing) by primary language subtag. A single quote
#: closes with ’ in every language: Markdown's smarty writes the closing single mark for every
#: apostrophe too, and a language's own (French ”, Russian “) would turn "l'amour" into
#: "l”amour".
QUOTES = {
    "en": ("“", "”"),
    "de": ("„", "“"),
    "fr": ("«" + NBSP, NBSP + "»"),
    "es": ("«", "»"),
    "it": ("«", "»"),
    "pt": ("«", "»"),
    "ru": ("«", "»"),
    "uk": ("«", "»"),
    "pl": ("„", "”"),
    "cs": ("„", "“"),
    "sk": ("„", "“"),
    "nl": ("“", "”"),
    "da": ("„", "“"),
    "sv": ("”", "”"),
    "fi": ("”", "”"),
    "nb": ("«", "»"),
    "no": ("«", "»"),
}
#: The opening single mark where a language's own is not ‘ (its closing one is ’ too).
SINGLE_OPENING = {"sv": "’", "fi": "’"}
#: Before these, French sets a no-break space where the author typed a space.
FRENCH_SPACED = re.compile(r" (?=[;:!?»])|(?<=«) ")


def _primary(language: str) -> str:
    return language.split("-")[0].lower()


def quote_marks(language: str) -> dict[str, str]:
    """Python-Markdown smarty's substitutions for ``language`` (English where unknown)."""
    left_double, right_double = QUOTES.get(_primary(language), QUOTES["en"])
    return {"left-double-quote": left_double, "right-double-quote": right_double,
            "left-single-quote": SINGLE_OPENING.get(_primary(language), "‘"),
            "right-single-quote": "’",
            "left-angle-quote": "«", "right-angle-quote": "»",
            "ndash": "–", "mdash": "—", "ellipsis": "…"}


def space_punctuation(language: str, text: str) -> str:
    """``text`` with the space before ; : ! ? » and after « made no-break, in French (the
    author's own spaces; none is added)."""
    if _primary(language) != "fr":
        return text
    return FRENCH_SPACED.sub(NBSP, text)
