"""Cut a parsed document into token-bounded chunks that follow its structure.

Consecutive blocks of one section are packed into a chunk up to ``max_tokens``;
a heading starts a new chunk and stays with the text after it; a table row's
chunk carries the table's header row in ``context``, and a chunk that opens with list
items the line that introduced the list ("What needs to improve?") when that line ended
the chunk before; a block longer than
``max_tokens`` is split at sentence (then word) boundaries with some overlap.
Every chunk's ``text`` is exactly ``doc.text[start:end]``.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass

from core.documents import Block, Chunk, ParsedDocument
from ingest.splitting import split_span
from ingest.tokens import count_tokens, get_encoding

CONTEXT_MAX_TOKENS = 40
LEAD_IN_MAX_WORDS = 15
TokenCounter = Callable[[str], int]


@dataclass
class _Group:
    blocks: list[Block]

    @property
    def start(self) -> int:
        return self.blocks[0].start

    @property
    def end(self) -> int:
        return self.blocks[-1].end

    @property
    def only_headings(self) -> bool:
        return all(block.kind == "heading" for block in self.blocks)


def chunk_document(
    doc: ParsedDocument,
    max_tokens: int = 200,
    overlap_tokens: int = 30,
    *,
    count: TokenCounter = count_tokens,
) -> list[Chunk]:
    """Chunk a parsed document.

    Args:
        doc: The document, with its blocks.
        max_tokens: Hard upper bound on the cl100k tokens of each chunk's text.
        overlap_tokens: About how many tokens consecutive pieces of one long
            block share.
        count: Token counter (cl100k by default).

    Returns:
        Chunks in document order, indexed from 0.

    Raises:
        ValueError: ``max_tokens`` is not positive or ``overlap_tokens`` is not
            smaller than it.
    """
    if max_tokens < 1 or not 0 <= overlap_tokens < max_tokens:
        raise ValueError("need max_tokens >= 1 and 0 <= overlap_tokens < max_tokens")
    spans: list[tuple[int, int, _Group]] = []
    for group in _groups(doc, max_tokens, count):
        for start, end in _group_spans(doc.text, group, max_tokens, overlap_tokens, count):
            spans.append((start, end, group))
    chunks = []
    starts = [b.start for b in doc.blocks]
    for index, (start, end, group) in enumerate(spans):
        inside = [b for b in group.blocks if b.end > start and b.start < end]
        first = _first_content_block(inside)
        section = first.section
        lead = _lead_in(doc, starts, start) if first.kind == "list_item" else None
        chunks.append(
            Chunk(
                doc_id=doc.doc_id,
                source=doc.source,
                index=index,
                text=doc.text[start:end],
                start=start,
                end=end,
                page=doc.page_at(start),
                section=section,
                context=_context(doc.text, inside, section, start, end, lead),
            )
        )
    return chunks


def _groups(doc: ParsedDocument, max_tokens: int, count: TokenCounter) -> list[_Group]:
    """Pack blocks into groups: same section, a heading opens a group, <= max_tokens."""
    groups: list[_Group] = []
    current: _Group | None = None
    for block in doc.blocks:
        if current is not None and _fits(doc, current, block, max_tokens, count):
            current.blocks.append(block)
            continue
        current = _Group([block])
        groups.append(current)
    return groups


def _fits(
    doc: ParsedDocument, group: _Group, block: Block, max_tokens: int, count: TokenCounter
) -> bool:
    if group.only_headings:
        # A heading (or a run of them) always takes the text after it, even a
        # long block: the long block is then split and the heading leads its first piece.
        return True
    if block.kind == "heading" or block.section != group.blocks[-1].section:
        return False
    return count(doc.text[group.start : block.end]) <= max_tokens


def _group_spans(
    text: str, group: _Group, max_tokens: int, overlap: int, count: TokenCounter
) -> list[tuple[int, int]]:
    if count(text[group.start : group.end]) <= max_tokens:
        return [(group.start, group.end)]
    # Too long: only possible when the group holds one long block (or headings
    # followed by one). Split the whole span at sentence/word boundaries.
    return split_span(text, group.start, group.end, max_tokens, overlap, count)


def _first_content_block(blocks: list[Block]) -> Block:
    """The block a chunk is about (for its section): its first non-heading block."""
    return next((b for b in blocks if b.kind != "heading"), blocks[-1])


def _lead_in(doc: ParsedDocument, starts: list[int], start: int) -> str | None:
    """The short line ending in "?" or ":" just before ``start`` that introduces a list."""
    at = bisect.bisect_left(starts, start) - 1
    while at >= 0 and doc.blocks[at].start >= start:
        at -= 1
    if at < 0:
        return None
    block = doc.blocks[at]
    line = doc.text[block.start : block.end].strip()
    if block.kind not in ("paragraph", "heading") or len(line.split()) > LEAD_IN_MAX_WORDS:
        return None
    return line if line.endswith(("?", ":")) else None


def _context(
    text: str,
    blocks: list[Block],
    section: str | None,
    start: int,
    end: int,
    lead: str | None = None,
) -> str:
    """Section title, a list's lead-in line and table header row (each only if not in it)."""
    parts = []
    if section and text.find(section, start, end) < 0:
        parts.append(section)
    if lead and text.find(lead, start, end) < 0:
        parts.append(lead)
    header = next((b.header for b in blocks if b.kind == "table_row" and b.header), None)
    if header and text.find(header, start, end) < 0:
        parts.append(header)
    return _truncate("\n".join(parts), CONTEXT_MAX_TOKENS)


def _truncate(text: str, max_tokens: int) -> str:
    if not text:
        return text
    encoding = get_encoding()
    tokens = encoding.encode(text, disallowed_special=())
    if len(tokens) <= max_tokens:
        return text
    cut = encoding.decode(tokens[: max_tokens - 1], errors="ignore").rstrip()
    return f"{cut}…"
