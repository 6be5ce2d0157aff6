"""Every `ofsted-assistant` command in README.md runs as written on `make demo`'s library.

The commands are read from the README's ``sh`` code blocks and run by bash, from a folder
laid out like the repository (``data/``, ``bench/``, ``templates/``, and ``.demo-data``
holding the sample library that `make demo` indexes, with ``.venv/bin/ofsted-assistant``
running this checkout), with ``OFSTED_ASSISTANT_DATA_DIR=.demo-data`` as the README says
to export once. Lines of a block before a command (``cp …``) run first, as a reader copying
the block would. Each command must exit 0 and never say "no document matches"; the few
that cannot run here are listed in ``SKIPPED`` with the reason and the test covering them.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

DEMO_EXPORT = "export OFSTED_ASSISTANT_DATA_DIR=.demo-data"
COMMAND = re.compile(r"^(?:\.venv/bin/)?ofsted-assistant\s")

# command (as written, without its comment) -> why it is not run here
SKIPPED = {
    ".venv/bin/ofsted-assistant serve": "long-running: the window (tests/e2e/test_serve_access.py)",
    ".venv/bin/ofsted-assistant serve --host 0.0.0.0": "long-running, and needs a login "
    "(tests/e2e/test_serve_access.py)",
    ".venv/bin/ofsted-assistant accounts add alice --role editor": "asks for a password on "
    "the terminal, writes /etc/ofsted (tests/e2e/test_accounts.py)",
    ".venv/bin/ofsted-assistant accounts add bob --role reader": "asks for a password on "
    "the terminal, writes /etc/ofsted (tests/e2e/test_accounts.py)",
    ".venv/bin/ofsted-assistant eval bench/eval/sample.jsonl --baseline --docs data/sample": (
        "long-running: builds a second index of the sample (about 4 minutes; "
        "tests/e2e/test_eval_cli.py)"
    ),
    ".venv/bin/ofsted-assistant eval bench/eval/v2/*.jsonl --split dev": "long-running: "
    "hundreds of questions (about 2 minutes; tests/e2e/test_eval_v2_cli.py)",
    ".venv/bin/ofsted-assistant ingest reports/ --data-dir /var/lib/ofsted-ingest": "needs a "
    "Chroma server (tests/integration/test_two_processes.py)",
    ".venv/bin/ofsted-assistant serve --data-dir /var/lib/ofsted-web": "long-running, needs a "
    "Chroma server (tests/integration/test_two_processes.py)",
}
# commands that change the library run on a copy of their own
CHANGES_THE_LIBRARY = ("docs remove",)


def readme_blocks(text: str) -> list[list[str]]:
    """The lines of each ``sh`` code block, continuation lines joined."""
    blocks = re.findall(r"^```(?:sh|bash)\n(.*?)^```", text, flags=re.S | re.M)
    return [block.replace("\\\n", " ").splitlines() for block in blocks]


def without_comment(line: str) -> str:
    """The line without a trailing ``# comment`` (a "#" inside quotes stays)."""
    for m in re.finditer(r"\s#", line):
        try:
            shlex.split(line[: m.start()])  # an open quote: this "#" is quoted
        except ValueError:
            continue
        return line[: m.start()].rstrip()
    return line.rstrip()


def readme_commands() -> list[tuple[str, tuple[str, ...]]]:
    """Each command with the lines of its block before it (its set-up)."""
    found = []
    for block in readme_blocks((REPO / "README.md").read_text(encoding="utf-8")):
        before: list[str] = []
        for line in (without_comment(raw) for raw in block):
            if COMMAND.match(line):
                found.append((line, tuple(before)))
            elif line:
                before.append(line)
    return found


COMMANDS = readme_commands()
RUN = [(c, setup) for c, setup in COMMANDS if c not in SKIPPED]


def test_the_readme_has_commands_and_every_skip_is_still_in_it():
    written = {c for c, _ in COMMANDS}
    assert len(RUN) >= 15
    assert set(SKIPPED) <= written, set(SKIPPED) - written


def test_the_readme_says_to_use_the_demo_library_before_its_first_command():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    first = min(text.index(c[:40]) for c, _ in RUN)
    assert DEMO_EXPORT in text[:first]


@pytest.fixture(scope="module")
def demo_repo(sample_data_dir, tmp_path_factory) -> Path:
    """A folder like the repository after `make demo`, its library already used once."""
    root = tmp_path_factory.mktemp("readme") / "repo"
    (root / ".venv" / "bin").mkdir(parents=True)
    for name in ("data", "bench", "templates"):
        (root / name).symlink_to(REPO / name)
    shutil.copytree(sample_data_dir, root / ".demo-data")
    entry = root / ".venv" / "bin" / "ofsted-assistant"
    entry.write_text(
        f"#!/bin/sh\nexec {shlex.quote(sys.executable)} -c "
        "'from assistant.cli import main; main()' \"$@\"\n"
    )
    entry.chmod(0o755)
    return root


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OFSTED_ASSISTANT_")}
    env["OFSTED_ASSISTANT_DATA_DIR"] = ".demo-data"  # DEMO_EXPORT, as the README says
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


@pytest.mark.parametrize(("command", "setup"), RUN, ids=[c[27:70] for c, _ in RUN])
def test_readme_command_runs_on_the_demo_library(demo_repo, tmp_path, command, setup):
    cwd = demo_repo
    if any(part in command for part in CHANGES_THE_LIBRARY):
        cwd = tmp_path / "repo"
        shutil.copytree(demo_repo, cwd, symlinks=True)
    script = "\n".join(["set -e", *setup, command])
    done = subprocess.run(
        ["bash", "-c", script],
        cwd=cwd,
        env=_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=600,
    )
    said = done.stdout + done.stderr
    assert done.returncode == 0, said[-2000:]
    assert "no document matches" not in said
    assert "Traceback" not in said
    assert "library is empty" not in said
