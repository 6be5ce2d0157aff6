"""The facade's evaluation: every question of a gold set asked and its answer scored.

v1 sets are scored by question type (optionally beside LangChain's tutorial pipeline);
v2 sets are asked in every wording and scored per split and intent.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.app import Assistant
    from assistant.eval_set import EvalQuestion
    from assistant.eval_splits import SplitReport
    from assistant.evaluation import BaselineReport, EvalReport
    from assistant.models import Answer
    from assistant.service.locks import ReadWriteLock
    from vectorstore.store import DocumentRecord

FILES_SEP = ", "  # between the paths of several v1 files in ``EvalReport.file``

Advance = Callable[..., None]
"""``advance(n, total=None)``: ``n`` more done (and the total, when it becomes known)."""
Progress = Callable[[str, "int | None"], AbstractContextManager[Advance]]
"""``progress(label, total)``: a context that yields the ``advance`` of one stage."""


@contextmanager
def _quiet(label: str, total: int | None) -> Iterator[Advance]:
    yield lambda n, new_total=None: None


class Evaluating:
    """Scoring the assistant on evaluation sets (a part of :class:`Library`)."""

    assistant: Assistant
    lock: ReadWriteLock
    ask: Callable[..., Answer]
    documents: Callable[[], list[DocumentRecord]]

    def document_text(self, doc_id: str) -> str | None:
        """A stored document's cleaned text (None when there is no such document)."""
        with self.lock.reading():
            return self.assistant.store.document_text(doc_id)

    def evaluate(
        self,
        questions: Sequence[EvalQuestion],
        files: Sequence[Path],
        *,
        k: int,
        split: str | None = None,
        baseline: Path | None = None,
        progress: Progress = _quiet,
    ) -> EvalReport | SplitReport:
        """Ask every question (v2: in every wording) and score the answers.

        ``files`` are the sets' paths (named in the report); ``split`` the one split
        asked (v2); ``baseline`` the folder the library was built from, to compare
        with LangChain's tutorial pipeline (v1). ``progress`` shows each stage.
        """
        if any(q.version == 2 for q in questions):
            return self._run_v2(questions, files, k, split, progress)
        return self._run_v1(questions, files, k, baseline, progress)

    def _run_v1(
        self,
        questions: Sequence[EvalQuestion],
        files: Sequence[Path],
        k: int,
        docs: Path | None,
        progress: Progress,
    ) -> EvalReport:
        from assistant.evaluation import EvalReport, evaluate

        began = time.perf_counter()
        with progress("answering", len(questions)) as advance:
            results = evaluate(
                self, questions, self.document_text, k=k, on_question=lambda _done: advance(1)
            )
        seconds = time.perf_counter() - began
        base = None
        if docs is not None:
            base = self._run_baseline(docs, questions, k, progress)
        return EvalReport(
            file=FILES_SEP.join(str(f) for f in files),
            k=k,
            results=tuple(results),
            baseline=base,
            seconds=seconds,
        )

    def _run_v2(
        self,
        questions: Sequence[EvalQuestion],
        files: Sequence[Path],
        k: int,
        split: str | None,
        progress: Progress,
    ) -> SplitReport:
        from assistant.eval_splits import SplitReport, evaluate_splits
        from ingest.authorities import AuthorityIndex

        about = {r.doc_id: r.meta.authorities for r in self.documents()}
        index = AuthorityIndex.load()

        def canonical(name: str) -> str | None:
            found = index.resolve(name)
            return found.name if found else None

        began = time.perf_counter()
        with progress("answering", sum(len(q.all_wordings) for q in questions)) as advance:
            asked, paraphrases = evaluate_splits(
                self,
                questions,
                self.document_text,
                about.get,
                canonical,
                k=k,
                on_ask=lambda _done: advance(1),
            )
        return SplitReport(
            files=tuple(str(f) for f in files),
            k=k,
            asked=tuple(asked),
            paraphrases=tuple(paraphrases),
            seconds=time.perf_counter() - began,
            only=split,
        )

    def _run_baseline(
        self, docs: Path, questions: Sequence[EvalQuestion], k: int, progress: Progress
    ) -> BaselineReport:
        from assistant.baseline import build_baseline, load_corpus
        from assistant.evaluation import BaselineReport, evaluate_retrieval

        began = time.perf_counter()
        with progress("baseline: loading", None) as advance:
            corpus = load_corpus(docs, on_file=lambda done, total: advance(1, total))
        with progress("baseline: embedding", len(corpus.chunks)) as advance:
            pipeline = build_baseline(corpus, self.assistant.store.embeddings, on_batch=advance)
        with progress("baseline: searching", len(questions)) as advance:
            results = evaluate_retrieval(
                pipeline.search, questions, k=k, on_question=lambda _done: advance(1)
            )
        return BaselineReport(
            docs=str(docs),
            files=corpus.files,
            chunks=len(corpus.chunks),
            skipped=corpus.skipped,
            results=tuple(results),
            seconds=time.perf_counter() - began,
        )
