"""How well questions name authorities in the forms staff type (generated, not evaluation text).

Every authority of ``core/reference/local_authorities.csv`` is written in several ways
(as listed, lower case, a letter dropped or doubled, two letters swapped, "&" for "and",
a compass word as its letter, "council" or "'s" after it, by the first word of a longer
name) inside three question
templates, and the question-understanding step is asked which authority each names.
Prints, per form, the share read as exactly that authority and the share read as another
one (the harmful case: another council's report quoted).

With ``--answers``, every authority the library holds is asked about in each form (one
question each, from five templates) and the answers are checked: the share refused, and
the number citing a report about another authority.

Usage: .venv/bin/python bench/authority_forms.py --data-dir DIR [--seed 1] [--answers]
(the library's vocabulary feeds the typo correction, so use a built library).
"""

from __future__ import annotations

import argparse
import csv
import random
import re
from collections import Counter
from pathlib import Path

from assistant.app import build_assistant
from core.settings import Settings

TEMPLATES = (
    "what did ofsted say about {} care leavers",
    "{} ofsted grades 2023",
    "how is {} doing with the front door",
)
ANSWER_TEMPLATES = (
    "how was {} rated by ofsted",
    "{} ofsted grades",
    "what did inspectors say about care leavers in {}",
    "{} front door findings",
    "who was the lead inspector for {}",
)
FORMS = (
    "as listed",
    "lower case",
    "letter dropped",
    "letters swapped",
    "lower, dropped",
    "letter doubled",
    "last letters slipped",
    "& for and",
    "compass letter",
    "council after",
    "possessive",
    "first word",
)


def _slip(name: str, kind: str, rng: random.Random) -> str:
    chars = list(name)
    inner = [i for i, c in enumerate(chars) if c.isalpha() and 0 < i < len(chars) - 2]
    i = rng.choice(inner)
    if kind == "drop":
        del chars[i]
    elif kind == "double":
        chars.insert(i, chars[i])
    elif chars[i + 1].isalpha():
        chars[i], chars[i + 1] = chars[i + 1], chars[i]
    return "".join(chars)


def forms(name: str, rng: random.Random) -> dict[str, str]:
    """The ways of writing ``name`` (a form that does not apply is left out)."""
    low = name.lower()
    out = {
        "as listed": name,
        "lower case": low,
        "letter dropped": _slip(name, "drop", rng),
        "letters swapped": _slip(name, "swap", rng),
        "lower, dropped": _slip(name, "drop", rng).lower(),
        "letter doubled": _slip(low, "double", rng),
        "last letters slipped": low[:-2] + low[-1] if len(low) >= 5 else low,
        "council after": f"{low} council",
        "possessive": f"{low}'s",
    }
    if " and " in low:
        out["& for and"] = low.replace(" and ", " & ")
    compass = re.match(r"(north|south|east|west)(?: (east|west))? ", low)
    if compass:  # "n somerset", "ne lincolnshire"
        letters = "".join(w[0] for w in compass.groups() if w)
        out["compass letter"] = f"{letters} {low[compass.end() :]}"
    words = low.replace(",", "").split()
    if len(words) > 1 and words[0] not in ("north", "south", "east", "west", "city", "the"):
        out["first word"] = words[0]
    return out


def _names() -> list[str]:
    path = Path(__file__).resolve().parents[1] / "core/reference/local_authorities.csv"
    with path.open(encoding="utf-8") as fh:
        return [row["local_authority_ons_name"] for row in csv.DictReader(fh)]


def _read(assistant, names: list[str], rng: random.Random) -> None:
    tally: Counter[tuple[str, str]] = Counter()
    for name in names:
        for kind, written in forms(name, rng).items():
            for template in TEMPLATES:
                found = [r.name for r in assistant.understand(template.format(written)).authorities]
                tally[kind, "n"] += 1
                tally[kind, "right"] += found == [name]
                tally[kind, "other"] += bool(found) and name not in found
    print(f"{len(names)} authorities x {len(TEMPLATES)} templates")
    _table(tally, ("read as that authority", "right"), ("read as another", "other"), share=True)


def _answers(assistant, rng: random.Random) -> None:
    documents = {d.doc_id: d for d in assistant.documents()}
    held = sorted({a for d in documents.values() for a in d.meta.authorities})
    tally: Counter[tuple[str, str]] = Counter()
    for name in held:
        for kind, written in forms(name, rng).items():
            answer = assistant.ask(rng.choice(ANSWER_TEMPLATES).format(written))
            cited = {
                a
                for c in answer.citations
                if c.doc_id in documents
                for a in documents[c.doc_id].meta.authorities
            }
            tally[kind, "n"] += 1
            tally[kind, "refused"] += answer.refused
            tally[kind, "other"] += bool(cited) and name not in cited
    print(f"{len(held)} authorities the library holds, one question per form")
    _table(tally, ("refused", "refused"), ("answers citing another authority", "other"))


def _table(tally: Counter[tuple[str, str]], *columns: tuple[str, str], share: bool = False):
    """One row per form and one for all: each column's count over the form's total."""
    print("| form | " + " | ".join(title for title, _ in columns) + " |")
    print("| --- |" + " ---: |" * len(columns))
    for kind in (*FORMS, "all"):
        keys = FORMS if kind == "all" else (kind,)
        n = sum(tally[k, "n"] for k in keys)
        if n:
            counts = [sum(tally[k, key] for k in keys) for _, key in columns]
            cells = [f"{c / n:.3f}" if share else f"{c}/{n}" for c in counts]
            print(f"| {kind} | " + " | ".join(cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--answers", action="store_true", help="ask and check the answers")
    args = parser.parse_args()
    assistant = build_assistant(Settings(data_dir=args.data_dir))
    rng = random.Random(args.seed)
    if args.answers:
        _answers(assistant, rng)
    else:
        _read(assistant, _names(), rng)


if __name__ == "__main__":
    main()
