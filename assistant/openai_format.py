"""The API for programs: OpenAI-style chat requests in, cited answers out (no web code).

``POST /v1/chat/completions`` (see :mod:`ui.openai_api`) reads the conversation from
the request's ``messages``: the last ``user`` message is the question, the earlier
``user``/``assistant`` turns are the history a follow-up is read against (``system`` and
``developer`` messages are ignored: the assistant's instructions are its own). Nothing
of a conversation is kept on the server.

The reply's message content is the answer text with its ``[n]`` markers, then a plain
"Sources" list, so a client that ignores extra fields still shows a cited answer. The
same citations are data in a top-level ``citations`` list (in the completion, and in
the final chunk of a stream): ``n, source, title, page, section, quote, score, doc_id,
authorities`` (the authorities the cited document is about) and ``authority`` (the one
authority, when it is about exactly one). ``asked_as`` is the question as it was asked
when a follow-up was rewritten, ``refused`` whether the reports did not answer it.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.models import Answer, Citation

MODEL_ID = "ofsted-assistant"
SOURCES = "Sources"
_BREAK = "  \n"  # a line break in Markdown, invisible in plain text
FILTER_KEYS = ("authorities", "kinds", "since", "until", "docs")
_LIST_FILTERS = ("authorities", "kinds", "docs")


class RequestError(ValueError):
    """A request the API refuses, with its HTTP status and OpenAI error fields."""

    def __init__(
        self,
        message: str,
        *,
        status: int = 400,
        param: str | None = None,
        code: str | None = None,
        kind: str = "invalid_request_error",
    ) -> None:
        """A refusal saying ``message`` (``kind`` is the OpenAI error ``type``)."""
        super().__init__(message)
        self.status = status
        self.param = param
        self.code = code
        self.kind = kind

    def body(self) -> dict[str, Any]:
        """The OpenAI-style error object."""
        return error_body(str(self), kind=self.kind, param=self.param, code=self.code)


def error_body(
    message: str,
    *,
    kind: str = "invalid_request_error",
    param: str | None = None,
    code: str | None = None,
) -> dict[str, Any]:
    """``{"error": {message, type, param, code}}`` as OpenAI's API answers an error."""
    return {"error": {"message": message, "type": kind, "param": param, "code": code}}


@dataclass(frozen=True)
class ChatRequest:
    """A question with the conversation before it and what narrows the search."""

    question: str
    history: tuple[tuple[str, str], ...] = ()  # (user question, assistant reply) turns
    filters: Mapping[str, Any] = field(default_factory=dict)  # Library.filters keywords
    stream: bool = False
    include_usage: bool = False
    k: int | None = None


def message_text(content: Any, where: str) -> str:
    """The text of a message's ``content``: a string, or a list of ``text`` parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = []
        for part in content:
            if isinstance(part, Mapping) and part.get("type") == "text":
                texts.append(str(part.get("text") or ""))
            elif isinstance(part, str):
                texts.append(part)
            else:
                raise RequestError(f"{where}: only text content is understood", param=where)
        return "\n".join(texts)
    if content is None:
        return ""
    raise RequestError(f"{where}: content must be a string or a list of text parts", param=where)


def conversation_from_messages(messages: Any) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The question (the last ``user`` message) and the turns before it.

    Each earlier ``user`` message is paired with the ``assistant`` reply that follows
    it (an empty reply when none does); ``system``, ``developer`` and tool messages
    are skipped.
    """
    if not isinstance(messages, list) or not messages:
        raise RequestError("'messages' must be a non-empty list", param="messages")
    turns: list[list[str]] = []
    roles = []
    for i, message in enumerate(messages):
        where = f"messages[{i}]"
        if not isinstance(message, Mapping) or not isinstance(message.get("role"), str):
            raise RequestError(f"{where} must be an object with a 'role'", param=where)
        role = message["role"]
        if role not in ("user", "assistant"):
            continue
        text = message_text(message.get("content"), where)
        roles.append(role)
        if role == "user":
            turns.append([text, ""])
        elif turns:
            turns[-1][1] = (turns[-1][1] + "\n\n" + text).strip() if turns[-1][1] else text
    if not roles or roles[-1] != "user":
        raise RequestError("the last message must be the user's question", param="messages")
    question = turns[-1][0].strip()
    if not question:
        raise RequestError("the question (the last user message) is empty", param="messages")
    return question, tuple((q, a) for q, a in turns[:-1])


def parse_filters(value: Any, where: str = "filters") -> dict[str, Any]:
    """Filters as :meth:`Library.filters` takes them, from a JSON object."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise RequestError(f"'{where}' must be an object", param=where)
    unknown = sorted(set(value) - set(FILTER_KEYS))
    if unknown:
        raise RequestError(
            f"unknown filter {unknown[0]!r}: use {', '.join(FILTER_KEYS)}", param=where
        )
    out: dict[str, Any] = {}
    for key, item in value.items():
        if item is None:
            continue
        if key in _LIST_FILTERS:
            items = [item] if isinstance(item, str) else item
            if not isinstance(items, list) or not all(isinstance(x, str) for x in items):
                raise RequestError(f"filter {key!r} must be a string or a list of strings")
            out[key] = tuple(items)
        elif isinstance(item, (str, int)) and not isinstance(item, bool):
            out[key] = str(item)
        else:
            raise RequestError(f"filter {key!r} must be a year or date (YYYY[-MM[-DD]])")
    return out


def parse_k(value: Any) -> int | None:
    """The number of passages to retrieve (1 to 50), when given."""
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 50:
        raise RequestError("'k' must be a whole number from 1 to 50", param="k")
    return value


def chat_request(body: Any, models: Sequence[str] = (MODEL_ID,)) -> ChatRequest:
    """A ``/v1/chat/completions`` body read and checked (``RequestError`` if refused).

    ``model`` must be one of ``models``; optional extras: ``filters`` (as ``/api/ask``)
    and ``k``. OpenAI's sampling options (temperature, max_tokens, …) are accepted and
    ignored: answers quote the reports.
    """
    if not isinstance(body, Mapping):
        raise RequestError("the request body must be a JSON object")
    model = body.get("model")
    if model not in models:
        raise RequestError(
            f"the model {model!r} does not exist: use {', '.join(map(repr, models))} "
            "(see GET /v1/models)",
            status=404,
            param="model",
            code="model_not_found",
        )
    if body.get("n") not in (None, 1):
        raise RequestError("only one choice (n=1) is given", param="n")
    question, history = conversation_from_messages(body.get("messages"))
    options = body.get("stream_options") or {}
    return ChatRequest(
        question=question,
        history=history,
        filters=parse_filters(body.get("filters")),
        stream=bool(body.get("stream")),
        include_usage=bool(isinstance(options, Mapping) and options.get("include_usage")),
        k=parse_k(body.get("k")),
    )


def ask_request(body: Any) -> ChatRequest:
    """A ``/api/ask`` body: ``{"question", "history"?, "filters"?, "k"?}``.

    ``history`` is the earlier turns as OpenAI-style messages (``[{"role": "user",
    "content": …}, {"role": "assistant", "content": …}, …]``).
    """
    if not isinstance(body, Mapping):
        raise RequestError("the request body must be a JSON object")
    unknown = sorted(set(body) - {"question", "history", "filters", "k"})
    if unknown:
        raise RequestError(
            f"unknown field {unknown[0]!r}: use question, history, filters, k", param=unknown[0]
        )
    question = body.get("question")
    if not isinstance(question, str) or not question.strip():
        raise RequestError("'question' must be a non-empty string", param="question")
    history = body.get("history") or []
    if not isinstance(history, list):
        raise RequestError("'history' must be a list of messages", param="history")
    _, turns = conversation_from_messages([*history, {"role": "user", "content": question}])
    return ChatRequest(
        question.strip(), turns, parse_filters(body.get("filters")), k=parse_k(body.get("k"))
    )


# -- replies --------------------------------------------------------------------------


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
