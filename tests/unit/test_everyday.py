"""Phrasing words: common in English, no more common in the reports, never the topic."""

from collections import Counter

import pytest

from assistant.answering.extractive import ExtractiveAnswerer
from assistant.answering.text_units import stem
from assistant.prompts import load_prompts
from core.everyday import Phrasing, zipf
from tests.unit.test_extractive import chunk

# a library of 200,000 words in which the reports' own words are frequent
LIBRARY = Counter(
    {"care": 5000, "children": 8000, "missing": 300, "home": 900, "interviews": 200, "went": 1}
)
LIBRARY["days"] = 41  # about half as often as English says it: as much the reports' word
LIBRARY.update({f"word{i}": 180 for i in range(1000)})


@pytest.fixture
def phrasing():
    return Phrasing(lambda: LIBRARY)


@pytest.mark.parametrize("word", ["went", "put", "lot", "around", "Went"])
def test_everyday_words_the_reports_rarely_use_are_phrasing(phrasing, word):
    assert phrasing.is_phrasing(word)


@pytest.mark.parametrize(
    "word",
    [
        "care",  # common in English, and far more common in the reports
        "children",
        "caseloads",  # rare in English
        "turnover",
        "justice",  # not common enough in English to be taken for phrasing
        "days",  # the reports use it a little less than English does, not clearly less
    ],
)
def test_topic_words_are_not_phrasing(phrasing, word):
    assert not phrasing.is_phrasing(word)


def test_english_frequencies_come_from_the_shipped_list():
    assert zipf("went") > 5 > zipf("turnover") > 0
    assert zipf("qwzxv") == 0


def test_a_stem_shared_with_a_topic_word_is_not_phrasing(phrasing):
    # "live" is everyday English; "lives" is too; neither shares a stem with a topic word
    assert phrasing.stems("kids who went missing", stem) >= {"went"}
    assert "miss" not in phrasing.stems("kids who went missing", stem)


def test_the_library_growing_changes_what_is_phrasing():
    words = Counter({f"word{i}": 200 for i in range(1000)})
    phrasing = Phrasing(lambda: words)
    assert phrasing.is_phrasing("put")
    words.update({"put": 200_000})  # the reports now say "put" far more than English does
    words.update({"new": 1})  # the counts grow (the index adds to them in place)
    assert not phrasing.is_phrasing("put")


PASSAGES = [
    chunk(
        "Return home interviews for children missing from home are timely and explore why.",
        rank=0,
        doc="a",
    ),
    chunk("Leaders strengthened the front door. The visit went as planned.", score=0.55, rank=1),
]


def test_lacking_an_everyday_word_does_not_refuse(phrasing):
    answerer = ExtractiveAnswerer(load_prompts("extractive-v1"), phrasing=phrasing)
    question = "What did inspectors say about the follow-up with kids who went missing?"
    drafted = answerer.answer(question, PASSAGES)
    assert not drafted.refused
    assert "Return home interviews" in drafted.text
    assert "went as planned" not in drafted.text  # the everyday word does not pick a sentence


def test_lacking_an_everyday_word_is_forgiven_only_within_one_councils_reports(phrasing):
    """Passages of several councils, found library-wide, answer only on the whole question."""
    answerer = ExtractiveAnswerer(load_prompts("extractive-v1"), phrasing=phrasing)
    question = "What did inspectors say about the follow-up with kids who went missing?"
    one = [
        chunk(PASSAGES[0].text, rank=0, doc="a", authorities=("Kent",)),
        chunk(PASSAGES[1].text, score=0.55, rank=1, doc="a", authorities=("Kent",)),
    ]
    assert not answerer.answer(question, one).refused
    several = [one[0], chunk(PASSAGES[1].text, score=0.55, rank=1, authorities=("Bolton",))]
    assert answerer.answer(question, several).refused


def test_lacking_the_topic_still_refuses(phrasing):
    answerer = ExtractiveAnswerer(load_prompts("extractive-v1"), phrasing=phrasing)
    question = "What did inspectors say about the youth justice service's custody figures?"
    assert answerer.answer(question, PASSAGES).refused


def test_a_month_short_form_places_the_question_and_is_no_topic():
    from assistant.answering.coverage import topic_terms

    topic = topic_terms("what does newham still have to do (nov 2025 inspection)", [])
    assert "nov" not in topic
    assert "still" in topic
