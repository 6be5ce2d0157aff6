"""Named accounts against a real `serve` (issue 12): readers read, editors write, no guessing.

Accounts are made with the real CLI (`accounts add --password-stdin`); the app is driven
through gradio_client, plain HTTP and Debian's Chromium (Playwright).
"""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.conftest import start_app, stop_app
from tests.e2e.test_ui_browser import ARGS, CHROMIUM

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CLI = str(Path(sys.executable).parent / "ofsted-assistant")
READER = ("rita", "Reader-pass-7781")
EDITOR = ("ed", "Editor-pass-3314")
NOTE = "The Quillon befriending scheme gave every care leaver a weekly visit from a volunteer."


def add_account(path: Path, name: str, password: str, role: str) -> None:
    run = subprocess.run(
        [CLI, "accounts", "add", name, "--role", role, "--password-stdin", "--file", str(path)],
        input=password + "\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert f"added account {name} ({role})" in run.stdout
    assert password not in path.read_text()


@pytest.fixture(scope="module")
def accounts_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("accounts") / "accounts.json"
    add_account(path, *READER, "reader")
    add_account(path, *EDITOR, "editor")
    return path


@pytest.fixture(scope="module")
def served(accounts_file, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("accounts-app") / "data"
    proc, url = start_app(data_dir, env={"OFSTED_ASSISTANT_UI__ACCOUNTS_FILE": str(accounts_file)})
    lines: list[str] = []

    def collect() -> None:
        for line in proc.stdout:
            lines.append(line)

    reading = threading.Thread(target=collect, daemon=True)
    reading.start()
    yield url, data_dir, lines
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    reading.join(timeout=10)
    log = "".join(lines)
    assert "Traceback" not in log, log
    assert READER[1] not in log and EDITOR[1] not in log


def wait_for_line(lines: list[str], text: str) -> str:
    """The server's log line holding ``text`` (the log is read as it is written)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = [line for line in list(lines) if text in line]
        if found:
            return found[0]
        time.sleep(0.2)
    raise AssertionError(f"{text!r} not in the server log: {''.join(lines)}")


def write_note(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_text(f"# Quillon care leavers\n\n{NOTE}\n", encoding="utf-8")
    return path


def test_reader_cannot_upload_or_delete_through_the_api_editor_can(served, tmp_path):
    from gradio_client import Client, handle_file

    url, data_dir, log = served
    editor = Client(url, verbose=False, auth=EDITOR)
    reader = Client(url, verbose=False, auth=READER)

    status, _, _ = editor.predict(
        [handle_file(str(write_note(tmp_path, "quillon.md")))], api_name="/upload"
    )
    assert "1 added" in status
    docs = reader.predict(api_name="/documents")  # a reader browses
    assert [d["File"] for d in docs] == ["quillon.md"]
    assert docs[0]["Added"].startswith("uploaded ")  # provenance: how, when and by whom
    assert docs[0]["Added"].endswith(f"by {EDITOR[0]}")

    refused = re.compile(
        "rita is signed in as a reader: to add documents you need an editor account"
    )
    with pytest.raises(Exception, match=refused):
        reader.predict(
            [handle_file(str(write_note(tmp_path, "reader try.md")))], api_name="/upload"
        )
    assert list(data_dir.rglob("reader try*")) == []  # the refused upload left nothing behind
    assert "WARNING" in wait_for_line(log, "refused to add documents for 'rita' (not an editor)")
    with pytest.raises(Exception, match="rita is signed in as a reader: to delete documents"):
        reader.predict(docs[0]["Id"], api_name="/delete_document")
    with pytest.raises(Exception, match="rita is signed in as a reader: to replace documents"):
        reader.predict(api_name="/confirm_upload")
    assert [d["File"] for d in reader.predict(api_name="/documents")] == ["quillon.md"]

    # a reader asks (and the answer cites the editor's document)
    *_, plain = reader.predict(
        "What did the Quillon befriending scheme give care leavers?",
        [],
        [],
        [],
        "",
        "",
        [],
        api_name="/ask",
    )
    assert "weekly visit" in plain and "quillon.md" in plain

    assert "Deleted" in editor.predict(docs[0]["Id"], api_name="/delete_document")
    assert reader.predict(api_name="/documents") == []


@pytest.fixture
def browser():
    if CHROMIUM is None:
        pytest.fail("chromium is not installed: `make test` installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def sign_in(browser, url: str, account: tuple[str, str]):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(url)
    page.get_by_text(
        "After 5 failed attempts from one address, sign-in is refused for 30 s"
    ).wait_for()
    page.get_by_label("username").fill(account[0])
    page.get_by_label("password").fill(account[1])
    page.get_by_role("button", name=re.compile("login", re.I)).click()
    page.get_by_label("Your question").wait_for(timeout=60_000)
    return context, page


def test_window_shows_who_is_signed_in_and_hides_writes_from_a_reader(served, browser, tmp_path):
    url, _, _ = served
    context, page = sign_in(browser, url, READER)
    signed = page.locator("#signed-in")
    signed.get_by_text("Signed in as rita (reader").wait_for()
    page.get_by_role("tab", name="Documents").click()
    page.locator("#reader-note").get_by_text("needs an editor account").wait_for()
    assert page.locator("input[type=file][multiple]").count() == 0  # no upload zone
    assert not any(i.is_visible() for i in page.locator("input[type=file]").all())
    assert page.get_by_text("Drop File Here").count() == 0
    assert page.get_by_role("button", name="Delete document").count() == 0
    assert page.get_by_label("Document to delete").count() == 0
    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("password").wait_for()  # back at the sign-in form
    context.close()

    context, page = sign_in(browser, url, EDITOR)
    page.locator("#signed-in").get_by_text("Signed in as ed (editor").wait_for()
    page.get_by_role("tab", name="Documents").click()
    assert not page.locator("#reader-note").is_visible()
    page.locator("input[type=file][multiple]").set_input_files(
        str(write_note(tmp_path, "window quillon.md"))
    )
    page.get_by_text(re.compile(r"Upload: .*added")).wait_for(timeout=60_000)
    page.get_by_label("Document to delete").click()
    page.get_by_role("option", name=re.compile("window quillon.md")).click()
    page.get_by_role("button", name="Delete document").click()
    page.locator("#delete-box").get_by_text("Delete this document?").wait_for()
    page.get_by_role("button", name="Delete it").click()
    page.get_by_text(re.compile(r"Deleted .*window quillon\.md")).wait_for()
    context.close()


def post_login(url: str, name: str, password: str) -> tuple[int, dict[str, str], str]:
    body = urllib.parse.urlencode({"username": name, "password": password}).encode()
    try:
        with urllib.request.urlopen(url + "login", data=body, timeout=60) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode()


def test_twenty_wrong_passwords_are_throttled_and_logged_without_the_password(
    accounts_file, tmp_path
):
    proc, url = start_app(
        tmp_path / "data",
        env={
            "OFSTED_ASSISTANT_UI__ACCOUNTS_FILE": str(accounts_file),
            "OFSTED_ASSISTANT_UI__LOGIN_LOCKOUT": "2",
        },
    )
    wrong = [f"guess-{i}-Xq{i * 7919}" for i in range(20)]
    try:
        codes = [post_login(url, EDITOR[0], password)[0] for password in wrong]
        assert codes == [400] * 5 + [429] * 15
        code, headers, body = post_login(url, *EDITOR)  # the right password, still refused
        assert code == 429 and "Too many failed sign-ins" in body
        assert int(headers["retry-after"]) >= 1
        deadline = time.monotonic() + 120
        while code == 429 and time.monotonic() < deadline:  # until the delay has passed
            time.sleep(0.5)
            code, _, body = post_login(url, *EDITOR)
        assert code == 200 and '"success"' in body
    finally:
        log = stop_app(proc)
    failures = [line for line in log.splitlines() if "failed sign-in for 'ed'" in line]
    assert len(failures) == 5 and all("from 127.0.0.1" in line for line in failures)
    assert "sign-ins from this address refused for 2 s" in failures[-1]
    assert log.count("sign-in refused from 127.0.0.1: too many failed sign-ins") >= 16
    for password in [*wrong, EDITOR[1]]:
        assert password not in log


@pytest.mark.parametrize(
    "content,message",
    [
        (None, "does not exist: create it with `ofsted-assistant accounts add"),
        ('{"accounts": {"al": ', "is not valid JSON (line 1"),
        ('{"accounts": {"al": {"role": "boss", "password_hash": "x"}}}', "has role 'boss'"),
    ],
    ids=["missing", "not-json", "bad-role"],
)
def test_bad_accounts_file_stops_serve_with_one_line(tmp_path, content, message):
    path = tmp_path / "accounts.json"
    if content is not None:
        path.write_text(content)
    run = subprocess.run(
        [CLI, "serve", "--data-dir", str(tmp_path / "data"), "--port", "1"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**__import__("os").environ, "OFSTED_ASSISTANT_UI__ACCOUNTS_FILE": str(path)},
    )
    assert run.returncode == 1
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: accounts file {path}")
    assert message in lines[0]
