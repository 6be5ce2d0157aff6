"""A council written by its initials ("KCC", "WCC"), on the sample library (issue 13, scope).

The sample library holds Kent, Norfolk, Westminster and Worcestershire among others. Initials
one council has name it; initials several councils share name the one the library holds (or
holds a report of the year asked on), with a note; else the answer asks which council is
meant and quotes nothing.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from assistant.cli.app import app

pytestmark = pytest.mark.e2e

runner = CliRunner()


def _ask(data_dir, question: str) -> dict:
    result = runner.invoke(app, ["ask", question, "--json", "--data-dir", str(data_dir)])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _sources(data: dict) -> set[str]:
    return {c["source"] for c in data["citations"]}


def test_initials_of_one_council_scope_the_answer(sample_data_dir):
    data = _ask(sample_data_dir, "KCC what needs to improve")
    assert not data["refused"], data["answer"]
    assert data["scope"]["authorities"] == ["Kent"]
    assert _sources(data) and all("kent" in s.lower() for s in _sources(data))


def test_initials_councils_share_ask_which_when_the_library_holds_several(sample_data_dir):
    # WCC: Warwickshire, Westminster or Worcestershire; the library holds two of them
    data = _ask(sample_data_dir, "wcc what needs to improve")
    assert data["refused"] and data["refusal_reason"] == "no authority named"
    assert data["citations"] == []
    assert "Westminster" in data["answer"] and "Worcestershire" in data["answer"]
    (unsure,) = data["scope"]["unsure"]
    assert unsure["typed"].lower() == "wcc"
    assert unsure["could_be"] == ["Warwickshire", "Westminster", "Worcestershire"]


@pytest.mark.parametrize(
    "question, authority, source",
    [
        # only Westminster's report of those councils is of 2006
        ("wcc 2006 APA grades", "Westminster", "westminster"),
        # NCC: of Newcastle, Norfolk, Nottingham and Nottinghamshire it holds only Norfolk
        ("ncc what needs to improve", "Norfolk", "norfolk"),
    ],
)
def test_initials_councils_share_name_the_one_held_and_say_so(
    sample_data_dir, question, authority, source
):
    data = _ask(sample_data_dir, question)
    assert not data["refused"], data["answer"]
    assert data["scope"]["authorities"] == [authority]
    assert f"is read as {authority}" in data["answer"]
    assert _sources(data) and all(source in s.lower() for s in _sources(data))


@pytest.mark.parametrize(
    "question, authorities",
    [
        ("notts care leavers", ["Nottinghamshire"]),  # a short form: not held, not Kent
        ("NCC care leavers", ["Norfolk"]),  # initials: the one council of them held
    ],
)
def test_a_council_written_short_in_a_chat_is_the_questions_own(
    sample_assistant, question, authorities
):
    from assistant.conversation import Conversation

    chat = Conversation(sample_assistant)
    chat.ask("kent grade")
    answer = chat.ask(question)
    assert chat.turns[-1].standalone == question  # not rewritten "… in Kent"
    assert answer.scope["authorities"] == authorities
    assert all("kent" not in c.source.lower() for c in answer.citations)


def test_a_name_written_short_that_several_councils_fit_is_asked_back(sample_data_dir):
    # "w'shire": Warwickshire, Wiltshire or Worcestershire. The library holds only
    # Worcestershire, but unlike initials the name is not guessed: the user may mean a
    # council it does not hold, and another council's grade would be the answer
    data = _ask(sample_data_dir, "why did w'shire get inadequate")
    assert data["refused"] and data["refusal_reason"] == "no authority named"
    assert data["citations"] == []
    assert "Which council do you mean by “w'shire”" in data["answer"]
    (unsure,) = data["scope"]["unsure"]
    assert unsure["could_be"] == ["Warwickshire", "Wiltshire", "Worcestershire"]
    assert data["scope"]["authorities"] == []


def test_a_nickname_cut_short_scopes_the_answer(sample_data_dir):
    # "norf" (the start of Norfolk) names it: its report answers (or a national report
    # naming it), never another council's
    data = _ask(sample_data_dir, "norf care leavers")
    assert data["scope"]["authorities"] == ["Norfolk"]
    sources = [c["source"] for c in data["citations"]]
    assert any("ilacs/norfolk/" in s for s in sources)
    assert all("ilacs/norfolk/" in s or s.startswith("corpus/ofsted-") for s in sources)
