"""Hybrid retrieval on real Chroma and real BM25 with deterministic embeddings.

Documents are written as files whose first line is ``authority|kind|published|inspected``
so each test states exactly what the metadata is.
"""

import hashlib
from pathlib import Path

import pytest

from assistant.app import build_assistant
from core.documents import Chunk, DocumentMeta, ParsedDocument
from core.settings import Settings
from tests.fakes import HashEmbeddings

pytestmark = pytest.mark.integration


def loader(path: Path, source: str) -> ParsedDocument:
    head, _, body = path.read_text().partition("\n")
    authority, kind, published, inspected = head.split("|")
    return ParsedDocument(
        doc_id=hashlib.sha256(path.read_bytes()).hexdigest(),
        source=source,
        file_type="txt",
        text=body,
        meta=DocumentMeta(
            title=f"{authority or 'National'} report",
            authorities=(authority,) if authority else (),
            kind=kind,
            published=published or None,
            inspected=inspected or None,
        ),
    )


def chunker(doc, max_tokens, overlap_tokens):
    out, pos = [], 0
    for line in doc.text.split("\n"):
        start = doc.text.index(line, pos)
        pos = start + len(line)
        if line.strip():
            out.append(Chunk(doc.doc_id, doc.source, len(out), line, start, pos))
    return out


def make(tmp_path, **docs):
    folder = tmp_path / "docs"
    folder.mkdir(exist_ok=True)
    files = []
    for name, text in docs.items():
        p = folder / f"{name}.txt"
        p.write_text(text)
        files.append((p, p.name))
    return files


def build(tmp_path):
    return build_assistant(
        Settings(data_dir=tmp_path / "data"),
        embeddings=HashEmbeddings(),
        loader=loader,
        chunker=chunker,
    )


LIBRARY = {
    "kent2022": "Kent|inspection report|2022-07-05|2022-05-20\n"
    "Care leavers in Kent receive strong support from personal advisers and good housing.\n"
    "The virtual school tracks attainment of children in care closely.",
    "kent2017": "Kent|inspection report|2017-06-13|2017-03-01\n"
    "Care leavers are not always supported well; pathway plans are weak.\n"
    "Leaders have begun to improve the front door.",
    "norfolk2013": "Norfolk|inspection report|2013-08-16|2013-07-01\n"
    "Care leavers lack suitable accommodation and support.\n"
    "At the time of the inspection there were 1,088 looked after children.",
    "national": "|national survey|2010-08|\n"
    "Care leavers in the best authorities receive strong support from personal advisers.",
}


@pytest.fixture
def assistant(tmp_path):
    a = build(tmp_path)
    report = a.ingest(make(tmp_path, **LIBRARY))
    assert report.count("added") == 4
    return a


def test_named_authority_ranks_its_documents_first(assistant):
    hits = assistant.retriever.search("How are Norfolk care leavers supported by advisers?", 4)
    assert hits[0].source == "norfolk2013.txt"
    plain = assistant.retriever.search("How are care leavers supported by advisers?", 4)
    assert plain[0].source != "norfolk2013.txt"  # without the name, better matches win


def test_named_year_prefers_documents_of_that_time(assistant):
    assert assistant.retriever.search("Kent care leavers in 2017", 2)[0].source == "kent2017.txt"
    assert assistant.retriever.search("Kent care leavers in 2022", 2)[0].source == "kent2022.txt"


def test_abbreviation_is_expanded_for_the_lexical_side(assistant):
    hits = assistant.retriever.search("How many LAC were there in Norfolk?", 2)
    assert "1,088 looked after children" in hits[0].text


def test_bm25_finds_what_dense_alone_misses(assistant):
    retriever = assistant.retriever
    lexical_only = retriever.model_copy(update={"dense": False})
    hits = lexical_only.search("pathway plans", 1)
    assert hits and "pathway plans" in hits[0].text
    assert hits[0].score > 0  # a lexical-only hit still gets its cosine score


@pytest.mark.parametrize(
    ("kwargs", "allowed"),
    [
        ({"authorities": ["Kent"]}, {"kent2022.txt", "kent2017.txt"}),
        ({"kinds": ["national survey"]}, {"national.txt"}),
        ({"since": "2020"}, {"kent2022.txt"}),
        ({"until": "2014-12-31"}, {"norfolk2013.txt", "national.txt"}),
        ({"docs": ["kent2017.txt"]}, {"kent2017.txt"}),
    ],
    ids=["authority", "kind", "since", "until", "doc"],
)
def test_filters_restrict_both_sides(assistant, kwargs, allowed):
    filters = assistant.make_filters(**kwargs)
    hits = assistant.retriever.search("care leavers support advisers front door", 6, filters)
    assert hits and {h.source for h in hits} <= allowed


def test_unknown_filter_values_are_input_errors(assistant):
    from core.errors import InputError

    with pytest.raises(InputError, match="unknown local authority"):
        assistant.make_filters(authorities=["Atlantis"])
    with pytest.raises(InputError, match="unknown report kind"):
        assistant.make_filters(kinds=["novel"])


def test_near_duplicate_passages_are_dropped(tmp_path):
    a = build(tmp_path)
    same = "Care leavers receive strong support from personal advisers in every district."
    a.ingest(
        make(
            tmp_path,
            one=f"Kent|inspection report|2022|\n{same}\nFostering is good.",
            two=f"Kent|inspection report|2022|\n{same}\nAdoption is timely.",
        )
    )
    hits = a.retriever.search("care leavers personal advisers", 3)
    assert sum(1 for h in hits if h.text == same) == 1


def test_lexical_index_follows_ingest_and_remove_and_is_persisted(assistant, tmp_path):
    assert len(assistant.store.lexical) == 7  # every chunk of the four documents
    assistant.remove("norfolk2013.txt")
    assert len(assistant.store.lexical) == 5
    hits = assistant.retriever.search("1,088 looked after children accommodation", 6)
    assert all(h.source != "norfolk2013.txt" for h in hits)

    other = build(tmp_path)  # a new process: loads the saved index, no rebuild
    rebuilt = []
    original = other.store.lexical.rebuild
    other.store.lexical.rebuild = lambda *a, **k: rebuilt.append(1) or original(*a, **k)
    other.retriever.search("care leavers", 2)
    assert rebuilt == [] and len(other.store.lexical) == 5


def test_another_process_sees_new_documents(assistant, tmp_path):
    other = build(tmp_path)
    other.retriever.search("care leavers", 1)  # loads the index as it is now
    assistant.ingest(
        make(tmp_path, harrow="Harrow|inspection report|2020|\nKinship care is strong.")
    )
    hits = other.retriever.search("kinship care", 1)
    assert hits[0].source == "harrow.txt"
