"""Segment cleaned text into blocks: headings, paragraphs, list items, table rows.

Each non-empty line of the cleaned text is one block (cleaning put every
paragraph, item and row on its own line). Kinds come from the source format's
hints when there are some (heading styles, font sizes, ``#``), otherwise from
the text: short title-like lines without a final full stop and ALL-CAPS lines are
headings, ``12. ...`` lines numbered paragraphs, bullet lines list items and
``a | b`` lines table rows, the first row of a run being the header when it
looks like one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from core.documents import Block, BlockKind, FileType
from core.vocabulary import GRADE_WORDS
from ingest.markup import BULLET, CELL_SEPARATOR, NUMBERED
from ingest.raw import CleanedText

MAX_HEADING_CHARS = 120
MAX_TABLE_BREAK = 2
_LABEL_VALUE = re.compile(r"^([^:]{1,40}):\s+([A-Z0-9£‘'\"(])")
_TERMINAL = re.compile(r"[.,;:][)’”'\"]*$")
# A judgement line ("Overall effectiveness Outstanding") reads as a heading.
_GRADE_END = re.compile(rf"\b(?:{GRADE_WORDS})$", re.I)
# A bare grade under a heading ("Grade 3 (Adequate)") is not a section of its own.
_GRADE_ONLY = re.compile(rf"^(?:grade\s+\d\s*)?\(?(?:{GRADE_WORDS})\)?$", re.I)
_WEB = re.compile(r"@|https?:|www\.", re.I)


def segment(cleaned: CleanedText, file_type: FileType) -> tuple[Block, ...]:
    """Split cleaned text into blocks with exact offsets and their section.

    Args:
        cleaned: The canonical text and its kind hints.
        file_type: The source format; text heuristics for headings are used for
            plain text and Markdown, and for any document whose format gave no
            heading at all.

    Returns:
        Blocks in order; ``text[block.start:block.end]`` is the block's line.
    """
    text = cleaned.text
    hints: Mapping[int, BlockKind] = cleaned.hints
    guess = file_type in ("txt", "md") or "heading" not in hints.values()
    spans = _line_spans(text)
    kinds = [_classify(text[s:e], hints.get(s), guess, file_type) for s, e in spans]
    forced = [hints.get(s) == "table_header" for s, _ in spans]
    headers = _table_headers(text, spans, kinds, forced)
    blocks = []
    section: str | None = None
    for (start, end), kind, header in zip(spans, kinds, headers, strict=True):
        if kind == "heading":
            section = text[start:end]
        blocks.append(Block(kind, start, end, section, header))
    return tuple(blocks)


def split_cells(line: str) -> list[str]:
    """The cells of a table row line."""
    return [cell.strip() for cell in line.split("|")]


def looks_like_title(line: str) -> bool:
    """Whether a line reads as a heading: short, title-like, no final full stop."""
    if _is_all_caps(line):
        return len(line) <= 150
    if not 2 <= len(line) <= MAX_HEADING_CHARS or len(line.split()) > 18:
        return False
    first = line.lstrip("‘'\"“(")[:1]
    if not first.isupper() or _TERMINAL.search(line) or _WEB.search(line):
        return False
    if _is_label_value(line):
        return False
    letters = sum(ch.isalpha() for ch in line)
    return letters >= 0.5 * len(line.replace(" ", ""))


def _line_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    pos = 0
    for line in text.split("\n"):
        end = pos + len(line)
        stripped = line.strip()
        if stripped:
            start = pos + (len(line) - len(line.lstrip()))
            spans.append((start, start + len(stripped)))
        pos = end + 1
    return spans


def _classify(line: str, hint: BlockKind | None, guess: bool, file_type: FileType) -> BlockKind:
    if hint in ("table_row", "table_header") or CELL_SEPARATOR in line or line.startswith("| "):
        return "table_row" if CELL_SEPARATOR.strip() in line else "paragraph"
    if hint == "list_item" or BULLET.match(line):
        return "list_item"
    if hint == "heading":
        return "heading" if _acceptable_heading(line) else "paragraph"
    if NUMBERED.match(line):
        numbered_title = (
            file_type != "pdf"
            and len(line) <= 60
            and len(line.split()) <= 8
            and ":" not in line
            and looks_like_title(NUMBERED.sub("", line))
        )
        return "heading" if guess and numbered_title else "paragraph"
    if hint is None and (
        _is_all_caps(line) or ((guess or _GRADE_END.search(line)) and looks_like_title(line))
    ):
        return "heading"
    return "paragraph"


def _acceptable_heading(line: str) -> bool:
    if len(line) > 150 or _is_label_value(line) or _GRADE_ONLY.match(line):
        return False
    if re.search(r"\s\d{1,3}$", line):  # a contents entry: title and page number
        return False
    return not (line.endswith(".") and len(line.split()) > 12)


def _is_label_value(line: str) -> bool:
    found = _LABEL_VALUE.match(line)
    return bool(found and len(found.group(1).split()) <= 4)


def _is_all_caps(line: str) -> bool:
    letters = [ch for ch in line if ch.isalpha()]
    return len(letters) >= 4 and len(line.split()) >= 2 and all(ch.isupper() for ch in letters)


def _table_headers(
    text: str, spans: list[tuple[int, int]], kinds: list[BlockKind], forced: list[bool]
) -> list[str | None]:
    """Mark the header row of each run of table rows; return each row's header.

    A run is a sequence of consecutive rows; a row the format marked as a header
    (``forced``) starts a new run and is its header. A header-like first row is
    the header (also alone, when rows with as many cells follow shortly). A run
    without one takes the last header if the cell counts match and at most
    ``MAX_TABLE_BREAK`` paragraphs (merged one-cell rows, notes) came between;
    headings (a page's running title) do not count.
    """
    headers: list[str | None] = [None] * len(spans)
    cells = [
        len(split_cells(text[s:e])) if k == "table_row" else 0
        for (s, e), k in zip(spans, kinds, strict=True)
    ]
    last_header: str | None = None
    last_cells = 0
    since_row = MAX_TABLE_BREAK + 1  # paragraphs since the last table row
    i = 0
    while i < len(spans):
        if kinds[i] != "table_row":
            since_row += kinds[i] != "heading"
            i += 1
            continue
        j = i + 1
        while j < len(spans) and kinds[j] == "table_row" and not forced[j]:
            j += 1
        first = text[spans[i][0] : spans[i][1]]
        header: str | None = None
        if forced[i] or (
            _header_like(split_cells(first))
            and (j - i >= 2 or _next_row_cells(kinds, cells, j) == cells[i])
        ):
            kinds[i] = "table_header"
            header, last_cells = first, cells[i]
            i += 1
        elif since_row <= MAX_TABLE_BREAK and last_header and cells[i] == last_cells:
            header = last_header
        for k in range(i, j):
            headers[k] = header
        if header:
            last_header = header
        since_row = 0
        i = j
    return headers


def _next_row_cells(kinds: list[BlockKind], cells: list[int], j: int) -> int:
    """Cell count of the first row after ``j`` if it comes soon enough, else -1."""
    paragraphs = 0
    while j < len(kinds) and kinds[j] != "table_row":
        paragraphs += kinds[j] != "heading"
        if paragraphs > MAX_TABLE_BREAK:
            return -1
        j += 1
    return cells[j] if j < len(kinds) else -1


def _header_like(cells: list[str]) -> bool:
    filled = [cell for cell in cells if cell]
    if len(filled) < 2 or any(len(cell) > 60 or cell.endswith(".") for cell in filled):
        return False
    numeric = [bool(re.fullmatch(r"[\d\s./%()-]+", cell)) for cell in filled]
    if all(numeric):
        return True
    return not any(ch.isdigit() for cell in filled for ch in cell)
