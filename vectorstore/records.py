"""What the store keeps of a document and of a chunk, and how it sits in Chroma's metadata.

Chroma metadata holds flat values only (no None, no lists): authorities are joined with
``|``, page spans and page starts are JSON, and every chunk carries one ``auth_<name>``
mark per authority so that a ``where`` clause can select them (see
:mod:`vectorstore.filters`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.documents import Chunk, DocumentMeta, PageSpan, ParsedDocument
from vectorstore.lexical import LexicalRecord


@dataclass(frozen=True)
class DocumentRecord:
    """A stored document: what ``docs list`` shows and what answers cite."""

    doc_id: str
    source: str
    file_type: str
    meta: DocumentMeta
    chunk_count: int
    page_count: int
    ingested_at: str
    char_count: int = 0
    origin: str = "file"  # "file" (a path under a folder given to ingest) or "upload"
    added_by: str = ""  # the account that uploaded it, or the user who ran `ingest`
    added_from: str = ""  # the file's full path (ingest) or its name as uploaded

    @property
    def title(self) -> str:
        """The document's title, or its file name when none was read."""
        return self.meta.title or Path(self.source).name


@dataclass(frozen=True)
class StoredChunk:
    """A chunk as stored, with its document's title and the retrieval score."""

    doc_id: str
    source: str
    title: str
    index: int
    text: str
    start: int
    end: int
    page: int | None
    section: str | None
    score: float = 0.0
    page_starts: tuple[tuple[int, int], ...] = field(default=())  # (offset in text, page)
    context: str = ""
    authorities: tuple[str, ...] = ()
    kind: str = "unknown"
    published: str | None = None
    inspected: str | None = None

    @property
    def chunk_id(self) -> str:
        """The chunk's id in the store."""
        return chunk_id(self.doc_id, self.index)

    def page_of(self, offset: int) -> int | None:
        """The page holding character ``offset`` of this chunk's text."""
        page = self.page
        for start, number in self.page_starts:
            if start <= offset:
                page = number
        return page


def chunk_id(doc_id: str, index: int) -> str:
    """The store id of chunk ``index`` of document ``doc_id``."""
    return f"{doc_id}:{index:05d}"


def authority_key(name: str) -> str:
    """The chunk metadata key that marks a chunk of a document about authority ``name``."""
    return "auth_" + re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def date_number(meta: DocumentMeta) -> int:
    """A document's date as yyyymmdd: inspection end, else publication, else 0."""
    for value in (meta.inspected, meta.published):
        if value:
            digits = value.replace("-", "")
            if digits.isdigit() and len(digits) in (4, 6, 8):
                return int(digits.ljust(8, "0"))
    return 0


def embedding_text(title: str | None, chunk: Chunk) -> str:
    """What is embedded for a chunk: its document title and context, then its text."""
    return "\n".join(part for part in (title, chunk.context, chunk.text) if part)


def _meta_to_chroma(values: dict[str, Any]) -> dict[str, Any]:
    """Chroma metadata cannot hold None: drop those keys."""
    return {k: v for k, v in values.items() if v is not None}


def _authorities_field(authorities: Sequence[str]) -> str:
    return "|".join(authorities)


def _authorities(m: dict[str, Any]) -> tuple[str, ...]:
    return tuple(a for a in str(m.get("authorities", "")).split("|") if a)


def document_meta(
    record: DocumentRecord, text: str, pages: Sequence[PageSpan], chunk_count: int
) -> dict[str, Any]:
    """The Chroma metadata of a document's record."""
    m = record.meta
    return _meta_to_chroma(
        {
            "source": record.source,
            "file_type": record.file_type,
            "title": m.title,
            "publisher": m.publisher,
            "published": m.published,
            "authorities": _authorities_field(m.authorities),
            "kind": m.kind,
            "inspected": m.inspected,
            "inspected_from": m.inspected_from,
            "chunk_count": chunk_count,
            "page_count": record.page_count,
            "char_count": len(text),
            "pages": json.dumps([[p.number, p.start, p.end] for p in pages]) if pages else None,
            "ingested_at": record.ingested_at,
            "origin": record.origin,
            "added_by": record.added_by or None,
            "added_from": record.added_from or None,
        }
    )


def chunk_meta(record: DocumentRecord, c: Chunk) -> dict[str, Any]:
    """The Chroma metadata of one chunk of ``record``'s document."""
    m = record.meta
    marks = {authority_key(a): True for a in m.authorities}
    return _meta_to_chroma(
        {
            **marks,
            "doc_id": c.doc_id,
            "source": c.source,
            "title": m.title,
            "kind": m.kind,
            "published": m.published,
            "authorities": _authorities_field(m.authorities),
            "inspected": m.inspected,
            "date": date_number(m),
            "chunk_index": c.index,
            "start": c.start,
            "end": c.end,
            "page": c.page,
            "section": c.section,
            "context": c.context or None,
            "page_starts": json.dumps(c.page_starts) if c.page_starts else None,
        }
    )


def record_from_meta(doc_id: str, m: dict[str, Any]) -> DocumentRecord:
    """A document's record from its Chroma metadata."""
    meta = DocumentMeta(
        title=m.get("title"),
        publisher=m.get("publisher"),
        published=m.get("published"),
        authorities=_authorities(m),
        kind=m.get("kind", "unknown"),
        inspected=m.get("inspected"),
        inspected_from=m.get("inspected_from"),
    )
    return DocumentRecord(
        doc_id=doc_id,
        source=m["source"],
        file_type=m.get("file_type", ""),
        meta=meta,
        chunk_count=int(m.get("chunk_count", 0)),
        page_count=int(m.get("page_count", 0)),
        ingested_at=m.get("ingested_at", ""),
        char_count=int(m.get("char_count", 0)),
        origin=m.get("origin", "file"),
        added_by=m.get("added_by") or "",
        added_from=m.get("added_from") or "",
    )


def parsed_from_meta(doc_id: str, text: str, m: dict[str, Any]) -> ParsedDocument:
    """A stored document as ingest produced it (text, pages, metadata; no blocks)."""
    record = record_from_meta(doc_id, m)
    pages = tuple(
        PageSpan(int(n), int(s), int(e)) for n, s, e in json.loads(m.get("pages") or "[]")
    )
    return ParsedDocument(
        doc_id=doc_id,
        source=record.source,
        file_type=record.file_type,  # type: ignore[arg-type]
        text=text,
        pages=pages,
        meta=record.meta,
    )


def chunk_from_meta(text: str, m: dict[str, Any], score: float = 0.0) -> StoredChunk:
    """A stored chunk from its text and Chroma metadata."""
    page = m.get("page")
    starts = tuple(tuple(p) for p in json.loads(m.get("page_starts", "[]")))
    return StoredChunk(
        doc_id=m["doc_id"],
        source=m["source"],
        title=m.get("title") or Path(m["source"]).name,
        index=int(m["chunk_index"]),
        text=text,
        start=int(m["start"]),
        end=int(m["end"]),
        page=int(page) if page is not None else None,
        section=m.get("section"),
        score=score,
        page_starts=starts,  # type: ignore[arg-type]
        context=m.get("context") or "",
        authorities=_authorities(m),
        kind=m.get("kind", "unknown"),
        published=m.get("published"),
        inspected=m.get("inspected"),
    )


def lexical_item(cid: str, text: str, m: dict[str, Any]) -> tuple[LexicalRecord, str]:
    """What the lexical index keeps of a stored chunk, and the text it indexes."""
    record = LexicalRecord(
        chunk_id=cid,
        doc_id=m["doc_id"],
        authorities=_authorities(m),
        kind=m.get("kind", "unknown"),
        date=int(m.get("date", 0)),
    )
    return record, indexed_text(text, m.get("title"), m.get("section"), m.get("context"))


def indexed_text(text: str, title: Any, section: Any, context: Any) -> str:
    """The text the lexical index reads for a chunk: its title, section and context, then it."""
    header = " ".join(str(x) for x in (title, section, context) if x)
    return f"{header}\n{text}"
