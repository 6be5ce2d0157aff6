"""Draft templates: TOML files in ``templates/`` that a council can copy and edit.

A template names the sections and their order, their headings, the meeting details to
fill in, the length limits and the fixed wording. ``load_template`` takes a shipped
template's name ("board-paper") or the path of a ``.toml`` file. The shipped ones are the
``templates`` package's data files, read with ``importlib.resources``.
"""

from __future__ import annotations

import string
import tomllib
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from core.errors import InputError

SECTIONS = (
    "meeting",
    "recommendations",
    "summary",
    "judgements",
    "findings",
    "improve",
    "cases",
    "next_steps",
    "references",
)
LIMITS = {
    "summary_bullets": (3, 5),
    "key_findings": (1, 30),
    "sentences_per_finding": (1, 5),
    "cases": (0, 50),
    "next_steps": (0, 30),
}
WORDING = (
    "recommend_note",
    "recommend_note_plain",
    "recommend_improve",
    "recommend_compare",
    "overall",
    "rated",
    "improve_count",
    "next_step_item",
    "no_judgements",
)


def shipped_templates() -> Traversable:
    """The folder of the shipped templates (the ``templates`` package)."""
    return files("templates")


def available_templates(directory: Traversable | None = None) -> tuple[str, ...]:
    """The names of the shipped templates."""
    entries = (directory or shipped_templates()).iterdir()
    return tuple(sorted(p.name.removesuffix(".toml") for p in entries if p.name.endswith(".toml")))


@dataclass(frozen=True)
class Template:
    """A draft's layout, limits and wording."""

    name: str
    title: str
    order: tuple[str, ...]
    headings: dict[str, str]
    meeting: tuple[tuple[str, str], ...]
    limits: dict[str, int]
    wording: dict[str, str]
    next_steps: tuple[str, ...]

    def say(self, key: str, **values: object) -> str:
        """Fill the wording ``key``; a placeholder the template names but we lack raises."""
        text = self.wording[key]
        needed = {f for _, f, _, _ in string.Formatter().parse(text) if f}
        missing = needed - values.keys()
        if missing:
            raise InputError(
                f"template {self.name!r}: {key} uses unknown placeholder(s) "
                f"{', '.join(sorted(missing))} (available: {', '.join(sorted(values))})"
            )
        return " ".join(text.format(**values).split())


def load_template(ref: str, directory: Traversable | None = None) -> Template:
    """A shipped template by name, or a template file by path."""
    given = Path(ref)
    path: Traversable = given
    stem = given.stem
    if given.suffix != ".toml":
        directory = directory or shipped_templates()
        path, stem = directory / f"{ref}.toml", ref
        if not path.is_file():
            names = ", ".join(available_templates(directory))
            raise InputError(f"unknown template {ref!r}: one of {names}, or a path to a .toml file")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError(f"template file not found: {path}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"template {path} is not valid TOML: {exc}") from exc
    return _parsed(data, path, stem)


def _parsed(data: dict[str, Any], path: Traversable, stem: str) -> Template:
    def fail(what: str) -> InputError:
        return InputError(f"template {path}: {what}")

    order = tuple(data.get("order") or ())
    unknown = [s for s in order if s not in SECTIONS]
    if not order or unknown:
        raise fail(f"'order' must list sections from {', '.join(SECTIONS)} (got {unknown})")
    headings = {
        **{s: s.replace("_", " ").capitalize() for s in SECTIONS},
        **data.get("headings", {}),
    }
    limits = {}
    for key, (low, high) in LIMITS.items():
        value = data.get("limits", {}).get(key)
        if not isinstance(value, int) or not low <= value <= high:
            raise fail(f"limits.{key} must be a whole number from {low} to {high}")
        limits[key] = value
    wording = data.get("wording", {})
    missing = [k for k in WORDING if not isinstance(wording.get(k), str)]
    if missing:
        raise fail(f"[wording] lacks {', '.join(missing)}")
    fields = data.get("meeting", {}).get("fields", [])
    if not all(isinstance(f, list) and len(f) == 2 for f in fields):
        raise fail("meeting.fields must be [label, placeholder] pairs")
    return Template(
        name=str(data.get("name") or stem),
        title=str(data.get("title") or "{subject}"),
        order=order,
        headings={k: str(v) for k, v in headings.items()},
        meeting=tuple((str(a), str(b)) for a, b in fields),
        limits=limits,
        wording={k: str(v) for k, v in wording.items() if isinstance(v, str)},
        next_steps=tuple(str(s) for s in wording.get("next_steps", ())),
    )
