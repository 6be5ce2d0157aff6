"""``ofsted-assistant chat``: a conversation in the terminal, follow-up questions allowed.

``register(app)`` adds the command to the main Typer app; the conversation is one of the
facade's (:meth:`assistant.service.Library.stream`). Reads lines from stdin (a terminal or
a pipe).
"""

from __future__ import annotations

import logging
import sys
from dataclasses import replace
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from assistant.cli.common import (
    ChromaHost,
    ChromaPort,
    DataDir,
    Verbose,
    build,
    err,
    errors_to_exit,
    out,
)
from assistant.render import render_answer_text
from assistant.service import Answer
from core.errors import AssistantError

if TYPE_CHECKING:
    from assistant.service import Library

logger = logging.getLogger(__name__)

PROMPT = "you> "
HELP = (
    "Ask a question about the reports; follow-ups such as “And their care leavers?” or "
    "“What about Norfolk?” build on the previous question.\n"
    "/new   start a new conversation\n"
    "/help  show this help\n"
    "/quit  leave (or Ctrl-D)"
)


def _sources(answer: Answer) -> str:
    """The numbered sources of an answer (its text is already on screen)."""
    return "\n" + render_answer_text(replace(answer, text="")).lstrip("\n")


def chat_command(
    k: Annotated[
        int | None, typer.Option("-k", help="Passages to retrieve.", min=1, max=50)
    ] = None,
    data_dir: DataDir = None,
    chroma_host: ChromaHost = None,
    chroma_port: ChromaPort = None,
    verbose: Verbose = False,
) -> None:
    r"""Talk to the assistant: ask questions, then follow-ups, with cited answers.

    A follow-up is rewritten into a standalone question (shown as “asked as: …”).
    Commands: /new, /help, /quit (or end of input).

    Examples:
      ofsted-assistant chat
      printf 'What needs to improve in Kent?\nAnd their care leavers?\n' | ofsted-assistant chat
    """
    with errors_to_exit():
        library = build(data_dir, chroma_host, chroma_port, verbose)
    session = library.start_conversation()
    interactive = sys.stdin.isatty()
    if interactive:
        out.print("Type a question, /help for help, /quit to leave.")
    while True:
        sys.stdout.write(PROMPT)
        sys.stdout.flush()
        try:
            line = sys.stdin.readline()
        except KeyboardInterrupt:
            line = ""
        if not line:  # end of input
            sys.stdout.write("\n")
            break
        question = line.strip()
        if not interactive:
            sys.stdout.write(question + "\n")  # echo piped input so the transcript reads well
        if not question:
            continue
        command = question.lower()
        if command in ("/quit", "/exit", "/q"):
            break
        if command == "/help":
            out.print(escape(HELP))
            continue
        if command == "/new":
            library.forget_conversation(session)
            session = library.start_conversation()
            out.print("(new conversation)")
            continue
        if command.startswith("/"):
            err.print(f"error: unknown command {escape(question)}: try /help")
            continue
        _answer(library, session, question, k)


def _answer(library: Library, session: str, question: str, k: int | None) -> None:
    """Stream one answer, then its sources; errors become one line on stderr."""
    try:
        standalone = library.rewrite(session, question)
        if standalone != question:
            out.print(f"(asked as: {escape(standalone)})")
        answer = None
        shown: list[str] = []
        for item in library.stream(session, question, k=k, standalone=standalone):
            if isinstance(item, Answer):
                answer = item
            else:
                shown.append(item)
                sys.stdout.write(item)
                sys.stdout.flush()
        sys.stdout.write("\n")
        if answer is not None and answer.text != "".join(shown):
            # A model's streamed draft is checked afterwards; show what was kept.
            out.print("\n(checked answer:)")
            out.print(escape(answer.text))
        if answer is not None and answer.citations:
            out.print(_sources(answer))
        out.print()
    except KeyboardInterrupt:
        sys.stdout.write("\n")
        err.print("(interrupted)")
    except AssistantError as exc:
        sys.stdout.write("\n")
        err.print(f"error: {escape(str(exc))}")
    except Exception as exc:  # noqa: BLE001 - a chat session never ends in a traceback
        logger.debug("chat answer failed", exc_info=True)
        sys.stdout.write("\n")
        err.print(f"error: {escape(type(exc).__name__)}: {escape(str(exc))}")


def register(app: typer.Typer) -> None:
    """Add the ``chat`` command to ``app``."""
    app.command("chat")(chat_command)
