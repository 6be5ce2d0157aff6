"""Prompt files in ``prompts/``, loaded by name; the name carries the version.

``prompts`` is a package of data files, read with ``importlib.resources`` so that an
installed wheel finds them as the source tree does.
"""

from __future__ import annotations

import string
import tomllib
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable

from core.errors import ConfigError


@dataclass(frozen=True)
class PromptSet:
    """A versioned set of named templates (``prompts/<name>.toml``)."""

    name: str
    templates: dict[str, str]

    def render(self, key: str, **values: object) -> str:
        """Fill template ``key``; a missing variable raises ``ConfigError``."""
        try:
            template = self.templates[key]
        except KeyError as exc:
            raise ConfigError(f"prompt {self.name!r} has no template {key!r}") from exc
        needed = {f for _, f, _, _ in string.Formatter().parse(template) if f}
        missing = needed - values.keys()
        if missing:
            raise ConfigError(f"prompt {self.name}:{key} needs {', '.join(sorted(missing))}")
        return template.format(**values)


def load_prompts(name: str, directory: Traversable | None = None) -> PromptSet:
    """Load ``<directory>/<name>.toml`` (e.g. ``extractive-v1``); the shipped ``prompts``."""
    path = (directory or files("prompts")) / f"{name}.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"prompt file not found: {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"prompt file {path} is not valid TOML: {exc}") from exc
    templates = {k: v for k, v in data.items() if isinstance(v, str)}
    return PromptSet(name=name, templates=templates)
