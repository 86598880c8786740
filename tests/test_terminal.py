"""What the terminal shows: nothing from a document acts on the terminal, the chat's commands, clear
messages, progress before the slow work, and a cold start without torch._dynamo."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from rich.progress import Progress

from bot.answer import abstention, asked_speaker
from bot.cli import cli
from bot.printable import for_terminal
from index.embeddings import LocalEmbeddings

ESCAPES = "\033]2;TITLE\033\\ \033[2J\033[31mHACKED"
HOSTILE = f"The falcon nests on cliffs above the sea {ESCAPES} near Dover.\n"


@pytest.fixture(autouse=True)
def loaded_model(monkeypatch: pytest.MonkeyPatch, embeddings: LocalEmbeddings) -> None:
    """Each command would load the model again; hand it the one the session already loaded."""
    monkeypatch.setattr("index.embeddings.LocalEmbeddings", lambda: embeddings)
    monkeypatch.setenv("COLUMNS", "250")


def invoke(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=input)


def add(path: Path, text: str) -> Result:
    path.write_text(text, encoding="utf-8")
    result = invoke("index", "add", str(path))
    assert result.exit_code == 0, result.output
    return result


def test_for_terminal_strips_controls_and_bidi_and_escapes_markup() -> None:
    assert for_terminal("a\x1b[2Jb\x9bc\td\ne\u202ef\u2066g") == "a[2Jbc\td\nefg"
    assert for_terminal("[/oops] x") == "\\[/oops] x"
    assert for_terminal("[/oops] x", markup=False) == "[/oops] x"
    assert for_terminal("Off\u200bicial\nnotice", label=True, markup=False) == "Official notice"
    assert for_terminal("می\u200cخواهم", markup=False) == "می\u200cخواهم"  # running text keeps its joiners


def test_markup_in_titles_is_shown_as_written(tmp_path: Path) -> None:
    add(tmp_path / "oops.txt", "[/oops] Closing tag title\n\nThe heron waits in shallow water.\n")
    add(tmp_path / "link.txt", "[link=https://example.com]Official notice[/link]\n\nThe owl hunts at night.\n")
    listed = invoke("index", "list")
    assert listed.exit_code == 0, listed.output
    assert "[/oops] Closing tag title" in listed.output
    assert "[link=https://example.com]Official notice[/link]" in listed.output
    chat = invoke("chat", input="/sources\nWhat does the owl hunt?\n")
    assert chat.exit_code == 0, chat.output
    assert "[/oops] Closing tag title" in chat.output and "Official notice[/link]" in chat.output


def test_escape_sequences_in_a_cited_document_never_reach_the_terminal(tmp_path: Path) -> None:
    add(tmp_path / "hostile\u202e.txt", f"Falcon {ESCAPES}\n\n{HOSTILE}")
    question = ["--source", "hostile\u202e.txt", "Where does the falcon nest?"]
    shown = invoke("ask", *question)
    assert shown.exit_code == 0, shown.output
    assert "cliffs above the sea" in shown.output and "HACKED" in shown.output
    assert "\033" not in shown.output and "\u202e" not in shown.output
    answer = json.loads(invoke("ask", "--json", *question).output)
    assert ESCAPES in answer["citations"][0]["text"]  # the JSON stays exact


def test_chat_commands_that_leave() -> None:
    for word in ("exit", "quit", "/quit", "/exit"):
        result = invoke("chat", input=f"{word}\nWhat is Baykar?\n")
        assert result.exit_code == 0, result.output
        assert "drone manufacturer" not in result.output, word


def test_chat_help_lists_the_commands() -> None:
    result = invoke("chat", input="/help\n")
    help_text = result.output.split("you> ", 1)[1]
    for command in ("/sources", "/reset", "/help", "/quit", "Ctrl-D"):
        assert command in help_text


def test_abstentions_read_well() -> None:
    assert asked_speaker("How do I add a document?") is None
    assert asked_speaker("What did Haluk Bayraktar tell CNN?") == "Haluk Bayraktar"
    assert abstention("What is the top speed?", "The documents").text.startswith("The documents don't say")
    assert abstention("What is the top speed?", "The article").text.startswith("The article doesn't say")


def test_documents_sharing_a_name_say_how_to_pick_one(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        add(tmp_path / folder / "README.md", f"# Notes {folder}\n\nThe wren sings loudly.\n")
    result = invoke("ask", "--source", "README.md", "What does the wren do?")
    assert result.exit_code == 1
    assert "2 documents are called 'README.md'" in result.output, result.output
    assert str((tmp_path / "a" / "README.md").resolve()) in result.output


def test_messages_name_a_path_once_and_count_in_words(tmp_path: Path) -> None:
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\x00\x01")
    (tmp_path / "notes.txt").write_text("The kestrel hovers.\n", encoding="utf-8")
    result = invoke("index", "add", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert result.stderr.count(str(tmp_path / "image.txt")) == 1, result.stderr
    assert "(1 passage)" in result.stdout
    assert "(1 passage)" in invoke("index", "remove", "notes.txt").output


def test_config_shows_the_dimension_of_the_configured_model(monkeypatch: pytest.MonkeyPatch) -> None:
    assert "embedding_dimension = 384" in invoke("config").output


def test_piped_index_list_keeps_long_sources_whole(tmp_path: Path) -> None:
    folder = tmp_path.joinpath(*["long-folder-name"] * 16)  # longer than the 250 columns set above
    folder.mkdir(parents=True)
    add(folder / "notes.txt", "Kestrel\n\nThe kestrel hovers.\n")
    assert str((folder / "notes.txt").resolve()) in invoke("index", "list").output


def test_dotenv_is_read_and_the_environment_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("CITEBOT_LLM_MODEL=from-file\nCITEBOT_LLM_TIMEOUT=7\n", encoding="utf-8")
    monkeypatch.setenv("CITEBOT_LLM_TIMEOUT", "9")
    shown = invoke("config").output
    assert "llm_model = from-file" in shown and "llm_timeout = 9.0" in shown


def test_progress_shows_before_files_are_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    events: list[str] = []
    start = Progress.start
    monkeypatch.setattr(Progress, "start", lambda self: (events.append("progress"), start(self))[1])
    import index.documents

    read = index.documents.read_bytes
    monkeypatch.setattr(index.documents, "read_bytes", lambda path: (events.append("read"), read(path))[1])
    (tmp_path / "notes.txt").write_text("Kestrel\n\nThe kestrel hovers.\n", encoding="utf-8")
    assert invoke("index", "add", str(tmp_path)).exit_code == 0
    assert events[:2] == ["progress", "read"]
    events.clear()
    result = invoke("index", "rebuild")
    assert result.exit_code == 0 and "rebuilt: 2 documents" in result.output, result.output
    assert events[:1] == ["progress"]


def test_loading_the_model_does_not_import_torch_dynamo() -> None:
    code = (
        "import sys; from index.embeddings import LocalEmbeddings; LocalEmbeddings().embed_query('hi');"
        "print('torch._dynamo' in sys.modules)"
    )
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
