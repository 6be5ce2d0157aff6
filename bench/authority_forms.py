"""How well questions name authorities in the forms staff type (generated, not evaluation text).

Every authority of ``core/reference/local_authorities.csv`` is written five ways (as
listed, lower case, a letter dropped, two letters swapped, lower case with a letter
dropped) inside two question templates, and the question-understanding step is asked
which authority each names. Prints, per form, the share read as exactly that authority
and the share read as another one (the harmful case: another council's report quoted).

Usage: .venv/bin/python bench/authority_forms.py --data-dir DIR [--seed 1]
(the library's vocabulary feeds the typo correction, so use a built library).
"""

from __future__ import annotations

import argparse
import csv
import random
from collections import Counter
from pathlib import Path

from assistant.app import build_assistant
from core.settings import Settings

TEMPLATES = ("what did ofsted say about {} care leavers", "{} ofsted grades 2023")
FORMS = ("as listed", "lower case", "letter dropped", "letters swapped", "lower, dropped")


def _slip(name: str, kind: str, rng: random.Random) -> str:
    chars = list(name)
    inner = [i for i, c in enumerate(chars) if c.isalpha() and 0 < i < len(chars) - 2]
    i = rng.choice(inner)
    if kind == "drop":
        del chars[i]
    elif chars[i + 1].isalpha():
        chars[i], chars[i + 1] = chars[i + 1], chars[i]
    return "".join(chars)


def forms(name: str, rng: random.Random) -> dict[str, str]:
    """The five ways of writing ``name``."""
    return {
        "as listed": name,
        "lower case": name.lower(),
        "letter dropped": _slip(name, "drop", rng),
        "letters swapped": _slip(name, "swap", rng),
        "lower, dropped": _slip(name, "drop", rng).lower(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    assistant = build_assistant(Settings(data_dir=args.data_dir))
    rng = random.Random(args.seed)
    path = Path(__file__).resolve().parents[1] / "core/reference/local_authorities.csv"
    with path.open(encoding="utf-8") as fh:
        names = [row["local_authority_ons_name"] for row in csv.DictReader(fh)]
    tally: Counter[tuple[str, str]] = Counter()
    for name in names:
        for kind, written in forms(name, rng).items():
            for template in TEMPLATES:
                found = [r.name for r in assistant.understand(template.format(written)).authorities]
                tally[kind, "n"] += 1
                tally[kind, "right"] += found == [name]
                tally[kind, "other"] += bool(found) and name not in found
    print(f"{len(names)} authorities x {len(TEMPLATES)} templates, seed {args.seed}")
    print("| form | read as that authority | read as another |")
    print("| --- | ---: | ---: |")
    for kind in FORMS:
        n = tally[kind, "n"]
        print(f"| {kind} | {tally[kind, 'right'] / n:.2f} | {tally[kind, 'other'] / n:.2f} |")


if __name__ == "__main__":
    main()
