"""Credentials inside URLs are hidden wherever a URL is shown or logged."""

from __future__ import annotations

import logging
import socket
from types import SimpleNamespace

import pytest

from assistant.redact import RedactingFormatter, redact_url, redact_urls
from assistant.service import Library
from core.errors import ProviderError
from core.settings import LLMSettings, Settings
from ui import views

SECRET = "S3cret-pw"


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        (f"https://user:{SECRET}@llm.example/v1", "https://***@llm.example/v1"),
        ("https://token@llm.example/v1", "https://***@llm.example/v1"),
        (f"http://[::1]:8080/v1?api_key={SECRET}&x=1", "http://[::1]:8080/v1?api_key=***&x=1"),
        (
            f"see https://a:{SECRET}@h/v1 and http://b:c@k:9/",
            "see https://***@h/v1 and http://***@k:9/",
        ),
        ("https://llm.example/v1", "https://llm.example/v1"),
        ("https://llm.example/people/@me", "https://llm.example/people/@me"),
        ("mailto:team@council.example", "mailto:team@council.example"),
        ("no url: a=1, b@c", "no url: a=1, b@c"),
    ],
)
def test_redact_urls(given, shown):
    assert redact_urls(given) == shown


def test_redact_url_keeps_none():
    assert redact_url(None) is None


def test_log_lines_are_redacted_in_message_arguments_and_traceback():
    formatter = RedactingFormatter("%(levelname)s %(name)s: %(message)s")
    url = f"https://officer:{SECRET}@llm.example/v1/chat/completions"
    try:
        raise ConnectionError(f"cannot reach {url}")
    except ConnectionError as exc:
        record = logging.LogRecord(
            "httpx", logging.INFO, __file__, 1, "HTTP Request: %s %s", ("POST", url), None
        )
        record.exc_info = (type(exc), exc, exc.__traceback__)
    line = formatter.format(record)
    assert SECRET not in line and "officer" not in line
    assert "HTTP Request: POST https://***@llm.example/v1/chat/completions" in line
    assert "ConnectionError: cannot reach https://***@llm.example" in line


def test_about_panel_shows_the_endpoint_without_its_password(tmp_path):
    llm = LLMSettings(mode="openai", base_url=f"https://officer:{SECRET}@llm.example/v1")
    settings = Settings(data_dir=tmp_path, llm=llm)
    about = Library(SimpleNamespace(settings=settings)).about()
    assert about.endpoint == "https://***@llm.example/v1"
    assert "https://***@llm.example/v1" in about.leaves_machine
    shown = views.about_markdown(about, SimpleNamespace(documents=0, pages=0, chunks=0))
    assert SECRET not in shown and "officer" not in shown


def test_provider_errors_name_the_endpoint_without_its_password():
    from assistant.answering.llm import ensure_model_served

    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    llm = LLMSettings(
        mode="openai", base_url=f"http://officer:{SECRET}@127.0.0.1:{port}/v1", timeout=5
    )
    with pytest.raises(ProviderError) as raised:
        ensure_model_served(llm)
    assert SECRET not in str(raised.value) and "officer" not in str(raised.value)
    assert f"http://***@127.0.0.1:{port}/v1" in str(raised.value)
