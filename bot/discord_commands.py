"""The slash commands: /ask for everyone; /sources, /ingest and /forget for the Manage Server permission.

The admin permission is checked here, in code, on every call (`default_permissions` only hides the commands
in Discord's menu, and a server can change that); everyone else gets a polite refusal.
"""

from __future__ import annotations

import asyncio
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, cast

import discord
from discord import app_commands

from bot.discord_render import escape
from bot.discord_send import tell
from index.documents import MAX_DOCUMENT_BYTES, Document, decode, guess_title
from index.records import AddResult, DocumentInfo
from index.store import write_lock

if TYPE_CHECKING:
    from bot.core import Citebot
    from bot.discord_bot import CitebotClient

REFUSAL = "Sorry — only members with the Manage Server permission can list, add or remove documents."
SUFFIXES = frozenset({".txt", ".md", ".markdown", ".html", ".htm"})


@app_commands.command(name="ask")
@app_commands.describe(question="What you want to know", private="Only you see the answer")
async def ask_command(interaction: discord.Interaction, question: str, private: bool = False) -> None:
    """Ask a question; the answer quotes the documents it comes from."""
    await client_of(interaction).answer_interaction(interaction, question, private)


def is_admin(interaction: discord.Interaction) -> bool:
    return interaction.guild is not None and interaction.permissions.manage_guild


async def refuse(interaction: discord.Interaction) -> None:
    await tell(interaction, REFUSAL)


def client_of(interaction: discord.Interaction) -> CitebotClient:
    return cast("CitebotClient", interaction.client)


@app_commands.command(name="sources")
@app_commands.default_permissions(manage_guild=True)
@app_commands.guild_only()
async def sources_command(interaction: discord.Interaction) -> None:
    """List the indexed documents (Manage Server only)."""
    if not is_admin(interaction):
        return await refuse(interaction)
    await tell(interaction, listing(client_of(interaction).citebot.store.documents()))


def listing(documents: list[DocumentInfo]) -> str:
    """One escaped line per document: title, file name, passages."""
    if not documents:
        return "No documents are indexed yet; add one with /ingest."
    lines = [f"• {escape(d.title)} — {escape(PurePath(d.source).name)} ({d.passages} passages)" for d in documents]
    return "\n".join(lines)


@app_commands.command(name="ingest")
@app_commands.describe(file="A .txt, .md or .html file to add to the documents")
@app_commands.default_permissions(manage_guild=True)
@app_commands.guild_only()
async def ingest_command(interaction: discord.Interaction, file: discord.Attachment) -> None:
    """Add an attached .txt, .md or .html file to the documents (Manage Server only)."""
    if not is_admin(interaction):
        return await refuse(interaction)
    problem = attachment_problem(file)
    if problem:
        return await tell(interaction, problem)
    await interaction.response.defer(thinking=True, ephemeral=True)
    client = client_of(interaction)
    document = to_document(await file.read(), file.filename)
    async with client.writing:
        result = await asyncio.to_thread(add_document, client.citebot, document)
    await tell(interaction, f"{result.status.capitalize()}: {escape(document.title)} ({result.passages} passages).")


def attachment_problem(file: discord.Attachment) -> str | None:
    if PurePath(file.filename).suffix.lower() not in SUFFIXES:
        return "Please attach a .txt, .md or .html file."
    if file.size > MAX_DOCUMENT_BYTES:
        return f"That file is {file.size:,} bytes; the limit is {MAX_DOCUMENT_BYTES:,}."
    return None


def to_document(data: bytes, filename: str) -> Document:
    """An uploaded file as a Document named `discord/<file name>`, so /forget finds it by file name."""
    source, stem = f"discord/{filename}", PurePath(filename).stem
    if PurePath(filename).suffix.lower() in {".html", ".htm"}:
        from index.documents import from_html

        return from_html(data, source, stem)
    text = decode(data, filename)
    return Document(source, guess_title(text, stem), text)


def add_document(citebot: Citebot, document: Document) -> AddResult:
    """Blocking: embed and store, holding the index's write lock (one writer per folder)."""
    with write_lock(citebot.settings.data_dir):
        return citebot.store.add(document)


@app_commands.command(name="forget")
@app_commands.describe(source="The document's file name, source or title, as /sources shows it")
@app_commands.default_permissions(manage_guild=True)
@app_commands.guild_only()
async def forget_command(interaction: discord.Interaction, source: str) -> None:
    """Remove a document from the index (Manage Server only)."""
    if not is_admin(interaction):
        return await refuse(interaction)
    await interaction.response.defer(thinking=True, ephemeral=True)
    client = client_of(interaction)
    async with client.writing:
        info = await asyncio.to_thread(remove_document, client.citebot, source)
    await tell(interaction, f"Removed: {escape(info.title)} ({info.passages} passages).")


def remove_document(citebot: Citebot, name: str) -> DocumentInfo:
    with write_lock(citebot.settings.data_dir):
        return citebot.store.remove(citebot.find_source(name))


COMMANDS: tuple[app_commands.Command[Any, Any, None], ...] = (
    ask_command,
    sources_command,
    ingest_command,
    forget_command,
)
