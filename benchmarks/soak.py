"""Benchmark: the Discord bot under load, through the emulator, with the real discord.py client.

`--users` users ask `--count` questions between them (each waits for its answer before asking again), with
no cooldown and room for every user in flight. Prints throughput, MESSAGE_CREATE -> answer latency, the
event loop's lag (a 10 ms sleep, repeated, and how late it wakes) and resident memory after the warm-up
(the first 100 answers) and at the end; then checks that every question was answered exactly once.

    .venv/bin/python benchmarks/soak.py [--count 1000] [--users 20]

The emulator and the soak driver are test infrastructure (tests/discord_emulator.py, tests/discord_running.py,
shared with tests/discord/test_soak.py): this script runs them outside pytest rather than keep a second copy.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

import discord.gateway
import discord.http
import yarl

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine  # noqa: E402

from bot.config import Settings  # noqa: E402
from bot.core import build  # noqa: E402
from bot.evaluation.evaluate import percentile  # noqa: E402
from index.embeddings import LocalEmbeddings  # noqa: E402
from tests.discord_emulator import TOKEN  # noqa: E402  (the emulator is test infrastructure; see the docstring)
from tests.discord_running import WARM_UP, Figures, SoakEmulator, check, running, soak  # noqa: E402
from tests.helpers import free_port  # noqa: E402


def point_discord_at(port: int) -> None:
    """discord.py's REST base and gateway, on the emulator (the tests do this with monkeypatch)."""
    discord.http.Route.BASE = f"http://127.0.0.1:{port}/api/v10"
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(f"ws://127.0.0.1:{port}/gateway")


async def measure(folder: Path, count: int, users: int) -> tuple[SoakEmulator, Figures]:
    """Start the emulator and the bot on a fresh index in `folder`, and soak it."""
    settings = Settings(data_dir=folder, discord_token=TOKEN, user_cooldown=0.0, max_in_flight=users)
    citebot = build(settings, LocalEmbeddings(), answerer="extractive")
    port = free_port()
    point_discord_at(port)
    async with running(citebot, settings, port) as emulator:
        figures = await soak(emulator, count, users)
    return emulator, figures


def report(figures: Figures, count: int, users: int) -> None:
    """The figures, one line each."""
    ms = [f"{percentile(figures.latencies, p / 100) * 1000:.0f}" for p in (50, 95, 99)]
    lags = [f"{percentile(figures.lags, p / 100) * 1000:.1f}" for p in (50, 99)] + [f"{max(figures.lags) * 1000:.0f}"]
    print(f"{count} questions from {users} users, offline extractive answerer, {machine()['cores']} cores")
    print(f"throughput            {figures.throughput:.1f} answers/s ({figures.seconds:.1f} s)")
    print(f"latency p50/p95/p99   {' / '.join(ms)} ms  (MESSAGE_CREATE -> answer payload)")
    print(f"loop lag p50/p99/max  {' / '.join(lags)} ms  ({len(figures.lags)} probes)")
    growth = figures.rss_end - figures.rss_warm
    print(f"RSS MB                start {figures.rss_start:.0f}, after {WARM_UP} answers {figures.rss_warm:.0f}, "
          f"end {figures.rss_end:.0f}: growth after warm-up {growth:+.1f} MB")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description="The Discord bot under load, through the emulator.")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--users", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="citebot-soak-") as folder:
        emulator, figures = asyncio.run(measure(Path(folder), args.count, args.users))
    report(figures, args.count, args.users)
    assert len(figures.asked) == args.count
    check(emulator, figures.asked, figures.lost)
    print("every question answered exactly once; no apology, refusal, failed request or ping")


if __name__ == "__main__":
    main()
