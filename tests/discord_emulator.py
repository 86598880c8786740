"""A Discord emulator on 127.0.0.1: enough of REST v10 and the gateway for the real discord.py client.

It records every request the bot makes (with its JSON payload and arrival time), plays users who post
messages, edit and delete them, run slash commands and click buttons, and is as strict as Discord: what
Discord refuses it refuses with Discord's status and error body (tests/discord_rules.py), every route has
a rate-limit bucket, and message events honour the intents the client identified with. It also injects
faults: 429s, reset connections, slow answers, and gateway disconnects the client must RESUME.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import WSMsgType, web

from tests import discord_payloads as payloads
from tests import discord_rules as rules
from tests.discord_payloads import BOT_ID, CHANNEL_ID, TOKEN
from tests.discord_reading import Reading, Request, carries_message, read_body
from tests.discord_rules import Refused
from tests.discord_users import Users

__all__ = ["BOT_ID", "CHANNEL_ID", "TOKEN", "Emulator", "Request", "carries_message", "read_body"]
JSON = {"Content-Type": "application/json"}


@dataclass
class Fault:
    """The next `remaining` matching requests get a 429 (`retry_after`), a reset connection or a delay."""

    method: str
    pattern: str
    kind: str  # "429", "drop" or "stall"
    seconds: float = 0.0
    remaining: int = 1

    def takes(self, kind: str, request: Request) -> bool:
        hit = self.remaining > 0 and self.kind == kind and self.method == request.method
        if hit and re.fullmatch(self.pattern, request.path):
            self.remaining -= 1
            return True
        return False


class Emulator(Users, Reading):
    """Start with `await Emulator().start(port)`; point discord.py at `base_url` and `gateway_url`."""

    def __init__(self) -> None:
        self.ids = payloads.snowflakes()
        self.requests: list[Request] = []
        self.faults: list[Fault] = []
        self.events: list[dict[str, Any]] = []  # this session's dispatches, replayed on RESUME
        self.socket: web.WebSocketResponse | None = None
        self.session_id = ""
        self.identifies = self.resumes = 0
        self.reject_token = False
        self.close_code: int | None = None  # close every new gateway connection with this code
        self.files: dict[str, bytes] = {}
        self.channels: dict[str, dict[str, Any]] = {str(CHANNEL_ID): payloads.text_channel()}
        self.thread_of: dict[str, str] = {}  # message id -> the thread opened from it
        self.tokens: dict[str, dict[str, Any]] = {}  # interaction token -> interaction
        self.posted: dict[int, float] = {}  # message or interaction id -> when it was dispatched
        self.acknowledged: set[str] = set()  # interaction tokens with an initial response
        self.ack_deadline = rules.ACK_DEADLINE
        self.limits = rules.RateLimits()
        self.intents = 0  # what the client asked for in IDENTIFY
        self.runner: web.AppRunner | None = None
        self.port = 0

    async def start(self, port: int = 0) -> Emulator:
        app = web.Application()
        app.router.add_get("/gateway", self.gateway)
        app.router.add_get("/attachments/{name}", self.attachment)
        app.router.add_route("*", "/api/v10/{tail:.*}", self.rest)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", port).start()
        self.port = self.runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        if self.socket is not None:
            await self.socket.close()
        if self.runner is not None:
            await self.runner.cleanup()

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    def rate_limit(self, method: str, pattern: str, retry_after: float, times: int = 1) -> None:
        """Answer the next `times` matching requests with a per-route 429."""
        self.faults.append(Fault(method, pattern, "429", retry_after, times))

    def drop(self, method: str, pattern: str, times: int = 1) -> None:
        """Reset the connection of the next `times` matching requests, answering nothing."""
        self.faults.append(Fault(method, pattern, "drop", 0.0, times))

    def stall(self, method: str, pattern: str, seconds: float, times: int = 1) -> None:
        """Answer the next `times` matching requests only after `seconds`."""
        self.faults.append(Fault(method, pattern, "stall", seconds, times))

    # ---- REST ------------------------------------------------------------------------------------

    async def rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        recorded = Request(request.method, path, await read_body(request))
        self.requests.append(recorded)
        if any(fault.takes("drop", recorded) for fault in self.faults) and request.transport is not None:
            request.transport.abort()  # the bot sees its connection reset, with no answer
            return web.Response(status=204)
        response = await self.respond(recorded)
        recorded.status = response.status
        return response

    async def respond(self, request: Request) -> web.Response:
        """The route's answer, or Discord's refusal (a 429 fault, an empty bucket, a broken rule)."""
        for fault in self.faults:
            if fault.takes("stall", request):
                await asyncio.sleep(fault.seconds)
        try:
            if (limited := next((f for f in self.faults if f.takes("429", request)), None)) is not None:
                raise rules.limited(limited.seconds)
            return await self.route(request)
        except Refused as refused:
            return reply(refused.body, refused.status, getattr(refused, "headers", None))

    async def route(self, request: Request) -> web.Response:
        for method, pattern, handler in self.routes():
            if method == request.method and (match := re.fullmatch(pattern, request.path)):
                major = match.group(1) if match.groups() else ""
                limit = self.limits.take(method, request.path, pattern, major)
                response: web.Response = await handler(request.body, *match.groups())
                response.headers.update(limit)
                return response
        return reply({"message": "404: Not Found", "code": 0}, 404)

    def routes(self) -> list[tuple[str, str, Callable[..., Any]]]:
        return [
            ("GET", r"/users/@me", self.me),
            ("GET", r"/oauth2/applications/@me", lambda body: ok(payloads.application())),
            ("GET", r"/gateway(?:/bot)?", self.gateway_info),
            ("PUT", r"/applications/\d+(?:/guilds/\d+)?/commands", self.commands),
            ("POST", r"/channels/(\d+)/typing", self.empty),
            ("POST", r"/channels/(\d+)/messages", self.create_message),
            ("PATCH", r"/channels/(\d+)/messages/(\d+)", self.edit_message),
            ("POST", r"/channels/(\d+)/messages/(\d+)/threads", self.create_thread),
            ("POST", r"/interactions/(\d+)/([^/]+)/callback", self.callback),
            ("POST", r"/webhooks/\d+/([^/]+)", self.followup),
            ("PATCH", r"/webhooks/\d+/([^/]+)/messages/([^/]+)", self.edit_followup),
            ("GET", r"/webhooks/\d+/([^/]+)/messages/([^/]+)", self.edit_followup),
            ("DELETE", r"/webhooks/\d+/([^/]+)/messages/([^/]+)", self.delete_followup),
        ]

    async def me(self, body: Any) -> web.Response:
        if self.reject_token:
            return reply({"message": "401: Unauthorized", "code": 0}, 401)
        return reply(payloads.user(BOT_ID, bot=True))

    async def gateway_info(self, body: Any) -> web.Response:
        limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        return reply({"url": self.gateway_url, "shards": 1, "session_start_limit": limit})

    async def commands(self, body: Any) -> web.Response:
        return reply([{**c, "id": str(next(self.ids)), "application_id": "1001", "version": "1"} for c in body])

    async def empty(self, body: Any, *ids: str) -> web.Response:
        return web.Response(status=204)

    async def create_message(self, body: Any, channel: str) -> web.Response:
        rules.check_message(body, new=True)
        return reply(self.message(channel, body))

    async def edit_message(self, body: Any, channel: str, message: str) -> web.Response:
        rules.check_message(body, new=False)
        return reply({**self.message(channel, body), "id": message, "edited_timestamp": payloads.now_iso()})

    async def create_thread(self, body: Any, channel: str, message: str) -> web.Response:
        rules.check_thread_name(body)
        if message in self.thread_of:
            raise Refused(*rules.THREAD_EXISTS)
        created = payloads.thread(next(self.ids), channel, body["name"])
        self.channels[created["id"]] = created
        self.thread_of[message] = created["id"]
        await self.dispatch("THREAD_CREATE", {**created, "newly_created": True})
        return reply(created)

    async def callback(self, body: Any, interaction: str, token: str) -> web.Response:
        """The initial response: once, within `ack_deadline` seconds of the interaction."""
        found = self.tokens.get(token)
        if found is None or found["id"] != interaction:
            raise Refused(*rules.UNKNOWN_INTERACTION)
        if token in self.acknowledged:
            raise Refused(*rules.ALREADY_ACKNOWLEDGED)
        if time.monotonic() - self.posted[int(interaction)] > self.ack_deadline:
            raise Refused(*rules.UNKNOWN_INTERACTION)
        if body["type"] in (4, 7):  # a message, new or the one the button is under
            rules.check_message(body.get("data"), new=body["type"] == 4)
        self.acknowledged.add(token)
        flags = (body.get("data") or {}).get("flags", 0)
        loading, ephemeral = body["type"] == 5, bool(flags & 64)
        answer = {
            "id": interaction,
            "type": found["type"],
            "response_message_loading": loading,
            "response_message_ephemeral": ephemeral,
        }
        return reply({"interaction": answer})

    def webhook(self, token: str) -> dict[str, Any]:
        """The interaction behind a follow-up token; its webhook exists only once it is acknowledged."""
        if token not in self.acknowledged:
            raise Refused(*rules.UNKNOWN_WEBHOOK)
        return self.tokens[token]

    async def followup(self, body: Any, token: str) -> web.Response:
        interaction = self.webhook(token)
        rules.check_message(body, new=True)
        return reply(self.message(interaction["channel_id"], body))

    async def edit_followup(self, body: Any, token: str, message: str) -> web.Response:
        interaction = self.webhook(token)
        rules.check_message(body, new=False)
        found = self.message(interaction["channel_id"], body or {})
        return reply({**found, "id": str(interaction["id"]) if message == "@original" else message})

    async def delete_followup(self, body: Any, token: str, message: str) -> web.Response:
        self.webhook(token)
        return web.Response(status=204)

    async def attachment(self, request: web.Request) -> web.Response:
        return web.Response(body=self.files[request.match_info["name"]])

    # ---- gateway ---------------------------------------------------------------------------------

    async def gateway(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self.socket = socket
        await socket.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 41250}, "s": None, "t": None}))
        async for frame in socket:
            if frame.type is WSMsgType.TEXT:
                await self.on_frame(socket, json.loads(frame.data))
        if self.socket is socket:
            self.socket = None
        return socket

    async def on_frame(self, socket: web.WebSocketResponse, frame: dict[str, Any]) -> None:
        op, data = frame["op"], frame.get("d") or {}  # a heartbeat carries a number or null, not used
        if op == 1:
            await socket.send_str(json.dumps({"op": 11, "d": None, "s": None, "t": None}))
        elif op == 2 and self.close_code is not None:
            await socket.close(code=self.close_code)
        elif op == 2:
            self.identifies += 1
            self.intents = int(data["intents"])
            self.session_id, self.events = f"session-{next(self.ids)}", []
            await self.dispatch("READY", payloads.ready(self.session_id, self.gateway_url))
            await self.dispatch("GUILD_CREATE", payloads.guild())
        elif op == 6 and data["session_id"] == self.session_id:
            self.resumes += 1
            for event in [e for e in self.events if e["s"] > (data["seq"] or 0)]:
                await socket.send_str(json.dumps(event))
            await self.dispatch("RESUMED", {})
        elif op == 6:
            await socket.send_str(json.dumps({"op": 9, "d": False, "s": None, "t": None}))

    async def dispatch(self, name: str, data: dict[str, Any]) -> None:
        """Send an event; while the socket is down it waits in the session's log for a RESUME."""
        event = {"op": 0, "t": name, "s": len(self.events) + 1, "d": payloads.as_received(name, data, self.intents)}
        self.events.append(event)
        if self.socket is not None and not self.socket.closed:
            await self.socket.send_str(json.dumps(event))

    async def disconnect(self, code: int = 4000) -> None:
        """Close the gateway socket the way Discord does when it wants the client to RESUME."""
        assert self.socket is not None
        await self.socket.close(code=code)


def ok(data: Any) -> Any:
    async def respond() -> web.Response:
        return reply(data)

    return respond()


def reply(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """JSON with exactly `Content-Type: application/json`; aiohttp's json_response adds a charset."""
    return web.Response(body=json.dumps(data).encode(), status=status, headers={**JSON, **(headers or {})})
