"""The domain vocabulary, in one place: grades, judgement areas, months, question words.

Ingest, retrieval, answering and drafting build their patterns from these values instead
of retyping them. Data, not logic: general English and Ofsted wording, never the wording
of particular reports or evaluation questions.
"""

from __future__ import annotations

import re

# -- grades --------------------------------------------------------------------------

GRADE_WORDS = r"outstanding|good|requires? improvement(?: to be good)?|inadequate|adequate"
"""The four-point Ofsted scale as reports write it (regex alternatives, no groups)."""

APA_GRADE_WORDS = r"excellent|performs (?:excellently|well|adequately|poorly)"
"""How annual performance assessments and 2009 ratings word a grade."""

SCALE = {1: "outstanding", 2: "good", 3: "requires improvement", 4: "inadequate"}
"""Normalised levels: 1 is the best."""

GRADE_LEVELS = {
    "outstanding": 1,
    "good": 2,
    "requires improvement": 3,
    "requires improvement to be good": 3,
    "require improvement": 3,
    "require improvement to be good": 3,
    "adequate": 3,
    "inadequate": 4,
}
"""A grade as written (lower case, single spaces) and its level."""

# -- judgement areas -------------------------------------------------------------------

AREA_QUESTION_WORDS: tuple[tuple[str, str], ...] = (
    ("overall_effectiveness", r"overall|effectiveness"),
    ("impact_of_leaders", r"leaders|leadership|impact of leaders"),
    ("leadership", r"leadership|management and governance"),
    (
        "help_and_protection",
        r"help and protection|help & protection|child protection|protection|\bh\s?&\s?p\b",
    ),
    ("in_care", r"children in care|looked after|looked-after|\bcla\b|\blac\b|\bcic\b|in care"),
    ("in_care_and_care_leavers", r"children in care|looked after|care leavers|in care"),
    ("looked_after_and_permanence", r"looked after|permanence|in care"),
    ("care_leavers", r"care leavers?|care levers|leaving care|care experienced|\bcls?\b"),
    ("adoption", r"adoption"),
    ("lscb", r"\blscb\b|safeguarding children board|safeguarding board"),
)
"""Words that name a judgement area in a question."""

AREA_ALSO: dict[str, tuple[str, ...]] = {
    "care_leavers": ("in_care_and_care_leavers",),
    "in_care": ("in_care_and_care_leavers", "looked_after_and_permanence"),
    "impact_of_leaders": ("leadership",),
    "leadership": ("impact_of_leaders",),
}
"""Where a report judges an area together with another ("children in care and care
leavers"), the combined judgement answers a question about either."""

AREA_HEADINGS: dict[str, tuple[str, ...]] = {
    "overall_effectiveness": ("overall effectiveness",),
    "impact_of_leaders": ("impact of leaders", "leaders"),
    "leadership": ("leadership",),
    "help_and_protection": ("help and protection", "protection"),
    "in_care": ("children in care", "in care", "looked after"),
    "in_care_and_care_leavers": ("children in care", "care leavers"),
    "looked_after_and_permanence": ("looked after", "permanence"),
    "care_leavers": ("care leavers",),
    "adoption": ("adoption",),
    "lscb": ("safeguarding children board",),
}
"""Words of the section heading that gives each judgement."""

# -- dates ----------------------------------------------------------------------------

MONTHS = {  # month names and abbreviations -> month number
    name: i
    for i, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}

SEASONS = ("spring", "summer", "autumn", "winter")

# Words that place a question (which inspection, which report, whose) rather than say what
# it asks; with the month names and their short forms.
PLACING_WORDS = frozenset(
    """inspection inspections inspected ilacs report reports council county borough city
    metropolitan district london ofsted""".split()
) | frozenset(MONTHS)

# -- questions -------------------------------------------------------------------------

COMPASS = {
    "North": "N",
    "South": "S",
    "East": "E",
    "West": "W",
    "North East": "NE",
    "North West": "NW",
    "South East": "SE",
    "South West": "SW",
    "Central": "C",
}
"""Compass words of authority names and how staff shorten them ("N Tyneside")."""

LOWERCASE_AMBIGUOUS = frozenset({"reading", "bury"})
"""Authority names that are also ordinary words: matched in lower case only with a council word."""

ORDINARY_FIRST_WORDS = frozenset({"tower", "isles"})
"""First words of authority names that are ordinary words too ("Tower Hamlets"): typed in
lower case they name the place only where the wording says so ("in tower")."""

LATEST = re.compile(
    r"\b(latest|most recent|newest|current|recent|last (?:inspection|report|ilacs|visit|time)|"
    r"now|these days|at the moment|currently)\b",
    re.I,
)
PREVIOUS = re.compile(
    r"\b(previous|prior|earlier|before (?:that|this|the latest)|last[- ]but[- ]one|"
    r"(?<!day )(?<!week )(?<!month )(?<!year )before (?:the )?(?:last|most recent)|"
    r"the one before|preceding)\b(?! (?:day|week|month)s?\b)",
    re.I,
)

SHORTFALL = re.compile(
    r"\b(not|no longer|too (?:many|few|long|slow|slowly|high|low|late|often)|insufficient(?:ly)?|"
    r"inconsistent(?:ly)?|variable|weak(?:er|ness|nesses)?|delays?|delayed|gaps?|lack(?:s|ing)?|"
    r"poor(?:ly|er)?|fail(?:s|ed|ing|ures?)?|deteriorat\w*|shortfalls?|unable|ineffective|"
    r"unsafe|drift|however|although|despite|yet to|less (?:effective|consistent|timely)|"
    r"cannot|risks? of harm|serious|widespread|systemic|remain(?:s|ed)? (?:high|low|an area))\b",
    re.I,
)
"""Words of a shortfall: what a report finds wrong ("too slow", "not consistently",
"however")."""

SHORT_OF_A_GRADE = re.compile(
    r"\b(?:only|just|merely|still|rather than|instead of|short of|from being|not|never|"
    r"(?:was|were|is|are|did|does)n'?t)\s+(?:\w+\s+){0,2}?(?:outstanding|good|better)\b",
    re.I,
)
"""A question asking why a judgement was not higher ("why only good?", "good rather than
outstanding", "why wasn't it outstanding"): its reasons are what fell short."""

COMPARING = re.compile(
    r"\b(compar\w*|vs|v|versus|differ\w*|better|worse|both|side by side|against|same|"
    r"similar\w*|contrast\w*|ahead of|behind|rank\w*|higher|lower|best|worst|stronger|"
    r"weaker|outperform\w*)\b",
    re.I,
)
"""Words asking for a comparison in so many words (two authorities named may not be one)."""

QUESTION_WORDS = frozenset(
    """what which who whom whose when where why how ofsted inspector inspectors inspection
    inspections report reports say said says find found think thought tell told about
    please summarise summarize summary give show list council councils authority authorities
    local la las children services service abt wat wot pls plz u ur re latest last recent
    previou current newest inspect inspected ilacs year compare compared comparison vs versus
    against differ differs differences similar similarity similarities alike contrast
    contrasted side common between both neighbour neighbours each result results outcome
    outcomes one ones either rank ranked ranking region regions regional north south east
    west midlands london lb rb royal borough boroughs county city metropolitan district cc
    mbc meant supposed intended""".split()
)
"""Words that frame a question rather than name its topic (stems as ``terms`` gives them);
"meant to", "supposed to" ask what something is for."""

VERDICT_WORDS = frozenset(
    """verdict view views opinion feedback effective effectively effectiveness well badly
    good bad better worse best worst doing going fare fared perform performs performing
    performance work working works strong strength strengths weak weakness weaknesses wrong
    right problem problems issue issues concern concerns positive positives negative
    negatives finding findings say said comment comments like story quick quickly brief
    briefly short sif jar""".split()
)
"""Words that ask how good something is rather than name what it is ("what's the verdict
on X", "how effective is X", "is X working"), or how to answer ("a quick summary"). A
question whose only topic words are these (and framing words) asks about the whole report
or judgement; its subject is what is left."""

_DEFINITION = (
    r"\bwhat (?:does|do|did|is meant by) .{1,50}?\b(?:mean|stand for)\b|\bstand(?:s)? for\b|"
    r"\bmeaning\b|\bdefin(?:e|ed|ition)\b|\bwhat is an? [a-z]+\b\s*\??$|\bacronym\b|"
    r"\babbreviation\b|\bshort for\b|\bwhat(?:'s| is) (?:the|an?) (?-i:[A-Z][A-Za-z-]*[A-Z])\b|"
    # a name in quotes: "what was the 'Green fingers' project", "what's Kent's 'Harbour'"
    r"\bwhat(?:'s|s| is| was| are| were) (?:the |an? |[\w-]+['’]s )?['‘\"“]|"
    # asked after the term: "shine team trafford - what is it", "… what do they do"
    r"\bwhat(?:'s|s| is| are| was| were) (?:it|they|that|this)(?: (?:about|for))?"
    r"(?=\s*(?:[?,;]|$)|\s+[-–]|\s+(?:and|n|&)\s)|[-–]\s*what(?:'s|s| is| are) (?:it|they)\b|"
    # "what do manchester's care consultants do?"
    r"\bwhat (?:does|do) (?:it|they|[^?,;]{1,40}?) do\s*(?:[?,;]|[-–]|$)|"
    # a role, not a person: "who are LCSOs?", "who are the care consultants in manchester?"
    r"^\s*who are (?:the )?(?![\w ]*\b(?:inspectors?|authors?|presenters?|hmis?)\b)"
    r"(?:[\w-]+ ){0,2}[\w-]+s\b"
)

WHO_INSPECTED = (
    # not who did better or worse at it ("ealing n westminster - who did better at ofsted")
    r"\bwho (?:did(?! (?:better|worse|best|worst|well|badly)\b)|led|ran|carried out|conducted|"
    r"was in charge of)\b[^?.]{0,40}?"
    r"\b(?:ofsted|inspection|ilacs)\b"
)
"""Who carried out an inspection ("who did leicester's ofsted?"): its lead inspector."""

THING_WORDS = frozenset(
    """agency agencies team teams service services scheme schemes project projects programme
    programmes program tool model hub hubs board partnership trust charity provider school
    college unit panel panels group groups framework approach system strategy policy plan
    initiative app door centre center network forum pathway offer process council protocol
    booklet guide meeting meetings assessment assessments audit audits thing things""".split()
)
"""Words saying what kind of thing a name is ("the Harbour programme", "CLASP protocol")."""

NAMING_WORDS = frozenset(
    """mean meaning means meant stand stands define defined definition acronym abbreviation
    term called call mention mentioned referred refer described describe name role roles
    purpose""".split()
)
"""Words asking what a name is or does, not part of it ("toxic trio meaning", "the CRT
referred to", "glos ambassadors role", "… team name")."""

INSPECTION_EVENT_WORDS = frozenset(
    """lead led leads hmi hmis inspector inspectors inspect inspected inspection inspections
    date dates dated day days visit visits visited take took taken place carried carry out
    publish published publication charge exactly actual actually late early go went gone
    time name names first per focus focused re-inspection reinspection deputy recently
    back happen happened""".split()
)
"""Words a question uses of an inspection's own when and who ("when did it take place",
"who was in charge of the inspection", "date of the visit"): what the report's front
matter answers. A "when" question with other words asks when those happened."""

QUANTITY_WORDS = tuple(
    """number numbers count counts total totals figure figures percentage percentages
    proportion proportions statistic statistics stats amount amounts quantity average
    averages median""".split()
)
"""Words that ask for a quantity ("wigan family hubs count"): a number question's framing,
not its subject ("a number of" is no question of quantity)."""


# a quantity asked for in so many words ("how many", "the number of", "%"); a caseload
# question ("were caseloads too high?") reads as a number question but may be answered
# without a figure
_QUANTITY_ASKED = (
    r"\bhow (?:many|much|often|long)\b|(?<!\ba )\b(?:" + "|".join(QUANTITY_WORDS) + r")\b|"
    r"\bper ?cent\b|%|\bwhat (?:share|fraction|ratio)\b|\brate of\b|"
    # "NEET rate", "turnover rates"; not "did ofsted rate them"
    r"(?<!\bofsted )(?<!\binspectors )(?<!\bthey )(?<!\bdid )(?<!\bto )(?<!\bwould )\brates?\b"
)
QUANTITY_ASKED = re.compile(_QUANTITY_ASKED, re.I)
"""A question asking for a quantity in so many words."""

INTENT_PATTERNS: dict[str, re.Pattern[str]] = {
    # "which councils were rated outstanding…": a list of authorities, not a comparison
    "which": re.compile(r"\bwhich (?:authorities|councils|las?|local authorities|areas)\b", re.I),
    "other": re.compile(_DEFINITION, re.I),
    "plan_status": re.compile(
        r"\b(improvement plan|action plan|plan(?:'s)? (?:actions?|progress|status)|"
        r"on track|behind schedule|slipp(?:ed|ing)|overdue|completed?|been done|achieved|"
        r"timeframes?|timescales?|deadlines?|due (?:by|date)|lead officers?|"
        r"who (?:is|was) (?:leading|responsible)|responsible for|"
        # not the judgement "the experiences and progress of children in care"
        r"(?<!experiences and )(?<!experience and )progress (?:on|with|of|against)|"
        r"rag status|status of)\b",
        re.I,
    ),
    "why": re.compile(
        r"(\bwhy\b|\breasons?\b|"
        r"\bbecause\b|\bexplain\b|\bwhat led to\b|\bhow come\b|\bjustif|\bbasis for\b|"
        r"\bwhat (?:was|were) behind\b|\bwhy\s*(?:\?\s*)?$|\band why\b|"
        r"\bwhat (?:got|made|earned) (?:them|it|the council)\b|\bwhat went wrong\b|"
        r"\bwhat(?:'s| is| was| were)? behind\b|\bwhat(?:'s|s| is| was) so (?:good|great|bad)\b|"
        r"\bwhat (?:got|made|earned|gave) [^?]{1,40}?(?:outstanding|good|inadequate|"
        r"requires? improvement|\bRI\b|grade|rating)|"
        r"\bevidence\b[^?]{0,50}?\b(?:grade|judgement|rating))",
        re.I,
    ),
    "summary": re.compile(
        r"\b(summar(?:y|ise|ize|ising|izing)|overview|key (?:points|messages|findings|headlines)|"
        r"headlines?|main (?:findings|messages|points|conclusions)|gist|in a nutshell|"
        r"tl;?dr|brief me|sum up|overall picture|big picture|what(?:'s| is| was) the verdict|"
        r"in short|highlights|bullet points?|briefing|(?:key )?takeaways|run-?down|"
        r"for (?:the|a|our) (?:board|committee|cabinet|scrutiny)(?: paper| report)?)\b",
        re.I,
    ),
    "improve": re.compile(
        # not the judgement "capacity to improve" of the older inspections
        r"\b((?<!capacity to )improve|(?<!requires )(?<!require )improvements?"
        # a body named for improvement is not what is to improve ("improvement board chair")
        r"(?! (?:board|partner|partnership|adviser|advisor|director|panel|team)s?\b)|improving|"
        r"areas? (?:for|of|to) (?:development|improvement|focus|work on)|recommendations?|"
        r"recommended|told to|asked to|need(?:s|ed)? to "
        r"(?:do|fix|work on|address|change|get better|sort)|fix|fixing|weakness(?:es)?|"
        r"shortcomings?|put (?:things |it |that |this )?right|"
        r"what should .{1,60}? do|to[- ]do list|actions? (?:for|required|needed)|"
        # not a priority given to someone: "do care leavers get priority for housing?"
        r"(?<!\bget )(?<!\bgets )(?<!\bgiven )(?<!\bhave )(?<!\bhas )"
        r"priorit(?:y|ies)(?! (?:for|on|in) (?:social |council )?hous)(?! band)|"
        r"what(?:'s| is| was) (?:not working|wrong)|not good enough|"
        r"development areas?|next steps|must do|should do|"
        r"(?:worried|worries|concerned|troubled) (?:the )?inspectors?|"
        r"weak (?:spots?|points?|areas?|links?)|"
        r"inspectors? (?:were |was )?(?:worried|concerned))\b",
        re.I,
    ),
    "who_when": re.compile(
        r"(^\s*who\b|\bwho (?:led|was|were|is|are|did|wrote|presented|signed|inspected|chaired)\b|"
        r"\blead inspector\b|\binspectors? (?:were|was|names?)\b|^\s*when\b|\bsince when\b|"
        r"\bwhen (?:was|were|"
        r"did|is|does|will)\b|\bwhat dates?\b|\bwhich dates?\b|\bdates? of\b|\bhow long ago\b|"
        # not "the inspection published in January 2017", which says which report
        r"\blast inspected\b|\bpublished\b(?!\s+(?:in|on)\s+(?:\w+\s+){0,2}(?:19|20)\d\d\b)|"
        r"\bpublication date\b|\bdated\b|\bwhat year\b|"
        r"\bwhich year\b|\bdates\b|\binspection date\b|\blead HMI\b|"
        # "cumberland unitary start date", "AfC start year", "… in house date"
        r"\b(?:start(?:ed)?|launch(?:ed)?|creation|go[- ]live|takeover)\s+(?:date|year)\b|"
        r"\bdate[\s?]*$|"
        # "scilly 2021 ofsted HMI": the inspector asked for, bare
        r"\bHMIs?[\s?]*$|\bauthors?\b|\bpresenter\b|"
        r"\bpresented by\b|\bwritten by\b|\bsignator(?:y|ies)\b|\breporting inspector\b|"
        r"\bhow long did .{0,60}?(?:inspection|ilacs) (?:last|take)\b|"
        r"\bnames? of (?:the |their |its )?(?:[\w'’]+ ){0,3}?(?:directors?|dcs|inspectors?|"
        r"chief|head|managers?|lead|leaders?|officers?|members?|chair)\b)",
        re.I,
    ),
    # a caseload is a measure: "norfolk IRO caseloads 2013" asks what it was; a sum spent
    # is a quantity: "barnsley agency spend 2023", "hampshire IRO investment £ 2024"
    "number": re.compile(
        rf"({_QUANTITY_ASKED}|\bcaseloads?\b|£|"
        r"\b(?:spend|spent|spending|expenditure|overspend|underspend|costs?)\b)",
        re.I,
    ),
    "grade": re.compile(
        r"\b(grades?|graded|grading|judge?ments?|judged|rated|ratings?|rate|scored?|"
        # the verb, of those who judge ("how did ofsted judge …"; not a court's judge)
        r"(?:ofsted|inspectors?|they|it) judge|"
        r"outstanding|inadequate|requires? improvement|RI|overall effectiveness|"
        r"good or (?:not|bad)|"
        # "was barnsley's adoption performance good in 2014?": a grade asked yes or no
        r"^\W*(?:was|were|is|are)\b[^?.]{1,80}?\bgood(?= in| when| by| according|\W*$)|"
        r"how effective|how (?:did|does|do) .{1,60}? (?:do|fare|score|get on|come out)|"
        r"how (?:was|were|is|are) .{1,60}? (?:judged|rated|graded)|"
        r"where (?:does|do|did) .{1,60}? stand\b|"
        r"what did .{1,60}? (?:get|give|receive|score)|results?|verdict|outcome|"
        r"(?:pass|passed|fail|failed) (?:its |their |the )?(?:ofsted|inspection|ilacs)|"
        r"which (?:areas?|judge?ments?|ones?) (?:was|were|got|came|is|are))\b",
        re.I,
    ),
}
"""Intents tried in this order; the first that matches wins ("which" is a guard)."""


EVERYDAY_WORDS: dict[str, str] = {
    "kids": "children",
    "kid": "child",
    "kiddies": "children",
    "uni": "university",
    "yrs": "years",
    "yr": "year",
    "mths": "months",
    "wks": "weeks",
    "approx": "approximately",
    "govt": "government",
    "dept": "department",
    "mgmt": "management",
    "mgr": "manager",
    "mgrs": "managers",
    "ppl": "people",
    "avg": "average",
    "exec": "executive",
    "execs": "executives",
    "resi": "residential",  # "how many resi homes"
    "mtg": "meeting",
    "mtgs": "meetings",
    "strat": "strategy",  # "strat meetings", "strat discussion"
    "strats": "strategies",
    "assmt": "assessment",
    "assmts": "assessments",
    "xmas": "christmas",
    "info": "information",
    "prev": "previous",
    "perm": "permanent",
    "whos": "who is",
    # text-speak ("wat is it?", "y outstanding again?", "new leaders b4 feb 24")
    "wat": "what",
    "wot": "what",
    "wats": "what's",
    "wots": "what's",
    "y": "why",
    "r": "are",  # "r they counted in the establishment?"
    "u": "you",
    "b4": "before",
    "abt": "about",
    "thru": "through",
    # northern English ("did ofsted say owt about it", "nowt on care leavers")
    "owt": "anything",
    "nowt": "nothing",
    "no. of": "number of",
    "no of": "number of",
    # inspection shorthand ("derbyshire AFIs 2024"): reports write it out
    "afi": "area for improvement",
    "afis": "areas for improvement",
    "recs": "recommendations",  # "cornwall SIF recs"
    "b&b": "bed and breakfast",
    "b&bs": "bed and breakfasts",
    "b and b": "bed and breakfast",
    "b and bs": "bed and breakfasts",
    # contractions typed without their apostrophe ("theres a worry", "doesnt visit")
    "whats": "what's",
    "theres": "there is",
    "thats": "that is",
    "theyre": "they are",
    "youre": "you are",
    "hows": "how is",
    "wheres": "where is",
    "dont": "do not",
    "doesnt": "does not",
    "didnt": "did not",
    "isnt": "is not",
    "arent": "are not",
    "wasnt": "was not",
    "werent": "were not",
    "havent": "have not",
    "hasnt": "has not",
    "hadnt": "had not",
    "cant": "cannot",
    "couldnt": "could not",
    "wouldnt": "would not",
    "shouldnt": "should not",
}
"""Words staff type that reports do not use, and the report's word (lower case)."""


KIND_WORDS: dict[str, re.Pattern[str]] = {
    "apa letter": re.compile(r"\bapa\b|\bannual performance assessment\b|\bletter\b", re.I),
    "board paper": re.compile(r"\bboard (?:paper|report)\b|\bctsb\b", re.I),
    "committee report": re.compile(
        r"\bcommittee (?:report|paper)\b|\b(?:improvement|action) plan\b", re.I
    ),
    "national survey": re.compile(r"\bnational (?:report|survey)\b|\bthematic\b", re.I),
}
"""Words that name the kind of document a question means (``DocumentKind``)."""

FRAMEWORK_WORDS: dict[str, re.Pattern[str]] = {
    "single inspection framework": re.compile(
        r"\bsif\b|\bsingle inspection(?: framework)?\b", re.I
    ),
    "ILACS": re.compile(r"\bilacs\b", re.I),
    "looked after children inspection": re.compile(
        r"\b(?:lac|cla|looked[- ]after child(?:ren)?(?:'s)?(?: services)?) inspections?\b", re.I
    ),
}
"""Words that name the inspection framework a question means ("the SIF report"), by the
framework's name as ingest reads it from a report (``structured_rows.framework_of``; a
name read there starts with one of these keys: "ILACS short")."""

FRAMEWORK_LABELS = {
    "single inspection framework": "under the single inspection framework (SIF)",
    "ILACS": "an ILACS inspection",
    "looked after children inspection": "a looked after children inspection",
}
"""How an answer names a framework that none of an authority's reports is under."""


INTENT_QUERY: dict[str, str] = {
    "improve": "what needs to improve recommendations areas for improvement",
    "summary": "overall effectiveness summary",
}
"""Words of the section an intent's answer is in, added to the retrieval query."""
