"""The shapes graph, and the SPARQL-based constraints taken out of it to run set-at-a-time.

pyshacl evaluates a SPARQL-based constraint (SHACL §5) once per focus node,
parsing the query text again each time: about 25 ms a node here, so each such
constraint on 10,000 measures would cost minutes. The SHACL semantics (run
the query with ``$this`` pre-bound to each focus node, one result per
solution) give the same solutions as running the query once with ``$this``
free and joined with the target pattern, provided that ``$this`` occurs in a
triple pattern of the query's outer group (true of every query in shapes/;
tests/test_validate.py checks both ways agree). So :func:`split_shapes` hands
pyshacl the shapes without those constraints and returns them as
:class:`SparqlCheck` records that :mod:`kg.validate.sparql` runs in Oxigraph.

A constraint stays with pyshacl when the rewrite is not known to be safe: its
shape has targets other than ``sh:targetClass``, a path other than a single
IRI, or its query uses ``$currentShape``/``$shapesGraph``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from kg import vocabulary
from kg.errors import ConfigError, Position
from kg.resources import shapes_dir
from kg.validate.data import graph_of

SH = Namespace(vocabulary.SH)

#: shapes/ at the root of the project (next to ontology/ and data/).
SHAPES_DIR = shapes_dir()

_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_UNSAFE_VARIABLES = re.compile(r"[$?](currentShape|shapesGraph)\b")
#: Predicates that are not constraints: a shape with nothing else left needs no targets in pyshacl.
_NOT_CONSTRAINTS = {
    RDF.type, SH.targetClass, SH.path, SH.message, SH.severity, SH.name, SH.description, SH.deactivated,
    URIRef(vocabulary.RDFS_COMMENT), URIRef(vocabulary.RDFS_LABEL),
}


@dataclass(frozen=True)
class SparqlCheck:
    """One SPARQL-based constraint of one shape, rewritten to find all its results in one query.

    ``query`` selects ``?this`` (the focus node) and, where the constraint binds
    them, ``?value`` and ``?path``. ``path`` is the property shape's path,
    reported when the query binds none.
    """

    shape: URIRef
    constraint: Node
    query: str
    severity: URIRef
    messages: tuple[Literal, ...]
    path: URIRef | None
    node_shape: bool


def shape_files(directory: Path | None = None) -> list[Path]:
    """The Turtle files of the shapes graph, in a stable order."""
    folder = directory or SHAPES_DIR
    files = sorted(folder.glob("*.ttl"))
    if not files:
        raise ConfigError(f"no shapes (*.ttl) in {folder}")
    return files


def load_shapes(paths: Sequence[Path] | None = None) -> Graph:
    """Parse the shapes files (default: every ``shapes/*.ttl``) into one graph, with their prefixes.

    Oxigraph parses the Turtle and :func:`~kg.validate.data.graph_of` hands it to
    rdflib: several times faster than rdflib's own Turtle parser, which was a
    sixth of building the bundled edition. Blank nodes stay distinct between files.
    """
    quads: list[ox.Quad] = []
    prefixes: dict[str, str] = {}
    for path in paths if paths is not None else shape_files():
        try:
            parser = ox.parse(path=path, format=ox.RdfFormat.TURTLE)
            quads.extend(_fresh_blank_nodes(parser))
        except (SyntaxError, OSError) as exc:
            raise ConfigError(f"{Position(file=str(path))}: cannot read shapes: {exc}") from exc
        prefixes.update(parser.prefixes)
    graph = graph_of(quads)
    for prefix, namespace in sorted(prefixes.items()):
        graph.bind(prefix, namespace)
    return graph


def _fresh_blank_nodes(quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
    """The quads of one file with new blank nodes: Oxigraph keeps the file's labels (``_:x``)."""
    fresh: dict[Any, Any] = {}

    def own(term: Any) -> Any:
        if not isinstance(term, ox.BlankNode):
            return term
        if term not in fresh:
            fresh[term] = ox.BlankNode()
        return fresh[term]

    for q in quads:
        yield ox.Quad(own(q.subject), q.predicate, own(q.object))


def split_shapes(shapes: Graph) -> tuple[Graph, list[SparqlCheck]]:
    """A copy of ``shapes`` for pyshacl, and the SPARQL constraints taken out of it."""
    core = Graph()
    for triple in shapes:
        core.add(triple)
    for prefix, namespace in shapes.namespaces():
        core.bind(prefix, namespace)
    checks: list[SparqlCheck] = []
    pairs = sorted(shapes.subject_objects(SH.sparql), key=lambda pair: (str(pair[0]), str(pair[1])))
    for shape, constraint in pairs:
        if not isinstance(shape, URIRef):
            continue
        found = _check(shapes, shape, constraint)
        if found is None:
            continue
        checks.extend(found)
        core.remove((shape, SH.sparql, constraint))
        if all(p in _NOT_CONSTRAINTS for p in core.predicates(shape)):
            core.remove((shape, SH.targetClass, None))
    return core, checks


def _check(shapes: Graph, shape: URIRef, constraint: Node) -> list[SparqlCheck] | None:
    targets = list(shapes.objects(shape, SH.targetClass))
    other_targets = (SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
    if not targets or any(shapes.value(shape, t) is not None for t in other_targets):
        return None
    if _true(shapes.value(shape, SH.deactivated)) or _true(shapes.value(constraint, SH.deactivated)):
        return []
    path = shapes.value(shape, SH.path)
    if path is not None and not isinstance(path, URIRef):
        return None
    select = shapes.value(constraint, SH.select)
    if select is None or _UNSAFE_VARIABLES.search(str(select)):
        return None
    text = str(select)
    if path is not None:
        text = text.replace("$PATH", f"<{path}>")
    prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in _prefixes(shapes, constraint))
    messages = tuple(_literals(shapes.objects(constraint, SH.message))) or tuple(
        _literals(shapes.objects(shape, SH.message))
    )
    severity = shapes.value(shape, SH.severity)
    checks = []
    for target in sorted(targets, key=str):
        query = _with_target(text, f"?this <{RDF.type}>/<{RDFS_SUBCLASS}>* <{target}> .")
        if query is None:
            return None
        checks.append(
            SparqlCheck(
                shape=shape,
                constraint=constraint,
                query=prologue + query,
                severity=severity if isinstance(severity, URIRef) else SH.Violation,
                messages=messages,
                path=path,
                node_shape=path is None,
            )
        )
    return checks


RDFS_SUBCLASS = URIRef(vocabulary.RDFS_SUBCLASS_OF)


def _with_target(query: str, pattern: str) -> str | None:
    """Put the target pattern first in the query's outer group (``$this`` and ``?this`` are one variable)."""
    match = _WHERE.search(query)
    if match is None:
        return None
    return f"{query[: match.end()]} {pattern} {query[match.end():]}"


def _prefixes(shapes: Graph, constraint: Node) -> list[tuple[str, str]]:
    found: dict[str, str] = {}
    for declarer in shapes.objects(constraint, SH.prefixes):
        for declaration in shapes.objects(declarer, SH.declare):
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            if prefix is not None and namespace is not None:
                found[str(prefix)] = str(namespace)
    return sorted(found.items())


def _literals(nodes: Iterable[Node]) -> list[Literal]:
    literals = [n for n in nodes if isinstance(n, Literal)]
    return sorted(literals, key=lambda lit: (lit.language or "", str(lit)))


def _true(node: Node | None) -> bool:
    return isinstance(node, Literal) and node.toPython() is True
