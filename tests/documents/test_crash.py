"""Crash safety: SIGKILL in the middle of `citebot index add`, two writers at once, and a Chroma server that
is down, silent, or killed mid-write. Each ends in an index that opens, answers and holds whole documents."""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bot.cli.app import cli
from bot.core import Citebot
from index.documents import Document
from index.errors import StoreUnavailable
from index.sources import collect
from tests.helpers import ChromaServer, free_port

CITEBOT = Path(sys.executable).with_name("citebot")
# kills that land while the process is still running, per back end (CITEBOT_CRASH_KILLS=10 for a longer run)
KILLS = int(os.environ.get("CITEBOT_CRASH_KILLS", "3"))
WORDS = "drone engine factory export contract wing flight test army order price runway".split()


def write_corpus(folder: Path, count: int = 40, seed: int = 7) -> Path:
    """Small documents (the server test below splits a long one between batches)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        paragraphs = [" ".join(rng.choice(WORDS) for _ in range(12)).capitalize() + "." for _ in range(4)]
        text = f"Report {number}\n\nReport {number} covers the plant in city {number}.\n\n"
        text += "\n\n".join(paragraphs) + "\n"
        (folder / f"report{number:02d}.md").write_text(text, encoding="utf-8")
    return folder


def fresh_bot(make_bot: Callable[..., Citebot], backend: dict[str, Any]) -> Citebot:
    """A bot opened as a new process would open it (Chroma caches embedded clients per folder)."""
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient.clear_system_cache()
    return make_bot(**backend)


def check_consistent(bot: Citebot, files: dict[str, str]) -> int:
    """Whole documents only: each catalogued one has its exact text and exactly its passages visible; the
    rest have none; and a question is answered with verified citations. Returns the documents indexed."""
    store = bot.store
    visible: dict[str, int] = {}
    for passage in store.current_passages():
        visible[passage.source] = visible.get(passage.source, 0) + 1
    indexed = [info for info in store.documents() if info.source in files]
    for info in indexed:
        assert store.document(info.source).text == files[info.source]
        assert visible.get(info.source) == info.passages
    assert set(visible) <= {info.source for info in store.documents()}
    answer = bot.ask("Which plant does report 3 cover?")  # the bundled article is always there
    assert answer.text
    return len(indexed)


def run_and_kill(command: list[str], rng: random.Random, meanwhile: Callable[[], None]) -> bool:
    """Start the command; once it has committed a random number (0-4) of documents, SIGKILL it a random
    moment later, most often inside the next document's write. Calls `meanwhile` once it is writing.
    True if it was killed, False if it finished first."""
    target = rng.randint(0, 4)
    with tempfile.TemporaryFile("w+") as errors:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, text=True, bufsize=1)
        assert process.stdout
        written = 0
        for line in process.stdout:
            if line.startswith(("added:", "replaced:")):
                if written == 0:
                    meanwhile()
                written += 1
            if written > target:
                time.sleep(rng.uniform(0.0, 0.8))
                break
        if process.poll() is not None or written <= target:
            errors.seek(0)
            assert process.wait(60) == 0, errors.read()
            return False
        process.send_signal(signal.SIGKILL)
        process.wait(30)
        process.stdout.close()
        return True


@pytest.fixture
def cli_env(backend: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The environment for a `citebot` subprocess on the back end under test."""
    if backend:
        monkeypatch.setenv("CITEBOT_CHROMA_URL", backend["chroma_url"])
        monkeypatch.setenv("CITEBOT_COLLECTION", backend["collection"])
    return backend


@pytest.mark.slow
def test_sigkill_mid_add_leaves_whole_documents_and_a_rerun_finishes(
    cli_env: dict[str, Any], make_bot: Callable[..., Citebot], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # large enough that the kills land before the command finishes, even when commits come fast
    corpus = write_corpus(tmp_path / "corpus", count=max(60, KILLS * 20))
    files = {document.source: document.text for document in collect([str(corpus)]).documents}
    command = [str(CITEBOT), "index", "add", str(corpus)]
    monkeypatch.setenv("PYTHONUNBUFFERED", "1")  # each result line as it is printed: kills land where meant
    rng = random.Random(int.from_bytes(os.urandom(4), "big"))
    kills, landed, refused = 0, [], []
    (tmp_path / "late.txt").write_text("Late\n\nA late note.\n", encoding="utf-8")

    def second_writer() -> None:
        """Another `citebot index add` while the first is writing: refused, with a clear message."""
        result = CliRunner().invoke(cli, ["index", "add", str(tmp_path / "late.txt")])
        refused.append(result.exit_code == 1 and "Another citebot process is writing to" in result.output)

    for _ in range(KILLS * 2):
        if kills == KILLS or not run_and_kill(command, rng, second_writer):
            break
        kills += 1
        bot = fresh_bot(make_bot, cli_env)
        indexed = check_consistent(bot, files)
        uncommitted = sum(bot.store.passage_counts().values()) - bot.store.passage_count()
        landed.append(f"{indexed} whole documents + {uncommitted} uncommitted passages")
    finished = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr
    bot = fresh_bot(make_bot, cli_env)
    assert check_consistent(bot, files) == len(files)
    assert bot.store.passage_counts() == {info.source: info.passages for info in bot.store.documents()}
    print(f"\n{kills} kills at random points, all consistent; after each: {landed}")
    assert kills >= min(KILLS, 2), f"only {kills} kills landed before the command finished"
    assert refused and all(refused)


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["server"], indirect=True)
def test_two_writers_on_one_server_both_succeed(
    cli_env: dict[str, Any], make_bot: Callable[..., Citebot], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Separate data folders (as on two machines) share no lock; the server serialises their writes."""
    processes = []
    for name in ("one", "two"):
        env = {**os.environ, "CITEBOT_DATA_DIR": str(tmp_path / f"data-{name}")}
        corpus = write_corpus(tmp_path / f"corpus-{name}", count=6, seed=ord(name[1]))
        command = [str(CITEBOT), "index", "add", str(corpus)]
        processes.append(subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True))
    for process in processes:
        assert process.wait(300) == 0, process.stderr.read() if process.stderr else ""
    folders = [str(tmp_path / "corpus-one"), str(tmp_path / "corpus-two")]
    files = {document.source: document.text for document in collect(folders).documents}
    bot = fresh_bot(make_bot, cli_env)
    assert check_consistent(bot, files) == len(files)
    assert bot.store.passage_counts() == {info.source: info.passages for info in bot.store.documents()}


def test_server_down_is_a_clear_error_not_a_hang(make_bot: Callable[..., Citebot]) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    started = time.monotonic()
    with pytest.raises(StoreUnavailable, match=f"The index at {url} is not available"):
        make_bot(chroma_url=url)
    result = CliRunner().invoke(cli, ["index", "list"], env={"CITEBOT_CHROMA_URL": url})
    assert result.exit_code == 1 and f"The index at {url} is not available" in result.output
    assert time.monotonic() - started < 10


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A socket that accepts connections and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"


def test_a_silent_server_times_out(make_bot: Callable[..., Citebot], silent_server: str) -> None:
    started = time.monotonic()
    with pytest.raises(StoreUnavailable, match="not available: .*timed out"):
        make_bot(chroma_url=silent_server, chroma_timeout=1.0)
    assert time.monotonic() - started < 5


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[ChromaServer]:
    """A server this test may stop, freeze and kill."""
    server = ChromaServer(tmp_path / "own-server")
    server.start()
    yield server
    if server.process:
        server.process.send_signal(signal.SIGCONT)
    server.stop()


@pytest.mark.chroma_server
def test_a_server_that_freezes_mid_way_times_out(make_bot: Callable[..., Citebot], own_server: ChromaServer) -> None:
    bot = make_bot(chroma_url=own_server.url, chroma_timeout=1.0)
    assert own_server.process
    own_server.process.send_signal(signal.SIGSTOP)
    started = time.monotonic()
    with pytest.raises(StoreUnavailable, match="timed out"):
        bot.store.read_catalog()
    assert time.monotonic() - started < 5
    own_server.process.send_signal(signal.SIGCONT)
    assert bot.store.read_catalog()


@pytest.mark.chroma_server
def test_a_server_killed_mid_replace_leaves_the_old_version_whole(
    make_bot: Callable[..., Citebot], own_server: ChromaServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("index.storage.store.EMBED_BATCH", 4)  # so that a short document takes several batches
    old = Document("ledger.txt", "Ledger", "Ledger\n\n" + "\n\n".join(f"Old entry {n}." for n in range(20)))
    new = Document("ledger.txt", "Ledger", "Ledger\n\n" + "\n\n".join(f"New entry {n}." for n in range(20)))
    bot = make_bot(chroma_url=own_server.url)
    bot.store.add(old)
    with pytest.raises(StoreUnavailable, match="The index at .* is not available"):
        bot.store.add(new, progress=lambda _: own_server.stop())  # dies after the first batch of passages
    own_server.start()
    store = make_bot(chroma_url=own_server.url).store
    assert store.catalog["ledger.txt"].sha256 == old.sha256
    current = [p for p in store.current_passages() if p.source == "ledger.txt"]
    assert len(current) == store.catalog["ledger.txt"].passages
    assert {p.doc_hash for p in current} == {old.sha256}
    assert store.add(new).status == "replaced"
    assert store.passage_counts()["ledger.txt"] == store.catalog["ledger.txt"].passages


@pytest.mark.slow
def test_a_running_bot_sees_what_another_process_adds(
    cli_env: dict[str, Any], make_bot: Callable[..., Citebot], tmp_path: Path
) -> None:
    """An embedded client's vector index misses other processes' writes, so the store reopens it."""
    bot = fresh_bot(make_bot, cli_env)  # the long-running reader: `citebot discord`
    note = tmp_path / "zebra.txt"
    note.write_text("Zebra notes\n\nThe zebra factory in Konya makes striped drones.\n", encoding="utf-8")
    added = subprocess.run([str(CITEBOT), "index", "add", str(note)], capture_output=True, text=True, timeout=300)
    assert added.returncode == 0, added.stderr
    bot.store.refresh(max_age=0)  # what the next question does once the catalog is 2 seconds old
    vector = bot.store.embeddings.embed_query("Where is the zebra factory?")
    assert str(note.resolve()) in {p.source for p, _ in bot.store.dense_search(vector, 3)}
    assert bot.ask("Where is the zebra factory?").citations[0].source == str(note.resolve())
