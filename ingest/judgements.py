"""Judgements stated in inspection reports, read from the cleaned text with exact quotes.

Covers the ILACS judgement table ("Overall effectiveness Outstanding"), the single
inspection framework's summary ("Children's services in X are inadequate",
"2.2 Experiences and progress of care leavers Requires improvement") and the judgement
headings of both ("The experiences and progress of care leavers: good"). The first
statement of an area wins (the page-one table); a judgement a report does not state is
absent, never inferred.

Grades are kept as written and normalised to Ofsted's four-point scale:
1 outstanding, 2 good, 3 requires improvement (to be good) or adequate, 4 inadequate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.documents import ParsedDocument
from core.vocabulary import GRADE_LEVELS, GRADE_WORDS
from core.vocabulary import SCALE as VOCAB_SCALE
from ingest.authorities import AuthorityIndex

SCALE = VOCAB_SCALE

_GRADE = rf"(?P<grade>{GRADE_WORDS})"
_LEVEL = GRADE_LEVELS

# Areas by how reports name them (most specific first). Each pattern matches the
# area wording at the start of a line; the grade follows on the same line.
_AREAS: tuple[tuple[str, str], ...] = (
    (
        "impact_of_leaders",
        r"the impact of leaders on social work practice with children and families",
    ),
    (
        "help_and_protection",
        r"the experiences and progress of children who need help and protection",
    ),
    (
        "in_care_and_care_leavers",
        r"the experiences and progress of children in care and care leavers",
    ),
    ("in_care", r"the experiences and progress of children in care"),
    ("care_leavers", r"the experiences and progress of (?:children )?care leavers"),
    ("overall_effectiveness", r"overall effectiveness"),
    ("overall_effectiveness", r"the overall judgement"),
    ("help_and_protection", r"(?:\d\.\s*)?children who need help and protection"),
    ("looked_after_and_permanence", r"(?:\d\.\s*)?children looked after and achieving permanence"),
    ("adoption", r"(?:\d\.\d\s*)?adoption performance"),
    ("care_leavers", r"(?:\d\.\d\s*)?(?:the )?experiences and progress of care leavers"),
    ("leadership", r"(?:\d\.\s*)?leadership,? management and governance"),
    ("lscb", r"(?:the )?(?:effectiveness of the )?local safeguarding children board(?: \(lscb\))?"),
)
_SEPARATOR = r"(?:\s*[:\-–]\s*|\s+(?:is|are)\s+|\s+)"
_LINE_PATTERNS = [
    (area, re.compile(rf"^\s*(?P<area>{pattern}){_SEPARATOR}{_GRADE}(?:\s*\.)?\s*$", re.I))
    for area, pattern in _AREAS
]
# "Children's services in Norfolk are inadequate" / "... requires improvement to be good"
_SIF_OVERALL = re.compile(
    rf"^\s*(?P<area>children[’']s services in .{{2,60}}?)\s+(?:(?:are|is)\s+)?"
    rf"{_GRADE}(?:\s*\.)?\s*$",
    re.I,
)


@dataclass(frozen=True)
class Judgement:
    """One judgement as a report states it."""

    area: str  # canonical key, e.g. "overall_effectiveness", "care_leavers"
    area_text: str  # the area as written
    grade: str  # the grade as written, e.g. "Requires improvement to be good"
    level: int  # 1 outstanding … 4 inadequate
    quote: str  # the exact line of the cleaned text
    start: int  # offset of the quote in the cleaned text
    page: int | None
    authority: str | None = None  # set when it is not the document's own (national lists)

    @property
    def meaning(self) -> str:
        """The normalised grade's name."""
        return SCALE[self.level]


def _squash(line: str) -> str:
    """``line`` stripped, each run of whitespace one space.

    For the row and list-item patterns: their bounded lazy part is followed by spaces,
    which would otherwise rescan a long run of spaces from each position it tries.
    """
    return " ".join(line.split())


def _normalise_grade(grade: str) -> int:
    return _LEVEL[" ".join(grade.lower().split())]


# Annual performance assessments (2005-2008) graded 4 (excellent) down to 1 (inadequate).
_APA_LEVEL = {"4": 1, "3": 2, "2": 3, "1": 4}
_APA_AREAS = (
    ("apa_capacity_to_improve", re.compile(r"capacity to improve", re.I)),
    ("apa_social_care", re.compile(r"social care services", re.I)),
    ("apa_children_services", re.compile(r"children[’']s services", re.I)),
)
_APA_ROW = re.compile(r"^(?P<area>[^|]{10,300}?)\s*\|\s*(?P<grade>[1-4])\s*$")
# A council paper quoting its own rating: "were awarded a rating of 'Level 3 Good - Performs Well'"
_QUOTED_RATING = re.compile(r"awarded a rating of [‘'\"“](?P<grade>[^’'\"”]{3,60}?)[’'\"”]", re.I)
_RATING_WORDS = (
    ("excellent", 1),
    ("outstanding", 1),
    ("good", 2),
    ("adequate", 3),
    ("inadequate", 4),
    ("poor", 4),
)


def extract_judgements(
    doc: ParsedDocument, authorities: AuthorityIndex | None = None
) -> list[Judgement]:
    """Every judgement area the document states, first statement of each area only.

    Inspection reports: their judgement table and headings. APA letters: their grade
    table. Council committee or board papers: the APA rating they say they were awarded.
    """
    if doc.meta.kind == "apa letter":
        return _apa_table(doc)
    if doc.meta.kind in ("committee report", "board paper"):
        return _quoted_rating(doc)
    if doc.meta.kind == "national survey":
        return _national_list(doc, authorities) if authorities else []
    if doc.meta.kind != "inspection report":
        return []
    found: dict[str, Judgement] = {}
    pos = 0
    for line in doc.text.split("\n"):
        start = pos
        pos += len(line) + 1
        if not line.strip() or len(line) > 200:
            continue
        judgement = _match_line(line, start, doc)
        if judgement and judgement.area not in found:
            found[judgement.area] = judgement
    return list(found.values())


def _match_line(line: str, start: int, doc: ParsedDocument) -> Judgement | None:
    for area, pattern in _LINE_PATTERNS:
        m = pattern.match(line)
        if m:
            return _judgement(area, m, line, start, doc)
    m = _SIF_OVERALL.match(line)
    if m:
        return _judgement("overall_effectiveness", m, line, start, doc)
    return None


def _judgement(
    area: str, m: re.Match[str], line: str, start: int, doc: ParsedDocument
) -> Judgement:
    quote = line.strip()
    offset = start + line.index(quote)
    return Judgement(
        area=area,
        area_text=m.group("area").strip(),
        grade=m.group("grade"),
        level=_normalise_grade(m.group("grade")),
        quote=quote,
        start=offset,
        page=doc.page_at(offset),
    )


def _apa_table(doc: ParsedDocument) -> list[Judgement]:
    """The rows of an APA letter's grade table ("Areas for judgement | Grade awarded")."""
    found: dict[str, Judgement] = {}
    in_table = False
    pos = 0
    for line in doc.text.split("\n"):
        start = pos
        pos += len(line) + 1
        row = _APA_ROW.match(_squash(line))
        if " | " in line and re.search(r"\bgrade\b", line, re.I) and not row:
            in_table = True
            continue
        m = row if in_table else None
        if not m:
            in_table = in_table and " | " in line
            continue
        area = next((key for key, pattern in _APA_AREAS if pattern.search(m.group("area"))), None)
        if area is None or area in found:
            continue
        quote = line.strip()
        offset = start + line.index(quote)
        found[area] = Judgement(
            area=area,
            area_text=m.group("area").strip().rstrip("."),
            grade=m.group("grade"),
            level=_APA_LEVEL[m.group("grade")],
            quote=quote,
            start=offset,
            page=doc.page_at(offset),
        )
    return list(found.values())


def _quoted_rating(doc: ParsedDocument) -> list[Judgement]:
    """The first APA rating a council paper says it was awarded (its own subject)."""
    if not re.search(r"annual performance assessment|\bAPA\b", doc.text, re.I):
        return []
    m = _QUOTED_RATING.search(doc.text)
    if not m:
        return []
    grade = m.group("grade").strip()
    low = grade.lower()
    level = next((lvl for word, lvl in _RATING_WORDS if re.search(rf"\b{word}\b", low)), None)
    if level is None:
        return []
    return [
        Judgement(
            area="apa_rating",
            area_text="Annual performance assessment rating",
            grade=grade,
            level=level,
            quote=m.group(0),
            start=m.start(),
            page=doc.page_at(m.start()),
        )
    ]


# "... the 10 local authorities which were judged to be performing excellently:"
_LIST_LEAD = re.compile(
    r"(?P<grade>performing excellently|performs? excellently|judged (?:to be )?outstanding|"
    r"rated (?:as )?(?:excellent|outstanding)|highest of four ratings)[^:]{0,80}:\s*$",
    re.I,
)
_ITEM = re.compile(r"^\s*(?:(?:[-•■◼*]|\d+[.)])\s*)?(?P<name>[A-Z][^.;:]{1,60}?)[.;,]?\s*$")


def _national_list(doc: ParsedDocument, authorities: AuthorityIndex) -> list[Judgement]:
    """Authorities a national report lists under a rating ("… performing excellently:")."""
    found: list[Judgement] = []
    lines = doc.text.split("\n")
    starts = []
    pos = 0
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1
    for i, line in enumerate(lines):
        lead = _LIST_LEAD.search(line)
        if not lead:
            continue
        grade = lead.group("grade")
        for j in range(i + 1, min(i + 40, len(lines))):
            item = _ITEM.match(_squash(lines[j]))
            if not lines[j].strip():
                continue
            named = authorities.resolve(item.group("name")) if item else None
            if named is None:
                break
            quote = lines[j].strip()
            offset = starts[j] + lines[j].index(quote)
            found.append(
                Judgement(
                    area="annual_rating",
                    area_text="Annual rating of children's services",
                    grade=grade,
                    level=1,
                    quote=quote,
                    start=offset,
                    page=doc.page_at(offset),
                    authority=named.name,
                )
            )
        if found:
            return found
    return found
