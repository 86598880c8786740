"""One frozen Settings, read once from the environment by Settings.from_env and passed down."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from index.errors import SettingsError

SECRET_FIELDS = frozenset({"openai_api_key", "discord_token"})


@dataclass(frozen=True)
class Settings:
    """Everything citebot can be configured with; the defaults work offline with no key."""

    data_dir: Path
    chroma_url: str | None = None
    chroma_timeout: float = 10.0
    collection: str = "citebot"
    kb: str = "default"  # the knowledge base the CLI reads and writes unless --kb names another
    embedding_model: str = "all-MiniLM-L6-v2"
    embedding_dimension: int = 1536  # of an openai:MODEL; the bundled model's is fixed
    openai_api_key: str | None = None
    openai_base_url: str | None = None
    llm_model: str = "gpt-4o-mini"
    llm_timeout: float = 30.0
    llm_temperature: float = 0.0
    llm_max_tokens: int = 400
    llm_passages: int = 6  # passages numbered in the prompt, at most
    llm_prompt_chars: int = 4000  # and at most this much passage text (fits a 2,048-token context)
    llm_retries: int = 1  # after a refused connection, 429 or 5xx, within answer_budget
    answer_budget: float = 90.0
    max_question_chars: int = 2000
    discord_token: str | None = None
    discord_dms: bool = True
    discord_mode: str = "mention"
    discord_channels: tuple[int, ...] = ()
    discord_guild: int | None = None
    discord_message_content: bool = True
    conversation_ttl: float = 3600.0
    user_cooldown: float = 5.0
    max_in_flight: int = 4
    discord_max_documents: int = 100  # per server (Discord guild), its knowledge base's documents
    discord_max_bytes: int = 50_000_000  # per server: the text of its documents, and of any one upload
    discord_ingest_cooldown: float = 30.0  # seconds between two /ingest in one server
    min_confidence: float | None = None  # the extractive answerer's abstention threshold; None: the trained one

    @property
    def llm_configured(self) -> bool:
        return bool(self.openai_base_url or self.openai_api_key)

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        """Read CITEBOT_* (and the usual OPENAI_*/DISCORD_* names), validating each value."""
        values: dict[str, object] = {"data_dir": default_data_dir(environ)}
        for field in dataclasses.fields(cls):
            raw = environ.get(env_name(field.name))
            if raw is not None and raw.strip() != "" and field.name != "data_dir":
                values[field.name] = parse(field.name, str(field.type), raw.strip())
        return cls(**values)  # type: ignore[arg-type]

    @property
    def model_dimension(self) -> int:
        """The vector size of the configured embedding model: the bundled MiniLM's, or the one set for OpenAI."""
        from index.minilm import HIDDEN

        return self.embedding_dimension if self.embedding_model.startswith("openai:") else HIDDEN

    def shown(self) -> dict[str, str]:
        """The effective settings as text, secrets masked."""
        values = {field.name: getattr(self, field.name) for field in dataclasses.fields(self)}
        values["embedding_dimension"] = self.model_dimension
        return {name: mask(value) if name in SECRET_FIELDS else str(value) for name, value in values.items()}


def env_name(field_name: str) -> str:
    """OPENAI_API_KEY, OPENAI_BASE_URL and DISCORD_TOKEN keep their usual names; the rest are CITEBOT_*."""
    if field_name in {"openai_api_key", "openai_base_url", "discord_token"}:
        return field_name.upper()
    return f"CITEBOT_{field_name.upper()}"


def default_data_dir(environ: Mapping[str, str]) -> Path:
    """CITEBOT_DATA_DIR, else $XDG_DATA_HOME/citebot, else ~/.local/share/citebot."""
    if environ.get("CITEBOT_DATA_DIR"):
        return Path(environ["CITEBOT_DATA_DIR"]).expanduser()
    base = environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base).expanduser() / "citebot"


def parse(name: str, kind: str, raw: str) -> object:
    """Turn one environment value into the field's type, or say which variable is wrong."""
    try:
        if kind.startswith("float"):
            return float(raw)
        if kind.startswith("int"):
            return int(raw)
        if kind == "bool":
            return parse_bool(raw)
        if kind.startswith("tuple"):
            return tuple(int(part) for part in raw.replace(",", " ").split())
    except ValueError:
        msg = f"{env_name(name)}={raw!r} is not a valid {kind.split(' ')[0]}"
        raise SettingsError(msg) from None
    return raw


def parse_bool(raw: str) -> bool:
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ValueError(raw)


def mask(value: object) -> str:
    """Show that a secret is set without showing it."""
    if not value:
        return "(not set)"
    text = str(value)
    return f"{'*' * 8}{text[-4:]}" if len(text) > 12 else "*" * 8
