"""What the bot sent to the emulated Discord: a mixin of `Emulator` for tests to read requests back."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Request:
    method: str
    path: str
    body: Any
    at: float = field(default_factory=time.monotonic)
    status: int = 0


class Reading:
    requests: list[Request]

    def sent(self, method: str = "", pattern: str = ".*") -> list[Request]:
        return [r for r in self.requests if (not method or r.method == method) and re.fullmatch(pattern, r.path)]

    def answers(self) -> list[Request]:
        """Messages the bot posted: channel messages and interaction follow-ups."""
        return self.sent("POST", r"/channels/\d+/messages|/webhooks/\d+/[^/]+")

    def replies_to(self, interaction: dict[str, Any]) -> list[Request]:
        return self.sent("POST", rf"/webhooks/\d+/{interaction['token']}")

    def posted_in(self, channel: int | str) -> list[Request]:
        """What the bot posted in one channel or thread."""
        return self.sent("POST", rf"/channels/{channel}/messages")

    def answers_in(self, channel: int | str) -> list[Request]:
        """The bot's answers in a channel: the messages that carry vote buttons."""
        return [r for r in self.posted_in(channel) if r.status == 200 and r.body.get("components")]

    async def wait_until(self, check: Callable[[], Any], timeout: float = 60.0) -> None:
        """Poll until check() is true (it may look at the bot as well as at the requests)."""
        async with asyncio.timeout(timeout):
            while not check():
                await asyncio.sleep(0.01)

    def assert_no_pings(self) -> None:
        """Every message payload the bot sent says `allowed_mentions: {"parse": []}`."""
        shown = [r for r in self.requests if carries_message(r)]
        assert shown
        for request in shown:
            message = request.body["data"] if "/callback" in request.path else request.body
            assert message.get("allowed_mentions") == {"parse": []}, (request.path, request.body)


def carries_message(request: Request) -> bool:
    """A request whose payload is a message Discord would show, and parse mentions in."""
    body = request.body
    if not isinstance(body, dict):
        return False
    if "/callback" in request.path:
        return body.get("type") in (4, 7)
    return request.method in {"POST", "PATCH"} and ("content" in body or "embeds" in body)


async def read_body(request: web.Request) -> Any:
    if not request.can_read_body:
        return None
    if request.content_type == "multipart/form-data":
        form = await request.post()
        return json.loads(str(form.get("payload_json", "null")))
    text = await request.text()
    return json.loads(text) if text else None
