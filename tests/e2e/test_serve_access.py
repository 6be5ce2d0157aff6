"""Who can reach the window: a login from settings, and no open non-local address by default."""

from __future__ import annotations

import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.conftest import start_app, stop_app

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CLI = str(Path(sys.executable).parent / "ofsted-assistant")


def test_non_local_address_without_login_is_refused(tmp_path):
    run = subprocess.run(
        [CLI, "serve", "--host", "0.0.0.0", "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1
    assert "refusing to listen on 0.0.0.0 without a login" in run.stderr
    assert "Traceback" not in run.stderr


def test_half_a_login_is_a_clear_error(tmp_path):
    run = subprocess.run(
        [CLI, "serve", "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**__import__("os").environ, "OFSTED_ASSISTANT_UI__USERNAME": "officer"},
    )
    assert run.returncode == 1
    assert "a login needs both" in run.stderr


def test_login_from_settings_is_required(tmp_path):
    from gradio_client import Client

    proc, url = start_app(
        tmp_path / "data",
        env={
            "OFSTED_ASSISTANT_UI__USERNAME": "officer",
            "OFSTED_ASSISTANT_UI__PASSWORD": "s3cret-Pass",
        },
    )
    try:
        with pytest.raises(urllib.error.HTTPError) as denied:
            urllib.request.urlopen(url + "config", timeout=10)
        assert denied.value.code in (401, 403)
        for auth in (None, ("officer", "wrong")):
            with pytest.raises(Exception, match="(?i)login|auth|401|403|credentials"):
                Client(url, verbose=False, auth=auth)
        client = Client(url, verbose=False, auth=("officer", "s3cret-Pass"))
        assert client.predict(api_name="/documents") == []
    finally:
        log = stop_app(proc)
    assert "s3cret-Pass" not in log


def test_upload_over_the_limit_is_refused_and_nothing_is_stored(tmp_path):
    from gradio_client import Client, handle_file

    proc, url = start_app(tmp_path / "data", env={"OFSTED_ASSISTANT_UI__MAX_UPLOAD_MB": "1"})
    try:
        big = tmp_path / "big report.txt"
        big.write_text("Care leavers were supported well by the service. " * 40_000)
        assert big.stat().st_size > 1_000_000
        client = Client(url, verbose=False)
        with pytest.raises(Exception, match="(?i)too large|size|limit|413"):
            client.predict([handle_file(str(big))], api_name="/upload")
        assert client.predict(api_name="/documents") == []
    finally:
        stop_app(proc)
    stored = list((tmp_path / "data").rglob("big report*"))
    assert stored == [], stored
