"""Paragraphs as paragraphs: joining the lines that HTML sources and PDF layouts wrap by hand.

A citation quotes the stored text, so a paragraph stored as sixty-character lines is cited in pieces that end
mid-sentence. These functions shape extracted text before it is stored; the stored text is then never altered.
"""

from __future__ import annotations

import re
from typing import Any

# a run of spaces holding a line break; non-breaking spaces are kept, they are content
WRAP = re.compile(r"[ \t\r\f]*\n[ \t\r\n\f]*")
# the elements whose line breaks are content (browsers keep them too)
PREFORMATTED = ("pre", "textarea")
# the permalinks after headings and definitions: Sphinx's and MkDocs' "¶", the "#" of Node.js and others
PERMALINKS = (
    "//a[contains(concat(' ', normalize-space(@class), ' '), ' headerlink ') or normalize-space(.) = '¶'"
    " or (normalize-space(.) = '#' and starts-with(@href, '#'))]"
)
# a PDF line that opens a list item: a bullet, or a number followed by . or )
LIST_ITEM = re.compile(r"\s*(?:[-*+•◦▪‣–]|\(?\d{1,3}[.)]|\(?[a-z][.)])\s")
# a line shorter than this share of the page's longest line ends its paragraph (or is a heading)
SHORT_LINE = 0.7
FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL)
TITLE_FIELD = re.compile(r"^title:[ \t]*(.+?)[ \t]*$", re.MULTILINE)


def unwrap_html(tree: Any) -> Any:
    """The parsed page with permalinks removed and source line breaks made spaces, outside <pre> (in place)."""
    for anchor in tree.xpath(PERMALINKS):
        anchor.drop_tree()
    kept = {element for block in tree.iter(*PREFORMATTED) for element in block.iter()}
    for element in tree.iter():
        if element.text and element not in kept and isinstance(element.tag, str):
            element.text = WRAP.sub(" ", element.text)
        if element.tail and element.getparent() not in kept:
            element.tail = WRAP.sub(" ", element.tail)
    return tree


def body_paragraphs(body: Any) -> str:
    """trafilatura's extracted body as text, one paragraph per block: a heading, a paragraph, a whole list,
    a whole code block or a whole table; lines inside a list, code block or table stay lines."""
    from trafilatura.xml import xmltotxt

    blocks = [body.text or ""] + [xmltotxt(block, include_formatting=False) for block in body]
    return "\n\n".join(block.strip("\n") for block in blocks if block.strip())


def reflow_pdf_page(text: str) -> str:
    """A page's lines joined into paragraphs: a line break inside a paragraph becomes a space, a short line
    ends its paragraph (or is a heading), list items keep their own lines, blank lines stay."""
    lines = text.split("\n")
    full = max((len(line) for line in lines), default=0)
    out = lines[0] if lines else ""
    for before, line in zip(lines, lines[1:], strict=False):
        out += line_join(before, line, full) + line
    return out


def line_join(before: str, line: str, full: int) -> str:
    """What goes between two lines of a PDF page."""
    if not before.strip() or not line.strip() or LIST_ITEM.match(line):
        return "\n"
    if len(before) < SHORT_LINE * full:
        return "\n\n"
    # "command-" + "line": the hyphen is kept, so a compound word stays whole
    return "" if re.search(r"\w-$", before) else " "


def front_matter(text: str) -> tuple[str | None, int]:
    """The `title:` of a `---` YAML block at the top of a Markdown file, and where the text after the block
    starts (0 when there is no such block)."""
    match = FRONT_MATTER.match(text)
    if not match:
        return None, 0
    field = TITLE_FIELD.search(match.group(1))
    title = field.group(1).strip("'\"").strip() if field else None
    return title or None, match.end()
