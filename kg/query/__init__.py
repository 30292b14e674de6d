"""The bundled query catalogue, parameter binding, and result formatting.

``kg.query`` turns a query name (or file) and ``--param`` values into SPARQL
text with the parameters bound as RDF terms, runs it on a
:class:`kg.store.SparqlTarget`, and renders the SPARQL results JSON it gets
back. It never sees HTTP or pyoxigraph stores directly.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kg.query.binding import Parameter, bind, resolve_values
    from kg.query.catalogue import QUERIES_DIR, QueryDoc, bundled_queries, find_query, parse_query_file
    from kg.query.describe import catalogue_listing, query_help
    from kg.query.output import FORMATS, render
    from kg.query.run import Answer, parse_assignments, prepare, query, run_query

#: Where each name lives: imported on first use, so that ``kg query --list`` loads no store.
_LAZY = {
    **dict.fromkeys(("Parameter", "bind", "resolve_values"), "binding"),
    **dict.fromkeys(("QUERIES_DIR", "QueryDoc", "bundled_queries", "find_query", "parse_query_file"),
                    "catalogue"),
    **dict.fromkeys(("catalogue_listing", "query_help"), "describe"),
    **dict.fromkeys(("FORMATS", "render"), "output"),
    **dict.fromkeys(("Answer", "parse_assignments", "prepare", "query", "run_query"), "run"),
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'kg.query' has no attribute {name!r}")
    return getattr(importlib.import_module(f"kg.query.{module}"), name)

__all__ = [
    "FORMATS",
    "QUERIES_DIR",
    "Answer",
    "Parameter",
    "QueryDoc",
    "bind",
    "bundled_queries",
    "catalogue_listing",
    "find_query",
    "parse_assignments",
    "parse_query_file",
    "prepare",
    "query",
    "query_help",
    "render",
    "resolve_values",
    "run_query",
]
