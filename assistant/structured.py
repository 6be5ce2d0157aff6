"""Structured data read from the stored reports: judgements, improvement actions, cases.

A SQLite database derived from what is in the store, like the BM25 index: it keeps the
library generation it was brought in step with (:mod:`vectorstore.generation`), and
every query first compares it with the store's; when the library has moved (a write in
this process or another), documents added since are read and documents removed are
dropped, each document in one transaction, so it never disagrees with the library.
Each row keeps the exact quote and page it was read from.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

from assistant.structured_rows import (
    AREA_NAMES,
    JUDGING_KINDS,
    SHORT_AREA_NAMES,
    THEME_NAMES,
    ActionRow,
    CaseRow,
    GradeRow,
    action_rows,
    due_date,
    framework_of,
    rank_cases,
    status_of,
)
from core.documents import ParsedDocument
from ingest.authorities import AuthorityIndex
from ingest.cases import extract_case_studies
from ingest.judgements import extract_judgements
from ingest.metadata import extract_inspection_dates
from vectorstore.store import ChromaStore

__all__ = [
    "AREA_NAMES",
    "JUDGING_KINDS",
    "SHORT_AREA_NAMES",
    "THEME_NAMES",
    "VERSION",
    "ActionRow",
    "CaseRow",
    "GradeRow",
    "StructuredData",
    "action_rows",
    "due_date",
    "framework_of",
    "rank_cases",
    "status_of",
    "structured_data",
]

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
CREATE TABLE IF NOT EXISTS library (
    id INTEGER PRIMARY KEY CHECK (id = 0), generation TEXT NOT NULL
);
"""


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
                " DROP TABLE IF EXISTS library;"
            )
            db.execute(f"PRAGMA user_version = {VERSION}")
        db.executescript(_SCHEMA)
        return db

    def refresh(self) -> int:
        """Catch up with the library if its generation moved; return how many documents changed.

        Documents added since are read, removed ones dropped. The generation is read
        before the documents, so a write meanwhile moves it again for the next call.
        """
        generation = self.store.generation()
        with self._lock, closing(self._connect()) as db:
            row = db.execute("SELECT generation FROM library").fetchone()
            if row is not None and row[0] == generation:
                return 0
            stored = {d.doc_id for d in self.store.list_documents()}
            known = {row[0] for row in db.execute("SELECT doc_id FROM documents")}
            gone, new = known - stored, stored - known
            with db:
                db.executemany("DELETE FROM documents WHERE doc_id = ?", [(d,) for d in gone])
            for doc_id in sorted(new):
                doc = self.store.parsed_document(doc_id)
                if doc is not None:
                    self._add(db, doc)
            with db:
                db.execute("INSERT OR REPLACE INTO library VALUES (0, ?)", (generation,))
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

    def frameworks(self) -> dict[str, str]:
        """The inspection framework of each report whose text shows one, by document id."""
        self.refresh()
        with self._lock, closing(self._connect()) as db:
            rows = db.execute("SELECT doc_id, framework FROM documents WHERE framework IS NOT NULL")
            return {doc_id: framework for doc_id, framework in rows}

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


def structured_data(assistant: Any) -> StructuredData:
    """The structured data of an assistant's library (in its data directory)."""
    if assistant.judgements is not None:
        return assistant.judgements.data
    store = assistant.store
    path = assistant.settings.data_dir / "structured" / f"{store.chunks_name}.sqlite"
    return StructuredData(path, store, assistant.authorities)
