"""Typed data that ingest produces and the store keeps: parsed documents, their structure, chunks.

Offsets are character offsets into ``ParsedDocument.text`` (the cleaned text), so
``doc.text[chunk.start:chunk.end] == chunk.text`` always holds and any quote taken
from a chunk is an exact substring of the cleaned document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

FileType = Literal["pdf", "docx", "html", "md", "txt"]

DocumentKind = Literal[
    "inspection report",
    "apa letter",
    "board paper",
    "committee report",
    "national survey",
    "unknown",
]

BlockKind = Literal["heading", "paragraph", "list_item", "table_row", "table_header"]


@dataclass(frozen=True)
class PageSpan:
    """A page of the original file: its 1-based number and its span in the cleaned text."""

    number: int
    start: int
    end: int


@dataclass(frozen=True)
class Block:
    """A structural unit of the cleaned text (heading, paragraph, list item, table row).

    ``section`` is the title of the nearest heading above the block (None before the
    first heading); ``header`` is, for a table row, the text of its table's header row.
    """

    kind: BlockKind
    start: int
    end: int
    section: str | None = None
    header: str | None = None


@dataclass(frozen=True)
class DocumentMeta:
    """What can be read from a document. ``None`` or ``"unknown"`` means not read."""

    title: str | None = None
    publisher: str | None = None
    published: str | None = None  # ISO date "YYYY-MM-DD" (or "YYYY-MM" / "YYYY")
    authorities: tuple[str, ...] = ()  # canonical authority names
    kind: DocumentKind = "unknown"
    inspected: str | None = None  # ISO date of the last day of the inspection, if stated
    inspected_from: str | None = None  # ISO date of its first day, if stated


@dataclass(frozen=True)
class ParsedDocument:
    """A file read, cleaned and segmented into blocks, ready for chunking."""

    doc_id: str  # sha256 hex of the file's bytes
    source: str  # path relative to the folder given to ingest, or the file name
    file_type: FileType
    text: str  # the cleaned text
    pages: tuple[PageSpan, ...] = ()  # empty when the format has no pages
    blocks: tuple[Block, ...] = ()
    meta: DocumentMeta = field(default_factory=DocumentMeta)

    def page_at(self, offset: int) -> int | None:
        """The 1-based page holding character ``offset`` of the cleaned text, if known."""
        for page in self.pages:
            if page.start <= offset < page.end:
                return page.number
        if self.pages and offset >= self.pages[-1].end:
            return self.pages[-1].number
        return None


@dataclass(frozen=True)
class Chunk:
    """A token-bounded piece of a document, stored and retrieved as a unit.

    ``text`` is exactly ``document.text[start:end]``. ``context`` is readable
    context that is not part of the span (the section heading, a table's header row)
    and is prepended when embedding, never quoted.
    """

    doc_id: str
    source: str
    index: int
    text: str
    start: int
    end: int
    page: int | None = None
    section: str | None = None
    context: str = ""
    page_starts: tuple[tuple[int, int], ...] = ()  # (offset in text, page) of pages starting inside
