"""The users of the emulated Discord: they post, edit and delete messages, run slash commands, click buttons.

A mixin of `Emulator`: each action builds the payload Discord would send and dispatches it on the gateway,
noting when, so tests can time the bot's answer from the moment the question was sent.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from tests import discord_payloads as payloads
from tests.discord_payloads import BOT_ID, CHANNEL_ID, GUILD_ID


class Users:
    ids: Iterator[int]
    port: int
    files: dict[str, bytes]
    channels: dict[str, dict[str, Any]]
    tokens: dict[str, dict[str, Any]]
    posted: dict[int, float]

    def message(self, channel: int | str, body: dict[str, Any], author: dict[str, Any] | None = None) -> dict[str, Any]:
        return payloads.message(next(self.ids), channel, body, author)

    async def dispatch(self, name: str, data: dict[str, Any]) -> None:
        raise NotImplementedError

    async def post(
        self,
        content: str,
        *,
        author: int = 1,
        channel: int | str = CHANNEL_ID,
        mention: bool = True,
        dm: bool = False,
    ) -> dict[str, Any]:
        """A user's message; `mention` prefixes an @mention of the bot."""
        text = f"<@{BOT_ID}> {content}" if mention else content
        message = self.message(channel, {"content": text}, author=payloads.user(author))
        message["mentions"] = [payloads.user(BOT_ID, bot=True)] if mention else []
        if not dm:  # in the channel's server (a thread's too)
            guild = self.channels.get(str(channel), {}).get("guild_id", str(GUILD_ID))
            message["guild_id"], message["member"] = guild, payloads.member()
        self.posted[int(message["id"])] = time.monotonic()
        await self.dispatch("MESSAGE_CREATE", message)
        return message

    async def edit(self, message: dict[str, Any], content: str) -> None:
        edited = {**message, "content": f"<@{BOT_ID}> {content}", "edited_timestamp": payloads.now_iso()}
        await self.dispatch("MESSAGE_UPDATE", edited)

    async def delete(self, message: dict[str, Any]) -> None:
        deleted = {
            "id": message["id"],
            "channel_id": message["channel_id"],
            "guild_id": message.get("guild_id"),
        }
        await self.dispatch("MESSAGE_DELETE", deleted)

    async def slash(
        self,
        name: str,
        options: dict[str, Any],
        *,
        author: int = 1,
        admin: bool = False,
        channel: int | str = CHANNEL_ID,
    ) -> dict[str, Any]:
        """A slash command; an attachment option is given as (filename, bytes), or (filename, bytes, the size
        the attachment declares) for one that lies about its size."""
        resolved: dict[str, Any] = {}
        listed = [self.option(key, value, resolved) for key, value in options.items()]
        data = {"id": str(next(self.ids)), "name": name, "type": 1, "options": listed, "resolved": resolved}
        return await self.interact(2, data, author, admin, channel)

    def option(self, name: str, value: Any, resolved: dict[str, Any]) -> dict[str, Any]:
        if isinstance(value, tuple):
            filename, content, *declared = value
            key = str(next(self.ids))  # the same file name in two servers is two attachments
            url = f"http://127.0.0.1:{self.port}/attachments/{key}/{filename}"
            self.files[key] = content
            size = declared[0] if declared else len(content)
            attachment = {"id": key, "filename": filename, "size": size, "content_type": "text/plain", "url": url}
            resolved.setdefault("attachments", {})[key] = {**attachment, "proxy_url": url}
            return {"name": name, "type": 11, "value": key}
        return {
            "name": name,
            "type": 5 if isinstance(value, bool) else 4 if isinstance(value, int) else 3,
            "value": value,
        }

    async def click(self, custom_id: str, message: dict[str, Any], *, author: int = 1) -> dict[str, Any]:
        """A button press under one of the bot's messages."""
        data = {"custom_id": custom_id, "component_type": 2}
        return await self.interact(3, data, author, False, message["channel_id"], message)

    async def interact(
        self,
        kind: int,
        data: dict[str, Any],
        author: int,
        admin: bool,
        channel: int | str,
        message: Any = None,
    ) -> dict[str, Any]:
        interaction_id = next(self.ids)
        where = self.channels.get(str(channel), payloads.text_channel(int(channel)))
        created = payloads.interaction(interaction_id, kind, data, author, admin, where)
        if message is not None:
            created["message"] = message
        self.tokens[created["token"]] = created
        self.posted[interaction_id] = time.monotonic()
        await self.dispatch("INTERACTION_CREATE", created)
        return created
