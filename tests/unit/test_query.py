"""Unit tests for assistant.query: glossary expansion, years, typo and authority correction."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest

from assistant.answering.text_units import terms
from assistant.query import Glossary, QueryAnalyzer, extract_years
from core.errors import ConfigError
from ingest.authorities import AuthorityIndex
from vectorstore.embeddings import known_words

GLOSSARY = Path(__file__).resolve().parents[2] / "core" / "reference" / "glossary.csv"


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return Glossary.load()


@pytest.fixture(scope="module")
def authorities() -> AuthorityIndex:
    return AuthorityIndex.load()


VOCAB = {
    "care": 900,
    "leavers": 40,
    "levels": 300,  # more frequent than "leavers": context must win the tie
    "safeguarding": 500,
    "safeguard": 20,
    "children": 2000,
    "services": 800,
    "inspection": 700,
    "inspections": 100,
    "judgement": 90,
    "judgements": 60,
    "support": 400,
    "how": 50,
    "are": 50,
    "supported": 80,
    "effective": 120,
    "effectiveness": 150,
    "barnes": 2,
}


@pytest.fixture
def analyzer(glossary: Glossary, authorities: AuthorityIndex) -> QueryAnalyzer:
    return QueryAnalyzer(glossary, authorities, lambda: VOCAB)


# -- the glossary file ----------------------------------------------------------------


def _rows() -> list[dict[str, str]]:
    with GLOSSARY.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_glossary_file_is_well_formed() -> None:
    rows = _rows()
    assert 80 <= len(rows) <= 250
    assert {r["kind"] for r in rows} == {"abbreviation", "synonym", "shorthand"}
    keys = [(r["term"], r["expansion"]) for r in rows]
    assert len(keys) == len(set(keys)), "duplicate rows"
    assert all(r["term"].strip() and r["expansion"].strip() for r in rows)


@pytest.mark.parametrize(
    "row", [r for r in _rows() if r["kind"] == "abbreviation"], ids=lambda r: r["term"]
)
def test_every_abbreviation_expands_both_ways(glossary: Glossary, row: dict[str, str]) -> None:
    assert row["expansion"] in glossary.expand(f"What do inspectors say about {row['term']}?")
    assert row["term"] in glossary.expand(f"What do inspectors say about {row['expansion']}?")


@pytest.mark.parametrize(
    "row", [r for r in _rows() if r["kind"] == "shorthand"], ids=lambda r: r["term"]
)
def test_shorthand_expands_one_way(glossary: Glossary, row: dict[str, str]) -> None:
    # staff type "SW"; reports write "social worker" and never "SW"
    assert row["expansion"] in glossary.expand(f"What do inspectors say about {row['term']}?")
    assert row["term"] not in glossary.expand(f"What do inspectors say about {row['expansion']}?")


def test_a_shorthands_full_form_is_found_in_text_and_brings_no_shorthand(
    glossary: Glossary,
) -> None:
    # "social worker" in a passage covers "SW" typed; typed itself it expands to nothing
    assert glossary.forms_in("the social worker visited") != frozenset()
    assert glossary.expand("what do social workers say") == []


@pytest.mark.parametrize(
    ("typed", "cased"),
    [
        ("kent cic numbers", "kent CiC numbers"),
        ("bolton cls and sgos", "bolton CLs and SGOs"),
        ("lac", "LAC"),
        ("send support and la duties", "send support and la duties"),  # everyday words
        ("the cicada, b&nes, x-lac", "the cicada, b&nes, x-lac"),  # inside longer words
        ("Kent LAC", "Kent LAC"),
        ("how many dcs's has cornwall had", "how many DCS's has cornwall had"),  # "'s" after
        ("don't know", "don't know"),
    ],
)
def test_lower_case_abbreviations_are_cased(glossary: Glossary, typed: str, cased: str) -> None:
    assert glossary.cased(typed, lambda word: word in {"send", "la"}) == cased


def test_the_analyzer_cases_abbreviations_that_are_no_everyday_word(glossary: Glossary) -> None:
    analyzer = QueryAnalyzer(glossary, None)
    assert (
        analyzer.cased("how many lac and cic, send and la") == "how many LAC and CiC, send and la"
    )


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("how good r the pre birth assessments", "how good r the pre-birth assessments"),
        ("kent multi agency working", "kent multi-agency working"),
        ("long term plans", "long term plans"),  # "long" is mostly a word of its own
        ("children in care", "children in care"),  # a stop word is never joined
        ("step down", "step down"),  # the library writes "step-down" too rarely
    ],
)
def test_two_words_are_written_as_the_library_hyphenates_them(
    glossary: Glossary, typed: str, written: str
) -> None:
    counts = {"pre-birth": 39, "pre": 3, "birth": 80, "multi-agency": 720, "multi": 6}
    counts |= {"long-term": 139, "long": 400, "in-care": 5, "care": 9000, "step-down": 2}
    analyzer = QueryAnalyzer(glossary, None, lambda: counts)
    assert analyzer.hyphenated(typed) == written


def test_without_word_counts_nothing_is_hyphenated(glossary: Glossary) -> None:
    analyzer = QueryAnalyzer(glossary, None, lambda: {"pre-birth", "pre"})
    assert analyzer.hyphenated("pre birth") == "pre birth"


def _covered(phrase: str, question: str, found: list[str]) -> bool:
    """``phrase`` was added (maybe inside a longer phrase) or the question has its stems."""
    return any(phrase.lower() in f.lower() for f in found) or set(terms(phrase)) <= set(
        terms(question)
    )


@pytest.mark.parametrize(
    "row", [r for r in _rows() if r["kind"] == "synonym"], ids=lambda r: r["expansion"]
)
def test_every_synonym_expands_both_ways(glossary: Glossary, row: dict[str, str]) -> None:
    term, other = row["term"], row["expansion"]
    assert terms(term) != terms(other), "a synonym that stems to the term adds nothing"
    for a, b in ((term, other), (other, term)):
        question = f"Tell me about {a} please"
        assert _covered(b, question, glossary.expand(question))


# -- abbreviations ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        pytest.param("How many LAC are there?", "looked after children", id="LAC"),
        pytest.param("Is the CAF used well?", "common assessment framework", id="CAF"),
        pytest.param("How does the MASH work?", "multi-agency safeguarding hub", id="MASH"),
        pytest.param("Out of hours EDT cover", "emergency duty team", id="EDT"),
        pytest.param("APA letter 2007", "annual performance assessment", id="APA"),
        pytest.param("What did the JAR find?", "joint area review", id="JAR"),
        pytest.param("NEET rates", "not in education, employment or training", id="NEET"),
        pytest.param("Was the LSCB effective?", "local safeguarding children board", id="LSCB"),
        pytest.param("FSM pupils' attainment", "free school meals", id="FSM"),
        pytest.param("EYFSP results", "early years foundation stage profile", id="EYFSP"),
        pytest.param("SEND provision", "special educational needs and disabilities", id="SEND"),
        pytest.param("Are IROs' caseloads high?", "independent reviewing officer", id="plural"),
        pytest.param("the LAC's health checks", "looked after children", id="possessive"),
        pytest.param("CiC council", "children in care", id="inner-capital"),
        pytest.param("KS4 results", "key stage 4", id="digits"),
        pytest.param("Quality of S47 enquiries", "section 47 enquiry", id="S47"),
        pytest.param("do CLs go to the CPB", "corporate parenting board", id="CPB"),
        pytest.param("MACE meetings", "multi-agency child exploitation", id="MACE"),
    ],
)
def test_abbreviations_expand(glossary: Glossary, question: str, expected: str) -> None:
    assert expected in glossary.expand(question)


@pytest.mark.parametrize(
    "question",
    [
        pytest.param("A black cafe near the lacrosse club", id="inside-words"),
        pytest.param("Please send the report to the lac team", id="lower-case-words"),
        pytest.param("mashed potato in a jar; apartment caff", id="more-words"),
        pytest.param("Lace and Sendai", id="capitalised-words"),
        pytest.param("", id="empty"),
    ],
)
def test_no_false_matches(glossary: Glossary, question: str) -> None:
    assert glossary.expand(question) == []


def test_full_form_adds_its_abbreviation(glossary: Glossary) -> None:
    found = glossary.expand("Is the common assessment framework embedded?")
    assert found == ["CAF"]


# -- synonyms ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        pytest.param(
            "How are care leavers supported?",
            ["care experienced young people", "leaving care"],
            id="care-leavers",
        ),
        pytest.param(
            "support for care-experienced young people",
            ["care leavers", "leaving care"],
            id="care-experienced-reverse",
        ),
        pytest.param(
            "How many looked-after children are there?",
            ["LAC", "children in care", "CiC", "children looked after", "CLA"],
            id="looked-after-hyphen-and-abbreviations",
        ),
        pytest.param(
            "outcomes for a child in care",
            ["looked after children", "LAC", "children looked after", "CLA", "CiC"],
            id="singular-child",
        ),
        pytest.param(
            "How effective is the front door?",
            ["multi-agency safeguarding hub", "MASH", "contact and referral"],
            id="front-door",
        ),
        pytest.param("early intervention services", ["early help"], id="early-intervention"),
        pytest.param("Which councils were outstanding?", ["excellent"], id="outstanding"),
        pytest.param("excellent services", ["outstanding"], id="excellent"),
        pytest.param(
            "What about exploitation?",
            [
                "child sexual exploitation",
                "CSE",
                "child criminal exploitation",
                "CCE",
                "county lines",
                "gangs",
                "grooming",
            ],
            id="broad-term-both-groups",
        ),
        pytest.param(
            "Wishes and feelings of children",
            ["voice of the child", "children's views", "views of children", "child's voice"],
            id="voice",
        ),
    ],
)
def test_synonyms_expand(glossary: Glossary, question: str, expected: list[str]) -> None:
    assert sorted(glossary.expand(question)) == sorted(expected)


def test_groups_are_not_merged_transitively(glossary: Glossary) -> None:
    found = glossary.expand("child sexual exploitation")
    assert "child criminal exploitation" not in found
    assert "county lines" not in found and "gangs" not in found
    assert found == ["CSE", "grooming"]


def test_longest_phrase_wins(glossary: Glossary) -> None:
    assert glossary.expand("private fostering arrangements") == ["privately fostered"]
    assert "foster carers" in glossary.expand("fostering arrangements")


def test_terms_already_in_the_question_are_not_added(glossary: Glossary) -> None:
    found = glossary.expand("LAC and looked after children and CLA")
    assert "looked after children" not in found
    assert "CLA" not in found
    assert "children in care" in found


def test_malformed_glossary_raises(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        Glossary([("LAC", "looked after children", "acronym")])
    bad = tmp_path / "glossary.csv"
    bad.write_text("word,meaning\nLAC,looked after children\n", encoding="utf-8")
    with pytest.raises(ConfigError):
        Glossary.load(bad)
    with pytest.raises(ConfigError):
        Glossary.load(tmp_path / "missing.csv")


# -- years ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "years"),
    [
        pytest.param("published March 2025", (2025,), id="month-year"),
        pytest.param("inspection 9 to 20 May 2022", (2022,), id="date-range"),
        pytest.param("the 2022/23 annual report", (2022, 2023), id="slash"),
        pytest.param("budget 2009-10", (2009, 2010), id="hyphen"),
        pytest.param("in 2019\u201320", (2019, 2020), id="en-dash"),
        pytest.param("1999/00 figures", (1999, 2000), id="century"),
        pytest.param("2019/2020 and 2021", (2019, 2020, 2021), id="four-digit-range"),
        pytest.param("between 2008 and 2012", (2008, 2012), id="two-years"),
        pytest.param("on 2010-11-05", (2010,), id="iso-date-not-a-range"),
        pytest.param("1850 and 2045 and 1989", (), id="out-of-range"),
        pytest.param("£2015 and 12019 and 2016%", (), id="money-and-numbers"),
        pytest.param("URN 80486 ref 2024a", (), id="codes"),
        pytest.param("2008/45", (2008,), id="implausible-range"),
        pytest.param("dated 15.03.2019", (2019,), id="dotted-date"),
    ],
)
def test_years(text: str, years: tuple[int, ...]) -> None:
    assert extract_years(text) == years


# -- typo correction --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "corrections"),
    [
        pytest.param("How are care levers supported?", (("levers", "leavers"),), id="levers"),
        pytest.param("safegaurding judgement", (("safegaurding", "safeguarding"),), id="swap"),
        pytest.param("Safegarding services", (("Safegarding", "Safeguarding"),), id="case-kept"),
        pytest.param(
            "inspectoin effectivness",
            (
                ("inspectoin", "inspection"),
                ("effectivness", "effectiveness"),
            ),
            id="two",
        ),
        pytest.param("children services inspection", (), id="all-known"),
        pytest.param("carr levr", (), id="short-words-left"),
        pytest.param("carre", (("carre", "care"),), id="five-letters"),
        pytest.param("safxqzrding", (), id="too-far"),
        pytest.param("CAMHS 20222 whether", (), id="terms-numbers-stopwords"),
    ],
)
def test_typo_correction(
    analyzer: QueryAnalyzer, question: str, corrections: tuple[tuple[str, str], ...]
) -> None:
    assert analyzer.analyze(question).corrections == corrections


def test_a_word_is_not_corrected_to_one_with_another_first_letter(
    glossary: Glossary, authorities: AuthorityIndex
) -> None:
    # "deadline" read as "headline" made a plan question a summary
    analyzer = QueryAnalyzer(glossary, authorities, lambda: {"headline", "outstanding"})
    assert analyzer.analyze("plan deadline, outstandng").corrections == (
        ("outstandng", "outstanding"),
    )


def test_a_known_word_is_never_corrected(glossary: Glossary, authorities: AuthorityIndex) -> None:
    # "count" is a word, though the library only says "county": it was typed on purpose
    vocabulary = {"county", "processes", "outstanding"}
    analyzer = QueryAnalyzer(glossary, authorities, lambda: vocabulary)
    assert analyzer.analyze("hubs count").corrections == (("count", "county"),)
    analyzer = QueryAnalyzer(
        glossary, authorities, lambda: vocabulary, known=lambda: {"count", "processing"}
    )
    assert analyzer.analyze("hubs count, processing, outstandng").corrections == (
        ("outstandng", "outstanding"),
    )


def test_the_tokenizer_knows_words_not_misspellings() -> None:
    words = known_words()
    assert {"count", "processing", "number", "wrote"} <= words
    assert not {"outstandng", "safegaurding", "assesment", "##ing"} & words


def test_correction_is_added_and_original_kept(analyzer: QueryAnalyzer) -> None:
    result = analyzer.analyze("How are care levers supported?")
    assert result.text == "How are care levers supported?"
    assert result.expanded.startswith("How are care levers supported? leavers ")
    # the corrected phrase is expanded too
    assert result.expansions == ("care experienced young people", "leaving care")
    assert result.expanded.endswith("leaving care")


@pytest.mark.parametrize(
    ("vocabulary", "expected"),
    [
        pytest.param({"leavers", "levels"}, "leavers", id="context-beats-order"),
        pytest.param({"lovers", "levels"}, "levels", id="alphabetical"),
        pytest.param({"lovers": 9, "levels": 1}, "lovers", id="frequency"),
    ],
)
def test_tie_breaks(glossary: Glossary, vocabulary, expected: str) -> None:
    analyzer = QueryAnalyzer(glossary, None, lambda: vocabulary)
    assert analyzer.analyze("care levers").corrections == (("levers", expected),)


def test_a_new_vocabulary_object_is_indexed(glossary: Glossary) -> None:
    current = {"vocab": {"leavers"}}
    analyzer = QueryAnalyzer(glossary, None, lambda: current["vocab"])
    assert analyzer.analyze("levers").corrections == (("levers", "leavers"),)
    current["vocab"] = {"lovers"}
    assert analyzer.analyze("levers").corrections == (("levers", "lovers"),)


def test_without_vocabulary_nothing_is_corrected(glossary: Glossary) -> None:
    analyzer = QueryAnalyzer(glossary, None)
    result = analyzer.analyze("safegaurding for LAC in 2022")
    assert result.corrections == ()
    assert result.authorities == ()
    assert result.years == (2022,)
    assert result.expanded == "safegaurding for LAC in 2022 looked after children " + (
        "children in care CiC children looked after CLA"
    )


# -- authorities ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "names", "corrections"),
    [
        pytest.param(
            "Westminister front door",
            ("Westminster",),
            (("Westminister", "Westminster"),),
            id="Westminister",
        ),
        pytest.param(
            "Worcestshire fostering in 2019",
            ("Worcestershire",),
            (("Worcestshire", "Worcestershire"),),
            id="Worcestshire",
        ),
        pytest.param(
            "How did Lancashre's care levers do?",
            ("Lancashire",),
            (("Lancashre", "Lancashire"), ("levers", "leavers")),
            id="authority-and-word",
        ),
        pytest.param("Kent and Medway", ("Kent", "Medway"), (), id="exact-names-untouched"),
        pytest.param("Barnes safeguarding", (), (), id="word-in-corpus-untouched"),
        pytest.param("Tynesyde council", (), (), id="no-authority-after-fix"),
    ],
)
def test_authorities_and_misspelt_names(
    analyzer: QueryAnalyzer,
    question: str,
    names: tuple[str, ...],
    corrections: tuple[tuple[str, str], ...],
) -> None:
    result = analyzer.analyze(question)
    assert result.authorities == names
    assert result.corrections == corrections


def test_analysis_fields(analyzer: QueryAnalyzer) -> None:
    result = analyzer.analyze("What did the 2008/09 APA say about LAC in Westminister?")
    assert result.authorities == ("Westminster",)
    assert result.years == (2008, 2009)
    assert result.corrections == (("Westminister", "Westminster"),)
    assert result.expansions[:2] == ("annual performance assessment", "looked after children")
    assert result.expanded.split("? ", 1)[1].startswith("Westminster annual performance")


# -- a large vocabulary ------------------------------------------------------------------
# (the time this takes is printed by bench/text_speed.py, not asserted here)


@pytest.mark.slow
def test_typos_are_corrected_against_a_large_vocabulary(
    glossary: Glossary, authorities: AuthorityIndex
) -> None:
    rng = random.Random(7)
    vocabulary: set[str] = set(VOCAB)
    while len(vocabulary) < 50_000:
        n = rng.randint(3, 14)
        vocabulary.add("".join(rng.choice("etaoinshrdlucmfwypbgvk") for _ in range(n)))
    words = sorted(w for w in vocabulary if len(w) >= 6)
    typos: list[tuple[str, str]] = []

    def typo(word: str) -> str:
        i = rng.randrange(1, len(word) - 1)
        typos.append((word[:i] + word[i + 1] + word[i] + word[i + 2 :], word))
        return typos[-1][0]

    questions = [
        f"How effective was {rng.choice(['LAC', 'MASH', 'CSE', 'SEND'])} work on "
        f"{typo(rng.choice(words))} and {typo(rng.choice(words))} in "
        f"{rng.choice(['Kent', 'Westminister', 'Lancashre', 'the council'])} in 2021/22?"
        for _ in range(100)
    ]
    analyzer = QueryAnalyzer(glossary, authorities, lambda: vocabulary)
    corrected = {pair for q in questions for pair in analyzer.analyze(q).corrections}
    misspelt = [(typed, word) for typed, word in typos if typed != word]  # not "ee" swapped
    assert len(misspelt) > 150
    assert [pair for pair in misspelt if pair not in corrected] == []
    assert {("Westminister", "Westminster"), ("Lancashre", "Lancashire")} <= corrected


def test_a_shorthands_full_form_in_a_passage_covers_it_one_way(glossary: Glossary) -> None:
    ((_, forms),) = glossary.concepts("trafford FV year", abbreviations=True)
    assert forms & glossary.forms_in("Since the focused visit in 2024, services improved.")
    # the full form typed never brings the shorthand in
    assert "FV" not in glossary.expand("when was the focused visit")
