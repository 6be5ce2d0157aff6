"""Write a draft to Word: real headings, numbered lists, a judgements table, references."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.drafting.models import Draft
from core.errors import AssistantError

NUMBERED = ("recommendations", "findings", "improve", "cases", "next_steps")


def _numbering(document: Any) -> Any:
    """A fresh numbering instance of the "List Number" style, restarting at 1."""
    numbering = document.part.numbering_part.element
    style = document.styles["List Number"]
    num_id = style.element.pPr.numPr.numId.val
    abstract = numbering.num_having_numId(num_id).abstractNumId.val
    num = numbering.add_num(abstract)
    num.add_lvlOverride(ilvl=0).add_startOverride(1)
    return num.numId


def _numbered(document: Any, items: list[str]) -> None:
    num_id = _numbering(document)
    for text in items:
        paragraph = document.add_paragraph(text, style="List Number")
        num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = 0
        num_pr.get_or_add_numId().val = num_id


def _table(document: Any, draft: Draft) -> None:
    subject = any(j.subject for j in draft.judgements)
    head = (["Authority / report"] if subject else []) + [
        "Judgement",
        "Grade (as written)",
        "Normalised",
        "Source",
    ]
    table = document.add_table(rows=1, cols=len(head))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, head, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for j in draft.judgements:
        values = ([j.subject or ""] if subject else []) + [
            j.area,
            j.grade,
            j.meaning,
            f"[{j.cite}]",
        ]
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = text


AUTHOR = "Ofsted assistant"


def _describe(properties: Any, draft: Draft) -> None:
    """The file's own properties: title, author and dates (not python-docx's template's)."""
    from datetime import UTC, datetime

    def fit(text: str) -> str:  # Word's limit for a text property
        return text if len(text) <= 255 else text[:254] + "…"

    now = datetime.now(UTC).replace(microsecond=0)
    properties.title = fit(draft.title)
    properties.author = properties.last_modified_by = AUTHOR
    sources = f"Drafted from: {'; '.join(draft.documents)}" if draft.documents else ""
    properties.comments = fit(sources)
    properties.created = properties.modified = now
    properties.revision = 1


def write_docx(draft: Draft, path: str | Path) -> Path:
    """Save ``draft`` as a Word document at ``path`` and return the path."""
    from docx import Document

    document = Document()
    _describe(document.core_properties, draft)
    document.add_heading(draft.title, level=1)
    if draft.documents:
        document.add_paragraph(f"Drafted from: {'; '.join(draft.documents)}.")
    for note in draft.notes:
        document.add_paragraph(note, style="Intense Quote")
    for key in draft.order:
        if key == "meeting" and draft.meeting:
            document.add_heading(draft.headings[key], level=2)
            for label, value in draft.meeting:
                paragraph = document.add_paragraph()
                paragraph.add_run(f"{label}: ").bold = True
                paragraph.add_run(value)
        elif key == "summary" and draft.summary:
            document.add_heading(draft.headings[key], level=2)
            for text in draft.summary:
                document.add_paragraph(text, style="List Bullet")
        elif key == "judgements" and draft.judgements:
            document.add_heading(draft.headings[key], level=2)
            _table(document, draft)
        elif key in NUMBERED and getattr(draft, key):
            document.add_heading(draft.headings[key], level=2)
            _numbered(document, getattr(draft, key))
        elif key == "references" and draft.references:
            document.add_heading(draft.headings[key], level=2)
            for ref in draft.references:
                paragraph = document.add_paragraph()
                paragraph.add_run(f"[{ref.n}] ").bold = True
                paragraph.add_run(ref.describe())
    target = Path(path)
    try:
        document.save(str(target))
    except OSError as exc:
        raise AssistantError(f"cannot write {target}: {exc.strerror or exc}") from exc
    return target
