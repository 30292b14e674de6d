"""The one interface the query layer needs from a store."""

from __future__ import annotations

from typing import Any, Protocol

#: A query answer as SPARQL 1.1 Query Results JSON (``head``/``results`` or
#: ``head``/``boolean``): the one exchange format, so that embedded and remote
#: answers can be compared, and ``--format json`` is the answer itself.
Results = dict[str, Any]
#: Seconds a remote endpoint may take to answer (here, not in kg.store.remote, so that the CLI can
#: show it without importing the HTTP client).
DEFAULT_TIMEOUT = 60.0


class SparqlTarget(Protocol):
    """Something that evaluates a SELECT or ASK query on the build's default graph."""

    def select(self, query: str) -> Results:
        """Evaluate ``query``; raise QueryError for a bad query, StoreError for a failing store."""
        ...

    def describe(self) -> str:
        """A short human description of the target, for messages (never any credentials)."""
        ...
