"""`citebot index show`: the stored text exactly, and with --json its passages as offsets into that text."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from bot.cli import cli


def test_index_show_prints_the_stored_text_and_its_passages(tmp_path: Path) -> None:
    text = "# Notes\n\nThe TB2  flies   slowly.\nIt lands on grass.\n\n[b]not markup[/b] :smile:"
    (tmp_path / "notes.md").write_text(text, encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(cli, ["index", "add", str(tmp_path / "notes.md")]).exit_code == 0
    shown = runner.invoke(cli, ["index", "show", "notes.md"], env={"COLUMNS": "20"})
    assert shown.exit_code == 0, shown.output
    assert shown.output == text + "\n"
    data = json.loads(runner.invoke(cli, ["index", "show", "notes.md", "--json"]).output)
    assert data["source"] == str((tmp_path / "notes.md").resolve()) and data["title"] == "Notes"
    assert data["text"] == text
    assert data["passages"] and all(text[p["start"] : p["end"]] == p["text"] for p in data["passages"])
    missing = runner.invoke(cli, ["index", "show", "nope.md"])
    assert missing.exit_code == 1 and missing.output.startswith("Error:")
