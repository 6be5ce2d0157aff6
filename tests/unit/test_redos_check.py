"""The static ReDoS check run by ``make lint`` (tools/redos_check.py)."""

from __future__ import annotations

import sys

import pytest

from tests.conftest import REPO

sys.path.insert(0, str(REPO / "tools"))

from redos_check import main  # noqa: E402
from regex_ambiguity import analyse  # noqa: E402

# (pattern, flags, what the check says); the flagged ones are the patterns of issue 12.
PATTERNS = [
    (r"^(?:\s*(?:,|&|and|or|to|-|\u2013)\s*)+$", 0, "exponential"),  # the old connector
    (r"^\s*(?:(?:,|&|and|or|to|-|\u2013)\s*)+$", 0, None),
    (rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html[\s>]|head[\s>])", 0, "exponential"),
    (rb"^\s*(<!--(?:[^-]|-[^-]|--+[^->])*--+>\s*)*<(!doctype\s+html|html[\s>])", 0, None),
    (r"(a+)+$", 0, "exponential"),
    (r"^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$", 0, "polynomial"),  # the old heading
    (r"[\w.+-]+@([\w-]+(?:\.[\w-]+)+)", 0, "polynomial"),  # the old e-mail domain
    (r"(?<=[\w.+-])@([\w-]+(?:\.[\w-]+)+)", 0, None),
    (r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", 0, "polynomial"),  # the old bold
    (r"\s*<sup>\s*[\d,*†‡\s]+\s*</sup>", 0, "polynomial"),
    (r"(?:(?<!\s)\s+)?<sup>[\d,*†‡\s]+</sup>", 0, None),
    (r"^\s*\d+(?:\.\d+)*[.)]\s", 0, None),  # one start: "^" without MULTILINE
    (r"^\s*\d+(?:\.\d+)*[.)]\s", 8, "polynomial"),  # from every line of a blank run
    (r"^[^\S\n]*\d+(?:\.\d+)*[.)]\s", 8, None),
    (r"\s+(?=\S)", 0, "polynomial"),
    (r"(?<!\s)\s+(?=\S)", 0, None),
    (r"\b\w+ing\b", 0, None),  # "\b" before a word character guards the run
    (r"[a-z]+", 0, None),  # can end anywhere: a search never fails after a letter
    (r"^\s*\.?\s*$", 0, "polynomial"),
    (r"^\s*(?:\.\s*)?$", 0, None),
]


@pytest.mark.parametrize(("pattern", "flags", "kind"), PATTERNS)
def test_ambiguity(pattern, flags, kind):
    finding = analyse(pattern, flags)
    assert (finding.kind if finding else None) == kind


def test_lint_fails_on_a_super_linear_pattern_and_names_it(tmp_path, monkeypatch, capsys):
    package = tmp_path / "redos_probe_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "good.py").write_text(
        'import re\n_OK = re.compile(r"^\\s*(?:(?:,|&)\\s*)+$")\n'
        'def f(t):\n    return re.sub(r"(?<!\\s)\\s+(?=\\S)", " ", t)\n'
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    assert main(["redos_probe_pkg"]) == 0
    assert "0 problem(s)" in capsys.readouterr().out

    (package / "bad.py").write_text(
        "import re\n"
        'WORDS = "and|or"\n'
        'BUILT = [re.compile(rf"^(?:\\s*(?:,|{WORDS})\\s*)+$")]\n'  # found by import
        'def f(t):\n    return re.search(r"\\s*[,;]\\s*", t)\n'  # found in the source
    )
    assert main(["redos_probe_pkg"]) == 1
    out = capsys.readouterr().out
    assert "bad.py (BUILT): exponential ambiguity when matched" in out
    assert "bad.py:5: polynomial ambiguity when searched" in out
    assert "2 problem(s)" in out


@pytest.mark.slow
def test_every_pattern_of_the_packages_is_linear(monkeypatch, capsys):
    """What ``make lint`` checks, so that CI (which runs the tests) checks it too."""
    monkeypatch.chdir(REPO)
    status = main(["core", "assistant", "ingest", "vectorstore", "ui"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert " 0 problem(s)" in out
