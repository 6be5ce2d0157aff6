"""Finding things in a report's full text: judgement sections, dated lines, sentences.

Used by the whole-report answers (:mod:`assistant.answering.whole`): the section that
gives a judgement (in either framework's form), lines that state a date or name someone,
the previous inspection's line, and exact quote locations.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from assistant.drafting.extract import DocumentFacts, Located, judgement_heading
from core.vocabulary import GRADE_WORDS

MIN_PARAGRAPH_WORDS = 12
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z‘'\"“(])")

# an older report's heading states its judgement without a colon ("The experiences and
# progress of children looked after and achieving permanence Requires improvement")
_ENDS_IN_GRADE = re.compile(rf"\b(?:{GRADE_WORDS})\s*$", re.IGNORECASE)


def section_heading(line: str) -> bool:
    """Whether a line heads a judgement's section (a short line ending in the grade)."""
    if len(line.split()) > 25:
        return False
    return judgement_heading(line) or bool(_ENDS_IN_GRADE.search(line))


def judgement_section(
    facts: DocumentFacts, wanted: Sequence[str], most: int = 3
) -> tuple[str, list[Located]] | None:
    """The judgement heading naming ``wanted`` and (up to ``most``) paragraphs under it."""
    text = facts.doc.text
    lines: list[tuple[int, str]] = []
    pos = 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            lines.append((pos + raw.index(stripped), stripped))
        pos += len(raw) + 1
    found: list[tuple[int, int]] = []
    for i, (_, line) in enumerate(lines):
        if not section_heading(line):
            continue
        hits = sum(1 for w in wanted if w in line.lower())
        if hits:
            found.append((-hits, i))
    # the best-named heading with paragraphs under it: a report may list its judgements
    # first (a summary table of headings) and give each its section later; of two named
    # alike, one that stands alone (a table row of page one has the other rows beside it,
    # and then whatever paragraph comes next under it)
    best: tuple[tuple[int, bool, int], str, list[Located]] | None = None
    for hits, i in found:
        units = paragraphs_under(facts, lines, i, most)
        if not units:
            continue
        beside = [lines[j][1] for j in (i - 1, i + 1) if 0 <= j < len(lines)]
        in_table = any(section_heading(line) for line in beside)
        key = (hits, in_table, i)
        if best is None or key < best[0]:
            best = (key, lines[i][1], units)
    return None if best is None else (best[1], best[2])


def paragraphs_under(
    facts: DocumentFacts, lines: list[tuple[int, str]], at: int, most: int = 3
) -> list[Located]:
    """Up to ``most`` paragraphs under the judgement heading at line ``at``."""
    heading = lines[at][1]
    units: list[Located] = []
    for start, line in lines[at + 1 :]:
        if section_heading(line):
            break
        words = len(line.split())
        if words < MIN_PARAGRAPH_WORDS or line[-1:] not in ".!?)’”'\"":
            if units and words <= 12 and not line.endswith((".", ";", ",")):
                break  # the next heading
            continue
        body = re.sub(r"^\d{1,3}\.\s+", "", line)
        offset = start + line.index(body)
        units.append(Located(body, body, offset, facts.doc.page_at(offset), heading))
        if len(units) >= most:
            break
    return units


DATE = re.compile(
    r"\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.? (?:19|20)\d\d\b"
    r"|\b\d{1,2}/\d{1,2}/(?:19|20)?\d\d\b",
    re.I,
)


def find_line(
    text: str,
    pattern: re.Pattern[str],
    facts: DocumentFacts,
    also: re.Pattern[str] | None = None,
) -> Located | None:
    """The first line (or sentence of a long line) of ``text`` matching ``pattern``.

    When ``also`` is given, the line must match it too.
    """
    return next(find_lines(text, pattern, facts, also), None)


def find_lines(
    text: str,
    pattern: re.Pattern[str],
    facts: DocumentFacts,
    also: re.Pattern[str] | None = None,
) -> Iterator[Located]:
    """Each line (or sentence of a long line) matching ``pattern`` (and ``also``), in order."""

    def fits(part: str) -> bool:
        return bool(pattern.search(part)) and (also is None or bool(also.search(part)))

    for start, line in lines_of(text):
        stripped = line.strip()
        if not stripped or not fits(stripped):
            continue
        offset = start + line.index(stripped)
        if len(stripped.split()) <= 60:
            yield located(facts, stripped, offset)
            continue
        for a, _, sentence in sentences(stripped):
            if fits(sentence):
                yield located(facts, sentence, offset + a)
                break


YEAR_OR_GRADE = re.compile(
    r"\b(?:19|20)\d\d\b|\b(?:outstanding|good|requires improvement|inadequate|adequate)\b", re.I
)


YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def find_previous(
    text: str, facts: DocumentFacts, pattern: re.Pattern[str], *, dated: bool = False
) -> Located | None:
    """The first sentence about the previous inspection (``pattern``) with a year or grade.

    ``dated``: with a year (asked when it was, a grade alone does not answer).
    """
    stated = YEAR if dated else YEAR_OR_GRADE
    for start, line in lines_of(text):
        if not pattern.search(line):
            continue
        for a, _, sentence in sentences(line):
            if pattern.search(sentence) and stated.search(sentence):
                return located(facts, sentence.strip(), start + a)
    return None


def lines_of(text: str) -> Iterator[tuple[int, str]]:
    """Each line of ``text`` with the offset it starts at."""
    pos = 0
    for line in text.split("\n"):
        yield pos, line
        pos += len(line) + 1


def located(facts: DocumentFacts, quote: str, offset: int) -> Located:
    """``quote``, found at ``offset`` of the document's text, with its page and section."""
    return Located(quote, quote, offset, facts.doc.page_at(offset), facts.section_at(offset))


def sentences(text: str) -> list[tuple[int, int, str]]:
    """The sentences of ``text`` as ``(start, end, sentence)``."""
    out, pos = [], 0
    for m in _SENTENCE_END.finditer(text):
        out.append((pos, m.start(), text[pos : m.start()]))
        pos = m.end()
    out.append((pos, len(text), text[pos:]))
    return out
