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

from ingest.models import ParsedDocument

SCALE = {1: "outstanding", 2: "good", 3: "requires improvement", 4: "inadequate"}

_GRADE = r"(?P<grade>outstanding|good|requires? improvement(?: to be good)?|inadequate|adequate)"
_LEVEL = {
    "outstanding": 1,
    "good": 2,
    "requires improvement": 3,
    "requires improvement to be good": 3,
    "require improvement": 3,
    "require improvement to be good": 3,
    "adequate": 3,
    "inadequate": 4,
}

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
    (area, re.compile(rf"^\s*(?P<area>{pattern}){_SEPARATOR}{_GRADE}\s*\.?\s*$", re.I))
    for area, pattern in _AREAS
]
# "Children's services in Norfolk are inadequate" / "... requires improvement to be good"
_SIF_OVERALL = re.compile(
    rf"^\s*(?P<area>children[’']s services in .{{2,60}}?)\s+(?:(?:are|is)\s+)?"
    rf"{_GRADE}\s*\.?\s*$",
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

    @property
    def meaning(self) -> str:
        """The normalised grade's name."""
        return SCALE[self.level]


def _normalise_grade(grade: str) -> int:
    return _LEVEL[" ".join(grade.lower().split())]


def extract_judgements(doc: ParsedDocument) -> list[Judgement]:
    """Every judgement area the report states, first statement of each area only."""
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
