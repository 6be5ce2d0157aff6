"""``ask --batch``: many questions from a JSONL file, answered in one process."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.render import render_answer_text
from core.errors import AssistantError, InputError


def read_batch(path: Path) -> list[tuple[int, Any]]:
    """(line number, parsed JSON or error message) for each non-blank line."""
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise InputError(f"batch file not found: {path}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read batch file {path}: {exc}") from exc
    rows: list[tuple[int, Any]] = []
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append((number, json.loads(line)))
        except json.JSONDecodeError as exc:
            rows.append((number, InputError(f"line {number}: not valid JSON ({exc.msg})")))
    return rows


def run_batch(
    assistant: Any,
    path: Path,
    *,
    as_json: bool,
    write: Callable[[str], None],
    k: int | None = None,
    filters: Any = None,
) -> int:
    """Answer every line of ``path`` in order; return how many lines failed.

    A failed line prints ``{"id", "question", "error"}`` in its place so the
    output stays aligned with the input.
    """
    failures = 0
    for number, row in read_batch(path):
        qid = row.get("id") if isinstance(row, dict) else None
        question = row.get("question") if isinstance(row, dict) else None
        try:
            if isinstance(row, Exception):
                raise row
            if not isinstance(row, dict):
                raise InputError(f"line {number}: expected a JSON object")
            if not isinstance(question, str) or not question.strip():
                raise InputError(f'line {number}: "question" must be a non-empty string')
            answer = assistant.ask(
                question, id=None if qid is None else str(qid), k=k, filters=filters
            )
            payload = answer.to_json()
            if qid is not None:
                payload["id"] = qid
            text = (
                json.dumps(payload, ensure_ascii=False) if as_json else render_answer_text(answer)
            )
        except AssistantError as exc:
            failures += 1
            error = {"id": qid, "question": question, "error": str(exc)}
            text = json.dumps(error, ensure_ascii=False) if as_json else f"error: {exc}"
        write(text)
    return failures
