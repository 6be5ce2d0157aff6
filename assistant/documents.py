"""The library's documents: ingest (keeping a copy of each file), find, remove, tidy.

:class:`Documents` is the document side of :class:`assistant.app.Assistant`; the locks
around it are the facade's (:mod:`assistant.service`): ``visible`` is its write lock.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.filtering import make_filters
from assistant.identity import Origin
from assistant.ingesting import ProgressFn, StageFn
from assistant.models import IngestReport
from core.errors import InputError
from vectorstore.store import DocumentRecord, Filters, Visible

if TYPE_CHECKING:
    from assistant.ingesting import IngestService
    from core.settings import Settings
    from ingest.authorities import AuthorityIndex
    from vectorstore.store import ChromaStore

logger = logging.getLogger(__name__)


class Documents:
    """The document side of the assistant (a mixin of :class:`assistant.app.Assistant`)."""

    settings: Settings
    store: ChromaStore
    ingester: IngestService
    authorities: AuthorityIndex | None

    def ingest(
        self,
        files: Sequence[tuple[Path, str]],
        progress: ProgressFn | None = None,
        *,
        origin: Origin = "file",
        confirmed: Collection[str] | None = None,
        visible: Visible | None = None,
        added_by: str = "",
        on_stage: StageFn | None = None,
    ) -> IngestReport:
        """Ingest ``(path, source)`` pairs (see ``ingest.loader.iter_files``).

        ``origin`` and ``confirmed`` decide what new content may replace (see
        :meth:`IngestService.ingest`). A copy of each stored file is kept under
        ``originals/`` in the data directory, so that the chat window can open a
        cited PDF at its page. ``visible`` (the window's write lock) is held only while
        each document becomes visible to questions, and while replaced versions are
        made unreadable on disk. ``added_by`` (an account, a user) is recorded with
        each document. ``progress`` is told as each file is done and ``on_stage`` as each
        stage of each file starts (see :meth:`IngestService.ingest`).
        """
        report = self.ingester.ingest(
            files,
            progress,
            origin=origin,
            confirmed=confirmed,
            visible=visible,
            added_by=added_by,
            on_stage=on_stage,
        )
        for (path, _source), outcome in zip(files, report.outcomes, strict=True):
            if outcome.status in ("added", "updated", "unchanged") and outcome.doc_id:
                self._keep_original(path, outcome.doc_id)
        self._tidy_within(visible)  # versions replaced by this ingest
        return report

    def _keep_original(self, path: Path, doc_id: str) -> None:
        target = self.settings.originals_dir / f"{doc_id}{path.suffix.lower()}"
        if target.exists():
            return
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(target.name + ".part")
            shutil.copyfile(path, partial)
            os.replace(partial, target)
        except OSError as exc:  # the index is what matters; the copy is a convenience
            logger.warning("could not keep a copy of %s: %s", path.name, exc)

    def original_file(self, doc_id: str) -> Path | None:
        """The kept copy of a stored document's file, if there is one."""
        folder = self.settings.originals_dir
        if not folder.is_dir():
            return None
        found = sorted(p for p in folder.glob(f"{doc_id}.*") if not p.name.endswith(".part"))
        return found[0] if found else None

    def make_filters(
        self,
        *,
        authorities: Sequence[str] = (),
        kinds: Sequence[str] = (),
        since: str | None = None,
        until: str | None = None,
        docs: Sequence[str] = (),
    ) -> Filters:
        """Validated retrieval filters from user input (names, kinds, dates, document refs)."""
        return make_filters(
            self.authorities,
            authorities=authorities,
            kinds=kinds,
            since=since,
            until=until,
            doc_ids=[self.resolve_document(ref).doc_id for ref in docs],
        )

    def documents(self) -> list[DocumentRecord]:
        """Every stored document."""
        return self.store.list_documents()

    def remove(self, ref: str, *, visible: Visible | None = None) -> DocumentRecord:
        """Remove a document named by its source path, or by its id or an id prefix.

        ``visible`` is held only while the removal becomes visible to questions.
        """
        record = self.resolve_document(ref)
        self.store.remove_document(record.doc_id, visible=visible)
        if visible is None:
            self.store.refresh_lexical(force=True)
        self._tidy_within(visible)
        return record

    def _tidy_within(self, visible: Visible | None) -> None:
        """:meth:`tidy`, holding ``visible`` too.

        The store's writer lock is taken first, as every write takes them: in the other
        order two uploads could wait for each other for ever.
        """
        if visible is None:
            self.tidy()
            return
        with self.store.writing(), visible():
            self.tidy()

    def tidy(self) -> None:
        """Make documents removed by this process unreadable on disk.

        Their kept files, drafts and the window's copies are deleted, their rows in the
        structured tables dropped, and the store compacted (when another process keeps
        it busy, the compaction stays pending for the next write or window start).
        """
        from assistant.housekeeping import forget_documents
        from assistant.structured import structured_data

        removed = [
            (doc_id, source)
            for doc_id, source in self.store.take_removed()
            if self.store.get_document(doc_id) is None  # not stored again since
        ]
        if removed:
            forget_documents(self.settings, removed)
            structured_data(self).drop([doc_id for doc_id, _ in removed])
        if self.store.compaction_pending() and self.store.compact() is False:
            logger.warning(
                "removed text may stay readable in the index until it is compacted: another "
                "program is using it; this is retried at the next change"
            )

    def compact(self) -> bool | None:
        """Compact the store's files now (after an upgrade, say); see :meth:`tidy`.

        None when the store is a Chroma server's (its files are on its machine: see
        :func:`assistant.housekeeping.compact_chroma_directory`); False when another
        program kept it busy.
        """
        self.tidy()
        return self.store.compact(timeout=30.0, force=True)

    def resolve_document(self, ref: str) -> DocumentRecord:
        """The one stored document that ``ref`` names (source, its end, id, id prefix ≥ 6).

        Different reports may share a source (a file name): then ``ref`` is ambiguous
        and the error lists them with their ids.
        """
        matches = self.store.find_all_by_source(ref)
        if not matches:
            docs = self.store.list_documents()
            matches = [
                d for d in docs if d.doc_id == ref or (len(ref) >= 6 and d.doc_id.startswith(ref))
            ]
            if not matches:  # the end of a source path: "kent/report.pdf" or "report.pdf"
                tail = ref.strip("/")
                matches = [d for d in docs if tail and f"/{d.source}".endswith(f"/{tail}")]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise InputError(f"no document matches {ref!r}: see `ofsted-assistant docs list`")
        listed = "; ".join(
            f"{d.doc_id[:12]} {d.title} ({', '.join(d.meta.authorities) or '-'})" for d in matches
        )
        raise InputError(f"{ref!r} matches {len(matches)} documents, give an id: {listed}")
