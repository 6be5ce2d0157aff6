"""Turn PDF lines into paragraphs: drop page furniture, re-join wrapped lines.

Running headers and footers are lines repeated near the top or bottom of at least
half the pages (digits ignored, so "9 to 20 May 2022 2" matches on every page);
they go, with bare page numbers. Lines are then joined into paragraphs: a new
paragraph starts at a numbered paragraph, a bullet, a heading (larger or bold
font), or a vertical gap wider than the document's line spacing. Without
geometry (pypdf) the same decisions are made from the text alone.
"""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field

from core.documents import BlockKind
from ingest.markup import BULLET, NUMBERED, collapse_spaces, normalize_chars
from ingest.parse_pdf import PdfLine
from ingest.raw import RawBlock

ZONE_LINES = 3
_PAGE_NUMBER = re.compile(
    r"^(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$|^[-–]\s*\d{1,4}\s*[-–]$", re.I
)
_GRADE = re.compile(
    r"^(?:outstanding|good|adequate|inadequate|requires(?: improvement(?: to be good)?)?"
    r"|not applicable)$",
    re.I,
)
_WORD_HYPHEN_END = re.compile(r"[^\W\d_]-$")
_SENTENCE_END = re.compile(r"[.!?:;][)’”'\"]*$")
_CONNECTOR_END = re.compile(
    r"\b(?:and|or|of|the|for|to|in|on|with|who|a|an|by|at|from|their)$", re.I
)


@dataclass(frozen=True)
class _Stats:
    body_size: float
    line_gap: float
    width: int


@dataclass
class _Para:
    lines: list[PdfLine] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    kind: BlockKind | None = None
    heading: bool = False
    small: bool = False
    title: bool = False  # reads as a heading (used when there is no font information)

    def block(self) -> RawBlock:
        text, page = "", None
        marks: list[tuple[int, int]] = []
        for line, piece in zip(self.lines, self.texts, strict=True):
            if text:  # "multi-" + "agency" -> "multi-agency"; "16-" + "and" keeps its space
                text += "" if _WORD_HYPHEN_END.search(text) and piece[:1].islower() else " "
            if line.page != page:
                marks.append((len(text), line.page))
                page = line.page
            text += piece
        return RawBlock(text, "heading" if self.heading else self.kind, tuple(marks))


def layout_pdf(pages: list[list[PdfLine]]) -> list[RawBlock]:
    """Paragraph blocks of a PDF, furniture removed, wrapped lines joined.

    Args:
        pages: The lines of each page, as :func:`ingest.parse_pdf.read_pdf` gives them.

    Returns:
        One :class:`RawBlock` per paragraph, heading, list item or grade line, in
        reading order, each carrying the pages it starts on.
    """
    kept = [_reading_order(page) for page in remove_furniture(pages)]
    lines = [line for page in kept for line in page]
    if not lines:
        return []
    stats = _stats(lines)
    texts = [_line_text(line.text) for line in lines]
    return [para.block() for para in _join(lines, texts, stats) if para.texts]


def remove_furniture(pages: list[list[PdfLine]]) -> list[list[PdfLine]]:
    """Drop running headers/footers and bare page numbers from each page."""
    with_text = [page for page in pages if page]
    counts: Counter[str] = Counter()
    for page in with_text:
        counts.update({_furniture_key(line.text) for line in _zone(page)})
    threshold = max(2, math.ceil(0.5 * len(with_text)))
    repeated = {key for key, n in counts.items() if n >= threshold and len(with_text) >= 2}
    result = []
    for page in pages:
        zone_ids = {id(line) for line in _zone(page)}
        edge_ids = {id(line) for line in page[:2] + page[-2:]}
        result.append(
            [
                line
                for line in page
                if not (id(line) in zone_ids and _furniture_key(line.text) in repeated)
                and not (id(line) in edge_ids and _PAGE_NUMBER.match(line.text.strip()))
            ]
        )
    return result


def _reading_order(page: list[PdfLine]) -> list[PdfLine]:
    """Move a trailing run of lines that sits above the page's first line to the front.

    Some PDFs emit the first lines of a page (the end of a paragraph carried over
    from the previous page) last in the content stream.
    """
    if len(page) < 3 or page[0].top is None:
        return page
    for cut in range(len(page) - 1, 0, -1):
        prev, line = page[cut - 1], page[cut]
        if prev.top is None or line.top is None or line.size is None:
            return page
        if line.top - prev.top > 5 * line.size:  # a big jump up the page
            tail = page[cut:]
            if all(t.top is not None and t.top > page[0].top for t in tail):
                return tail + page[:cut]
            return page
    return page


def _zone(page: list[PdfLine]) -> list[PdfLine]:
    if len(page) <= 2 * ZONE_LINES:
        return list(page)
    return page[:ZONE_LINES] + page[-ZONE_LINES:]


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def _line_text(text: str) -> str:
    text = collapse_spaces(normalize_chars(text))
    if text[:1] in "─̶" and text[1:2] == " ":
        text = "–" + text[1:]
    # "10.Child protection..." (the tab after the number was lost) reads "10. Child...".
    return re.sub(r"^(\d{1,3}\.)(?=[A-Z‘“'\"(])", r"\1 ", text)


def _stats(lines: list[PdfLine]) -> _Stats:
    sizes: Counter[float] = Counter()
    for line in lines:
        if line.size:
            sizes[round(line.size * 2) / 2] += len(line.text)
    body = sizes.most_common(1)[0][0] if sizes else 0.0
    gaps = [
        a.top - b.top
        for a, b in zip(lines, lines[1:], strict=False)
        if a.page == b.page
        and a.top is not None
        and b.top is not None
        and a.size
        and b.size
        and abs(a.size - body) < 0.6
        and abs(b.size - body) < 0.6
        and 0 < a.top - b.top < 2.5 * body
    ]
    gap = statistics.median(gaps) if gaps else 1.2 * body
    lengths = sorted(len(line.text) for line in lines)
    width = lengths[int(0.9 * (len(lengths) - 1))] if lengths else 80
    return _Stats(body, gap, max(width, 20))


def _join(lines: list[PdfLine], texts: list[str], stats: _Stats) -> list[_Para]:
    paras: list[_Para] = []
    held: list[_Para] = []  # small-print footnotes waiting for the paragraph they interrupt
    current = _Para()
    prev: PdfLine | None = None
    for line, text in zip(lines, texts, strict=True):
        if not text or _is_superscript(prev, line, text):
            continue
        if prev is not None and line.page != prev.page:
            paras.append(current)
            current = _Para()
            footnotes: list[_Para] = []
            while stats.body_size and len(paras) > 1 and paras[-1].small:
                footnotes.insert(0, paras.pop())
            held += footnotes
            last = paras[-1] if paras else None
            if last is not None and last.texts and _continues_on_new_page(last, line, text, stats):
                current = paras.pop()
            else:
                paras.extend(held)
                held = []
        elif current.texts and _starts_new(current, prev, line, text, stats):
            paras.append(current)
            if held and not (current.kind == "list_item" and BULLET.match(text)):
                paras.extend(held)
                held = []
            current = _Para()
        if not current.texts:
            current.kind = _kind_hint(text)
            current.heading = _is_heading_font(line, text, stats)
            current.small = _is_small(line, stats)
            current.title = line.size is None and _looks_like_heading(text, stats)
        elif current.title and sum(map(len, current.texts)) + len(text) > 120:
            current.title = False
        current.lines.append(line)
        current.texts.append(text)
        prev = line
    paras.append(current)
    paras.extend(held)
    return paras


def _is_superscript(prev: PdfLine | None, line: PdfLine, text: str) -> bool:
    """A footnote number set as a superscript that the text layer put on its own line."""
    if prev is None or not re.fullmatch(r"\d{1,2}|[*†‡]", text) or line.page != prev.page:
        return False
    if None in (prev.size, line.size, prev.top, line.top):
        return False
    return line.size < 0.8 * prev.size and abs(prev.top - line.top) < prev.size


def _is_small(line: PdfLine, stats: _Stats) -> bool:
    """Small print (footnotes): clearly smaller than the body text."""
    return bool(stats.body_size and line.size and line.size < stats.body_size - 1.5)


def _kind_hint(text: str) -> BlockKind | None:
    if BULLET.match(text):
        return "list_item"
    if NUMBERED.match(text):
        return "paragraph"
    return None


def _is_heading_font(line: PdfLine, text: str, stats: _Stats) -> bool:
    if line.size is None or NUMBERED.match(text) or BULLET.match(text) or len(text) > 150:
        return False
    if line.size >= stats.body_size + 1.0:
        return True
    return line.bold and len(text) <= 120 and not _SENTENCE_END.search(text)


def _continues_on_new_page(last: _Para, line: PdfLine, text: str, stats: _Stats) -> bool:
    if NUMBERED.match(text) or BULLET.match(text) or last.heading:
        return False
    if _is_heading_font(line, text, stats):
        return False
    if line.size is None and _looks_like_heading(text, stats):
        return False
    if last.small != _is_small(line, stats):
        return False
    tail = last.texts[-1]
    if not _SENTENCE_END.search(tail):
        return True
    return len(tail) >= 0.85 * stats.width


def _starts_new(para: _Para, prev: PdfLine | None, line: PdfLine, text: str, stats: _Stats) -> bool:
    if NUMBERED.match(text) or BULLET.match(text):
        return True
    tail = para.texts[-1]
    if _GRADE.match(text) and not _SENTENCE_END.search(tail) and len(" ".join(para.texts)) < 150:
        return False
    if prev is not None and prev.top is not None and line.top is not None and line.size:
        gap = (prev.last_top if prev.last_top is not None else prev.top) - line.top
        if gap < -0.5 * line.size:
            return True
        if prev.size and abs(prev.size - line.size) > 1.0 and not text[:1].islower():
            return True
        scale = max(prev.size or stats.body_size, line.size) / (stats.body_size or line.size)
        if gap > stats.line_gap * scale + 0.3 * (stats.body_size or line.size):
            return not (text[:1].islower() and para.heading)
        return para.heading != _is_heading_font(line, text, stats) and not text[:1].islower()
    return _text_break(para, tail, text, stats)


def _text_break(para: _Para, tail: str, text: str, stats: _Stats) -> bool:
    """Paragraph break decided from the text alone (no geometry)."""
    if para.title:
        return not (text[:1].islower() or _CONNECTOR_END.search(tail))
    ends_sentence = bool(_SENTENCE_END.search(tail))
    if ends_sentence and len(tail) < 0.8 * stats.width:
        return True
    return ends_sentence and _looks_like_heading(text, stats)


def _looks_like_heading(text: str, stats: _Stats) -> bool:
    return (
        len(text) < 0.75 * stats.width
        and text[:1].isupper()
        and not re.search(r"[.,;]$", text)
        and not NUMBERED.match(text)
        and not BULLET.match(text)
    )
