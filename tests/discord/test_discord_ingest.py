"""/ingest of files, PDFs and URLs within a server's limits; /ask only where the bot may answer."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from bot.config import Settings
from bot.core import Citebot
from bot.discord.gate import NOT_HERE_TEXT
from bot.discord.servers import IngestTurns
from tests.discord.servers import admin, asked, cited, told
from tests.discord_payloads import CHANNEL_ID, DM_CHANNEL_ID, GUILD_ID, OTHER_CHANNEL_ID
from tests.documents.conftest import pdf_bytes

Bots = Callable[..., Citebot]
Configs = Callable[..., Settings]
A = f"guild-{GUILD_ID}"
NOTES = b"# Zorblax reactor notes\n\nThe Zorblax reactor is cooled by liquid helium from Quillon Station.\n"
PAGE = b"""<html><head><title>Zorblax reactor notes</title>
<meta property="og:url" content="https://evil.example/phish">
<link rel="canonical" href="https://evil.example/canonical"></head>
<body><article><p>The Zorblax reactor is cooled by liquid helium from Quillon Station.</p>
<p>It was built in 2031 by the Quillon Institute.</p></article></body></html>"""


def test_ingest_reads_a_pdf_off_the_event_loop_and_cites_it(
    make_bot: Bots, discord_settings: Configs, start_bot: Any, play: Any
) -> None:
    pdf = pdf_bytes(["Contents.", "The Akinci engines are built in Izmir."])

    async def scenario() -> None:
        async with start_bot(make_bot(), discord_settings()) as (emulator, _):
            assert (await admin(emulator, "ingest", {"file": ("report.pdf", pdf)}, CHANNEL_ID)).startswith("Added")
            answer = await asked(emulator, "Where are the Akinci engines built?", CHANNEL_ID)
            assert any(footer.startswith("report.pdf") and "page 2" in footer for footer in cited(answer))

    play(scenario())


def test_ingest_of_a_url_on_loopback_is_refused_as_private_before_connecting(
    make_bot: Bots, discord_settings: Configs, start_bot: Any, play: Any
) -> None:
    async def scenario() -> None:
        async with start_bot(make_bot(), discord_settings()) as (emulator, _):
            emulator.files["1"] = NOTES
            url = f"http://127.0.0.1:{emulator.port}/attachments/1/notes.md"
            said = await admin(emulator, "ingest", {"url": url}, CHANNEL_ID)
            assert said.startswith("I only fetch public web pages") and "127.0.0.1" in said
            assert "allow-private" not in said  # the command line's hint means nothing in Discord
            bad = await admin(emulator, "ingest", {"url": "file:///etc/passwd"}, OTHER_CHANNEL_ID)
            assert "http" in bad

    play(scenario())


def test_the_server_quotas_and_the_ingest_cooldown_refuse_politely(
    make_bot: Bots, discord_settings: Configs, start_bot: Any, play: Any
) -> None:
    settings = discord_settings(discord_max_documents=2, discord_max_bytes=3000, discord_ingest_cooldown=60.0)
    big = b"# Big\n\n" + b"Reactor words fill this page. " * 40

    async def scenario() -> None:
        async with start_bot(make_bot(), settings) as (emulator, _):
            said = await admin(emulator, "ingest", {"file": ("big.md", big)}, CHANNEL_ID)
            assert "the limit is 3,000" in said
            said = await admin(emulator, "ingest", {"file": ("notes.md", NOTES)}, CHANNEL_ID)
            assert "please wait" in said  # the failed attempt counted
            assert (await admin(emulator, "ingest", {"file": ("notes.md", NOTES)}, OTHER_CHANNEL_ID)).startswith(
                "Added"
            )

    play(scenario())


def test_the_document_count_quota(make_bot: Bots, discord_settings: Configs, start_bot: Any, play: Any) -> None:
    settings = discord_settings(discord_max_documents=2, discord_ingest_cooldown=0.0)

    async def scenario() -> None:
        async with start_bot(make_bot(), settings) as (emulator, _):
            assert (await admin(emulator, "ingest", {"file": ("notes.md", NOTES)}, CHANNEL_ID)).startswith("Added")
            again = await admin(emulator, "ingest", {"file": ("notes.md", NOTES + b"\nMore.\n")}, CHANNEL_ID)
            assert again.startswith("Replaced")  # replacing a document needs no room
            full = await admin(emulator, "ingest", {"file": ("other.md", NOTES)}, CHANNEL_ID)
            assert "2 documents, its limit" in full

    play(scenario())


def test_ingest_of_a_text_stored_under_another_name_says_so(
    make_bot: Bots, discord_settings: Configs, start_bot: Any, play: Any
) -> None:
    async def scenario() -> None:
        async with start_bot(make_bot(), discord_settings(discord_ingest_cooldown=0.0)) as (emulator, _):
            first = await admin(emulator, "ingest", {"file": ("notes.md", NOTES)}, CHANNEL_ID)
            assert first.startswith("Added") and "same text" not in first
            copy = await admin(emulator, "ingest", {"file": ("copy.md", NOTES)}, CHANNEL_ID)
            assert copy.startswith("Added") and "same text as notes.md; answers cite one of them" in copy, copy
            answer = await asked(emulator, "What cools the Zorblax reactor?", CHANNEL_ID)
            assert len(cited(answer)) == 1

    play(scenario())


def test_one_ingest_at_a_time_per_server() -> None:
    turns = IngestTurns(cooldown=0)
    with turns.turn(GUILD_ID):
        assert "still running" in (turns.refusal(GUILD_ID) or "")
        assert turns.refusal(GUILD_ID + 1) is None
    assert turns.refusal(GUILD_ID) is None


def test_an_attachment_that_lies_about_its_size_is_cut_off_at_the_cap(
    make_bot: Bots, discord_settings: Configs, start_bot: Any, play: Any
) -> None:
    citebot = make_bot()
    huge = b"# Huge\n\n" + b"x" * 200_000

    async def scenario() -> None:
        async with start_bot(citebot, discord_settings(discord_max_bytes=20_000)) as (emulator, _):
            said = await admin(emulator, "ingest", {"file": ("huge.md", huge, 100)}, CHANNEL_ID)
            assert "huge.md is larger than the limit of 20,000 bytes" in said

    play(scenario())
    assert [d.source for d in citebot.documents(kb=A)] == ["putin-turkey-drones.txt"]


def test_an_uploaded_pages_own_link_is_not_the_citations_link_and_titles_are_cleaned(
    make_bot: Bots, discord_settings: Configs, start_bot: Any, play: Any
) -> None:
    citebot = make_bot()
    title = "Zorblax\u202e \u200bhandbook " + "long " * 60
    sneaky = f"---\ntitle: {title}\n---\n\nThe Zorblax handbook is kept in Quillon.\n"

    async def scenario() -> None:
        async with start_bot(citebot, discord_settings(discord_ingest_cooldown=0.0)) as (emulator, _):
            await admin(emulator, "ingest", {"file": ("page.html", PAGE)}, CHANNEL_ID)
            answer = await asked(emulator, "What cools the Zorblax reactor?", CHANNEL_ID)
            assert cited(answer)[0].startswith("page.html")
            assert "evil.example" not in str(answer) and "url" not in answer["embeds"][0]
            said = await admin(emulator, "ingest", {"file": ("sneaky.md", sneaky.encode())}, CHANNEL_ID)
            assert said.startswith("Added: Zorblax handbook long") and "\u202e" not in said and "\u200b" not in said

    play(scenario())
    titles = {d.source: d.title for d in citebot.documents(kb=A)}
    assert len(titles["discord/sneaky.md"]) == 200
    assert {d.source: d.url for d in citebot.documents(kb=A)}["discord/page.html"] is None


def test_ask_is_refused_outside_the_channel_list_and_in_dms_when_they_are_off(
    make_bot: Bots, discord_settings: Configs, start_bot: Any, play: Any
) -> None:
    settings = discord_settings(discord_channels=(CHANNEL_ID,), discord_dms=False)

    async def scenario() -> None:
        async with start_bot(make_bot(), settings) as (emulator, _):
            outside = await emulator.slash("ask", {"question": "What is Baykar?"}, channel=OTHER_CHANNEL_ID)
            in_dm = await emulator.slash("ask", {"question": "What is Baykar?"}, channel=DM_CHANNEL_ID, author=2)
            assert await told(emulator, outside) == NOT_HERE_TEXT
            assert await told(emulator, in_dm) == NOT_HERE_TEXT
            assert cited(await asked(emulator, "What is Baykar?", CHANNEL_ID, author=3))
            await asyncio.sleep(0.2)
            assert not emulator.replies_to(outside) and not emulator.replies_to(in_dm)

    play(scenario())
