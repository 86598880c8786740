"""What the tests share, in one place: the data files, free ports, a PDF writer, the Chroma server they start,
checks of an LLM answer. Fixtures stay in the conftest files; they import these. The llama.cpp server and the
planted instructions are evaluation tools in bot/evaluation (llama.py, injection.py), which benchmarks use too."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.answering.answer import Answer
from bot.answering.citations import verify
from bot.core import Citebot
from bot.evaluation.llama import free_port
from index.documents import Document

# the small files the tests need, copied into the repository: a clone has nothing beside it
DATA = Path(__file__).resolve().parent / "data"
DEV_QA = DATA / "dev_qa.jsonl"
ATTACKS = DATA / "bipia_text_attack_test.json"  # BIPIA planted instructions, for bot.evaluation.injection


CHROMA = Path(sys.executable).with_name("chroma")


def bot_over(make_bot: Callable[..., Citebot], name: str, text: str) -> tuple[Citebot, frozenset[str]]:
    """A bot holding one document, and the scope that asks only that document."""
    bot = make_bot()
    bot.add_document(Document(name, name.split(".")[0].capitalize(), text))
    return bot, frozenset({name})


def dev_questions() -> list[dict[str, Any]]:
    return [json.loads(line) for line in DEV_QA.read_text(encoding="utf-8").splitlines() if line.strip()]


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """An HTTP server on a free loopback port answering with `handler`: its base URL while the block runs."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def run(scenario: Coroutine[Any, Any, None], timeout: float = 120) -> None:
    """Run one async scenario to completion (the suite has no asyncio plugin)."""
    asyncio.run(asyncio.wait_for(scenario, timeout))


def pdf_bytes(pages: list[str], title: str | None = None) -> bytes:
    """A minimal, valid PDF with one line of Helvetica text per line of each page."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", ""]
    kids = []
    for text in pages:
        lines = [pdf_escape(line) for line in text.split("\n")]
        body = "BT /F1 11 Tf 14 TL 72 760 Td " + " ".join(f"({line}) Tj T*" for line in lines) + " ET"
        objects.append(f"<< /Length {len(body.encode('latin-1'))} >>\nstream\n{body}\nendstream")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {len(objects)} 0 R "
            "/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>"
        )
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    info = ""
    if title:
        objects.append(f"<< /Title ({title}) /CreationDate (D:20230504100000Z) >>")
        info = f" /Info {len(objects)} 0 R"
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R{info} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def pdf_escape(line: str) -> str:
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


SCRIPT_ONLY = b"<html><head><script>var x = 1;</script></head><body></body></html>"
ARTICLE_HTML = """<!doctype html><html><head><title>Drones over Ankara | The Daily</title>
<meta property="og:title" content="Drones over Ankara">
<meta property="article:published_time" content="2023-05-04T10:00:00Z">
<link rel="canonical" href="https://example.org/drones-over-ankara"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a> Subscribe to our newsletter today!</nav>
<article><h1>Drones over Ankara</h1>
<p>Baykar, the Turkish drone manufacturer, opened a second factory near Ankara in May, the company said.</p>
<p>The new plant will build the Akinci, a heavier drone that can fly for more than a day without landing.</p>
<p>Exports now make up most of the company's revenue, according to its chief executive.</p></article>
<footer>Copyright 2024 The Daily. All rights reserved. Cookie settings. Privacy policy.</footer>
</body></html>"""


class ChromaServer:
    """A `chroma run` process on 127.0.0.1 that tests may stop and start again on the same port."""

    def __init__(self, path: Path) -> None:
        self.path, self.port = path, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [str(CHROMA), "run", "--path", str(self.path), "--host", "127.0.0.1"]
        command += ["--port", str(self.port)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{self.url}/api/v2/heartbeat", timeout=1).raise_for_status()
                return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.stop()
        pytest.fail("chroma run did not start within 60 s")

    def stop(self) -> None:
        if self.process:
            self.process.kill()
            self.process.wait(10)
            self.process = None


def assert_checked(bot: Citebot, answer: Answer) -> None:
    """The LLM answered, every marker names a citation, every citation is an exact stored span."""
    assert answer.answerer == "llm" and answer.notice is None
    assert {int(n) for n in re.findall(r"\[(\d+)\]", answer.text)} == {c.n for c in answer.citations}
    assert answer.abstained == (not answer.citations)
    for citation in answer.citations:
        verify(citation, bot.store.document(citation.source))


def model_calls(bot: Citebot, question: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Answer, list[list[str]]]:
    """The bot's answer to the question, asked with nothing in its answerer's memory, and the batches of texts
    the model embedded meanwhile (the query's among them: embed_query goes through embed_documents)."""
    from bot.answering.extractive import ExtractiveAnswerer

    answerer = bot.answerer
    assert isinstance(answerer, ExtractiveAnswerer)
    answerer.vectors.known.clear()
    calls: list[list[str]] = []
    embed_documents = answerer.embeddings.embed_documents

    def recorded(texts: list[str]) -> list[list[float]]:
        calls.append(list(texts))
        return embed_documents(texts)

    with monkeypatch.context() as patch:
        patch.setattr(answerer.embeddings, "embed_documents", recorded)
        answer = bot.ask(question)
    return answer, calls
