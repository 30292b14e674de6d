"""Where queries run and builds are published: an embedded store or a remote one.

``kg.store`` knows nothing about bundled queries or parameters. It offers one
operation to the query layer, :meth:`SparqlTarget.select` (SPARQL text in,
SPARQL 1.1 results JSON out), implemented twice: on an embedded pyoxigraph
store loaded from a build directory (:mod:`kg.store.embedded`), and on a
remote SPARQL 1.1 Protocol endpoint (:mod:`kg.store.remote`). Both evaluate
the query against the same default graph, the merge of the build's named
graphs, so one query text answers the same in both places.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kg.manifest import GraphEntry, Manifest
    from kg.manifest import read as read_manifest
    from kg.store.credentials import Credentials, find_credentials
    from kg.store.embedded import EmbeddedStore
    from kg.store.remote import RemoteEndpoint
    from kg.store.target import Results, SparqlTarget

#: Where each name lives: imported on first use (the CLI imports kg.store.credentials at start-up,
#: which must not load pyoxigraph stores or the HTTP client).
_LAZY = {
    "GraphEntry": ("kg.manifest", "GraphEntry"),
    "Manifest": ("kg.manifest", "Manifest"),
    "read_manifest": ("kg.manifest", "read"),
    "Credentials": ("kg.store.credentials", "Credentials"),
    "find_credentials": ("kg.store.credentials", "find_credentials"),
    "EmbeddedStore": ("kg.store.embedded", "EmbeddedStore"),
    "RemoteEndpoint": ("kg.store.remote", "RemoteEndpoint"),
    "Results": ("kg.store.target", "Results"),
    "SparqlTarget": ("kg.store.target", "SparqlTarget"),
}


def __getattr__(name: str) -> Any:
    found = _LAZY.get(name)
    if found is None:
        raise AttributeError(f"module 'kg.store' has no attribute {name!r}")
    return getattr(importlib.import_module(found[0]), found[1])

__all__ = [
    "Credentials",
    "EmbeddedStore",
    "GraphEntry",
    "Manifest",
    "RemoteEndpoint",
    "Results",
    "SparqlTarget",
    "find_credentials",
    "read_manifest",
]
