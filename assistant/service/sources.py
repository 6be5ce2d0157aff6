"""The facade's sources: a cited passage in its document, and the document's kept file."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from assistant.models import Citation
from assistant.service.views import PassageView, safe_upload_name
from core.dates import document_dates

if TYPE_CHECKING:
    from assistant.app import Assistant
    from assistant.service.locks import ReadWriteLock

_CONTEXT_CHARS = 700


class Sources:
    """What an answer cites, shown in its document (a part of :class:`Library`)."""

    assistant: Assistant
    lock: ReadWriteLock

    def passage(self, citation: Citation) -> PassageView:
        """A citation's quote in its document, with the paragraphs around it."""
        with self.lock.reading():
            text = self.assistant.store.document_text(citation.doc_id)
            record = self.assistant.store.get_document(citation.doc_id)
        before = after = ""
        quote = citation.quote
        if text:
            at = text.find(quote)
            if at < 0:
                at = text.find(quote[:80])
            if at >= 0:
                start = _line_start(text, max(0, at - _CONTEXT_CHARS))
                end = _line_end(text, min(len(text), at + len(quote) + _CONTEXT_CHARS))
                before, after = text[start:at], text[at + len(quote) : end]
        return PassageView(
            n=citation.n,
            title=citation.title,
            source=citation.source,
            page=citation.page,
            section=citation.section,
            before=before,
            quote=quote,
            after=after,
            original=self.assistant.original_file(citation.doc_id),
            file_type=record.file_type if record else None,
            dates=document_dates(record.meta) if record else "",
        )

    def original(self, doc_id: str) -> Path | None:
        """The kept copy of a document's file."""
        return self.assistant.original_file(doc_id)

    def original_download(self, doc_id: str) -> tuple[Path, str] | None:
        """A stored document's kept file and the name to save it as (its own file name).

        None when the document is not in the library (a file left behind by a
        replaced or deleted document is never offered) or its file was not kept.
        """
        with self.lock.reading():
            record = self.assistant.store.get_document(doc_id)
            kept = self.assistant.original_file(doc_id) if record else None
        if record is None or kept is None:
            return None
        name = safe_upload_name(PurePosixPath(record.source.replace("\\", "/")).name)
        if Path(name).suffix.lower() != kept.suffix.lower():
            name += kept.suffix.lower()
        return kept, name


def _line_start(text: str, at: int) -> int:
    found = text.rfind("\n", 0, at)
    return 0 if found < 0 else found + 1


def _line_end(text: str, at: int) -> int:
    found = text.find("\n", at)
    return len(text) if found < 0 else found
