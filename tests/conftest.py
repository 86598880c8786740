"""Fixtures shared by every test: a private data directory, one loaded embedding model, a bot on it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.core import Citebot, build
from index.embeddings import LocalEmbeddings


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own index folder, and nothing reads the user's real settings."""
    folder = tmp_path / "citebot-data"
    monkeypatch.setenv("CITEBOT_DATA_DIR", str(folder))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "DISCORD_TOKEN", "CITEBOT_CHROMA_URL"):
        monkeypatch.delenv(name, raising=False)
    return folder


@pytest.fixture(scope="session")
def embeddings() -> LocalEmbeddings:
    """The real offline model, loaded once per test session."""
    return LocalEmbeddings()


@pytest.fixture
def settings(data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir)


@pytest.fixture
def make_bot(embeddings: LocalEmbeddings, data_dir: Path) -> Callable[..., Citebot]:
    """Build a bot on the test's data directory; keyword arguments override settings."""

    def make(**overrides: Any) -> Citebot:
        return build(Settings(data_dir=data_dir, **overrides), embeddings)

    return make


@pytest.fixture
def bot(make_bot: Callable[..., Citebot]) -> Citebot:
    """A bot over the bundled article, offline, extractive."""
    return make_bot()
