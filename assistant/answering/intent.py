"""What kind of answer a question wants, and which text units carry a grade."""

from __future__ import annotations

import re

_GRADE_QUESTION = re.compile(
    r"\b(grades?|graded|grading|judge?ments?|judged|rated|ratings?|scored?|scores|"
    r"outstanding|inadequate|requires improvement|overall effectiveness|"
    r"performs? (?:well|excellently))\b",
    re.IGNORECASE,
)
_GRADE_WORDS = (
    r"outstanding|good|requires improvement(?: to be good)?|inadequate|adequate|excellent|"
    r"performs (?:excellently|well|adequately|poorly)"
)
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


_NUMBER_QUESTION = re.compile(
    r"\b(how (?:many|much|often|long)|number of|percentage|per ?cent|proportion|rate of|"
    r"what (?:share|fraction))\b",
    re.IGNORECASE,
)
# A figure: digits with thousands separators, decimals or a per cent sign, or a plain
# number that is neither a paragraph number at the start of a line nor a year.
_FIGURE = re.compile(
    r"(?<![\w.,])"
    r"(?:\d{1,3}(?:,\d{3})+|\d+\.\d+|\d+\s?%|\d+ per ?cent|(?!(?:19|20)\d\d\b)\d+)"
    r"(?![\w])",
    re.IGNORECASE,
)
_PARAGRAPH_NUMBER = re.compile(r"^\s*\d+(?:\.\d+)*[.)]\s", re.MULTILINE)


def asks_for_number(question: str) -> bool:
    """True when the question asks for a count, amount, rate or percentage."""
    return bool(_NUMBER_QUESTION.search(question))


def has_figure(text: str) -> bool:
    """True when the text states a figure other than a year or a paragraph number."""
    return bool(_FIGURE.search(_PARAGRAPH_NUMBER.sub(" ", text)))
