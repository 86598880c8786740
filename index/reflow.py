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
# the containers old pages write prose into without a <p>, and the elements that run inside a paragraph
LOOSE_TEXT_HOLDERS = ("body", "div", "section", "article", "main", "center", "blockquote")
INLINE = frozenset(
    "a abbr b bdi bdo big br cite code data dfn em font i img kbd mark q s samp small span strike strong sub sup"
    " time tt u var wbr".split()
)
DEFINITION_BLOCKS = {"dl": "div", "dt": "p", "dd": "div"}  # a term is a paragraph of its own, like a heading
LOOSE_WORD = re.compile(r"[^\W\d_]{2,}")
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


def paragraph_loose_text(tree: Any) -> Any:
    """The parsed page with each run of text and inline elements that sits straight in a container, between its
    blocks, wrapped in a <p> (in place). Old pages write their prose into <body> and after <pre> blocks in no
    paragraph; the main-text extractor dropped such runs (most of zlib's usage example) or ran them into the
    block before. A run without a word of its own (links alone, "|") is left as it is: it is navigation.
    A definition list becomes plain blocks first: the extractor dropped its terms, and definitions in no <p>."""
    for element in tree.iter(*DEFINITION_BLOCKS):
        element.tag = DEFINITION_BLOCKS[element.tag]
    for container in list(tree.iter(*LOOSE_TEXT_HOLDERS)):
        items: list[Any] = [container.text or ""]
        for child in list(container):
            items += [child, child.tail or ""]
            child.tail = None
            container.remove(child)
        container.text = None
        run: list[Any] = []
        for item in [*items, None]:  # None ends the last run
            if item is not None and (isinstance(item, str) or not isinstance(item.tag, str) or item.tag in INLINE):
                run.append(item)
                continue
            loose = any(isinstance(part, str) and LOOSE_WORD.search(part) for part in run)
            target = container.makeelement("p", {}) if loose else container
            for part in run:
                append(target, part)
            if loose:
                container.append(target)
            if item is not None:
                container.append(item)
            run = []
    return tree


def append(parent: Any, item: Any) -> None:
    """Text or an element, added at the end of the parent's content."""
    if not isinstance(item, str):
        parent.append(item)
    elif len(parent):
        parent[-1].tail = (parent[-1].tail or "") + item
    else:
        parent.text = (parent.text or "") + item


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
