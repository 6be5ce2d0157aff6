"""Pieces shared by the CLI's modules: consoles, common options, errors, the library.

Every command works through the facade, :class:`assistant.service.Library`, opened here.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from core.errors import AssistantError, ConfigError, InputError

if TYPE_CHECKING:
    from assistant.service import Library

out = Console(soft_wrap=True, highlight=False)
err = Console(stderr=True, highlight=False, soft_wrap=True)

DataDir = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        envvar="OFSTED_ASSISTANT_DATA_DIR",
        help="Data directory (index, caches). Default: ~/.local/share/ofsted-assistant.",
        show_default=False,
    ),
]
ChromaHost = Annotated[
    str | None,
    typer.Option(
        "--chroma-host",
        help="Use a Chroma server at this host instead of the embedded store.",
        show_default=False,
    ),
]
ChromaPort = Annotated[int | None, typer.Option("--chroma-port", help="Chroma server port.")]
Verbose = Annotated[bool, typer.Option("--verbose", "-v", help="Log progress details.")]


def settings_from(data_dir: Path | None, host: str | None, port: int | None) -> Any:
    """Settings from the environment, overridden by the command-line options given."""
    from pydantic import ValidationError

    from core.settings import Settings

    try:
        settings = Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"invalid setting {where}: {first['msg']}") from exc
    update: dict[str, Any] = {}
    if data_dir is not None:
        update["data_dir"] = data_dir.expanduser()
    if host is not None or port is not None:
        store_update: dict[str, Any] = {"mode": "http"}
        if host is not None:
            store_update["host"] = host
        if port is not None:
            store_update["port"] = port
        update["store"] = settings.store.model_copy(update=store_update)
    return settings.model_copy(update=update)


@contextmanager
def errors_to_exit() -> Iterator[None]:
    """Turn an ``AssistantError`` into one line on stderr and exit 2 (bad input) or 1."""
    try:
        yield
    except AssistantError as exc:
        err.print(f"error: {escape(str(exc))}")
        raise typer.Exit(2 if isinstance(exc, InputError) else 1) from None


def setup_logging(verbose: bool) -> None:
    """Log warnings (or, verbose, progress) to stderr; never report text by default.

    Credentials inside URLs are redacted from every line (``assistant.redact``).
    """
    from assistant.redact import RedactingFormatter

    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, stream=sys.stderr)
    for handler in logging.getLogger().handlers:  # a URL's password never reaches a log
        handler.setFormatter(RedactingFormatter("%(levelname)s %(name)s: %(message)s"))


def build(data_dir: Path | None, host: str | None, port: int | None, verbose: bool) -> Library:
    """Configure logging and open the library (the facade) from settings and options."""
    return build_from(settings_from(data_dir, host, port), verbose)


def build_from(settings: Any, verbose: bool) -> Library:
    """Configure logging and open the library (the facade) from ``settings`` as given."""
    from assistant.service import Library

    setup_logging(verbose)
    return Library.open(settings)
