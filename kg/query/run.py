"""Run one query, bundled or from a file, on the build or on a remote endpoint."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import QueryError
from kg.manifest import FILE_NAME, Manifest, read
from kg.query.binding import bind, check_values, list_editions, resolve_values
from kg.query.catalogue import QueryDoc, find_query
from kg.query.lexer import blank_comments
from kg.store.credentials import find_credentials
from kg.store.embedded import EmbeddedStore
from kg.store.remote import DEFAULT_TIMEOUT, RemoteEndpoint
from kg.store.syntax import check_syntax
from kg.store.target import Results, SparqlTarget


@dataclass(frozen=True)
class Answer:
    """A query's results, with the prefixes that make its IRIs readable in a table."""

    query: QueryDoc
    results: Results
    prefixes: dict[str, str] = field(default_factory=dict)


def parse_assignments(items: Sequence[str]) -> dict[str, str]:
    """``["name=value", …]`` as a dict; the value may itself contain ``=``."""
    values: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise QueryError(f"--param {item!r}: expected NAME=VALUE")
        if name.strip() in values:
            raise QueryError(f"--param {name.strip()} given twice")
        values[name.strip()] = value
    return values


def check(doc: QueryDoc, given: Mapping[str, str]) -> None:
    """What can be checked without a store: the query's syntax (in the file's own text) and the values."""
    check_syntax(doc.text, str(doc.path))
    check_values(doc.parameters, given)


def prepare(doc: QueryDoc, given: Mapping[str, str], target: SparqlTarget) -> str:
    """The text to send: parameters bound, comments blanked; syntax checked on the file's own text first.

    The same text goes to the embedded store and to an endpoint. An edition
    parameter is resolved against the editions ``target`` holds (one more
    small query, only for a query that has one).
    """
    check(doc, given)
    return _bound(doc, given, target)


def _bound(doc: QueryDoc, given: Mapping[str, str], target: SparqlTarget) -> str:
    terms = resolve_values(doc.parameters, given, lambda: list_editions(target))
    return bind(blank_comments(doc.text), terms)


def run_query(doc: QueryDoc, given: Mapping[str, str], target: SparqlTarget) -> Results:
    return target.select(prepare(doc, given, target))


def query(
    name_or_file: str,
    given: Mapping[str, str],
    *,
    build_dir: Path,
    endpoint: str | None = None,
    graphs: Sequence[str] = (),
    timeout: float = DEFAULT_TIMEOUT,
) -> Answer:
    """Run a query on the build in ``build_dir``, or on ``endpoint`` if given.

    On an endpoint the default graph is ``graphs`` if given, else the graphs
    of the build's manifest if there is one, else the endpoint's own default.
    """
    doc = find_query(name_or_file)
    check(doc, given)  # before a build is loaded or an endpoint asked
    manifest = _manifest_if_any(build_dir) if endpoint else read(build_dir)
    prefixes = {"base": manifest.base_iri} if manifest else {}
    target: SparqlTarget
    if endpoint:
        defaults = list(graphs) or (manifest.graph_iris if manifest else [])
        target = RemoteEndpoint(endpoint, defaults, credentials=find_credentials(endpoint), timeout=timeout)
    else:
        assert manifest is not None
        target = EmbeddedStore(manifest)
    return Answer(doc, target.select(_bound(doc, given, target)), prefixes)


def _manifest_if_any(build_dir: Path) -> Manifest | None:
    return read(build_dir) if (build_dir / FILE_NAME).is_file() else None
