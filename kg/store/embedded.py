"""An in-process pyoxigraph store holding one build, one named graph per manifest entry.

Queries run with the build's graphs as the default graph (their merge), which
is what a remote store is asked for through ``default-graph-uri``; that way a
query file never needs ``GRAPH`` clauses or ``FROM`` and answers the same
embedded and remote. pyoxigraph is used rather than rdflib's SPARQL engine
because it is about nine times faster on a 10k-measure edition.
"""

from __future__ import annotations

import json
from pathlib import Path

from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Store,
)

from kg.errors import QueryError, StoreError
from kg.manifest import Manifest, read
from kg.store.syntax import syntax_error
from kg.store.target import Results


class EmbeddedStore:
    """A build directory loaded into memory; cheap enough to load per command."""

    def __init__(self, manifest: Manifest) -> None:
        self.manifest = manifest
        self.store = Store()
        self.default_graph: list[NamedNode | BlankNode | DefaultGraph] = [
            NamedNode(iri) for iri in manifest.graph_iris
        ]
        for g in manifest.graphs:
            path = manifest.ntriples(g)
            try:
                self.store.bulk_load(path=path, format=RdfFormat.N_TRIPLES, to_graph=NamedNode(g.iri))
            except (SyntaxError, OSError) as exc:
                raise StoreError(f"cannot load {path}: {exc}") from exc

    @classmethod
    def open(cls, build_dir: Path) -> EmbeddedStore:
        return cls(read(build_dir))

    def describe(self) -> str:
        return f"the build in {self.manifest.directory}"

    def select(self, query: str) -> Results:
        try:
            answer = self.store.query(query, default_graph=self.default_graph)
        except SyntaxError as exc:
            raise syntax_error(exc, "query", query) from exc
        if isinstance(answer, QuerySolutions | QueryBoolean):
            try:
                data = answer.serialize(format=QueryResultsFormat.JSON)
            except OSError as exc:  # evaluation errors surface while serialising
                raise QueryError(f"query failed: {exc}") from exc
            results: Results = json.loads(data or b"{}")
            return results
        raise QueryError("only SELECT and ASK queries can be run (this one returns triples)")
