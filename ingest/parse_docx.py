"""Read a Word .docx file into blocks: headings, paragraphs, list items, table rows."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from core.errors import IngestError
from ingest.markup import CELL_SEPARATOR, collapse_spaces, join_pieces, normalize_chars
from ingest.raw import RawBlock

if TYPE_CHECKING:
    from docx.document import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

_HEADING_STYLE = re.compile(r"^(heading\s*\d|title|subtitle)", re.I)
_LIST_STYLE = re.compile(r"list", re.I)
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx(data: bytes) -> list[RawBlock]:
    """Blocks of a .docx body in document order.

    Heading and Title styles become headings, numbered/bulleted paragraphs list
    items (``• `` or their number), tables one row per line with cells joined by
    ``" | "`` (the first row hinted as the header). Word has no pages here.

    Raises:
        IngestError: python-docx cannot open the package.
    """
    try:
        import docx
        from docx.table import Table as DocxTable

        document = docx.Document(io.BytesIO(data))
        numbering = _Numbering(document)
        blocks: list[RawBlock] = []
        for item in document.iter_inner_content():
            if isinstance(item, DocxTable):
                numbering.break_run()
                blocks.extend(_table_blocks(item))
            else:
                block = _paragraph_block(item, numbering)
                if block is not None:
                    blocks.append(block)
        return blocks
    except IngestError:
        raise
    except Exception as exc:  # any library failure: translate it at the boundary
        message = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        raise IngestError(f"cannot read Word file: {message}") from exc


def _clean(text: str) -> str:
    return collapse_spaces(normalize_chars(text.replace("\n", " ").replace("\t", " ")))


def _paragraph_block(paragraph: Paragraph, numbering: _Numbering) -> RawBlock | None:
    text = _clean(paragraph.text)
    if not text:
        return None
    style = paragraph.style.name if paragraph.style is not None else ""
    if _HEADING_STYLE.match(style or ""):
        return RawBlock(text, "heading")
    label = numbering.label(paragraph)
    if label is None and _LIST_STYLE.search(style or ""):
        label = numbering.style_label(style)
    if label is None:
        numbering.break_run()
        return RawBlock(text)
    if label == "•":
        return RawBlock(f"• {text}", "list_item")
    return RawBlock(f"{label} {text}", "paragraph")


def _table_blocks(table: Table) -> Iterator[RawBlock]:
    for index, row in enumerate(table.rows):
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell is repeated for each grid column
                continue
            seen.add(id(cell._tc))
            cells.append(join_pieces([_clean(p.text) for p in cell.paragraphs]))
        while cells and not cells[-1]:
            cells.pop()
        if not any(cells):
            continue
        if len(cells) == 1:
            yield RawBlock(cells[0])
            continue
        kind = "table_header" if index == 0 else "table_row"
        yield RawBlock(CELL_SEPARATOR.join(cells).strip(), kind)


class _Numbering:
    """Labels of Word's automatic numbering: "•" for bullets, "3." for numbers."""

    def __init__(self, document: Document) -> None:
        self._formats: dict[tuple[str, str], tuple[str, int]] = {}
        self._counters: dict[tuple[str, str], int] = {}
        self._style_counter = 0
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract = {}
        for node in root.iter(f"{_W}abstractNum"):
            levels = {}
            for lvl in node.iter(f"{_W}lvl"):
                fmt = lvl.find(f"{_W}numFmt")
                start = lvl.find(f"{_W}start")
                levels[lvl.get(f"{_W}ilvl")] = (
                    fmt.get(f"{_W}val") if fmt is not None else "decimal",
                    int(start.get(f"{_W}val")) if start is not None else 1,
                )
            abstract[node.get(f"{_W}abstractNumId")] = levels
        for num in root.iter(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            if ref is None:
                continue
            for ilvl, spec in abstract.get(ref.get(f"{_W}val"), {}).items():
                self._formats[(num.get(f"{_W}numId"), ilvl)] = spec

    def label(self, paragraph: Paragraph) -> str | None:
        num_pr = paragraph._p.find(f"{_W}pPr/{_W}numPr")
        if num_pr is None:
            return None
        num_id = num_pr.find(f"{_W}numId")
        ilvl = num_pr.find(f"{_W}ilvl")
        key = (
            num_id.get(f"{_W}val") if num_id is not None else "",
            ilvl.get(f"{_W}val") if ilvl is not None else "0",
        )
        fmt, start = self._formats.get(key, ("bullet", 1))
        if fmt in ("bullet", "none"):
            return "•"
        for other in list(self._counters):  # a new item at this level restarts deeper levels
            if other[0] == key[0] and int(other[1]) > int(key[1]):
                del self._counters[other]
        self._counters[key] = self._counters.get(key, start - 1) + 1
        return f"{self._counters[key]}."

    def style_label(self, style: str) -> str:
        """Label of a paragraph numbered by its style ("List Number") or bulleted."""
        if "number" not in style.lower():
            return "•"
        self._style_counter += 1
        return f"{self._style_counter}."

    def break_run(self) -> None:
        """A paragraph outside any list ends a style-numbered list."""
        self._style_counter = 0
