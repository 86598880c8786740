"""Paragraphs are paragraphs: hard-wrapped HTML and PDF lines joined, permalinks and front matter not titles."""

from __future__ import annotations

from pathlib import Path

from index.passages import make_passages
from index.sources import load_file
from tests.helpers import pdf_bytes

DATA = Path(__file__).resolve().parent.parent / "data"


def test_a_hard_wrapped_sphinx_page_gives_whole_paragraphs() -> None:
    document = load_file(DATA / "sphinx_argparse.html")
    assert document.title == "argparse — Parser for command-line options"
    assert "¶" not in document.text
    paragraphs = document.text.split("\n\n")
    assert "Core Functionality" in paragraphs  # a heading is a paragraph of its own, without its permalink
    first = next(p for p in paragraphs if p.startswith("The argparse module"))
    assert first.endswith("also automatically generates help and usage messages.")
    assert "\n" not in first and "  " not in first
    # a code block stays one block, its lines and indentation kept
    assert "parser = argparse.ArgumentParser(\n    prog='ProgramName',\n" in paragraphs[4]
    assert "- positional arguments are matched by their position on the command line;\n- options" in document.text
    passages = make_passages(document.source, document.sha256, document.text)
    assert first in [p.text for p in passages]
    assert len(passages) <= 10


def test_a_pdf_page_gives_whole_paragraphs(tmp_path: Path) -> None:
    page = [
        "Engines for the new drones are made in a plant near Istanbul, which",
        "opened last year and now runs all week with three shifts of workers.",
        "Exports rose sharply.",
        "The company also plans a test field for the ground stations and their",
        "software, with a second assembly line that builds the command-",
        "line tools.",
        "- one item",
        "- another item",
    ]
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf_bytes(["\n".join(page), "Second page."]))
    document = load_file(path)
    assert document.text.startswith(
        "Engines for the new drones are made in a plant near Istanbul, which opened last year and now runs all"
        " week with three shifts of workers. Exports rose sharply.\n\nThe company also plans"
    )
    assert "builds the command-line tools.\n- one item\n- another item\n\nSecond page." in document.text
    assert document.text[document.pages[1] :] == "Second page."


def test_markdown_front_matter_is_not_the_title(tmp_path: Path) -> None:
    document = load_file(DATA / "front_matter.md")
    assert document.title == "Field notes: drones"
    assert document.text == (DATA / "front_matter.md").read_text(encoding="utf-8")  # kept byte for byte
    untitled = tmp_path / "untitled.md"
    untitled.write_text("---\ndate: 2024-01-01\n---\n\n# Heading one\n\nText.\n", encoding="utf-8")
    assert load_file(untitled).title == "Heading one"


OLD_STYLE_PAGE = """<html><head><title>Kiln Manual</title></head>
<body bgcolor="#FFFFFF">
<h2>Kiln Manual</h2>
People often ask how hot the <tt>kiln</tt> should run for stoneware.
The short answer is <em>about 1,250 degrees</em>, held for twenty minutes.
<p>
Here is the firing schedule the studio uses:
<pre>
ramp 100/h to 600
ramp 150/h to 1250
</pre><!-- -->
<tt>ramp</tt> is the rise per hour.  A slower ramp keeps thick pots from cracking.
<div>Glazes go on after the first firing. <b>Never</b> glaze greenware.</div>
</body></html>
"""


def test_prose_written_straight_into_the_body_of_an_old_page_is_kept(tmp_path: Path) -> None:
    """Old pages put paragraphs straight into <body> and after code blocks, in no <p>: the main-text extractor
    dropped them, and with them most of a page such as zlib's usage example."""
    path = tmp_path / "kiln.html"
    path.write_text(OLD_STYLE_PAGE, encoding="utf-8")
    paragraphs = load_file(path).text.split("\n\n")
    assert (
        "People often ask how hot the kiln should run for stoneware. The short answer is about 1,250 degrees,"
        " held for twenty minutes." in paragraphs
    )
    assert "Here is the firing schedule the studio uses:" in paragraphs
    assert "ramp is the rise per hour. A slower ramp keeps thick pots from cracking." in paragraphs
    assert "Glazes go on after the first firing. Never glaze greenware." in paragraphs


DEFINITIONS_PAGE = """<html><head><title>System users</title></head><body>
<h1>System users</h1>
<p>Every entry below is a system user with a group of the same name.</p>
<dl>
<dt>games</dt><dd><p>Many games are setgid games so they can write their high score files.</p></dd>
<dt>postgres</dt><dd><p>Postgresql databases are owned by this user and group.</p></dd>
<dt><code>open(path)</code></dt><dd>Opens the file at path and returns a handle.</dd>
</dl>
</body></html>
"""


def test_a_definition_list_keeps_its_terms_and_bare_definitions(tmp_path: Path) -> None:
    """The extractor dropped a <dt> of plain text ("postgres") and a <dd> without a <p>: "Postgresql databases
    are owned by this user" then named no user, and open(path) lost what it does."""
    path = tmp_path / "users.html"
    path.write_text(DEFINITIONS_PAGE, encoding="utf-8")
    text = load_file(path).text
    assert "postgres\n\nPostgresql databases are owned by this user and group." in text
    assert "games\n\nMany games are setgid games" in text
    assert "open(path)\n\nOpens the file at path and returns a handle." in text
