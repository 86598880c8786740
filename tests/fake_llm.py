"""A small misbehaving OpenAI-compatible server on 127.0.0.1, for the LLM answerer's failure paths.

The request's `model` picks the behaviour, so a test chooses a fault through `Settings.llm_model`:

    reply:<text>    streams <text> in small chunks and finishes properly
    slow            accepts the request and never answers
    drip            streams a word every 0.2 s and never finishes
    ratelimit       429 with Retry-After: 1
    ratelimit-long  429 with Retry-After: 120
    error           500 with a JSON error body
    truncated       streams two chunks, then closes without a finish_reason or [DONE]
    cut             declares a Content-Length, sends part of the body, closes
    badjson         a stream whose event is not JSON
    html            200 with an HTML page instead of a stream
    empty           a proper stream with no content
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def chunk(text: str | None, finish: str | None = None) -> bytes:
    delta = {"content": text} if text is not None else {}
    body = {
        "id": "fake",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "fake",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(body)}\n\n".encode()


class Handler(BaseHTTPRequestHandler):
    server: FakeServer

    def log_message(self, *_: Any) -> None:  # keep pytest's output clean
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        self.server.requests.append(body)
        model = str(body.get("model", ""))
        name, _, text = model.partition(":")
        getattr(self, f"fault_{name.replace('-', '_')}", self.fault_unknown)(text)

    def start_stream(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()

    def send_json(self, status: int, payload: object, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def fault_reply(self, text: str) -> None:
        self.start_stream()
        for start in range(0, len(text), 7):
            self.wfile.write(chunk(text[start : start + 7]))
        self.wfile.write(chunk(None, "stop") + b"data: [DONE]\n\n")

    def fault_empty(self, _: str) -> None:
        self.fault_reply("")

    def fault_slow(self, _: str) -> None:
        self.server.release.wait(60)

    def fault_drip(self, _: str) -> None:
        self.start_stream()
        while not self.server.release.is_set():
            try:
                self.wfile.write(chunk("word "))
                self.wfile.flush()
            except OSError:
                return
            time.sleep(0.2)

    def fault_ratelimit(self, _: str) -> None:
        self.send_json(429, {"error": {"message": "slow down", "type": "rate_limit"}}, {"Retry-After": "1"})

    def fault_ratelimit_long(self, _: str) -> None:
        self.send_json(429, {"error": {"message": "slow down", "type": "rate_limit"}}, {"Retry-After": "120"})

    def fault_error(self, _: str) -> None:
        self.send_json(500, {"error": {"message": "internal error", "type": "server_error"}})

    def fault_truncated(self, _: str) -> None:
        self.start_stream()
        self.wfile.write(chunk("Baykar is a drone ") + chunk("manufacturer"))

    def fault_cut(self, _: str) -> None:
        data = chunk("Baykar is a drone manufacturer [1].")
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Content-Length", str(len(data) + 500))
        self.end_headers()
        self.wfile.write(data)

    def fault_badjson(self, _: str) -> None:
        self.start_stream()
        self.wfile.write(b"data: {this is not json\n\n")

    def fault_html(self, _: str) -> None:
        page = b"<html><body>502 Bad Gateway</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)

    def fault_unknown(self, _: str) -> None:
        self.send_json(404, {"error": {"message": "unknown fault"}})


class FakeServer(ThreadingHTTPServer):
    """Serves the faults above in threads; `requests` records every request body."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.requests: list[dict[str, Any]] = []
        self.release = threading.Event()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"

    def __enter__(self) -> FakeServer:
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *_: object) -> None:
        self.release.set()
        self.shutdown()
        self.server_close()
