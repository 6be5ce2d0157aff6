"""The language-model answer modes: a chat model writes, the checks decide what is shown.

``LLMAnswerer`` renders ``prompts/answer-v1.toml`` with the numbered passages,
asks a LangChain chat model (``ChatOpenAI`` against OpenAI or any
OpenAI-compatible server, including the local llama.cpp one) and passes the
reply through :func:`assistant.answering.checks.check_answer`. The chat model is
built lazily by a factory, or injected (tests pass a scripted one). Provider
exceptions are translated to ``ProviderError`` at this boundary.
``FallbackAnswerer`` shows the extractive answer, with a notice, when the model
cannot be reached.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from assistant.answering.checks import check_answer
from assistant.answering.extractive import Drafted
from assistant.prompts import PromptSet, load_prompts
from assistant.redact import redact_urls
from core.errors import (
    AssistantError,
    ConfigError,
    ProviderError,
    ProviderUnreachableError,
)
from vectorstore.store import StoredChunk

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from assistant.answering.extractive import ExtractiveAnswerer
    from core.settings import LLMSettings

logger = logging.getLogger(__name__)

REWRITE_PROMPT = "rewrite-v1"
PROMPT_NAME = "answer-v1"
INSTALL_HINT = "pip install 'ofsted-assistant[openai]'"


def translate_error(exc: BaseException, *, model: str, where: str) -> ProviderError:
    """A provider or transport exception as one clear ``ProviderError`` line."""
    import httpx

    try:
        import openai
    except ImportError:  # pragma: no cover - the openai extra is installed with the adapter
        openai = None  # type: ignore[assignment]
    if isinstance(exc, ProviderError):
        return exc
    if openai is not None:
        if isinstance(exc, openai.AuthenticationError):
            return ProviderError(
                f"{where} rejected the API key (401): set OFSTED_ASSISTANT_LLM__API_KEY "
                "or OPENAI_API_KEY"
            )
        if isinstance(exc, openai.PermissionDeniedError):
            return ProviderError(f"{where} refused access to model {model!r} (403)")
        if isinstance(exc, openai.NotFoundError):
            return ProviderError(
                f"model {model!r} not found at {where} (404): check OFSTED_ASSISTANT_LLM__MODEL"
            )
        if isinstance(exc, openai.RateLimitError):
            return ProviderError(
                f"{where} is rate limiting requests or the quota is used up (429): try again later"
            )
        if isinstance(exc, openai.APITimeoutError):
            return ProviderUnreachableError(f"{where} timed out")
        if isinstance(exc, openai.APIConnectionError):
            return ProviderUnreachableError(f"cannot connect to {where}")
        if isinstance(exc, openai.APIStatusError):
            return ProviderError(f"{where} failed ({exc.status_code}): {_first_line(exc)}")
        if isinstance(exc, openai.OpenAIError):
            return ProviderError(f"{where} failed: {_first_line(exc)}")
    if isinstance(exc, httpx.TimeoutException | TimeoutError):
        return ProviderUnreachableError(f"{where} timed out")
    if isinstance(exc, httpx.TransportError | ConnectionError):
        return ProviderUnreachableError(f"cannot connect to {where}")
    return ProviderError(f"{where} failed: {type(exc).__name__}: {_first_line(exc)}")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:300] if text else type(exc).__name__


def openai_chat_model(
    settings: LLMSettings,
    *,
    base_url: str | None = None,
    model: str | None = None,
    api_key: str | None = None,
) -> BaseChatModel:
    """``ChatOpenAI`` for the settings (the keyword arguments override them, for local mode)."""
    import os

    try:
        from langchain_openai import ChatOpenAI
    except ImportError as exc:
        raise ConfigError(f"the openai mode needs langchain-openai: {INSTALL_HINT}") from exc
    url = base_url or settings.base_url
    if api_key is not None:
        key = api_key
    elif settings.api_key is not None:
        key = settings.api_key.get_secret_value()
    else:
        key = os.environ.get("OPENAI_API_KEY") or ""
    if not key:
        if url is None:
            raise ConfigError(
                "the openai mode needs an API key: set OFSTED_ASSISTANT_LLM__API_KEY or "
                "OPENAI_API_KEY (or OFSTED_ASSISTANT_LLM__BASE_URL for a local server)"
            )
        key = "not-needed"  # local OpenAI-compatible servers ignore the key
    return ChatOpenAI(
        model=model or settings.model,
        base_url=url,
        api_key=key,
        timeout=settings.timeout,
        max_retries=settings.max_retries,
        temperature=settings.temperature,
        max_tokens=settings.max_tokens,
    )


def ensure_model_served(settings: LLMSettings) -> None:
    """Raise ``ProviderError`` when ``settings.base_url`` lists its models and not ours.

    Single-model servers (llama.cpp, some vLLM set-ups) answer with whatever they
    serve whatever the request names, so a wrong name would pass unnoticed. Servers
    that cannot list their models are trusted.
    """
    import openai

    if settings.base_url is None:
        return
    key = settings.api_key.get_secret_value() if settings.api_key else "not-needed"
    shown = redact_urls(settings.base_url)
    client = openai.OpenAI(
        base_url=settings.base_url, api_key=key, timeout=settings.timeout, max_retries=0
    )
    try:
        served = [m.id for m in client.models.list()]
    except (openai.APIConnectionError, openai.AuthenticationError) as exc:
        raise translate_error(exc, model=settings.model, where=shown) from exc
    except openai.OpenAIError:
        return
    finally:
        client.close()
    wanted = settings.model
    if served and not any(s == wanted or s.startswith(f"{wanted}:") for s in served):
        listed = ", ".join(served[:5]) + (", ..." if len(served) > 5 else "")
        raise ProviderError(
            f"model {wanted!r} not found at {shown} (it serves: {listed}): "
            "check OFSTED_ASSISTANT_LLM__MODEL"
        )


def render_passages(prompts: PromptSet, chunks: Sequence[StoredChunk]) -> str:
    """The passages as numbered blocks with title, page and section."""
    blocks = []
    for n, chunk in enumerate(chunks, start=1):
        text = f"{chunk.context}\n{chunk.text}" if chunk.context else chunk.text
        blocks.append(
            prompts.render(
                "passage",
                n=n,
                title=chunk.title,
                page=chunk.page if chunk.page is not None else "?",
                section=chunk.section or "-",
                text=text.strip(),
            )
        )
    return "\n\n".join(blocks)


class LLMAnswerer:
    """Answers with a chat model, then keeps only what the passages back."""

    prompt_name = PROMPT_NAME
    uses_history = True

    def __init__(
        self,
        prompts: PromptSet,
        *,
        mode: str = "openai",
        model: str | None = None,
        chat: BaseChatModel | None = None,
        factory: Callable[[], tuple[BaseChatModel, str]] | None = None,
        where: str = "the language model",
        min_score: float = 0.25,
    ) -> None:
        """Use ``chat`` as is, or build it on first use with ``factory`` -> (chat, model name)."""
        if chat is None and factory is None:
            raise ValueError("LLMAnswerer needs a chat model or a factory")
        self.prompts = prompts
        self.mode = mode
        self.model = model
        self.where = where
        self.min_score = min_score
        self._chat = chat
        self._factory = factory

    def messages(
        self, question: str, chunks: Sequence[StoredChunk], history: str | None = None
    ) -> list[tuple[str, str]]:
        """The system and user messages for ``question`` over the numbered ``chunks``."""
        past = self.prompts.render("history", history=history.strip()) if history else ""
        user = self.prompts.render(
            "user",
            passages=render_passages(self.prompts, chunks),
            history=past,
            question=question,
        )
        return [("system", self.prompts.render("system")), ("user", user)]

    def answer(
        self, question: str, chunks: list[StoredChunk], history: str | None = None
    ) -> Drafted:
        """Ask the model and return its checked answer (refuse when nothing was retrieved)."""
        if not chunks:
            return self._refuse()
        chat = self._model()
        try:
            reply = chat.invoke(self.messages(question, chunks, history))
        except Exception as exc:
            raise translate_error(exc, model=self.model or "?", where=self.where) from exc
        return self.check(_content(reply), chunks)

    def stream(
        self, question: str, chunks: list[StoredChunk], history: str | None = None
    ) -> Iterator[str | Drafted]:
        """Yield the model's tokens as they come, then the final checked ``Drafted``."""
        if not chunks:
            yield self._refuse()
            return
        chat = self._model()
        parts: list[str] = []
        try:
            for piece in chat.stream(self.messages(question, chunks, history)):
                token = _content(piece)
                if token:
                    parts.append(token)
                    yield token
        except Exception as exc:
            raise translate_error(exc, model=self.model or "?", where=self.where) from exc
        yield self.check("".join(parts), chunks)

    def check(self, reply: str, chunks: Sequence[StoredChunk]) -> Drafted:
        """The reply after the checks, with a low-confidence note when retrieval was weak."""
        refusal = self.prompts.render("refusal")
        checked = check_answer(
            reply, chunks, refusal=refusal, unsourced=self.prompts.render("unsourced")
        )
        if checked.removed or checked.flagged:
            logger.debug(
                "checks removed %d and flagged %d parts of the answer",
                len(checked.removed),
                len(checked.flagged),
            )
        text = checked.text
        if not text:
            return Drafted(self.prompts.render("nothing_checked"), (), True)
        if not checked.citations:
            # a refusal, or a reply none of whose statements cite a passage: never an answer
            if text.lower().startswith(refusal.lower().rstrip(".")):
                return Drafted(text, (), True)
            return Drafted(self.prompts.render("nothing_checked"), (), True)
        best = max((c.score for c in chunks), default=0.0)
        if best < self.min_score:
            text = f"{self.prompts.render('low_confidence')}\n{text}"
        return Drafted(text, checked.citations, False)

    def rewrite_follow_up(self, question: str, history: str) -> str | None:
        """A follow-up rewritten as a standalone question by the model (None if unusable)."""
        from langchain_core.messages import HumanMessage, SystemMessage

        prompts = load_prompts(REWRITE_PROMPT)
        messages = [
            SystemMessage(prompts.render("system")),
            HumanMessage(prompts.render("user", history=history, question=question)),
        ]
        try:
            reply = self._model().invoke(messages)
        except AssistantError:
            raise
        except Exception as exc:
            raise translate_error(exc, model=self.model or "?", where=self.where) from exc
        lines = [line.strip() for line in _content(reply).splitlines() if line.strip()]
        if not lines or len(lines[0]) > 4 * max(len(question), 60):
            return None
        return lines[0].strip('"“”')

    def _refuse(self) -> Drafted:
        return Drafted(self.prompts.render("refusal"), (), True)

    def _model(self) -> BaseChatModel:
        if self._chat is None:
            assert self._factory is not None
            try:
                self._chat, name = self._factory()
            except AssistantError:
                raise
            except Exception as exc:
                raise translate_error(exc, model=self.model or "?", where=self.where) from exc
            self.model = name
        return self._chat


def _content(message: Any) -> str:
    content = getattr(message, "content", message)
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content blocks
        return "".join(b.get("text", "") if isinstance(b, dict) else str(b) for b in content)
    return str(content or "")


class FallbackAnswerer:
    """The primary (model) answer, or the extractive one with a notice when unreachable.

    Only an unreachable model falls back; a bad key or an unknown model raises,
    because the user must fix the settings.
    """

    uses_history = True

    def __init__(self, primary: LLMAnswerer, fallback: ExtractiveAnswerer) -> None:
        """Wrap ``primary``; ``fallback`` answers when it cannot be reached."""
        self.primary = primary
        self.fallback = fallback

    @property
    def mode(self) -> str:
        """The primary's mode (the notice in the text tells when the fallback answered)."""
        return self.primary.mode

    @property
    def model(self) -> str | None:
        """The primary's model name."""
        return self.primary.model

    @property
    def prompt_name(self) -> str:
        """The primary's prompt name."""
        return self.primary.prompt_name

    def rewrite_follow_up(self, question: str, history: str) -> str | None:
        """The model's standalone question, or None when the model is unreachable."""
        try:
            return self.primary.rewrite_follow_up(question, history)
        except ProviderUnreachableError:
            return None

    def answer(
        self, question: str, chunks: list[StoredChunk], history: str | None = None
    ) -> Drafted:
        """The primary's answer, or the fallback's with a notice."""
        try:
            return self.primary.answer(question, chunks, history)
        except ProviderUnreachableError as exc:
            return self._fallback(question, chunks, exc)

    def stream(
        self, question: str, chunks: list[StoredChunk], history: str | None = None
    ) -> Iterator[str | Drafted]:
        """The primary's tokens and final answer; if the model drops, the fallback's answer.

        Tokens already yielded are superseded by the final ``Drafted``.
        """
        try:
            yield from self.primary.stream(question, chunks, history)
        except ProviderUnreachableError as exc:
            yield self._fallback(question, chunks, exc)

    def _fallback(
        self, question: str, chunks: list[StoredChunk], exc: ProviderUnreachableError
    ) -> Drafted:
        logger.info("language model unreachable, falling back to quotes: %s", exc)
        drafted = self.fallback.answer(question, chunks)
        notice = self.primary.prompts.render("unreachable", reason=str(exc))
        return Drafted(
            f"{notice}\n{drafted.text}", drafted.citations, drafted.refused, fallback=str(exc)
        )
