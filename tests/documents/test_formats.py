"""Each format from a file the test writes, the bad inputs, and directories."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.documents import page_of
from index.errors import DocumentError
from index.passages import make_passages
from index.sources import collect, load_file
from tests.helpers import ARTICLE_HTML, SCRIPT_ONLY, pdf_bytes


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def test_text_and_markdown_are_kept_byte_for_byte(tmp_path: Path) -> None:
    text = "# Field notes\n\nThe TB2  flies   slowly.\r\n\nSecond paragraph — with “quotes”.\n"
    for name in ("notes.md", "notes.txt"):
        document = load_file(write(tmp_path / name, text))
        assert document.text == text
        assert document.title == "Field notes"
        assert document.source == str((tmp_path / name).resolve())


def test_html_keeps_the_main_text_and_its_metadata(tmp_path: Path) -> None:
    document = load_file(write(tmp_path / "article.html", ARTICLE_HTML))
    assert document.title == "Drones over Ankara"
    assert document.date == "2023-05-04"
    assert document.url == "https://example.org/drones-over-ankara"
    assert "opened a second factory near Ankara" in document.text
    for boilerplate in ("Subscribe", "Copyright", "Cookie", "Home"):
        assert boilerplate not in document.text
    paragraphs = {p.paragraph for p in make_passages(document.source, document.sha256, document.text)}
    assert len(paragraphs) >= 3  # one paragraph per block, so citations can say which


def test_pdf_text_layer_with_page_locations(tmp_path: Path) -> None:
    pages = ["Engines are made in Turkey.\nThe line runs all week.", "Exports rose sharply last year."]
    document = load_file(write(tmp_path / "report.pdf", pdf_bytes(pages, title="Annual report")))
    assert document.title == "Annual report"
    assert document.date == "2023-05-04"
    assert len(document.pages) == 2
    second = document.text.index("Exports rose")
    assert page_of(document.pages, second) == 2
    assert page_of(document.pages, document.text.index("Engines")) == 1
    assert "The line runs all week." in document.text


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "is empty"),
        ("blank.md", b"  \n\n \t\n", "is empty"),
        ("binary.txt", b"\x00\x01\x02binary", "binary"),
        ("latin1.txt", "café".encode("latin-1"), "not utf-8"),
        ("script-only.html", SCRIPT_ONLY, "no main text"),
        ("empty.html", b"", "is empty"),
        ("broken.pdf", b"%PDF-1.4\nthis is not really a pdf", "not a readable pdf"),
        ("renamed.pdf", b"just text pretending to be a pdf", "not a readable pdf"),
        ("scanned.pdf", pdf_bytes([""]), "no text layer"),
    ],
)
def test_bad_files_say_what_is_wrong(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    with pytest.raises(DocumentError, match=f"(?i){message}"):
        load_file(write(tmp_path / name, data))


def test_missing_file_and_directory_named_as_a_file(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="No such file"):
        load_file(tmp_path / "nope.txt")
    with pytest.raises(DocumentError, match="Not a regular file"):
        load_file(tmp_path)


def test_directory_adds_every_supported_file_and_skips_bad_ones(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    write(folder / "a.txt", "Alpha\n\nText.")
    write(folder / "sub" / "b.md", "# Beta\n\nMore.")
    write(folder / "c.html", ARTICLE_HTML)
    write(folder / "d.pdf", pdf_bytes(["Delta page."]))
    write(folder / "empty.txt", "")
    write(folder / "image.png", b"\x89PNG")
    write(folder / ".hidden" / "e.txt", "Hidden")
    found = collect([str(folder)])
    names = sorted(Path(d.source).name for d in found.documents)
    assert names == ["a.txt", "b.md", "c.html", "d.pdf"]
    assert [Path(path).name for path, _ in found.skipped] == ["empty.txt"]


def test_a_named_bad_file_is_an_error_not_a_skip(tmp_path: Path) -> None:
    with pytest.raises(DocumentError):
        collect([str(write(tmp_path / "empty.txt", ""))])
