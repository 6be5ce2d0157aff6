"""The facade's drafts: cited board papers and briefing notes of stored reports."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.service.views import safe_upload_name
from core.errors import InputError

if TYPE_CHECKING:
    from assistant.app import Assistant
    from assistant.drafting import Draft
    from assistant.service.locks import ReadWriteLock
    from core.settings import Settings


def check_template(template: str) -> None:
    """Raise ``InputError`` when ``template`` (a name or a ``.toml`` path) cannot be read."""
    from assistant.drafting import load_template

    load_template(template)


class Drafts:
    """Drafts of stored reports (a part of :class:`Library`)."""

    assistant: Assistant
    settings: Settings
    lock: ReadWriteLock

    def template_names(self) -> tuple[str, ...]:
        """The shipped draft templates (board paper, briefing note)."""
        from assistant.drafting.templates import available_templates

        return available_templates()

    def draft(self, doc_ids: Sequence[str], template: str) -> tuple[str, Path, Path]:
        """A cited draft of stored reports: its Markdown, and Word and Markdown files.

        The files are written under ``drafts/`` in the data directory (one folder per
        draft), so that the window can offer them for download.
        """
        from assistant.drafting import write_docx
        from assistant.housekeeping import write_draft_sources

        if not doc_ids:
            raise InputError("choose at least one report to draft from")
        if template not in self.template_names():
            raise InputError(f"unknown template {template!r}")
        draft = self.compose_draft(doc_ids, template)
        markdown = draft.to_markdown()
        folder = self.settings.drafts_dir / uuid.uuid4().hex[:12]
        folder.mkdir(parents=True, exist_ok=True)
        cited = [r.doc_id for r in draft.references]
        write_draft_sources(folder, sorted(set(doc_ids) | set(cited)))
        stem = safe_upload_name(draft.title)[:80].rstrip(" .") or "draft"
        md_path = folder / f"{stem}.md"
        md_path.write_text(markdown, encoding="utf-8")
        docx_path = write_docx(draft, folder / f"{stem}.docx")
        return markdown, docx_path, md_path

    def compose_draft(self, refs: Sequence[str], template: str) -> Draft:
        """A cited draft of the stored documents ``refs`` (ids, sources or their ends).

        ``template`` is a shipped template's name or the path of a ``.toml`` template.
        """
        from assistant.drafting import draft_report

        with self.lock.reading():
            return draft_report(self.assistant, list(refs), template)

    @staticmethod
    def export_draft(draft: Draft, path: Path) -> None:
        """Write ``draft`` to ``path``: Word for ``.docx``, Markdown for ``.md``."""
        from assistant.drafting import write_draft

        write_draft(draft, path)
