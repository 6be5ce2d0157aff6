"""``ofsted-assistant serve``: the chat window in a browser (Gradio), on this machine."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from assistant.accounts import Accounts
from assistant.cli_common import ChromaHost, ChromaPort, DataDir, Verbose, err, errors_to_exit
from assistant.errors import ConfigError
from assistant.service import is_loopback


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
    from assistant.cli_common import build, settings_from
    from assistant.service import Library

    with errors_to_exit():
        ui = settings_from(data_dir, chroma_host, chroma_port).ui
        auth = Accounts.from_settings(ui)  # accounts file and single login, before any loading
        host = host or ui.host
        port = port or ui.port
        warning = check_bind(host, auth is not None, force)
        if warning:
            err.print(warning)
        assistant = build(data_dir, chroma_host, chroma_port, verbose)
        os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
        from ui.app import serve

        shown = f"[{host}]" if ":" in host else host
        err.print(f"Open http://{shown}:{port} in a browser (Ctrl-C to stop).")
        try:
            serve(Library(assistant), host=host, port=port, auth=auth)
        finally:
            assistant.close()


def register(app: typer.Typer) -> None:
    """Add the ``serve`` command to ``app``."""
    app.command("serve")(serve_command)
