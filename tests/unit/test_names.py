"""The names the reports write with capitals inside a sentence (``vectorstore.names``)."""

from __future__ import annotations

import pytest

from vectorstore.names import capitalised_names, name_key

HEADINGS = "Inspection of Kent local authority children's services | Care leavers\n"


def names(text: str) -> set[str]:
    return capitalised_names(HEADINGS + text)


def test_a_name_inside_a_sentence_is_kept():
    assert "flourish" in names("Children are mentored through Flourish, a scheme.")


def test_a_word_capitalised_as_a_sentence_starts_is_not_a_name():
    found = names("Staff are stable. Flourish is no name here: Mentors visit. • Visits are timely.")
    assert not {"flourish", "mentors", "visits", "staff"} & found


def test_the_heading_line_and_title_case_lines_are_not_read():
    found = names("Care Leavers And Their Homes\nyoung people are helped by the Quad.")
    assert "quad" in found
    assert not {"care leavers", "care", "leavers", "homes", "inspection", "kent"} & found


def test_a_name_keeps_its_joining_words_and_every_part():
    found = names("The council runs Voices for Choices and Right 4 Children well.")
    assert {"voices for choices", "right 4 children"} <= found
    assert "choices and right" not in found  # "and" joins two names
    assert "voices for" not in found  # a part ends on a capitalised word
    assert "for choices" not in found  # and starts on one


def test_one_word_is_a_name_only_standing_alone():
    found = names("under the Homeless Reduction Act, and the Quad is open")
    assert {"homeless reduction act", "homeless reduction", "quad"} <= found
    assert not {"homeless", "reduction", "act"} & found


def test_possessives_and_brackets():
    found = names("the regional adoption agency (Aspire) and Norfolk's Flourish scheme")
    assert {"aspire", "norfolk flourish"} <= found


def test_a_long_run_keeps_parts_of_at_most_five_words():
    found = names("they met the One Two Three Four Five Six board")
    assert "one two three four five" in found
    assert "one two three four five six" not in found


@pytest.mark.parametrize(
    ("phrase", "key"),
    [
        ("FLOURISH", "flourish"),
        ("Norfolk’s  Flourish", "norfolk flourish"),
        ("the Quad", "the quad"),
    ],
)
def test_a_phrase_is_looked_up_as_it_is_kept(phrase, key):
    assert name_key(phrase) == key
