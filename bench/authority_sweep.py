"""Every authority in the reference list typed in several ways: is it read as itself?

Each of the 156 English authorities' names is typed in lower case, exactly, with a letter
dropped (mid-word and near the end), two letters swapped, a letter doubled, "&" for "and",
"council" after it, a possessive and (for several-word names) by its first word, inside one
of three question templates; the question reader (with the library's vocabulary, as when
answering) must find exactly that authority. Printed: the share read right per way of
typing, and (with a way named) the questions read wrong. Nothing here comes from an
evaluation set: the names are the reference list's.

Usage: .venv/bin/python bench/authority_sweep.py DATA_DIR [WAY]
"""

from __future__ import annotations

import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.app import build_assistant  # noqa: E402
from core.settings import Settings  # noqa: E402


def variants(name: str):
    """``(way, typed)`` for one authority's name."""
    low = name.lower()
    yield "lower", low
    yield "exact", name
    # drop a letter / swap two letters / double one, in the longest word, not the first letter
    words = low.split()
    w = max(words, key=len)
    start = low.index(w)
    if len(w) >= 5:
        i = start + len(w) // 2
        yield "drop", low[:i] + low[i + 1 :]
        yield "swap", low[:i] + low[i + 1] + low[i] + low[i + 2 :]
        yield "double", low[:i] + low[i] + low[i:]
        j = start + len(w) - 2
        yield "drop_end", low[:j] + low[j + 1 :]
    if " and " in low:
        yield "amp", low.replace(" and ", " & ")
    yield "council", f"{low} council"
    yield "possessive", f"{low}'s"
    if len(words) > 1 and words[0] not in ("north", "south", "east", "west", "city", "the"):
        yield "first", words[0]


TEMPLATES = (
    "what did ofsted say about {} care leavers",
    "{} ofsted grade 2023",
    "how is {} doing with the front door",
)


def main() -> None:
    assistant = build_assistant(Settings(data_dir=sys.argv[1]))
    fails: dict[str, list[tuple[str, list[str]]]] = defaultdict(list)
    total: Counter[str] = Counter()
    rnd = random.Random(0)
    for authority in assistant.authorities.all():
        for way, typed in variants(authority.name):
            question = rnd.choice(TEMPLATES).format(typed)
            got = [r.name for r in assistant.understand(question).authorities]
            total[way] += 1
            if got != [authority.name]:
                fails[way].append((question, got))
    print("| typed | read right | wrong or missed |")
    print("| --- | ---: | ---: |")
    for way in total:
        print(
            f"| {way} | {1 - len(fails[way]) / total[way]:.3f} | {len(fails[way])}/{total[way]} |"
        )
    everything = sum(total.values())
    wrong = sum(len(f) for f in fails.values())
    print(f"| all | {1 - wrong / everything:.3f} | {wrong}/{everything} |")
    for question, got in fails.get(sys.argv[2], [])[:60] if len(sys.argv) > 2 else []:
        print("  ", question, "->", got)


if __name__ == "__main__":
    main()
