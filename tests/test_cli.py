"""The terminal: `ask --json`'s exact shape, the chat loop, and one clear line for every bad input."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli.app import cli
from index.documents import bundled_document
from index.embeddings import LocalEmbeddings

JSON_KEYS = ["question", "answer", "abstained", "citations", "latency_ms", "answerer", "confidence"]
CITATION_KEYS = ["n", "source", "title", "start", "end", "text"]


@pytest.fixture(autouse=True)
def loaded_model(monkeypatch: pytest.MonkeyPatch, embeddings: LocalEmbeddings) -> None:
    """Each command would load the model again; hand it the one the session already loaded."""
    monkeypatch.setattr("index.embeddings.LocalEmbeddings", lambda: embeddings)
    monkeypatch.setenv("COLUMNS", "250")  # rich would fold table cells in CliRunner's narrow terminal


def invoke(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=input)


def test_ask_json_has_exactly_the_promised_shape() -> None:
    result = invoke("ask", "--json", "What is Baykar?")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert list(answer) == JSON_KEYS
    assert [list(c) for c in answer["citations"]] == [CITATION_KEYS] * len(answer["citations"])
    assert answer["citations"][0]["title"] == "Putin pushes Turkey to produce drones for Russia"
    assert answer["abstained"] is False and answer["answerer"] == "extractive"


def test_ask_renders_answer_and_numbered_passages() -> None:
    result = invoke("ask", "What did Bayraktar say about Russia?")
    assert result.exit_code == 0, result.output
    assert "Haluk Bayraktar told CNN" in result.output
    assert "[1] Putin pushes Turkey to produce drones for Russia, paragraph 7" in result.output


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("", "The question is empty"),
        ("   \t ", "The question is empty"),
        ("\x00\x07", "The question is empty"),
        ("x" * 100_000, "the limit is 2,000"),
    ],
)
def test_bad_questions_get_one_clear_line(question: str, message: str) -> None:
    result = invoke("ask", question)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_control_characters_are_cleaned_not_fatal() -> None:
    result = invoke("ask", "--json", "What is\x1b[31m Baykar?\x07")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["question"] == "What is [31m Baykar?"


def index_sources() -> list[str]:
    result = invoke("index", "list")
    assert result.exit_code == 0, result.output
    return result.output.split()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "No such file"),
        (b"", "is empty"),
        (b"  \n\n ", "is empty"),
        (b"\x89PNG\x00\x01", "binary"),
        ("caf\u00e9".encode("latin-1"), "not UTF-8"),
    ],
)
def test_unusable_files_are_refused_and_nothing_is_lost(tmp_path: Path, content: bytes | None, message: str) -> None:
    invoke("ask", "What is Baykar?")  # builds the index
    path = tmp_path / "doc.txt"
    if content is not None:
        path.write_bytes(content)
    result = invoke("index", "add", str(path))
    assert result.exit_code == 1 and message.lower() in result.output.lower(), result.output
    assert invoke("ask", "--json", "What is Baykar?").exit_code == 0
    assert "putin-turkey-drones.txt" in " ".join(index_sources())


def test_add_twice_changes_nothing_and_remove_forgets(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Kestrel notes\n\nThe kestrel hovers above fields while hunting voles.\n", encoding="utf-8")
    assert "added" in invoke("index", "add", str(path)).output
    assert "unchanged" in invoke("index", "add", str(path)).output
    answer = json.loads(invoke("ask", "--json", "What does the kestrel hunt?").output)
    assert answer["citations"][0]["source"] == str(path.resolve())
    assert "removed" in invoke("index", "remove", "notes.txt").output
    assert "notes.txt" not in invoke("index", "list").output


def test_source_restricts_the_answer(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Kestrel notes\n\nThe kestrel hovers above fields while hunting voles.\n", encoding="utf-8")
    invoke("index", "add", str(path))
    result = invoke("ask", "--json", "--source", "notes.txt", "What is Baykar?")
    assert json.loads(result.output)["abstained"] is True
    assert "No document matches" in invoke("ask", "--source", "nope.txt", "What is Baykar?").output


def test_unwritable_data_directory_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    # /proc refuses new folders even to root, who ignores permission bits (CI runs as root)
    monkeypatch.setenv("CITEBOT_DATA_DIR", "/proc/citebot-data")
    result = invoke("ask", "What is Baykar?")
    assert result.exit_code == 1 and "cannot be written" in result.output, result.output
    assert "Traceback" not in result.output


def test_an_index_built_with_another_model_says_to_rebuild(monkeypatch: pytest.MonkeyPatch, embeddings) -> None:
    assert invoke("ask", "What is Baykar?").exit_code == 0
    monkeypatch.setattr(type(embeddings), "name", "another-model")
    result = invoke("ask", "What is Baykar?")
    assert result.exit_code == 1 and "citebot index rebuild" in result.output
    assert "rebuilt: 1 document\n" in invoke("index", "rebuild").output
    assert invoke("ask", "What is Baykar?").exit_code == 0


def test_chat_keeps_the_conversation_and_its_commands() -> None:
    lines = "Who is Baykar's CEO?\nWhat did he tell CNN?\n/sources\n/reset\n/help\n\n"
    result = invoke("chat", input=lines)
    assert result.exit_code == 0, result.output
    assert "We have not delivered" in result.output
    assert "putin-turkey-drones.txt" in result.output
    assert "Conversation cleared" in result.output
    assert "/help lists the commands" in result.output and "/sources         list the indexed" in result.output


def test_chat_shows_errors_and_goes_on() -> None:
    result = invoke("chat", input="x" * 3000 + "\nWhat is Baykar?\n")
    assert "the limit is 2,000" in result.output
    assert "drone manufacturer" in result.output


def test_eval_writes_one_line_per_question(tmp_path: Path) -> None:
    from tests.helpers import DEV_QA

    out = tmp_path / "results.jsonl"
    result = invoke("eval", str(DEV_QA), "--out", str(out))
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 10 and lines[0]["id"] == "dev-01"
    assert "evidence recall" in result.output


def test_config_masks_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret-0123456789abcdef")
    monkeypatch.setenv("DISCORD_TOKEN", "discord-token-0123456789")
    result = invoke("config")
    assert result.exit_code == 0
    assert "sk-secret" not in result.output and "discord-token" not in result.output
    assert "openai_api_key = ********cdef" in result.output


def test_a_bad_setting_names_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CITEBOT_LLM_TIMEOUT", "soon")
    result = invoke("config")
    assert result.exit_code == 1 and "CITEBOT_LLM_TIMEOUT='soon' is not a valid float" in result.output


def test_the_embedding_model_setting_is_honoured_or_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.config import Settings
    from bot.core import embeddings_for
    from index.embeddings import OpenAIEmbeddings

    monkeypatch.setenv("CITEBOT_EMBEDDING_MODEL", "word2vec")
    result = invoke("ask", "What is Baykar?")
    assert result.exit_code == 1 and "CITEBOT_EMBEDDING_MODEL='word2vec' is not usable" in result.output
    remote = Settings.from_env(
        {
            "CITEBOT_EMBEDDING_MODEL": "openai:text-embedding-3-small",
            "CITEBOT_EMBEDDING_DIMENSION": "1536",
            "OPENAI_BASE_URL": "http://127.0.0.1:9/v1",
        }
    )
    chosen = embeddings_for(remote)
    assert isinstance(chosen, OpenAIEmbeddings) and chosen.name == "openai:text-embedding-3-small"


def test_index_add_keeps_other_writers_out_between_its_documents(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another writer (here a second lock on the same folder, as another process would take it) is refused
    while `index add` is between two of its documents, not only while one is being written."""
    from bot.cli import index_commands
    from index.errors import IndexLocked
    from index.storage.store import write_lock

    for name in ("one", "two"):
        (tmp_path / f"{name}.txt").write_text(f"Note {name}\n\nThe {name} note.\n", encoding="utf-8")
    refused: list[bool] = []
    add_one = index_commands.add_one

    def then_try_to_write(*args: object) -> None:
        add_one(*args)  # type: ignore[arg-type]
        try:
            with write_lock(data_dir):
                refused.append(False)
        except IndexLocked:
            refused.append(True)

    monkeypatch.setattr(index_commands, "add_one", then_try_to_write)
    result = invoke("index", "add", str(tmp_path / "one.txt"), str(tmp_path / "two.txt"))
    assert result.exit_code == 0, result.output
    assert refused == [True, True]


def test_adding_a_copy_of_a_stored_text_says_so(tmp_path: Path) -> None:
    """A user who adds the bundled article from disk learns it was there already, and that answers cite one."""
    invoke("ask", "What is Baykar?")  # builds the index, with the bundled article
    path = tmp_path / "article.txt"
    path.write_text(bundled_document().text, encoding="utf-8")
    result = invoke("index", "add", str(path))
    assert result.exit_code == 0, result.output
    assert "added" in result.output and "same text as putin-turkey-drones.txt" in result.output, result.output
    assert "same text" not in invoke("index", "add", str(path)).output  # unchanged: said once
    other = tmp_path / "other.txt"
    other.write_text("Kestrels hover above fields.\n", encoding="utf-8")
    assert "same text" not in invoke("index", "add", str(other)).output
