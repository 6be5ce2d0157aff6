"""The facade (``assistant.service.Library``) serves the command line as it serves the window.

Real parsing, real Chroma on disk, hash embeddings. What the CLI calls (a bulk ingest, a
one-off question, a conversation in the terminal, grades and actions with its filters,
removal and compaction) goes through the facade's locks and gives what the assistant
underneath gives.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from assistant.service import Answer, Library
from core.errors import InputError
from core.settings import Settings
from tests.fakes import BlockingEmbeddings, HashEmbeddings

pytestmark = pytest.mark.integration

CARE = (
    "# Care leavers in Northby\n\n"
    "Care leavers in Northby are supported by personal advisers who stay in touch until "
    "they are 25. The council pays for driving lessons and university accommodation.\n"
)
HUB = (
    "# The Zorblyx family hub\n\n"
    "The Zorblyx family hub opened every weekday and offered early help to three hundred "
    "families in its first year.\n"
)
GUARD = 120  # seconds: a deadlock guard, never a timing assertion


def _files(tmp_path: Path, **texts: str) -> list[tuple[Path, str]]:
    pairs = []
    for name, text in texts.items():
        path = tmp_path / f"{name}.txt"
        path.write_text(text, encoding="utf-8")
        pairs.append((path, path.name))
    return pairs


def _without_timings(answer: Answer) -> str:
    data = answer.to_json()
    data.pop("timings_ms", None)
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def test_a_bulk_ingest_holds_the_write_lock_until_every_file_is_in(tmp_path: Path):
    embeddings = BlockingEmbeddings(marker="zorblyx")
    library = Library.open(Settings(data_dir=tmp_path / "d"), embeddings=embeddings)
    files = _files(tmp_path, care=CARE, hub=HUB)
    reports = []
    ingester = threading.Thread(
        target=lambda: reports.append(library.ingest(files, added_by="al (command line)"))
    )
    ingester.start()
    listed: list[list[str]] = []
    try:
        assert embeddings.entered.wait(GUARD), "the ingest never reached the second file"
        reader = threading.Thread(
            target=lambda: listed.append([d.source for d in library.documents()]), daemon=True
        )
        reader.start()
        reader.join(0.5)
        assert reader.is_alive(), "a question read the library in the middle of a bulk ingest"
    finally:
        embeddings.release.set()
        ingester.join(GUARD)
    reader.join(GUARD)
    assert [o.status for o in reports[0].outcomes] == ["added", "added"]
    assert sorted(listed[0]) == ["care.txt", "hub.txt"]  # both, never one of them
    assert {d.added_by for d in library.documents()} == {"al (command line)"}


def test_a_question_on_its_own_is_the_assistants_answer(tmp_path: Path):
    library = Library.open(Settings(data_dir=tmp_path / "d"), embeddings=HashEmbeddings())
    library.ingest(_files(tmp_path, care=CARE, hub=HUB))
    question = "How are care leavers supported in Northby?"

    answer = library.ask(question, id="q1", k=3)

    assert answer.id == "q1" and answer.citations[0].source == "care.txt"
    assert _without_timings(answer) == _without_timings(
        library.assistant.ask(question, id="q1", k=3)
    )
    assert not library.empty()
    assert library.filters() is None
    with pytest.raises(InputError, match="unknown local authority"):
        library.filters(authorities=["Nowhereshire"])


def test_a_terminal_conversation_rewrites_a_follow_up_before_it_is_streamed(tmp_path: Path):
    library = Library.open(Settings(data_dir=tmp_path / "d"), embeddings=HashEmbeddings())
    library.ingest(_files(tmp_path, care=CARE))
    session = library.start_conversation()
    first = list(library.stream(session, "What needs to improve in Kent?"))
    assert isinstance(first[-1], Answer)

    standalone = library.rewrite(session, "And their care leavers?")
    pieces = list(library.stream(session, "And their care leavers?", standalone=standalone))

    assert standalone != "And their care leavers?" and "Kent" in standalone
    assert pieces[-1].question == standalone
    assert library.rewritten(session) == standalone
    library.forget_conversation(session)
    assert library.rewrite(session, "And their care leavers?") == "And their care leavers?"


def test_remove_and_compact_go_through_the_facade(tmp_path: Path):
    library = Library.open(Settings(data_dir=tmp_path / "d"), embeddings=HashEmbeddings())
    library.ingest(_files(tmp_path, care=CARE, hub=HUB))

    record = library.remove("hub.txt")  # a source, as `docs remove` takes it

    assert record.source == "hub.txt"
    assert [d.source for d in library.documents()] == ["care.txt"]
    assert library.compact() is True
    with pytest.raises(InputError, match="no document matches"):
        library.remove("hub.txt")


def test_actions_and_grades_take_the_command_lines_filters(tmp_path: Path):
    library = Library.open(Settings(data_dir=tmp_path / "d"), embeddings=HashEmbeddings())
    library.ingest(_files(tmp_path, care=CARE))

    with pytest.raises(InputError, match="unknown status 'late'"):
        library.actions(status="late")
    with pytest.raises(InputError):
        library.actions(as_of="not a date")
    with pytest.raises(InputError, match="unknown local authority"):
        library.grades(authorities=["Nowhereshire"])
    assert library.actions(authorities=["Kent"], status="overdue", as_of="2012-02") == []
    assert library.grades(authorities=["Kent"], neighbours_of="Norfolk", latest=True) == []
