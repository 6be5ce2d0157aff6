"""``ofsted-assistant serve``: the chat window in a browser (Gradio), on this machine."""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO, Annotated, Any

import typer

from assistant.cli.common import ChromaHost, ChromaPort, DataDir, Verbose, err, errors_to_exit
from assistant.service import Accounts, is_loopback
from core.errors import ConfigError


def check_bind(host: str, login: bool, force: bool) -> str | None:
    """Refuse a non-local address without a login (unless forced); return a warning if forced."""
    if is_loopback(host) or login:
        return None
    if not force:
        raise ConfigError(
            f"refusing to listen on {host} without a login: anyone on the network could read "
            "the reports. Set OFSTED_ASSISTANT_UI__ACCOUNTS_FILE (see `ofsted-assistant "
            "accounts add`) or OFSTED_ASSISTANT_UI__USERNAME and OFSTED_ASSISTANT_UI__PASSWORD, "
            "or pass --force if the network is trusted."
        )
    return (
        f"warning: listening on {host} without a login (--force): anyone who can reach "
        "this address can read and change the library."
    )


LOCK_NAME = "serve.lock"


def claim_data_dir(data_dir: Path, url: str) -> IO[str]:
    """Hold the data directory for this window; refuse if another ``serve`` holds it.

    Two windows on one embedded library would each keep their own copy of the
    vector index and drift apart (questions failing until a restart), so one
    window per data directory: more copies share a Chroma server, each with its own
    data directory. The lock is the operating system's (``flock``): it goes with the
    process, however it ends. Keep the returned file open while serving.
    """
    import fcntl

    data_dir.mkdir(parents=True, exist_ok=True)
    handle = (data_dir / LOCK_NAME).open("a+", encoding="utf-8")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise ConfigError(
            f"another `ofsted-assistant serve` ({holder}) is already using the data directory "
            f"{data_dir}: open that window, or stop it first. For several windows on one "
            "library, point them at a Chroma server, each with its own --data-dir."
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"pid {os.getpid()}, {url}\n")
    handle.flush()
    return handle


def serve_command(
    host: Annotated[
        str | None,
        typer.Option("--host", help="Address to listen on (default 127.0.0.1, this machine only)."),
    ] = None,
    port: Annotated[
        int | None, typer.Option("--port", help="Port (default 7860).", min=1, max=65535)
    ] = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="Allow a non-local address without a login (not advised)."),
    ] = False,
    data_dir: DataDir = None,
    chroma_host: ChromaHost = None,
    chroma_port: ChromaPort = None,
    verbose: Verbose = False,
) -> None:
    """Start the chat window at http://127.0.0.1:7860 (settings: OFSTED_ASSISTANT_UI__*)."""
    from assistant.cli.common import build_from, settings_from

    with errors_to_exit():
        settings = _one_thread_per_call(settings_from(data_dir, chroma_host, chroma_port))
        ui = settings.ui
        auth = Accounts.from_settings(ui)  # accounts file and single login, before any loading
        host = host or ui.host
        port = port or ui.port
        shown = f"[{host}]" if ":" in host else host
        warning = check_bind(host, auth is not None, force)
        if warning:
            err.print(warning)
        claim = claim_data_dir(settings.data_dir, f"http://{shown}:{port}")
        library = build_from(settings, verbose)
        os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
        from ui.app import serve

        err.print(f"Open http://{shown}:{port} in a browser (Ctrl-C to stop).")
        try:
            serve(library, host=host, port=port, auth=auth)
        finally:
            library.close()
            claim.close()


def _one_thread_per_call(settings: Any) -> Any:
    """The window's default: the embedding model runs each call on one thread.

    Calls run side by side (many questions at once), and an upload's embedding stays
    on its own lower-priority thread; ``embedding.threads`` set by the user is kept.
    """
    if settings.embedding.threads != 0:
        return settings
    embedding = settings.embedding.model_copy(update={"threads": 1})
    return settings.model_copy(update={"embedding": embedding})


def register(app: typer.Typer) -> None:
    """Add the ``serve`` command to ``app``."""
    app.command("serve")(serve_command)
