"""The API for programs: OpenAI-style requests read, cited replies shaped (no server)."""

from __future__ import annotations

import pytest

from assistant import openai_format as fmt
from assistant.models import Answer, Citation

KENT = "Inspection of Kent County Council children's services"


def cite(n: int, page: int | None = 8, title: str = KENT, doc: str = "d-kent") -> Citation:
    return Citation(n, doc, "ilacs/kent/report.pdf", title, page, "Care leavers", f"quote {n}", 0.5)


def answer(text: str, *citations: Citation, question: str = "q") -> Answer:
    return Answer("a1", question, text, citations, (), "extractive", None, None)


def user(text):
    return {"role": "user", "content": text}


def assistant(text):
    return {"role": "assistant", "content": text}


@pytest.mark.parametrize(
    ("messages", "question", "history"),
    [
        ([user("Kent?")], "Kent?", ()),
        (
            [{"role": "system", "content": "be brief"}, user("A?"), assistant("a"), user(" B? ")],
            "B?",
            (("A?", "a"),),
        ),
        ([user("A?"), user("B?")], "B?", (("A?", ""),)),
        (
            [user([{"type": "text", "text": "What about"}, {"type": "text", "text": "Kent?"}])],
            "What about\nKent?",
            (),
        ),
        ([user("A?"), assistant("a1"), assistant("a2"), user("B?")], "B?", (("A?", "a1\n\na2"),)),
    ],
    ids=["one", "system-ignored", "unanswered-turn", "text-parts", "two-replies"],
)
def test_conversation_from_messages(messages, question, history):
    assert fmt.conversation_from_messages(messages) == (question, history)


@pytest.mark.parametrize(
    ("messages", "says"),
    [
        ([], "non-empty list"),
        ("hello", "non-empty list"),
        ([user("A?"), assistant("a")], "last message must be the user's"),
        ([{"content": "no role"}], "must be an object with a 'role'"),
        ([user("   ")], "is empty"),
        ([user([{"type": "image_url", "image_url": {"url": "x"}}])], "only text content"),
        ([user(42)], "a string or a list of text parts"),
    ],
    ids=["empty", "not-a-list", "ends-with-reply", "no-role", "blank", "image", "number"],
)
def test_bad_messages_are_refused_with_a_reason(messages, says):
    with pytest.raises(fmt.RequestError, match=says) as refused:
        fmt.conversation_from_messages(messages)
    assert refused.value.status == 400 and refused.value.param.startswith("messages")


def test_chat_request_reads_model_stream_filters_and_k():
    req = fmt.chat_request(
        {
            "model": "ofsted-assistant",
            "messages": [user("Care leavers?")],
            "stream": True,
            "stream_options": {"include_usage": True},
            "temperature": 0.2,  # accepted, ignored
            "filters": {"authorities": "Kent", "since": 2020, "kinds": ["inspection report"]},
            "k": 5,
        }
    )
    assert req.question == "Care leavers?" and req.stream and req.include_usage and req.k == 5
    assert req.filters == {
        "authorities": ("Kent",),
        "since": "2020",
        "kinds": ("inspection report",),
    }


def test_an_unknown_model_is_a_404_naming_the_model_to_use():
    with pytest.raises(fmt.RequestError) as refused:
        fmt.chat_request({"model": "gpt-4o", "messages": [user("Kent?")]})
    err = refused.value
    assert err.status == 404 and err.code == "model_not_found" and err.param == "model"
    assert "'gpt-4o' does not exist" in str(err) and "'ofsted-assistant'" in str(err)
    assert err.body() == {
        "error": {
            "message": str(err),
            "type": "invalid_request_error",
            "param": "model",
            "code": "model_not_found",
        }
    }


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"model": "ofsted-assistant", "messages": [user("x")], "n": 2}, "n=1"),
        ({"model": "ofsted-assistant", "messages": [user("x")], "k": 0}, "'k' must be"),
        ({"model": "ofsted-assistant", "messages": [user("x")], "filters": {"x": 1}}, "unknown"),
        ({"model": "ofsted-assistant", "messages": [user("x")], "filters": "Kent"}, "object"),
        (
            {"model": "ofsted-assistant", "messages": [user("x")], "filters": {"docs": [1]}},
            "list of strings",
        ),
        ([], "JSON object"),
    ],
    ids=["n", "k", "unknown-filter", "filters-not-object", "docs-not-strings", "not-object"],
)
def test_bad_chat_requests_are_refused(body, says):
    with pytest.raises(fmt.RequestError, match=says):
        fmt.chat_request(body)


def test_ask_request_takes_question_history_filters_and_k():
    req = fmt.ask_request(
        {
            "question": " And Norfolk? ",
            "history": [user("Kent's grade?"), assistant("Outstanding [1]")],
            "filters": {"since": "2010"},
            "k": 3,
        }
    )
    assert req.question == "And Norfolk?"
    assert req.history == (("Kent's grade?", "Outstanding [1]"),)
    assert req.filters == {"since": "2010"} and req.k == 3 and not req.stream


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({}, "'question' must be"),
        ({"question": "x", "history": "nope"}, "'history' must be a list"),
        ({"question": "x", "model": "y"}, "unknown field 'model'"),
    ],
)
def test_bad_ask_requests_are_refused(body, says):
    with pytest.raises(fmt.RequestError, match=says):
        fmt.ask_request(body)


def test_reply_is_the_answer_then_one_sources_line_per_place():
    reply = fmt.reply_content(
        answer(
            "Care leavers are well supported [1][2]. PAs know them [3].\n",
            cite(1),
            cite(2),
            cite(3, page=9),
        )
    )
    text, sources = reply.split("\n\nSources  \n")
    assert text == "Care leavers are well supported [1][2]. PAs know them [3]."
    assert sources.split("  \n") == [
        f"[1], [2] {KENT} (ilacs/kent/report.pdf), p. 8, section “Care leavers”",
        f"[3] {KENT} (ilacs/kent/report.pdf), p. 9, section “Care leavers”",
    ]
    assert fmt.reply_content(answer("Not covered.")) == "Not covered."


def test_an_earlier_reply_is_read_back_with_its_source_lines():
    reply = fmt.reply_content(answer("Outstanding [1]", cite(1)))
    text, lines = fmt.split_reply(reply)
    assert text == "Outstanding [1]" and len(lines) == 1 and KENT in lines[0]
    earlier = fmt.earlier_answer("Kent's grade?", reply)
    assert earlier.text == "Outstanding [1]" and earlier.question == "Kent's grade?"
    assert [c.title for c in earlier.citations] == lines  # its authority can carry over
    assert fmt.split_reply("A reply from elsewhere.") == ("A reply from elsewhere.", [])


def test_citations_as_data_add_doc_id_and_authorities_to_ask_json():
    a = answer("x [1][2]", cite(1), cite(2, doc="d-two"))
    rows = fmt.citations_json(a, {"d-kent": ("Kent",), "d-two": ("Kent", "Medway")})
    assert rows[0] == {
        **cite(1).to_json(),
        "doc_id": "d-kent",
        "authority": "Kent",
        "authorities": ["Kent"],
    }
    assert rows[1]["authority"] is None and rows[1]["authorities"] == ["Kent", "Medway"]
    assert fmt.citations_json(a)[0]["authorities"] == []


def test_completion_and_chunks_have_openai_shapes():
    extra = fmt.extras(answer("x [1]", cite(1)), {}, "asked")
    done = fmt.completion("x", extra, used=fmt.usage(3, 4))
    assert done["object"] == "chat.completion" and done["id"].startswith("chatcmpl-")
    assert done["choices"][0]["message"] == {"role": "assistant", "content": "x", "refusal": None}
    assert done["choices"][0]["finish_reason"] == "stop" and done["model"] == "ofsted-assistant"
    assert done["usage"] == {"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7}
    assert done["citations"][0]["n"] == 1 and done["asked_as"] == "asked"
    assert done["refused"] is False
    last = fmt.chunk("c1", 5, {}, finish="stop", extra=extra)
    assert last["object"] == "chat.completion.chunk" and last["choices"][0]["delta"] == {}
    assert last["choices"][0]["finish_reason"] == "stop" and last["citations"][0]["n"] == 1
    usage = fmt.chunk("c1", 5, None, used=fmt.usage(1, 2))
    assert usage["choices"] == [] and usage["usage"]["total_tokens"] == 3


def test_streamed_pieces_join_to_the_text_of_the_whole_reply():
    a = answer("  The answer [1]\n", cite(1))
    pieces = fmt.Pieces()
    sent = [pieces.send(p) for p in ["  The ", "answer ", "[1]\n"]]
    assert sent == ["The", " answer", " [1]"]
    assert "".join(sent) + fmt.closing_text(pieces.sent, a) == fmt.reply_content(a)


def test_a_checked_answer_that_differs_from_the_stream_follows_it_and_says_so():
    a = answer("Supported [1].", cite(1))
    assert fmt.closing_text("Supported", a).startswith(" [1].\n\nSources")
    rest = fmt.closing_text("Supported well, and an unsupported claim", a)
    assert rest.startswith("\n\n(Checked answer, which replaces the text above:)\n\nSupported [1].")
    assert rest.endswith(fmt.sources_text(a.citations))


def test_models_list_names_the_one_model():
    listed = fmt.models_list(7)
    assert listed["object"] == "list"
    assert [m["id"] for m in listed["data"]] == ["ofsted-assistant"]
