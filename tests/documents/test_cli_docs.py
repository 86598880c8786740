"""`citebot index add` with URLs, directories and unchanged files; `index list` columns; errors as one line."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from bot.cli.app import cli
from tests.helpers import pdf_bytes


def test_index_add_urls_directories_and_unchanged(web: str, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.md").write_text("# Alpha\n\nThe alpha plant builds wings.\n", encoding="utf-8")
    (folder / "b.pdf").write_bytes(pdf_bytes(["Beta report.", "The beta line builds engines."]))
    (folder / "empty.txt").write_text("", encoding="utf-8")
    runner = CliRunner()
    first = runner.invoke(cli, ["index", "add", "--allow-private", str(folder), f"{web}/article.html"])
    assert first.exit_code == 0, first.output
    assert f"added: {web}/article.html" in first.output
    assert f"added: {folder.resolve() / 'b.pdf'}" in first.output
    assert "skipped:" in first.output and "empty.txt is empty" in first.output
    again = runner.invoke(cli, ["index", "add", "--allow-private", f"{web}/article.html"])
    assert f"unchanged: {web}/article.html (already indexed, nothing to do)" in again.output
    listing = runner.invoke(cli, ["index", "list"], env={"COLUMNS": "200"})
    for column in ("passages", "size", "added"):
        assert column in listing.output
    assert "2 pages" in listing.output


def test_index_add_bad_url_is_one_line_and_writes_nothing(web: str) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["index", "add", "--allow-private", f"{web}/missing"])
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {web}/missing answered HTTP 404 Not Found"
    listing = runner.invoke(cli, ["index", "list"], env={"COLUMNS": "200"})
    assert "missing" not in listing.output
