"""Where a phrase is readable on disk: every file's raw bytes, SQLite and its journals included.

Zip archives (a Word file) are also searched inside, since their text is compressed.
"""

from __future__ import annotations

import io
import os
import secrets
import zipfile
from pathlib import Path

ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be")


def unique_phrase() -> tuple[str, str]:
    """A phrase found in no other text, and its random word (worth searching alone too)."""
    token = secrets.token_hex(6)
    return f"velvet heron {token} ledger of quiet lanterns", token


def write_report(folder: Path, name: str, secret: str) -> Path:
    """A small inspection-style Markdown report that mentions ``secret`` in every section."""
    lines = [
        "# Inspection of Testshire children's services",
        "",
        "## Summary",
        "",
        f"Leaders describe the {secret} as central to their work with care leavers.",
        "",
        "## What needs to improve",
        "",
    ]
    lines += [
        f"{i}. Supervision in team {i} needs to improve, and the {secret} should be reviewed."
        for i in range(1, 16)
    ]
    lines += ["", "## Care leavers", "", f"Care leavers value the {secret}."]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def traces(root: Path, phrase: str) -> list[str]:
    """``"<file> (<encoding>)"`` for each file under ``root`` holding ``phrase``, sorted."""
    needles = {enc: phrase.encode(enc) for enc in ENCODINGS}
    found = set()
    for folder, _, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            try:
                data = path.read_bytes()
            except OSError:  # vanished while walking
                continue
            for part in (data, *_unzipped(data)):
                for enc, needle in needles.items():
                    if needle in part:
                        found.add(f"{path.relative_to(root).as_posix()} ({enc})")
    return sorted(found)


def _unzipped(data: bytes) -> list[bytes]:
    if not data.startswith(b"PK\x03\x04"):
        return []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return [archive.read(info) for info in archive.infolist()]
    except (zipfile.BadZipFile, OSError, ValueError):
        return []
