"""The accessibility rules every build enforces, by stable code (the report lists them)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    #: The success criterion or specification the rule stands for.
    basis: str


RULES: tuple[Rule, ...] = (
    Rule("M012", "Every image has alt text, or is marked decorative ({.decorative})",
         "WCAG 2.2 SC 1.1.1 Non-text Content"),
    Rule("A001", "Heading levels are not skipped", "WCAG 2.2 SC 1.3.1 Info and Relationships"),
    Rule("A002", "Link text describes its target (not empty, 'click here' or a bare URL)",
         "WCAG 2.2 SC 2.4.4 Link Purpose (In Context)"),
    Rule("A003", "Text colours in the stylesheets contrast at least 4.5:1 with their background",
         "WCAG 2.2 SC 1.4.3 Contrast (Minimum)"),
    Rule("A004", "Every note reference has a note, which gives it its accessible label",
         "WCAG 2.2 SC 4.1.2 Name, Role, Value; DPUB-ARIA doc-noteref"),
)
