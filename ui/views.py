"""What the window shows, as plain functions of the assistant's results (no Gradio here).

Report text is untrusted: it is escaped before it reaches Markdown or HTML, so a
document cannot add links, images or markup to the page (a quote containing
``![x](http://…)`` is shown as those characters, not fetched).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote as url_quote

from assistant.service import About, IngestOutcome, IngestReport, PassageView, Totals
from core.dates import document_dates

if TYPE_CHECKING:
    from assistant.service import CaseRow, DocumentRecord, GradeRow

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#!|<>~$@])")
_AUTOLINK = re.compile(r"(?i)(?<=[a-z])(://)|\b(www)\.")
ORIGINAL_ROUTE = "/original/"  # served by ui.routes, not by Gradio

DOCUMENT_COLUMNS = ["Title", "Authority", "Kind", "Dates", "Pages", "Chunks", "File", "Added", "Id"]
RESULT_COLUMNS = ["File", "Result", "Chunks", "Detail"]
GRADE_COLUMNS = [
    "Authority",
    "Judgement",
    "Grade (as written)",
    "Level",
    "Meaning",
    "Framework",
    "Dates",
    "Source",
    "Page",
    "Quote",
]
CASE_COLUMNS = ["Id", "Authority", "Title", "Themes", "Why it matched", "Source", "Page"]


def md_escape(text: str) -> str:
    """Text shown literally by Markdown: no links, images, HTML or emphasis from it."""
    escaped = _no_autolinks(_MD_SPECIAL.sub(r"\\\1", text or ""))
    return escaped.replace("\n", "  \n")


def _no_autolinks(text: str) -> str:
    """Break ``http://`` and ``www.`` so that Markdown does not turn them into links."""
    return _AUTOLINK.sub(lambda m: ":\\/\\/" if m.group(1) else m.group(2) + "\\.", text)


def md_escape_html(markdown: str) -> str:
    """Our own Markdown (headings, lists, tables) with any HTML or link in it made inert.

    For drafts: the structure is ours, the sentences are the reports'. Angle brackets,
    links and images are escaped; Markdown structure is kept.
    """
    text = markdown.replace("<", "&lt;").replace(">", "&gt;")
    text = re.sub(r"!\[", r"!\\[", text)
    text = re.sub(r"\]\(", r"\\](", text)
    return _no_autolinks(text)


def original_url(kept: Path, page: int | None = None) -> str:
    """The app's URL of a kept original file (named by its document id; a PDF at ``page``)."""
    url = ORIGINAL_ROUTE + url_quote(kept.stem, safe="")
    return url + (f"#page={page}" if page is not None else "")


def passage_html(view: PassageView, more: Sequence[str] = ()) -> str:
    """A cited passage in its document: the quote highlighted, the text around it.

    ``more``: other quotes of the same place (citations sharing a chip), highlighted
    too where they appear in the text around it.
    """
    e = html.escape
    where = [e(view.source)]
    if view.dates:
        where.append(e(view.dates))
    if view.page is not None:
        where.append(f"page {view.page}")
    if view.section:
        where.append(f"section “{e(view.section)}”")
    body = (
        f"<span class='ctx'>{_marked(view.before, more)}</span>"
        f"<mark class='quote'>{_paragraphs(view.quote)}</mark>"
        f"<span class='ctx'>{_marked(view.after, more)}</span>"
    )
    if view.original is None:
        link = "<p class='where'>The original file was not kept (ingested elsewhere).</p>"
    elif view.file_type == "pdf":
        page = f" at page {view.page}" if view.page is not None else ""
        link = (
            f"<p><a class='original' href='{e(original_url(view.original, view.page))}' "
            f"target='_blank' rel='noopener'>Open the original PDF{page}</a></p>"
        )
    else:
        link = (
            f"<p><a class='original' href='{e(original_url(view.original))}' target='_blank' "
            f"rel='noopener' download>Download the original file</a></p>"
        )
    return (
        f"<div class='passage' role='region' aria-label='Cited passage {view.n}'>"
        f"<h3>[{view.n}] {e(view.title)}</h3>"
        f"<p class='where'>{' · '.join(where)}</p>"
        f"<div class='context'>{body}</div>{link}</div>"
    )


def _paragraphs(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def _marked(text: str, quotes: Sequence[str]) -> str:
    """Text around the quote, with the other quotes of its chip highlighted."""
    spans = sorted((at, at + len(q)) for q in set(quotes) if q and (at := text.find(q)) >= 0)
    out, pos = [], 0
    for start, end in spans:
        if start < pos:
            continue
        out.append(_paragraphs(text[pos:start]))
        out.append(f"<mark class='also'>{_paragraphs(text[start:end])}</mark>")
        pos = end
    out.append(_paragraphs(text[pos:]))
    return "".join(out)


def empty_passage_html() -> str:
    """What the passage panel shows before a citation is chosen."""
    return (
        "<div class='passage empty'>Choose a numbered source under an answer to read the "
        "quote in its document.</div>"
    )


def mode_markdown(about: About) -> str:
    """The always-visible line saying how answers are written."""
    if about.model:
        return f"**Answer mode:** {md_escape(about.mode)} · model **{md_escape(about.model)}**"
    return f"**Answer mode:** {md_escape(about.mode)}"


def about_markdown(about: About, totals: Totals) -> str:
    """The About panel."""
    rows = [
        ("Answer mode", about.mode),
        ("Model", about.model or "none (answers quote the reports)"),
        ("Model endpoint", about.endpoint or "none"),
        ("Data directory", about.data_dir),
        ("Index", about.store),
        ("Library", f"{totals.documents} documents, {totals.pages} pages, {totals.chunks} chunks"),
        ("Leaves this machine", about.leaves_machine),
    ]
    table = "\n".join(f"| {name} | {md_escape(value)} |" for name, value in rows)
    return (
        "### About this assistant\n\n| | |\n|---|---|\n"
        + table
        + "\n\nSettings come from environment variables `OFSTED_ASSISTANT_…` (see the README);"
        " the answer mode is `OFSTED_ASSISTANT_LLM__MODE` (`extractive`, `openai`, `local`)."
    )


def totals_markdown(totals: Totals) -> str:
    """The library's size in one line."""
    return (
        f"**{totals.documents}** documents · **{totals.pages}** pages · "
        f"**{totals.chunks}** passages indexed"
    )


def document_rows(docs: Sequence[DocumentRecord]) -> list[list[Any]]:
    """Rows of the documents table."""
    return [
        [
            d.title,
            ", ".join(d.meta.authorities) or "-",
            d.meta.kind,
            document_dates(d.meta),
            d.page_count or "-",  # only PDFs have pages
            d.chunk_count,
            d.source,
            added(d),
            d.doc_id[:12],
        ]
        for d in docs
    ]


def added(d: DocumentRecord) -> str:
    """How a document arrived: when, and by whom (or which command)."""
    when = d.ingested_at[:16].replace("T", " ")
    how = "uploaded" if d.origin == "upload" else "ingested"
    return " ".join(p for p in (how, when, f"by {d.added_by}" if d.added_by else "") if p)


def ingest_rows(report: IngestReport) -> list[list[Any]]:
    """Rows of the upload results table: one per file."""
    return [[o.source, o.status, o.chunks, o.reason or ""] for o in report.outcomes]


def ingest_summary(report: IngestReport) -> str:
    """One line on how an upload went."""
    counts = [(report.count(s), s) for s in ("added", "updated", "unchanged", "failed")]
    counts.append((report.count("held"), "waiting for you to confirm a replacement"))
    return "Upload: " + ", ".join(f"{n} {what}" for n, what in counts if n) + "."


def document_line(d: DocumentRecord) -> str:
    """A stored document named in full, as a confirmation shows it (Markdown)."""
    facts = [
        md_escape(d.source),
        md_escape(", ".join(d.meta.authorities) or "no authority"),
        md_escape(d.meta.kind),
        md_escape(document_dates(d.meta)),
        f"{d.page_count} pages" if d.page_count else "",
        f"id {d.doc_id[:12]}",
    ]
    facts = [f for f in facts if f]
    return f"**{md_escape(d.title)}** ({' · '.join(facts)})"


def replace_question(outcomes: Sequence[IngestOutcome], stored: dict[str, DocumentRecord]) -> str:
    """What held uploads would replace, asked before anything is replaced (Markdown)."""
    lines = [
        "**Replace these documents?** Each upload below is the same report as one in the library:"
    ]
    for o in outcomes:
        olds = [stored[i] for i in o.replaces if i in stored]
        what = "; ".join(document_line(d) for d in olds) or "a document no longer in the library"
        lines.append(f"- {md_escape(o.source)} would replace {what}")
    lines.append(
        "\n*Replace* removes the stored version and adds the upload; *Keep the stored "
        "version* adds nothing."
    )
    return "\n".join(lines)


def delete_question(d: DocumentRecord) -> str:
    """The question asked before a document is deleted (Markdown)."""
    return (
        f"**Delete this document?** {document_line(d)}\n\n"
        "Answers will no longer cite it and its kept copy is removed. This cannot be undone."
    )


def grade_rows(rows: Sequence[GradeRow], areas: Mapping[str, str]) -> list[list[Any]]:
    """Rows of the grades table, judgements named by ``areas`` (key → name)."""
    return [
        [
            r.authority or "-",
            areas.get(r.area, r.area),
            r.grade,
            r.level,
            r.meaning,
            r.framework or "-",
            r.dates,
            r.source,
            r.page if r.page is not None else "-",
            r.quote,
        ]
        for r in rows
    ]


def case_rows(ranked: Sequence[tuple[CaseRow, float, str]]) -> list[list[Any]]:
    """Rows of the case studies table."""
    return [
        [
            r.id,
            r.authority or r.authority_text,
            r.title,
            ", ".join(r.themes) or "-",
            why,
            r.source,
            r.page if r.page is not None else "-",
        ]
        for r, _score, why in ranked
    ]


def case_markdown(row: CaseRow) -> str:
    """One case study in full."""
    page = f", page {row.page}" if row.page is not None else ""
    return (
        f"### {md_escape(row.title)}\n\n"
        f"**Authority:** {md_escape(row.authority or row.authority_text)}  \n"
        f"**Themes:** {md_escape(', '.join(row.themes) or '-')}  \n"
        f"**Source:** {md_escape(row.document or row.source)} ({md_escape(row.source)}{page}), "
        f"under “{md_escape(row.heading)}”\n\n"
        f"{md_escape(row.summary or '')}"
    )
