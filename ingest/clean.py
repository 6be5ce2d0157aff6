"""Clean text into the canonical form that quotes and chunks are taken from.

Plain-text and Markdown files (which in practice carry stray HTML, Markdown,
tab-separated tables and page breaks) are cleaned line by line here; PDFs go
through :mod:`ingest.pdf_layout`. Every format ends in :func:`assemble`, which
joins blocks into one text: one block per line, blank lines between paragraphs,
table rows and list items of a run on consecutive lines, cells joined by ``" | "``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from core.documents import BlockKind, PageSpan
from ingest.emphasis import emphasis
from ingest.markup import (
    CELL_SEPARATOR,
    NUMBERED,
    clean_inline,
    collapse_spaces,
    normalize_chars,
)
from ingest.parse_pdf import PdfLine
from ingest.pdf_layout import layout_pdf
from ingest.raw import CleanedText, RawBlock
from ingest.structure import looks_like_title

_MD_HEADING_START = re.compile(r"\s{0,3}#{1,6}\s+")
_MD_BULLET = re.compile(r"^\s*[-*+]\s+(\S.*)$")
_BLANKISH = re.compile(r"^\s*(?:[-*+_=]\s*|([-*_])(?:\s*\1){2,}\s*)$")
_QUOTE = re.compile(r"^\s*>\s?")
# "**…**", "__…__", "<b>…</b>", "<strong>…</strong>": what the regex
# ``\*\*.+?\*\*|__.+?__|<(b|strong)\b[^<>]*>.*?</\1\s*>`` matched, in linear time.
_BOLD_PIECES = emphasis(
    r"(\*\*|__)|<(b|strong)\b[^<>]*>",
    {"**": r"\*\*", "__": "__", "b": r"</b\s*>", "strong": r"</strong\s*>"},
    empty=frozenset({"b", "strong"}),
    flags=re.I,
)
_SENTENCE_END = re.compile(r"[.!?:;][)’”'\"]*$")


@dataclass
class _Line:
    text: str
    kind: BlockKind | None
    blanks_before: int
    hard_break: bool = False


def assemble(blocks: Iterable[RawBlock]) -> CleanedText:
    """Join blocks into the canonical text, recording page spans and kind hints.

    Args:
        blocks: Cleaned single-line blocks in reading order.

    Returns:
        The text, one block per line: consecutive table rows or list items are
        separated by a newline, everything else by a blank line.
    """
    parts: list[str] = []
    hints: dict[int, BlockKind] = {}
    page_starts: dict[int, int] = {}
    length = 0
    prev_kind: BlockKind | None = None
    for block in blocks:
        text = block.text.replace("\n", " ").strip()
        if not text:
            continue
        shift = len(block.text) - len(block.text.lstrip())
        if parts:
            sep = "\n" if _same_run(prev_kind, block.kind) else "\n\n"
            parts.append(sep)
            length += len(sep)
        if block.kind:
            hints[length] = block.kind
        for offset, page in block.page_marks:
            page_starts.setdefault(page, length + max(0, min(offset - shift, len(text) - 1)))
        parts.append(text)
        length += len(text)
        prev_kind = block.kind
    return CleanedText("".join(parts), _page_spans(page_starts, length), hints)


def _same_run(prev: BlockKind | None, kind: BlockKind | None) -> bool:
    if kind == "table_row":
        return prev in ("table_row", "table_header")
    return kind == "list_item" and prev == "list_item"


def _page_spans(starts: dict[int, int], length: int) -> tuple[PageSpan, ...]:
    ordered = sorted(starts.items())
    spans = []
    floor = 0
    for i, (page, start) in enumerate(ordered):
        begin = 0 if i == 0 else max(start, floor)
        end = ordered[i + 1][1] if i + 1 < len(ordered) else length
        end = max(end, begin)
        spans.append(PageSpan(page, begin, end))
        floor = end
    return tuple(spans)


def clean_pdf(pages: list[list[PdfLine]]) -> CleanedText:
    """Clean the lines of a PDF (see :mod:`ingest.pdf_layout`) into canonical text."""
    return assemble(layout_pdf(pages))


def clean_text(text: str, file_type: Literal["txt", "md"] = "txt") -> CleanedText:
    """Clean a plain-text or Markdown document.

    Stray HTML and Markdown are removed (keeping the words), ``#`` headings and
    whole-line bold become heading hints, tab-separated lines become table rows,
    Markdown bullets become ``•`` items, and paragraphs broken by a page break
    (several blank lines in mid-sentence) are re-joined.

    Args:
        text: The decoded text.
        file_type: ``"md"`` joins consecutive lines into one paragraph as Markdown
            does; ``"txt"`` keeps line breaks except before a lowercase continuation.

    Returns:
        The cleaned text with its kind hints (no pages).
    """
    lines = _clean_lines(text)
    return assemble(_join_lines(lines, markdown=file_type == "md"))


def _clean_lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    blanks = 0
    for raw in text.split("\n"):
        line = _clean_line(raw, blanks)
        if line is None:
            blanks += 1
            continue
        out.append(line)
        blanks = 0
    return out


def _clean_line(raw: str, blanks: int) -> _Line | None:
    if not raw.strip() or _BLANKISH.match(raw):
        return None
    hard_break = raw.endswith("  ") or raw.endswith("\\")
    kind: BlockKind | None = None
    if "\t" in raw.rstrip("\t "):  # a tab-separated table row (trailing tabs do not count)
        cells = [clean_inline(cell) for cell in raw.split("\t")]
        while cells and not cells[-1]:
            cells.pop()
        if len(cells) >= 2:
            return _Line(CELL_SEPARATOR.join(cells).strip(), "table_row", blanks)
        raw = cells[0] if cells else ""
    raw = _QUOTE.sub("", raw)
    heading = markdown_heading(raw)
    bullet = _MD_BULLET.match(raw) if heading is None else None
    if heading is not None:
        raw, kind = heading, "heading"
    elif bullet:
        inner = clean_inline(bullet.group(1))
        if not inner:
            return None
        if NUMBERED.match(inner + " ") or inner[:1] in "■◼•●▪–":
            return _Line(inner, None if NUMBERED.match(inner + " ") else "list_item", blanks)
        return _Line(f"• {inner}", "list_item", blanks)
    elif _is_bold_line(raw):
        kind = "heading"
    text = clean_inline(raw)
    if not text:
        return None
    if kind == "heading" and (len(text) > 150 or text.endswith(".")):
        kind = None
    return _Line(text, kind, blanks, hard_break)


def markdown_heading(line: str) -> str | None:
    r"""The text of an ATX heading line (``## Title ##`` -> ``Title``), else None.

    What ``^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$`` matched, without its
    quadratic rescans of a long run of spaces.
    """
    start = _MD_HEADING_START.match(line)
    if start is None or "\n" in line[start.end() : -1]:
        return None
    text = line[start.end() :].rstrip()
    closing = text.rstrip("#")
    if closing != text and closing[-1:].isspace():
        text = closing  # the closing hashes, when set off by a space
    return text.rstrip()


def _is_bold_line(raw: str) -> bool:
    stripped = normalize_chars(raw).strip()
    rest, kept = [], 0
    for start, _, _, end in _BOLD_PIECES.spans(stripped):
        rest.append(stripped[kept:start])
        kept = end
    if not kept:
        return False
    rest.append(stripped[kept:])
    return not collapse_spaces("".join(rest)).strip(":")


def _join_lines(lines: list[_Line], *, markdown: bool) -> list[RawBlock]:
    merged: list[_Line] = []
    for line in lines:
        prev = merged[-1] if merged else None
        if prev is not None and _continues(prev, line, markdown=markdown):
            text = line.text
            if line.kind == "list_item" and text.startswith("• "):
                text = text[2:]
            prev.text = f"{prev.text} {text}"
            prev.hard_break = line.hard_break
            continue
        merged.append(line)
    return [RawBlock(line.text, line.kind) for line in merged]


def _continues(prev: _Line, line: _Line, *, markdown: bool) -> bool:
    """Whether ``line`` continues the paragraph ``prev`` (soft wrap or page break)."""
    if prev.kind in ("heading", "table_row") or line.kind in ("heading", "table_row"):
        return False
    body = line.text[2:] if line.kind == "list_item" and line.text.startswith("• ") else line.text
    if line.blanks_before == 0:
        if line.kind or NUMBERED.match(line.text) or prev.hard_break:
            return False
        return markdown or body[:1].islower()
    if _SENTENCE_END.search(prev.text) or NUMBERED.match(body) or looks_like_title(prev.text):
        return False
    if line.blanks_before == 1:  # a page break rendered as one blank line
        return line.kind is None and body[:1].islower() and len(prev.text) >= 60
    if body[:1].islower():
        return True
    return line.kind is None and len(prev.text) >= 100 and len(body) >= 60
