"""Printing results as Rich tables or JSON, the same data either way."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from enum import Enum
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from rich.table import Table

# Piped output (files, scripts, CI logs) gets wide tables rather than 80 squeezed columns.
PIPED_WIDTH = 200
console = Console(width=None if sys.stdout.isatty() else PIPED_WIDTH)
errors = Console(stderr=True)


class OutputFormat(str, Enum):
    table = "table"
    json = "json"


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


def print_table(
    title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], *, numeric_from: int = 1
) -> None:
    table = Table(title=title, title_justify="left")
    for index, column in enumerate(columns):
        table.add_column(column, justify="right" if index >= numeric_from else "left")
    for row in rows:
        table.add_row(*("" if value is None else str(value) for value in row))
    console.print(table)


@contextmanager
def progress_bar(description: str, to: Console = console) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on ``to`` while the block runs, shown on a terminal only and gone when it
    ends; the block reports with ``shown(done, total)``."""
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=to,
        transient=True,
        disable=not to.is_terminal,
    ) as progress:
        task = progress.add_task(description, total=None)
        yield lambda done, total: progress.update(task, completed=done, total=total)
