"""The API's routes (ui.openai_api) on a bare FastAPI app over a scripted library."""

from __future__ import annotations

import json
import logging
from types import SimpleNamespace

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from assistant.accounts import Account, Accounts, hash_password
from assistant.models import Answer, Citation
from core.errors import InputError, ProviderError
from ui.login import Login
from ui.openai_api import ProgramsApi
from ui.throttle import LoginThrottle

KEY = "rita:reader-Pass-1"
CITE = Citation(1, "d-kent", "kent.pdf", "Inspection of Kent", 8, "Care leavers", "Warm.", 0.5)


class ScriptedLibrary:
    """What the API calls of ``Library``, answering from a script."""

    def __init__(self) -> None:
        self.settings = SimpleNamespace(ui=SimpleNamespace(concurrency=2))
        self.calls: list[tuple] = []
        self.closed = 0

    def filters(self, **kw):
        if "newsletter" in kw.get("kinds", ()):
            raise InputError("unknown report kind 'newsletter'")
        return kw or None

    def stream_after(self, history, question, filters=None, *, k=None):
        self.calls.append((tuple(history), question, filters, k))
        try:
            if question == "boom":
                yield "Half an "
                raise ProviderError("the model server went away")
            pieces = ["Care leavers ", "are supported ", "[1]"]
            final = "Care leavers are supported [1]."
            if question == "checked":  # a model streamed a claim the checks removed
                pieces = ["Care leavers fly [1]"]
            yield from pieces
            asked = "Care leavers in Kent?" if question == "And their care leavers?" else question
            yield Answer("a1", asked, final, (CITE,), (), "extractive", None, None)
        finally:
            self.closed += 1

    def authorities_cited(self, answer):
        return {"d-kent": ("Kent",)}


def client_for(library, login=None) -> TestClient:
    return TestClient(FastAPI(routes=ProgramsApi(library, login).routes()))


def reader_login(failures: int = 2) -> Login:
    accounts = Accounts({"rita": Account("rita", "reader", hash_password("reader-Pass-1", n=16))})
    return Login(accounts, LoginThrottle(max_failures=failures, window=60, lockout=30))


def chat(client, *messages, headers=None, **extra):
    body = {"model": "ofsted-assistant", "messages": list(messages), **extra}
    return client.post("/v1/chat/completions", json=body, headers=headers or {})


def events(response) -> list:
    lines = [line for line in response.text.split("\n\n") if line]
    assert all(line.startswith("data: ") for line in lines), lines
    return [line[6:] if line == "data: [DONE]" else json.loads(line[6:]) for line in lines]


def streamed_text(chunks) -> str:
    return "".join(
        c["choices"][0]["delta"].get("content", "")
        for c in chunks
        if c != "[DONE]" and c["choices"]
    )


def test_a_completion_is_the_cited_answer_with_citations_as_data():
    library = ScriptedLibrary()
    got = chat(client_for(library), {"role": "user", "content": "Care leavers?"})
    assert got.status_code == 200, got.text
    body = got.json()
    content = body["choices"][0]["message"]["content"]
    assert content.startswith(
        "Care leavers are supported [1].\n\nSources  \n[1] Inspection of Kent"
    )
    assert body["citations"] == [
        {**CITE.to_json(), "doc_id": "d-kent", "authority": "Kent", "authorities": ["Kent"]}
    ]
    assert body["asked_as"] is None and body["usage"]["completion_tokens"] > 0
    assert library.closed == 1


def test_the_conversation_comes_from_the_messages():
    library = ScriptedLibrary()
    got = chat(
        client_for(library),
        {"role": "system", "content": "You are helpful."},
        {"role": "user", "content": "How are care leavers supported in Kent?"},
        {"role": "assistant", "content": "Well [1].\n\nSources  \n[1] Inspection of Kent"},
        {"role": "user", "content": "And their care leavers?"},
        filters={"authorities": ["Kent"]},
        k=4,
    )
    assert got.json()["asked_as"] == "Care leavers in Kent?"
    history, question, filters, k = library.calls[-1]
    assert history == (
        (
            "How are care leavers supported in Kent?",
            "Well [1].\n\nSources  \n[1] Inspection of Kent",
        ),
    )
    assert question == "And their care leavers?"
    assert filters == {"authorities": ("Kent",)} and k == 4


def test_a_stream_gives_the_same_reply_in_chunks_ending_with_citations_and_done():
    library = ScriptedLibrary()
    client = client_for(library)
    whole = chat(client, {"role": "user", "content": "q"}).json()
    got = chat(client, {"role": "user", "content": "q"}, stream=True)
    assert got.headers["content-type"].startswith("text/event-stream")
    chunks = events(got)
    assert chunks[-1] == "[DONE]"
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    assert streamed_text(chunks) == whole["choices"][0]["message"]["content"]
    last = chunks[-2]
    assert last["choices"][0]["finish_reason"] == "stop" and last["citations"] == whole["citations"]
    assert {c["id"] for c in chunks[:-1]} == {chunks[0]["id"]}
    assert library.closed == 2


def test_usage_comes_in_a_last_chunk_when_asked_for():
    chunks = events(
        chat(
            client_for(ScriptedLibrary()),
            {"role": "user", "content": "q"},
            stream=True,
            stream_options={"include_usage": True},
        )
    )
    assert chunks[-2]["choices"] == [] and chunks[-2]["usage"]["total_tokens"] > 0


def test_a_streamed_text_the_checks_changed_is_followed_by_the_checked_answer():
    text = streamed_text(
        events(
            chat(client_for(ScriptedLibrary()), {"role": "user", "content": "checked"}, stream=True)
        )
    )
    assert text.startswith(
        "Care leavers fly [1]\n\n(Checked answer, which replaces the text above:)"
    )
    assert "\n\nCare leavers are supported [1].\n\nSources  \n[1] " in text


def test_a_failure_during_a_stream_ends_it_with_an_error_event():
    library = ScriptedLibrary()
    chunks = events(chat(client_for(library), {"role": "user", "content": "boom"}, stream=True))
    assert chunks[-1] == {
        "error": {
            "message": "the model server went away",
            "type": "api_error",
            "param": None,
            "code": "model_failed",
        }
    }
    assert library.closed == 1


def test_bad_requests_get_openai_style_errors():
    client = client_for(ScriptedLibrary())
    got = chat(client, {"role": "user", "content": "q"}, filters={"kinds": ["newsletter"]})
    assert got.status_code == 400
    assert got.json()["error"]["message"] == "unknown report kind 'newsletter'"
    got = client.post("/v1/chat/completions", content=b"{not json")
    assert got.status_code == 400 and "not valid JSON" in got.json()["error"]["message"]
    got = client.post("/v1/chat/completions", json={"model": "gpt-4o", "messages": []})
    assert got.status_code == 404 and got.json()["error"]["code"] == "model_not_found"
    assert client.get("/v1/models/gpt-4o").status_code == 404
    assert client.get("/v1/models/ofsted-assistant").json()["id"] == "ofsted-assistant"


def test_a_body_over_the_limit_is_refused_unread():
    from ui.openai_api import MAX_BODY_BYTES

    library = ScriptedLibrary()
    huge = {"question": "q", "history": [{"role": "user", "content": "x" * MAX_BODY_BYTES}]}
    got = client_for(library).post("/api/ask", json=huge)
    assert got.status_code == 413 and "over 1 MB" in got.json()["error"]["message"]
    assert library.calls == []


def test_api_ask_returns_the_ask_json_object():
    library = ScriptedLibrary()
    got = client_for(library).post(
        "/api/ask", json={"question": "Care leavers?", "filters": {"since": "2020"}}
    )
    assert got.status_code == 200
    expected = Answer(
        "a1",
        "Care leavers?",
        "Care leavers are supported [1].",
        (CITE,),
        (),
        "extractive",
        None,
        None,
    ).to_json()
    assert got.json() == expected
    assert library.calls[-1] == ((), "Care leavers?", {"since": "2020"}, None)


def test_with_a_login_a_program_needs_an_accounts_name_and_password(caplog):
    caplog.set_level(logging.INFO)
    client = client_for(ScriptedLibrary(), reader_login(failures=5))
    question = {"role": "user", "content": "q"}
    for headers, says in (
        ({}, "Missing API key"),
        ({"Authorization": "Bearer rita"}, "Incorrect API key: use NAME:PASSWORD"),
        ({"Authorization": "Basic x"}, "Incorrect API key: use NAME:PASSWORD"),
    ):
        got = chat(client, question, headers=headers)
        assert got.status_code == 401 and says in got.json()["error"]["message"]
        assert got.headers["www-authenticate"].startswith("Bearer")
    got = chat(client, question, headers={"Authorization": "Bearer rita:wrong-Pass-1"})
    assert got.status_code == 401 and got.json()["error"]["code"] == "invalid_api_key"
    assert client.get("/v1/models").status_code == 401
    assert client.post("/api/ask", json={"question": "q"}).status_code == 401
    got = chat(client, question, headers={"Authorization": f"Bearer {KEY}"})
    assert got.status_code == 200  # a reader may ask
    ok = {"Authorization": f"Bearer {KEY}"}
    assert client.get("/v1/models", headers=ok).status_code == 200
    assert "failed API key for 'rita'" in caplog.text
    assert "wrong-Pass-1" not in caplog.text and "reader-Pass-1" not in caplog.text


def test_wrong_keys_lock_the_address_out():
    client = client_for(ScriptedLibrary(), reader_login(failures=2))
    wrong = {"Authorization": "Bearer rita:nope-nope-1"}
    assert [client.get("/v1/models", headers=wrong).status_code for _ in range(2)] == [401, 401]
    locked = client.get("/v1/models", headers={"Authorization": f"Bearer {KEY}"})
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) >= 1
    assert locked.json()["error"]["type"] == "rate_limit_error"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Bearer alice:pa:ss", ("alice", "pa:ss")),
        ("bearer  alice:", ("alice", "")),
        ("Bearer :secret", (None, "")),
        ("Bearer alice", (None, "")),
        (None, (None, "")),
    ],
)
def test_bearer_key_is_name_colon_password(header, expected):
    from ui.openai_api import _bearer

    assert _bearer(header) == expected
