"""Named accounts: password hashes, the accounts file, the CLI, and the sign-in throttle."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
import stat

import pytest
from typer.testing import CliRunner

from assistant.accounts import (
    Account,
    Accounts,
    hash_password,
    load_accounts_file,
    remove_account,
    save_account,
    verify_password,
)
from assistant.cli.app import app
from core.errors import ConfigError, InputError
from core.settings import UISettings
from ui.throttle import LoginThrottle

FAST = {"n": 2**10, "p": 1}  # cheap parameters for tests; the stored hash says which were used


# -- hashing --------------------------------------------------------------------------


def test_hash_is_salted_scrypt_with_its_parameters_and_verifies():
    encoded = hash_password("correct horse", **FAST)
    scheme, n, r, p, salt, key = encoded.split("$")
    assert (scheme, n, r, p) == ("scrypt", "1024", "8", "1")
    expected = hashlib.scrypt(
        b"correct horse", salt=base64.b64decode(salt), n=1024, r=8, p=1, dklen=32
    )
    assert base64.b64decode(key) == expected
    assert "correct horse" not in encoded
    assert verify_password("correct horse", encoded)
    assert not verify_password("correct horsE", encoded)
    assert not verify_password("", encoded)
    assert hash_password("correct horse", **FAST) != encoded  # a new salt each time


def test_default_parameters_are_owasp_scrypt():
    assert hash_password("x" * 8).split("$")[1:4] == ["16384", "8", "5"]


def test_same_salt_same_hash_and_unicode_passwords():
    salt = b"0123456789abcdef"
    assert hash_password("pässwörd £", salt=salt, **FAST) == hash_password(
        "pässwörd £", salt=salt, **FAST
    )
    assert verify_password("pässwörd £", hash_password("pässwörd £", **FAST))


@pytest.mark.parametrize(
    "encoded",
    [
        "plaintext-password",
        "scrypt$1024$8$1$c2FsdA==",
        "scrypt$1000$8$1$MDEyMzQ1Njc4OWFiY2RlZg==$" + "A" * 44,  # n not a power of two
        "scrypt$1024$8$1$***$***",
        "scrypt$1048576$64$1$MDEyMzQ1Njc4OWFiY2RlZg==$" + "A" * 44,  # too much memory
        "bcrypt$1024$8$1$MDEyMzQ1Njc4OWFiY2RlZg==$" + "A" * 44,
    ],
    ids=["plain", "parts", "n", "base64", "memory", "scheme"],
)
def test_malformed_hash_never_verifies(encoded):
    assert not verify_password("anything", encoded)


# -- the accounts file ----------------------------------------------------------------


def write(path, data):
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def good_hash():
    return hash_password("long-enough", **FAST)


def test_accounts_file_loads_names_roles_and_hashes(tmp_path):
    h = good_hash()
    path = write(
        tmp_path / "a.json",
        {
            "accounts": {
                "alice": {"role": "editor", "password_hash": h},
                "bob.smith@council": {"role": "reader", "password_hash": h},
            }
        },
    )
    accounts = load_accounts_file(path)
    assert accounts == {
        "alice": Account("alice", "editor", h),
        "bob.smith@council": Account("bob.smith@council", "reader", h),
    }
    assert h not in repr(accounts["alice"])  # the hash is not printed with the account


BAD_FILES = [
    ("missing", None, "does not exist: create it with `ofsted-assistant accounts add"),
    ("not-json", '{"accounts": {', "is not valid JSON (line 1, column 15"),
    ("not-object", "[]", "must look like"),
    ("extra-top", {"accounts": {}, "users": {}}, "must look like"),
    ("accounts-list", {"accounts": []}, "'accounts' must be an object"),
    ("empty", {"accounts": {}}, "holds no account"),
    (
        "bad-role",
        {"accounts": {"al": {"role": "admin", "password_hash": "H"}}},
        "account 'al' has role 'admin'; use 'reader' or 'editor'",
    ),
    (
        "bad-name",
        {"accounts": {"a b": {"role": "reader", "password_hash": "H"}}},
        "bad account name 'a b'",
    ),
    (
        "plaintext",
        {"accounts": {"al": {"role": "reader", "password_hash": "hunter22"}}},
        "account 'al': password_hash is not a scrypt hash made by `ofsted-assistant accounts add`",
    ),
    (
        "password-key",
        {"accounts": {"al": {"role": "reader", "password": "hunter22"}}},
        "must have exactly 'role' and 'password_hash'",
    ),
    ("duplicate", '{"accounts": {"al": {}, "al": {}}}', "'al' appears twice"),
]


@pytest.mark.parametrize("data,message", [b[1:] for b in BAD_FILES], ids=[b[0] for b in BAD_FILES])
def test_bad_accounts_file_is_one_clear_line(tmp_path, data, message):
    path = tmp_path / "accounts.json"
    if data is not None:
        if isinstance(data, dict):
            data = json.dumps(data).replace('"H"', json.dumps(good_hash()))
        write(path, data)
    with pytest.raises(ConfigError) as caught:
        load_accounts_file(path)
    text = str(caught.value)
    assert message in text and str(path) in text
    assert "\n" not in text
    assert "hunter22" not in text  # a password put in the file by mistake is not echoed


def test_save_update_and_remove_accounts(tmp_path):
    path = tmp_path / "conf" / "accounts.json"
    assert (
        save_account(
            path,
            "alice",
            "reader",
            "first-password",
        )
        is True
    )
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert save_account(path, "bob", "editor", "bobs-password") is True
    assert save_account(path, "alice", "editor", "second-password") is False
    accounts = load_accounts_file(path)
    assert {n: a.role for n, a in accounts.items()} == {"alice": "editor", "bob": "editor"}
    assert verify_password("second-password", accounts["alice"].password_hash)
    assert not verify_password("first-password", accounts["alice"].password_hash)
    assert "password" not in path.read_text().replace("password_hash", "")
    remove_account(path, "bob")
    assert list(load_accounts_file(path)) == ["alice"]
    with pytest.raises(InputError, match="no account 'bob'"):
        remove_account(path, "bob")
    with pytest.raises(InputError, match="at least 8 characters"):
        save_account(path, "carol", "reader", "short")
    with pytest.raises(InputError, match="unknown role"):
        save_account(path, "carol", "admin", "long-enough")  # type: ignore[arg-type]


def test_accounts_from_settings_file_plus_single_login_as_editor(tmp_path):
    path = tmp_path / "a.json"
    save_account(path, "reader1", "reader", "reader-password")
    ui = UISettings(accounts_file=path, username="team", password="team-password")
    accounts = Accounts.from_settings(ui)
    assert accounts is not None and accounts.names() == ["reader1", "team"]
    assert accounts.role("team") == "editor" and accounts.role("reader1") == "reader"
    assert accounts.role(None) is None and accounts.role("nobody") is None
    assert accounts.verify("team", "team-password").role == "editor"
    assert accounts.verify("reader1", "reader-password").name == "reader1"
    assert accounts.verify("reader1", "team-password") is None
    assert accounts.verify("nobody", "reader-password") is None
    assert Accounts.from_settings(UISettings()) is None
    assert Accounts.from_settings(UISettings(username="solo", password="pw")).names() == ["solo"]


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"username": "team"}, "a login needs both"),
        ({"password": "pw"}, "a login needs both"),
        (
            {"username": "reader1", "password": "pw", "accounts_file": "FILE"},
            "account 'reader1' is both in the accounts file and OFSTED_ASSISTANT_UI__USERNAME",
        ),
    ],
    ids=["no-password", "no-name", "clash"],
)
def test_inconsistent_login_settings_are_refused(tmp_path, kwargs, message):
    path = tmp_path / "a.json"
    save_account(path, "reader1", "reader", "reader-password")
    if kwargs.get("accounts_file") == "FILE":
        kwargs["accounts_file"] = path
    with pytest.raises(ConfigError, match=message):
        Accounts.from_settings(UISettings(**kwargs))


# -- the CLI --------------------------------------------------------------------------

runner = CliRunner()


def test_cli_add_prompts_twice_writes_a_hash_and_lists(tmp_path):
    path = tmp_path / "accounts.json"
    added = runner.invoke(
        app,
        ["accounts", "add", "alice", "--role", "editor", "--file", str(path)],
        input="Tr0ub4dor&3\nTr0ub4dor&3\n",
    )
    assert added.exit_code == 0, added.output
    assert f"added account alice (editor) in {path}" in added.output
    assert "Tr0ub4dor&3" not in path.read_text() and "Tr0ub4dor&3" not in added.output
    assert load_accounts_file(path)["alice"].role == "editor"
    again = runner.invoke(
        app,
        ["accounts", "add", "alice", "--file", str(path), "--password-stdin"],
        input="another-password\n",
    )
    assert again.exit_code == 0 and "updated account alice (reader)" in again.output
    assert verify_password("another-password", load_accounts_file(path)["alice"].password_hash)
    listed = runner.invoke(
        app, ["accounts", "list"], env={"OFSTED_ASSISTANT_UI__ACCOUNTS_FILE": str(path)}
    )
    assert listed.exit_code == 0 and listed.output.split() == ["alice", "reader"]
    removed = runner.invoke(app, ["accounts", "remove", "alice", "--file", str(path)])
    assert removed.exit_code == 0 and load_accounts_file(path, missing_ok=True) == {}


@pytest.mark.parametrize(
    "args,stdin,message",
    [
        (["al", "--role", "admin"], "x\n", "unknown role 'admin'"),
        (["a/b"], "long-enough\n", "bad account name 'a/b'"),
        (["al", "--password-stdin"], "short\n", "the password must have at least 8 characters"),
        (["al"], "one-password\nother-password\none-password\none-password\n", None),
    ],
    ids=["role", "name", "short", "mismatch-then-match"],
)
def test_cli_add_refuses_bad_input(tmp_path, args, stdin, message):
    path = tmp_path / "accounts.json"
    result = runner.invoke(app, ["accounts", "add", *args, "--file", str(path)], input=stdin)
    if message is None:  # the confirmation did not match: asked again
        assert result.exit_code == 0 and "do not match" in result.output.lower()
        return
    assert result.exit_code == 2
    assert f"error: {message}" in result.output
    assert not path.exists()


def test_cli_without_a_file_says_how_to_name_one():
    result = runner.invoke(app, ["accounts", "list"])
    assert result.exit_code == 2
    assert (
        "no accounts file: set OFSTED_ASSISTANT_UI__ACCOUNTS_FILE or pass --file" in result.output
    )


# -- the throttle ---------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def throttle(clock, **kwargs):
    settings = {"max_failures": 5, "window": 900.0, "lockout": 30.0, "max_lockout": 3600.0}
    return LoginThrottle(**{**settings, **kwargs}, clock=clock)


def test_five_failures_lock_the_address_for_the_lockout():
    clock = Clock()
    t = throttle(clock)
    for _ in range(4):
        assert t.failed("10.0.0.1") == 0
        assert t.retry_after("10.0.0.1") == 0
    assert t.failed("10.0.0.1") == 30
    assert t.retry_after("10.0.0.1") == 30
    assert t.retry_after("10.0.0.2") == 0  # per address
    clock.advance(29)
    assert t.retry_after("10.0.0.1") == 1
    clock.advance(1)
    assert t.retry_after("10.0.0.1") == 0


def test_each_failure_after_a_lock_doubles_the_delay_up_to_the_cap():
    clock = Clock()
    t = throttle(clock)
    delays = []
    for _ in range(12):
        delay = t.failed("a")
        if delay:
            delays.append(delay)
            clock.advance(delay)  # wait out the lock, then fail again
    assert delays == [30, 60, 120, 240, 480, 960, 1920, 3600]


def test_failures_outside_the_window_do_not_count():
    clock = Clock()
    t = throttle(clock, window=60)
    for _ in range(4):
        t.failed("a")
    clock.advance(61)
    for _ in range(4):
        assert t.failed("a") == 0
    assert t.failed("a") == 30


def test_a_quiet_window_after_the_lock_forgives_and_success_resets():
    clock = Clock()
    t = throttle(clock, window=100)
    for _ in range(5):
        t.failed("a")
    clock.advance(30 + 100)  # the lock ended a whole window ago
    for _ in range(4):
        assert t.failed("a") == 0
    assert t.failed("a") == 30  # back to the first delay
    clock.advance(30)
    t.succeeded("a")
    for _ in range(4):
        assert t.failed("a") == 0


def test_throttle_forgets_stale_addresses(monkeypatch):
    import ui.throttle as module

    monkeypatch.setattr(module, "_PRUNE_AT", 10)
    clock = Clock()
    t = throttle(clock, window=10, max_failures=1)
    for i in range(11):
        t.failed(f"old{i}")
    clock.advance(30 + 10 + 1)
    t.failed("new")
    assert len(t._addresses) <= 2


# -- signing in through the window's check --------------------------------------------


def test_login_check_logs_failures_without_the_password_and_throttles(caplog):
    from ui.login import _CLIENT, Login

    accounts = Accounts(
        {"alice": Account("alice", "reader", hash_password("right-password", **FAST))}
    )
    clock = Clock()
    login = Login(accounts, throttle(clock, max_failures=2))

    async def attempts():
        token = _CLIENT.set("192.0.2.7")
        try:
            results = [await login.check("alice", f"wrong-{i}-secret") for i in range(2)]
            results.append(await login.check("alice\nFAKE log line", "wrong-x-secret"))
            return results
        finally:
            _CLIENT.reset(token)

    with caplog.at_level(logging.INFO, logger="ui.login"):
        assert asyncio.run(attempts()) == [False, False, False]
    failures = [r.getMessage() for r in caplog.records if "failed sign-in" in r.getMessage()]
    assert failures[0] == "failed sign-in for 'alice' from 192.0.2.7"
    assert failures[1].endswith("sign-ins from this address refused for 30 s")
    assert "'alice\\nFAKE log line'" in failures[2]  # no forged line in the log
    assert not any("secret" in r.getMessage() for r in caplog.records)
    assert login.throttle.retry_after("192.0.2.7") > 0


def test_login_gate_refuses_a_locked_address_with_429():
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from ui.login import _CLIENT, LoginGate

    seen = []

    async def login(request):
        seen.append(_CLIENT.get())
        return PlainTextResponse("checked")

    clock = Clock()
    t = throttle(clock, max_failures=1)
    gate = Starlette(routes=[Route("/login", login, methods=["POST"]), Route("/", login)])
    client = TestClient(LoginGate(gate, throttle=t))
    assert client.post("/login").text == "checked" and seen == ["testclient"]
    t.failed("testclient")
    refused = client.post("/login/")
    assert refused.status_code == 429 and refused.headers["retry-after"] == "30"
    assert "Too many failed sign-ins" in refused.json()["detail"]
    assert client.get("/").text == "checked"  # only signing in is refused
    clock.advance(30)
    assert client.post("/login").status_code == 200
