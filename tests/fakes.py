"""Fakes for fast unit tests: passed through constructor arguments, never patched in."""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Iterator
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import Field

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


def line_chunks(doc: Any, max_tokens: int, overlap_tokens: int) -> list[Any]:
    """A chunker for tests: one chunk per non-empty line (its page when the text has pages)."""
    from core.documents import Chunk

    out, pos = [], 0
    for line in doc.text.split("\n"):
        if line:
            start = doc.text.index(line, pos)
            pos = start + len(line)
            out.append(
                Chunk(doc.doc_id, doc.source, len(out), line, start, pos, doc.page_at(start))
            )
    return out


class BlockingEmbeddings(HashEmbeddings):
    """Hash embeddings that stop on texts holding ``marker`` until ``release`` is set.

    ``entered`` is set when a call stops, so a test knows an ingest is inside its
    embedding; every other call (questions, other documents) goes through.
    """

    def __init__(self, marker: str) -> None:
        super().__init__()
        self.marker = marker.lower()
        self.entered = threading.Event()
        self.release = threading.Event()

    def embed_array(self, texts):
        if any(self.marker in text.lower() for text in texts):
            self.entered.set()
            if not self.release.wait(120):
                raise TimeoutError("BlockingEmbeddings was never released")
        return super().embed_array(texts)


class ScriptedChatModel(BaseChatModel):
    """A chat model that records the prompts it receives and replays queued replies.

    A queued ``Exception`` is raised instead of replying. Streaming splits a reply
    on whitespace (kept), like langchain_core's ``GenericFakeChatModel``.
    """

    replies: list[str | Exception] = Field(default_factory=list)
    prompts: list[list[BaseMessage]] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def queue(self, *replies: str | Exception) -> ScriptedChatModel:
        self.replies.extend(replies)
        return self

    @property
    def last_system(self) -> str:
        return str(self.prompts[-1][0].content)

    @property
    def last_user(self) -> str:
        return str(self.prompts[-1][-1].content)

    def _next(self, messages: list[BaseMessage]) -> str:
        self.prompts.append(list(messages))
        if not self.replies:
            raise AssertionError("ScriptedChatModel: no reply queued")
        reply = self.replies.pop(0)
        if isinstance(reply, Exception):
            raise reply
        return reply

    def _generate(self, messages, stop=None, run_manager=None, **kwargs: Any) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=AIMessage(self._next(messages)))])

    def _stream(
        self, messages, stop=None, run_manager=None, **kwargs: Any
    ) -> Iterator[ChatGenerationChunk]:
        for token in re.split(r"(\s)", self._next(messages)):
            if token:
                chunk = ChatGenerationChunk(message=AIMessageChunk(content=token))
                if run_manager:
                    run_manager.on_llm_new_token(token, chunk=chunk)
                yield chunk


def stored_chunk(text: str, doc: str = "d0", index: int = 0, **fields: Any) -> Any:
    """A retrieved passage built by hand: its whole text, page 1, ``fields`` as given."""
    from vectorstore.store import StoredChunk

    values: dict[str, Any] = {"source": f"{doc}.txt", "title": f"Doc {doc}", "page": 1}
    values.update(fields)
    values.setdefault("section", None)
    return StoredChunk(doc_id=doc, index=index, text=text, start=0, end=len(text), **values)
