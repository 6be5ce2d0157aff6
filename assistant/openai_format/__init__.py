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

from assistant.openai_format.reading import (
    FILTER_KEYS,
    MODEL_ID,
    ChatRequest,
    RequestError,
    ask_request,
    chat_request,
    conversation_from_messages,
    error_body,
    message_text,
    parse_filters,
    parse_k,
)
from assistant.openai_format.replies import (
    SOURCES,
    Pieces,
    chunk,
    citations_json,
    closing_text,
    completion,
    earlier_answer,
    extras,
    model_card,
    models_list,
    new_id,
    reply_content,
    sources_text,
    split_reply,
    usage,
    usage_of,
)

__all__ = [
    "FILTER_KEYS",
    "MODEL_ID",
    "SOURCES",
    "ChatRequest",
    "Pieces",
    "RequestError",
    "ask_request",
    "chat_request",
    "chunk",
    "citations_json",
    "closing_text",
    "completion",
    "conversation_from_messages",
    "earlier_answer",
    "error_body",
    "extras",
    "message_text",
    "model_card",
    "models_list",
    "new_id",
    "parse_filters",
    "parse_k",
    "reply_content",
    "sources_text",
    "split_reply",
    "usage",
    "usage_of",
]
