"""The command line, the top layer beside the window (``ui``): nothing else imports it.

:mod:`assistant.cli.app` holds the Typer app and the core commands; each other module
adds its commands with ``register(app)``. Importing this package does nothing.
"""

from __future__ import annotations


def main() -> None:
    """Console-script entry point (``ofsted-assistant``)."""
    from assistant.cli.app import app

    app()
