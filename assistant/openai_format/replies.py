"""Writing the API's replies: the answer with its sources, completions and stream chunks.

The message content is the answer text with its ``[n]`` markers, then a plain "Sources"
list; the same citations are data in a top-level ``citations`` list.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from assistant.models import Answer, Citation
from assistant.openai_format.reading import MODEL_ID, ChatRequest

SOURCES = "Sources"
_BREAK = "  \n"  # a line break in Markdown, invisible in plain text


def sources_text(citations: Sequence[Citation]) -> str:
    """The plain "Sources" list that follows an answer ('' without citations)."""
    from assistant.service import citation_place

    places: dict[str, list[int]] = {}  # one line per place: "[1], [2] Title (file), p. 8"
    for c in citations:
        places.setdefault(citation_place(c), []).append(c.n)
    lines = [", ".join(f"[{n}]" for n in ns) + f" {place}" for place, ns in places.items()]
    return _BREAK.join([SOURCES, *lines]) if lines else ""


def reply_content(answer: Answer) -> str:
    """The message content: the answer with its ``[n]`` markers, then its sources."""
    sources = sources_text(answer.citations)
    return answer.text.strip() + (f"\n\n{sources}" if sources else "")


def split_reply(content: str) -> tuple[str, list[str]]:
    """An earlier reply of ours: its answer text and its source lines (without "Sources")."""
    at = content.rfind(f"\n\n{SOURCES}")
    if at < 0:
        return content.strip(), []
    lines = [line.strip() for line in content[at:].splitlines()[1:]]
    return content[:at].strip(), [line for line in lines if line.startswith("[")]


def earlier_answer(question: str, reply: str) -> Answer:
    """An earlier turn's reply as an ``Answer`` a follow-up can be read against.

    Its source lines become citations (by their text), so that a follow-up to an
    answer about one authority's report stays with that authority.
    """
    text, lines = split_reply(reply)
    citations = tuple(
        Citation(n=i, doc_id="", source="", title=line, page=None, section=None, quote="", score=0)
        for i, line in enumerate(lines, 1)
    )
    return Answer(
        id="",
        question=question,
        text=text,
        citations=citations,
        retrieved=(),
        mode="history",
        model=None,
        prompt=None,
    )


def citations_json(
    answer: Answer, authorities: Mapping[str, Sequence[str]] | None = None
) -> list[dict[str, Any]]:
    """The structured citations: ``ask --json``'s, with ``doc_id`` and the authorities."""
    out = []
    for c in answer.citations:
        names = list((authorities or {}).get(c.doc_id, ()))
        out.append(
            {
                **c.to_json(),
                "doc_id": c.doc_id,
                "authority": names[0] if len(names) == 1 else None,
                "authorities": names,
            }
        )
    return out


def extras(
    answer: Answer, authorities: Mapping[str, Sequence[str]], asked_as: str | None
) -> dict[str, Any]:
    """The fields a completion (or a stream's last chunk) adds to OpenAI's."""
    return {
        "citations": citations_json(answer, authorities),
        "refused": answer.refused,
        "asked_as": asked_as,
    }


def new_id() -> str:
    """A completion id (``chatcmpl-…``)."""
    return f"chatcmpl-{uuid.uuid4().hex[:24]}"


def usage(prompt_tokens: int, completion_tokens: int) -> dict[str, int]:
    """OpenAI's ``usage`` object (cl100k tokens of the conversation and of the reply)."""
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }


def usage_of(req: ChatRequest, content: str) -> dict[str, int]:
    """The ``usage`` of a reply: tokens of the question with its history, and of the reply."""
    from ingest.tokens import count_tokens

    asked = "\n".join([*(f"{q}\n{a}" for q, a in req.history), req.question])
    return usage(count_tokens(asked), count_tokens(content))


def completion(
    content: str, extra: Mapping[str, Any], *, used: Mapping[str, int], model: str = MODEL_ID
) -> dict[str, Any]:
    """A ``chat.completion`` object with our ``extra`` fields at the top level."""
    return {
        "id": new_id(),
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": dict(used),
        **extra,
    }


def chunk(
    completion_id: str,
    created: int,
    delta: Mapping[str, Any] | None,
    *,
    finish: str | None = None,
    extra: Mapping[str, Any] | None = None,
    used: Mapping[str, int] | None = None,
    model: str = MODEL_ID,
) -> dict[str, Any]:
    """One ``chat.completion.chunk`` (``delta`` None: the usage chunk, with no choice)."""
    choices = (
        []
        if delta is None
        else [{"index": 0, "delta": dict(delta), "logprobs": None, "finish_reason": finish}]
    )
    out: dict[str, Any] = {
        "id": completion_id,
        "object": "chat.completion.chunk",
        "created": created,
        "model": model,
        "choices": choices,
    }
    if used is not None:
        out["usage"] = dict(used)
    return {**out, **(extra or {})}


class Pieces:
    """Streamed text sent as it comes, without whitespace at its start or end.

    So that the pieces of an answer join to exactly the text of the whole reply.
    """

    def __init__(self) -> None:
        """Nothing sent yet."""
        self.sent = ""
        self._pending = ""

    def send(self, piece: str) -> str:
        """What to send of ``piece`` now (trailing whitespace waits for more text)."""
        text = self._pending + piece
        if not self.sent:
            text = text.lstrip()
        body = text.rstrip()
        self._pending = text[len(body) :]
        self.sent += body
        return body


def closing_text(streamed: str, answer: Answer) -> str:
    """What a stream still has to send after ``streamed`` for the reply to be complete.

    The answer's checked text may differ from the pieces a language model streamed
    (checks can remove an unsupported sentence): then the checked answer follows,
    said to replace the text above. The sources come last.
    """
    final = answer.text.strip()
    sources = sources_text(answer.citations)
    tail = f"\n\n{sources}" if sources else ""
    if final.startswith(streamed):
        return final[len(streamed) :] + tail
    return f"\n\n(Checked answer, which replaces the text above:)\n\n{final}{tail}"


def models_list(created: int) -> dict[str, Any]:
    """``GET /v1/models``: the one model."""
    return {"object": "list", "data": [model_card(created)]}


def model_card(created: int) -> dict[str, Any]:
    """The model's entry in ``/v1/models``."""
    return {"id": MODEL_ID, "object": "model", "created": created, "owned_by": "ofsted-assistant"}
