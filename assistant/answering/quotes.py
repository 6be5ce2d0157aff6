"""Quotes of passages: where they start and end, lists kept whole, neighbours merged.

The extractive answerer (:mod:`assistant.answering.extractive`) chooses the units that
answer; these functions turn them into quotes: a lead-in brings its list items, a quote
shortened to fit ends at a whole item or sentence, a quote that stops just before the name
asked for goes on to it, neighbouring units become one quote.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from assistant.answering.intent import has_person, is_grade_unit, is_list_item
from assistant.answering.text_units import Unit
from assistant.models import Citation
from assistant.retrieval import document_year
from vectorstore.store import StoredChunk

_BRACKETED = re.compile(r"\[(\s*\d+(?:\s*[,;–-]\s*\d+)*\s*)\]")


def neutralise_markers(text: str) -> str:
    """A document's own "[2]" shown as "(2)", so it never reads as one of our citations."""
    return _BRACKETED.sub(r"(\1)", text)


QUALIFIER = re.compile(
    r"^\s*(?:however|but|although|though|despite|nevertheless|nonetheless|yet|that said|"
    r"while|whilst|in contrast|conversely|even so)\b",
    re.IGNORECASE,
)
"""A sentence that qualifies the one before it: quoted with it."""

# A numbered point such as "1.4.1 A corporate approach" (a sub-paragraph number).
_NUMBERED = re.compile(r"^\s*\d+(?:\.\d+)+\s+\S")


@dataclass(frozen=True)
class Quote:
    """A span of a passage's text, quoted as it stands."""

    chunk: StoredChunk
    start: int
    end: int
    cut: bool = False  # shortened mid-sentence to fit the answer's length
    left_out: int = 0  # list items after it in the passage, left out to fit

    @property
    def text(self) -> str:
        """The quoted text."""
        return self.chunk.text[self.start : self.end]


# where a shortened quote may end: before a list item or a line, or after a sentence
_SPACE_RUN = re.compile(r"\s+")
_BULLET_MARKS = "■◼•●▪◦"
_SENTENCE_BREAK = re.compile(r"(?<=[.!?;])[\"”’)]*(?=\s)")
_BULLET_ITEM = re.compile(r"(?:^|\s)[■◼•●▪◦]\s")
MIN_SHORTENED_WORDS = 5
NOTE_WORDS = 5


def _item_breaks(text: str, end: int) -> list[int]:
    """Where a list item or a line begins in ``text[:end]``.

    That is the start of the blank space before it: a line break, or a bullet mark
    followed by a space.
    """
    out = []
    for m in _SPACE_RUN.finditer(text, 0, end):  # each run of spaces read once: linear
        after = text[m.end() : min(m.end() + 2, end)]
        bullet = len(after) == 2 and after[0] in _BULLET_MARKS and after[1].isspace()
        if "\n" in m.group() or bullet:
            out.append(m.start())
    return out


def shortened(quote: Quote, limit: int) -> Quote:
    """``quote`` ended within its first ``limit`` characters, at a whole item or sentence.

    A list keeps whole items (at least half of what fits) and counts those left out;
    other text ends at the last sentence that fits, or, when none does, mid-sentence
    (shown with "…").
    """
    text = quote.text
    allowed = len(text[:limit].split())
    items = _item_breaks(text, limit + 1)
    items = [e for e in items if len(text[:e].split()) >= max(MIN_SHORTENED_WORDS, allowed // 2)]
    if items:
        end = max(items)
        rest = text[end:]
        left = len(_BULLET_ITEM.findall(rest)) or len([x for x in rest.splitlines() if x.strip()])
        return Quote(quote.chunk, quote.start, quote.start + end, left_out=left)
    sentences = [m.end() for m in _SENTENCE_BREAK.finditer(text, 0, limit + 1)]
    sentences = [e for e in sentences if len(text[:e].split()) >= MIN_SHORTENED_WORDS]
    if sentences:
        return Quote(quote.chunk, quote.start, quote.start + max(sentences))
    return Quote(quote.chunk, quote.start, quote.start + limit, cut=True)


def is_grade_row(text: str) -> bool:
    """A judgement-table row or heading: states a grade and is not a sentence."""
    line = text.rstrip()
    return is_grade_unit(line) and not line.endswith(".") and len(line.split()) <= 30


def is_lead_in(text: str, section: str | None) -> bool:
    """True for a heading or a sentence that introduces what follows (ends with ':' or '?')."""
    line = text.strip()
    if not line or " | " in line or is_list_item(line):
        return False
    if section and line == section.strip():
        return True
    if line.endswith((":", "?")):
        return True
    return not line.endswith((".", "!", ")", "”", '"')) and len(line.split()) <= 12


def opens_list(chunk: StoredChunk, chunk_units: list[Unit], index: int) -> bool:
    """A lead-in followed by list items (or ending its passage, the list in the next)."""
    if not is_lead_in(chunk_units[index].text, chunk.section):
        return False
    if index + 1 == len(chunk_units):
        return True
    return is_list_item(chunk_units[index + 1].text)


def following(chunk_units: list[Unit], index: int, have: set[int]) -> list[int]:
    """The items after a lead-in (list items, judgement rows, numbered points).

    Numbered points follow an unfinished sentence; after a colon the next unit
    comes at least.
    """
    lead = chunk_units[index].text.rstrip()
    colon = lead.endswith(":")
    unfinished = not lead.endswith((".", "!", "?", ":", ")", "”", '"'))
    out: list[int] = []
    for j in range(index + 1, len(chunk_units)):
        text = chunk_units[j].text
        if j in have:
            break
        if (
            is_list_item(text)
            or (colon and not out)
            or (unfinished and _NUMBERED.match(text))
            or (is_grade_unit(text) and len(text.split()) <= 20)
        ):
            out.append(j)
            continue
        break
    return out


def named(quotes: list[Quote], units: dict[int, list[Unit]]) -> list[Quote]:
    """Quotes that stop just before a name go on to the unit that states it.

    "The lead member for children's services," / "Jane Smith, meets leaders often."
    """
    out = []
    for quote in quotes:
        after = [u for u in units[id(quote.chunk)] if u.start >= quote.end][:1]
        if after and not has_person(quote.text):
            longer = dataclasses.replace(quote, end=after[0].end, cut=False)
            if has_person(longer.text):
                quote = longer
        out.append(quote)
    return out


def merge(spans: list[tuple[StoredChunk, list[int]]], units: dict[int, list[Unit]]) -> list[Quote]:
    """One quote per run of neighbouring units of a chunk, in the order first chosen."""
    by_chunk: dict[int, set[int]] = {}
    order: list[tuple[StoredChunk, int]] = []
    for chunk, group in spans:
        by_chunk.setdefault(id(chunk), set()).update(group)
        order.append((chunk, group[0]))
    quotes: list[Quote] = []
    done: set[tuple[int, int]] = set()
    for chunk, first in order:
        indexes = by_chunk[id(chunk)]
        lo = hi = first
        while lo - 1 in indexes:
            lo -= 1
        while hi + 1 in indexes:
            hi += 1
        if (id(chunk), lo) in done:
            continue
        done.add((id(chunk), lo))
        chunk_units = units[id(chunk)]
        quotes.append(Quote(chunk, chunk_units[lo].start, chunk_units[hi].end))
    return quotes


def fit(quotes: list[Quote], max_words: int, lead_words: int) -> list[Quote]:
    """Keep an answer within ``max_words``: later quotes shortened or dropped."""
    out: list[Quote] = []
    used = lead_words
    for quote in quotes:
        room = max_words - used - 2  # "-" and "[n]"
        words = list(re.finditer(r"\S+", quote.text))
        if len(words) <= room:
            out.append(quote)
            used += len(words) + 2
        elif room >= 8 or not out:
            keep = max(room - NOTE_WORDS, 8)  # room for "(and n more in the source)"
            out.append(shortened(quote, words[min(keep, len(words)) - 1].end()))
            break
        else:
            break
    return out


def continue_list(
    chunk: StoredChunk,
    chunks: list[StoredChunk],
    units: dict[int, list[Unit]],
    taken: dict[int, set[int]],
    spans: list[tuple[StoredChunk, list[int]]],
    budget: int,
) -> int:
    """Carry a list on into the next passage of the same document, when retrieved."""
    following = next(
        (c for c in chunks if c.doc_id == chunk.doc_id and c.index == chunk.index + 1), None
    )
    if following is None:
        return budget
    chunk_units = units[id(following)]
    have = taken.setdefault(id(following), set())
    group = []
    for j, unit in enumerate(chunk_units):
        if j in have or not is_list_item(unit.text):
            break
        n_words = len(unit.text.split())
        if n_words > budget:
            break
        group.append(j)
        budget -= n_words
    if group:
        have.update(group)
        spans.append((following, group))
    return budget


def cited(quotes: list[Quote], lead: str) -> tuple[str, tuple[Citation, ...]]:
    """The answer's text (``lead``, then one line per quote with its marker) and citations.

    Quotes from several councils' reports (a question naming none) each say whose report
    and of when they are: lines of different councils read alike, and a line copied into
    a board paper must not pass for the reader's own council's finding.
    """
    citations = []
    lines = [lead]
    several = len({q.chunk.authorities for q in quotes if q.chunk.authorities}) > 1
    for n, quote in enumerate(quotes, start=1):
        citations.append(
            Citation(
                n=n,
                doc_id=quote.chunk.doc_id,
                source=quote.chunk.source,
                title=quote.chunk.title,
                page=quote.chunk.page_of(quote.start),
                section=quote.chunk.section,
                quote=quote.text,
                score=quote.chunk.score,
            )
        )
        shown = neutralise_markers(" ".join(quote.text.split()))
        more = f" (and {quote.left_out} more in the source)" if quote.left_out else ""
        whose = _whose(quote.chunk) if several else ""
        lines.append(f"- {whose}{shown}{'…' if quote.cut else ''}{more} [{n}]")
    return "\n".join(lines), tuple(citations)


def _whose(chunk: StoredChunk) -> str:
    """The council and year of a quoted report ("Kent (2022): "; empty: about no council)."""
    if not chunk.authorities:
        return ""
    year = document_year(chunk)
    return f"{' and '.join(chunk.authorities)}{f' ({year})' if year else ''}: "
