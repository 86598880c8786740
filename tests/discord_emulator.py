"""A Discord emulator on 127.0.0.1: enough of REST v10 and the gateway for the real discord.py client.

It records every request the bot makes (with its JSON payload and arrival time), plays users who post
messages, edit and delete them, run slash commands and click buttons, and injects faults: 429s with
`retry_after` (with the `Via` header and the exact `Content-Type: application/json` discord.py needs to
treat them as rate limits rather than a Cloudflare ban) and gateway disconnects the client must RESUME.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests import discord_payloads as payloads
from tests.discord_payloads import BOT_ID, CHANNEL_ID, TOKEN
from tests.discord_users import Users

__all__ = ["BOT_ID", "CHANNEL_ID", "TOKEN", "Emulator", "Request"]
JSON = {"Content-Type": "application/json"}


@dataclass
class Request:
    method: str
    path: str
    body: Any
    at: float = field(default_factory=time.monotonic)
    status: int = 0


@dataclass
class Fault:
    method: str
    pattern: str
    retry_after: float
    remaining: int = 1


class Emulator(Users):
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
        self.faults.append(Fault(method, pattern, retry_after, times))

    # ---- REST ------------------------------------------------------------------------------------

    async def rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        recorded = Request(request.method, path, await read_body(request))
        self.requests.append(recorded)
        response = await self.respond(recorded)
        recorded.status = response.status
        return response

    async def respond(self, request: Request) -> web.Response:
        for fault in self.faults:
            if fault.remaining and fault.method == request.method and re.fullmatch(fault.pattern, request.path):
                fault.remaining -= 1
                limited = {
                    "message": "You are being rate limited.",
                    "retry_after": fault.retry_after,
                    "global": False,
                }
                return reply(limited, 429, {"Via": "1.1 google", "Retry-After": str(fault.retry_after)})
        for method, pattern, handler in self.routes():
            if method == request.method and (match := re.fullmatch(pattern, request.path)):
                return await handler(request.body, *match.groups())
        return reply({"message": f"Unknown route {request.method} {request.path}", "code": 0}, 404)

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
            ("DELETE", r"/webhooks/\d+/([^/]+)/messages/([^/]+)", self.empty),
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
        return reply(self.message(channel, body))

    async def edit_message(self, body: Any, channel: str, message: str) -> web.Response:
        return reply({**self.message(channel, body), "id": message, "edited_timestamp": payloads.now_iso()})

    async def create_thread(self, body: Any, channel: str, message: str) -> web.Response:
        created = payloads.thread(next(self.ids), channel, body.get("name", ""))
        self.channels[created["id"]] = created
        self.thread_of[message] = created["id"]
        await self.dispatch("THREAD_CREATE", {**created, "newly_created": True})
        return reply(created)

    async def callback(self, body: Any, interaction: str, token: str) -> web.Response:
        flags = (body.get("data") or {}).get("flags", 0)
        loading, ephemeral = body["type"] == 5, bool(flags & 64)
        kind = self.tokens[token]["type"]
        answer = {
            "id": interaction,
            "type": kind,
            "response_message_loading": loading,
            "response_message_ephemeral": ephemeral,
        }
        return reply({"interaction": answer})

    async def followup(self, body: Any, token: str) -> web.Response:
        return reply(self.message(self.tokens[token]["channel_id"], body))

    async def edit_followup(self, body: Any, token: str, message: str) -> web.Response:
        found = self.message(self.tokens[token]["channel_id"], body or {})
        return reply({**found, "id": str(self.tokens[token]["id"]) if message == "@original" else message})

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
        op, data = frame["op"], frame.get("d")
        if op == 1:
            await socket.send_str(json.dumps({"op": 11, "d": None, "s": None, "t": None}))
        elif op == 2 and self.close_code is not None:
            await socket.close(code=self.close_code)
        elif op == 2:
            self.identifies += 1
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
        event = {"op": 0, "t": name, "s": len(self.events) + 1, "d": data}
        self.events.append(event)
        if self.socket is not None and not self.socket.closed:
            await self.socket.send_str(json.dumps(event))

    async def disconnect(self, code: int = 4000) -> None:
        """Close the gateway socket the way Discord does when it wants the client to RESUME."""
        assert self.socket is not None
        await self.socket.close(code=code)

    # ---- reading what the bot sent ---------------------------------------------------------------

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


def ok(data: Any) -> Any:
    async def respond() -> web.Response:
        return reply(data)

    return respond()


def reply(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """JSON with exactly `Content-Type: application/json`; aiohttp's json_response adds a charset."""
    return web.Response(body=json.dumps(data).encode(), status=status, headers={**JSON, **(headers or {})})
