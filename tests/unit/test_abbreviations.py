"""The abbreviations a library's reports define are learnt into the glossary."""

from __future__ import annotations

import json

import pytest

from assistant.abbreviations import LibraryAbbreviations, chosen, defined_abbreviations
from assistant.glossary import Glossary


@pytest.mark.parametrize(
    ("text", "short", "long"),
    [
        ("There is an active and vocal children in care council (CiCC).", "CiCC",
         "children in care council"),
        ("The wellbeing service, Support for Success (SfS), helps.", "SfS", "Support for Success"),
        ("Decision makers in the multi-agency safeguarding hub (MASH) act.", "MASH",
         "multi agency safeguarding hub"),
        ("Those in their assessed and supported year in employment (ASYE) are.", "ASYE",
         "assessed and supported year in employment"),
        ("They value the ambitious personal advisers (PAs).", "PA", "personal advisers"),
        ("oversight by the children’s rights advocates (CRAs), who chair", "CRA",
         "children’s rights advocates"),
    ],
)  # fmt: skip
def test_a_long_form_whose_initials_spell_the_short_form_defines_it(text, short, long):
    assert list(defined_abbreviations(text)) == [(short, long)]


@pytest.mark.parametrize(
    "text",
    [
        "The last inspection (2019) found services good.",
        "Leaders know where practice is weaker (Enabler 2, national framework).",
        "Children are seen often (see Table 1).",
        "The children's services department (CSC) is busy.",  # initials do not spell it
        "He said (OK) twice.",
        "The team.\n(MASH) follows on a new line.",  # nothing before it on its line
    ],
)
def test_anything_else_in_brackets_defines_nothing(text):
    assert list(defined_abbreviations(text)) == []


def test_a_short_form_takes_the_long_form_most_documents_give_it():
    pairs = [("FHT", "family help team"), ("FHT", "Family Help Team"), ("FHT", "family hub team")]
    assert chosen(pairs) == {"FHT": "family help team"}


class _Library:
    def __init__(self, docs: dict[str, str]):
        self.docs = dict(docs)
        self.read: list[str] = []

    def ids(self):
        return list(self.docs)

    def text(self, doc_id):
        self.read.append(doc_id)
        return self.docs[doc_id]

    def signature(self):
        return ",".join(sorted(self.docs))


def _glossary() -> Glossary:
    return Glossary([("LAC", "looked after children", "abbreviation")])


def test_the_glossary_learns_what_the_library_defines_and_keeps_its_own(tmp_path):
    library = _Library(
        {
            "a": "Young people value the Gweres Tus Yowynk (GTY) service.",
            "b": "Some lads are called lovely attentive characters (LAC) here.",
        }
    )
    glossary = _glossary()
    assert "Gweres Tus Yowynk" not in glossary.expand("cornwall GTY")
    learner = LibraryAbbreviations(
        glossary, library.ids, library.text, library.signature, tmp_path / "abbr.json"
    )
    learner.refresh()
    assert "Gweres Tus Yowynk" in glossary.expand("cornwall GTY")
    assert "GTY" in glossary.expand("what does the gweres tus yowynk do")
    # the shipped meaning of a short form stands
    assert glossary.expand("kent LAC numbers") == ["looked after children"]
    assert learner.learnt == {"GTY": "Gweres Tus Yowynk"}
    # nothing changed: nothing read again; a document added: only it is read
    library.read.clear()
    learner.refresh()
    assert library.read == []
    library.docs["c"] = "The Family Hope Service (FHS) works with parents."
    learner.refresh()
    assert library.read == ["c"]
    assert "Family Hope Service" in glossary.expand("FHS referrals")


def test_the_definitions_are_kept_on_disk_and_read_back_without_the_documents(tmp_path):
    cache = tmp_path / "abbr.json"
    library = _Library({"a": "Young people value the Gweres Tus Yowynk (GTY) service."})
    LibraryAbbreviations(_glossary(), library.ids, library.text, library.signature, cache).refresh()
    assert json.loads(cache.read_text())["documents"] == {"a": [["GTY", "Gweres Tus Yowynk"]]}
    library.read.clear()
    glossary = _glossary()
    LibraryAbbreviations(glossary, library.ids, library.text, library.signature, cache).refresh()
    assert library.read == []
    assert "Gweres Tus Yowynk" in glossary.expand("GTY")
    # a damaged cache is read again from the documents
    cache.write_text("{not json")
    glossary = _glossary()
    LibraryAbbreviations(glossary, library.ids, library.text, library.signature, cache).refresh()
    assert library.read == ["a"] and "Gweres Tus Yowynk" in glossary.expand("GTY")


@pytest.mark.parametrize(
    ("short", "text", "name"),
    [
        # in quotes, lower case
        (
            "KFT",
            "early help staff and the ‘keeping families together’ team (edge of care)",
            "keeping families together",
        ),
        # capitalised words, a minor word counted or skipped
        ("LTC", "influential in the 'Language That Cares' campaign", "Language That Cares"),
        ("PSAG", "the Priority Schools Action Group met", "Priority Schools Action Group"),
        ("SILSIP", "a group called ‘Say it Loud, Say it Proud’.", "Say it Loud, Say it Proud"),
        # hyphenated words read as their parts
        (
            "MACPT",
            "new Multi-Agency Child Protection Teams were set up",
            "Multi-Agency Child Protection Teams",
        ),
    ],
)
def test_a_short_form_is_read_as_the_name_written_with_its_initials(short, text, name):
    from assistant.abbreviations import named_by_initials

    assert named_by_initials(short, [text]) == name


@pytest.mark.parametrize(
    ("short", "texts"),
    [
        # everyday words whose initials happen to spell it: no name
        ("CASP", ["children are sent personalised letters"]),
        ("ASC", ["unaccompanied asylum-seeking children are supported"]),
        # only a sentence's first word capitalised
        ("CRA", ["Children receive advice. Case reviews are timely."]),
        # two different names: the short form is no one name
        ("PFB", ["the 'Preventing Family Breakdown' team", "a 'Positive Family Bond' group"]),
        # two letters are too few to tell
        ("KF", ["the ‘keeping families’ team"]),
        # the same letters in capitals are another short form, not a name
        ("KFT", ["the KEEPING FAMILIES TOGETHER team"]),
    ],
)
def test_no_name_is_guessed_for_a_short_form(short, texts):
    from assistant.abbreviations import named_by_initials

    assert named_by_initials(short, texts) is None
