"""What kind of answer a question wants, and which text units carry a grade."""

from __future__ import annotations

import re

from assistant.answering.text_units import stem
from core.vocabulary import APA_GRADE_WORDS, GRADE_WORDS, MONTHS, QUANTITY_ASKED, WHO_INSPECTED

_GRADE_QUESTION = re.compile(
    r"\b(grades?|graded|grading|judge?ments?|judged|rated|ratings?|scored?|scores|"
    r"outstanding|inadequate|requires improvement|overall effectiveness|"
    r"performs? (?:well|excellently))\b",
    re.IGNORECASE,
)
_GRADE_WORDS = f"{GRADE_WORDS}|{APA_GRADE_WORDS}"
# A table row whose last cell is a grade, a judgement line ending in a grade word,
# or an explicit "Grade 3" / "Level 3".
_GRADE_UNIT = re.compile(
    rf"(\|\s*(?:[1-4]|{_GRADE_WORDS})\s*$)"
    rf"|(\b(?:{_GRADE_WORDS})\.?\s*$)"
    r"|(\b(?:grade|level) [1-4]\b)",
    re.IGNORECASE,
)


def asks_for_grades(question: str) -> bool:
    """True when the question asks about grades, judgements or ratings."""
    return bool(_GRADE_QUESTION.search(question))


def is_grade_unit(text: str) -> bool:
    """True when a sentence, line or table row states a grade."""
    return bool(_GRADE_UNIT.search(text.strip()))


_GRADE_NAMED = re.compile(rf"\b(?:{GRADE_WORDS})\b", re.IGNORECASE)
# a grade stated as a judgement ("judged to require improvement", "the judgement was good",
# "when they required improvement"), not a grade word describing something ("made good
# progress", "good-quality services")
_STATES_A_GRADE = re.compile(
    rf"\b(?:judged|found|rated|graded|was|were|be|remained)\s+(?:as\s+|to\s+be\s+|to\s+)?"
    rf"(?:{GRADE_WORDS})\b|\brequired improvement\b",
    re.IGNORECASE,
)


def names_a_grade(text: str) -> bool:
    """True when the text has a grade word at all ("good", "inadequate", ...)."""
    return bool(_GRADE_NAMED.search(text))


def states_a_grade(text: str) -> bool:
    """True when the text states a grade as a judgement ("was judged inadequate")."""
    return bool(_STATES_A_GRADE.search(text))


# A figure: digits with thousands separators, decimals or a per cent sign, or a plain
# number that is neither a paragraph number at the start of a line nor a year.
_FIGURE = re.compile(
    r"(?<![\w.,])"
    r"(?:\d{1,3}(?:,\d{3})+|\d+\.\d+|\d+\s?%|\d+ per ?cent|(?!(?:19|20)\d\d\b)\d+)"
    r"(?![\w])",
    re.IGNORECASE,
)
# A quantity in words ("nineteen per cent", "half of them", "seen twice", "met monthly",
# "within a week").
_NUMBER_WORD = re.compile(
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
    r"fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|"
    r"sixty|seventy|eighty|ninety|hundred|thousand|million|half|third|quarter|dozen|"
    r"once|twice|daily|weekly|fortnightly|monthly|quarterly|annually|yearly|"
    r"(?:every|each|a|an|per) (?:day|week|fortnight|month|quarter|year|term))\b",
    re.IGNORECASE,
)
# Indent within the line only: "^\s*" rescanned a run of blank lines from each of them.
# "12. Leaders …", "3) …", and a footnote's mark ("1 The areas for improvement …")
_PARAGRAPH_NUMBER = re.compile(
    r"^[^\S\n]*(?:\d+(?:\.\d+)*[.)]\s|\d{1,2} (?=[A-Z][a-z]))", re.MULTILINE
)


def asks_for_number(question: str) -> bool:
    """True when the question asks for a count, amount, rate or percentage in so many words."""
    return bool(QUANTITY_ASKED.search(question))


def has_figure(text: str) -> bool:
    """True when the text states a figure other than a year or a paragraph number."""
    return bool(_FIGURE.search(_PARAGRAPH_NUMBER.sub(" ", text)))


# Numbers that count nothing: ages ("aged 16", "aged 16 and 17", "16- and 17-year-olds",
# "the age of 21"), key stages, numbered labels ("Enabler 2", "outcome 3", "Table 1") and a
# digit inside a name ("Cool 2 Care").
_AGE = (
    r"\b(?:aged?|age of|post-?)\s?\d+(?:\s*(?:and|to|or|-|–)\s*\d+)?\b|"
    r"\b\d+[-–]?(?:\s*(?:and|to|or|-|–)\s*\d+)?[- ]years?[- ]olds?\b|"
    r"\b\d+ years of age\b|\bthey are \d+\b|"
    r"\b(?:approach|turn|reach)(?:es|ed|ing|s)? (?:1\d|2[0-5])\b|"
    r"\bbec(?:ome|omes|ame|oming) (?:1\d|2[0-5])\b|"
    r"\b(?:under|over)[- ](?:1\d|2[0-5])s?\b"
)
_LABEL = (
    r"\bkey stages? \d+(?:\s*(?:and|to|-|–)\s*\d+)?|"
    r"\b(?:enabler|outcome|table|figure|chart|grade|level|stage|phase|tier|section|paragraph|"
    r"page|appendix|annex|recommendation|priority|objective|standard|regulation|chapter|part|"
    r"step|year|key stage) \d+\b|\b[A-Z][a-z]+ \d [A-Z][a-z]+\b"
)
# "one" that counts nothing: a pronoun ("no one", "want one", "one another", "one's") or
# a kind of work ("one-to-one", "one-off", "one-stop")
_PRONOUN_ONE = (
    r"\b(?:no|any|some|every|each|this|that|the|which|a|an|wants?|wanted|needs?|needed|"
    r"ha[sd]|have|gets?|got)[- ]one\b(?![- ](?:to[- ]one|off|stop))|\bone(?:\s+another|'s|’s)|"
    r"\bone[- ](?:to[- ]one|off|stop)\b"
)
_NOT_QUANTITY = re.compile(f"{_AGE}|{_LABEL}|{_PRONOUN_ONE}", re.IGNORECASE)
_NOT_COUNTED = re.compile(f"{_LABEL}|{_PRONOUN_ONE}", re.IGNORECASE)
# a question answered by an age ("how long are care leavers supported": "to the age of 25")
_ASKS_AGE = re.compile(r"\bhow long\b|\bhow old\b|\bages?\b|\buntil when\b", re.I)
_HOW_LONG = re.compile(r"\bhow long\b", re.I)
_SINCE_WHEN = re.compile(
    rf"\bsince (?:(?:{'|'.join(MONTHS)})\.?\s+)?(?:19|20)\d\d\b", re.IGNORECASE
)


# A quantity stated without a number: a change by a factor ("halved"), or none at all of
# what the question counts ("there were no private fostering arrangements"; not "there is
# no pressure to leave" asked how many care leavers stay)
_FACTOR = re.compile(r"\b(?:zero|halved|doubled|tripled|trebled)\b", re.IGNORECASE)
_NONE_OF = re.compile(
    r"\bthere (?:is|are|was|were|had been|has been|have been) no ((?:[\w'’-]+\s+)?[\w'’-]+)",
    re.IGNORECASE,
)


def _none_of_what_is_counted(text: str, question: str) -> bool:
    """Whether ``text`` says there were none of something the ``question`` names."""
    asked = {stem(w) for w in re.findall(r"[a-z]{3,}", question.lower())}
    return any(
        asked & {stem(w) for w in re.findall(r"[a-z]{3,}", m.group(1).lower())}
        for m in _NONE_OF.finditer(text)
    )


def states_quantity(text: str, question: str = "") -> bool:
    """True when the text states a quantity, in figures or in words.

    A figure (see :func:`has_figure`), a number in words, a factor ("halved"), or none at
    all of what the ``question`` counts ("there were no …"). Key stages and numbered
    labels are no quantity of anything, nor ages, unless the ``question`` asks how long or
    how old; asked how long, since when answers it ("in post since August 2012").
    """
    text = (_NOT_COUNTED if _ASKS_AGE.search(question) else _NOT_QUANTITY).sub(" ", text)
    if _HOW_LONG.search(question) and _SINCE_WHEN.search(text):
        return True  # "how long had the DCS been in post?": "in post since August 2012"
    return (
        has_figure(text)
        or bool(_NUMBER_WORD.search(text))
        or bool(_FACTOR.search(text))
        or _none_of_what_is_counted(text, question)
    )


_LIST_QUESTION = re.compile(
    r"\b(needs? to improve|needed to improve|improvements? (?:needed|required)|"
    r"recommendations?|recommend(?:ed|s)?|areas? (?:for|of) (?:development|improvement|focus)|"
    r"aspects?|themes?|features?|characteristics?|priorities|strengths|weaknesses|"
    r"which (?:\d+|two|three|four|five|six|seven|eight|nine|ten) |"
    r"(?:two|three|four|five|six|seven|eight|nine|ten) (?:main )?(?:areas|things|themes)|"
    r"name (?:some|the)|list (?:the|of))\b",
    re.IGNORECASE,
)
# A bullet, or "(a)", "b)", "(iv)", "2)"; not "12." (numbered paragraphs are body text).
_LIST_ITEM = re.compile(r"^\s*(?:[■◼•▪●◦·*–-]\s*|\(?(?:[a-z]|[ivx]{1,4}|\d{1,2})\)\s)", re.I)
_YEAR = re.compile(r"\b(?:19[5-9]\d|20\d\d)\b")


def asks_for_list(question: str) -> bool:
    """True when the question wants several items (what to improve, recommendations, themes)."""
    return bool(_LIST_QUESTION.search(question))


def is_list_item(text: str) -> bool:
    """True when a line is a bullet, a lettered or numbered item, or a table row."""
    return bool(_LIST_ITEM.match(text)) or " | " in text


def years_in(text: str) -> set[int]:
    """The four-digit years (1950–2099) written in ``text``."""
    return {int(y) for y in _YEAR.findall(text)}


_MONEY_QUESTION = re.compile(
    r"\b(spend|spends|spent|spending|budgets?|costs?|costing|funding|funded|expenditure|"
    r"money|per[- ]pupil|overspend|underspend|savings?)\b|£",
    re.IGNORECASE,
)
# A figure is at most 16 characters long, so a long run of digits and commas is not
# rescanned from each digit.
_MONEY = re.compile(r"£\s?\d|\b\d[\d,.]{0,15}\s?(?:million|billion|m|bn|k)\b", re.IGNORECASE)
_PERSON_QUESTION = re.compile(
    r"^\s*who\s+(?:is|was|signed|chaired|chairs|wrote)\b|"
    r"\bname of\b|\bwho(?: was| is|['’]s) (?:the|its|their)\b",
    re.IGNORECASE,
)
# A personal name: an honorific and a name, or two or three capitalised words set off
# by a comma or a line end (a signature or "Jane Smith, Director of ...").
_PERSON = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Dr|Professor|Prof|Councillor|Cllr|Sir|Dame|Lord|Lady)\.?\s+[A-Z][a-z]+"
    r"|(?:^|,\s*|:\s*)[A-Z][a-z]+(?:\s+[A-Z]\.?)?\s+[A-Z][a-z'’-]+(?=\s*(?:,|$|\n|\())",
    re.MULTILINE,
)


def asks_for_money(question: str) -> bool:
    """True when the question asks about spending, budgets, costs or funding.

    Not when it counts something ("how many apprenticeships did the DfE money fund"), nor
    when it asks what the money is for ("what did the apprentices secure funding for?").
    """
    return (
        bool(_MONEY_QUESTION.search(question))
        and not _HOW_MANY.search(question)
        and not _MONEY_FOR.search(question)
    )


# counting something: "how many apprenticeships did the DfE money fund", "dfe funded
# social work apprentices number"
_HOW_MANY = re.compile(r"\bhow many\b|\bnumbers?\b|\bno\.? of\b|\bcount\b", re.IGNORECASE)
# what the money is for, not how much: "what did the apprentices secure funding for?",
# "what was the grant spent on"
_MONEY_FOR = re.compile(
    r"\bwhat\b[^?]{0,80}?\b(?:funding|funded|money|budgets?|spent|spend|grants?)\s+(?:for|on)"
    r"\s*(?:[?.!,;:–-]|$)",
    re.IGNORECASE,
)


def has_money(text: str) -> bool:
    """True when the text states a sum of money (£ amount, millions)."""
    return bool(_MONEY.search(text))


def asks_for_person(question: str) -> bool:
    """True when the question asks who someone is, or for a person's name.

    "The name of the front door" asks for a thing's name (``_NAMED_THING``).
    """
    found = _PERSON_QUESTION.search(question)
    if found and found.group().lower().strip() == "name of":
        # the words it names, to the end of the clause ("the name of Telford and Wrekin's
        # children in care council, according to …")
        named = " ".join(_CLAUSE_END.split(question[found.end() :])[0].split()[:8])
        holder = _HOLDER.search(named) or _POST.search(named)
        return bool(holder) or not _NAMED_THING.search(named)
    return bool(found)


_CLAUSE_END = re.compile(r"[,;?(]")
# a person holding a post ("the name of the head of learning")
_HOLDER = re.compile(r"\b(?:head|manager|officer|lead|leader|worker|adviser|advisor)\b", re.I)


# Asking for a person's name: the lead inspector, or who holds (or the name of) a post
# one named person holds. "newham RAA name" asks for an agency's name, not a person's.
_LEAD_INSPECTOR = re.compile(rf"\blead (?:inspector|hmi)\b|{WHO_INSPECTED}", re.IGNORECASE)
_POST = re.compile(
    r"\b(?:dcs|director|lead member|chief exec(?:utive)?|ceo|portfolio holder|councillor|"
    r"cabinet member|chair|chairs|chairman|chairwoman|chairperson|principal social worker|"
    r"psw|mayor|leader of the council|inspectors?|hmi)\b",
    re.IGNORECASE,
)
# "who" asking (at the start, after a pause or a verb of asking), not "children who went
# missing" (a relative clause after a noun)
_WHO_OR_NAME = re.compile(
    r"(?:^|[^\w\s’']\s*|\b(?:and|or|but|me|us|say|says|said|know|tell|ask|asks|asking|see|"
    r"check|show|shows|find|out|wondering|confirm|is|was|are|were)\s+)(?:who|whose)\b"
    r"|\bwho\W*$|\bwho(?:['’]s| is| was) (?:s?he|they|it)\b|\bnames?\b",
    re.IGNORECASE,
)
_NAME = re.compile(r"\bnames?\b", re.IGNORECASE)
# a name the question gives, not asks for: "uses the name Family Connect", "the name 'Pause'"
_NAME_GIVEN = re.compile(r"\b(?i:names?)\s+(?=[\"'‘“]|[A-Z])")
# what else has a name: "the RAA's name", "name of the service"
_NAMED_THING = re.compile(
    # in any case ("Children in Care Council"); a word in capitals inside is one too
    r"\b(?:(?i:agency|agencies|team|service|services|scheme|project|programme|program|tool|"
    r"model|hub|board|partnership|trust|charity|provider|school|college|unit|panel|group|"
    r"framework|approach|system|strategy|policy|plan|initiative|app|door|centre|center|"
    r"network|forum|pathway|offer|process|council)|[A-Z][a-z]*[A-Z][A-Za-z]*)\b"
)
_WHEN = re.compile(r"\b(?:when|dates?|how long)\b", re.IGNORECASE)
# asking when something happened or will ("when was …", "what year …"); not how often
# or at what point something usually happens ("when do leavers meet advisers?")
_TIME_ASKED = re.compile(
    r"\bwhen (?:was|were|did|will|has|had)\b|\bwhen is\b[^?.]{0,60}?\b(?:due|next)\b|"
    r"\b(?:what|which) (?:date|year|month)\b|"
    # asked bare: "ealing DCS start date", "walsall right 4 children launch date"
    r"\b(?:start|starting|launch|opening|closure|closing|go-live|completion) (?:date|year)\b",
    re.IGNORECASE,
)
_TIME = re.compile(
    rf"\b(?:(?:19|20)\d\d|{'|'.join(sorted(MONTHS, key=len, reverse=True))})\b", re.IGNORECASE
)


def asks_for_time(question: str) -> bool:
    """True when the question asks when something happened or will ("when was …")."""
    return bool(_TIME_ASKED.search(question))


def states_time(text: str) -> bool:
    """True when the text states a year, a month or a figure ("from 16 to 25")."""
    return bool(_TIME.search(text)) or has_figure(text)


def asks_for_name(question: str) -> bool:
    """True when the answer must name someone ("dorset DCS name", "warks lead inspector")."""
    if _WHEN.search(question) and not _WHO_FIRST.search(question):
        return False  # "when did the lead inspector visit", not "who was the DCS when …"
    if _LINE_OF_REPORT.search(question):
        return False  # "who did kent's DCS report to": a post answers it
    question = _NAME_GIVEN.sub(" ", question)
    return bool(
        _LEAD_INSPECTOR.search(question)
        or (_posts_asked(question) and _WHO_OR_NAME.search(question))
        or (_NAME.search(question) and not _NAMED_THING.search(question))
    )


# to whom a post is answerable ("who did the DCS report to", "reporting line"): a post
_LINE_OF_REPORT = re.compile(
    r"\b(?:report(?:s|ed|ing)?|answer(?:s|ed|able)?|accountable)\s+(?:directly\s+)?to\b"
    r"|\breporting\s+lines?\b",
    re.IGNORECASE,
)
_WHO_BEFORE = re.compile(r"\bwho\s+(?:co-?)?$", re.IGNORECASE)  # "who co-chairs"
_WHO_FIRST = re.compile(r"^\W*who\b", re.IGNORECASE)


def asks_for_a_council_post(question: str) -> bool:
    """Whether the question asks about a council's post, who holds it or since when.

    "who was the DCS when inspected", "when did liverpool's DCS start", "DCS in post
    since". A report's front matter names its inspectors and dates its inspections only: it
    answers neither.
    """
    return any(p.lower() not in _INSPECTOR_POSTS for p in _posts_asked(question))


def _posts_asked(question: str) -> list[str]:
    """The posts a question names as held by someone.

    Not a post's word as the verb of "who", which asks who does it, which a role answers
    as well as a person ("who chairs them?": "chaired by child protection conference chairs").
    """
    return [
        m.group() for m in _POST.finditer(question) if not _WHO_BEFORE.search(question[: m.start()])
    ]


_INSPECTOR_POSTS = frozenset({"inspector", "inspectors", "hmi"})


def has_person(text: str) -> bool:
    """True when the text appears to state a personal name."""
    return bool(_PERSON.search(text))
