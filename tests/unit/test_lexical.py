"""The BM25 side index: build, persist, reload, filter (against Chroma: tests/integration)."""

import pytest

from assistant.answering.text_units import terms
from assistant.filtering import parse_date_bound
from core.errors import InputError
from vectorstore.lexical import LexicalFilter, LexicalIndex, LexicalRecord
from vectorstore.store import Filters, authority_key

ITEMS = [
    (
        LexicalRecord("a:0", "a", ("Kent",), "inspection report", 20220520),
        "Care leavers have personal advisers in Kent.",
    ),
    (
        LexicalRecord("a:1", "a", ("Kent",), "inspection report", 20220520),
        "The virtual school tracks attainment.",
    ),
    (
        LexicalRecord("b:0", "b", ("Norfolk",), "inspection report", 20130816),
        "Care leavers in Norfolk lack suitable accommodation.",
    ),
    (
        LexicalRecord("c:0", "c", (), "national survey", 20070401),
        "Narrowing the gap for looked after children.",
    ),
]


@pytest.fixture
def index(tmp_path):
    idx = LexicalIndex(tmp_path / "lex", terms)
    assert idx.rebuild(ITEMS, "7") == 4
    return idx


def test_bm25_ranks_matching_chunks(index):
    hits = index.search(terms("care leavers accommodation"), 3)
    assert [cid for cid, _ in hits][:2] == ["b:0", "a:0"]
    assert all(score > 0 for _, score in hits)
    assert "c:0" not in [cid for cid, _ in hits]  # no shared term, no hit


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (LexicalFilter(authorities=("Kent",)), ["a:0"]),
        (LexicalFilter(kinds=("national survey",)), []),
        (LexicalFilter(doc_ids=("b",)), ["b:0"]),
        (LexicalFilter(since=20200101), ["a:0"]),
        (LexicalFilter(until=20141231), ["b:0"]),
    ],
    ids=["authority", "kind", "doc", "since", "until"],
)
def test_filters_restrict_hits(index, flt, expected):
    assert [cid for cid, _ in index.search(terms("care leavers"), 5, flt)] == expected


def test_saved_index_reloads_with_generation_and_vocabulary(index, tmp_path):
    again = LexicalIndex(tmp_path / "lex", terms)
    assert again.load()
    assert again.generation == "7" and again.signature == "7" and len(again) == 4
    assert again.vocabulary()["leavers"] == 2
    assert [c for c, _ in again.search(terms("virtual school"), 2)] == ["a:1"]


def test_missing_or_corrupt_index_does_not_load(tmp_path):
    assert not LexicalIndex(tmp_path / "none", terms).load()
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "records.json").write_text("{not json")
    assert not LexicalIndex(bad, terms).load()


def test_rebuild_replaces_previous_content(index):
    index.rebuild(ITEMS[2:], "8")
    assert index.generation == "8"
    assert [c for c, _ in index.search(terms("virtual school"), 3)] == []


def test_chroma_where_clauses():
    assert Filters().where() is None
    assert Filters(authorities=("Kent",)).where() == {authority_key("Kent"): True}
    both = Filters(authorities=("Kent", "Isles of Scilly"), since=20200101).where()
    assert both == {
        "$and": [
            {"$or": [{"auth_kent": True}, {"auth_isles_of_scilly": True}]},
            {"date": {"$gte": 20200101}},
        ]
    }


@pytest.mark.parametrize(
    ("value", "end", "expected"),
    [
        ("2022", False, 20220101),
        ("2022", True, 20221231),
        ("2019-07", True, 20190731),
        ("2019-07-05", False, 20190705),
        (None, False, 0),
    ],
)
def test_date_bounds(value, end, expected):
    assert parse_date_bound(value, end=end) == expected


@pytest.mark.parametrize("value", ["July 2019", "2019-13", "19-07-05"])
def test_bad_dates_are_input_errors(value):
    with pytest.raises(InputError, match="invalid date"):
        parse_date_bound(value, end=False)


def _unit(*xs):
    import numpy as np

    v = np.asarray(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


def test_dense_search_is_exact_within_the_filter_and_persists(tmp_path):
    vectors = [_unit(1, 0, 0), _unit(0.9, 0.1, 0), _unit(1, 0.05, 0), _unit(0, 0, 1)]
    items = [(r, t, v) for (r, t), v in zip(ITEMS, vectors, strict=True)]
    idx = LexicalIndex(tmp_path / "lex", terms)
    idx.rebuild(items, "sig-v")
    query = _unit(1, 0, 0)
    everything = idx.dense_search(query, 4, LexicalFilter())
    assert [c for c, _ in everything] == ["a:0", "b:0", "a:1", "c:0"]
    assert everything[0][1] == pytest.approx(1.0, abs=1e-3)
    kent = idx.dense_search(query, 5, LexicalFilter(authorities=("Kent",)))
    assert [c for c, _ in kent] == ["a:0", "a:1"]
    assert idx.dense_search(query, 5, LexicalFilter(kinds=("board paper",))) == []
    again = LexicalIndex(tmp_path / "lex", terms)
    assert again.load() and again.has_vectors
    assert again.dense_search(query, 2, LexicalFilter()) == everything[:2]


def test_no_vectors_means_no_dense_search_and_old_saves_are_rebuilt(index, tmp_path):
    import json

    assert not index.has_vectors
    assert index.dense_search([1.0, 0.0], 3, LexicalFilter()) is None
    meta_path = tmp_path / "lex" / "records.json"
    meta = json.loads(meta_path.read_text())
    del meta["vectors"]  # as saved before the vectors were kept
    meta_path.write_text(json.dumps(meta))
    assert not LexicalIndex(tmp_path / "lex", terms).load()


def test_an_index_saved_in_an_older_format_is_rebuilt(index, tmp_path):
    import json

    meta_path = tmp_path / "lex" / "records.json"
    assert LexicalIndex(tmp_path / "lex", terms).load()
    meta = json.loads(meta_path.read_text())
    meta["format"] = 1  # tokens made before a closing quote was taken off a word
    meta_path.write_text(json.dumps(meta))
    assert not LexicalIndex(tmp_path / "lex", terms).load()


def test_a_closing_quote_is_not_part_of_the_word():
    assert terms("a very effective ‘front door’ and the 'hub'") == terms(
        "a very effective front door and the hub"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("care leavers", 2),  # Kent and Norfolk
        ("virtual school", 1),
        ("leavers accommodation", 1),  # both words in one passage: Norfolk's
        ("personal accommodation", 0),  # in no passage together
        ("flourish", 0),  # in none at all
    ],
)
def test_how_many_authorities_use_a_phrase(index, text, expected):
    assert index.authorities_using(text) == expected


def test_how_many_authorities_after_a_reload(index, tmp_path):
    again = LexicalIndex(tmp_path / "lex", terms)
    assert again.authorities_using("care leavers") is None  # not loaded: cannot tell
    assert again.load()
    assert again.authorities_using("care leavers") == 2
