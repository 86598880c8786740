"""The emulator is as strict as Discord: one test per rule, a bad payload refused and a good one accepted.

Plain HTTP (aiohttp) against the emulator, no bot: each refusal carries Discord's status and JSON error.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import pytest

from tests.discord.conftest import run
from tests.discord_emulator import CHANNEL_ID, Emulator
from tests.discord_payloads import BOT_ID, MESSAGE_CONTENT

MESSAGES = f"/channels/{CHANNEL_ID}/messages"


class Http:
    """Requests to the emulator's REST API; each answer as (status, JSON, headers)."""

    def __init__(self, session: aiohttp.ClientSession, emulator: Emulator) -> None:
        self.session, self.emulator = session, emulator

    async def __call__(self, method: str, path: str, body: Any = None) -> tuple[int, Any, Any]:
        url = f"http://127.0.0.1:{self.emulator.port}/api/v10{path}"
        async with self.session.request(method, url, json=body) as response:
            text = await response.text()
            return response.status, json.loads(text) if text else None, response.headers


@asynccontextmanager
async def emulated() -> AsyncIterator[tuple[Emulator, Http]]:
    emulator = await Emulator().start()
    try:
        async with aiohttp.ClientSession() as session:
            yield emulator, Http(session, emulator)
    finally:
        await emulator.stop()


def scenario(test: Callable[[Emulator, Http], Awaitable[None]]) -> None:
    async def go() -> None:
        async with emulated() as (emulator, http):
            await test(emulator, http)

    run(go(), timeout=30)


def form_error(answer: tuple[int, Any, Any], *path: str) -> str:
    """The error code Discord's 50035 gives at `path` in its nested `errors`."""
    status, body, _ = answer
    assert (status, body["code"], body["message"]) == (400, 50035, "Invalid Form Body"), body
    node = body["errors"]
    for key in path:
        node = node[key]
    return str(node["_errors"][0]["code"])


def embed(**parts: Any) -> dict[str, Any]:
    return {"title": "t", "description": "d", **parts}


def test_content_over_2000_characters_is_refused() -> None:
    async def test(emulator: Emulator, http: Http) -> None:
        assert form_error(await http("POST", MESSAGES, {"content": "x" * 2001}), "content") == "BASE_TYPE_MAX_LENGTH"
        assert (await http("POST", MESSAGES, {"content": "x" * 2000}))[0] == 200

    scenario(test)


def test_an_empty_message_is_refused() -> None:
    async def test(emulator: Emulator, http: Http) -> None:
        status, body, _ = await http("POST", MESSAGES, {"content": "", "embeds": []})
        assert (status, body["code"]) == (400, 50006)
        assert (await http("POST", MESSAGES, {"embeds": [embed()]}))[0] == 200

    scenario(test)


def test_more_than_10_embeds_are_refused() -> None:
    async def test(emulator: Emulator, http: Http) -> None:
        assert form_error(await http("POST", MESSAGES, {"embeds": [embed()] * 11}), "embeds") == "BASE_TYPE_MAX_LENGTH"
        assert (await http("POST", MESSAGES, {"embeds": [embed()] * 10}))[0] == 200

    scenario(test)


def test_embed_text_over_6000_in_one_message_is_refused() -> None:
    async def test(emulator: Emulator, http: Http) -> None:
        full = [{"description": "x" * 3000}, {"description": "x" * 3000}]
        over = [*full, {"title": "x"}]
        assert form_error(await http("POST", MESSAGES, {"embeds": over}), "embeds") == "MAX_EMBED_SIZE_EXCEEDED"
        assert (await http("POST", MESSAGES, {"embeds": full}))[0] == 200

    scenario(test)


@pytest.mark.parametrize(
    ("path", "limit"),
    [
        (("title",), 256),
        (("description",), 4096),
        (("footer", "text"), 2048),
        (("author", "name"), 256),
        (("fields", "0", "name"), 256),
        (("fields", "0", "value"), 1024),
    ],
)
def test_oversize_embed_parts_are_refused(path: tuple[str, ...], limit: int) -> None:
    def built(length: int) -> dict[str, Any]:
        part: Any = "x" * length
        for key in reversed(path):
            part = [{"name": "n", "value": "v", **part}] if key == "0" else {key: part}
        return {**embed(), **part}

    async def test(emulator: Emulator, http: Http) -> None:
        refused = await http("POST", MESSAGES, {"embeds": [built(limit + 1)]})
        assert form_error(refused, "embeds", "0", *path) == "BASE_TYPE_MAX_LENGTH"
        assert (await http("PATCH", f"{MESSAGES}/1", {"embeds": [built(limit + 1)]}))[0] == 400  # edits too
        assert (await http("POST", MESSAGES, {"embeds": [built(limit)]}))[0] == 200

    scenario(test)


def test_more_than_25_fields_are_refused() -> None:
    async def test(emulator: Emulator, http: Http) -> None:
        fields = [{"name": "n", "value": "v"}] * 26
        refused = await http("POST", MESSAGES, {"embeds": [embed(fields=fields)]})
        assert form_error(refused, "embeds", "0", "fields") == "BASE_TYPE_MAX_LENGTH"
        assert (await http("POST", MESSAGES, {"embeds": [embed(fields=fields[:25])]}))[0] == 200

    scenario(test)


def button(custom_id: str = "b") -> dict[str, Any]:
    return {"type": 2, "style": 2, "label": "b", "custom_id": custom_id}


def row(*buttons: dict[str, Any]) -> dict[str, Any]:
    return {"type": 1, "components": list(buttons)}


def test_more_than_5_action_rows_are_refused() -> None:
    async def test(emulator: Emulator, http: Http) -> None:
        refused = await http("POST", MESSAGES, {"content": "x", "components": [row(button())] * 6})
        assert form_error(refused, "components") == "BASE_TYPE_MAX_LENGTH"
        assert (await http("POST", MESSAGES, {"content": "x", "components": [row(button())] * 5}))[0] == 200

    scenario(test)


def test_more_than_5_components_in_a_row_are_refused() -> None:
    async def test(emulator: Emulator, http: Http) -> None:
        refused = await http("POST", MESSAGES, {"content": "x", "components": [row(*[button()] * 6)]})
        assert form_error(refused, "components", "0", "components") == "BASE_TYPE_MAX_LENGTH"
        assert (await http("POST", MESSAGES, {"content": "x", "components": [row(*[button()] * 5)]}))[0] == 200

    scenario(test)


def test_custom_id_over_100_characters_is_refused() -> None:
    async def test(emulator: Emulator, http: Http) -> None:
        refused = await http("POST", MESSAGES, {"content": "x", "components": [row(button("x" * 101))]})
        assert form_error(refused, "components", "0", "components", "0", "custom_id") == "BASE_TYPE_MAX_LENGTH"
        assert (await http("POST", MESSAGES, {"content": "x", "components": [row(button("x" * 100))]}))[0] == 200

    scenario(test)


def test_thread_names_must_be_1_to_100_characters() -> None:
    async def test(emulator: Emulator, http: Http) -> None:
        for n, name in enumerate(["", "x" * 101]):
            refused = await http("POST", f"{MESSAGES}/{n + 1}/threads", {"name": name})
            assert form_error(refused, "name") == "BASE_TYPE_BAD_LENGTH"
        assert (await http("POST", f"{MESSAGES}/3/threads", {"name": "x" * 100}))[0] == 200

    scenario(test)


def test_a_second_thread_on_one_message_is_refused() -> None:
    async def test(emulator: Emulator, http: Http) -> None:
        assert (await http("POST", f"{MESSAGES}/7/threads", {"name": "first"}))[0] == 200
        status, body, _ = await http("POST", f"{MESSAGES}/7/threads", {"name": "second"})
        assert (status, body["code"]) == (400, 160004)
        assert len(emulator.thread_of) == 1

    scenario(test)


async def ask(emulator: Emulator) -> tuple[str, str]:
    """A dispatched /ask: the callback and follow-up paths for its token."""
    created = await emulator.slash("ask", {"question": "q"})
    token = created["token"]
    return f"/interactions/{created['id']}/{token}/callback", f"/webhooks/1001/{token}"


def test_a_second_acknowledgement_is_refused() -> None:
    async def test(emulator: Emulator, http: Http) -> None:
        callback, _ = await ask(emulator)
        assert (await http("POST", callback, {"type": 5}))[0] == 200
        status, body, _ = await http("POST", callback, {"type": 4, "data": {"content": "again"}})
        assert (status, body["code"]) == (400, 40060)

    scenario(test)


def test_a_followup_before_any_acknowledgement_is_refused() -> None:
    async def test(emulator: Emulator, http: Http) -> None:
        callback, webhook = await ask(emulator)
        status, body, _ = await http("POST", webhook, {"content": "too early"})
        assert (status, body["code"]) == (404, 10015)
        assert (await http("PATCH", f"{webhook}/messages/@original", {"content": "early"}))[0] == 404
        assert (await http("POST", callback, {"type": 5}))[0] == 200
        assert (await http("POST", webhook, {"content": "now"}))[0] == 200

    scenario(test)


def test_an_initial_response_after_the_deadline_is_an_unknown_interaction() -> None:
    async def test(emulator: Emulator, http: Http) -> None:
        emulator.ack_deadline = 0.2
        late, _ = await ask(emulator)
        in_time, _ = await ask(emulator)
        assert (await http("POST", in_time, {"type": 5}))[0] == 200
        await asyncio.sleep(0.3)
        status, body, _ = await http("POST", late, {"type": 5})
        assert (status, body["code"], body["message"]) == (404, 10062, "Unknown interaction")

    scenario(test)


def test_an_unknown_interaction_token_is_a_404() -> None:
    async def test(emulator: Emulator, http: Http) -> None:
        callback, webhook = await ask(emulator)
        status, body, _ = await http("POST", callback.replace("-SECRET", "-WRONG"), {"type": 5})
        assert (status, body["code"]) == (404, 10062)
        status, body, _ = await http("POST", webhook.replace("-SECRET", "-WRONG"), {"content": "x"})
        assert (status, body["code"]) == (404, 10015)
        assert (await http("POST", callback, {"type": 5}))[0] == 200

    scenario(test)


def test_routes_have_rate_limit_buckets_that_run_out() -> None:
    async def test(emulator: Emulator, http: Http) -> None:
        emulator.limits.configure("POST", r"/channels/\d+/messages", limit=2, per=0.5)
        first = await http("POST", MESSAGES, {"content": "1"})
        assert first[2]["X-RateLimit-Limit"] == "2" and first[2]["X-RateLimit-Remaining"] == "1"
        assert float(first[2]["X-RateLimit-Reset"]) > time.time() and float(first[2]["X-RateLimit-Reset-After"]) <= 0.5
        assert (await http("POST", MESSAGES, {"content": "2"}))[2]["X-RateLimit-Remaining"] == "0"
        status, body, headers = await http("POST", MESSAGES, {"content": "3"})
        assert status == 429 and 0 < body["retry_after"] <= 0.5 and body["global"] is False
        assert headers["X-RateLimit-Bucket"] == first[2]["X-RateLimit-Bucket"] and headers["Via"]
        assert (await http("POST", "/channels/99/messages", {"content": "other channel"}))[0] == 200
        assert (await http("GET", "/users/@me"))[2]["X-RateLimit-Limit"] == "1000"  # generous elsewhere
        await asyncio.sleep(body["retry_after"])
        assert (await http("POST", MESSAGES, {"content": "4"}))[0] == 200

    scenario(test)


async def received(emulator: Emulator, intents: int, post: Callable[[], Awaitable[Any]]) -> dict[str, Any]:
    """The MESSAGE_CREATE a gateway client that identified with `intents` receives for `post()`."""
    async with aiohttp.ClientSession() as session, session.ws_connect(emulator.gateway_url) as socket:
        await socket.receive_json()  # HELLO
        await socket.send_json({"op": 2, "d": {"token": "t", "intents": intents, "properties": {}}})
        while (await socket.receive_json(timeout=5))["t"] != "READY":
            pass
        await post()
        while (event := await socket.receive_json(timeout=5))["t"] != "MESSAGE_CREATE":
            pass
        return dict(event["d"])


def test_without_message_content_intent_unmentioned_guild_messages_arrive_empty() -> None:
    async def test(emulator: Emulator, http: Http) -> None:
        plain = MESSAGE_CONTENT - 1  # every intent below it (guilds, guild messages...), not message content

        async def content(intents: int, **where: Any) -> str:
            event = await received(emulator, intents, lambda: emulator.post("hello", **where))
            return str(event["content"])

        assert await content(plain, mention=False) == ""
        assert await content(plain) == f"<@{BOT_ID}> hello"
        assert await content(plain, mention=False, dm=True) == "hello"
        assert await content(plain | MESSAGE_CONTENT, mention=False) == "hello"

    scenario(test)
