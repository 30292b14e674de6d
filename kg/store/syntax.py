"""Turn a SPARQL parser's complaint into a QueryError that names the line.

pyoxigraph decides whether a query is valid, but the position it reports is
where its parser gave up, often the end of the query. rdflib's parser points
at the clause that failed, so on an error the text is parsed again with
rdflib just to find the place; pyoxigraph's message is kept as the reason.
Parameter binding never adds lines (see :mod:`kg.query.binding`), so the line
is the line of the query file.
"""

from __future__ import annotations

import re

from pyoxigraph import Store

from kg.errors import QueryError

_POSITION = re.compile(r"error at (\d+):(\d+):\s*(.*)", re.DOTALL)


def syntax_error(exc: SyntaxError, source: str = "query", query: str | None = None) -> QueryError:
    """A QueryError for pyoxigraph's ``exc``, placed by rdflib when ``query`` is given."""
    message = str(exc)
    match = _POSITION.match(message)
    reason = f"pyoxigraph: {match.group(3).strip()}" if match else message
    place = _rdflib_place(query) if query is not None else None
    if place is None:
        if match is None:
            return QueryError(f"{source}: syntax error: {message}")
        place = (f"line {match.group(1)}, column {match.group(2)}", None)
    where, note = place
    return QueryError(f"{source}: syntax error at {where}: {note or reason}")


def _rdflib_place(query: str) -> tuple[str, str | None] | None:
    """Where rdflib's parser fails (line, column, the line's text), and a better reason if it knows one."""
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql import prepareQuery

    try:
        prepareQuery(query)
    except ParseBaseException as exc:
        return f"line {exc.lineno}, column {exc.col} ({exc.line.strip()[:60]!r})", None
    except Exception as exc:  # rdflib's algebra raises plain Exceptions, e.g. for unknown prefixes
        prefix = re.match(r"Unknown namespace prefix : (\S+)", str(exc))
        if prefix:
            return _prefix_place(query, prefix.group(1)), f"prefix {prefix.group(1)}: is not declared"
    return None


def _prefix_place(query: str, prefix: str) -> str:
    for lineno, line in enumerate(query.splitlines(), 1):
        col = line.find(f"{prefix}:")
        if col >= 0 and not line.lstrip().startswith("#"):
            return f"line {lineno}, column {col + 1}"
    return "an unknown place"


def check_syntax(query: str, source: str = "query") -> None:
    """Raise QueryError if ``query`` is not SPARQL 1.1 (parsed, evaluated on an empty store)."""
    try:
        Store().query(query)
    except SyntaxError as exc:
        raise syntax_error(exc, source, query) from exc
