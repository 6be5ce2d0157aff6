"""A 2,000-character question of pathological filler is answered from the reports (issue 12).

Real embedded Chroma with deterministic embeddings; the cleaning and question functions
on such input are tested in ``tests/unit/test_linear_time.py``.
"""

from __future__ import annotations

import pytest

from assistant.app import build_assistant
from core.settings import Settings
from tests.fakes import HashEmbeddings
from tests.integration.test_hybrid_retrieval import LIBRARY, chunker, loader, make
from tests.unit.test_linear_time import question
from tests.watchdog import no_hang

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("linear")
    assistant = build_assistant(
        Settings(data_dir=tmp / "data"), embeddings=HashEmbeddings(), loader=loader, chunker=chunker
    )
    assert assistant.ingest(make(tmp, **LIBRARY)).count("added") == 4
    return assistant


@pytest.mark.parametrize("filler", [" ", ",", "*", "_", "~", "#", "@", ".", "?"])
def test_a_2000_character_question_is_answered_from_the_reports(library, filler):
    with no_hang():
        answer = library.ask(question(filler))
    assert {c.source for c in answer.citations} <= {"kent2017.txt", "kent2022.txt"}
    assert answer.citations and "Care leavers" in answer.text
