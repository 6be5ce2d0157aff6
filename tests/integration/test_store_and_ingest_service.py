"""Store and ingest service on a real embedded Chroma with deterministic embeddings."""

from pathlib import Path

import pytest

from assistant.app import build_assistant
from core.documents import DocumentMeta, PageSpan, ParsedDocument
from core.errors import IngestError
from core.settings import Settings
from tests.fakes import HashEmbeddings, line_chunks

pytestmark = pytest.mark.integration


def fake_doc(path: Path, source: str) -> ParsedDocument:
    text = path.read_text()
    if text.startswith("BAD"):
        raise IngestError("corrupt test file")
    return ParsedDocument(
        doc_id="id-" + str(abs(hash(text))),
        source=source,
        file_type="txt",
        text=text,
        pages=(PageSpan(1, 0, len(text) // 2), PageSpan(2, len(text) // 2, len(text))),
        meta=DocumentMeta(title=source.upper(), authorities=("Kent",), kind="inspection report"),
    )


@pytest.fixture
def assistant(tmp_path):
    return build_assistant(
        Settings(data_dir=tmp_path / "d"),
        embeddings=HashEmbeddings(),
        loader=fake_doc,
        chunker=line_chunks,
    )


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text)
    return (p, name)


def test_ingest_is_idempotent_and_replaces_changed_files(tmp_path, assistant):
    a = write(tmp_path, "a.txt", "care leavers are supported\nthe virtual school is strong")
    b = write(tmp_path, "b.txt", "fostering recruitment improved\nadoption is timely")
    report = assistant.ingest([a, b])
    assert (report.count("added"), report.exit_code) == (2, 0)
    assert assistant.store.count_chunks() == 4

    again = assistant.ingest([a, b])
    assert again.count("unchanged") == 2 and assistant.store.count_chunks() == 4

    a = write(
        tmp_path, "a.txt", "care leavers are supported\nthe virtual school is strong\nnew line"
    )
    changed = assistant.ingest([a])
    assert changed.outcomes[0].status == "updated"
    docs = {d.source: d for d in assistant.documents()}
    assert docs["a.txt"].chunk_count == 3 and len(docs) == 2
    assert assistant.store.count_chunks() == 5


def test_one_bad_file_does_not_stop_the_rest_and_exit_code_is_partial(tmp_path, assistant):
    good = write(tmp_path, "good.txt", "care leavers are supported")
    bad = write(tmp_path, "bad.txt", "BAD content")
    report = assistant.ingest([bad, good])
    assert [o.status for o in report.outcomes] == ["failed", "added"]
    assert report.outcomes[0].reason == "corrupt test file"
    assert report.exit_code == 3


def test_same_content_under_two_names_is_stored_once(tmp_path, assistant):
    a = write(tmp_path, "a.txt", "same words here")
    b = write(tmp_path, "copy.txt", "same words here")
    report = assistant.ingest([a, b])
    assert [o.status for o in report.outcomes] == ["added", "unchanged"]
    assert "same content as a.txt" in report.outcomes[1].reason
    assert len(assistant.documents()) == 1


def test_remove_deletes_record_and_chunks(tmp_path, assistant):
    assistant.ingest([write(tmp_path, "a.txt", "one\ntwo"), write(tmp_path, "b.txt", "three")])
    removed = assistant.remove("a.txt")
    assert removed.source == "a.txt"
    assert [d.source for d in assistant.documents()] == ["b.txt"]
    assert assistant.store.count_chunks(removed.doc_id) == 0
    assert assistant.store.count_chunks() == 1


def test_orphan_chunks_of_an_interrupted_ingest_are_cleaned(tmp_path, assistant):
    (path, source) = write(tmp_path, "a.txt", "alpha\nbeta")
    doc = fake_doc(path, source)
    chunks = line_chunks(doc, 200, 0)
    # Simulate a crash after chunks were written but before the document record.
    assistant.store._chunks.upsert(
        ids=["orphan:00000"],
        embeddings=[[1.0] + [0.0] * 383],
        documents=["alpha"],
        metadatas=[{"doc_id": "orphan", "source": "x", "chunk_index": 0, "start": 0, "end": 5}],
    )
    assert len(chunks) == 2
    assistant.ingest([(path, source)])
    assert assistant.store.count_chunks("orphan") == 0
    assert assistant.store.count_chunks() == 2


def test_search_returns_best_chunk_with_page_and_title(tmp_path, assistant):
    assistant.ingest(
        [write(tmp_path, "k.txt", "fostering recruitment\ncare leavers personal advisers")]
    )
    hits = assistant.retriever.search("care leavers advisers", 1)
    assert hits[0].text == "care leavers personal advisers"
    # the chunk starts on page 1 and page 2 begins 4 characters into it
    assert hits[0].title == "K.TXT" and hits[0].page == 1
    assert hits[0].page_starts == ((4, 2),) and hits[0].page_of(10) == 2
    assert 0.5 < hits[0].score <= 1.0001


def test_ask_json_contract(tmp_path, assistant):
    assistant.ingest(
        [write(tmp_path, "k.txt", "fostering recruitment\nCare leavers have personal advisers.")]
    )
    answer = assistant.ask("Do care leavers have personal advisers?", id="q1")
    data = answer.to_json()
    assert set(data) >= {
        "id",
        "question",
        "answer",
        "citations",
        "retrieved",
        "mode",
        "model",
        "prompt",
        "timings_ms",
    }
    assert data["id"] == "q1" and data["mode"] == "extractive"
    assert set(data["timings_ms"]) == {"retrieve", "answer"}
    cit = data["citations"][0]
    assert set(cit) == {"n", "source", "title", "page", "section", "quote", "score"}
    assert cit["quote"] == "Care leavers have personal advisers."
    assert set(data["retrieved"][0]) == {"source", "page", "section", "text", "score", "context"}
    assert data["refusal_detail"] is None  # answered
    # a refusal says which check refused it (an added field: nothing else changed)
    refused = assistant.ask("How many care leavers have personal advisers?").to_json()
    assert refused["refused"] and refused["refusal_reason"] == "not covered"
    assert refused["refusal_detail"] == "a figure asked, none quoted"


def test_resolve_unknown_document_is_an_input_error(assistant):
    from core.errors import InputError

    with pytest.raises(InputError, match="no document matches"):
        assistant.remove("nope.pdf")


def test_ingest_reports_each_stage_in_order_with_chunks_embedded_up_to_all(tmp_path, assistant):
    # 70 chunks: embedded in steps of 32, so the count moves before it reaches 70
    many = write(tmp_path, "many.txt", "\n".join(f"line {i} about care" for i in range(70)))
    bad = write(tmp_path, "bad.txt", "BAD content")
    seen, done = [], []
    report = assistant.ingest(
        [many, bad], lambda *args: done.append(args[:2]), on_stage=seen.append
    )
    assert [o.status for o in report.outcomes] == ["added", "failed"]
    first = [p for p in seen if p.file == 1]
    stages = [p.stage for p in first]
    assert stages == ["reading", "chunking"] + ["embedding"] * 4 + ["indexing", "done"]
    assert [p.done for p in first if p.stage == "embedding"] == [0, 32, 64, 70]
    assert {p.total for p in first if p.stage == "embedding"} == {70}
    assert [p.fraction for p in first] == sorted(p.fraction for p in first)
    assert first[-1].outcome.status == "added" and first[-1].fraction == 1.0
    assert first[3].describe() == "Embedding many.txt: 32 of 70 passages (file 1 of 2)"
    # a file that fails is read, then done, with its outcome
    assert [(p.stage, p.files) for p in seen if p.file == 2] == [("reading", 2), ("done", 2)]
    assert seen[-1].outcome.status == "failed" and seen[-1].overall == 1.0
    assert done == [(1, 2), (2, 2)]  # the per-file callback is unchanged


def test_an_upload_reports_stages_with_the_file_s_place_in_the_upload(tmp_path, assistant):
    from assistant.service import Library

    a = write(tmp_path, "a.txt", "care leavers are supported\nthe virtual school is strong")
    b = write(tmp_path, "b.txt", "fostering recruitment improved")
    seen = []
    Library(assistant).upload([a, b], seen.append)
    assert [(p.file, p.files) for p in seen if p.stage == "reading"] == [(1, 2), (2, 2)]
    embedded = [(p.file, p.done, p.total) for p in seen if p.stage == "embedding"]
    assert embedded == [(1, 0, 2), (1, 2, 2), (2, 0, 1), (2, 1, 1)]
    assert "the grades table" in seen[-1].describe()


def test_a_cited_passage_carries_its_document_s_labelled_dates(tmp_path):
    import dataclasses

    from assistant.models import Citation
    from assistant.service import Library

    def dated(path, source):
        doc = fake_doc(path, source)
        meta = dataclasses.replace(
            doc.meta, inspected_from="2022-05-09", inspected="2022-05-20", published="2022-07-05"
        )
        return dataclasses.replace(doc, meta=meta)

    assistant = build_assistant(
        Settings(data_dir=tmp_path / "d"),
        embeddings=HashEmbeddings(),
        loader=dated,
        chunker=line_chunks,
    )
    assistant.ingest([write(tmp_path, "k.txt", "care leavers are supported")])
    (doc,) = assistant.documents()
    cited = Citation(1, doc.doc_id, "k.txt", "K.TXT", 1, None, "care leavers", 1.0)
    view = Library(assistant).passage(cited)
    assert view.dates == "inspected 9–20 May 2022 · published 5 July 2022"
    assert view.quote == "care leavers" and view.after == " are supported"
