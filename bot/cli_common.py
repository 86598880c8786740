"""What every `citebot` command shares: the error-to-message group, the settings, the console, the lock."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from index.errors import CitebotError

if TYPE_CHECKING:
    from rich.console import Console

    from bot.config import Settings
    from bot.core import Citebot


class Group(click.Group):
    """Turns citebot's own errors into one line on stderr and exit status 1, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CitebotError as error:
            raise click.ClickException(str(error)) from None


def settings() -> Settings:
    from bot.config import Settings

    return Settings.from_env(os.environ)


def console() -> Console:
    from rich.console import Console

    return Console(highlight=False)


@contextmanager
def writing() -> Iterator[Citebot]:
    """The bot, built while holding the index's write lock (embedded Chroma has one writer)."""
    from bot.core import build
    from index.store import write_lock

    config = settings()
    with write_lock(config.data_dir):
        yield build(config)


@contextmanager
def progress_bar(label: str, total: int) -> Iterator[Callable[[int], Any]]:
    """A transient rich progress bar; yields the function that advances it."""
    from rich.progress import Progress

    with Progress(console=console(), transient=True) as progress:
        task = progress.add_task(label, total=total)
        yield lambda n: progress.advance(task, n)
