"""The offline answerer: picks the answering units, cites them, refuses when nothing fits."""

import pytest

from assistant.answering.coverage import close_forms, closest, is_furniture, split_forms
from assistant.answering.extractive import ExtractiveAnswerer
from assistant.answering.text_units import split_units, stem, terms
from assistant.prompts import load_prompts
from tests.fakes import stored_chunk


def chunk(text, score=0.6, rank=0, section=None, page=1, starts=(), doc=None, **meta):
    return stored_chunk(
        text,
        doc or f"d{rank}",
        rank,
        source=f"doc{rank}.txt",
        title=f"Doc {rank}",
        page=page,
        section=section,
        score=score,
        page_starts=starts,
        **meta,
    )


@pytest.fixture
def answerer():
    return ExtractiveAnswerer(load_prompts("extractive-v1"), min_score=0.25)


@pytest.fixture
def glossary_answerer():
    """The answerer with the glossary: phrases, synonyms and abbreviations weigh."""
    from assistant.query import Glossary

    return ExtractiveAnswerer(
        load_prompts("extractive-v1"), min_score=0.25, glossary=Glossary.load()
    )


def test_split_units_keeps_table_rows_whole_and_offsets_exact():
    text = (
        "Areas for judgement | Grade\nCapacity to improve. Really | 4\nIt is good. It got better."
    )
    units = split_units(text)
    assert [u.text for u in units] == [
        "Areas for judgement | Grade",
        "Capacity to improve. Really | 4",
        "It is good.",
        "It got better.",
    ]
    assert all(text[u.start : u.end] == u.text for u in units)


@pytest.mark.parametrize(
    ("word", "expected"),
    [("leavers", "leaver"), ("studies", "study"), ("improving", "improv"), ("class", "class")],
)
def test_stem(word, expected):
    assert stem(word) == expected


def test_terms_drop_stopwords_keep_numbers():
    assert terms("What did Ofsted say about care leavers in 2006?") == ["care", "leaver", "2006"]


@pytest.mark.parametrize("question", ["pre birth assessments", "newcastle pre birth assessmnts"])
def test_a_hyphenated_word_is_covered_by_its_parts_typed_apart(answerer, question):
    passages = [
        chunk("Pre-birth assessments are thorough and timely. Some plans drift."),
        chunk("Care leavers live in suitable homes.", rank=1),
    ]
    drafted = answerer.answer(question, passages)
    assert not drafted.refused
    assert drafted.citations[0].quote.startswith("Pre-birth assessments are thorough")


def test_terms_drop_stopwords_contracted():
    # no passage writes "weren't": it is no key word a passage must hold
    assert terms("what % of harrow pupils weren't white british") == [
        "harrow",
        "pupil",
        "white",
        "british",
    ]
    assert terms("why didn’t kent's advisers visit") == ["kent", "adviser", "visit"]


def test_answer_quotes_the_matching_sentence_and_cites_it(answerer):
    chunks = [
        chunk("The weather was fine. Care leavers receive good support from personal advisers."),
        chunk("Adoption is timely. Nothing else.", rank=1, score=0.5),
    ]
    drafted = answerer.answer("How are care leavers supported?", chunks)
    assert not drafted.refused
    assert drafted.citations[0].quote == "Care leavers receive good support from personal advisers."
    assert "[1]" in drafted.text
    assert all(
        c.quote in ch.text for c in drafted.citations for ch in chunks if ch.doc_id == c.doc_id
    )


def test_refuses_when_best_passage_scores_low(answerer):
    drafted = answerer.answer(
        "care leavers", [chunk("Care leavers are well supported.", score=0.1)]
    )
    assert drafted.refused and drafted.citations == ()
    assert "do not cover" in drafted.text


def test_refuses_when_no_unit_holds_the_question_terms(answerer):
    chunks = [chunk("Children in care are visited regularly by social workers.", score=0.5)]
    drafted = answerer.answer("What is the budget for highways maintenance?", chunks)
    assert drafted.refused


def test_page_of_quote_follows_page_breaks_inside_chunk(answerer):
    text = "Intro text here. More words.\nThe virtual school tracks attainment closely."
    starts = ((text.index("The virtual"), 5),)
    drafted = answerer.answer("virtual school attainment", [chunk(text, page=4, starts=starts)])
    assert drafted.citations[0].quote.startswith("The virtual school")
    assert drafted.citations[0].page == 5


def test_answer_stays_short_and_deduplicates(answerer):
    sentence = "Care leavers are supported well by the leaving care team. "
    chunks = [chunk(sentence * 3), chunk(sentence, rank=1)]
    drafted = answerer.answer("care leavers leaving care team", chunks)
    assert len(drafted.citations) == 1
    assert len(drafted.text.split()) <= 130


def assert_quotes_exact(drafted, chunks):
    """Every citation quotes its own passage verbatim."""
    for c in drafted.citations:
        assert any(c.quote in ch.text for ch in chunks if ch.doc_id == c.doc_id), c.quote


IMPROVE = (
    "Children are safe.\n\nWhat needs to improve?\n\n"
    "◼ The quality of pathway plans for care leavers.\n"
    "◼ Management oversight of visits to children.\n\n"
    "12. Leaders know their services well and act on audits."
)


@pytest.mark.parametrize(
    ("question", "chunks", "quote"),
    [
        pytest.param(
            "What needs to improve in Kent?",
            [chunk(IMPROVE, section="What needs to improve?")],
            "What needs to improve?\n\n◼ The quality of pathway plans for care leavers.\n"
            "◼ Management oversight of visits to children.",
            id="heading-then-bullets",
        ),
        pytest.param(
            "What recommendations did the report make?",
            [
                chunk(
                    "The report makes these recommendations:\n"
                    "• Councils should plan services together.\n"
                    "• Partners should share data.\nOther text follows here."
                )
            ],
            "The report makes these recommendations:\n• Councils should plan services together."
            "\n• Partners should share data.",
            id="lead-in-colon-then-bullets",
        ),
        pytest.param(
            "What were the judgements in the inspection?",
            [
                chunk(
                    "Judgement Grade\nOverall effectiveness Good\n"
                    "The experiences and progress of care leavers Outstanding\n"
                    "Summary of findings\nChildren are seen often."
                )
            ],
            "Judgement Grade\nOverall effectiveness Good\n"
            "The experiences and progress of care leavers Outstanding",
            id="table-heading-then-judgement-rows",
        ),
    ],
)
def test_list_questions_quote_the_items_under_the_heading(answerer, question, chunks, quote):
    drafted = answerer.answer(question, chunks)
    assert not drafted.refused
    assert drafted.citations[0].quote == quote
    assert_quotes_exact(drafted, chunks)


def test_list_continues_into_the_next_retrieved_passage_of_the_document(answerer):
    first = chunk("Leaders are ambitious.\n\nWhat needs to improve?", doc="k", rank=0)
    second = chunk(
        "◼ The timeliness of assessments for disabled children.\n◼ Supervision of staff.\n"
        "Body text after the list.",
        doc="k",
        rank=1,
    )
    drafted = answerer.answer("What needs to improve?", [first, second])
    quotes = [c.quote for c in drafted.citations]
    assert quotes[:2] == [
        "What needs to improve?",
        "◼ The timeliness of assessments for disabled children.\n◼ Supervision of staff.",
    ]
    assert "Body text" not in drafted.text
    assert_quotes_exact(drafted, [first, second])


@pytest.mark.parametrize(
    ("text", "quote"),
    [
        pytest.param(
            "Unrelated opening words. Care leavers have personal advisers. "
            "Personal advisers for care leavers visit monthly.\nOther line about adoption.",
            "Care leavers have personal advisers. "
            "Personal advisers for care leavers visit monthly.",
            id="two-matching-sentences-one-span",
        ),
        pytest.param(
            "Weather is mild. The virtual school tracks attainment closely. "
            "It meets termly with schools.\nA different paragraph about adoption.",
            "The virtual school tracks attainment closely. It meets termly with schools.",
            id="sentence-after-the-match-in-its-paragraph",
        ),
    ],
)
def test_neighbouring_sentences_are_merged_into_one_quote(answerer, text, quote):
    chunks = [chunk(text)]
    question = "care leavers personal advisers" if "leavers" in text else "virtual school"
    drafted = answerer.answer(question, chunks)
    assert [c.quote for c in drafted.citations][0] == quote
    assert "\n" not in drafted.citations[0].quote  # never across a paragraph
    assert_quotes_exact(drafted, chunks)


def test_follow_on_off_quotes_only_the_matching_sentence():
    answerer = ExtractiveAnswerer(load_prompts("extractive-v1"), follow_on=False)
    text = "The virtual school tracks attainment closely. It meets termly with schools."
    drafted = answerer.answer("virtual school attainment", [chunk(text)])
    assert drafted.citations[0].quote == "The virtual school tracks attainment closely."


def test_number_questions_prefer_the_unit_with_a_figure(answerer):
    chunks = [
        chunk("Care leavers are well supported by advisers in education."),
        chunk("Overall, 64% of care leavers were in education.", rank=1),
    ]
    question = "What percentage of care leavers were in education?"
    drafted = answerer.answer(question, chunks)
    assert drafted.citations[0].quote == "Overall, 64% of care leavers were in education."
    plain = ExtractiveAnswerer(load_prompts("extractive-v1"), number_bonus=0.0)
    assert plain.answer(question, chunks).citations[0].quote.startswith("Care leavers")


@pytest.mark.parametrize(
    ("question", "chunks", "refused"),
    [
        pytest.param(
            "What grade did Kent get in its 2021 inspection?",
            [chunk("Overall effectiveness Good", authorities=("Kent",), published="2019")],
            True,
            id="year-of-no-document",
        ),
        pytest.param(
            "What grade did Kent get in its 2019 inspection?",
            [chunk("Overall effectiveness Good", authorities=("Kent",), published="2019")],
            False,
            id="year-of-the-document",
        ),
        pytest.param(
            "What did Kent's 2023 report say about the 2021 focused visit?",
            [
                chunk(
                    "The 2021 focused visit found weaknesses in planning.",
                    published="2023",
                    inspected="2023-03-01",
                )
            ],
            False,
            id="year-stated-in-the-text",
        ),
        pytest.param(
            "How much did the council spend on agency social workers?",
            [chunk("Agency social workers are used in a few teams across the service.")],
            True,
            id="money-asked-no-sum",
        ),
        pytest.param(
            "How much did the council spend on agency social workers?",
            [chunk("The council spent £2.1 million on agency social workers last year.")],
            False,
            id="money-asked-sum-stated",
        ),
        pytest.param(
            "Who was the lead member for children's services?",
            [chunk("The lead member for children's services meets leaders often.")],
            True,
            id="person-asked-no-name",
        ),
        pytest.param(
            "Who was the lead member for children's services?",
            [chunk("The lead member for children's services,\nJane Smith, meets leaders often.")],
            False,
            id="person-asked-name-stated",
        ),
        pytest.param(
            "Which ferry operator handles harbour dredging contracts?",
            [chunk("Children in care are visited regularly by social workers.")],
            True,
            id="key-words-absent",
        ),
        pytest.param(
            "How do care leavers get ferry dredging?",
            [chunk("Care leavers are supported well by personal advisers.")],
            True,
            id="half-the-key-words-absent",
        ),
        pytest.param(
            "How are care levers supported by personal advisors?",
            [chunk("Care leavers are supported well by personal advisers.")],
            False,
            id="misspelt-words-still-found",
        ),
    ],
)
def test_refusal_signals(answerer, question, chunks, refused):
    drafted = answerer.answer(question, chunks)
    assert drafted.refused is refused
    assert (drafted.citations == ()) is refused
    assert_quotes_exact(drafted, chunks)


@pytest.mark.parametrize(
    ("term", "vocabulary", "expected"),
    [
        ("lever", {"leaver", "care"}, "leaver"),  # one letter off
        ("wandswoth", {"wandsworth"}, "wandsworth"),
        ("improv", {"improvement"}, "improvement"),  # another inflection
        ("leaver", {"leaver"}, "leaver"),
        ("ferry", {"leaver", "care"}, None),
        ("pa", {"pan"}, None),  # short words must match exactly
    ],
)
def test_closest_form_of_a_question_word(term, vocabulary, expected):
    assert closest(term, vocabulary) == expected


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("support", ["support"]),  # held as typed
        ("suport", ["support", "sport"]),  # every close form, the most used first
        ("frts", ["frt"]),  # a short form's plural
        ("abc", []),  # too short to guess at
        ("mockingbird", []),  # nothing close
    ],
)
def test_close_forms_of_a_word_by_use(term, expected):
    counts = {"support": 90, "sport": 3, "frt": 4, "supporter": 0}
    assert close_forms(term, counts) == expected


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("aftercare", ["after-care", "after care"]),  # held whole too: a report may split it
        ("makesafe", ["make-safe", "make safe"]),
        ("careers", []),  # "car" + "eers": no word
        ("pre-birth", []),  # already two
    ],
)
def test_a_word_written_as_two(term, expected):
    counts = {"after": 9, "care": 90, "aftercare": 2, "make": 5, "safe": 7, "car": 1}
    assert split_forms(term, counts) == expected


def test_misspelt_question_word_counts_as_its_passage_form(answerer):
    chunks = [chunk("Personal budgets meet needs.\nLeavers meet personal advisers weekly.")]
    drafted = answerer.answer("When do levers meet personal advisors?", chunks)
    assert drafted.citations[0].quote == "Leavers meet personal advisers weekly."


@pytest.mark.parametrize(
    ("line", "furniture"),
    [
        ("Inspection dates: 9 to 20 May 2022", True),
        ("Lead inspector: Sarah Canto, His Majesty's Inspector", True),
        ("© Crown copyright 2019", True),
        ("Inspection of Kent local authority children's services", True),
        ("The inspection found that care leavers are well supported.", False),
        # the publisher's back page, in every report
        (
            "The Office for Standards in Education, Children's Services and Skills (Ofsted) "
            "regulates and inspects to achieve excellence in the care of children",
            True,
        ),
        ("It regulates and inspects childcare and children's social care", True),
        (
            "If you would like a copy of this document in a different format, such as large "
            "print or Braille, please telephone 0300 123 1231",
            True,
        ),
        ("You may reuse this information (not including logos) free of charge", True),
        ("T: 0300 123 1231 Textphone: 0161 618 8524 E: enquiries@ofsted.gov.uk", True),
        ("It is clear that leaders know their services well.", False),
    ],
)
def test_is_furniture(line, furniture):
    assert is_furniture(line) is furniture


def test_the_publishers_back_page_is_no_answer_to_a_number_question(answerer):
    back = chunk(
        "T: 0300 123 1231 Textphone: 0161 618 8524 E: enquiries@ofsted.gov.uk\n"
        "If you would like a copy of this document in a different format, please telephone "
        "0300 123 1231."
    )
    drafted = answerer.answer("number of telephone lines for a copy of this document", [back])
    assert drafted.refused and not drafted.citations


def test_report_furniture_is_never_quoted(answerer):
    chunks = [
        chunk(
            "Inspection of Kent local authority children's services\n"
            "Inspection dates: 9 to 20 May 2022\n"
            "Care leavers in Kent receive strong support from their personal advisers.",
            authorities=("Kent",),
            published="2022",
        )
    ]
    drafted = answerer.answer("What support do care leavers in Kent get (May 2022)?", chunks)
    assert not drafted.refused
    assert all("Inspection dates" not in c.quote for c in drafted.citations)
    assert drafted.citations[0].quote.startswith("Care leavers in Kent")


@pytest.mark.parametrize("max_words", [40, 120])
def test_answer_stays_within_the_word_limit(max_words):
    answerer = ExtractiveAnswerer(load_prompts("extractive-v1"), max_words=max_words)
    long = " ".join(["care leavers receive support from advisers"] * 30) + "."
    items = "\n".join(f"◼ Care leavers need better plan number {i} for support." for i in range(30))
    chunks = [
        chunk(long),
        chunk(f"What needs to improve for care leavers?\n{items}", rank=1),
    ]
    for question in ("How are care leavers supported?", "What needs to improve for care leavers?"):
        drafted = answerer.answer(question, chunks)
        assert not drafted.refused
        assert len(drafted.text.split()) <= max_words
        assert_quotes_exact(drafted, chunks)


def test_furniture_is_skipped_even_when_the_question_only_places_the_report(answerer):
    chunks = [
        chunk(
            "Inspection dates: 9 to 20 May 2022\nCare leavers in Kent are well supported.",
            authorities=("Kent",),
            published="2022",
        )
    ]
    drafted = answerer.answer("Kent inspection, May 2022?", chunks)
    assert all("Inspection dates" not in c.quote for c in drafted.citations)


def test_grade_question_quotes_the_judgement_rows_together(answerer):
    text = (
        "Areas for judgement | Grade awarded\n"
        "The contribution of children's services to outcomes. | 3\n"
        "The council's overall capacity to improve its services | 4\n"
        "Pupils at Key Stage 2 do well and attendance is good."
    )
    chunks = [chunk(text, doc="w")]
    drafted = answerer.answer("What grades did the council's children's services get?", chunks)
    assert drafted.citations[0].quote == (
        "The contribution of children's services to outcomes. | 3\n"
        "The council's overall capacity to improve its services | 4"
    )
    assert_quotes_exact(drafted, chunks)


def test_a_line_repeating_the_document_title_is_not_quoted(answerer):
    title_line = "Doc 0"
    chunks = [chunk(f"{title_line}\nDoc services for care leavers are good.")]
    drafted = answerer.answer("Doc 0 care leavers", chunks)
    assert [c.quote for c in drafted.citations] == ["Doc services for care leavers are good."]


@pytest.mark.parametrize("newlines", [False, True])
def test_a_shortened_list_keeps_whole_items_and_says_how_many_are_left(newlines):
    answerer = ExtractiveAnswerer(load_prompts("extractive-v1"), max_words=60)
    sep = "\n" if newlines else " "
    items = sep.join(
        f"◼ The quality of plan number {i} for care leavers, so that they are supported well."
        for i in range(8)
    )
    chunks = [chunk(f"What needs to improve for care leavers?{sep}{items}", rank=1)]
    drafted = answerer.answer("What needs to improve for care leavers?", chunks)
    assert not drafted.refused
    assert "…" not in drafted.text
    quote = drafted.citations[-1].quote
    assert quote.endswith("supported well.")  # a whole item, not cut mid-sentence
    assert 0 < quote.count("◼") < 8
    assert len(drafted.text.split()) <= 60
    assert_quotes_exact(drafted, chunks)


@pytest.mark.parametrize("sep", [" ", "\n"])
def test_a_quote_shortened_to_fit_ends_after_a_whole_item(sep):
    from assistant.answering.quotes import Quote, shortened

    items = sep.join(f"◼ The quality of plan number {i} for care leavers." for i in range(6))
    text = f"What needs to improve for care leavers?{sep}{items}"
    limit = text.index("number 3") + len("number 3")  # room ends inside the fourth item
    short = shortened(Quote(chunk(text), 0, len(text)), limit)
    assert short.text.endswith("plan number 2 for care leavers.")
    assert not short.cut and short.left_out == 3
    prose = "Leaders know their services well. They act on what they find. Staff say so too."
    short = shortened(Quote(chunk(prose), 0, len(prose)), prose.index("find") + 4)
    assert short.text == "Leaders know their services well." and short.left_out == 0
    assert shortened(Quote(chunk(prose), 0, len(prose)), 13).cut  # no sentence fits


def test_shortened_prose_ends_at_a_sentence():
    answerer = ExtractiveAnswerer(load_prompts("extractive-v1"), max_words=40)
    text = " ".join(
        f"Care leavers receive support number {i} from their advisers every week." for i in range(9)
    )
    drafted = answerer.answer("What support do care leavers receive?", [chunk(text)])
    assert not drafted.refused and "…" not in drafted.text
    assert drafted.citations[0].quote.endswith("every week.")


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("dorset DCS name", False),
        ("who is the lead member for children in dorset", False),
        ("warks 2025 lead inspector", False),
        ("What does the report say about the director of children's services in Dorset?", True),
    ],
)
def test_a_name_asked_for_and_not_quoted_is_refused(answerer, question, named):
    """Asked for someone's name, quotes that name nobody are no answer."""
    chunks = [
        chunk(
            "The director of children's services (DCS) and the lead member lead by example "
            "and know their services well. The lead inspector met leaders in Dorset.",
            authorities=("Dorset",),
        )
    ]
    assert answerer.answer(question, chunks).refused is not named
    signed = [chunk("Director of children's services: Jane Smith, Dorset Council.\n")]
    assert not answerer.answer("dorset DCS name", signed).refused


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("dorset DCS name", True),
        ("warks 2025 lead inspector", True),
        ("who is the lead member for children in leicester", True),
        ("newham RAA name", False),  # an agency's name, not a person's
        ("whats the name of the family hubs scheme in kent", False),
        ("name of the social worker who led the audit", True),
        # a post's word as the verb of "who": a role answers it as well as a name
        ("who chairs the safeguarding partnership in kent", False),
        ("who co-chairs the corporate parenting board in kingston", False),
        ("what r my safety meetings in glos, who chairs them", False),
        ("who is the chair of the safeguarding partnership in kent", True),
        ("what did the DCS say about recruitment", False),
        ("when did the lead inspector visit", False),
        # "who" of a relative clause asks for no one
        ("what did inspectors say about kids who went missing", False),
        ("what did the director say about children who are home educated", False),
        ("dorset DCS - who", True),
        ("director of childrens services kent who", True),
        ("tell me who the DCS is in kent", True),
        # who carried out an inspection: its lead inspector
        ("who did leicester's ofsted in 2017", True),
        ("who carried out the 2019 inspection of kent", True),
        ("who did the audits in kent", False),
        ("who was in charge of liverpool's ofsted in may/june 2014", True),
        ("newcastle CiCC name - voices 4 choices what is it", False),  # a council's name
        # a name the question gives: nobody's name is asked
        ("Telford uses the name Family Connect. What is it?", False),
        ("what does the name 'Pause' mean in kent", False),
        ("what is the name of kent's DCS", True),
        ("kent DCS name", True),
        # to whom a post answers: a post, not a person's name
        ("who did kents dcs answer to in mar 2017", False),
        ("Who did Kent's director of children's services report to in 2017?", False),
        ("kent DCS reporting line 2017", False),
        ("who was the DCS in kent when inspected", True),  # "when" places it: who is asked
    ],
)
def test_asks_for_a_persons_name(question, asks):
    from assistant.answering.intent import asks_for_name

    assert asks_for_name(question) is asks


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("glos dcs who is she", True),  # "who is she": asked of the post before it
        ("salford corporate parenting board chair", False),
        ("AfC chief exec RBWM 2024", False),
    ],
)
def test_who_is_she_asks_for_a_name_and_a_bare_post_alone_does_not(question, asks):
    from assistant.answering.intent import asks_for_name

    assert asks_for_name(question) is asks


def test_casual_words_and_hyphenated_forms_do_not_make_a_topic_missing(answerer):
    """'issues' asks how good, not about what; '17 year olds' is '17-year-olds' in text."""
    chunks = [
        chunk(
            "Homeless 16- and 17-year-olds receive a timely joint assessment from housing "
            "and children's services, although some wait too long for accommodation.",
            authorities=("Kent",),
        )
    ]
    drafted = answerer.answer("kent homeless 16 and 17 year olds - any issues?", chunks)
    assert not drafted.refused
    assert "17-year-olds" in drafted.citations[0].quote
    # "aged" of an age, and "published" of the report's date, are no topic words either
    for question in (
        "What did Ofsted find about homeless teenagers aged 16-17 in Kent?",
        "How are homeless 16- and 17-year-olds assessed in Kent, as last published?",
    ):
        drafted = answerer.answer(question, chunks)
        assert not drafted.refused, question
        assert "17-year-olds" in drafted.citations[0].quote


def test_a_phrase_matches_its_synonyms_and_its_words_alone_match_nothing(glossary_answerer):
    chunks = [
        chunk(
            "Managers are looking carefully after the section 47 enquiries.\n"
            "Children in care live in stable homes and see their social workers often.",
            doc="d",
        )
    ]
    drafted = glossary_answerer.answer("how are looked after children doing", chunks)
    assert [c.quote for c in drafted.citations] == [
        "Children in care live in stable homes and see their social workers often."
    ]
    # without the glossary the words ("looking", "after") bring in the other sentence
    plain = ExtractiveAnswerer(load_prompts("extractive-v1"), min_score=0.25)
    drafted = plain.answer("how are looked after children doing", chunks)
    assert any("looking carefully" in c.quote for c in drafted.citations)


def test_a_phrase_said_in_another_form_is_not_missing(glossary_answerer):
    chunks = [
        chunk(
            "The multi-agency safeguarding hub responds to contacts quickly and thresholds "
            "are well understood by partners.",
            doc="d",
        )
    ]
    question = "how well does the front door respond"
    plain = ExtractiveAnswerer(load_prompts("extractive-v1"), min_score=0.25)
    assert plain.answer(question, chunks).refused  # "front", "door": nowhere
    drafted = glossary_answerer.answer(question, chunks)
    assert not drafted.refused
    assert "multi-agency safeguarding hub" in drafted.citations[0].quote


def test_an_abbreviation_the_passages_only_spell_out_is_answered_by_the_spelt_out_sentence(
    glossary_answerer,
):
    chunks = [
        chunk(
            "Leaders have a clear plan for the year ahead.\n"
            "Work under the public law outline is timely and letters to parents are clear.",
            doc="d",
        )
    ]
    plain = ExtractiveAnswerer(load_prompts("extractive-v1"), min_score=0.25)
    assert plain.answer("PLO findings", chunks).refused  # "PLO" is said nowhere
    drafted = glossary_answerer.answer("PLO findings", chunks)
    assert not drafted.refused
    assert [c.quote for c in drafted.citations] == [
        "Work under the public law outline is timely and letters to parents are clear."
    ]
    # an abbreviation said in no form at all weighs nothing against the other words
    drafted = glossary_answerer.answer("EDT and letters to parents", chunks)
    assert not drafted.refused
    assert "letters to parents" in drafted.citations[0].quote


def test_a_short_abbreviation_typed_plural_is_its_spelt_out_phrase(glossary_answerer):
    chunks = [
        chunk(
            "Leaders have a clear plan for the year ahead.\n"
            "As a result, 21 care leavers are studying for degrees.",
            doc="d",
        )
    ]
    for question in ("how many CL are there", "how many CLs are there"):
        drafted = glossary_answerer.answer(question, chunks)
        assert not drafted.refused, question
        assert "21 care leavers" in drafted.citations[0].quote


def test_a_quantity_asked_for_and_stated_nowhere_is_refused(answerer):
    words = [chunk("Care leavers are supported into university and the offer is strong.")]
    assert answerer.answer("what percentage of care leavers go to university", words).refused
    stated = [chunk("Nineteen per cent of care leavers have entered university this year.")]
    drafted = answerer.answer("what percentage of care leavers go to university", stated)
    assert not drafted.refused and "Nineteen per cent" in drafted.citations[0].quote
    # a frequency answers "how often" ("met monthly"), a period "how long" ("within a week")
    often = [chunk("The kinship carers' forum met monthly with the service manager.")]
    assert not answerer.answer("how often did the kinship carers' forum meet", often).refused
    week = [chunk("Kinship carers are visited within a week of the child arriving.")]
    assert not answerer.answer("how long before kinship carers are visited", week).refused


def test_words_asking_for_a_quantity_are_no_key_word_a_passage_must_hold(answerer):
    from assistant.answering.coverage import topic_terms

    assert topic_terms("number of family hubs count percentage", []) == ["family", "hub"]
    stated = [chunk("Leaders have opened 12 family hubs across the borough.")]
    drafted = answerer.answer("number of family hubs, count", stated)
    assert not drafted.refused and "12 family hubs" in drafted.citations[0].quote


def test_a_question_understood_as_a_number_prefers_the_figure_without_refusing_for_it(answerer):
    chunks = [
        chunk("Social worker caseloads in the service are manageable and supervision is good."),
        chunk("Social worker caseloads in the service are 17 children.", rank=1),
    ]
    question = "social worker caseloads in the service"
    plain = answerer.answer(question, chunks)
    assert plain.citations[0].quote.startswith("Social worker caseloads in the service are man")
    drafted = answerer.answer(question, chunks, intent="number")
    assert drafted.citations[0].quote == "Social worker caseloads in the service are 17 children."
    # no wording asks for a quantity: the understood intent alone refuses nothing
    no_figure = [chunk("Social worker caseloads in the service are manageable.")]
    assert not answerer.answer(question, no_figure, intent="number").refused


def test_a_report_of_another_year_is_quoted_only_where_it_states_the_year_asked(answerer):
    later = chunk(
        "Services are judged good now, and leaders are strong.\nSince the last inspection in 2022, "
        "when services were judged inadequate, leaders have improved practice.",
        published="2025",
        inspected="2025-06-20",
    )
    drafted = answerer.answer("how were services judged in 2022", [later])
    assert drafted.citations and all("2022" in c.quote for c in drafted.citations)
    assert not any(c.quote.startswith("Services are judged good now") for c in drafted.citations)


def test_an_answer_quotes_up_to_four_passages_within_160_words():
    answerer = ExtractiveAnswerer(load_prompts("extractive-v1"))
    chunks = [
        chunk(f"Care leavers in team {n} have personal advisers who visit them often.", rank=n)
        for n in range(6)
    ]
    drafted = answerer.answer("do care leavers have personal advisers who visit", chunks)
    assert len(drafted.citations) == 4
    assert len(drafted.text.split()) <= 160


def test_a_caseload_question_is_a_number_question_that_a_statement_may_answer(answerer):
    from core.vocabulary import INTENT_PATTERNS

    question = "did the report say caseloads were too high in the service?"
    # read as a number question (its figure first, when there is one) ...
    assert INTENT_PATTERNS["number"].search(question)
    # ... but no quantity is asked in so many words: "too high" answers it
    said = [chunk("Social worker caseloads in the service are too high in the duty team.")]
    assert not answerer.answer(question, said, intent="number").refused
    # "how many" still wants a figure
    asked = "how many children does each social worker hold in the service?"
    assert answerer.answer(asked, [chunk("Caseloads in the service are too high.")]).refused


@pytest.mark.parametrize(
    "quote",
    [
        "Some children aged 16 who are subject to an order are not offered a service.",
        "Children aged 16 and 17 who present as homeless receive a timely response.",
        "The response to 16- and 17-year-olds who are homeless has improved.",
        "Attainment at Key Stages 1 and 2 is above statistical neighbours.",
        "Leaders know where practice is weaker (Enabler 2, National Framework).",
        "The partnership with Cool 2 Care has created work placements.",
        # "one" as a pronoun or a kind of work counts nothing
        "Care leavers keep an allocated PA for as long as they want one.",
        "No one in the borough is left without a plan for children in care.",
        "Children in care get one-to-one tuition and support one another.",
    ],
)
def test_an_age_a_key_stage_or_a_label_is_no_quantity_asked_for(answerer, quote):
    from assistant.answering.intent import states_quantity

    assert not states_quantity(quote)
    assert answerer.answer("how many children are in care in the borough", [chunk(quote)]).refused
    # a count beside them answers
    counted = chunk(quote + " There are 412 children in care in the borough.")
    assert not answerer.answer("how many children are in care in the borough", [counted]).refused


def test_a_judgement_row_is_no_finding(answerer):
    row = chunk("The experiences and progress of care leavers Good\nOverall effectiveness Good")
    said = chunk("Care leavers say that their personal advisers stay in touch.", rank=1)
    drafted = answerer.answer("what about care leavers", [row, said], intent="finding")
    assert [c.quote for c in drafted.citations] == [
        "Care leavers say that their personal advisers stay in touch."
    ]
    # a row alone answers no finding; a grade question still quotes it
    assert answerer.answer("what about care leavers", [row], intent="finding").refused
    graded = answerer.answer("care leavers grade", [row], intent="grade")
    assert not graded.refused and "care leavers Good" in graded.citations[0].quote


def test_an_age_answers_how_long_or_how_old(answerer):
    quote = chunk("Personal advisers support care leavers up to the age of 25.")
    assert not answerer.answer("how long are care leavers supported by PAs", [quote]).refused
    assert not answerer.answer("until what age do PAs support care leavers", [quote]).refused
    assert answerer.answer("how many care leavers do PAs support", [quote]).refused


def test_a_phrase_said_but_for_one_word_counts_half(glossary_answerer):
    from assistant.answering.phrases import Phrase

    phrase = Phrase(frozenset(), frozenset({"emergency", "duty", "team"}), 3.0)
    assert phrase.share_said(frozenset(), {"emergency", "duty", "service"}) == 0.5
    assert phrase.share_said(frozenset(), {"emergency", "hours"}) == 0.0
    assert (
        Phrase(frozenset(), frozenset({"front", "door"}), 2.0).share_said(
            frozenset(), {"front", "room"}
        )
        == 0.0
    )
    chunks = [
        chunk(
            "The emergency duty service operates jointly with two neighbouring boroughs "
            "and responds well out of hours.",
            doc="d",
        )
    ]
    drafted = glossary_answerer.answer("emergency duty team", chunks)  # "EDT" in the glossary
    assert not drafted.refused and "neighbouring boroughs" in drafted.citations[0].quote


def test_anything_is_how_a_question_is_put():
    from assistant.answering.coverage import missing_terms

    question = "did ofsted say anything about staff leaving"
    passages = [chunk("Staff leaving the service are interviewed about their reasons.")]
    assert missing_terms(question, ("anyth", "staff", "leav"), passages) == []


def test_time_is_how_a_question_is_put():
    # "time in post" asks how long: a sentence giving the months in post answers it
    from assistant.answering.coverage import missing_terms
    from assistant.answering.text_units import terms

    question = "barnsley exec director time in post 2023"
    passages = [chunk("The executive director has been in post for 14 months.")]
    topic = tuple(t for t in terms(question) if t not in ("barnsley", "2023"))
    assert "time" in topic
    assert missing_terms(question, topic, passages) == []


@pytest.mark.parametrize(
    ("question", "person"),
    [
        ("name of the salford front door", False),
        ("what's the name of the service for care leavers", False),
        # the thing named may come after a long council name, to the end of the clause
        ("What is the name of Telford and Wrekin's child in care council, per ofsted?", False),
        # in capitals as a name is typed
        ("What is the name of Telford and Wrekin's Children in Care Council?", False),
        ("name of Kent's Virtual School", False),
        ("name of the CiCC", False),  # a word in capitals inside: an abbreviation
        ("name of Telford and Wrekin's director of children's services", True),
        ("name of the head of learning in the plan", True),
        ("name of the kent DCS", True),
        ("name of the team manager", True),
        ("who's the DCS in kent", True),
        ("who is the DCS in kent", True),
    ],
)
def test_the_name_of_a_thing_is_no_person(question, person):
    from assistant.answering.intent import asks_for_person

    assert asks_for_person(question) is person


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("how much does kent spend on agency staff", True),
        ("hampshire IRO investment £ 2024", True),
        ("kent children's services budget", True),
        # a count, whatever paid for it
        ("how many social work apprenticeships did oxfordshire get DfE money for", False),
        # what it is for
        ("What did Cornwall's apprentices secure funding for, according to ofsted?", False),
        ("what was kent's DfE grant spent on", False),
        ("what did kent spend on agency staff?", True),  # a sum: "on" what is named
    ],
)
def test_asks_for_a_sum_of_money(question, asks):
    from assistant.answering.intent import asks_for_money

    assert asks_for_money(question) is asks


def test_a_count_paid_for_is_not_refused_for_stating_no_sum(answerer):
    chunks = [chunk("The council has secured DfE funding for 20 social work apprenticeships.")]
    question = "How many social work apprenticeships did the council get DfE money for?"
    drafted = answerer.answer(question, chunks)
    assert not drafted.refused and "20 social work apprenticeships" in drafted.text


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        # "budget" describes the fund asked about: no sum is asked, none need be quoted
        ("whats the next venture fund, some budget care leavers run themselves?", "other"),
        # what was found of the care leavers' own budget, not how much it is
        ("durham care leavers own budget", "finding"),
    ],
)
def test_a_money_word_in_a_question_not_asking_a_number_asks_no_sum(answerer, question, intent):
    chunks = [
        chunk(
            "The Next Venture Fund is an annual budget going directly to the care leavers "
            "group to help them develop discrete areas of the service."
        )
    ]
    assert not answerer.answer(question, chunks, intent=intent).refused
    assert answerer.answer(question, chunks, intent="number").refused  # a sum asked: none


@pytest.mark.parametrize(
    ("text", "refused"),
    [
        ("Social workers screen all concerns and consider history to inform next steps.", True),
        ("The next inspection of the service is due in March 2027 under the framework.", False),
    ],
)
def test_a_when_question_is_answered_only_by_a_quote_stating_a_time(answerer, text, refused):
    question = "when is the next inspection of the service due"
    assert answerer.answer(question, [chunk(text)]).refused is refused


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("when was the focused visit", True),
        ("what year did the MASH open", True),
        ("ealing DCS start date", True),  # asked bare
        ("walsall right 4 children launch date", True),
        ("start dates of new social workers", False),
        ("When kids go missing, are the chats afterwards any good?", False),  # a conjunction
        ("how are care leavers supported", False),
    ],
)
def test_asks_for_a_time(question, asks):
    from assistant.answering.intent import asks_for_time

    assert asks_for_time(question) is asks


@pytest.mark.parametrize(
    ("question", "text", "detail"),
    [
        (
            "How much did the council spend on agency staff?",
            "Agency staff are few.",
            "a sum asked, none stated",
        ),
        (
            "Which ferry operator handles harbour dredging?",
            "Children in care are visited.",
            "key words missing from the passages",
        ),
        (
            "How many care leavers have advisers?",
            "Care leavers have personal advisers.",
            "a figure asked, none quoted",
        ),
        (
            "When was the next inspection due?",
            "The next inspection is planned.",
            "a time asked, none quoted",
        ),
    ],
)
def test_a_refusal_says_which_check_refused_it(answerer, question, text, detail):
    from assistant.answering.extractive import REFUSAL_DETAILS

    drafted = answerer.answer(question, [chunk(text)])
    assert drafted.refused and drafted.detail == detail and detail in REFUSAL_DETAILS


@pytest.mark.parametrize(
    ("text", "answered"),
    [
        # an age is no count ("become 21")
        ("When care leavers become 21 they no longer have a social worker.", False),
        ("The council employs 271 social workers, of whom 45 are agency staff.", True),
    ],
)
def test_an_age_is_no_count(answerer, text, answered):
    drafted = answerer.answer("How many social workers does the council employ?", [chunk(text)])
    assert drafted.refused is not answered
    if not answered:
        assert drafted.detail == "a figure asked, none quoted"


def test_a_when_question_quotes_a_nearly_as_close_sentence_that_states_the_time():
    # the closest sentence states no time; one half as close does: it is quoted instead
    answerer = ExtractiveAnswerer(
        load_prompts("extractive-v1"), min_score=0.25, max_quotes=1, follow_on=False
    )
    chunks = [
        chunk("The council decided to bring the leaving care service back in house.", rank=0),
        chunk("The leaving care service came back in house in July 2019.", rank=1, score=0.5),
    ]
    question = "when did the council bring the leaving care service in house"
    drafted = answerer.answer(question, chunks)
    assert not drafted.refused and "July 2019" in drafted.text


def test_a_plans_lead_may_be_a_post(answerer):
    # "who is the lead" of a plan's action: the plan names posts, not people
    passages = [chunk("Attainment at five: actions led by the Head of Learning. On track.")]
    question = "attainment at five actions - who is the lead"
    assert answerer.answer(question, passages).refused
    assert answerer.answer(question, passages).detail == "a name asked, none in the passages"
    assert not answerer.answer(question, passages, intent="plan_status").refused


def test_a_word_of_a_hyphenated_authority_name_is_no_topic():
    from assistant.answering.coverage import topic_terms

    passages = [chunk("Family hubs are open.", authorities=("Stockton-on-Tees",))]
    assert topic_terms("Stockton family hubs", passages) == ["family", "hub"]


@pytest.mark.parametrize(
    ("question", "quote"),
    [
        (
            "how many private fostering arrangements were there",
            "At the time of this inspection, there were no private fostering arrangements.",
        ),
        (
            "by how much did child protection plans fall",
            "The number of children on child protection plans has halved since 2022.",
        ),
    ],
)
def test_none_at_all_or_a_change_by_a_factor_answers_a_how_many(answerer, question, quote):
    from assistant.answering.intent import states_quantity

    assert states_quantity(quote, question)
    assert not answerer.answer(question, [chunk(quote)]).refused
    # "none identified" in a list is no count of anything, nor "no pressure" of children
    assert not states_quantity("Making a positive contribution: none identified.", question)
    assert not states_quantity(
        "There is no pressure to end care leavers' engagement.", "how many children in care"
    )


def test_since_when_answers_how_long(answerer):
    from assistant.answering.intent import states_quantity

    question = "How long had the DCS been in post at the inspection?"
    quote = "The director of children's services has been in post since August 2012."
    assert states_quantity(quote, question)
    assert not answerer.answer(question, [chunk(quote)]).refused
    assert not states_quantity(quote, "How many directors has the council had?")


def test_a_count_of_what_money_paid_for_asks_no_sum(answerer):
    from assistant.answering.intent import asks_for_money

    assert not asks_for_money("oxfordshire dfe funded social work apprentices number 2024")
    assert asks_for_money("kent agency spend 2022")


def test_a_figure_a_sentence_or_two_after_the_matching_one_is_quoted_with_it(answerer):
    passage = (
        "The 'Staying Put' arrangements enable some young people to remain with their foster "
        "carers after the age of 18. This is a strong feature of the local authority's "
        "response. Currently 52 young people are benefitting from this scheme."
    )
    drafted = answerer.answer("how many young people are in staying put", [chunk(passage)])
    assert not drafted.refused
    assert "Currently 52 young people" in drafted.text
    # asked for no quantity, the sentence after the match only
    found = answerer.answer("what about staying put arrangements", [chunk(passage)])
    assert "52" not in found.text


def test_quotes_from_several_councils_each_say_whose_report_and_when(answerer):
    chunks = [
        chunk("Care leavers live in suitable accommodation in most cases.", rank=0,
              authorities=("Kent",), inspected="2022-03-04"),
        chunk("Care leavers live in suitable accommodation and feel safe.", rank=1,
              authorities=("Surrey",), published="2019-06-01"),
    ]  # fmt: skip
    drafted = answerer.answer("what about care leavers accommodation", chunks)
    assert not drafted.refused
    lines = drafted.text.splitlines()[1:]
    assert lines[0].startswith("- Kent (2022): Care leavers live") and lines[0].endswith("[1]")
    assert lines[1].startswith("- Surrey (2019): Care leavers live")
    # the citations quote the report's words only
    assert drafted.citations[0].quote.startswith("Care leavers live")


def test_quotes_of_one_councils_reports_name_no_council(answerer):
    chunks = [
        chunk("Care leavers live in suitable accommodation in most cases.", rank=0,
              authorities=("Kent",), inspected="2022-03-04"),
        chunk("Care leavers live in suitable accommodation and feel safe.", rank=1,
              authorities=("Kent",), inspected="2017-03-04"),
    ]  # fmt: skip
    drafted = answerer.answer("what about care leavers accommodation", chunks)
    assert not drafted.refused and "Kent (" not in drafted.text
