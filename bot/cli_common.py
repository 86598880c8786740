"""What every `citebot` command shares: the error-to-message group, the settings, the console, the lock."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from bot.printable import for_terminal
from index.errors import CitebotError

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress

    from bot.config import Settings
    from bot.core import Citebot


class Group(click.Group):
    """Turns citebot's own errors into one line on stderr and exit status 1, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CitebotError as error:
            raise click.ClickException(for_terminal(str(error), markup=False)) from None


def settings() -> Settings:
    """The settings from the environment and, under it, a `.env` file in the current folder."""
    from dotenv import dotenv_values

    from bot.config import Settings

    from_file = {name: value for name, value in dotenv_values(".env").items() if value is not None}
    return Settings.from_env({**from_file, **os.environ})  # the process environment wins


def console(width: int | None = None) -> Console:
    """The rich console; `width` None fits the terminal (80 columns when there is none)."""
    from rich.console import Console

    return Console(highlight=False, width=width)


def counted(n: int, noun: str) -> str:
    """ "1 passage", "2 passages"."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


@contextmanager
def writing() -> Iterator[Citebot]:
    """The bot, built while holding the index's write lock (embedded Chroma has one writer)."""
    from bot.core import build
    from index.store import write_lock

    config = settings()
    with write_lock(config.data_dir):
        yield build(config)


def progress_display() -> Progress:
    """A transient rich progress display whose spinner and clock move from the first second, before the total
    is known (counting and reading the files happens inside it)."""
    from rich.progress import Progress, SpinnerColumn, TimeElapsedColumn

    return Progress(
        SpinnerColumn(), *Progress.get_default_columns(), TimeElapsedColumn(), console=console(), transient=True
    )


@contextmanager
def progress_bar(label: str, total: int) -> Iterator[Callable[[int], Any]]:
    """A transient rich progress bar; yields the function that advances it."""
    with progress_display() as progress:
        task = progress.add_task(label, total=total)
        yield lambda n: progress.advance(task, n)
