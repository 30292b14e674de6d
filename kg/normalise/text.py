"""Clean text and items out of one raw cell of the PDF extract.

Cells carry HTML fragments (``<ul style="list-style-type: none">``, ``<p>``)
and typed bullet markers (``・``, ``- ``, ``①②…``) left over from the PDF
extraction (docs/domain.md §3). This module turns a cell into its items.

Rules, and why:

* Markup is parsed with lxml (libxml2's HTML parser, driven through a parser
  *target*, so no tree is built), never stripped with a regex: a regex cannot
  tell ``a < b`` or ``<script>`` inside text from a structural tag. The parser
  only runs when the cell holds ``<`` or ``&``; most name cells do not, and a
  plain cell then costs a couple of string operations.
* Structural tags ``ul ol li p br div`` end one item and start the next;
  ``span`` is only a word boundary (a space). Any other element, e.g.
  ``<script>alert(1)</script>`` or ``<b>``, is *text that happens to look like
  markup*: it is written back literally (tag and attributes re-serialised,
  content kept), never dropped and never interpreted. libxml2 swallows the
  document wrappers ``<html> <head> <body>`` themselves (not their content):
  those three tags are the one thing that does not survive.
* Entities are decoded (``&amp;`` → ``&``); an unknown one (``R&D``) stays.
* Bullets: ``・`` or ``- `` (hyphen *and* a space) or a circled number
  ``①``…``⑳`` at the start of the cell or after whitespace starts an item. The
  whitespace condition keeps ``AI・データ`` and ``参考書-オンライン`` whole.
  ``・``/``- `` markers are typography and are dropped from the item text; a
  circled number is a label the text may refer to (08-04 pairs ①② outputs
  with ①② outcomes), so it is kept.
* Whitespace: runs of spaces, tabs, newlines and NBSP become one space, and
  items are trimmed. The ideographic space U+3000 is kept as written (it is a
  character of the Japanese text), but it is trimmed at item ends.
* No NFKC on output text: Japanese punctuation (``（）``, ``：``, ``％``) stays
  exactly as written. :func:`match_key` is the one place NFKC is applied, and
  its result is for comparing, never for display.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Mapping

from lxml import etree

from kg.records import SplitMethod

__all__ = ["cell_items", "cell_text", "match_key"]

#: Tags that separate items (block-level structure of the extract).
_BLOCK_TAGS = frozenset({"ul", "ol", "li", "p", "br", "div"})
#: Tags that only separate words.
_SPACE_TAGS = frozenset({"span"})
#: Wrappers libxml2 adds around any fragment; they carry no text of the cell.
_WRAPPER_TAGS = frozenset({"html", "head", "body"})
#: Elements without an end tag: when kept literally, no ``</tag>`` is written.
_VOID_TAGS = frozenset(
    {"area", "base", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
)

#: A cell (or item) that means "no value".
_EMPTY_MARKS = frozenset({"", "—", "-", "－", "―"})

_BOUNDARY = "\x00"  # between items; libxml2 turns a NUL of the cell into U+FFFD
_SPACES = re.compile(r"[^\S\u3000]+")  # any whitespace run except the ideographic space
_ALL_SPACE = re.compile(r"\s+")
# A marker character: ・, -, or a circled number ①-⑳. It is a marker only at the
# start of a block or after whitespace, and "-" only when whitespace follows (see _markers).
_MARKER_CHARS = frozenset("・-" + "".join(map(chr, range(0x2460, 0x2474))))


class _Collector:
    """lxml parser target: collects text, turning markup into boundaries or literal text."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def start(self, tag: str | bytes, attrib: Mapping[str | bytes, str | bytes]) -> None:
        tag = _str(tag)
        name = tag.lower()
        if name in _BLOCK_TAGS:
            self.parts.append(_BOUNDARY)
        elif name in _SPACE_TAGS:
            self.parts.append(" ")
        elif name not in _WRAPPER_TAGS:
            self.parts.append(_literal_start(tag, {_str(k): _str(v) for k, v in attrib.items()}))

    def end(self, tag: str | bytes) -> None:
        tag = _str(tag)
        name = tag.lower()
        if name in _BLOCK_TAGS:
            self.parts.append(_BOUNDARY)
        elif name in _SPACE_TAGS:
            self.parts.append(" ")
        elif name not in _WRAPPER_TAGS and name not in _VOID_TAGS:
            self.parts.append(f"</{tag}>")

    def data(self, data: str | bytes) -> None:
        self.parts.append(_str(data).replace(_BOUNDARY, ""))

    def comment(self, text: str | bytes) -> None:
        self.parts.append(f"<!--{_str(text)}-->")

    def close(self) -> None:
        """Nothing to return: the caller reads :attr:`parts`."""


def _str(value: str | bytes) -> str:
    # lxml hands a str back for str input; the stubs also allow bytes.
    return value if isinstance(value, str) else value.decode("utf-8")


def _literal_start(tag: str, attrib: Mapping[str, str]) -> str:
    attrs = "".join(
        f" {key}='{value}'" if '"' in value else f' {key}="{value}"' for key, value in attrib.items()
    )
    return f"<{tag}{attrs}>"


_LOCAL = threading.local()


def _parser() -> tuple[_Collector, etree.HTMLParser]:
    """This thread's parser and its target.

    Making a target parser costs ~35 µs (lxml inspects the target's methods),
    three times the parse of a typical cell, so each thread keeps one. A parser
    must not be shared between threads, hence the thread-local.
    """
    pair: tuple[_Collector, etree.HTMLParser] | None = getattr(_LOCAL, "pair", None)
    if pair is None:
        collector = _Collector()
        pair = (collector, etree.HTMLParser(target=collector))
        _LOCAL.pair = pair
    return pair


def _blocks(raw: str) -> list[str]:
    """The cell's text split at structural tags, entities decoded, other markup literal."""
    if "<" not in raw and "&" not in raw:
        return [raw]
    collector, parser = _parser()
    collector.parts = []
    try:
        parser.feed(raw)
        parser.close()
    except BaseException:
        _LOCAL.pair = None  # never reuse a parser left in an unknown state
        raise
    return "".join(collector.parts).split(_BOUNDARY)


def _tidy(text: str) -> str:
    if "\u3000" not in text:
        return " ".join(text.split())  # the common case, without a regex
    return _SPACES.sub(" ", text).strip()


def _markers(block: str) -> list[int]:
    """Positions of the bullet markers in a tidied block.

    A marker starts the block or follows a space (a tidied block holds no whitespace
    but ``" "`` and U+3000), so only those places are looked at, found with
    ``str.find``: a regex with a character class at its start tests every character.
    """
    found = []
    at, end = 0, len(block)
    while at < end:
        char = block[at]
        if char in _MARKER_CHARS and (char != "-" or block[at + 1 : at + 2].isspace()):
            found.append(at)  # not "-1" or "-」": a hyphen marks an item only before a space
        space = block.find(" ", at)
        wide = block.find("\u3000", at, space if space >= 0 else end)
        at = (wide if wide >= 0 else space) + 1  # just after the next space, or 0: none is left
        if at == 0:
            break
    return found


def _split_block(block: str) -> list[tuple[str, SplitMethod | None]]:
    """Split one block at bullet markers; ``None`` marks an item no marker told apart."""
    block = _tidy(block)
    if not block:
        return []
    markers = _markers(block)
    if not markers:
        return [(block, None)]
    items: list[tuple[str, SplitMethod | None]] = []
    lead = block[: markers[0]].strip()
    if lead:
        items.append((lead, SplitMethod.BULLET if block[markers[0]] in "・-" else SplitMethod.CIRCLED))
    for i, at in enumerate(markers):
        stop = markers[i + 1] if i + 1 < len(markers) else len(block)
        mark = block[at]
        if mark in "・-":
            body = block[at + 1 : stop].strip()
            if body:
                items.append((body, SplitMethod.BULLET))
        else:  # a circled number is kept: the text may refer to it
            items.append((block[at:stop].strip(), SplitMethod.CIRCLED))
    return items


def cell_items(raw: str) -> list[tuple[str, SplitMethod]]:
    """The items of a cell, each with how it was told apart from its neighbours.

    A cell with one item gives ``WHOLE``; otherwise an item takes the marker
    that starts it (``BULLET``, ``CIRCLED``; text before the first marker takes
    that marker's method), or ``LIST_ITEM`` when only markup (``<li>``, ``<p>``,
    ``<br>``…) set it apart. Spaces are not looked at here: telling KPIs apart
    at a space is a guess that :mod:`kg.normalise.kpi` makes and reports.
    An empty cell, or one holding only ``—``/``-``/``－``, gives ``[]``.
    """
    if raw.strip() in _EMPTY_MARKS:
        return []
    found: list[tuple[str, SplitMethod | None]] = []
    for block in _blocks(raw):
        found.extend(item for item in _split_block(block) if item[0] not in _EMPTY_MARKS)
    if len(found) == 1:
        return [(found[0][0], SplitMethod.WHOLE)]
    return [(text, method or SplitMethod.LIST_ITEM) for text, method in found]


def cell_text(raw: str) -> str:
    """The cell as clean text, one item a line (for names and descriptions)."""
    return "\n".join(text for text, _ in cell_items(raw))


def match_key(text: str) -> str:
    """A key for matching only: NFKC-folded, all whitespace removed. Never display it."""
    return _ALL_SPACE.sub("", unicodedata.normalize("NFKC", text))
