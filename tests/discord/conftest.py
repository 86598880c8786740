"""The real discord.py client, over real sockets, against the emulator in tests/discord_emulator.py."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import discord.gateway
import discord.http
import pytest
import yarl

from bot.config import Settings
from bot.core import Citebot
from bot.discord.client import CitebotClient
from tests.discord_emulator import TOKEN, Emulator

Started = AbstractAsyncContextManager[tuple[Emulator, CitebotClient]]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def discord_port(monkeypatch: pytest.MonkeyPatch) -> int:
    """Point discord.py's REST base and gateway at the emulator's port; monkeypatch restores both.

    A plain `Client` connects to `DiscordWebSocket.DEFAULT_GATEWAY` (only the sharded client asks
    `GET /gateway/bot`), so both are patched; the emulator answers `GET /gateway/bot` too.
    """
    port = free_port()
    monkeypatch.setattr(discord.http.Route, "BASE", f"http://127.0.0.1:{port}/api/v10")
    gateway = yarl.URL(f"ws://127.0.0.1:{port}/gateway")
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", gateway)
    return port


@pytest.fixture
def discord_settings(data_dir: Path) -> Callable[..., Settings]:
    """Settings for the bot under test; no cooldown unless a test asks for one."""

    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {"data_dir": data_dir, "discord_token": TOKEN, "user_cooldown": 0.0}
        return Settings(**{**values, **overrides})

    return make


@pytest.fixture
def start_bot(discord_port: int) -> Callable[..., Started]:
    """`async with start_bot(citebot, settings) as (emulator, client)`: both running, the client ready."""

    @asynccontextmanager
    async def start(
        citebot: Citebot, settings: Settings, **options: Any
    ) -> AsyncIterator[tuple[Emulator, CitebotClient]]:
        emulator = await Emulator().start(discord_port)
        client = CitebotClient(citebot, settings, guild_ready_timeout=0.05, **options)
        task: asyncio.Task[None] | None = None
        try:
            await client.login(TOKEN)
            task = asyncio.create_task(client.connect())
            await emulator.wait_until(client.is_ready, 20)
            yield emulator, client
        finally:
            await client.close()
            if task is not None:
                with contextlib.suppress(Exception, asyncio.CancelledError):
                    await asyncio.wait_for(task, 5)
            await emulator.stop()

    return start


def run(scenario: Coroutine[Any, Any, None], timeout: float = 120) -> None:
    """Run one async scenario to completion (the suite has no asyncio plugin)."""
    asyncio.run(asyncio.wait_for(scenario, timeout))


@pytest.fixture
def play() -> Callable[[Coroutine[Any, Any, None]], None]:
    return run
