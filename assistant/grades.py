"""Judgements as data: a SQLite table derived from the stored reports.

Like the BM25 index, the table is derived from what is in the store: every query
first brings it in step (documents added since are read, documents removed are
dropped), so it never disagrees with the library. Each row keeps the exact quote
and page it was read from.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.authorities import AuthorityIndex
from ingest.judgements import SCALE, extract_judgements
from ingest.metadata import extract_inspection_dates
from ingest.models import ParsedDocument
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
}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY, source TEXT NOT NULL, title TEXT, authority TEXT,
    framework TEXT, inspection_start TEXT, inspection_end TEXT, published TEXT
);
CREATE TABLE IF NOT EXISTS judgements (
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    area TEXT NOT NULL, area_text TEXT NOT NULL, grade TEXT NOT NULL,
    level INTEGER NOT NULL, quote TEXT NOT NULL, start INTEGER NOT NULL, page INTEGER,
    PRIMARY KEY (doc_id, area)
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
            "inspection_end": self.inspection_end,
            "published": self.published,
            "title": self.title,
            "source": self.source,
            "page": self.page,
            "quote": self.quote,
        }


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


class GradesTable:
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

    def _add(self, db: sqlite3.Connection, doc: ParsedDocument) -> None:
        found = extract_judgements(doc)
        dates = extract_inspection_dates(doc.text) if doc.meta.kind == "inspection report" else None
        framework = framework_of(doc, {j.area for j in found}, dates)
        authority = doc.meta.authorities[0] if doc.meta.authorities else None
        with db:  # one transaction: a document is in the table whole or not at all
            db.execute(
                "INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    doc.doc_id,
                    doc.source,
                    doc.meta.title,
                    authority,
                    framework,
                    dates[0] if dates else None,
                    dates[1] if dates else None,
                    doc.meta.published,
                ),
            )
            db.executemany(
                "INSERT OR REPLACE INTO judgements VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (doc.doc_id, j.area, j.area_text, j.grade, j.level, j.quote, j.start, j.page)
                    for j in found
                ],
            )

    def rows(
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
            where.append(f"d.authority IN ({', '.join('?' * len(authorities))})")
            args += list(authorities)
        if areas:
            where.append(f"j.area IN ({', '.join('?' * len(areas))})")
            args += list(areas)
        sql = (
            "SELECT d.authority, j.area, j.area_text, j.grade, j.level, d.framework,"
            " d.inspection_end, d.published, d.title, d.source, d.doc_id, j.page, j.quote"
            " FROM judgements j JOIN documents d USING (doc_id)"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY d.authority, COALESCE(d.inspection_end, d.published) DESC, j.start"
        )
        with self._lock, closing(self._connect()) as db:
            rows = [GradeRow(*r) for r in db.execute(sql, args)]
        if latest:
            newest: dict[str | None, str] = {}
            for r in rows:
                newest.setdefault(r.authority, r.doc_id)
            rows = [r for r in rows if newest[r.authority] == r.doc_id]
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
        from assistant.errors import InputError

        raise InputError(
            f"unknown judgement {text!r}: one of {', '.join(AREA_NAMES)}"
            if not matches
            else f"{text!r} matches several judgements: {', '.join(matches)}"
        )


def grades_table(assistant: Any) -> GradesTable:
    """The judgements table of an assistant's library (in its data directory)."""
    store = assistant.store
    path = assistant.settings.data_dir / "structured" / f"{store.chunks_name}.sqlite"
    return GradesTable(path, store, assistant.authorities)
