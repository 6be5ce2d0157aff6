"""The API for programs against a real `serve` on loopback, with the real `openai` client.

OpenAI-compatible ``/v1/chat/completions`` (whole and streamed, a follow-up from the
messages), ``/api/ask`` equal to ``ask --json``, and the login: no key or a wrong key is
refused (401), a reader's key asks.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.conftest import start_app, stop_app
from tests.e2e.test_serve_access import raw_status

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CLI = str(Path(sys.executable).parent / "ofsted-assistant")
MODEL = "ofsted-assistant"
CARE_LEAVERS = "How are care leavers supported in Kent?"
KENT_GRADE = "What was Kent's overall effectiveness judgement?"
READER = ("rita", "Reader-pass-7781")


def openai_client(url: str, api_key: str = "unused", **kw):
    import openai

    return openai.OpenAI(base_url=url.rstrip("/") + "/v1", api_key=api_key, max_retries=0, **kw)


def ask(client, *messages: tuple[str, str], **kw):
    return client.chat.completions.create(
        model=MODEL, messages=[{"role": r, "content": c} for r, c in messages], **kw
    )


@pytest.fixture(scope="module")
def client(app_url):
    return openai_client(app_url)


def test_models_lists_the_assistant(client):
    assert [m.id for m in client.models.list()] == [MODEL]
    assert client.models.retrieve(MODEL).id == MODEL


def test_a_completion_is_a_cited_answer_with_citations_as_data(client):
    done = ask(client, ("user", CARE_LEAVERS))
    content = done.choices[0].message.content
    text, sources = content.split("\n\nSources  \n")
    assert "care leavers" in text.lower() and "[1]" in text
    assert sources.startswith("[1]") and "Inspection of Kent" in sources and "p. " in sources
    citations = done.model_extra["citations"]
    assert citations and citations[0]["n"] == 1
    first = citations[0]
    assert set(first) >= {"n", "source", "title", "page", "section", "quote", "doc_id"}
    assert first["authority"] == "Kent" and first["source"].startswith("ilacs/kent/")
    assert first["page"] and first["quote"] and len(first["doc_id"]) == 64
    assert done.model_extra["refused"] is False and done.model_extra["asked_as"] is None
    assert done.choices[0].finish_reason == "stop" and done.usage.completion_tokens > 0


def test_a_stream_gives_the_same_reply_and_ends_with_the_citations(client):
    whole = ask(client, ("user", CARE_LEAVERS))
    chunks = list(ask(client, ("user", CARE_LEAVERS), stream=True))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert len(chunks) > 3
    assert text == whole.choices[0].message.content
    last = chunks[-1]
    assert last.choices[0].finish_reason == "stop"
    drop = {"score"}
    assert [
        {k: v for k, v in c.items() if k not in drop} for c in last.model_extra["citations"]
    ] == [{k: v for k, v in c.items() if k not in drop} for c in whole.model_extra["citations"]]


def test_a_follow_up_is_read_from_the_messages(client):
    first = ask(client, ("user", KENT_GRADE))
    assert "Outstanding" in first.choices[0].message.content
    follow = ask(
        client,
        ("user", KENT_GRADE),
        ("assistant", first.choices[0].message.content),
        ("user", "And Norfolk?"),
    )
    assert "Norfolk" in follow.model_extra["asked_as"]
    assert "Inadequate" in follow.choices[0].message.content
    assert {c["authority"] for c in follow.model_extra["citations"]} == {"Norfolk"}
    # nothing is kept on the server: the same words with no history are not about Kent's grade
    alone = ask(client, ("user", "And Norfolk?"))
    assert alone.model_extra["asked_as"] is None


def test_filters_and_an_unknown_model_are_checked(client):
    import openai

    done = ask(
        client,
        ("user", "What needs to improve?"),
        extra_body={"filters": {"authorities": "Norfolk"}},
    )
    assert {c["authority"] for c in done.model_extra["citations"]} == {"Norfolk"}
    with pytest.raises(openai.BadRequestError, match="unknown report kind"):
        ask(client, ("user", "What needs to improve?"), extra_body={"filters": {"kinds": "x"}})
    with pytest.raises(openai.NotFoundError, match="model_not_found|does not exist"):
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "x"}])


def post_json(url: str, body: dict, headers: dict | None = None) -> dict:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    with urllib.request.urlopen(request, timeout=120) as reply:
        return json.loads(reply.read())


def test_api_ask_returns_what_ask_json_prints(app_url, sample_data_dir):
    served = post_json(app_url + "api/ask", {"question": CARE_LEAVERS})
    run = subprocess.run(
        [CLI, "ask", CARE_LEAVERS, "--json", "--data-dir", str(sample_data_dir)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    printed = json.loads(run.stdout)
    assert list(served) == list(printed)
    for varies in ("id", "timings_ms"):  # a new id and new timings for every answer
        served.pop(varies), printed.pop(varies)
    assert served == printed
    assert served["citations"] and "[1]" in served["answer"]


def test_the_api_answers_only_requests_addressed_to_this_machine(app_url):
    body = json.dumps({"model": MODEL, "messages": [{"role": "user", "content": "x"}]})
    assert raw_status(app_url, "GET /v1/models HTTP/1.1", "evil.example") == 400
    line = "POST /v1/chat/completions HTTP/1.1"
    assert raw_status(app_url, line, "evil.example", body.encode()) == 400
    assert raw_status(app_url, "GET /v1/models HTTP/1.1", "localhost") == 200


@pytest.fixture(scope="module")
def login_url(sample_data_dir, tmp_path_factory):
    from tests.e2e.test_accounts import add_account

    root = tmp_path_factory.mktemp("api-login")
    accounts = root / "accounts.json"
    add_account(accounts, *READER, "reader")
    data_dir = root / "data"
    shutil.copytree(sample_data_dir, data_dir)
    proc, url = start_app(data_dir, env={"OFSTED_ASSISTANT_UI__ACCOUNTS_FILE": str(accounts)})
    box: dict[str, str] = {}
    yield url, box
    box["log"] = stop_app(proc)
    assert "Traceback" not in box["log"], box["log"]
    assert READER[1] not in box["log"] and "Wrong-pass-1" not in box["log"]


def test_with_a_login_a_program_needs_an_accounts_key(login_url):
    import openai

    url, _ = login_url
    with pytest.raises(openai.AuthenticationError, match="Missing API key"):
        ask(
            openai_client(url), ("user", KENT_GRADE), extra_headers={"Authorization": openai.Omit()}
        )
    with pytest.raises(openai.AuthenticationError, match="use NAME:PASSWORD"):
        ask(openai_client(url, api_key="sk-not-an-account"), ("user", KENT_GRADE))
    with pytest.raises(openai.AuthenticationError, match="Incorrect API key"):
        ask(openai_client(url, api_key=f"{READER[0]}:Wrong-pass-1"), ("user", KENT_GRADE))
    with pytest.raises(openai.AuthenticationError):
        openai_client(url, api_key="someone:Wrong-pass-1").models.list()
    with pytest.raises(urllib.error.HTTPError) as refused:
        post_json(url + "api/ask", {"question": KENT_GRADE})
    assert refused.value.code == 401
    assert json.loads(refused.value.read())["error"]["code"] == "invalid_api_key"

    reader = openai_client(url, api_key=f"{READER[0]}:{READER[1]}")  # a reader may ask
    done = ask(reader, ("user", KENT_GRADE))
    assert "Outstanding" in done.choices[0].message.content and done.model_extra["citations"]
    key = {"Authorization": f"Bearer {READER[0]}:{READER[1]}"}
    assert "Outstanding" in post_json(url + "api/ask", {"question": KENT_GRADE}, key)["answer"]


def fake_model_server():
    """An OpenAI-compatible model on loopback that streams its reply word by word."""
    import threading
    from http.server import ThreadingHTTPServer

    from tests.e2e.test_url_credentials import REPLY, FakeOpenAI

    class WordByWord(FakeOpenAI):
        bodies: list[dict] = []

        def do_POST(self) -> None:  # noqa: N802
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            WordByWord.bodies.append(body)
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            words = [w + " " for w in REPLY.split(" ")]
            deltas = [{"role": "assistant", "content": ""}, *({"content": w} for w in words)]
            for delta in [*deltas, {}]:
                chunk = {
                    "id": "c1",
                    "object": "chat.completion.chunk",
                    "created": 0,
                    "model": "fake",
                    "choices": [
                        {"index": 0, "delta": delta, "finish_reason": None if delta else "stop"}
                    ],
                }
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.flush()
            self.wfile.write(b"data: [DONE]\n\n")

    server = ThreadingHTTPServer(("127.0.0.1", 0), WordByWord)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, WordByWord.bodies


def test_with_a_language_model_its_words_stream_and_the_history_reaches_it(
    sample_data_dir, tmp_path
):
    from tests.e2e.test_url_credentials import REPLY

    server, bodies = fake_model_server()
    data_dir = tmp_path / "data"
    shutil.copytree(sample_data_dir, data_dir)
    env = {
        "OFSTED_ASSISTANT_LLM__MODE": "openai",
        "OFSTED_ASSISTANT_LLM__MODEL": "fake",
        "OFSTED_ASSISTANT_LLM__BASE_URL": f"http://127.0.0.1:{server.server_address[1]}/v1",
    }
    proc, url = start_app(data_dir, env=env)
    try:
        client = openai_client(url)
        earlier = ("user", KENT_GRADE), ("assistant", "Outstanding [1]")
        question = ("user", "What did Ofsted say about care leavers in Kent?")
        whole = ask(client, *earlier, question)
        chunks = list(ask(client, *earlier, question, stream=True))
    finally:
        log = stop_app(proc)
        server.shutdown()
    assert "Traceback" not in log, log
    streamed = [
        c.choices[0].delta.content for c in chunks if c.choices and c.choices[0].delta.content
    ]
    # the model's words came as they were written, then whatever the checks made of them
    assert len(streamed) > 5 and "".join(streamed).startswith(REPLY.split(" ")[0])
    text = "".join(streamed)
    final = whole.choices[0].message.content
    assert text == final or text.endswith(
        f"(Checked answer, which replaces the text above:)\n\n{final}"
    )
    assert chunks[-1].model_extra["citations"] == whole.model_extra["citations"]
    # the earlier turn (from the messages) is in what the model was sent
    prompts = [json.dumps(b["messages"]) for b in bodies]
    assert prompts and all("Outstanding [1]" in p for p in prompts), prompts
