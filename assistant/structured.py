"""Structured data read from the stored reports: judgements, improvement actions, cases.

A SQLite database derived from what is in the store, like the BM25 index: every query
first brings it in step (documents added since are read, documents removed are
dropped, each document in one transaction), so it never disagrees with the library.
Each row keeps the exact quote and page it was read from.
"""

from __future__ import annotations

import calendar
import dataclasses
import re
import sqlite3
import threading
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.documents import ParsedDocument
from ingest.actions import extract_plan_rows
from ingest.authorities import AuthorityIndex
from ingest.cases import THEMES, extract_case_studies
from ingest.judgements import SCALE, extract_judgements
from ingest.metadata import MONTHS, extract_inspection_dates
from vectorstore.store import ChromaStore

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

# Raise whenever what is extracted changes: existing tables are then read again.
VERSION = 6

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY, source TEXT NOT NULL, title TEXT, authority TEXT,
    framework TEXT, inspection_start TEXT, inspection_end TEXT, published TEXT, kind TEXT
);
CREATE TABLE IF NOT EXISTS actions (
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    seq INTEGER NOT NULL, area TEXT NOT NULL, action TEXT, timeframe TEXT, due TEXT,
    progress TEXT, status TEXT NOT NULL, lead TEXT, origin TEXT NOT NULL,
    quote TEXT NOT NULL, page INTEGER, PRIMARY KEY (doc_id, seq)
);
CREATE TABLE IF NOT EXISTS cases (
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    seq INTEGER NOT NULL, authority TEXT, authority_text TEXT NOT NULL, title TEXT NOT NULL,
    heading TEXT NOT NULL, summary TEXT, themes TEXT, start INTEGER, page INTEGER,
    PRIMARY KEY (doc_id, seq)
);
CREATE TABLE IF NOT EXISTS judgements (
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    area TEXT NOT NULL, area_text TEXT NOT NULL, grade TEXT NOT NULL,
    level INTEGER NOT NULL, quote TEXT NOT NULL, start INTEGER NOT NULL, page INTEGER,
    authority TEXT,
    PRIMARY KEY (doc_id, area, start)
);
"""


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


class StructuredData:
    """The judgements of every stored inspection report, kept in step with the store."""

    def __init__(self, path: Path, store: ChromaStore, authorities: AuthorityIndex | None) -> None:
        """Use the SQLite file at ``path`` for the judgements read from ``store``."""
        self.path = path
        self.store = store
        self.authorities = authorities
        self._lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path)
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA secure_delete = ON")  # rows of removed reports are zeroed, not freed
        if db.execute("PRAGMA user_version").fetchone()[0] != VERSION:
            # read by an older extractor: derived data, so start again
            db.executescript(
                "DROP TABLE IF EXISTS judgements; DROP TABLE IF EXISTS actions;"
                " DROP TABLE IF EXISTS cases; DROP TABLE IF EXISTS documents;"
            )
            db.execute(f"PRAGMA user_version = {VERSION}")
        db.executescript(_SCHEMA)
        return db

    def refresh(self) -> int:
        """Read documents added since the last refresh, drop removed ones; return changes."""
        stored = {d.doc_id for d in self.store.list_documents()}
        with self._lock, closing(self._connect()) as db:
            known = {row[0] for row in db.execute("SELECT doc_id FROM documents")}
            gone, new = known - stored, stored - known
            with db:
                db.executemany("DELETE FROM documents WHERE doc_id = ?", [(d,) for d in gone])
            for doc_id in sorted(new):
                doc = self.store.parsed_document(doc_id)
                if doc is not None:
                    self._add(db, doc)
        return len(gone) + len(new)

    def drop(self, doc_ids: Sequence[str]) -> None:
        """Forget removed documents now (not at the next query); no file is created."""
        if not doc_ids or not self.path.exists():
            return
        with self._lock, closing(self._connect()) as db, db:
            db.executemany("DELETE FROM documents WHERE doc_id = ?", [(d,) for d in doc_ids])

    def _add(self, db: sqlite3.Connection, doc: ParsedDocument) -> None:
        # Judgements only from documents whose structure reads as a report, letter or
        # paper: a note that merely says "Overall effectiveness: Inadequate" states none.
        recognised = doc.meta.kind in JUDGING_KINDS
        found = extract_judgements(doc, self.authorities) if recognised else []
        dates = extract_inspection_dates(doc.text) if doc.meta.kind == "inspection report" else None
        framework = framework_of(doc, {j.area for j in found}, dates)
        authority = doc.meta.authorities[0] if doc.meta.authorities else None
        with db:  # one transaction: a document is in the table whole or not at all
            db.execute(
                "INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    doc.doc_id,
                    doc.source,
                    doc.meta.title,
                    authority,
                    framework,
                    dates[0] if dates else None,
                    dates[1] if dates else None,
                    doc.meta.published,
                    doc.meta.kind,
                ),
            )
            db.executemany(
                "INSERT OR REPLACE INTO judgements VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        doc.doc_id,
                        j.area,
                        j.area_text,
                        j.grade,
                        j.level,
                        j.quote,
                        j.start,
                        j.page,
                        j.authority,
                    )
                    for j in found
                ],
            )
            db.executemany(
                "INSERT OR REPLACE INTO actions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(doc.doc_id, i, *a) for i, a in enumerate(action_rows(doc))],
            )
            if self.authorities is not None:
                db.executemany(
                    "INSERT OR REPLACE INTO cases VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        (
                            doc.doc_id,
                            i,
                            c.authority,
                            c.authority_text,
                            c.title,
                            c.heading,
                            c.summary,
                            "|".join(c.themes),
                            c.start,
                            c.page,
                        )
                        for i, c in enumerate(extract_case_studies(doc, self.authorities))
                    ],
                )

    def grades(
        self,
        *,
        authorities: Sequence[str] = (),
        areas: Sequence[str] = (),
        latest: bool = False,
    ) -> list[GradeRow]:
        """Judgements, newest report first; ``latest`` keeps each authority's newest report."""
        self.refresh()
        where, args = [], []
        if authorities:
            where.append(
                f"COALESCE(j.authority, d.authority) IN ({', '.join('?' * len(authorities))})"
            )
            args += list(authorities)
        if areas:
            where.append(f"j.area IN ({', '.join('?' * len(areas))})")
            args += list(areas)
        sql = (
            "SELECT COALESCE(j.authority, d.authority), j.area, j.area_text, j.grade, j.level,"
            " d.framework,"
            " d.inspection_end, d.published, d.title, d.source, d.doc_id, j.page, j.quote, d.kind,"
            " d.inspection_start"
            " FROM judgements j JOIN documents d USING (doc_id)"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY COALESCE(j.authority, d.authority),"
            " COALESCE(d.inspection_end, d.published) DESC, j.start"
        )
        with self._lock, closing(self._connect()) as db:
            rows = [GradeRow(*r) for r in db.execute(sql, args)]
        if latest:
            newest: dict[str | None, str] = {}
            for r in rows:
                newest.setdefault(r.authority, r.doc_id)
            rows = [r for r in rows if newest[r.authority] == r.doc_id]
        return rows

    def actions(
        self,
        *,
        authorities: Sequence[str] = (),
        status: str | None = None,
        as_of: str | None = None,
    ) -> list[ActionRow]:
        """Improvement actions; ``overdue`` = not achieved and due before ``as_of``."""
        self.refresh()
        where, args = [], []
        if authorities:
            where.append(f"d.authority IN ({', '.join('?' * len(authorities))})")
            args += list(authorities)
        sql = (
            "SELECT d.authority, a.area, a.action, a.timeframe, a.due, a.progress, a.status,"
            " a.lead, a.origin, d.title, d.source, d.doc_id, a.page, a.quote"
            " FROM actions a JOIN documents d USING (doc_id)"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY d.authority, d.source, a.seq"
        )
        with self._lock, closing(self._connect()) as db:
            rows = [ActionRow(*r) for r in db.execute(sql, args)]
        if as_of:
            rows = [r.as_of(as_of) for r in rows]
        if status:
            rows = [r for r in rows if r.status == status]
        return rows

    def cases(
        self, *, authorities: Sequence[str] = (), themes: Sequence[str] = ()
    ) -> list[CaseRow]:
        """Case studies, optionally of some authorities or with some themes."""
        self.refresh()
        sql = (
            "SELECT substr(c.doc_id, 1, 12) || ':' || c.seq, c.authority, c.authority_text,"
            " c.title, c.summary, c.themes, d.title, d.source, c.page, c.heading"
            " FROM cases c JOIN documents d USING (doc_id) ORDER BY d.source, c.seq"
        )
        with self._lock, closing(self._connect()) as db:
            rows = [
                CaseRow(i, a, at, t, s, tuple(x for x in th.split("|") if x), dt, src, p, h)
                for i, a, at, t, s, th, dt, src, p, h in db.execute(sql)
            ]
        if authorities:
            rows = [r for r in rows if r.authority in authorities]
        if themes:
            rows = [r for r in rows if set(themes) & set(r.themes)]
        return rows

    def resolve_area(self, text: str) -> str:
        """An area key from a key or a loose name ("care leavers", "overall")."""
        wanted = " ".join(text.lower().replace("_", " ").split())
        for key, name in AREA_NAMES.items():
            if wanted in (key.replace("_", " "), name.lower()):
                return key
        matches = [k for k, n in AREA_NAMES.items() if wanted in n.lower()]
        if len(matches) == 1:
            return matches[0]
        from core.errors import InputError

        raise InputError(
            f"unknown judgement {text!r}: one of {', '.join(AREA_NAMES)}"
            if not matches
            else f"{text!r} matches several judgements: {', '.join(matches)}"
        )


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


def structured_data(assistant: Any) -> StructuredData:
    """The structured data of an assistant's library (in its data directory)."""
    if assistant.judgements is not None:
        return assistant.judgements.data
    store = assistant.store
    path = assistant.settings.data_dir / "structured" / f"{store.chunks_name}.sqlite"
    return StructuredData(path, store, assistant.authorities)
