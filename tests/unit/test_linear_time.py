"""Pathological text for every cleaning and question function (issue 12).

Long runs of spaces, commas, asterisks, underscores, tildes, '#', '@' and dots, openers
with no closer ("**a " …), a 2,000-character question and a 1 MB line: each function
gives the right result on them. The patterns these functions used before took minutes
to years on such input (quadratic, cubic or exponential backtracking); ``no_hang`` turns
a return of that into a failure instead of a stuck run. Timings against input size are
printed by bench/redos.py, not asserted here.
"""

from __future__ import annotations

import pytest

from assistant.answering import intent
from assistant.answering.checks import check_answer, figures, grades
from assistant.answering.judgements import areas_named, asks_about_grades
from assistant.answering.whole import front_matter_asked
from assistant.authority_forms import names_a_place
from assistant.intents import classify_intent
from assistant.query import recency_of
from core.dates import full_years, year_before
from core.vocabulary import COMPARING
from ingest.clean import clean_text, markdown_heading
from ingest.loader import load_document
from ingest.markup import clean_inline
from ingest.metadata import extract_inspection_dates, extract_metadata
from ingest.sniff import detect_type
from tests.unit.test_answer_checks import chunk
from tests.watchdog import no_hang

MB = 1_000_000


def line(unit: str, size: int = MB) -> str:
    """``unit`` repeated to about ``size`` characters."""
    return unit * (size // len(unit))


def _stars(run: str) -> str:
    # "*****" is bold "*" ("**" + "*" + "**"): five become one, the rest stay
    return run[0] * (len(run) // 5 + len(run) % 5)


INLINE = [
    (" ", lambda s: ""),
    ("\t", lambda s: ""),
    (",", lambda s: s),
    ("*", _stars),
    ("_", _stars),
    ("~", _stars),
    ("#", lambda s: s),
    ("@", lambda s: s),
    (".", lambda s: s),
    ("a.", lambda s: s),
    ("a@", lambda s: s),
    ("**a ", str.strip),  # openers with no closer: once rescanned to the end from each
    ("__a ", str.strip),
    ("*a ", str.strip),
    ("_a ", str.strip),
    ("~~a ", str.strip),
    ("![", lambda s: s),
    ("[a](", lambda s: s),
    ("<input ", str.strip),
    ("<b", lambda s: s),
    (" <sup>1", lambda s: " ".join(["1"] * s.count("1"))),
    ("\\_", lambda s: "_" * s.count("_")),
]


@pytest.mark.slow
@pytest.mark.parametrize(("unit", "expected"), INLINE, ids=[repr(u) for u, _ in INLINE])
def test_clean_inline_on_a_1_mb_line(unit, expected):
    text = line(unit)
    with no_hang():
        assert clean_inline(text) == expected(text)


@pytest.mark.slow
@pytest.mark.parametrize("text", [line("![") + "](", line("[") + "](http://", line("![a") + "](x"])
def test_images_and_links_with_no_closer_on_a_1_mb_line(text):
    with no_hang():
        assert clean_inline(text) == text


@pytest.mark.slow
def test_emphasis_around_long_runs_is_still_removed():
    text = "**Kept " + line(" ", MB) + "words** and *this " + line("_", 1000) + " too*"
    with no_hang():
        assert clean_inline(text) == "Kept words and this " + _stars(line("_", 1000)) + " too"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("# a" + line(" ") + "b", "a" + line(" ") + "b", id="spaces-in-a-heading"),
        pytest.param("## a" + line(" ") + "#", "a", id="spaces-before-closing-hashes"),
        pytest.param("# " + line("a "), line("a ").strip(), id="long-heading"),
        pytest.param(line("#"), None, id="hashes-only"),
        pytest.param("# " + line("#"), line("#"), id="hashes-after-a-heading-mark"),
    ],
)
def test_markdown_heading_on_a_1_mb_line(text, expected):
    with no_hang():
        assert markdown_heading(text) == expected


@pytest.mark.slow
@pytest.mark.parametrize("unit", [" ", "*", "#", "@", ".", "**a ", "- "])
def test_clean_text_keeps_the_words_around_a_1_mb_line(unit):
    text = "# Title\n\nFirst paragraph.\n\n" + line(unit) + "x\n\nLast paragraph.\n"
    with no_hang():
        cleaned = clean_text(text, "md").text
    assert cleaned.startswith("Title\n\nFirst paragraph.\n\n")
    assert cleaned.endswith("x\n\nLast paragraph.")


@pytest.mark.slow
def test_clean_text_on_many_blank_lines_and_bullets():
    text = "Intro.\n" + line("\n") + "- item\n" + line("-  \n", MB) + "**" + line(" ", MB) + "\n"
    with no_hang():
        cleaned = clean_text(text, "md").text
    assert cleaned == "Intro.\n\n• item\n\n**"  # "**" alone is not bold


HEAD = (
    "Inspection of Kent County Council children's services\n\n"
    "Inspection dates: 9 to 20 May 2022\n\nKent County Council.\n"
)
PAPER = (
    "Kent County Council\nReport to the Corporate Parenting Board\nTitle: Care leavers\n\n"
    "Contact: jo.bloggs@kent.gov.uk\n"
)


@pytest.mark.slow
@pytest.mark.parametrize(
    "unit", [" ", ",", ".", "@", "a.", "a@", "\n", "1,", "1 ", "**", "- ", "Title  ", "Dear "]
)
@pytest.mark.parametrize(
    ("head", "title"),
    [(HEAD, "Inspection of Kent County Council children's services"), (PAPER, "Care leavers")],
    ids=["report", "board-paper"],
)
def test_metadata_of_a_1_mb_line(unit, head, title):
    with no_hang():
        after = extract_metadata(head + line(unit) + "\nEnd", "txt", "kent.txt")
        dates = extract_inspection_dates("Inspection dates: " + line(unit))
    # a run says nothing: the same as a shorter run of it (all of the text is read for
    # e-mail domains, authorities and copyright; its first 6,000 characters for the rest)
    assert after == extract_metadata(head + line(unit, 10_000) + "\nEnd", "txt", "kent.txt")
    assert (after.title, after.authorities) == (title, ("Kent",))
    assert dates is None


def test_an_html_start_with_many_comments_is_sniffed_at_once():
    comments = b"<!---->" * 140  # a kilobyte: the old pattern backtracked 2**140 ways
    with no_hang():
        assert detect_type(comments + b"x plain text", "notes.txt") == "txt"
        assert detect_type(comments + b"<html><body>x</body></html>", "page.txt") == "html"


@pytest.mark.slow
@pytest.mark.parametrize("unit", [" ", "*", "@", ".", "**a ", "# "])
def test_a_document_with_a_1_mb_line_is_loaded(tmp_path, unit):
    path = tmp_path / "report.md"
    path.write_text(HEAD + "\n" + line(unit) + "end\n\n- Care leavers are supported.\n")
    with no_hang():
        doc = load_document(path, "report.md")
    assert doc.meta.authorities == ("Kent",)
    assert doc.text.endswith("end\n\n• Care leavers are supported.")


# -- questions and answers ------------------------------------------------------------

FILLERS = [" ", ",", "*", "_", "~", "#", "@", ".", "&", " ,", "that ", "**a ", "is  "]


def question(filler: str, words: str = "How are care leavers supported in Kent?") -> str:
    return (words + filler * 2000)[:2000]


PLAIN = "How are care leavers supported in Kent?"


@pytest.mark.slow
def test_one_before_a_1_mb_run_of_spaces():
    # "one another" across a long run of white space is still a pronoun, read once
    with no_hang():
        assert not intent.states_quantity("one" + line(" ") + "another")
        assert intent.states_quantity("one" + line(" ") + "child")


QUESTION_FUNCTIONS = [
    intent.asks_for_grades,
    intent.asks_for_number,
    intent.asks_for_money,
    intent.asks_for_person,
    intent.asks_for_name,  # "who" asking, not of a relative clause
    intent.asks_for_list,
    asks_about_grades,
    areas_named,
    lambda q: classify_intent(q, 1),
    front_matter_asked,
    recency_of,
    lambda q: bool(COMPARING.search(q)),
]


@pytest.mark.parametrize("filler", FILLERS)
def test_question_functions_on_a_2000_character_question(filler):
    q = question(filler)
    with no_hang():
        answers = [f(q) for f in QUESTION_FUNCTIONS]
    assert answers == [f(PLAIN) for f in QUESTION_FUNCTIONS]  # the filler changes nothing


@pytest.mark.parametrize("filler", FILLERS)
def test_two_digit_years_on_a_2000_character_question(filler):
    q = "kent ofsted july 24 " + filler * 900 + " may 25 " + filler * 900 + " ofsted 23"
    with no_hang():
        written = full_years(q)
    assert "july 2024" in written and "may 2025" in written and written.endswith("ofsted 2023")


@pytest.mark.slow
@pytest.mark.parametrize("unit", [" ", ",", "1,", ".1", "  \n", "| ", "Mr ", "£"])
def test_passage_functions_on_a_1_mb_line(unit):
    text = "There were 1,245 children in care." + line(unit)
    with no_hang():
        assert intent.has_figure(text)
        assert not intent.is_grade_unit(line(unit) + "overall effectiveness")
        assert intent.years_in(text + " in 2019") == {2019}
        assert intent.states_quantity(line(unit) + " the forum met monthly")


@pytest.mark.slow
@pytest.mark.parametrize(
    "unit",
    [" ", "1 ", "16-", "16- and ", "aged ", "Key ", "Cool ", "A 1 ", "no one ", "one-to-one "],
)
def test_numbers_that_count_nothing_on_a_1_mb_line(unit):
    # the ages, key stages and labels blanked before a quantity is looked for
    with no_hang():
        assert not intent.states_quantity(line(unit).replace("1", "x") + " aged 16")
        assert intent.states_quantity(line(unit) + " 34 children attend")


def test_grade_question_with_long_runs():
    q = ("Was Kent" + line(" ", 900) + "good for" + line(" ", 900) + "x")[:1999] + "?"
    with no_hang():
        assert asks_about_grades(q)  # "was … good for …?" across the runs
        assert asks_about_grades("Which councils" + line(" is ", 1500) + "were rated good?")


@pytest.mark.slow
@pytest.mark.parametrize("unit", [" ", ",", " [1", "[1, ", ". ", "\t"])
def test_answer_checks_on_a_1_mb_line(unit):
    passage = chunk("Help and protection is good. There were 1,245 children in care.")

    def answer(run: str) -> str:
        return "Help and protection is good [1].\n" + run + "\nThere were 1,245 children [1]."

    text = answer(line(unit))
    with no_hang():
        checked = check_answer(text, [passage])
        found = figures(text), grades(text)
    assert found == (figures(answer(line(unit, 100))), grades(answer(line(unit, 100))))
    assert "1245" in found[0] and found[1] == ["good"]
    assert "Help and protection is good [1]." in checked.text
    assert "There were 1,245 children [1]." in checked.text


@pytest.mark.parametrize("filler", FILLERS + ["before ", "prior to ", "pre-", "before the "])
def test_a_year_asked_before_on_a_2000_character_question(filler):
    q = "kent grade " + filler * 1000 + " before 2025"
    with no_hang():
        assert year_before(q[-2000:]) == 2025


@pytest.mark.parametrize("filler", FILLERS + ["has ", "have ", "ever ", "all "])
def test_a_grade_history_asked_on_a_2000_character_question(filler):
    from assistant.answering.judgements import _HISTORY

    q = ("has kent " + filler * 1000)[:1990] + " changed"
    with no_hang():
        _HISTORY.search(q)
        assert _HISTORY.search("how has kent's grade " + filler * 5 + " changed")


@pytest.mark.parametrize("filler", FILLERS + ["did ", "was  ", "is "])
def test_a_name_that_is_a_word_as_a_verdicts_subject_on_a_2000_character_question(filler):
    q = (filler * 1000)[:1985] + " did reading get"
    word = (filler * 1000)[:1985] + " how is reading taught"
    with no_hang():
        assert names_a_place(q, q.rindex("reading"), q.rindex("reading") + 7)
        assert not names_a_place(word, word.rindex("reading"), word.rindex("reading") + 7)


@pytest.mark.parametrize("filler", FILLERS + ["who ", "judged  ", "when is "])
def test_this_stops_question_patterns_on_a_2000_character_question(filler):
    # a time asked, a post's word after "who", another event, a grade stated as a
    # judgement, and a name opening the question before a dash
    from assistant.answering.whole import _ANOTHER_EVENT

    pad = (filler * 1000)[:1960]
    with no_hang():
        assert intent.asks_for_time(pad + " when was kent inspected")
        assert intent.states_time(pad + " in July 2019")
        assert not intent.asks_for_name(pad + " what r my safety meetings, who chairs them")
        assert _ANOTHER_EVENT.search(pad + " when is the next inspection due")
        assert intent.states_a_grade(pad + " when it was judged to require improvement")
        q = "bury -" + pad + " grades"
        names_a_place(q, 0, 4, whole=True)


@pytest.mark.parametrize("filler", FILLERS + ["in ", "who did ", "multi ", "cic "])
def test_the_eleventh_stops_question_patterns_on_a_2000_character_question(filler):
    # abbreviations in lower case, words the library hyphenates, a year after "in", who
    # carried out an inspection, "who's the"
    from assistant.query import Glossary, QueryAnalyzer

    pad = (filler * 1000)[:1960]
    analyzer = QueryAnalyzer(Glossary.load(), None, lambda: {"multi-agency": 9, "multi": 1})
    with no_hang():
        assert analyzer.cased(pad + " kent cic").endswith("kent CiC")
        assert analyzer.hyphenated(pad + " multi agency").endswith("multi-agency")
        assert full_years(pad + " checking referrals in 17?").endswith("in 2017?")
        assert intent.asks_for_name(pad + " who did leicester's ofsted")
        assert intent.asks_for_person(pad + " who's the DCS")


@pytest.mark.parametrize("filler", FILLERS + ["19 ", "the 19 ", "inspection of ", "homes "])
def test_the_twelfth_stops_question_patterns_on_a_2000_character_question(filler):
    # a two-digit year before "inspection", a service inspected on its own, a contraction
    # typed without its apostrophe
    from assistant.answering.whole import _ANOTHER_EVENT
    from assistant.spelling import everyday_words

    pad = (filler * 1000)[:1960]
    with no_hang():
        assert full_years(pad + " in their 19 inspection").endswith("their 2019 inspection")
        assert _ANOTHER_EVENT.search(pad + " who inspected dorset's fostering service")
        assert _ANOTHER_EVENT.search(pad + " bolton's last children's home inspection")
        assert everyday_words(pad + " theres a worry").endswith("there is a worry")
        assert intent.names_a_grade(pad + " judged good")


@pytest.mark.parametrize("filler", FILLERS + ["HMI ", "? ", "get ", "gets priority "])
def test_the_thirteenth_stops_question_patterns_on_a_2000_character_question(filler):
    # a sum spent asked for, a priority given to someone, the inspector asked for bare
    pad = (filler * 1000)[:1960]
    with no_hang():
        assert classify_intent(pad + " kent agency spend £", 1) == "number"
        assert classify_intent(pad + " do kent CLs get priority for housing", 1) != "improve"
        assert classify_intent(pad + " scilly 2021 ofsted HMI?", 1) == "who_when"


@pytest.mark.parametrize("filler", FILLERS + ["what do ", "- ", "& ", "and ", "y/"])
def test_the_fourteenth_stops_question_patterns_on_a_2000_character_question(filler):
    # "what is it" asked after the term, "what do X do", a name in quotes, text-speak,
    # a name that is a word joined to another
    from assistant.spelling import everyday_words

    pad = (filler * 1000)[:1960]
    with no_hang():
        assert classify_intent(pad + " kent harbour - what is it", 1) == "other"
        assert classify_intent(pad + " what do kent's care consultants do?", 1) == "other"
        assert classify_intent(pad + " what was the 'green fingers' project", 1) == "other"
        assert everyday_words(pad + " y good now").endswith("why good now")
        q = pad + " bolton and reading"
        at = q.rindex("reading")
        assert names_a_place(q, at, at + 7, others=[(q.rindex("bolton"), at - 5)])


@pytest.mark.slow
@pytest.mark.parametrize("unit", [" ", "Aa ", "Aa of ", "of ", "A", "'s ", ". A ", "4 "])
def test_capitalised_names_on_a_1_mb_line(unit):
    from vectorstore.names import capitalised_names

    with no_hang():
        found = capitalised_names("Title\n" + line(unit) + " and the Quad opens.")
        assert "quad" in found


@pytest.mark.parametrize("filler", FILLERS + ["since ", "since the ", "from ", "out of being "])
def test_the_twentieth_stops_question_patterns_on_a_2000_character_question(filler):
    # a year a change is measured from, a grade moved away from, since when answering how
    # long, a count of what money paid for, text-speak beside initials
    from assistant.answering.judgements import _LEFT_GRADE
    from assistant.query import extract_years
    from assistant.spelling import everyday_words

    pad = (filler * 1000)[:1960]
    with no_hang():
        assert extract_years(pad + " what changed since 2021 - ofsted 2024") == (2024,)
        assert _LEFT_GRADE.sub(" ", pad + " out of inadequate").strip() == pad.strip()
        assert intent.states_quantity(pad + " in post since August 2012", "how long in post")
        assert not intent.asks_for_money(pad + " dfe funded apprentices number")
        assert everyday_words(pad + " R&D r they").endswith("R&D are they")


@pytest.mark.parametrize("filler", FILLERS + ["who ", "who co-", "who is ", "chief exec "])
def test_the_twenty_first_stops_question_patterns_on_a_2000_character_question(filler):
    # "who is she" after a post, "chief exec" as a post, "who co-chairs" asking who does it
    pad = (filler * 1000)[:1960]
    with no_hang():
        assert intent.asks_for_name(pad + " glos dcs who is she")
        assert intent.asks_for_name(pad + " kent chief exec name")
        assert not intent.asks_for_name(pad + " who co-chairs the corporate parenting board")


@pytest.mark.parametrize(
    "filler",
    FILLERS
    + [
        "mark ",
        "marked ",
        "down ",
        "improvement ",
        "improvements board ",
        "start ",
        "Its ",
        "did ",
    ],
)
def test_the_twenty_second_stops_question_patterns_on_a_2000_character_question(filler):
    # a grade "marked down" asks a judgement's reasons; a body named for improvement
    # ("improvement board") is not what is to improve; a bare "start date" asks when; "the
    # name of" reads to the end of its clause
    from assistant.asking import _VERDICT_ASKED
    from assistant.intents import _CAPITALISED, _CAPITALISED_RUN, _WHEN_PAST

    pad = (filler * 1000)[:1960]
    with no_hang():
        assert _VERDICT_ASKED.search(pad + " why did ofsted mark ealing down")
        assert intent.asks_for_time(pad + " ealing dcs start date")
        assert _CAPITALISED.search(pad + " about its Mockingbird hubs")
        assert _CAPITALISED_RUN.search(pad + " about its Staying Close scheme")
        assert not intent.asks_for_person(pad + " the name of kent's Children in Care Council")
        assert _WHEN_PAST.match("when did " + pad) and not _WHEN_PAST.match(pad + "when did")
        assert not intent.asks_for_person(pad + " the name of kent's children in care council")
        intent_read = classify_intent(pad + " cumberland improvement board chair", 1)
        assert intent_read == ("improve" if "improvement " in filler else "finding")


@pytest.mark.parametrize(
    "filler", [" ", "\n", ",", "Not ", "Judged ", "aged 16 ", "dcs's ", "Staying "]
)
def test_the_twenty_third_stops_patterns_on_long_runs(filler):
    # "Not Judged" after an area, on its line or the next; an age "aged 16 and 17"; a
    # lower-case abbreviation with "'s"; capitalised words one after another
    from assistant.answering.whole import _unjudged
    from assistant.glossary import Glossary
    from assistant.intents import _CAPITALISED_RUN

    pad = (filler * 1000)[:1960]
    with no_hang():
        assert _unjudged(pad + "\nAdoption performance Not Judged\n")[-1][2] == (
            "Adoption performance"
        )
        assert _unjudged(line(filler, 200_000) + "\nCare leavers\n\nNot Judged")
        assert not intent.states_quantity(pad + " children aged 16 and 17 were seen")
        assert Glossary.load().cased(pad + " how many dcs's", lambda w: False).endswith("DCS's")
        assert _CAPITALISED_RUN.search(pad + " its Staying Close scheme")


@pytest.mark.parametrize(
    "filler", [" ", "of ", "Keeping ", "‘", "K ", "after ", "post ", "Names ", "’ "]
)
def test_the_twenty_fourth_stops_patterns_on_long_runs(filler):
    # a name read from its initials across a long report line; "after 2013" a starting
    # year; a name the question gives; a reporting line
    from assistant.abbreviations import named_by_initials
    from core.dates import without_starting_years

    pad = (filler * 1000)[:1960]
    with no_hang():
        text = line(filler, 200_000) + " the ‘keeping families together’ team"
        assert named_by_initials("KFT", [text]) == "keeping families together"
        assert without_starting_years(pad + " why worse after 2013").endswith("after ")
        assert not intent.asks_for_name(pad + " Telford uses the name Family Connect")
        assert not intent.asks_for_name(pad + " who did the DCS report to")
