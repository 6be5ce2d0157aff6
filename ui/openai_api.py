"""The API for programs, served by ``serve`` beside the window (same address, same login).

- ``GET /v1/models``, ``GET /v1/models/ofsted-assistant`` and ``POST /v1/chat/completions``
  (streamed or not): OpenAI-compatible, for Open WebUI, LibreChat or the ``openai``
  client. The conversation is the request's ``messages``; the reply is shaped by
  :mod:`assistant.openai_format` (answer, a "Sources" list, ``citations`` as data).
- ``POST /api/ask``: ``{"question", "history"?, "filters"?, "k"?}`` → exactly the object
  ``ofsted-assistant ask --json`` prints (:meth:`assistant.models.Answer.to_json`).

With a login, a program sends ``Authorization: Bearer NAME:PASSWORD`` of an account
(reader or editor); a missing or wrong key gets 401 with an OpenAI-style error, and
wrong keys count towards the address's sign-in throttle (429 when locked). The key is
never logged. The browser's session cookie is not accepted here (no cross-site
requests on a user's behalf). Without a login, requests need no key, and the Host
check of :class:`ui.routes.LoopbackHosts` applies as to every route.
"""

from __future__ import annotations

import functools
import json
import logging
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import anyio
from fastapi import Request
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.routing import APIRoute

from assistant.service import Answer, Library
from assistant.service import openai_format as fmt
from core.errors import AssistantError, InputError, ProviderError
from ui.login import Login

logger = logging.getLogger(__name__)

Handler = Callable[[Request], Any]
_STARTED = int(time.time())
MAX_BODY_BYTES = 1_000_000  # a question with its history; far more than a conversation needs


class ProgramsApi:
    """The routes of the API over one library, behind the window's login (if any)."""

    def __init__(self, library: Library, login: Login | None) -> None:
        """Serve ``library``; ``login``: the accounts a program must name (None: no login)."""
        self.library = library
        self.login = login
        self._limiter: anyio.CapacityLimiter | None = None

    def routes(self) -> list[APIRoute]:
        """The routes to give Gradio's FastAPI app (``app_kwargs["routes"]``)."""
        return [
            APIRoute("/v1/models", self._guarded(self.models), methods=["GET"]),
            APIRoute("/v1/models/{model}", self._guarded(self.model), methods=["GET"]),
            APIRoute("/v1/chat/completions", self._guarded(self.chat), methods=["POST"]),
            APIRoute("/api/ask", self._guarded(self.ask), methods=["POST"]),
        ]

    # -- access -----------------------------------------------------------------------

    def _guarded(self, handler: Handler) -> Handler:
        async def guarded(request: Request) -> Any:
            refused = await self.refusal(request)
            if refused is not None:
                return refused
            try:
                return await handler(request)
            except fmt.RequestError as exc:
                return _error(exc.status, exc.body())
            except Exception as exc:  # noqa: BLE001 - every failure is a JSON error
                return _failure(exc)

        guarded.__name__ = handler.__name__
        return guarded

    async def refusal(self, request: Request) -> JSONResponse | None:
        """401 or 429 unless the request names an account (nothing to check without a login)."""
        if self.login is None:
            return None
        address = request.client.host if request.client else "unknown"
        wait = self.login.throttle.retry_after(address)
        if wait > 0:
            seconds = max(1, round(wait + 0.5))
            body = fmt.error_body(
                f"Too many failed sign-ins from this address: try again in {seconds} s.",
                kind="rate_limit_error",
                code="too_many_failed_sign_ins",
            )
            return _error(429, body, {"Retry-After": str(seconds)})
        header = request.headers.get("authorization")
        name, password = _bearer(header)
        if not header:
            message = (
                "Missing API key: send 'Authorization: Bearer NAME:PASSWORD' of an account "
                "(see `ofsted-assistant accounts add`)."
            )
        elif name is None:
            message = "Incorrect API key: use NAME:PASSWORD of an account of this server."
        elif await self.login.verify(name, password, address, what="API key"):
            return None
        else:
            message = "Incorrect API key: use NAME:PASSWORD of an account of this server."
        body = fmt.error_body(message, code="invalid_api_key")
        return _error(401, body, {"WWW-Authenticate": 'Bearer realm="ofsted-assistant"'})

    # -- routes -----------------------------------------------------------------------

    async def models(self, request: Request) -> JSONResponse:
        """The one model."""
        return JSONResponse(fmt.models_list(_STARTED))

    async def model(self, request: Request) -> JSONResponse:
        """The model's card, or 404 for another name."""
        name = request.path_params.get("model")
        if name != fmt.MODEL_ID:
            raise fmt.RequestError(
                f"the model {name!r} does not exist: use {fmt.MODEL_ID!r}",
                status=404,
                param="model",
                code="model_not_found",
            )
        return JSONResponse(fmt.model_card(_STARTED))

    async def chat(self, request: Request) -> Any:
        """``POST /v1/chat/completions``: a cited answer, streamed as SSE chunks or whole."""
        req = fmt.chat_request(await _json(request))
        filters = await self._filters(req)
        items = self._answering(req, filters)
        if not req.stream:
            answer = await _drain(items)
            content = fmt.reply_content(answer)
            extra = fmt.extras(answer, await self._authorities(answer), _asked_as(req, answer))
            used = fmt.usage_of(req, content)
            return JSONResponse(fmt.completion(content, extra, used=used))
        first = await items.__anext__()  # a refusal (bad question, …) is an HTTP error
        return StreamingResponse(
            self._events(req, first, items),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    async def ask(self, request: Request) -> JSONResponse:
        """``POST /api/ask``: the ``ask --json`` object."""
        req = fmt.ask_request(await _json(request))
        filters = await self._filters(req)
        answer = await _drain(self._answering(req, filters))
        return JSONResponse(answer.to_json())

    # -- answering --------------------------------------------------------------------

    @property
    def limiter(self) -> anyio.CapacityLimiter:
        """Questions answered at once (the window's concurrency setting)."""
        if self._limiter is None:
            self._limiter = anyio.CapacityLimiter(self.library.settings.ui.concurrency)
        return self._limiter

    async def _answering(self, req: fmt.ChatRequest, filters: Any) -> AsyncIterator[str | Answer]:
        """The answer's pieces and then the ``Answer``, each computed in a worker thread."""
        borrower = object()  # a stream is sent by another task than the one that began it
        await self.limiter.acquire_on_behalf_of(borrower)
        items: Iterator[str | Answer] = self.library.stream_after(
            req.history, req.question, filters, k=req.k
        )
        try:
            while (item := await anyio.to_thread.run_sync(next, items, None)) is not None:
                yield item
        finally:
            items.close()  # the reading lock is let go even if the client went away
            self.limiter.release_on_behalf_of(borrower)

    async def _filters(self, req: fmt.ChatRequest) -> Any:
        """The request's checked filters (in a thread: an upload may hold the library)."""
        return await anyio.to_thread.run_sync(
            functools.partial(self.library.filters, **req.filters)
        )

    async def _authorities(self, answer: Answer) -> dict[str, tuple[str, ...]]:
        return await anyio.to_thread.run_sync(self.library.authorities_cited, answer)

    async def _events(
        self, req: fmt.ChatRequest, first: str | Answer, items: AsyncIterator[str | Answer]
    ) -> AsyncIterator[str]:
        """The SSE stream: role, text pieces, the rest of the reply, citations, [DONE]."""
        cid, created = fmt.new_id(), int(time.time())
        pieces = fmt.Pieces()
        yield _event(fmt.chunk(cid, created, {"role": "assistant", "content": ""}))
        item: str | Answer | None = first
        try:
            while isinstance(item, str):
                text = pieces.send(item)
                if text:
                    yield _event(fmt.chunk(cid, created, {"content": text}))
                item = await items.__anext__()
        except StopAsyncIteration:
            item = None
        except Exception as exc:  # noqa: BLE001 - the stream ends with an error event
            yield _event(_failure_status_body(exc)[1])
            return
        finally:
            with anyio.CancelScope(shield=True):  # a client that went away: stop answering
                await items.aclose()
        if not isinstance(item, Answer):
            yield _event(fmt.error_body("No answer came back.", kind="server_error"))
            return
        rest = fmt.closing_text(pieces.sent, item)
        if rest:
            yield _event(fmt.chunk(cid, created, {"content": rest}))
        extra = fmt.extras(item, await self._authorities(item), _asked_as(req, item))
        yield _event(fmt.chunk(cid, created, {}, finish="stop", extra=extra))
        if req.include_usage:
            used = fmt.usage_of(req, pieces.sent + rest)
            yield _event(fmt.chunk(cid, created, None, used=used))
        yield "data: [DONE]\n\n"


def _asked_as(req: fmt.ChatRequest, answer: Answer) -> str | None:
    return answer.question if answer.question.strip() != req.question.strip() else None


async def _drain(items: AsyncIterator[str | Answer]) -> Answer:
    answer = None
    async for item in items:
        if isinstance(item, Answer):
            answer = item
    if answer is None:
        raise RuntimeError("the answer stream ended without an answer")
    return answer


async def _json(request: Request) -> Any:
    """The request's JSON body (refused unread past :data:`MAX_BODY_BYTES`)."""
    body = bytearray()
    async for part in request.stream():
        body += part
        if len(body) > MAX_BODY_BYTES:
            raise fmt.RequestError(
                f"the request body is over {MAX_BODY_BYTES // 1_000_000} MB", status=413
            )
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise fmt.RequestError("the request body is not valid JSON") from None


def _bearer(header: str | None) -> tuple[str | None, str]:
    """``(name, password)`` from ``Bearer NAME:PASSWORD`` (``(None, "")`` when absent)."""
    scheme, _, key = (header or "").strip().partition(" ")
    name, colon, password = key.strip().partition(":")
    if scheme.lower() != "bearer" or not colon or not name:
        return None, ""
    return name, password


def _event(data: dict[str, Any]) -> str:
    return f"data: {json.dumps(data, ensure_ascii=False)}\n\n"


def _error(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
    return JSONResponse(body, status_code=status, headers=headers)


def _failure(exc: Exception) -> JSONResponse:
    status, body = _failure_status_body(exc)
    return _error(status, body)


def _failure_status_body(exc: Exception) -> tuple[int, dict[str, Any]]:
    """An error's HTTP status and OpenAI-style body (a message, never a traceback)."""
    if isinstance(exc, fmt.RequestError):
        return exc.status, exc.body()
    if isinstance(exc, InputError):
        return 400, fmt.error_body(str(exc))
    if isinstance(exc, ProviderError):
        return 502, fmt.error_body(str(exc), kind="api_error", code="model_failed")
    if isinstance(exc, AssistantError):
        return 500, fmt.error_body(str(exc), kind="server_error")
    logger.exception("unexpected error in the API")
    message = f"Something went wrong ({type(exc).__name__}); the details are in the server log."
    return 500, fmt.error_body(message, kind="server_error")
