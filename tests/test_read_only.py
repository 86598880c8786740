"""A data folder citebot may not write: an index in it is still read; writing is refused in one line.

The commands run in a child process that cannot write the read-only folder. Root writes anywhere, so as
root the child drops the capabilities that let it ignore file modes (with `setpriv`)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
NO_OVERRIDE = "-dac_override,-dac_read_search,-fowner"
UNPRIVILEGED = ["setpriv", f"--inh-caps={NO_OVERRIDE}", f"--bounding-set={NO_OVERRIDE}"] if os.geteuid() == 0 else []


def citebot(data_dir: Path, *args: str, stdin: str = "", privileged: bool = False) -> subprocess.CompletedProcess[str]:
    """`citebot ARGS` in a child process, unable to write read-only files unless `privileged`."""
    env = {**os.environ, "CITEBOT_DATA_DIR": str(data_dir), "PYTHONPATH": str(REPO), "COLUMNS": "250"}
    command = [sys.executable, "-c", "from bot.cli import main; main()", *args]
    prefix = [] if privileged else UNPRIVILEGED
    return subprocess.run(prefix + command, input=stdin, env=env, capture_output=True, text=True, timeout=240)


def set_writable(folder: Path, writable: bool) -> None:
    for path in (folder, *folder.rglob("*")):
        mode = path.stat().st_mode
        path.chmod(mode | 0o200 if writable else mode & ~0o222)


@pytest.fixture
def read_only_index(data_dir: Path, tmp_path: Path) -> Iterator[Path]:
    """An index with plant.txt in it, then `chmod -R a-w`; made writable again afterwards, for clean-up."""
    (tmp_path / "plant.txt").write_text("Plant\n\nThe engine plant is in Ankara.\n", encoding="utf-8")
    added = citebot(data_dir, "index", "add", str(tmp_path / "plant.txt"), privileged=True)
    assert added.returncode == 0, added.stderr
    set_writable(data_dir, False)
    yield data_dir
    set_writable(data_dir, True)


def one_line_error(result: subprocess.CompletedProcess[str], message: str) -> None:
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stderr.strip().count("\n") == 0 and message in result.stderr, result.stderr


def test_a_read_only_index_can_be_read(read_only_index: Path) -> None:
    listed = citebot(read_only_index, "index", "list")
    assert listed.returncode == 0 and "plant.txt" in listed.stdout, listed.stderr
    checked = citebot(read_only_index, "index", "check")
    assert checked.returncode == 0 and "consistent" in checked.stdout, checked.stdout + checked.stderr
    asked = citebot(read_only_index, "ask", "--json", "Where is the engine plant?")
    assert asked.returncode == 0 and "Ankara" in asked.stdout, asked.stderr
    chat = citebot(read_only_index, "chat", stdin="Where is the engine plant?\n")
    assert chat.returncode == 0 and "Ankara" in chat.stdout and chat.stderr == "", chat.stderr


def test_writing_to_a_read_only_or_missing_folder_is_one_clear_line(read_only_index: Path, tmp_path: Path) -> None:
    added = citebot(read_only_index, "index", "add", str(tmp_path / "plant.txt"))
    one_line_error(added, "cannot be written")
    missing = citebot(read_only_index / "missing", "index", "list")
    one_line_error(missing, f"The folder {read_only_index / 'missing'}")
