"""Intermediate forms between parsing and segmentation.

Every parser produces :class:`RawBlock` s (one line of cleaned text each, with an
optional kind hint and the pages it spans); :func:`ingest.clean.assemble` joins
them into a :class:`CleanedText`, the canonical text that structure and
chunking work on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from core.documents import BlockKind, PageSpan


@dataclass(frozen=True)
class RawBlock:
    """One block of cleaned text, a single line without newlines.

    ``kind`` is a hint from the source format (a heading style, a table row);
    ``None`` lets :mod:`ingest.structure` decide from the text. ``page_marks``
    lists ``(offset in text, page number)`` for every page whose text starts
    inside this block (a paragraph running over a page break has two).
    """

    text: str
    kind: BlockKind | None = None
    page_marks: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class CleanedText:
    """The canonical text of a document, its pages and the kinds known per line.

    ``hints`` maps the start offset of a line to the kind its source format gave it.
    """

    text: str
    pages: tuple[PageSpan, ...] = ()
    hints: Mapping[int, BlockKind] = field(default_factory=dict)
