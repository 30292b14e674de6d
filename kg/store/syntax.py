"""Turn a SPARQL parser's complaint into a QueryError that names the line.

pyoxigraph reports ``error at LINE:COLUMN: ...``; the line is kept as the
first thing a reader sees. Parameter binding never adds lines (see
:mod:`kg.query.binding`), so the line is the line of the query file.
"""

from __future__ import annotations

import re

from pyoxigraph import Store

from kg.errors import QueryError

_POSITION = re.compile(r"error at (\d+):(\d+):\s*(.*)", re.DOTALL)


def syntax_error(exc: SyntaxError, source: str = "query") -> QueryError:
    message = str(exc)
    match = _POSITION.match(message)
    if match:
        line, column, detail = match.groups()
        return QueryError(f"{source}: syntax error at line {line}, column {column}: {detail.strip()}")
    return QueryError(f"{source}: syntax error: {message}")


def check_syntax(query: str, source: str = "query") -> None:
    """Raise QueryError if ``query`` is not SPARQL 1.1 (parsed, evaluated on an empty store)."""
    try:
        Store().query(query)
    except SyntaxError as exc:
        raise syntax_error(exc, source) from exc
