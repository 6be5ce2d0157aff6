"""The rows of the structured tables, and how each is read from a report.

Judgements, improvement actions and case studies as :mod:`assistant.structured` returns
them, with the names of the judgement areas, and the reading that turns a stored report
into rows: its inspection framework, each action's due date and status. Pure functions
of a report's text: the tables (and their upkeep) are in :mod:`assistant.structured`.
"""

from __future__ import annotations

import calendar
import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from core.documents import ParsedDocument
from ingest.actions import extract_plan_rows
from ingest.cases import THEMES
from ingest.judgements import SCALE
from ingest.metadata import MONTHS

AREA_NAMES = {
    "overall_effectiveness": "Overall effectiveness",
    "impact_of_leaders": "Impact of leaders on social work practice",
    "help_and_protection": "Children who need help and protection",
    "in_care": "Children in care",
    "in_care_and_care_leavers": "Children in care and care leavers",
    "care_leavers": "Care leavers",
    "looked_after_and_permanence": "Children looked after and achieving permanence",
    "adoption": "Adoption performance",
    "leadership": "Leadership, management and governance",
    "lscb": "Local Safeguarding Children Board",
    "apa_children_services": "APA: contribution of the council's children's services",
    "apa_capacity_to_improve": "APA: capacity to improve",
    "apa_social_care": "APA: contribution of social care services",
    "apa_rating": "Annual performance assessment rating",
    "annual_rating": "Annual rating of children's services",
}

# The same judgements named briefly, for a chart's legend (the tables use AREA_NAMES).
SHORT_AREA_NAMES = {
    "overall_effectiveness": "Overall",
    "impact_of_leaders": "Leaders",
    "help_and_protection": "Help and protection",
    "in_care": "In care",
    "in_care_and_care_leavers": "In care and leavers",
    "care_leavers": "Care leavers",
    "looked_after_and_permanence": "Permanence",
    "adoption": "Adoption",
    "leadership": "Leadership",
    "lscb": "LSCB",
    "apa_children_services": "APA services",
    "apa_capacity_to_improve": "APA capacity",
    "apa_social_care": "APA social care",
    "apa_rating": "APA rating",
    "annual_rating": "Annual rating",
}


@dataclass(frozen=True)
class GradeRow:
    """One judgement of one report, with where it was read."""

    authority: str | None
    area: str
    area_text: str
    grade: str
    level: int
    framework: str | None
    inspection_end: str | None
    published: str | None
    title: str | None
    source: str
    doc_id: str
    page: int | None
    quote: str
    kind: str | None = None  # the kind of document the judgement was read from
    inspection_start: str | None = None

    @property
    def dates(self) -> str:
        """The report's labelled dates ("inspected 12–16 May 2025 · published 20 June 2025")."""
        from core.dates import dates_label

        return dates_label(self.inspection_start, self.inspection_end, self.published)

    @property
    def meaning(self) -> str:
        """The normalised grade's name."""
        return SCALE[self.level]

    def to_json(self) -> dict[str, Any]:
        """The row as JSON (for CSV and the UI)."""
        return {
            "authority": self.authority,
            "judgement": AREA_NAMES.get(self.area, self.area),
            "area": self.area,
            "grade": self.grade,
            "level": self.level,
            "meaning": self.meaning,
            "framework": self.framework,
            "inspection_start": self.inspection_start,
            "inspection_end": self.inspection_end,
            "published": self.published,
            "title": self.title,
            "source": self.source,
            "page": self.page,
            "quote": self.quote,
        }


@dataclass(frozen=True)
class ActionRow:
    """One improvement action with its timeframe, progress and lead."""

    authority: str | None
    area: str
    action: str | None
    timeframe: str | None
    due: str | None
    progress: str | None
    status: str  # achieved | in progress | ongoing | overdue | not stated
    lead: str | None
    origin: str  # plan | report
    title: str | None
    source: str
    doc_id: str
    page: int | None
    quote: str

    def as_of(self, day: str) -> ActionRow:
        """This action as it stands on ``day`` (ISO date): overdue if due and not achieved."""
        if self.due and self.due < day and self.status in ("in progress", "not stated"):
            return dataclasses.replace(self, status="overdue")
        return self

    def to_json(self) -> dict[str, Any]:
        """The row as JSON."""
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class CaseRow:
    """A stored case study."""

    id: str
    authority: str | None
    authority_text: str
    title: str
    summary: str | None
    themes: tuple[str, ...]
    document: str | None
    source: str
    page: int | None
    heading: str

    def to_json(self) -> dict[str, Any]:
        """The row as JSON."""
        out = dataclasses.asdict(self)
        out["themes"] = list(self.themes)
        return out


def framework_of(doc: ParsedDocument, areas: set[str], dates: tuple[str, str] | None) -> str | None:
    """The inspection framework a report belongs to, when its text makes it clear."""
    title = (doc.meta.title or "").lower()
    if "impact_of_leaders" in areas:
        if dates:
            from datetime import date

            days = (date.fromisoformat(dates[1]) - date.fromisoformat(dates[0])).days
            return "ILACS short" if days <= 6 else "ILACS standard"
        return "ILACS"
    if "looked_after_and_permanence" in areas or "children in need of help and protection" in title:
        return "single inspection framework"
    if "looked after children services" in title:
        return "looked after children inspection"
    return None


_SEASONS = {"spring": 5, "summer": 8, "autumn": 11, "winter": 2}
_DATE = re.compile(r"(?:(?P<day>\d{1,2})\s+)?(?P<month>[a-z]{3,9})\.?\s+(?P<year>\d{4})", re.I)


def due_date(timeframe: str) -> str | None:
    """The last date a timeframe names ("1 Sept 2011", "Sept – Jan 2012", "Spring 2012")."""
    found = None
    for m in _DATE.finditer(timeframe):
        word = m.group("month").lower()
        month = MONTHS.get(word[:3]) or _SEASONS.get(word)
        if month:
            day = int(m.group("day") or calendar.monthrange(int(m.group("year")), month)[1])
            found = f"{m.group('year')}-{month:02d}-{day:02d}"
    return found


def status_of(progress: str) -> str:
    """Achieved, in progress, ongoing or not stated, from a progress cell."""
    low = progress.lower()
    if not low.strip():
        return "not stated"
    if low.startswith(("achieved", "complete", "done", "met")):
        return "achieved"
    if "progress" in low or low.startswith(("started", "underway", "partially")):
        return "in progress"
    if low.startswith(("ongoing", "on-going", "on going", "continu")):
        return "ongoing"
    return "not stated"


def action_rows(doc: ParsedDocument) -> list[tuple[Any, ...]]:
    """One row per action: cells aligned by position when the counts agree."""
    out: list[tuple[Any, ...]] = []
    for row in extract_plan_rows(doc):
        actions = row.actions or ("",)
        lead = "; ".join(row.leads) or None
        for i, action in enumerate(actions):
            timeframe = _aligned(row.timeframes, i, len(actions))
            progress = _aligned(row.progress, i, len(actions))
            status = status_of(progress or "") if row.origin == "plan" else "not stated"
            out.append(
                (
                    row.area,
                    action or None,
                    timeframe,
                    due_date(timeframe or ""),
                    progress,
                    status,
                    lead,
                    row.origin,
                    row.quote,
                    row.page,
                )
            )
    return out


def _aligned(values: tuple[str, ...], i: int, n: int) -> str | None:
    if len(values) == n:
        return values[i]
    if len(values) == 1:
        return values[0]
    return "; ".join(values) or None


JUDGING_KINDS = (
    "inspection report",
    "apa letter",
    "national survey",
    "board paper",
    "committee report",
)
"""Kinds of document whose judgement statements go into the judgements table."""


THEME_NAMES = tuple(THEMES)


def rank_cases(
    embeddings: Any, query: str | None, rows: Sequence[CaseRow]
) -> list[tuple[CaseRow, float, str]]:
    """Cases ranked by similarity to ``query`` (title and summary), with why each matched."""
    from assistant.answering.text_units import terms

    if not rows:
        return []
    if not query:
        return [(r, 0.0, f"themes: {', '.join(r.themes) or '-'}") for r in rows]
    vectors = embeddings.embed_array([query] + [f"{r.title}. {r.summary or ''}" for r in rows])
    scores = vectors[1:] @ vectors[0]
    wanted = set(terms(query))
    ranked = []
    for r, score in zip(rows, scores, strict=True):
        shared = sorted(wanted & set(terms(f"{r.title} {r.summary or ''}")))
        why = f"similarity {score:.2f}"
        if shared:
            why += f"; shares: {', '.join(shared[:6])}"
        if r.themes:
            why += f"; themes: {', '.join(r.themes)}"
        ranked.append((r, float(score), why))
    return sorted(ranked, key=lambda x: x[1], reverse=True)
