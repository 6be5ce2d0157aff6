"""The LangChain tutorial pipeline, as the baseline that ``eval --baseline`` compares with.

It is what a RAG tutorial does with the same files: load each file the naive way (PDF:
``pypdf`` ``extract_text()``, one document per page; ``.txt``/``.md``: the raw text;
``.docx``: python-docx paragraphs; ``.html``: BeautifulSoup ``get_text()``), split with
``RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)``, embed into an
in-memory Chroma collection and take ``similarity_search_with_score(question, k)``.
It shares the project's embedding model, so the comparison is about everything else.
The baseline has no answerer: only its retrieval is scored.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langchain_core.documents import Document

from assistant.models import Passage
from core.errors import InputError

logger = logging.getLogger(__name__)

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200
TEXT_SUFFIXES = (".txt", ".md")
SUFFIXES = (".pdf", ".docx", ".html", ".htm", *TEXT_SUFFIXES)


def load_file(path: Path, source: str) -> list[Document]:
    """The tutorial's documents for one file (one per PDF page), ``metadata`` source/page.

    Raises:
        Exception: whatever the loader raises (the tutorial does not guard it).
    """
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        from pypdf import PdfReader

        reader = PdfReader(path)
        return [
            Document(page_content=page.extract_text(), metadata={"source": source, "page": i})
            for i, page in enumerate(reader.pages)
        ]
    if suffix in TEXT_SUFFIXES:
        text = path.read_text(encoding="utf-8")
    elif suffix == ".docx":
        import docx

        text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    elif suffix in (".html", ".htm"):
        from bs4 import BeautifulSoup

        text = BeautifulSoup(path.read_bytes(), "html.parser").get_text()
    else:
        return []
    return [Document(page_content=text, metadata={"source": source})]


@dataclass(frozen=True)
class TutorialCorpus:
    """The tutorial's chunks of a folder, ready to embed."""

    chunks: tuple[Document, ...]
    files: int
    skipped: tuple[tuple[str, str], ...]  # (source, reason) of files that failed to load


def load_corpus(
    folder: Path, *, on_file: Callable[[int, int], None] | None = None
) -> TutorialCorpus:
    """Load and split every supported file under ``folder`` (sources as ``iter_files``).

    Args:
        folder: the folder the index was built from.
        on_file: called with (files done, files in all) after each file.

    Raises:
        InputError: ``folder`` is not a folder or yields no text.
    """
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from ingest.loader import iter_files

    if not folder.is_dir():
        raise InputError(f"--docs must be a folder: {folder}")
    files = [(p, s) for p, s in iter_files([folder]) if p.suffix.lower() in SUFFIXES]
    pages: list[Document] = []
    skipped: list[tuple[str, str]] = []
    loaded = 0
    for done, (path, source) in enumerate(files, start=1):
        try:
            pages.extend(load_file(path, source))
            loaded += 1
        except Exception as exc:  # the tutorial's loaders raise anything
            skipped.append((source, f"{type(exc).__name__}: {exc}"))
            logger.warning("baseline: cannot load %s: %s", source, exc)
        if on_file:
            on_file(done, len(files))
    splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
    chunks = splitter.split_documents(pages)
    if not chunks:
        raise InputError(f"no text found in the files under {folder}")
    return TutorialCorpus(chunks=tuple(chunks), files=loaded, skipped=tuple(skipped))


def _passage(doc: Document, distance: float) -> Passage:
    source = str(doc.metadata.get("source", ""))
    page = doc.metadata.get("page")
    return Passage(
        doc_id="",
        source=source,
        title=Path(source).name,
        page=int(page) + 1 if page is not None else None,
        section=None,
        text=doc.page_content,
        score=1.0 - float(distance),
    )


@dataclass
class TutorialBaseline:
    """The tutorial pipeline's retriever over an embedded :class:`TutorialCorpus`."""

    corpus: TutorialCorpus
    search_fn: Callable[[str, int], list[tuple[Document, float]]]

    def search(self, question: str, k: int) -> Sequence[Passage]:
        """The ``k`` nearest tutorial chunks, best first, as passages."""
        return [_passage(doc, distance) for doc, distance in self.search_fn(question, k)]


def build_baseline(
    corpus: TutorialCorpus,
    embeddings: Any,
    *,
    on_batch: Callable[[int], None] | None = None,
) -> TutorialBaseline:
    """Embed the corpus into the tutorial's in-memory Chroma store.

    Args:
        corpus: the tutorial's chunks.
        embeddings: a LangChain ``Embeddings`` (the assistant's, ``assistant.store.embeddings``).
        on_batch: called with the number of chunks embedded after each batch.
    """
    from vectorstore.baseline_store import build_tutorial_store

    search = build_tutorial_store(corpus.chunks, embeddings, on_batch=on_batch)
    return TutorialBaseline(corpus=corpus, search_fn=search)
