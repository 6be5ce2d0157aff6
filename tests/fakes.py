"""Fakes for fast unit tests: passed through constructor arguments, never patched in."""

from __future__ import annotations

import hashlib
import re

import numpy as np
from langchain_core.embeddings import Embeddings

DIM = 384


class HashEmbeddings(Embeddings):
    """Deterministic bag-of-words vectors: texts sharing words are close.

    Good enough for ranking tests on tiny corpora; loads nothing.
    """

    model_id = "hash-bow-384"

    def __init__(self) -> None:
        self.calls = 0

    def embed_array(self, texts):
        self.calls += 1
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in re.findall(r"[a-z0-9]+", text.lower()):
                h = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest(), "big")
                out[i, h % DIM] += 1.0
            norm = np.linalg.norm(out[i])
            if norm:
                out[i] /= norm
            else:
                out[i, 0] = 1.0
        return out

    def embed_documents(self, texts):
        return self.embed_array(texts).tolist()

    def embed_query(self, text):
        return self.embed_array([text])[0].tolist()
