"""Embedding time by batch size, on the chunks of an existing index (same vectors at any size).

    .venv/bin/python bench/embed_batch.py --data-dir /tmp/idx-ilacs [--sizes 32 16 8 4 2 1]

Embeds each document's chunks as ingest does (title + context + text, one document at a
time) with each batch size and prints the seconds, and checks that the vectors are equal.
"""

from __future__ import annotations

import argparse
import collections
import time
from pathlib import Path

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--sizes", type=int, nargs="+", default=[32, 16, 8, 4, 2, 1])
    args = parser.parse_args()

    from assistant.app import build_assistant
    from core.settings import Settings
    from vectorstore.embeddings import MiniLMEmbeddings

    assistant = build_assistant(Settings(data_dir=args.data_dir))
    texts_by_doc = _texts(assistant)
    n = sum(len(t) for t in texts_by_doc)
    print(f"{len(texts_by_doc)} documents, {n} chunks")
    reference = None
    for size in args.sizes:
        model = MiniLMEmbeddings(batch_size=size)
        model.embed_array(texts_by_doc[0][:8])  # load and warm
        began = time.perf_counter()
        vectors = np.vstack([model.embed_array(t) for t in texts_by_doc])
        seconds = time.perf_counter() - began
        same = reference is None or float(np.abs(vectors - reference).max()) < 1e-5
        reference = vectors if reference is None else reference
        print(
            f"batch {size:>3}: {seconds:6.1f} s  {n / seconds:6.1f} chunks/s  same vectors: {same}"
        )


def _texts(assistant) -> list[list[str]]:
    """Each document's embedded texts, as ingest builds them."""
    got = assistant.store._chunks.get(include=["documents", "metadatas"])
    by_doc: dict[str, list[str]] = collections.defaultdict(list)
    for text, meta in zip(got["documents"], got["metadatas"], strict=True):
        parts = (meta.get("title"), meta.get("context"), text)
        by_doc[meta["doc_id"]].append("\n".join(p for p in parts if p))
    return list(by_doc.values())


if __name__ == "__main__":
    main()
