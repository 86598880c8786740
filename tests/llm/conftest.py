"""Real OpenAI-compatible servers on 127.0.0.1: llama.cpp serving SmolLM2-135M, and a misbehaving fake."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from bot.core import Citebot
from bot.evaluation.llama import llama_server
from tests.fake_llm import FakeServer


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
