"""Sharing a server's knowledge base with another server: offered by an admin of the owner, accepted by an
admin of the guest, ended by either.

Once accepted, the guest's questions are answered from the owner's knowledge base, read-only: the guest's
/ingest and /forget are refused until the share ends, and its own knowledge base is kept, unused, for then.
A server reads at most one other's; shares do not chain. `bot.discord.servers.ShareStore` keeps them.
"""

from __future__ import annotations

import asyncio
from typing import Any

import discord
from discord import app_commands

from bot.discord.commands import client_of, is_admin, refuse
from bot.discord.send import tell
from bot.discord.servers import ShareStore
from index.errors import KnowledgeBaseError


def server_id(text: str, own: int) -> int:
    """Another server's id as typed by an admin (Discord's ids exceed the integer option's range)."""
    if not text.strip().isdigit() or int(text) == own:
        msg = "Please give the other server's id (Server Settings → Widget, or right-click → Copy Server ID)."
        raise KnowledgeBaseError(msg)
    return int(text)


def shares_of(interaction: discord.Interaction) -> ShareStore:
    return client_of(interaction).kbs.shares


async def admin_guild(interaction: discord.Interaction) -> int | None:
    """The caller's server id when the caller may manage it; else the refusal is told and None returned."""
    if not is_admin(interaction) or interaction.guild_id is None:
        await refuse(interaction)
        return None
    return interaction.guild_id


@app_commands.command(name="share")
@app_commands.describe(server="The id of the server to offer this server's documents to")
@app_commands.default_permissions(manage_guild=True)
@app_commands.guild_only()
async def share_command(interaction: discord.Interaction, server: str) -> None:
    """Offer this server's documents to another server, whose admins must /accept (Manage Server only)."""
    if (guild := await admin_guild(interaction)) is None:
        return
    guest = server_id(server, guild)
    await asyncio.to_thread(shares_of(interaction).offer, guild, guest)
    await tell(interaction, f"Offered. An admin of server {guest} can now run /accept server:{guild}.")


@app_commands.command(name="accept")
@app_commands.describe(server="The id of the server that offered its documents")
@app_commands.default_permissions(manage_guild=True)
@app_commands.guild_only()
async def accept_command(interaction: discord.Interaction, server: str) -> None:
    """Answer this server's questions from the documents another server offered (Manage Server only)."""
    if (guild := await admin_guild(interaction)) is None:
        return
    owner = server_id(server, guild)
    if not await asyncio.to_thread(shares_of(interaction).accept, owner, guild):
        return await tell(interaction, f"Server {owner} has not offered its documents to this server.")
    await tell(interaction, f"Accepted: questions here are answered from server {owner}'s documents.")


@app_commands.command(name="unshare")
@app_commands.describe(server="The id of the other server")
@app_commands.default_permissions(manage_guild=True)
@app_commands.guild_only()
async def unshare_command(interaction: discord.Interaction, server: str) -> None:
    """End sharing documents with another server, offered or accepted, on either side (Manage Server only)."""
    if (guild := await admin_guild(interaction)) is None:
        return
    other = server_id(server, guild)
    ended = await asyncio.to_thread(shares_of(interaction).end, guild, other)
    await tell(interaction, f"Ended sharing with server {other}." if ended else f"Nothing is shared with {other}.")


SHARING: tuple[app_commands.Command[Any, Any, None], ...] = (share_command, accept_command, unshare_command)
