"""``ofsted-assistant accounts``: the named accounts that may sign in to the window."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from assistant.cli.common import errors_to_exit, out

accounts_app = typer.Typer(
    help="Named accounts of the chat window (reader or editor), kept in the accounts file.",
    no_args_is_help=True,
)

AccountsFile = Annotated[
    Path | None,
    typer.Option(
        "--file",
        envvar="OFSTED_ASSISTANT_UI__ACCOUNTS_FILE",
        help="The accounts file (default: the setting OFSTED_ASSISTANT_UI__ACCOUNTS_FILE).",
        show_default=False,
    ),
]
RESTART = "a running `serve` reads the accounts when it starts: restart it to apply"


def _file(path: Path | None) -> Path:
    from core.errors import InputError

    if path is None:
        raise InputError(
            "no accounts file: set OFSTED_ASSISTANT_UI__ACCOUNTS_FILE or pass --file PATH"
        )
    return path.expanduser()


@accounts_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="Account name (letters, digits, . _ @ -).")],
    role: Annotated[
        str, typer.Option("--role", help="reader (ask, draft, browse) or editor (add, delete).")
    ] = "reader",
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Read the password from the first line of stdin."),
    ] = False,
    file: AccountsFile = None,
) -> None:
    """Add an account, or set an existing account's role and password (asked for twice).

    Only a salted scrypt hash of the password is written.

    Examples:
      ofsted-assistant accounts add alice --role editor --file /etc/ofsted/accounts.json
      echo "$PASS" | ofsted-assistant accounts add bob --password-stdin
    """
    from assistant.accounts import check_name, check_password, save_account
    from core.errors import InputError

    with errors_to_exit():
        path = _file(file)
        check_name(name)
        if role not in ("reader", "editor"):
            raise InputError(f"unknown role {role!r}: use 'reader' or 'editor'")
        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = typer.prompt(
                f"Password for {name}", hide_input=True, confirmation_prompt=True
            )
        check_password(password)
        new = save_account(path, name, role, password)  # type: ignore[arg-type]
        verb = "added" if new else "updated"
        out.print(f"{verb} account {escape(name)} ({role}) in {escape(str(path))}; {RESTART}")


@accounts_app.command("list")
def list_accounts(file: AccountsFile = None) -> None:
    """List the accounts and their roles (never their passwords).

    Example: ofsted-assistant accounts list
    """
    from assistant.accounts import load_accounts_file

    with errors_to_exit():
        accounts = load_accounts_file(_file(file), missing_ok=True)
        for account in sorted(accounts.values(), key=lambda a: a.name.lower()):
            out.print(f"{escape(account.name)}\t{account.role}")


@accounts_app.command("remove")
def remove(
    name: Annotated[str, typer.Argument(help="Account name.")],
    file: AccountsFile = None,
) -> None:
    """Remove an account.

    Example: ofsted-assistant accounts remove bob
    """
    from assistant.accounts import remove_account

    with errors_to_exit():
        path = _file(file)
        remove_account(path, name)
        out.print(f"removed account {escape(name)} from {escape(str(path))}; {RESTART}")


def register(app: typer.Typer) -> None:
    """Add the ``accounts`` commands to ``app``."""
    app.add_typer(accounts_app, name="accounts")
