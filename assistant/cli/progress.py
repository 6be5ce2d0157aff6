"""The ``ingest`` command's progress bar: each stage of each file, with time remaining."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

from assistant.service import IngestProgress


class IngestBar:
    """A bar over the whole run, files weighted by their size, and the current stage.

    Used as a context manager; :meth:`update` is the ``on_stage`` callback of an ingest.
    On a console that is not a terminal it shows nothing (rich draws no live display).
    """

    def __init__(self, files: Sequence[tuple[Path, str]], console: Console) -> None:
        """Weigh each file by its size in bytes (a missing file weighs one byte)."""
        self.weights = [_size(path) for path, _ in files]
        self.before = [sum(self.weights[:i]) for i in range(len(files))]
        self.bar = Progress(
            BarColumn(bar_width=24),
            TaskProgressColumn(),
            TimeRemainingColumn(),
            TextColumn("{task.description}"),
            console=console,
            transient=True,
        )
        self.task = self.bar.add_task("starting", total=sum(self.weights) or 1)

    def update(self, p: IngestProgress) -> None:
        """Show where the ingest is."""
        i = p.file - 1
        if not 0 <= i < len(self.weights):
            return
        done = self.before[i] + self.weights[i] * p.fraction
        self.bar.update(self.task, completed=done, description=escape(p.describe()))

    def __enter__(self) -> IngestBar:  # noqa: D105
        self.bar.start()
        return self

    def __exit__(  # noqa: D105
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.bar.stop()


def _size(path: Path) -> int:
    try:
        return max(1, path.stat().st_size)
    except OSError:
        return 1
