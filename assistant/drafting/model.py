"""Key findings written by the language model: a map over every part of each report.

Only in the openai and local modes. Each part of a report (its headed sections, batched
to a passage budget, so that every paragraph of the document is read) is sent with its
paragraphs numbered; the reply is checked like an answer (``check_answer``: markers must
name given passages, figures and grades must be in the cited passage) and sentences
without a citation are dropped. The reduce step is deterministic: one finding per part
in turn, up to the template's limit. Judgements and improvement items are never written
by the model; they are read from the reports as written.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from assistant.drafting.extract import DocumentFacts, Located
from assistant.prompts import PromptSet, load_prompts
from core.errors import AssistantError
from vectorstore.store import StoredChunk

logger = logging.getLogger(__name__)

PROMPT_NAME = "draft-findings-v1"
PART_CHARS = 6000  # about 1,500 tokens of passages per call

Cite = Callable[[DocumentFacts, Located], str]


@dataclass
class ModelFindings:
    """Writes findings with a chat model (``chat`` or built on first use by ``model``)."""

    chat: Any
    model: str | None = None
    where: str = "the language model"
    prompts: PromptSet | None = None

    def parts(self, facts: DocumentFacts) -> list[tuple[str, list[Located]]]:
        """Every section's paragraphs, in batches of about ``PART_CHARS`` characters."""
        out: list[tuple[str, list[Located]]] = []
        for heading, units in facts.sections:
            batch: list[Located] = []
            size = 0
            for unit in units:
                if batch and size + len(unit.text) > PART_CHARS:
                    out.append((heading.text, batch))
                    batch, size = [], 0
                batch.append(unit)
                size += len(unit.text)
            if batch:
                out.append((heading.text, batch))
        return out

    def write(self, facts: DocumentFacts, cite: Cite, sentences: int) -> list[str]:
        """Checked findings of every part of ``facts``, each sentence cited."""
        from assistant.answering.checks import check_answer
        from assistant.answering.llm import render_passages, translate_error

        prompts = self.prompts or load_prompts(PROMPT_NAME)
        found: list[str] = []
        for part, units in self.parts(facts):
            chunks = [_chunk(facts, u, i) for i, u in enumerate(units)]
            messages = [
                ("system", prompts.render("system", sentences=sentences)),
                (
                    "user",
                    prompts.render("user", part=part, passages=render_passages(prompts, chunks)),
                ),
            ]
            try:
                reply = self.chat.invoke(messages)
            except AssistantError:
                raise
            except Exception as exc:
                raise translate_error(exc, model=self.model or "?", where=self.where) from exc
            checked = check_answer(
                str(getattr(reply, "content", reply)),
                chunks,
                refusal=prompts.render("refusal"),
                unsourced=prompts.render("unsourced"),
            )
            text = _cited_only(checked.text, prompts.render("unsourced"))
            if not text or not checked.citations:
                continue
            numbers = {c.n: _located(facts, units, c.quote, part) for c in checked.citations}
            found.append(_renumbered(text, numbers, facts, cite))
        return found


def _chunk(facts: DocumentFacts, unit: Located, index: int) -> StoredChunk:
    return StoredChunk(
        doc_id=facts.doc.doc_id,
        source=facts.doc.source,
        title=facts.title,
        index=index,
        text=unit.text,
        start=unit.start,
        end=unit.start + len(unit.text),
        page=unit.page,
        section=unit.section,
        score=1.0,
    )


def _cited_only(text: str, unsourced: str) -> str:
    """The checked text without sentences the checks flagged as unsourced."""
    from assistant.drafting.models import MARKER

    kept = []
    for line in text.split("\n"):
        for sentence in _split(line):
            if unsourced in sentence or not MARKER.search(sentence):
                continue
            kept.append(sentence.strip())
    return " ".join(kept)


def _split(line: str) -> list[str]:
    import re

    return [s for s in re.split(r"(?<=[.!?])\s+|(?<=\])\s+(?=[A-Z])", line) if s.strip()]


def _located(facts: DocumentFacts, units: list[Located], quote: str, part: str) -> Located:
    """The cited quote as a place in the document (the unit that holds it)."""
    for unit in units:
        at = unit.text.find(quote)
        if at >= 0:
            start = unit.start + at
            return Located(quote, quote, start, facts.doc.page_at(start), part, unit.paragraph)
    return units[0]


def _renumbered(text: str, numbers: dict[int, Located], facts: DocumentFacts, cite: Cite) -> str:
    from assistant.drafting.models import MARKER

    def swap(m: Any) -> str:
        where = numbers.get(int(m.group(1)))
        return cite(facts, where) if where is not None else ""

    return " ".join(MARKER.sub(swap, text).split())


def model_findings(assistant: Any) -> ModelFindings | None:
    """The assistant's chat model as a findings writer (None in the extractive mode)."""
    if assistant.settings.llm.mode == "extractive":
        return None
    primary = getattr(assistant.answerer, "primary", assistant.answerer)
    return ModelFindings(
        chat=primary._model(), model=primary.model, where=getattr(primary, "where", "")
    )
