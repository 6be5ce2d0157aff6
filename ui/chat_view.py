"""How an answer reads in the chat: its text as Markdown lists, and its sources as chips.

The answer's structure is ours (a lead line, ``- quote [n]`` items, ``**Authority**``
lines over each part of a comparison); the sentences are the reports', so every piece
of text is escaped (:func:`ui.views.md_escape`) and only our structure becomes Markdown.
A quoted passage that is a list in its PDF ("What needs to improve? ■ Caseloads … ■ The
quality …") is shown as a list, not as one run-on line. The sources are not repeated in
the message: they are the chips under the conversation, one per place (citations of one
page and section of one document share a chip).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.service import Answer, Citation
from ui.views import md_escape

if TYPE_CHECKING:
    from assistant.service import DocumentRecord

BULLETS = "■◼•●▪◦"
_NESTED = "▪◦"  # the PDFs' second-level bullets
_SPLIT = re.compile(rf"\s+(?=[{BULLETS}]\s)")
_ITEM = re.compile(r"^(?P<mark>[-*]|\d{1,3}[.)])\s+")
_HEADING = re.compile(r"^\*\*(?P<name>[^*\n]{1,100})\*\*$")
_BLOCK_START = re.compile(r"^(\s*)(?:([-+=>#])|(\d{1,9})([.)]))")
TITLE_CHARS = 48


def answer_markdown(answer: Answer, asked_as: str | None = None) -> str:
    """An answer for the chat: how it was read, then its text (sources are the chips)."""
    parts = []
    if asked_as:
        parts.append(f"*Asked as:* {md_escape(asked_as)}")
    parts.append(text_markdown(answer.text))
    return "\n\n".join(p for p in parts if p)


def streaming_markdown(text: str) -> str:
    """Partial answer text while it streams."""
    return text_markdown(text) + " …"


def text_markdown(text: str) -> str:
    """Answer text as Markdown: paragraphs, lists (with the PDFs' bullets) and headings."""
    blocks: list[str] = []
    lines: list[str] = []
    kind = ""

    def close() -> None:
        nonlocal kind
        if lines:
            blocks.append(("\n" if kind == "list" else "  \n").join(lines))
        lines.clear()
        kind = ""

    for raw in text.splitlines():
        line = raw.strip()
        heading = _HEADING.match(line)
        item = _ITEM.match(line)
        if not line:
            close()
        elif heading:
            close()
            blocks.append(f"#### {_inline(heading['name'])}")
        elif item or line[0] in BULLETS:
            if kind != "list":
                close()
                kind = "list"
            mark = "-" if not item or item["mark"] in "-*" else item["mark"]
            lines.extend(_list_item(line[item.end() :] if item else line, mark))
        else:
            if kind != "para":
                close()
                kind = "para"
            lines.append(_inline(line))
    close()
    return "\n\n".join(blocks)


def _list_item(body: str, mark: str) -> list[str]:
    """One answer line as a list item, the bullets inside it as the items under it."""
    pieces = [p.strip() for p in _SPLIT.split(body) if p.strip()]
    lead = "" if pieces and pieces[0][0] in BULLETS else pieces.pop(0) if pieces else ""
    subs = [(p[0] in _NESTED, p[1:].strip()) for p in pieces]
    if not subs:
        return [f"{mark} {_inline(lead)}"]
    if lead:
        start = _trailing_markers(subs[-1][1])
        if start is not None:  # the citation of the whole list goes with its lead-in
            nested, last = subs[-1]
            subs[-1] = (nested, last[:start])
            lead += " " + last[start:].strip()
        out = [f"{mark} {_inline(lead)}"]
        indent = " " * (len(mark) + 1)
    else:  # the line is the list itself
        out, indent = [], ""
        subs[0] = (False, subs[0][1])
    sub_indent = indent + "  "
    for nested, piece in subs:
        pad = sub_indent if nested else indent
        out.append(f"{pad}{'-' if indent or nested else mark} {_inline(piece)}")
    return out


def _inline(text: str) -> str:
    """Text shown as written: escaped, and not read as the start of a list or heading."""

    def safe(m: re.Match[str]) -> str:
        if m.group(2):
            return m.group(1) + "\\" + m.group(2)
        return m.group(1) + m.group(3) + "\\" + m.group(4)

    return _BLOCK_START.sub(safe, md_escape(text), count=1)


@dataclass(frozen=True)
class SourceChip:
    """One place an answer cites (a page and section of a document) and its citation numbers."""

    numbers: tuple[int, ...]
    label: str


def source_chips(
    citations: Sequence[Citation], documents: Mapping[str, DocumentRecord]
) -> list[SourceChip]:
    """The chips of an answer's sources: one per place, in the order first cited."""
    groups: dict[tuple[str, str, int | None, str | None], list[Citation]] = {}
    for c in citations:
        groups.setdefault((c.doc_id or c.source, c.title, c.page, c.section), []).append(c)
    return [
        SourceChip(tuple(c.n for c in cites), chip_label(cites, documents.get(cites[0].doc_id)))
        for cites in groups.values()
    ]


def chip_label(cites: Sequence[Citation], record: DocumentRecord | None = None) -> str:
    """A chip's label: its numbers, short title, authority, year and page."""
    first = cites[0]
    title = first.title
    if len(title) > TITLE_CHARS:
        title = title[: TITLE_CHARS - 3].rstrip() + "…"
    parts = [f"{numbers_label([c.n for c in cites])} {title}"]
    if record is not None:
        if record.meta.authorities:
            parts.append(", ".join(record.meta.authorities))
        day = record.meta.inspected or record.meta.published
        if day:
            parts.append(day[:4])
    if first.page is not None:
        parts.append(f"p. {first.page}")
    return " · ".join(parts)


def numbers_label(numbers: Sequence[int]) -> str:
    """``[1]``, ``[1–3]`` (a run) or ``[1, 4]``."""
    ns = sorted(numbers)
    if len(ns) > 2 and ns == list(range(ns[0], ns[-1] + 1)):
        return f"[{ns[0]}–{ns[-1]}]"
    return "[" + ", ".join(str(n) for n in ns) + "]"


def _trailing_markers(text: str) -> int | None:
    """Where the citation markers ending ``text`` ("... [1] [2]") begin, if it ends so.

    Read backwards in code (a pattern anchored at the end would be tried from every
    position of a long line).
    """
    end = len(text.rstrip())
    start = None
    while end > 0 and text[end - 1] == "]":
        open_at = text.rfind("[", 0, end - 1)
        if open_at < 0 or not text[open_at + 1 : end - 1].isdigit():
            break
        start = open_at
        end = len(text[:open_at].rstrip())
    return None if start is None else end  # from the blank space before the first marker
