"""The language-model answer mode wired by ``build_assistant``, on real embedded Chroma.

A scripted chat model and deterministic embeddings (the answerer itself is tested in
``tests/unit/test_llm_answerer.py``).
"""

import httpx
import openai
import pytest

from assistant.app import build_assistant
from core.errors import ConfigError
from core.settings import LLMSettings, Settings
from tests.fakes import HashEmbeddings, ScriptedChatModel, line_chunks
from tests.integration.test_store_and_ingest_service import fake_doc, write

pytestmark = pytest.mark.integration


def test_local_mode_without_a_gguf_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="GGUF_PATH"):
        build_assistant(
            Settings(data_dir=tmp_path / "d", llm=LLMSettings(mode="local")),
            embeddings=HashEmbeddings(),
        )


def test_build_assistant_wires_the_openai_mode_with_an_injected_chat_model(tmp_path):
    chat = ScriptedChatModel().queue("Care leavers have personal advisers [1].")
    assistant = build_assistant(
        Settings(data_dir=tmp_path / "d", llm=LLMSettings(mode="openai", model="gpt-test")),
        embeddings=HashEmbeddings(),
        loader=fake_doc,
        chunker=line_chunks,
        chat=chat,
    )
    assistant.ingest(
        [write(tmp_path, "k.txt", "fostering recruitment\nCare leavers have personal advisers.")]
    )
    answer = assistant.ask("Do care leavers have personal advisers?", id="q1")
    assert (answer.mode, answer.model, answer.prompt) == ("openai", "gpt-test", "answer-v1")
    assert answer.text == "Care leavers have personal advisers [1]."
    assert answer.citations[0].quote == "Care leavers have personal advisers."
    assert "Do care leavers have personal advisers?" in chat.last_user
    chat.queue("Care leavers have personal advisers [1].")
    items = list(assistant.stream("Do care leavers have personal advisers?", history="Q: a\nA: b"))
    assert items[-1].text == "Care leavers have personal advisers [1]."
    assert "Q: a\nA: b" in chat.last_user


def test_openai_mode_without_a_key_says_how_to_set_it(tmp_path):
    assistant = build_assistant(
        Settings(data_dir=tmp_path / "d", llm=LLMSettings(mode="openai")),
        embeddings=HashEmbeddings(),
        loader=fake_doc,
        chunker=line_chunks,
    )
    assistant.ingest([write(tmp_path, "k.txt", "Care leavers have personal advisers.")])
    with pytest.raises(ConfigError, match="^the openai mode needs an API key: set OFSTED_"):
        assistant.ask("Do care leavers have personal advisers?")


def _conversation(tmp_path, chat):
    from assistant.conversation import Conversation

    assistant = build_assistant(
        Settings(data_dir=tmp_path / "d", llm=LLMSettings(mode="openai", model="gpt-test")),
        embeddings=HashEmbeddings(),
        loader=fake_doc,
        chunker=line_chunks,
        chat=chat,
    )
    assistant.ingest(
        [
            write(
                tmp_path,
                "k.txt",
                "Kent fostering recruitment improved.\nKent care leavers have advisers.",
            )
        ]
    )
    return Conversation(assistant)


def test_the_model_rewrites_a_follow_up_from_the_conversation(tmp_path):
    chat = ScriptedChatModel().queue("Kent fostering recruitment improved [1].")
    conversation = _conversation(tmp_path, chat)
    conversation.ask("How is fostering recruitment in Kent?")
    chat.queue("How are care leavers supported in Kent?", "Kent care leavers have advisers [1].")
    answer = conversation.ask("And what about their care leavers?")
    rewrite_prompt = chat.prompts[-2]
    assert "rewrite the user's latest question" in str(rewrite_prompt[0].content)
    assert "How is fostering recruitment in Kent?" in str(rewrite_prompt[-1].content)
    assert "Latest question: And what about their care leavers?" in str(rewrite_prompt[-1].content)
    assert conversation.turns[-1].standalone == "How are care leavers supported in Kent?"
    assert "Question: How are care leavers supported in Kent?" in chat.last_user
    assert answer.text == "Kent care leavers have advisers [1]."


def test_an_unreachable_model_leaves_follow_ups_to_the_rules(tmp_path):
    chat = ScriptedChatModel().queue("Kent fostering recruitment improved [1].")
    conversation = _conversation(tmp_path, chat)
    conversation.ask("How is fostering recruitment in Kent?")
    down = openai.APIConnectionError(request=httpx.Request("POST", "http://127.0.0.1:9/v1"))
    chat.queue(down, "Kent care leavers have advisers [1].")
    conversation.ask("And what about their care leavers?")
    assert "Kent" in conversation.turns[-1].standalone  # the rule-based rewrite
