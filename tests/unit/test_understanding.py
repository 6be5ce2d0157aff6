"""Question understanding: authorities as staff type them, years, recency and intent."""

from __future__ import annotations

import dataclasses

import pytest

from assistant.authority_forms import derived_forms
from assistant.intents import classify_intent
from assistant.query import Glossary, QueryAnalyzer
from assistant.understanding import QuestionReader
from ingest.authorities import AuthorityIndex


@pytest.fixture(scope="module")
def reader() -> QuestionReader:
    index = AuthorityIndex.load()
    return QuestionReader(QueryAnalyzer(Glossary.load(), index), index)


@pytest.mark.parametrize(
    "question, name, how",
    [
        ("What about Notts?", "Nottinghamshire", "short form"),
        ("how are care leavers doing in lancs", "Lancashire", "short form"),
        ("B&NES grades", "Bath and North East Somerset", "name"),
        ("how did kensington do", "Kensington and Chelsea", "short form"),
        ("K&C front door", "Kensington and Chelsea", "short form"),
        ("manc foster carer training 2025", "Manchester", "short form"),
        # "&" initials in lower case are no ordinary word ("mk" and "som" are)
        ("k&c ofsted grade", "Kensington and Chelsea", "short form"),
        ("bwd ofsted 2025 lead inspector + dates", "Blackburn with Darwen", "short form"),
        ("K & C care leavers", "Kensington and Chelsea", "short form"),  # the initials spaced
        ("k and c care leavers", "Kensington and Chelsea", "short form"),
        ("kensington&chelsea care leavers", "Kensington and Chelsea", "short form"),  # glued
        ("what grade did h&f get", "Hammersmith and Fulham", "short form"),
        # compass letters written against the short form; "Saint" for "St."
        ("nlincs care leavers", "North Lincolnshire", "short form"),
        ("wsussex front door", "West Sussex", "short form"),
        ("saint helens ofsted grade", "St. Helens", "short form"),
        ("N Tyneside care leavers", "North Tyneside", "short form"),
        ("what did ofsted say abt windsor and maidenhead", "Windsor and Maidenhead", "lower case"),
        ("summarise the latest kent report", "Kent", "lower case"),
        ("Westminister 2006 APA grades", "Westminster", "spelling"),
        # a slip nearer one name by its first letter ("Luton" is as near)
        ("whats Suton's rating", "Sutton", "spelling"),
        ("Telford latest inspection", "Telford and Wrekin", "name"),
        ("bury's care leavers", "Bury", "name in context"),
        ("what grade did ofsted give to bury?", "Bury", "name in context"),
        ("Bury 2023 inspection lead inspector", "Bury", "name in context"),
        ("reading front door findings", "Reading", "name in context"),
        ("Bury CP plans", "Bury", "name in context"),
        ("who was the HMI for bath & NE somerset", "Bath and North East Somerset", "short form"),
        ("brighton & hove care leavers", "Brighton and Hove", "short form"),
        ("NE Lincs care leavers", "North East Lincolnshire", "short form"),
        # a compass letter before a short form (it was York, Lincolnshire, Gloucestershire)
        ("N Yorks care leavers", "North Yorkshire", "short form"),
        ("N Lincs care leavers", "North Lincolnshire", "short form"),
        ("S Glos front door", "South Gloucestershire", "short form"),
        # a form holding an exact name is the longer name ("Somerset" is one too)
        ("N Somerset care leavers", "North Somerset", "short form"),
        # a form is no slip of a longer name one letter away ("ne lincolnshire")
        ("n lincolnshire care leavers", "North Lincolnshire", "short form"),
        # a slip inside a multi-word name, where one word is another authority's name
        ("norh somerset care leavers", "North Somerset", "spelling"),
        ("bath and north east omerset grades", "Bath and North East Somerset", "spelling"),
        ("kensingtn and chelsea front door", "Kensington and Chelsea", "spelling"),
        ("south gloucestrshire ofsted 2023", "South Gloucestershire", "spelling"),
        ("north yneside care leavers", "North Tyneside", "spelling"),
        # a name written by its first word
        ("bracknell 2022 - grade for CiC and care leavers?", "Bracknell Forest", "first word"),
        ("any areas for improvement for Bracknell in 2025?", "Bracknell Forest", "first word"),
        ("how are waltham's care leavers doing", "Waltham Forest", "first word"),
        # the place after "and" / "with" that no other authority's name holds
        ("maidenhead care leavers 2020", "Windsor and Maidenhead", "first word"),
        ("What did Ofsted find about Dagenham's front door?", "Barking and Dagenham", "first word"),
        ("darwen fostering ofsted", "Blackburn with Darwen", "first word"),
        # the "s" of "what's" or "it's" is no compass letter ("S Glos")
        ("what's gloucestershire's overall grade", "Gloucestershire", "lower case"),
        ("it's Gloucestershire I mean", "Gloucestershire", "name"),
        # a name that is a word, as the subject of a verdict
        ("what grade did reading get", "Reading", "name in context"),
        ("how was bury rated by ofsted", "Bury", "name in context"),
        ("whats reading like for care leavers", "Reading", "name in context"),
        # the subject of a verdict, a grade's or an inspection's object, a question's head
        ("was bury good or outstanding", "Bury", "name in context"),
        ("is bury inadequate?", "Bury", "name in context"),
        ("has bury improved since last time", "Bury", "name in context"),
        ("how good is bury", "Bury", "name in context"),
        ("where does bury stand", "Bury", "name in context"),
        ("overall grade bury", "Bury", "name in context"),
        ("who inspected bury", "Bury", "name in context"),
        ("when was bury inspected", "Bury", "name in context"),
        ("bury - latest grade", "Bury", "name in context"),
        ("bury: overall effectiveness", "Bury", "name in context"),
        ("bury rated?", "Bury", "name in context"),
        # a county's short form before "city": the city named like it
        ("notts city 2022 - leaders judgement?", "Nottingham", "short form"),
        ("leics city care leavers", "Leicester", "short form"),
        ("notts care leavers", "Nottinghamshire", "short form"),
    ],
)
def test_authorities_in_the_forms_staff_type(reader, question, name, how):
    refs = reader.read(question).authorities
    assert [(r.name, r.how) for r in refs] == [(name, how)]


@pytest.mark.parametrize(
    "question",
    [
        "what are you reading about care leavers",
        "how do we bury the problem",
        "Reading the report, what about care leavers",
        "bury the problem",
        "is mk here",
        "tower blocks and care leavers",
        "how is reading taught in schools",
        "was reading attainment good at key stage 2",
        "what is reading age",
        "Reading: what works for children in care",
    ],
)
def test_ordinary_words_are_not_authorities(reader, question):
    assert reader.read(question).authorities == ()


@pytest.mark.parametrize(
    ("question", "names"),
    [
        # a name that is a word, joined to another name: a comparison or a list
        ("west berks and reading care leavers", ["West Berkshire", "Reading"]),
        ("bolton and bury care leavers", ["Bolton", "Bury"]),
        ("slough or reading - which is better", ["Slough", "Reading"]),
        ("reading, wokingham and slough", ["Reading", "Wokingham", "Slough"]),
        ("how do reading and bracknell compare", ["Reading", "Bracknell Forest"]),
        ("compare reading and slough", ["Reading", "Slough"]),
        # a word beside one name, joined by no "and", "or", "vs" or comma
        ("kent reading age", ["Kent"]),
        ("help with reading and writing in kent", ["Kent"]),
    ],
)
def test_a_name_that_is_a_word_beside_another_name(reader, question, names):
    assert [r.name for r in reader.read(question).authorities] == names


def test_an_exact_name_is_never_read_as_a_near_one(reader):
    refs = reader.read("compare east sussex and west sussex for care leavers").authorities
    assert [r.name for r in refs] == ["East Sussex", "West Sussex"]
    assert reader.read("north east councils and their grades").authorities == ()


def test_derived_forms_are_generic_and_unambiguous():
    index = AuthorityIndex.load()
    forms = derived_forms(index, [("Nottinghamshire", "Notts"), ("Nowhere", "Nw")])
    assert forms["notts"] == "Nottinghamshire"
    assert forms["h&f"] == "Hammersmith and Fulham"
    assert forms["s tyneside"] == "South Tyneside"
    assert "nw" not in forms  # a short form of an unknown authority is ignored
    assert "kingston" not in forms  # Kingston upon Hull and Kingston upon Thames
    assert "cheshire" not in forms  # Cheshire East and Cheshire West and Chester


def test_a_county_word_of_a_longer_name_is_read_in_its_listed_short_form():
    index = AuthorityIndex.load()
    forms = derived_forms(index, [("Berkshire", "Berks"), ("Lincolnshire", "Lincs")])
    assert forms["west berks"] == "West Berkshire"
    assert forms["w berks"] == "West Berkshire"
    assert forms["n lincs"] == "North Lincolnshire"
    assert forms["ne lincs"] == "North East Lincolnshire"
    assert forms["lincs"] == "Lincolnshire"
    assert "berks" not in forms  # Berkshire is no authority: six share it


def test_a_listed_short_form_is_never_a_slip_of_a_name():
    # "Yorks" is North Yorkshire's or another Yorkshire's, never a mistyped "York"
    index = AuthorityIndex.load()
    analyzer = QueryAnalyzer(Glossary.load(), index, lambda: {"york", "care", "leavers"})
    reader = QuestionReader(analyzer, index)
    assert reader.read("yorks care leavers").authorities == ()
    assert reader.read("Yorks care leavers").authorities == ()
    assert [r.name for r in reader.read("N Yorks care leavers").authorities] == ["North Yorkshire"]


@pytest.mark.parametrize(
    "question, n, intent",
    [
        ("compare Kent and Hampshire care leavers", 2, "compare"),
        ("Kent vs Hampshire", 2, "compare"),
        ("which councils were rated outstanding for care leavers", 0, "grade"),
        ("Why was Bolton rated requires improvement for help and protection?", 1, "why"),
        ("kent grades and why?", 1, "why"),
        ("Was Kent rated requires improvement?", 1, "grade"),
        ("how did Surrey do", 1, "grade"),
        ("summarise the latest kent report", 1, "summary"),
        ("key points from the Wigan inspection", 1, "summary"),
        ("what were they told to fix in salford", 1, "improve"),
        ("areas for development for Leeds", 1, "improve"),
        ("who led the inspection of surrey", 1, "who_when"),
        ("when was wigan last inspected", 1, "who_when"),
        ("how many children in care does Trafford have", 1, "number"),
        ("what % of assessments were timely in Kent", 1, "number"),
        ("Has the CAF rollout been completed?", 0, "plan_status"),
        ("who is the lead officer for the EDT action", 0, "plan_status"),
        ("what does PLO stand for", 0, "other"),
        ("how good is the front door in Kent", 1, "finding"),
        ("liverpool 2026 inspection dates", 1, "who_when"),
        ("surrey ILACS dates and lead HMI", 1, "who_when"),
        ("are plans kept up to date in Kent", 1, "finding"),
        ("durham 2025 ilacs - which area was only good?", 1, "grade"),
        ("bolton IFD meaning", 1, "other"),
        ("barnsley ofsted 2023: SMART acronym", 1, "other"),
        ("what's the IFD in bolton childrens services", 1, "other"),
        ("what is the care leavers offer in kent", 1, "finding"),
        # a word asking for a quantity, though no "how many" ("bolton family hubs count")
        ("bolton family hubs count", 1, "number"),
        ("CP plan numbers in salford 2023", 1, "number"),
        ("total of children missing education in kent", 1, "number"),
        ("average SW caseload in bolton", 1, "number"),
        ("norfolk IRO caseloads 2013", 1, "number"),  # a caseload is a measure
        ("what did ofsted say about a number of concerns in kent", 1, "finding"),
        # the judgement's own name ("the experiences and progress of …") asks for a grade,
        # not for a plan's progress
        (
            "Liverpool's grade for the experiences and progress of children who need help",
            1,
            "grade",
        ),
        ("how did surrey do on the experiences and progress of children in care", 1, "grade"),
        ("progress of the kent improvement plan", 1, "plan_status"),
        # a rate of something is a quantity; Ofsted rating something is a grade
        ("kingston CL NEET rate ofsted dec 2024", 1, "number"),
        ("surrey agency staff rates 2025", 1, "number"),
        ("how did ofsted rate liverpool", 1, "grade"),
        ("how would inspectors rate kent's front door", 1, "grade"),
        # what a term is, asked after it
        ("shine team trafford what do they do", 1, "other"),
        ("get safe service worcs 2023 - what is it?", 1, "other"),
        # who a role is, not a person's name; the inspectors are the front matter's
        ("Who are LCSOs in Newcastle upon Tyne's leaving care service?", 1, "other"),
        ("who are the care consultants in manchester", 1, "other"),
        ("who are the inspectors for kent", 1, "who_when"),
        ("who are kent's lead inspectors", 1, "who_when"),
        # a board's wording of a summary; what worried the inspectors is what to improve
        ("bullet points for the board on bolton", 1, "summary"),
        ("bolton briefing for committee", 1, "summary"),
        ("what worried inspectors in bolton", 1, "improve"),
        ("what were inspectors concerned about in bolton", 1, "improve"),
        ("bolton weak spots", 1, "improve"),
        ("did bolton pass ofsted", 1, "grade"),
        ("where does bolton stand with ofsted", 1, "grade"),
        ("whats the name of the ealing director of childrens services", 1, "who_when"),
        ("what are they doing about care leavers in kent", 1, "finding"),
        # a sum spent is a quantity; "no of" is "number of"
        ("barnsley agency spend 2023", 1, "number"),
        ("hampshire IRO investment £ 2024", 1, "number"),
        # a priority given to someone is no list of what to improve; the older
        # inspections' judgement "capacity to improve" is a grade
        ("do ealing CLs get priority on the council housing list?", 1, "finding"),
        ("care leaver accommodation priority banding in kent", 1, "finding"),
        ("what are kent's priorities", 1, "improve"),
        ("norfolk LAC inspection 2013 capacity to improve", 1, "finding"),
        ("what was kent judged for capacity to improve", 1, "grade"),
        # a body named for improvement is not what is to improve
        ("who chairs the cumberland improvement board", 1, "who_when"),
        ("cumberland improvement board chair", 1, "finding"),
        ("what did the improvement board say kent needed to improve", 1, "improve"),
        # the inspector asked for, bare; not what an inspector said
        ("isles of scilly 2021 ofsted HMI", 1, "who_when"),
        ("what did HMI say about care leavers in kent", 1, "finding"),
        # a date asked for, bare: when
        ("cumberland unitary start date", 1, "who_when"),
        ("AfC start year windsor and maidenhead", 1, "who_when"),
        ("walsall right 4 children launch date", 1, "who_when"),
        ("derbyshire care leavers in house date?", 1, "who_when"),
        # "judge" the verb, of those who judge, asks a grade; a court's judge does not
        ("how did ofsted judge help and protection in trafford", 1, "grade"),
        ("what did the judge say about PLO delays in kent", 1, "finding"),
        # a grade asked yes or no; not how good someone is at something
        ("was barnsleys adoption performance good in the june 2014 SIF?", 1, "grade"),
        ("is kent's help and protection good?", 1, "grade"),
        ("were kent's social workers good at visiting children", 1, "finding"),
        ("is the support for care leavers good enough in kent", 1, "finding"),
    ],
)
def test_intent(question, n, intent):
    assert classify_intent(question, n) == intent


def test_a_question_with_no_topic_about_an_authority_is_a_summary(reader):
    assert reader.read("what did ofsted say about bolton").intent == "summary"


def test_a_name_read_once_normalised_is_no_topic(reader):
    # "banes" is read as the short form "BANES": its word is the authority's, not the topic's
    und = reader.read("glos vs banes ofsted 2025")
    assert und.names == ("Gloucestershire", "Bath and North East Somerset")
    assert und.subject == () and und.topic == ()


def test_what_something_is_meant_to_do_frames_the_question(reader):
    und = reader.read("what are pitstop meetings in derbyshire meant to achieve")
    assert "meant" not in und.topic and "pitstop" in und.topic


@pytest.mark.parametrize(
    "question, intent",
    [
        # no subject: words asking how good, for a summary, a date or a document kind
        ("how is bolton doing", "summary"),
        ("What were the main messages from Dorset's autumn 2021 inspection?", "summary"),
        ("Quick summary of Norfolk's 2026 inspection please.", "summary"),
        ("Summarise the 2006 APA letter for Westminster.", "summary"),
        # a subject makes a finding
        ("what did ofsted say about private fostering in kent", "finding"),
        ("how is kent doing with care leavers", "finding"),
        # a "what is" of nothing but the council's report
        ("whats boltons ofsted", "summary"),
    ],
)
def test_a_finding_with_no_subject_is_a_summary(reader, question, intent):
    assert reader.read(question).intent == intent


@pytest.mark.parametrize("question", ["dorset WNTI march 25", "lb sutton wnti"])
def test_an_abbreviation_of_a_question_is_read_as_that_question(reader, question):
    """ "WNTI" stands for "what needs to improve": the question asks for that list."""
    assert reader.read(question).intent == "improve"


@pytest.mark.parametrize(
    "question, intent",
    [
        ("what excellent practice did ofsted see in kent", "finding"),  # no grade asked
        ("LAC numbers in kent", "number"),  # an expansion naming a thing changes nothing
    ],
)
def test_an_expansion_that_asks_nothing_leaves_the_intent(reader, question, intent):
    assert reader.read(question).intent == intent


@pytest.mark.parametrize(
    "question, beyond",
    [
        ("How effective is Kingston's pre-proceedings work?", True),
        ("how good is the virtual school in surrey", True),
        ("How were care leavers judged in Bath and North East Somerset's 2025 inspection?", False),
        ("bolton 2023 ofsted - what was graded RI?", False),
        ("how effective is help and protection in kent", False),
    ],
)
def test_what_the_judgements_table_cannot_answer(reader, question, beyond):
    """The table judges areas; a subject beyond them is for the passages."""
    assert reader.read(question).beyond_judgements is beyond


@pytest.mark.parametrize(
    "question, recency, years",
    [
        ("latest Kent grades", "latest", ()),
        ("what was Kent's grade at the previous inspection", "previous", ()),
        ("Kent grades in 2022/23", None, (2022, 2023)),
        ("what did kent get at the inspection before last", "previous", ()),
        ("when was kent inspected before the most recent one", "previous", ()),
        ("kent visits in the week before last", None, ()),
    ],
)
def test_recency_and_years(reader, question, recency, years):
    und = reader.read(question)
    assert und.recency == recency and und.years == years


@pytest.mark.parametrize(
    "question, asked",
    [
        ("Who led Trafford's 2026 inspection and when was it?", {"lead", "dates"}),
        ("derbyshire ILACS lead inspector + dates", {"lead", "dates"}),
        ("what date did ofsted publish the norfolk report", {"dates", "published"}),
        ("when did the report come out", {"published"}),
        ("who led the inspection of surrey", {"lead"}),
    ],
)
def test_what_a_front_matter_question_asks_for(question, asked):
    from assistant.answering.whole import _ASKS_FRONT

    assert {key for key, pattern in _ASKS_FRONT.items() if pattern.search(question)} == asked


@pytest.mark.parametrize(
    "question, kent, surrey",
    [
        ("kent 2022 vs surrey 2025 overall", (2022,), (2025,)),
        ("Compare Surrey (2025) with Kent's 2022 inspection", (2022,), (2025,)),
        ("kent and surrey in 2022 and 2025", (2022, 2025), (2022, 2025)),
        ("kent vs surrey 2025", (2025,), (2025,)),
        # a year written with the first name only is that authority's: the other's latest
        ("compare kent 2017 with surrey", (2017,), ()),
        ("kent 2022 vs surrey - who did better", (2022,), ()),
    ],
)
def test_each_authority_keeps_the_years_written_with_it(reader, question, kent, surrey):
    und = reader.read(question)
    assert set(und.names) == {"Kent", "Surrey"}
    assert und.years_of("Kent") == kent and und.years_of("Surrey") == surrey


@pytest.mark.parametrize(
    "question",
    [
        "what made wigan outstanding?",
        "what's behind surrey's good grade for children in care",
        "what evidence did ofsted give for bolton's leadership grade",
        "what got them an RI",
        "barnsley 2014 - why that grade for leadership",
    ],
)
def test_asking_what_is_behind_a_grade_is_a_why(question):
    assert classify_intent(question, 1) == "why"


def test_what_made_a_difference_is_not_a_why():
    assert classify_intent("what made the biggest difference for care leavers", 1) != "why"


@pytest.fixture(scope="module")
def reader_with_words() -> QuestionReader:
    """A reader that knows the library's ordinary words (as the app's does)."""
    index = AuthorityIndex.load()
    words = {"care", "leavers", "children", "call", "role", "line", "case", "kids", "city"}
    return QuestionReader(QueryAnalyzer(Glossary.load(), index, lambda: words), index)


@pytest.mark.parametrize(
    "question, name",
    [
        ("main points nottm city childrens services july 2022", "Nottingham"),
        ("lpool care leavers", "Liverpool"),
        ("B'ham ofsted 2023", "Birmingham"),
        # an apostrophe where letters were dropped: most of the name may be kept
        ("w'minster ofsted nov 2024", "Westminster"),
    ],
)
def test_names_written_short_by_dropping_letters(reader_with_words, question, name):
    und = reader_with_words.read(question)
    assert und.names == (name,)
    assert und.authorities[0].how == "contraction"


@pytest.mark.parametrize(
    "question, name",
    [
        ("sheff care leavers 2023", "Sheffield"),
        ("peterboro front door", "Peterborough"),
        ("wolverh kids in care", "Wolverhampton"),
        ("sheffs care leavers", "Sheffield"),  # an "s" after the cut, as "Staffs" has
        ("darlo care leavers", "Darlington"),  # a nickname's "o" after the cut ("Donny")
        ("care leavers in Darlo", "Darlington"),
    ],
)
def test_names_cut_short(reader_with_words, question, name):
    und = reader_with_words.read(question)
    assert und.names == (name,)
    assert und.authorities[0].how == "truncation"


@pytest.mark.parametrize(
    "question",
    [
        "notting care leavers",  # the start of Nottingham and of Nottinghamshire
        "sand front door",  # an everyday word, not the start of Sandwell
    ],
)
def test_a_start_of_several_names_or_an_everyday_word_is_no_name(reader_with_words, question):
    assert reader_with_words.read(question).names == ()


@pytest.mark.parametrize(
    "question, typed, names",
    [
        (
            "why did h'shire get inadequate ofsted",
            "h'shire",
            ("Hampshire", "Herefordshire", "Hertfordshire"),
        ),
        ("notting care leavers", "notting", ("Nottingham", "Nottinghamshire")),
        ("barent front door", "barent", ("Barnet", "Brent")),  # a slip of either
    ],
)
def test_a_name_written_short_that_several_names_fit_is_unsure(
    reader_with_words, question, typed, names
):
    und = reader_with_words.read(question)
    assert und.authorities == ()
    assert und.unsure == ((typed, names),)
    assert und.written_short == (typed,)  # asked back, never read as the one held


def test_a_word_that_fits_no_name_or_is_everyday_is_not_unsure(reader_with_words):
    assert reader_with_words.read("sand front door").unsure == ()
    assert reader_with_words.read("kent care leavers").unsure == ()
    # initials are unsure too, but not written short: the one council held may be read
    und = reader_with_words.read("wcc what needs to improve")
    assert und.unsure and und.written_short == ()


@pytest.mark.parametrize(
    "question, name",
    [
        ("wolves care leavers", "Wolverhampton"),
        ("soton front door", "Southampton"),
        ("toon ilacs improvement areas", "Newcastle upon Tyne"),
    ],
)
def test_listed_nicknames(reader_with_words, question, name):
    assert reader_with_words.read(question).names == (name,)


@pytest.mark.parametrize(
    ("question", "name"),
    [
        ("how many cornish care leavers stayed put", "Cornwall"),
        ("mancunian front door", "Manchester"),
    ],
)
def test_the_people_of_a_place_name_it(reader, question, name):
    assert reader.read(question).names == (name,)


def test_a_name_read_from_its_alias_keeps_how_it_was_typed(reader):
    und = reader.read("RBKC family hubs")
    assert [(r.name, r.typed) for r in und.authorities] == [("Kensington and Chelsea", "RBKC")]
    assert "rbkc" not in und.topic


def test_a_slip_before_a_possessive_is_read(reader_with_words):
    assert reader_with_words.read("whats dvon's rating").names == ("Devon",)
    assert reader_with_words.read("whats Deon's rating").names == ("Devon",)


@pytest.mark.parametrize(
    "question",
    ["what do they call personal advisers", "who does the LADO role", "care line referrals"],
)
def test_ordinary_words_are_not_contractions(reader_with_words, question):
    assert reader_with_words.read(question).names == ()


@pytest.mark.parametrize(
    "question, name",
    [
        # one letter slipped: the nearest name, not a longer one the letters fit in
        ("how is suton doing with the front door", "Sutton"),
        ("brnt care leavers", "Brent"),
        ("wign ofsted grade 2023", "Wigan"),
        # a name's own first word is not a slip of another's ("isle" / "Isles of Scilly")
        ("isle of wight care leavers", "Isle of Wight"),
    ],
)
def test_a_slip_of_one_letter_reads_as_the_nearest_name(reader_with_words, question, name):
    assert reader_with_words.read(question).names == (name,)


@pytest.mark.parametrize(
    "question, name",
    [
        ("how is Bury doing with the front door", "Bury"),
        ("bracknell front door findings", "Bracknell Forest"),  # a first word, lower case
        ("last year, Reading had a new director", "Reading"),
        ("bournemouth, christchurch and poole ofsted grade", "Bournemouth, Christchurch and Poole"),
    ],
)
def test_names_that_are_words_or_hold_commas_are_read_whole(reader_with_words, question, name):
    assert reader_with_words.read(question).names == (name,)


def test_no_contractions_without_the_librarys_words(reader):
    # without a vocabulary nothing tells "care" from a shortened "Calderdale"
    assert reader.read("nottm care leavers").names == ()


@pytest.mark.parametrize(
    "question, written, kept",
    [
        ("how many kids homes did kent open in last 3 yrs", ["children homes", "3 years"], []),
        ("Kids in care in Kent", ["Children in care"], []),
        ("kent care leavers at uni", ["at university"], []),
        ("skids and unity in kent", [], ["skids", "unity"]),
        ("kent care leavers in B&Bs", ["Bed and breakfasts"], []),
        ("any kent CLs in hotels or b and bs?", ["bed and breakfasts"], []),
        # contractions typed without the apostrophe: "there" and "not" are no topic
        ("how quick is kent when theres a worry", ["when there is a worry"], []),
        ("why doesnt kent visit children", ["why does not Kent"], []),
        ("kent cant find foster carers, theyre short", ["cannot find", "they are short"], []),
        ("the cantilever and theresa in kent", [], ["cantilever", "theresa"]),
        ("no of CL hubs in kent", ["number of CL hubs"], []),
        # text-speak
        ("kent KFT team - wat is it", ["what is it"], []),
        ("kent 2024 - y good now? new leaders b4 2023", ["why good now", "before 2023"], []),
        ("care leaver protected characteristic kent y/n", [], ["y/n"]),  # a pair of letters
        ("did ofsted say owt about kent radicalisation", ["say anything about"], []),
        ("whats a SGO in kent", ["what's a SGO"], []),
        ("nowt on care leavers in kent?", ["nothing on care leavers"], []),
        ("how many resi homes in kent", ["residential homes"], []),
        ("kent ASYEs - r they supernumerary? CP mtgs", ["are they", "CP meetings"], []),
        ("kent R&D and UASC", [], ["R&D"]),  # a letter inside a term stays
    ],
)
def test_everyday_words_are_read_as_the_reports_write_them(reader, question, written, kept):
    und = reader.read(question)
    for text in written:
        assert text in und.normalised
    for text in kept:
        assert text in und.normalised
    assert und.text == question  # what was typed is kept as typed


@pytest.mark.parametrize(
    "question, words",
    [
        ("dorset children's views - what did ofsted find", {"children", "view"}),
        ("what about county lines in manchester", {"county", "line"}),
    ],
)
def test_a_domain_phrase_is_the_subject_though_its_words_alone_frame_questions(
    reader, question, words
):
    und = reader.read(question)
    assert words <= set(und.subject)
    assert und.intent != "summary"  # a finding about the phrase, not the whole report


def test_words_asking_for_a_quantity_are_not_the_subject(reader):
    und = reader.read("bolton family hubs count and percentage")
    assert und.intent == "number"
    assert set(und.subject) == {"family", "hub"}


def test_a_two_digit_year_after_a_month_is_the_year(reader):
    und = reader.read("cornwall early help ofsted july 24")
    assert und.years == (2024,) and "july 2024" in und.normalised


# how many authorities' reports use each phrase, as the library's lexical index tells
SPREAD = {
    "vsk": 1,
    "toxic trio": 2,
    "supervision": 52,
    "eh": 0,
    "flourish": 15,
    "clasp protocol": 1,
    "tehs": 1,
    # 0: every passage holding the words has them apart
    "youth justice pooling": 0,
    "leap booklet": 0,
    "leap": 1,
    "voice 4 us": 1,
}


@pytest.fixture(scope="module")
def spread_reader() -> QuestionReader:
    index = AuthorityIndex.load()
    return QuestionReader(
        QueryAnalyzer(Glossary.load(), index), index, spread=lambda text: SPREAD.get(text.lower())
    )


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("kent VSK", "other"),  # one council's own name for something, asked bare
        ("worcs toxic trio 2016", "other"),
        ("kent supervision", "finding"),  # every council's reports speak of it
        ("kent flourish", "finding"),
        ("kent EH", "finding"),  # no report uses it: nothing says what it is
        ("harrow MASH 2025", "finding"),  # the glossary knows it: a practice area
        ("what did ofsted say about VSK in kent", "finding"),  # asked in so many words
        # or asked "what is it" in any order ("ofsted" and a month place the question)
        ("what's the clasp protocol co durham 2025", "other"),
        ("whats TEHS in the sutton ofsted june 2025", "other"),
        # words that meet in one council's reports but are never written together
        ("sutton youth justice pooling 2021", "finding"),
        # a name with a word for what kind of thing it is, or typed with a figure
        ("cornwall leap booklet", "other"),
        ("cornwall voice4us", "other"),
    ],
)
def test_a_bare_question_about_a_local_name_asks_what_it_is(spread_reader, question, intent):
    assert spread_reader.read(question).intent == intent


def test_the_intent_is_read_from_the_question_in_the_reports_words(reader):
    # "no. of" is "number of", "kids" "children": a number question
    assert reader.read("surrey 2025 no. of kids in unregistered homes").intent == "number"
    # "AFIs" is "areas for improvement": what they were told to improve
    assert reader.read("derbyshire AFIs 2024").intent == "improve"
    assert reader.read("kingston AFI").intent == "improve"
    assert reader.read("cornwall 2016 recs").intent == "improve"  # recommendations


@pytest.fixture(scope="module")
def library_reader() -> QuestionReader:
    index = AuthorityIndex.load()
    words = ["staff", "supported", "unregistered", "homes", "care", "leavers", "city"]
    return QuestionReader(QueryAnalyzer(Glossary.load(), index, vocabulary=lambda: words), index)


@pytest.mark.parametrize(
    ("question", "names"),
    [
        ("warwks unregistered homes use 2025", ["Warwickshire"]),  # a slip of "Warks"
        ("how are stafs supported in kent", ["Kent"]),  # a slip of the library's "staff"
        ("main points nottm city childrens services", ["Nottingham"]),  # a contraction
        ("hearts care leavers", []),  # an English word, not a slip of "Herts"
    ],
)
def test_a_slip_in_a_one_word_short_form(library_reader, question, names):
    assert [r.name for r in library_reader.read(question).authorities] == names


def test_a_what_is_of_nothing_but_the_councils_report_is_a_summary(reader):
    from assistant.intents import settle_intent

    bare = reader.read("whats boltons ofsted")
    assert not bare.topic
    assert settle_intent("other", None, bare, None) == "summary"
    asked = reader.read("what is the bolton front door")
    assert settle_intent("other", None, asked, None) == "other"


@pytest.mark.parametrize(
    ("question", "names"),
    [
        ("what does derby (the city not derbyshire) need to improve", ["Derby"]),
        ("kent care leavers, not surrey", ["Kent"]),
        ("kent rather than medway - front door", ["Kent"]),
        ("compare kent and surrey", ["Kent", "Surrey"]),
        ("not kent", ["Kent"]),  # the only one named stays
    ],
)
def test_an_authority_set_aside_is_not_in_the_question(reader, question, names):
    assert [r.name for r in reader.read(question).authorities] == names


class _Says:
    """An intent model sure of one intent, whatever it is asked."""

    def __init__(self, intent):
        self.intent = intent

    def decide(self, evidence, patterns, vector=None):
        return self.intent


@pytest.mark.parametrize(
    ("question", "patterns", "intent"),
    [
        # a subject no word asks to summarise: the patterns' reading stands
        ("derbyshire closing the loop audits", "finding", "finding"),
        # asked for in so many words, or nothing but the council: a summary
        ("derbyshire closing the loop audits summary", "summary", "summary"),
        ("derbyshire ofsted", "finding", "summary"),
    ],
)
def test_the_model_makes_no_summary_of_a_subject(reader, question, patterns, intent):
    from assistant.intents import settle_intent

    und = reader.read(question)
    assert settle_intent(patterns, set(), und, _Says("summary")) == intent


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        # opened with "when did / was / were": a time is asked, whatever the model says
        ("when did worcs adoption move to adoption central england", "who_when"),
        ("When was Kent's MASH set up?", "who_when"),
        # "when" as a conjunction, or of a time to come, is the model's to read
        ("When kids go missing in kent, are the chats afterwards any good?", "number"),
        ("when do kent care leavers get a PA", "number"),
    ],
)
def test_a_question_opened_with_when_did_asks_a_time(reader, question, intent):
    from assistant.intents import classify_intent, settle_intent

    und = reader.read(question)
    patterns = classify_intent(und.corrected, 1)
    assert settle_intent(patterns, set(), und, _Says("number")) == intent


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("When did Kent appoint the director credited with its improvement?", "who_when"),
        ("Since when has Kent had a settled leadership team?", "who_when"),
        ("How did Kent's care leavers service come out in 2024?", "grade"),
        ("kent h&p outstanding - whats so good?", "why"),
        ("What did Kent need to put right after being judged inadequate?", "improve"),
        ("What was the 'Green fingers' project in Kent's 2017 report?", "other"),  # in quotes
        ("What was Kent's 'sense of belonging' work about?", "other"),
        ("what did ofsted say about kent's 'harbour' team", "finding"),  # not what it is
    ],
)
def test_questions_put_in_everyday_ways(question, intent):
    assert classify_intent(question, 1) == intent


def test_what_needs_fixing_asks_what_to_improve():
    assert classify_intent("worcestershire LADO - what needs fixing per ofsted 23", 1) == "improve"


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        # "published in <date>" says which report; "when was it published" asks when
        (
            "What grade did Worcestershire get for adoption in the inspection published in "
            "January 2017?",
            "grade",
        ),
        ("when was the kent report published", "who_when"),
        ("newcastle adoption - good or not? 2017 ofsted", "grade"),
    ],
)
def test_which_report_and_a_verdict_asked_casually(question, intent):
    assert classify_intent(question, 1) == intent


@pytest.mark.parametrize(
    ("question", "local"),
    [
        ("kent babies safe", True),  # bare: a term few reports write together
        ("whats babies safe in kent", True),
        ("kent babies safe team", True),  # with a word saying what kind of thing it is
        ("Telford and Wrekin babies safe", True),  # the name's joining words are its own
        ("whats the babies safe in kent, some baby thing?", True),  # a guess after it
        ("babies safe kent - some baby thing? 2024", True),  # bare before the guess
        ("babies safe kent - what did ofsted think?", False),  # what follows asks a finding
        ("kent language that cares", True),  # stop words inside the name
        ("are babies safe in kent", False),  # a yes/no question, not "what are"
        ("is babies safe good in kent", False),
        ("what did ofsted say about babies safe in kent", False),  # not bare
    ],
)
def test_a_local_term_is_read_bare_or_after_whats(reader, question, local):
    from assistant.intents import local_name

    und = dataclasses.replace(reader.read(question), intent="finding")
    assert bool(local_name(und, lambda phrase: 1)) is local


@pytest.mark.parametrize(
    ("question", "name"),
    [
        # everyday words, not all of them subject words: a report writing them as a
        # name says they are one
        ("kent dogs for good", ("dogs", "for", "good")),
        ("kent get safe 2024", ("get", "safe")),
        ("kent ambitious for children plan", ("ambitious", "for", "children")),
        ("kent dogs for good - some pet scheme?", ("dogs", "for", "good")),
        ("kent dogs for good - what did ofsted think?", ()),  # asks what was found
        ("what did ofsted say about dogs for good in kent", ()),  # not bare
        ("kent care leavers good", ()),  # no report writes it as a name
    ],
)
def test_a_council_name_of_everyday_words_is_read_from_the_reports_capitals(reader, question, name):
    from assistant.intents import local_name

    names = {"dogs for good": {"Kent"}, "get safe": {"Kent"}, "ambitious for children": {"Kent"}}
    und = dataclasses.replace(reader.read(question), intent="finding")
    found = local_name(und, lambda phrase: 0, lambda phrase: names.get(phrase.lower(), ()))
    assert tuple(w.lower() for w in found) == name


@pytest.mark.parametrize(
    "question",
    [
        "harrow KFT team?? wat is it - ofsted feb 2020",
        "newcastle swis team - whats that n is it working?",
        "telford belonging strat - what is it about? 2020 report",
        "kent 2017 ofsted - sense of belonging thing, what was it for?",
        "foster w north east - what is it newcastle",  # after a dash, whatever follows
        "what do manchester's care consultants do - ofsted 2025",
    ],
)
def test_what_is_it_asked_after_the_term_with_more_after_it(reader, question):
    assert reader.read(question).intent == "other"


@pytest.mark.parametrize(
    "question",
    [
        "what is it like for care leavers in kent",
        "what were they told to improve in kent",
        "what does kent do to support care leavers",
    ],
)
def test_what_is_it_inside_a_question_is_no_definition(question):
    assert classify_intent(question, 1) != "other"


@pytest.mark.parametrize(
    ("question", "expansion"),
    [
        ("what happens to kids who run away in kent", "missing from home"),
        ("are teenagers groomed in kent", "child sexual exploitation"),
        ("kent gangs", "child criminal exploitation"),
        ("do kent kids see their brothers and sisters", "siblings"),
        ("are kent children in danger", "at risk"),
        ("home schooled children in kent", "elective home education"),
        ("are there enough placements in kent", "sufficiency"),
        ("do kent care leavers get jobs", "employment"),
        ("why did derbyshire's services go downhill", "decline"),
        ("kent care leavers service got worse?", "deteriorated"),
    ],
)
def test_everyday_words_for_practice_bring_the_reports_words(reader, question, expansion):
    assert expansion in reader.read(question).analysis.expansions


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        # "whats" typed without its apostrophe is no slip for "what" ("What the 'waiting
        # well' thing" read as a finding)
        ("whats the 'waiting well' thing in kent?", "other"),
        ("whats a SGO in kent", "other"),
        ("whats happening with kent care leavers", "finding"),
    ],
)
def test_whats_is_read_as_what_is_not_corrected_to_what(reader, question, intent):
    und = reader.read(question)
    assert "whats" in und.corrected.lower()  # left as typed, not "What"
    assert und.intent == intent


@pytest.mark.parametrize(
    ("question", "name"),
    [
        ("windsor maidenhead front door", "Windsor and Maidenhead"),
        ("bournemouth christchurch poole MASH findings?", "Bournemouth, Christchurch and Poole"),
        ("blackburn darwen grade", "Blackburn with Darwen"),
    ],
)
def test_a_compound_name_typed_without_its_joining_words_is_read_whole(reader, question, name):
    und = reader.read(question)
    # one authority, read from the whole name typed: no word of it is left over for
    # the topic or the intent ("poole" was read as another council: a comparison)
    assert [r.name for r in und.authorities] == [name]
    typed = und.authorities[0].typed.lower()
    assert all(w in typed for w in question.split()[:2])
    assert und.intent != "compare"


def test_council_initials_name_one_council_or_several():
    from assistant.authority_forms import council_initials, initials

    assert initials("Kent County Council") == {"kcc"}
    assert initials("Brighton and Hove City Council") == {"bhcc"}  # joining words skipped
    # a royal borough "upon" a river is also written without it
    assert initials("Royal Borough of Kingston upon Thames") == {"rbkt", "rbk"}
    found = council_initials(AuthorityIndex.load())
    assert found["kcc"] == {"Kent"}
    assert found["nycc"] == {"North Yorkshire"}
    assert found["lbbd"] == {"Barking and Dagenham"}
    assert found["rbk"] == {"Kingston upon Thames"}
    assert found["mcc"] == {"Manchester"}  # a city council (council_names.csv)
    assert found["wcc"] == {"Warwickshire", "Westminster", "Worcestershire"}


@pytest.mark.parametrize(
    "question, name",
    [
        ("KCC number of CiC march 2017", "Kent"),
        ("kcc ofsted", "Kent"),
        ("RBK what to improve", "Kingston upon Thames"),
        ("NYCC care leavers", "North Yorkshire"),
    ],
)
def test_initials_one_council_has_name_it(reader, question, name):
    und = reader.read(question)
    assert [r.name for r in und.authorities] == [name]
    assert und.unsure == ()


def test_initials_several_councils_share_are_unsure_not_guessed(reader):
    und = reader.read("wcc what needs to improve ofsted latest")
    assert und.authorities == ()
    ((typed, names),) = und.unsure
    assert typed.lower() == "wcc" and names == ("Warwickshire", "Westminster", "Worcestershire")
    assert "wcc" not in und.topic  # no topic word to find in the passages
    # a shipped glossary term ("PCC": the police and crime commissioner) or an everyday
    # word in lower case ("lbs") is no council's initials
    assert reader.read("did the PCC fund the MASH").unsure == ()
    assert reader.read("lbs of paperwork").unsure == ()
    # with an authority named, initials are not read as another
    assert reader.read("kent and the PCC").unsure == ()


@pytest.mark.parametrize(
    "question",
    ["what needs to improve", "what did the staff survey say", "kent what needs to improve"],
)
def test_an_everyday_word_is_never_read_as_a_slip_of_a_place(reader, question):
    # the reader of a library that does not use the word ("needs": Leeds, "survey": Surrey)
    assert {r.name for r in reader.read(question).authorities} <= {"Kent"}


@pytest.mark.parametrize(
    ("question", "of_a_judgement"),
    [
        ("why was kent judged good", True),
        ("dorset 2025 outstanding why", True),
        ("liverpool 2014 SIF - why RI", True),
        ("what held barnsley back in its june 2014 inspection", True),
        ("why has leicester declined since 2021", True),
        ("why care leavers", True),  # a judgement area alone
        ("why did ofsted mark ealing down on help and protection", True),
        ("why was kent downgraded on care leavers", True),
        # why something the reports describe happened: the passages explain it
        ("why did westminster's director of children's services leave the council?", False),
        ("why r some barnsley kids waiting for CP conference", False),
        ("leicester over 16s unregistered placements reason", False),
        # an area named beside what happened within it: the passages explain that
        ("ealing 2024 why care leavers not moving to independent housing", False),
        ("why is care leaver housing in kent so variable", False),
        ("why was management oversight of help and protection hard to evidence", False),
    ],
)
def test_a_why_asks_a_judgements_reasons_only_when_it_names_one(reader, question, of_a_judgement):
    from assistant.asking import asks_why_of_a_judgement

    assert asks_why_of_a_judgement(reader.read(question)) is of_a_judgement
