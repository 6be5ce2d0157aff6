"""What a draft says about one document, read offline from the whole of its cleaned text.

Works on the stored :class:`ParsedDocument` (text, pages and metadata; stored documents
have no blocks), so headings, paragraphs and lists are recognised from the lines of the
cleaned text. Every fact keeps the exact quote it was read from and where it is (page,
section, numbered paragraph), so the draft can cite it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from core.documents import ParsedDocument
from core.vocabulary import GRADE_WORDS
from ingest.actions import extract_plan_rows
from ingest.authorities import AuthorityIndex
from ingest.cases import extract_case_studies
from ingest.judgements import Judgement, extract_judgements


@dataclass(frozen=True)
class Located:
    """A piece of text of the document and where it is."""

    text: str  # what the draft says (may join several lines)
    quote: str  # an exact substring of the cleaned text
    start: int
    page: int | None
    section: str | None
    paragraph: str | None = None  # the report's paragraph number, when numbered


@dataclass(frozen=True)
class Improvement:
    """One item of a report's "What needs to improve?" (or recommendations) list."""

    item: Located
    subitems: tuple[str, ...] = ()
    when: str | None = None  # a group label such as "Immediately"

    @property
    def text(self) -> str:
        """The item with its sub-items and timing."""
        text = self.item.text.rstrip()
        if self.subitems:
            text = f"{text.rstrip(':;,. ')}: {'; '.join(s.rstrip(';.') for s in self.subitems)}"
        if self.when:
            text = f"{text.rstrip()} ({self.when.rstrip(':').strip().lower()})"
        return text


@dataclass
class DocumentFacts:
    """Everything a draft uses from one document."""

    doc: ParsedDocument
    judgements: list[Judgement] = field(default_factory=list)
    summary: list[Located] = field(default_factory=list)  # summary units (lists joined)
    improvements: list[Improvement] = field(default_factory=list)
    improve_heading: Located | None = None
    sections: list[tuple[Located, list[Located]]] = field(default_factory=list)
    cases: list[Located] = field(default_factory=list)
    headings: list[tuple[int, str]] = field(default_factory=list)  # (start, heading text)

    def section_at(self, offset: int) -> str | None:
        """The heading of the section holding ``offset`` (None before the first heading)."""
        found = None
        for start, text in self.headings:
            if start > offset:
                break
            found = text
        return found

    @property
    def title(self) -> str:
        """The document's title, or its file name."""
        return self.doc.meta.title or self.doc.source.rsplit("/", 1)[-1]


_BULLET = re.compile(r"^\s*(?:[-–■●•◼▪*]\s+)(?P<text>\S.*)$")
_NUMBERED = re.compile(r"^\s*(?:-\s+)?(?P<num>\d{1,3})\.\s+(?P<text>\S.*)$")
_SUB = re.compile(r"^\s*[–-]\s+(?P<text>\S.*)$")
# a footnote's number may follow the heading ("What needs to improve?1", the 2026 reports)
_IMPROVE = re.compile(
    r"^(what needs to improve(?: in this area)?\??|areas? for (?:improvement|development)|"
    r"recommendations)(?:\d{1,2})?\s*:?$",
    re.I,
)
_SUMMARY = re.compile(r"^(summary|executive summary|key findings|main findings)$", re.I)
_WHEN = re.compile(r"^(immediately|within [a-z ]+(?:months?|weeks?|days?)|by [^:]{3,40}):$", re.I)
_SKIP_SECTIONS = re.compile(
    r"^(contents|information about this (?:local authority area|inspection)|the local authority|"
    r"summary for children and young people|previous ofsted inspections|local leadership|"
    r"children living in this area|other characteristics|child protection in this area|"
    r"children looked after in this area|introduction|notes?|further information|annex.*|"
    r"publications?|references?)$",
    re.I,
)
_GRADE_HEADING = re.compile(rf":\s*({GRADE_WORDS})\s*$", re.I)
# "… the local authority should take the following action." / "… should:"
_LEAD_IN = re.compile(r"should take the following|following (?:action|recommendation)s?\.?$", re.I)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z‘'\"“(])")
_MIN_PARAGRAPH_WORDS = 12
# publishers' notices and contact details: not findings
_BOILERPLATE = re.compile(
    r"may be reproduced|crown copyright|www\.ofsted\.gov\.uk|regulates and inspects to achieve|"
    r"open government licen[cs]e|@ofsted\.gov\.uk|if you would like a copy of this document",
    re.I,
)


@dataclass(frozen=True)
class _Line:
    text: str
    start: int  # offset of the stripped text in the document


def _lines(text: str) -> list[_Line]:
    out, pos = [], 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            out.append(_Line(stripped, pos + raw.index(stripped)))
        pos += len(raw) + 1
    return out


def _is_heading(line: str) -> bool:
    """A short line that is not a sentence, list item, table row or contents entry."""
    if len(line) > 150 or len(line.split()) > 22 or " | " in line or "\t" in line:
        return False
    if _BULLET.match(line) or _NUMBERED.match(line) or line.endswith((".", ",", ";")):
        return False
    if not line[:1].isupper() or re.search(r"\s\d{1,3}$", line):
        return False
    return not re.match(r"^(T|E|W|Textphone|Age group|Published|Reference no):", line)


def first_sentences(text: str, n: int) -> str:
    """The first ``n`` sentences of a paragraph (a prefix of it)."""
    parts = _SENTENCE.split(text)
    if len(parts) <= n:
        return text
    end = 0
    for part in parts[:n]:
        end = text.index(part, end) + len(part)
    return text[:end]


class _Reader:
    def __init__(self, doc: ParsedDocument) -> None:
        self.doc = doc
        self.lines = _lines(doc.text)

    def located(
        self, text: str, start: int, section: str | None, paragraph: str | None = None
    ) -> Located:
        return Located(text, text, start, self.doc.page_at(start), section, paragraph)

    def body(self, line: _Line, section: str | None) -> Located:
        """A paragraph line as a located unit (its number read off)."""
        m = _NUMBERED.match(line.text)
        if m:
            text = m.group("text")
            start = line.start + line.text.index(text)
            return self.located(text, start, section, m.group("num"))
        m = _BULLET.match(line.text)
        if m:
            text = m.group("text")
            return self.located(text, line.start + line.text.index(text), section)
        return self.located(line.text, line.start, section)

    def sections(self, skip: set[str]) -> list[tuple[Located | None, list[int]]]:
        """Headings (None before the first) with the indexes of the lines under each."""
        out: list[tuple[Located | None, list[int]]] = [(None, [])]
        for i, line in enumerate(self.lines):
            if line.text in skip:
                continue
            if _is_heading(line.text) and not line.text.endswith(":"):
                out.append((self.located(line.text, line.start, line.text), []))
            else:
                out[-1][1].append(i)
        return out

    def units(self, indexes: list[int], section: str | None) -> list[Located]:
        """Paragraphs of a section; a lead-in ending in ':' is joined with its list."""
        units: list[Located] = []
        i = 0
        while i < len(indexes):
            line = self.lines[indexes[i]]
            i += 1
            if line.text.endswith(":") and len(line.text.split()) >= 4:
                items = []
                while i < len(indexes) and _BULLET.match(self.lines[indexes[i]].text):
                    items.append(_BULLET.match(self.lines[indexes[i]].text).group("text"))
                    i += 1
                if items:
                    unit = self.body(line, section)
                    last = items[-1].rstrip(".")
                    joined = "; ".join([*(s.rstrip(";,.") for s in items[:-1]), last])
                    units.append(
                        Located(
                            f"{unit.text} {joined}.",
                            unit.quote,
                            unit.start,
                            unit.page,
                            section,
                            unit.paragraph,
                        )
                    )
                    continue
            if _BULLET.match(line.text) and not _NUMBERED.match(line.text):
                continue  # list items outside a lead-in: part of the list above
            unit = self.body(line, section)
            if _BOILERPLATE.search(unit.text):
                continue
            if len(unit.text.split()) >= _MIN_PARAGRAPH_WORDS and unit.text[-1:] in ".!?)’”'\"":
                units.append(unit)
        return units


def _improvements(reader: _Reader) -> tuple[list[Improvement], Located | None]:
    """Every item under the report's "What needs to improve?" / recommendations headings."""
    found: list[Improvement] = []
    heading: Located | None = None
    lines = reader.lines
    i = 0
    while i < len(lines):
        if not _IMPROVE.match(lines[i].text):
            i += 1
            continue
        title = lines[i].text
        if heading is None:
            heading = reader.located(title, lines[i].start, title)
        i += 1
        when: str | None = None
        since_item = 0
        while i < len(lines) and since_item < 8:
            text = lines[i].text
            sub = _SUB.match(text)
            since_item += 1
            if _WHEN.match(text):
                when = text
            elif sub and found and sub.group("text")[:1].islower():
                last = found[-1]
                found[-1] = Improvement(last.item, (*last.subitems, sub.group("text")), last.when)
            elif _BULLET.match(text) or _NUMBERED.match(text):
                unit = reader.body(lines[i], title)
                if not _LEAD_IN.search(unit.text):
                    found.append(Improvement(unit, (), when))
                since_item = 0
            elif found and text[:1].islower():
                last = found[-1]  # an item broken across a page
                item = last.item
                joined = Located(
                    f"{item.text} {text}",
                    item.quote,
                    item.start,
                    item.page,
                    item.section,
                    item.paragraph,
                )
                found[-1] = Improvement(joined, last.subitems, last.when)
            elif (_is_heading(text) and not text.endswith(":")) or (
                found and len(text.split()) >= _MIN_PARAGRAPH_WORDS
            ):
                break
            i += 1
    return found, heading


def _with_plan_rows(doc: ParsedDocument, found: list[Improvement]) -> list[Improvement]:
    """Listed areas for improvement that ``ingest.actions`` reads and the lists missed."""
    have = " ".join(" ".join(f.text.split()) for f in found)
    for row in extract_plan_rows(doc):
        if row.origin != "report" or _LEAD_IN.search(row.area):
            continue
        if " ".join(row.area.split()) in have:
            continue
        found.append(Improvement(Located(row.area, row.quote, row.start, row.page, None)))
    return sorted(found, key=lambda f: f.item.start)


def extract_facts(doc: ParsedDocument, authorities: AuthorityIndex | None = None) -> DocumentFacts:
    """Judgements, summary, improvement items, headed findings and cases of ``doc``."""
    reader = _Reader(doc)
    facts = DocumentFacts(doc=doc, judgements=extract_judgements(doc, authorities))
    improvements, facts.improve_heading = _improvements(reader)
    facts.improvements = _with_plan_rows(doc, improvements)
    judged = {j.quote for j in facts.judgements if j.authority is None}
    found: list[tuple[Located, list[Located]]] = []
    for heading, indexes in reader.sections(skip=judged):
        name = heading.text if heading else None
        if heading is not None:
            facts.headings.append((heading.start, heading.text))
        if name and (_IMPROVE.match(name) or _SKIP_SECTIONS.match(name)):
            continue
        units = reader.units(indexes, name)
        if units:
            found.append((heading or reader.located("", 0, None), units))
    explicit = [i for i, (h, _) in enumerate(found) if _SUMMARY.match(h.text)]
    first = [i for i, (h, _) in enumerate(found) if not judgement_heading(h.text)]
    chosen = explicit[0] if explicit else (first[0] if first else None)
    for i, (heading, units) in enumerate(found):
        if i == chosen:
            facts.summary = units
        elif heading.text:
            facts.sections.append((heading, units))
    if authorities is not None:
        for case in extract_case_studies(doc, authorities):
            facts.cases.append(reader.located(case.heading, case.start, case.heading))
    return facts


def judgement_heading(heading: str) -> bool:
    """Whether a heading states a judgement ("…care leavers: good")."""
    return bool(_GRADE_HEADING.search(heading))
