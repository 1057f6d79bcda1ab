"""The book model: frozen dataclasses passed from the reader to every writer."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Creator:
    name: str
    #: MARC relator code (``aut`` author, ``edt`` editor, ``trl`` translator …).
    role: str = "aut"
    #: Sort form of the name, for example "Glass, Shirley P.".
    file_as: str | None = None


@dataclass(frozen=True)
class Metadata:
    title: str
    subtitle: str | None
    language: str
    #: ``urn:uuid:…`` or ``urn:isbn:…``; never changes between builds.
    identifier: str
    publisher: str
    date: dt.date
    rights: str
    description: str
    subjects: tuple[str, ...]
    creators: tuple[Creator, ...]
    #: Base name of the output files.
    slug: str
    #: Where the book can be had (printed on handouts); the identifier when not given.
    url: str | None = None
    #: The print (trade) edition's identifier from book.toml (print_isbn, print_identifier).
    print_identifier: str | None = None

    @property
    def full_title(self) -> str:
        return f"{self.title}: {self.subtitle}" if self.subtitle else self.title

    @property
    def authors(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.creators if c.role == "aut")

    @property
    def print_edition_identifier(self) -> str:
        """The trade (print) edition's identifier, whose page numbers the ebook carries:
        ``print_identifier`` when book.toml gives one, otherwise derived from the ebook's,
        stable and distinct from it: ``urn:uuid:`` + UUID 5 in the URL namespace of the
        identifier followed by ``#trade``."""
        if self.print_identifier:
            return self.print_identifier
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, self.identifier + '#trade')}"

    @property
    def isbn(self) -> str | None:
        prefix = "urn:isbn:"
        return self.identifier[len(prefix):] if self.identifier.startswith(prefix) else None


@dataclass(frozen=True)
class Heading:
    level: int
    id: str
    #: Plain text, for the contents, bookmarks and navigation documents.
    text: str
    #: Inline HTML of the heading's content (keeps italics).
    html: str


@dataclass(frozen=True)
class Image:
    #: Path relative to the manuscript folder, as written in the chapter.
    src: str
    path: Path
    media_type: str


@dataclass(frozen=True)
class Chapter:
    #: Book-wide unique id, the id of the chapter's level-1 heading.
    id: str
    source: Path
    title: str
    headings: tuple[Heading, ...]
    #: XHTML fragment of the chapter body, headings included; ids unique book-wide.
    html: str
    images: tuple[Image, ...]
    #: What the file is: ``chapter``, or a front or back matter role (``structure.ROLES``).
    role: str = "chapter"
    #: False when the file has no ``# Title`` (a dedication, an epigraph): its title is a
    #: heading to navigate by that is not shown, and it has no entry in the contents.
    shows_title: bool = True


@dataclass(frozen=True)
class Part:
    """A part of the book: a title page of its own before the chapters it groups."""

    #: Book-wide unique id, the id of the part title's heading.
    id: str
    title: str
    #: The ids of its chapters, in reading order.
    chapter_ids: tuple[str, ...]


@dataclass(frozen=True)
class Reference:
    key: str
    #: The formatted entry (APA), inline XHTML.
    html: str
    #: Ids of the in-text citations that point at this entry, in reading order.
    cited_by: tuple[str, ...]
    #: The accessible name of the back-link to each of those citations, unique in the book.
    backlink_labels: tuple[str, ...] = ()

    @property
    def anchor(self) -> str:
        return f"ref-{self.key}"


#: Every edition a build can make, in the order they are made.
EDITION_NAMES = ("trade", "a4", "letter", "large-print", "handouts", "print-on-demand",
                 "ebook")


@dataclass(frozen=True)
class Production:
    """Which editions to make, and how the printed ones are produced."""

    editions: tuple[str, ...] = EDITION_NAMES
    #: A typographic cover, generated from the metadata.
    cover: bool = True
    #: The print-on-demand files extend 0.125 in beyond the trim.
    bleed: bool = True
    #: Spine width per page, in inches, as KDP gives it (white paper: 0.002252).
    paper_thickness: float = 0.002252
    #: The publisher's permission to photocopy the handouts, in the book's words.
    handout_permission: str | None = None
    #: Where the printed editions set notes: "endnotes" (end of chapter) or "footnotes".
    notes: str = "endnotes"


@dataclass(frozen=True)
class Book:
    metadata: Metadata
    #: The body's chapters, in reading order (grouped into ``parts`` when it has any).
    chapters: tuple[Chapter, ...]
    references: tuple[Reference, ...]
    #: The manuscript folder: the only place a book's resources may come from.
    root: Path
    #: When this edition was built (``SOURCE_DATE_EPOCH`` when set), UTC.
    modified: dt.datetime
    production: Production = Production()
    #: Front matter (dedication, foreword …) and back matter (appendix, glossary …), each
    #: a manuscript file with its ``role``, in the order book.toml lists them.
    front_matter: tuple[Chapter, ...] = ()
    back_matter: tuple[Chapter, ...] = ()
    parts: tuple[Part, ...] = ()

    @property
    def divisions(self) -> tuple[Chapter, ...]:
        """Every manuscript file of the book: front matter, chapters, back matter."""
        return self.front_matter + self.chapters + self.back_matter

    def part_starting(self, chapter: Chapter) -> Part | None:
        """The part whose first chapter is ``chapter``, if any."""
        return next((p for p in self.parts if p.chapter_ids[:1] == (chapter.id,)), None)

    @property
    def images(self) -> tuple[Image, ...]:
        seen: dict[str, Image] = {}
        for chapter in self.divisions:
            for image in chapter.images:
                seen.setdefault(image.src, image)
        return tuple(seen.values())


@dataclass(frozen=True)
class PageStart:
    """Where one page of a paged edition begins, in terms any other edition can find.

    ``section`` is the ``data-section`` of the front-matter page, chapter or back matter
    (the same in every edition, since all render the same templates); ``offset`` counts
    the letters and digits of that section's text before the page's first one.
    """

    label: str
    section: str
    offset: int


@dataclass(frozen=True)
class PageMap:
    """The pages of a paged edition, in order, and which edition they come from."""

    edition: str
    pages: tuple[PageStart, ...]
