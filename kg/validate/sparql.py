"""Run the SPARQL-based constraints set-at-a-time in Oxigraph (see :mod:`kg.validate.shapes`).

Each :class:`~kg.validate.shapes.SparqlCheck` is one query over the union of
the loaded graphs; each solution is one validation result, as SHACL §5.3
defines it: focus node ``?this``, value ``?value`` (for a node shape, the
focus node itself when the query binds none), path ``?path`` (else the
property shape's path), and the constraint's messages with ``{?var}``
placeholders filled from the solution.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import Literal, Namespace, URIRef
from rdflib.term import Node

from kg import vocabulary
from kg.errors import ConfigError
from kg.validate.data import rdflib_term
from kg.validate.results import RawResult, ResultSeverity
from kg.validate.shapes import SparqlCheck

SH = Namespace(vocabulary.SH)
_PLACEHOLDER = re.compile(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}")


def run_checks(store: ox.Store, checks: Iterable[SparqlCheck]) -> list[RawResult]:
    """The results of every check on the union of the store's graphs."""
    results: list[RawResult] = []
    for check in checks:
        try:
            solutions = store.query(check.query, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise ConfigError(f"shape {check.shape}: SPARQL constraint does not parse: {exc}") from exc
        assert isinstance(solutions, ox.QuerySolutions)
        names = {v.value for v in solutions.variables}
        for solution in solutions:
            results.append(_result(check, solution, names))
    return results


def _result(check: SparqlCheck, solution: ox.QuerySolution, names: set[str]) -> RawResult:
    bound = {name: rdflib_term(solution[name]) for name in names if solution[name] is not None}
    focus = bound["this"]
    path = bound.get("path", check.path)
    value = bound.get("value", focus if check.node_shape else None)
    return RawResult(
        severity=ResultSeverity.from_iri(check.severity),
        focus=focus,
        path=path if isinstance(path, URIRef) else None,
        value=value,
        shape=check.shape,
        component=SH.SPARQLConstraintComponent,
        messages=tuple(_fill(m, bound) for m in check.messages),
    )


def _fill(message: Literal, bound: dict[str, Node]) -> Literal:
    text = _PLACEHOLDER.sub(lambda m: str(bound.get(m.group(1), m.group(0))), str(message))
    return Literal(text, lang=message.language) if text != str(message) else message
