"""Which SPARQL checks a partition can run on its own: a walk over each query's algebra.

Apart from :mod:`kg.validate.partition` because it is a question about queries
(what a check can read from its focus nodes), not about how the data is split
or the workers run; the partitioned run asks it once per validation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rdflib import BNode, URIRef, Variable
from rdflib.paths import AlternativePath, MulPath, SequencePath
from rdflib.paths import Path as Path_
from rdflib.plugins.sparql.parserutils import CompValue

from kg.validate.shapes import SparqlCheck


class _NotLocal(Exception):
    pass


@dataclass
class Reach:
    """What the SPARQL checks read beyond their focus nodes' forward reach: constant nodes, which must be
    global, and predicates followed backwards, which must link no partition's node to a global node."""

    constants: set[str] = field(default_factory=set)
    inverse: set[str] = field(default_factory=set)


def local_checks(checks: Sequence[SparqlCheck]) -> Reach | None:
    """Whether every check reads only what a part holds (None if not known), and what it reads.

    A part holds every triple whose subject is one of its own nodes or a global
    node. When no link leads from one partition into another, or from a global
    node into a partition (:attr:`kg.validate.partition._Split.cross` is 0), everything reachable
    forward from those nodes is in the part too. A query reads only that when
    each of its triple patterns starts from ``$this``, from a variable that a
    pattern starting from there binds (in the same group, or in one its
    solutions are joined with), or from a constant that is a global node, or
    goes backwards along a predicate (an IRI) to such a node, where no node of
    a partition links to a global node with that predicate; and its paths go
    forward only. Solutions are then the same in the part as in
    the whole data, for every focus node of the part. A check that reaches
    anything else (an inverse path, a free subject variable, a sub-query,
    ``MINUS``, ``GRAPH``, ``VALUES``) makes the caller run all checks on the
    whole data.
    """
    from rdflib.plugins.sparql import prepareQuery

    reach = Reach()
    try:
        for check in checks:
            _walk(prepareQuery(check.query).algebra, frozenset(), reach)
    except Exception:  # _NotLocal, or a query rdflib cannot read: not known to be local
        return None
    return reach


_THIS = Variable("this")
_PASS = {"SelectQuery", "Project", "Distinct", "Reduced", "Slice", "OrderBy"}


def _walk(node: object, anchored: frozenset[Variable], reach: Reach) -> frozenset[Variable]:
    """The variables a pattern surely binds to reachable nodes; raises :class:`_NotLocal`."""
    if not isinstance(node, CompValue):
        raise _NotLocal(node)
    name = node.name
    if name in _PASS:
        return _walk(node.p, anchored, reach)
    if name == "BGP":
        return _bgp(node.triples, anchored | {_THIS}, reach)
    if name == "Join":
        left = _walk(node.p1, anchored, reach)
        return left | _walk(node.p2, anchored | left, reach)
    if name == "LeftJoin":
        left = _walk(node.p1, anchored, reach)
        right = _walk(node.p2, anchored | left, reach)
        _expression(node.expr, anchored | left | right, reach)
        return left
    if name == "Union":
        return _walk(node.p1, anchored, reach) & _walk(node.p2, anchored, reach)
    if name in ("Filter", "Extend"):
        inner = _walk(node.p, anchored, reach)
        _expression(node.expr, anchored | inner, reach)
        return inner
    raise _NotLocal(name)


def _bgp(triples: Sequence[tuple[object, object, object]], anchored: frozenset[Variable],
         reach: Reach) -> frozenset[Variable]:
    bound: set[object] = set(anchored)
    pending: list[tuple[object, object, object]] = list(triples)
    while pending:
        # Forward from a node the part holds all of; backwards only where nothing goes forward.
        ahead = [t for t in pending if _reached(t[0], bound, None)]
        if not ahead:
            ahead = [t for t in pending if isinstance(t[0], (Variable, BNode)) and isinstance(t[1], URIRef)
                     and _reached(t[2], bound, None)][:1]
            if not ahead:
                raise _NotLocal(pending)
            reach.inverse.add(f"<{ahead[0][1]}>")
        for s, p, o in ahead:
            for term in (s, o):
                _reached(term, bound, reach)  # constants must be global
            if isinstance(p, Path_) and not _forward(p):
                raise _NotLocal(p)
            bound.update(t for t in (s, p, o) if isinstance(t, (Variable, BNode)))
        pending = [t for t in pending if t not in ahead]
    return frozenset(v for v in bound if isinstance(v, Variable))


def _reached(term: object, bound: set[object], reach: Reach | None) -> bool:
    """Whether a pattern's term is a node a part holds all of: a bound variable or a global constant."""
    if isinstance(term, URIRef):
        if reach is not None:
            reach.constants.add(f"<{term}>")
        return True
    return isinstance(term, (Variable, BNode)) and term in bound


def _forward(path: Path_) -> bool:
    if isinstance(path, (SequencePath, AlternativePath)):
        return all(isinstance(a, URIRef) or (isinstance(a, Path_) and _forward(a)) for a in path.args)
    if isinstance(path, MulPath):
        return isinstance(path.path, URIRef) or (isinstance(path.path, Path_) and _forward(path.path))
    return False


def _expression(expr: object, anchored: frozenset[Variable], reach: Reach) -> None:
    """Walk the graph patterns of ``EXISTS``/``NOT EXISTS`` in an expression."""
    if isinstance(expr, CompValue):
        if expr.name in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):
            _walk(expr.graph, anchored, reach)
            return
        for value in expr.values():
            _expression(value, anchored, reach)
    elif isinstance(expr, (list, tuple)):
        for value in expr:
            _expression(value, anchored, reach)
