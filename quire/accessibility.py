"""What a book's accessibility metadata may claim, derived from what the book contains."""

from __future__ import annotations

from dataclasses import dataclass

from pathlib import Path

from .model import Book, Image, PageMap

CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"
#: The generated cover image, which the EPUB carries besides the book's own images.
COVER = Image(src="cover.jpg", path=Path("cover.jpg"), media_type="image/jpeg")
#: Image types that can move, and so could flash (WCAG 2.3.1).
MOVING_IMAGE_TYPES = {"image/gif", "image/webp"}


@dataclass(frozen=True)
class AccessibilityClaims:
    """schema.org accessibility properties (EPUB Accessibility 1.1, section 2)."""

    access_modes: tuple[str, ...]
    access_modes_sufficient: tuple[str, ...]
    features: tuple[str, ...]
    hazards: tuple[str, ...]
    summary: str
    conforms_to: str
    certified_by: str
    page_source: str | None


def accessibility_claims(book: Book, page_map: PageMap | None, page_source: str | None,
                         has_cover: bool = False) -> AccessibilityClaims:
    """Every claim follows from a fact the tests check on the built files."""
    images = book.images + ((COVER,) if has_cover else ())
    modes, sufficient = _access_modes(images)
    features = ["tableOfContents", "readingOrder", "structuralNavigation",
                "displayTransformability", "ARIA"]
    if images:
        features.append("alternativeText")
    if page_map is not None:
        features += ["printPageNumbers", "pageNavigation"]
    features = sorted(set(features))
    moving = [i for i in images if i.media_type in MOVING_IMAGE_TYPES]
    hazards = ("unknownFlashingHazard", "noMotionSimulationHazard", "noSoundHazard") \
        if moving else ("none",)
    return AccessibilityClaims(
        access_modes=modes, access_modes_sufficient=sufficient, features=tuple(features),
        hazards=hazards, summary=_summary(images, page_map, bool(moving)),
        conforms_to=CONFORMANCE, certified_by=book.metadata.publisher,
        page_source=page_source)


def _access_modes(images: tuple[Image, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Visual only with images; text alone suffices since every image has alt text (the
    reader refuses one without)."""
    if images:
        return ("textual", "visual"), ("textual", "textual,visual")
    return ("textual",), ("textual",)


def _summary(images: tuple[Image, ...], page_map: PageMap | None, moving: bool) -> str:
    parts = [f"This publication meets {CONFORMANCE}."]
    if images == (COVER,):
        parts.append("Its one image, the cover, has a text alternative, so it can be read "
                     "entirely as text. It has no audio or video.")
    elif images:
        cover = " (the cover among them)" if COVER in images else ""
        parts.append(f"It has {len(images)} images{cover}, each with a text alternative, "
                     "so it can be read entirely as text. It has no audio or video.")
    else:
        parts.append("It is text only: it has no images, audio or video.")
    parts.append("A table of contents, headings for each chapter and section, and a "
                 "logical reading order make it navigable by headings and by chapter.")
    if page_map is not None:
        parts.append(f"The page numbers of the print edition ({len(page_map.pages)} pages) "
                     "are marked where each printed page begins, with a page list.")
    parts.append("Text size, fonts and colours can be changed in the reading system: the "
                 "stylesheet sets no fixed font or colour on the text.")
    parts.append("It may contain moving images; their flashing has not been assessed."
                 if moving else "It has no known hazards (no flashing, motion or sound).")
    return " ".join(parts)


def print_claims(book: Book) -> AccessibilityClaims:
    """The same facts for the tagged PDF, in the terms that hold for a fixed layout.

    A PDF has its print pages natively (page labels) and does not reflow, so it claims
    ``taggedPDF`` and ``pageNavigation`` but not ``displayTransformability``.
    """
    images = book.images
    features = ["tableOfContents", "readingOrder", "structuralNavigation", "taggedPDF",
                "pageNavigation"] + (["alternativeText"] if images else [])
    moving = [i for i in images if i.media_type in MOVING_IMAGE_TYPES]
    summary = ("A tagged PDF (PDF/UA-1): headings, lists, tables and links are in its "
               "structure tree, in reading order, with bookmarks and page labels matching the "
               "printed page numbers. " + (f"Its {len(images)} image(s) have text alternatives."
                                           if images else "It has no images."))
    modes, sufficient = _access_modes(images)
    return AccessibilityClaims(
        access_modes=modes, access_modes_sufficient=sufficient, features=tuple(sorted(features)),
        hazards=("unknownFlashingHazard",) if moving else ("none",),
        summary=summary, conforms_to="PDF/UA-1 (ISO 14289-1)",
        certified_by=book.metadata.publisher, page_source=None)
