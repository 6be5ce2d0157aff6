"""Named accounts of the chat window: roles, password hashes and the accounts file.

An account has a name, a role (``reader``: ask, draft and browse; ``editor``: also add
and delete documents) and a salted scrypt hash of its password (``hashlib.scrypt``,
OWASP's N=2^14, r=8, p=5). Accounts live in a JSON file named by the setting
``OFSTED_ASSISTANT_UI__ACCOUNTS_FILE``, written by ``ofsted-assistant accounts add``::

    {"accounts": {"alice": {"role": "editor", "password_hash": "scrypt$16384$8$5$…$…"}}}

The single login of ``OFSTED_ASSISTANT_UI__USERNAME``/``__PASSWORD`` is an editor.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

from core.errors import ConfigError, InputError

if TYPE_CHECKING:
    from core.settings import UISettings

Role = Literal["reader", "editor"]
ROLES: tuple[Role, ...] = ("reader", "editor")
MIN_PASSWORD_CHARS = 8
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 5
_MAX_MEMORY = 256 * 1024 * 1024  # a hash needing more than this is refused as malformed
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
_SHAPE = '{"accounts": {"NAME": {"role": "reader|editor", "password_hash": "scrypt$…"}}}'


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(
    password: str,
    *,
    salt: bytes | None = None,
    n: int = SCRYPT_N,
    r: int = SCRYPT_R,
    p: int = SCRYPT_P,
) -> str:
    """A salted scrypt hash of ``password``: ``scrypt$N$r$p$salt$key`` (base64 parts)."""
    salt = os.urandom(16) if salt is None else salt
    key = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=32, maxmem=_MAX_MEMORY
    )
    return f"scrypt${n}${r}${p}${_b64(salt)}${_b64(key)}"


def _parse_hash(encoded: str) -> tuple[int, int, int, bytes, bytes]:
    """The parameters, salt and key of a hash; ValueError with the reason when malformed."""
    parts = encoded.split("$") if isinstance(encoded, str) else []
    if len(parts) != 6 or parts[0] != "scrypt":
        raise ValueError("not a scrypt hash made by `ofsted-assistant accounts add`")
    try:
        n, r, p = (int(x) for x in parts[1:4])
        salt = base64.b64decode(parts[4], validate=True)
        key = base64.b64decode(parts[5], validate=True)
    except (ValueError, binascii.Error):
        raise ValueError("the scrypt hash has a malformed part") from None
    if n < 2 or n & (n - 1) or not (1 <= r <= 64 and 1 <= p <= 64):
        raise ValueError("the scrypt hash has impossible parameters")
    if 128 * r * n + 128 * r * p > _MAX_MEMORY // 2:
        raise ValueError("the scrypt hash needs too much memory to check")
    if len(salt) < 8 or len(key) < 16:
        raise ValueError("the scrypt hash's salt or key is too short")
    return n, r, p, salt, key


def verify_password(password: str, encoded: str) -> bool:
    """True if ``password`` matches the hash (compared in constant time); False if malformed."""
    try:
        n, r, p, salt, key = _parse_hash(encoded)
    except ValueError:
        return False
    found = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=len(key), maxmem=_MAX_MEMORY
    )
    return hmac.compare_digest(found, key)


def check_name(name: str) -> str:
    """The account name if usable (letters, digits, ``. _ @ -``; at most 64), else InputError."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise InputError(
            f"bad account name {name!r}: use letters, digits, '.', '_', '@' or '-' "
            "(at most 64, starting with a letter or digit)"
        )
    return name


def check_password(password: str) -> str:
    """The password if long enough, else InputError."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise InputError(f"the password must have at least {MIN_PASSWORD_CHARS} characters")
    return password


@dataclass(frozen=True)
class Account:
    """One person who can sign in."""

    name: str
    role: Role
    password_hash: str = field(repr=False)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f"{key!r} appears twice")
        seen[key] = value
    return seen


def load_accounts_file(path: Path, *, missing_ok: bool = False) -> dict[str, Account]:
    """The accounts in ``path``; a ConfigError of one line saying what is wrong."""
    where = f"accounts file {path}"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if missing_ok:
            return {}
        raise ConfigError(
            f"{where} does not exist: create it with `ofsted-assistant accounts add NAME "
            "--role editor`"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {where}: {exc}") from None
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"{where} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}") from None
    if not isinstance(data, dict) or set(data) != {"accounts"}:
        raise ConfigError(f"{where} must look like {_SHAPE}")
    entries = data["accounts"]
    if not isinstance(entries, dict):
        raise ConfigError(f"{where}: 'accounts' must be an object of NAME: {{role, password_hash}}")
    accounts: dict[str, Account] = {}
    for name, entry in entries.items():
        accounts[name] = _account(where, name, entry)
    if not accounts and not missing_ok:
        raise ConfigError(f"{where} holds no account: add one with `ofsted-assistant accounts add`")
    return accounts


def _account(where: str, name: str, entry: Any) -> Account:
    try:
        check_name(name)
    except InputError as exc:
        raise ConfigError(f"{where}: {exc}") from None
    if not isinstance(entry, dict) or set(entry) != {"role", "password_hash"}:
        raise ConfigError(f"{where}: account {name!r} must have exactly 'role' and 'password_hash'")
    role = entry["role"]
    if role not in ROLES:
        raise ConfigError(f"{where}: account {name!r} has role {role!r}; use 'reader' or 'editor'")
    try:
        _parse_hash(entry["password_hash"])
    except ValueError as exc:
        raise ConfigError(f"{where}: account {name!r}: password_hash is {exc}") from None
    return Account(name, cast(Role, role), entry["password_hash"])


def save_account(path: Path, name: str, role: Role, password: str) -> bool:
    """Add ``name`` (or set its role and password) in the file; True if it is new.

    The file is rewritten atomically, readable by its owner only.
    """
    check_name(name)
    check_password(password)
    if role not in ROLES:
        raise InputError(f"unknown role {role!r}: use 'reader' or 'editor'")
    accounts = load_accounts_file(path, missing_ok=True)
    new = name not in accounts
    accounts[name] = Account(name, role, hash_password(password))
    _write(path, accounts)
    return new


def remove_account(path: Path, name: str) -> None:
    """Remove ``name`` from the file (InputError if it is not there)."""
    accounts = load_accounts_file(path, missing_ok=True)
    if name not in accounts:
        raise InputError(f"no account {name!r} in {path}")
    del accounts[name]
    _write(path, accounts)


def _write(path: Path, accounts: Mapping[str, Account]) -> None:
    body = {
        "accounts": {
            a.name: {"role": a.role, "password_hash": a.password_hash}
            for a in sorted(accounts.values(), key=lambda a: a.name.lower())
        }
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".accounts-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(json.dumps(body, indent=1) + "\n")
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Accounts:
    """Who may sign in, and with which role."""

    def __init__(self, accounts: Mapping[str, Account]) -> None:
        self._accounts = dict(accounts)
        self._dummy: str | None = None

    @classmethod
    def from_settings(cls, ui: UISettings) -> Accounts | None:
        """The accounts file plus the single login of the settings; None when neither is set."""
        accounts: dict[str, Account] = {}
        if ui.accounts_file is not None:
            accounts.update(load_accounts_file(ui.accounts_file.expanduser()))
        if ui.username or ui.password:
            if not (ui.username and ui.password and ui.password.get_secret_value()):
                raise ConfigError(
                    "a login needs both OFSTED_ASSISTANT_UI__USERNAME and "
                    "OFSTED_ASSISTANT_UI__PASSWORD"
                )
            name = ui.username.strip()
            if name in accounts:
                raise ConfigError(
                    f"account {name!r} is both in the accounts file and "
                    "OFSTED_ASSISTANT_UI__USERNAME: keep one"
                )
            secret = ui.password.get_secret_value()
            accounts[name] = Account(name, "editor", hash_password(secret))
        return cls(accounts) if accounts else None

    def __len__(self) -> int:
        return len(self._accounts)

    def names(self) -> list[str]:
        """Account names, sorted."""
        return sorted(self._accounts)

    def role(self, name: str | None) -> Role | None:
        """The role of a signed-in name (None if unknown)."""
        account = self._accounts.get(name or "")
        return account.role if account else None

    def verify(self, name: str, password: str) -> Account | None:
        """The account if ``password`` is its password, else None (as slow for unknown names)."""
        account = self._accounts.get(name)
        if account is None:
            if self._dummy is None:
                self._dummy = hash_password(os.urandom(16).hex())
            verify_password(password, self._dummy)  # the same work: names are not revealed
            return None
        return account if verify_password(password, account.password_hash) else None
