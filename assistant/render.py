"""Plain-text renderings of answers, documents and ingest reports (no logic)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.markup import escape

from assistant.models import Answer, Citation, IngestReport
from core.dates import document_dates
from vectorstore.store import DocumentRecord


def where(c: Citation) -> str:
    """Page and section of a citation, as readers write them."""
    parts = []
    if c.page is not None:
        parts.append(f"p. {c.page}")
    if c.section:
        parts.append(f"section “{c.section}”")
    return ", ".join(parts)


def render_answer_text(answer: Answer, dates: Mapping[str, str] | None = None) -> str:
    """The answer and its numbered sources (rich markup escaped).

    ``dates`` maps a cited document's id to its labelled dates (see :mod:`core.dates`).
    """
    lines = [escape(answer.text)]
    if answer.citations:
        lines += ["", "Sources:"]
        for c in answer.citations:
            loc = ", ".join(p for p in ((dates or {}).get(c.doc_id, ""), where(c)) if p)
            lines.append(
                f"[{c.n}] {escape(c.title)} ({escape(c.source)}){', ' + escape(loc) if loc else ''}"
            )
            lines.append(f"    “{escape(c.quote)}”")
    return "\n".join(lines)


def render_documents(docs: Sequence[DocumentRecord]) -> str:
    """A table of documents, one per line."""
    if not docs:
        return "No documents yet: ofsted-assistant ingest PATH"
    lines = []
    for d in docs:
        authorities = ", ".join(d.meta.authorities) or "-"
        lines.append(
            f"{d.doc_id[:12]}  {d.chunk_count:>5} chunks  {d.meta.kind:<17} "
            f"{authorities:<25}  {escape(d.source)}  ({document_dates(d.meta)})"
        )
    total = sum(d.chunk_count for d in docs)
    lines.append(f"{len(docs)} documents, {total} chunks")
    return "\n".join(lines)


def render_ingest_summary(report: IngestReport) -> str:
    """One line per failure or notable outcome, then the totals."""
    lines = []
    for o in report.outcomes:
        if o.status == "failed":
            lines.append(f"failed     {escape(o.source)}: {escape(o.reason)}")
        elif o.reason:
            lines.append(f"{o.status:<10} {escape(o.source)}: {escape(o.reason)}")
    rate = report.chunks_added / report.seconds if report.seconds else 0.0
    lines.append(
        f"added {report.count('added')}, updated {report.count('updated')}, "
        f"unchanged {report.count('unchanged')}, failed {report.count('failed')} "
        f"({report.chunks_added} chunks in {report.seconds:.1f} s, {rate:.1f} chunks/s)"
    )
    return "\n".join(lines)
