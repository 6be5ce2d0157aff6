"""Errors in the window: a readable message, never a traceback."""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable, Iterator
from typing import Any

import gradio as gr

from core.errors import AssistantError

logger = logging.getLogger(__name__)


def readable(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Errors shown as a readable message in the window, never a traceback."""

    def explain(exc: Exception) -> Exception:
        if isinstance(exc, gr.Error):
            return exc
        if isinstance(exc, AssistantError):
            return gr.Error(str(exc), print_exception=False)
        logger.exception("unexpected error in the window")
        return gr.Error(
            f"Something went wrong ({type(exc).__name__}); the details are in the server log.",
            print_exception=False,
        )

    if inspect.isgeneratorfunction(fn):

        @functools.wraps(fn)
        def gen_wrapper(*args: Any, **kwargs: Any) -> Iterator[Any]:
            try:
                yield from fn(*args, **kwargs)
            except Exception as exc:
                raise explain(exc) from None

        return gen_wrapper

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            raise explain(exc) from None

    return wrapper
