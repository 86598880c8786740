"""The slash commands: /ask for everyone; /sources, /ingest and /forget for the Manage Server permission.

The admin permission is checked here, in code, on every call (`default_permissions` only hides the commands
in Discord's menu, and a server can change that); everyone else gets a polite refusal.
"""

from __future__ import annotations

import asyncio
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, Protocol, cast

import discord
from discord import app_commands

from bot.discord import ingest
from bot.discord.render import escape
from bot.discord.send import tell
from index.documents import Document
from index.errors import KnowledgeBaseError
from index.storage.records import AddResult, DocumentInfo

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.core import Citebot
    from bot.discord.servers import IngestTurns, ServerKnowledgeBases

REFUSAL = "Sorry — only members with the Manage Server permission can list, add or remove documents."


class CommandsClient(Protocol):
    """What the commands need of the client (`bot.discord.client.CitebotClient`), named here so this module
    does not import the client that registers it."""

    citebot: Citebot
    settings: Settings
    writing: asyncio.Lock
    kbs: ServerKnowledgeBases
    ingests: IngestTurns

    async def answer_interaction(self, interaction: discord.Interaction, question: str, private: bool) -> None: ...


@app_commands.command(name="ask")
@app_commands.describe(question="What you want to know", private="Only you see the answer")
async def ask_command(interaction: discord.Interaction, question: str, private: bool = False) -> None:
    """Ask a question; the answer quotes the documents it comes from."""
    await client_of(interaction).answer_interaction(interaction, question, private)


def is_admin(interaction: discord.Interaction) -> bool:
    return interaction.guild is not None and interaction.permissions.manage_guild


async def refuse(interaction: discord.Interaction) -> None:
    await tell(interaction, REFUSAL)


def client_of(interaction: discord.Interaction) -> CommandsClient:
    return cast(CommandsClient, interaction.client)


@app_commands.command(name="sources")
@app_commands.default_permissions(manage_guild=True)
@app_commands.guild_only()
async def sources_command(interaction: discord.Interaction) -> None:
    """List this server's documents (Manage Server only)."""
    if not is_admin(interaction):
        return await refuse(interaction)
    await interaction.response.defer(thinking=True, ephemeral=True)
    client, kb = await server_kb(interaction)
    owner = await asyncio.to_thread(client.kbs.shared_from, interaction.guild_id)
    shared = f"Shared with this server by server {owner}:\n" if owner is not None else ""
    await tell(interaction, shared + listing(await asyncio.to_thread(client.citebot.documents, kb=kb)))


async def server_kb(interaction: discord.Interaction, *, writing: bool = False) -> tuple[CommandsClient, str]:
    """The client, and the knowledge base the server the command came from reads (made on first use); to
    change documents, its own, refused while it reads one another server shares."""
    client, guild = client_of(interaction), interaction.guild_id
    if writing and (owner := await asyncio.to_thread(client.kbs.shared_from, guild)) is not None:
        msg = f"This server reads the documents server {owner} shares; /unshare server:{owner} to use its own."
        raise KnowledgeBaseError(msg)
    return client, await asyncio.to_thread(client.kbs.reading, guild)


def listing(documents: list[DocumentInfo]) -> str:
    """One escaped line per document: title, file name, passages."""
    if not documents:
        return "No documents are indexed yet; add one with /ingest."
    lines = [f"• {escape(d.title)} — {escape(PurePath(d.source).name)} ({d.passages} passages)" for d in documents]
    return "\n".join(lines)


@app_commands.command(name="ingest")
@app_commands.describe(file="A .txt, .md, .html or .pdf file to add", url="Or a public web page, text or PDF to add")
@app_commands.default_permissions(manage_guild=True)
@app_commands.guild_only()
async def ingest_command(
    interaction: discord.Interaction, file: discord.Attachment | None = None, url: str | None = None
) -> None:
    """Add a file or a web page to this server's documents (Manage Server only)."""
    if not is_admin(interaction) or interaction.guild_id is None:
        return await refuse(interaction)
    if (file is None) == (url is None):
        return await tell(interaction, "Please attach a file or give a URL (one of the two).")
    client = client_of(interaction)
    if problem := client.ingests.refusal(interaction.guild_id):
        return await tell(interaction, problem)
    await interaction.response.defer(thinking=True, ephemeral=True)
    with client.ingests.turn(interaction.guild_id):
        document, result = await add(interaction, file or cast(str, url))
    said = f"{result.status.capitalize()}: {escape(document.title)} ({result.passages} passages)."
    if result.copy_of:
        said += f" It has the same text as {escape(PurePath(result.copy_of).name)}; answers cite one of them."
    await tell(interaction, said)


async def add(interaction: discord.Interaction, given: discord.Attachment | str) -> tuple[Document, AddResult]:
    """Read the file or page within the server's room, then add it to the server's knowledge base."""
    client, kb = await server_kb(interaction, writing=True)
    source, settings = ingest.source_of(given), client.settings
    listed = await asyncio.to_thread(client.citebot.documents, kb=kb)  # no other /ingest runs in this server
    ingest.check_room(listed, settings, source)  # before downloading anything
    document = await ingest.read(given, ingest.upload_limit(settings))
    ingest.check_room(listed, settings, source, len(document.text))
    async with client.writing:
        return document, await asyncio.to_thread(client.citebot.add_document, document, kb=kb)


@app_commands.command(name="forget")
@app_commands.describe(source="The document's file name, source or title, as /sources shows it")
@app_commands.default_permissions(manage_guild=True)
@app_commands.guild_only()
async def forget_command(interaction: discord.Interaction, source: str) -> None:
    """Remove a document from this server's documents (Manage Server only)."""
    if not is_admin(interaction):
        return await refuse(interaction)
    await interaction.response.defer(thinking=True, ephemeral=True)
    client, kb = await server_kb(interaction, writing=True)
    async with client.writing:
        info = await asyncio.to_thread(client.citebot.remove_document, source, kb=kb)
    await tell(interaction, f"Removed: {escape(info.title)} ({info.passages} passages).")


COMMANDS: tuple[app_commands.Command[Any, Any, None], ...] = (
    ask_command,
    sources_command,
    ingest_command,
    forget_command,
)
