"""Improvement actions: rows of improvement-plan tables and "What needs to improve?" items.

A plan table is recognised by its header row (columns for the area for improvement,
the actions, a timeframe, progress and lead officers, in any order and wording close
to those). Each following row of the same table becomes a :class:`PlanRow` with its
cells split into items (bullets in the actions cell, "; "-separated values in the
others, as cleaning leaves them). An empty area cell continues the area above.
Items of reports' "What needs to improve?" lists (or "Areas for improvement",
"Recommendations") become rows with only an area.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.documents import ParsedDocument

_COLUMNS = {
    "area": re.compile(r"area|improvement|issue|recommendation|finding", re.I),
    "action": re.compile(r"action|task", re.I),
    "timeframe": re.compile(r"time ?frame|time ?scale|deadline|by when|target date|date", re.I),
    "progress": re.compile(r"progress|status|rag", re.I),
    "lead": re.compile(r"lead|officer|owner|responsib", re.I),
}
_BULLET = re.compile(r"(?:(?<!\s)\s+)?[■●•◼▪–]\s+")
_LIST_HEADINGS = re.compile(
    r"^(what needs to improve\??|areas? for (?:improvement|development)|recommendations|"
    r"aspects for focus.*)$",
    re.I,
)
_LIST_ITEM = re.compile(r"^\s*(?:[■●•◼▪\-*]|\d+[.)])\s+(?P<text>\S.*)$")


@dataclass(frozen=True)
class PlanRow:
    """One row of an improvement plan (or one listed area for improvement)."""

    area: str
    actions: tuple[str, ...] = ()
    timeframes: tuple[str, ...] = ()
    progress: tuple[str, ...] = ()
    leads: tuple[str, ...] = ()
    quote: str = ""  # the row as it stands in the cleaned text
    start: int = 0
    page: int | None = None
    origin: str = "plan"  # "plan" (a plan table row) or "report" (a listed area)


def _columns(header: list[str]) -> dict[str, int] | None:
    found: dict[str, int] = {}
    for i, cell in enumerate(header):
        for name, pattern in _COLUMNS.items():
            if name not in found and pattern.search(cell):
                found[name] = i
                break
    return found if {"area", "action"} <= found.keys() and len(found) >= 4 else None


def _cells(line: str) -> list[str] | None:
    """The cells of a table row; a row whose first cell is empty starts with "| "."""
    if " | " not in line and not line.startswith("| "):
        return None
    body = line.strip()
    lead = [""] if body.startswith("| ") else []
    if lead:
        body = body[2:]
    return lead + [c.strip() for c in body.split(" | ")]


def _joined(first: tuple[str, ...], rest: tuple[str, ...]) -> tuple[str, ...]:
    """Cell items of a row broken across a page: the split item is joined again."""
    if not first or not rest:
        return first + rest
    return (*first[:-1], f"{first[-1]} {rest[0]}", *rest[1:])


def _continued(row: PlanRow, more: PlanRow) -> PlanRow:
    """``row`` with the cells of its continuation ``more`` (after a page break) joined on."""
    return PlanRow(
        area=row.area,
        actions=_joined(row.actions, more.actions),
        timeframes=_joined(row.timeframes, more.timeframes),
        progress=_joined(row.progress, more.progress),
        leads=_joined(row.leads, more.leads),
        quote=row.quote,
        start=row.start,
        page=row.page,
        origin=row.origin,
    )


def _items(cell: str, *, bullets: bool) -> tuple[str, ...]:
    if bullets:
        parts = [p.strip() for p in _BULLET.split(cell)]
    else:
        parts = [p.strip() for p in cell.split(";")]
    return tuple(p for p in parts if p)


def extract_plan_rows(doc: ParsedDocument) -> list[PlanRow]:
    """Every improvement-plan row and listed area for improvement in the document."""
    rows: list[PlanRow] = []
    columns: dict[str, int] | None = None
    width = 0
    area = ""
    heading_list = False
    pos = 0
    for line in doc.text.split("\n"):
        start = pos
        pos += len(line) + 1
        stripped = line.strip()
        if not stripped:
            continue
        cells = _cells(line)
        if cells and _columns(cells):
            columns, width, area = _columns(cells), len(cells), ""
            continue
        if columns and cells and (len(cells) == width or (not cells[0] and len(cells) < width)):
            cells += [""] * (width - len(cells))  # cleaning drops trailing empty cells
            row = _plan_row(cells, columns, area, line, start, doc)
            if row is None:
                continue
            if rows and rows[-1].origin == "plan" and row.actions[0][:1].islower():
                rows[-1] = _continued(rows[-1], row)  # a row broken across a page
            else:
                area = row.area
                rows.append(row)
            continue
        if _LIST_HEADINGS.match(stripped):
            heading_list = True
            continue
        item = _LIST_ITEM.match(line) if heading_list else None
        if item:
            text = item.group("text").strip()
            offset = start + line.index(text)
            rows.append(
                PlanRow(
                    area=text, quote=text, start=offset, page=doc.page_at(offset), origin="report"
                )
            )
        elif heading_list and not cells:
            heading_list = False
    return rows


def _plan_row(
    cells: list[str],
    columns: dict[str, int],
    area: str,
    line: str,
    start: int,
    doc: ParsedDocument,
) -> PlanRow | None:
    def cell(name: str) -> str:
        return cells[columns[name]] if name in columns else ""

    actions = _items(cell("action"), bullets=True)
    if not actions:
        return None
    quote = line.strip()
    offset = start + line.index(quote)
    return PlanRow(
        area=cell("area") or area,
        actions=actions,
        timeframes=_items(cell("timeframe"), bullets=False),
        progress=_items(cell("progress"), bullets=False),
        leads=_items(cell("lead"), bullets=False),
        quote=quote,
        start=offset,
        page=doc.page_at(offset),
    )
