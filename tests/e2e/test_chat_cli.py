"""``chat`` through typer's runner with piped input, against the real sample index."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from assistant.cli.app import app

pytestmark = pytest.mark.e2e
runner = CliRunner()

KENT_REPORT = "ilacs/kent/children's services inspection - 05 july 2022.pdf"


def _turns(output: str) -> list[str]:
    """The transcript split at each prompt (the first part is before the first prompt)."""
    return output.split("you> ")[1:]


def test_follow_up_is_rewritten_and_answered_from_the_same_report(sample_data_dir):
    result = runner.invoke(
        app,
        ["chat", "--data-dir", str(sample_data_dir)],
        input="What needs to improve in Kent?\nAnd what about their care leavers?\n/quit\n",
    )
    assert result.exit_code == 0, result.output
    first, second, last = _turns(result.stdout)
    assert first.startswith("What needs to improve in Kent?\n")
    assert "asked as" not in first and KENT_REPORT in first
    assert second.startswith(
        "And what about their care leavers?\n(asked as: What about their care leavers in Kent?)\n"
    )
    answer, _, sources = second.partition("\nSources:\n")
    assert "care leavers" in answer.lower()
    assert sources.startswith(
        f"[1] Inspection of Kent County Council children’s services ({KENT_REPORT})"
    )
    assert last == "/quit\n"


def test_commands_empty_lines_and_errors(sample_data_dir):
    result = runner.invoke(
        app,
        ["chat", "--data-dir", str(sample_data_dir)],
        input="\n/help\n/nonsense\nWhat needs to improve in Kent?\n/new\n"
        + "x" * 2100
        + "\nAnd what about their care leavers?\n",
    )
    assert result.exit_code == 0, result.output  # end of input ends the chat
    assert "/new   start a new conversation" in result.stdout
    assert "error: unknown command /nonsense: try /help" in result.output
    assert "(new conversation)" in result.stdout
    after_new = result.stdout.split("(new conversation)")[1]
    # A new conversation has nothing to follow up, and a failed question leaves no turn.
    assert "asked as" not in after_new and "care leavers" in after_new
    assert "error: the question is 2,100 characters long; the limit is 2,000" in result.output
    assert "Traceback" not in result.output
