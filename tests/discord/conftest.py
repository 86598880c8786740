"""The real discord.py client, over real sockets, against the emulator in tests/discord_emulator.py."""

from __future__ import annotations

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
from tests.discord_running import connected
from tests.helpers import free_port, run

Started = AbstractAsyncContextManager[tuple[Emulator, CitebotClient]]


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
        async with connected(Emulator(), discord_port, citebot, settings, **options) as started:
            yield started

    return start


@pytest.fixture
def play() -> Callable[[Coroutine[Any, Any, None]], None]:
    return run
