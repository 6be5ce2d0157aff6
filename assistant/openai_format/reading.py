"""Reading the API's requests: a chat completion's or an ``/api/ask`` body, checked.

A request the API refuses raises :class:`RequestError` with its HTTP status and the
OpenAI error fields.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

MODEL_ID = "ofsted-assistant"
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
