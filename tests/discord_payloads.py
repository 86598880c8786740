"""Discord API objects as the emulator sends them: users, messages, channels, the guild, interactions."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from typing import Any

TOKEN = "emulated.bot-token.SECRET42"
BOT_ID, APP_ID, GUILD_ID, CHANNEL_ID, OWNER_ID = 1000, 1001, 2000, 3000, 4000
NOT_ADMIN, ADMIN = str(1024 | 2048), str(1024 | 2048 | 32)  # view + send; and manage server
DISCORD_EPOCH = 1420070400000
MESSAGE_CONTENT = 1 << 15  # the privileged gateway intent


def snowflakes() -> Iterator[int]:
    """Ids that encode the current time, as Discord's do: discord.py reads interaction expiry from them."""
    for n in itertools.count():
        yield ((int(time.time() * 1000) - DISCORD_EPOCH) << 22) | (n % 4096)


def now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())


def user(n: int, bot: bool = False) -> dict[str, Any]:
    return {
        "id": str(n),
        "username": f"user{n}",
        "discriminator": "0",
        "global_name": None,
        "avatar": None,
        "bot": bot,
    }


def member(author: int | None = None, permissions: str | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {"roles": [], "joined_at": now_iso(), "deaf": False, "mute": False, "flags": 0}
    if author is not None:
        found["user"] = user(author, bot=author == BOT_ID)
    if permissions is not None:
        found["permissions"] = permissions
    return found


def message(id_: int, channel: int | str, body: dict[str, Any], author: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "id": str(id_), "channel_id": str(channel), "author": author or user(BOT_ID, bot=True),
        "content": body.get("content") or "", "timestamp": now_iso(), "edited_timestamp": None, "tts": False,
        "mention_everyone": False, "mentions": [], "mention_roles": [], "attachments": [],
        "embeds": body.get("embeds") or [], "pinned": False, "type": 0, "flags": body.get("flags", 0),
        "components": body.get("components") or [],
    }  # fmt: skip


def as_received(event: str, data: dict[str, Any], intents: int) -> dict[str, Any]:
    """The event as a client with these intents receives it.

    Without the privileged MESSAGE_CONTENT intent, a guild message from someone else that does not
    mention the bot arrives with empty content, embeds, attachments and components; DMs keep them.
    """
    if event not in ("MESSAGE_CREATE", "MESSAGE_UPDATE") or intents & MESSAGE_CONTENT or "guild_id" not in data:
        return data
    mentioned = any(u["id"] == str(BOT_ID) for u in data.get("mentions") or [])
    if mentioned or data.get("author", {}).get("id") == str(BOT_ID):
        return data
    return {**data, "content": "", "embeds": [], "attachments": [], "components": []}


def application() -> dict[str, Any]:
    return {
        "id": str(APP_ID), "name": "citebot", "description": "", "icon": None, "bot_public": False,
        "bot_require_code_grant": False, "owner": user(OWNER_ID), "verify_key": "0", "flags": 0,
    }  # fmt: skip


def text_channel(id_: int = CHANNEL_ID) -> dict[str, Any]:
    return {
        "id": str(id_), "type": 0, "guild_id": str(GUILD_ID), "name": "general", "position": 0,
        "permission_overwrites": [], "topic": None, "nsfw": False, "last_message_id": None,
        "rate_limit_per_user": 0, "parent_id": None, "flags": 0,
    }  # fmt: skip


def thread(id_: int, parent: int | str, name: str) -> dict[str, Any]:
    metadata = {
        "archived": False,
        "auto_archive_duration": 1440,
        "archive_timestamp": now_iso(),
        "locked": False,
    }
    return {
        "id": str(id_), "type": 11, "guild_id": str(GUILD_ID), "parent_id": str(parent), "name": name,
        "owner_id": str(BOT_ID), "message_count": 0, "member_count": 1, "rate_limit_per_user": 0, "flags": 0,
        "thread_metadata": metadata,
    }  # fmt: skip


def guild() -> dict[str, Any]:
    everyone = {
        "id": str(GUILD_ID), "name": "@everyone", "permissions": "3072", "position": 0, "color": 0,
        "hoist": False, "managed": False, "mentionable": False, "flags": 0,
    }  # fmt: skip
    return {
        "id": str(GUILD_ID), "name": "Emulated", "owner_id": str(OWNER_ID), "roles": [everyone],
        "channels": [text_channel()], "members": [member(BOT_ID)], "member_count": 2, "threads": [],
        "emojis": [], "stickers": [], "features": [], "large": False, "unavailable": False,
        "joined_at": now_iso(), "voice_states": [], "presences": [], "stage_instances": [],
        "guild_scheduled_events": [], "soundboard_sounds": [], "preferred_locale": "en-US", "premium_tier": 0,
    }  # fmt: skip


def ready(session_id: str, gateway_url: str) -> dict[str, Any]:
    return {
        "v": 10, "user": user(BOT_ID, bot=True), "session_id": session_id, "resume_gateway_url": gateway_url,
        "guilds": [{"id": str(GUILD_ID), "unavailable": True}], "private_channels": [],
        "application": {"id": str(APP_ID), "flags": 0},
    }  # fmt: skip


def interaction(
    id_: int, kind: int, data: dict[str, Any], author: int, admin: bool, channel: dict[str, Any]
) -> dict[str, Any]:
    return {
        "id": str(id_), "application_id": str(APP_ID), "type": kind, "data": data, "guild_id": str(GUILD_ID),
        "channel_id": channel["id"], "channel": channel,
        "member": member(author, ADMIN if admin else NOT_ADMIN),
        "token": f"interaction-token-{id_}-SECRET", "version": 1, "locale": "en-US",
        "app_permissions": "2251799813685247", "entitlements": [], "attachment_size_limit": 10**7,
        "authorizing_integration_owners": {"0": str(GUILD_ID)}, "context": 0,
    }  # fmt: skip
