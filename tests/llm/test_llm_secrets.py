"""An OpenAI-compatible server that echoes the Authorization header in its 401 body: the key never reaches the
user's notice, the answer or the log, through the real openai client."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

from bot.core import Citebot
from index.redact import redact
from tests.helpers import serving

KEY = "custom-key-0123456789"  # not shaped like sk-...: only knowing the configured key can hide it


class EchoAuth(BaseHTTPRequestHandler):
    """401 with the request's Authorization header in the error message, as some proxies do."""

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        message = f"Invalid key: {self.headers['Authorization']}"
        body = json.dumps({"error": {"message": message, "type": "invalid_request_error"}}).encode()
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def echo_auth() -> Iterator[str]:
    with serving(EchoAuth) as url:
        yield f"{url}/v1"


@pytest.mark.parametrize("key", [KEY, "sk-proj-abcdefghijklmnop"])
def test_a_key_echoed_by_the_server_is_never_shown(
    make_bot: Callable[..., Citebot], echo_auth: str, caplog: pytest.LogCaptureFixture, key: str
) -> None:
    caplog.set_level(logging.DEBUG)
    bot = make_bot(openai_base_url=echo_auth, openai_api_key=key, llm_model="any", llm_timeout=5, answer_budget=10)
    answer = bot.ask("What is Baykar?")
    assert answer.notice == "The language model returned an error (HTTP 401); this is the offline answer."
    assert "LLM answer failed (AuthenticationError: Error code: 401" in caplog.text
    assert "Invalid key: Bearer [redacted]" in caplog.text
    assert key not in caplog.text and key not in json.dumps(answer.__dict__, default=str)


def test_redact_hides_the_configured_key_and_anything_like_a_token() -> None:
    text = "key custom-key-0123456789, header Bearer abc.def, authorization: bearer xyz and sk-live-1234567890"
    assert redact(text, KEY, None) == (
        "key [redacted], header Bearer [redacted], authorization: bearer [redacted] and [redacted]"
    )


def test_redact_hides_discord_tokens_and_api_keys_in_one_pass() -> None:
    text = "POST /api/v10/interactions/123/aW50ZXJhY3Rpb24.tok/callback with Bearer sk-abcdefgh"
    assert redact(text) == "POST /api/v10/interactions/123/[redacted]/callback with Bearer [redacted]"
