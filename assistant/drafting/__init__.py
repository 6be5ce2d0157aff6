"""Draft a cited board paper or briefing note from stored reports, and export it.

The offline draft reads the whole of each document's stored text (judgements, the
summary, every "What needs to improve?" item, headed findings, case studies); every
statement cites ``[n]``, a reference giving the document, its file and the page or
section and paragraph.

In the language-model modes the key findings are written by the model from every part
of each report (a map over all sections, checked like answers; see ``model.py``); the
judgements, improvement items and summary are always the reports' own words. If the
model cannot be reached, the draft is the offline one, with a note saying so.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from assistant.drafting.compose import FindingsWriter, compose
from assistant.drafting.docx import write_docx
from assistant.drafting.extract import DocumentFacts, extract_facts
from assistant.drafting.model import ModelFindings, model_findings
from assistant.drafting.models import Draft, JudgementLine, Reference
from assistant.drafting.templates import Template, available_templates, load_template
from core.documents import ParsedDocument
from core.errors import InputError, ProviderUnreachableError, StoreError
from ingest.authorities import AuthorityIndex

UNREACHABLE_NOTE = (
    "The language model could not be reached ({reason}); the key findings are the"
    " reports' own sentences."
)

__all__ = [
    "available_templates",
    "Draft",
    "DocumentFacts",
    "JudgementLine",
    "ModelFindings",
    "Reference",
    "Template",
    "draft_documents",
    "draft_report",
    "extract_facts",
    "load_template",
    "write_docx",
    "write_draft",
]


def draft_documents(
    docs: Sequence[ParsedDocument],
    template: str | Template = "board-paper",
    authorities: AuthorityIndex | None = None,
    notes: Sequence[str] = (),
    writer: FindingsWriter | None = None,
) -> Draft:
    """The draft of parsed documents (one report, or several for a comparison paper).

    ``writer`` writes the key findings with a language model (see ``model.py``).
    """
    if not docs:
        raise InputError("name at least one document to draft from")
    chosen = template if isinstance(template, Template) else load_template(template)
    facts = [extract_facts(doc, authorities) for doc in docs]
    if writer is not None:
        try:
            return compose(facts, chosen, notes=list(notes), writer=writer)
        except ProviderUnreachableError as exc:
            notes = [*notes, UNREACHABLE_NOTE.format(reason=exc)]
    return compose(facts, chosen, notes=list(notes))


def draft_report(assistant: Any, refs: Sequence[str], template: str = "board-paper") -> Draft:
    """The draft of stored documents named by source path or id (see ``resolve_document``)."""
    if not refs:
        raise InputError("name at least one document to draft from")
    chosen = load_template(template)
    docs: list[ParsedDocument] = []
    for ref in refs:
        record = assistant.resolve_document(ref)
        if any(d.doc_id == record.doc_id for d in docs):
            continue
        doc = assistant.store.parsed_document(record.doc_id)
        if doc is None:
            raise StoreError(f"the text of {record.source!r} is not in the store: ingest it again")
        docs.append(doc)
    notes: list[str] = []
    writer = None
    try:
        writer = model_findings(assistant)
    except ProviderUnreachableError as exc:
        notes.append(UNREACHABLE_NOTE.format(reason=exc))
    return draft_documents(docs, chosen, assistant.authorities, notes, writer)


def write_draft(draft: Draft, path: Any) -> None:
    """Write the draft to ``.docx`` or ``.md`` (by the file's extension)."""
    from pathlib import Path

    target = Path(path)
    match target.suffix.lower():
        case ".docx":
            write_docx(draft, target)
        case ".md" | ".markdown":
            target.write_text(draft.to_markdown(), encoding="utf-8")
        case _:
            raise InputError(f"cannot write {target.name!r}: use a .docx or .md file")
