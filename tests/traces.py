"""Where a phrase is readable on disk: every file's raw bytes, SQLite and its journals included.

Zip archives (a Word file) are also searched inside, since their text is compressed.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be")


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
