"""A SPARQL lexer just good enough to find the WHERE group and the comments.

It knows what can hide a brace or a ``#``: strings (all four quote forms),
IRIs and comments. That is all that binding parameters and blanking
comments need; the query is parsed for real by pyoxigraph.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kg.errors import QueryError

_TOKEN = re.compile(
    r"""
      (?P<comment>\#[^\n]*)
    | (?P<long>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\")
    | (?P<short>'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<punct>[{}()])
    | (?P<word>[^\s{}()<>"'\#,;]+)
    | (?P<other>\S)
    """,
    re.VERBOSE | re.DOTALL,
)
_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}


def _tokens(query: str) -> Iterator[tuple[str, int, str]]:
    for m in _TOKEN.finditer(query):
        kind = m.lastgroup or "other"
        if kind != "comment":
            yield kind, m.start(), m.group()


def where_group(query: str) -> int:
    """Offset of the ``{`` that opens the query's WHERE clause."""
    form: str | None = None
    saw_where = skip_template = False
    braces = parens = 0
    for kind, pos, text in _tokens(query):
        if kind == "word" and braces == 0 and parens == 0:
            upper = text.upper()
            if form is None and upper in _FORMS:
                form = upper
                skip_template = upper == "CONSTRUCT"
            elif upper == "WHERE":
                saw_where = True
        elif kind == "punct":
            if text == "(":
                parens += 1
            elif text == ")":
                parens -= 1
            elif text == "{":
                if braces == 0 and parens == 0 and form is not None:
                    if skip_template and not saw_where:
                        skip_template = False  # CONSTRUCT's template, not the pattern
                    else:
                        return pos
                braces += 1
            else:
                braces -= 1
    raise QueryError("cannot bind parameters: the query has no WHERE group")


def blank_comments(query: str) -> str:
    """``query`` with every comment replaced by spaces: same lines and columns, no comment text.

    Some clients guess the query form from the text and are fooled by words in
    comments (SPARQLWrapper takes "added" in a comment for an ADD update).
    """
    out = list(query)
    for m in _TOKEN.finditer(query):
        if m.lastgroup == "comment":
            out[m.start() : m.end()] = " " * (m.end() - m.start())
    return "".join(out)
