"""The BM25 side index: build, persist, reload, filter."""

import pytest

from assistant.answering.text_units import terms
from assistant.app import parse_date_bound
from assistant.errors import InputError
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
    assert idx.rebuild(ITEMS, "sig-1") == 4
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


def test_saved_index_reloads_with_signature_and_vocabulary(index, tmp_path):
    again = LexicalIndex(tmp_path / "lex", terms)
    assert again.load()
    assert again.signature == "sig-1" and len(again) == 4
    assert again.vocabulary()["leavers"] == 2
    assert [c for c, _ in again.search(terms("virtual school"), 2)] == ["a:1"]


def test_missing_or_corrupt_index_does_not_load(tmp_path):
    assert not LexicalIndex(tmp_path / "none", terms).load()
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "records.json").write_text("{not json")
    assert not LexicalIndex(bad, terms).load()


def test_rebuild_replaces_previous_content(index):
    index.rebuild(ITEMS[2:], "sig-2")
    assert index.signature == "sig-2"
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
