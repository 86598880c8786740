"""Starting the bot: a missing, rejected or under-privileged token is one clear line, never the token."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from click.testing import CliRunner

from bot.cli.app import cli
from bot.config import Settings
from bot.core import Citebot
from bot.discord.client import run
from index.errors import SettingsError
from tests.discord_emulator import TOKEN, Emulator


@contextmanager
def emulator_thread(port: int, **faults: Any) -> Iterator[Emulator]:
    """The emulator on its own loop, for `run()`, which owns the main thread's loop."""
    loop = asyncio.new_event_loop()
    emulator = Emulator()
    for name, value in faults.items():
        setattr(emulator, name, value)
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(emulator.start(port), loop).result(10)
    try:
        yield emulator
    finally:
        asyncio.run_coroutine_threadsafe(emulator.stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.close()


def test_a_missing_token_is_one_line_and_a_non_zero_exit() -> None:
    result = CliRunner().invoke(cli, ["discord"], env={"DISCORD_TOKEN": ""})
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: DISCORD_TOKEN is not set; copy the bot token from the developer portal (see docs/discord.md)."
    ]


@pytest.mark.parametrize(
    ("faults", "expected"),
    [
        ({"reject_token": True}, "Discord rejected DISCORD_TOKEN"),
        ({"close_code": 4014}, "Message Content intent"),
    ],
)
def test_a_rejected_token_or_a_refused_intent_is_a_clear_error_without_the_token(
    bot: Citebot,
    discord_settings: Callable[..., Settings],
    discord_port: int,
    faults: dict[str, Any],
    expected: str,
) -> None:
    with emulator_thread(discord_port, **faults), pytest.raises(SettingsError, match=expected) as raised:
        run(discord_settings(), citebot=bot)
    assert TOKEN not in str(raised.value)
