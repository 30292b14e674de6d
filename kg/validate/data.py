"""Load the graphs to validate: a build folder, RDF files, or graphs in memory.

Everything is first loaded into a pyoxigraph :class:`~pyoxigraph.Store`, one
named graph per input, and only then copied into the single rdflib graph that
pyshacl needs. Oxigraph parses N-Triples an order of magnitude faster than
rdflib does, and copying its terms into rdflib (with a term cache: IRIs repeat
a lot) is still faster than rdflib's own parser. The store then answers the
set-at-a-time SPARQL checks and the lookups that trace a result to its source.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.plugins.stores.memory import Memory
from rdflib.term import Node

from kg.errors import ConfigError, InputError, Position
from kg.manifest import read as read_manifest
from kg.vocabulary import XSD_STRING

#: What :func:`load` accepts: a build folder, RDF files, an Oxigraph store or an rdflib graph.
DataSource = Path | str | Sequence[Path | str] | ox.Store | Graph

#: Triples files are loaded into a named graph of their own; quads keep theirs.
FORMATS_BY_SUFFIX: dict[str, ox.RdfFormat] = {
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".ttl": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".nq": ox.RdfFormat.N_QUADS,
}


@dataclass
class LoadedData:
    """The graphs to validate, in an Oxigraph store, and a label per named graph.

    ``labels`` maps a named graph's IRI to what a person knows it by: the
    graph's name in ``manifest.json`` or the file it was read from.
    ``graphs`` are the N-Triples files it was read from, if it was, each
    ``(name, graph IRI, path)``: a partitioned validation reads them again and
    never needs the whole store, so :attr:`store` is then loaded on first use
    only (a 6 M-triple store takes 4 GiB). :attr:`graph`, the rdflib copy of
    the union that pyshacl validates, is made on first use too.
    """

    _store: ox.Store | None
    labels: dict[str, str]
    graphs: tuple[tuple[str, str, Path], ...] = ()
    _graph: Graph | None = field(default=None, repr=False)

    @property
    def store(self) -> ox.Store:
        if self._store is None:
            self._store = ox.Store()
            _load_ntriples(self._store, self.graphs)
        return self._store

    @property
    def sources(self) -> tuple[Path, ...]:
        return tuple(path for _name, _iri, path in self.graphs)

    @property
    def loaded(self) -> bool:
        """Whether the whole store is in memory."""
        return self._store is not None

    @property
    def graph(self) -> Graph:
        if self._graph is None:
            self._graph = to_rdflib(self.store)
        return self._graph

    @property
    def triples(self) -> int:
        """Distinct triples of the union of the graphs."""
        if self._graph is not None:
            return len(self._graph)
        solutions = self.store.query(
            "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }",
            use_default_graph_as_union=True,
        )
        assert isinstance(solutions, ox.QuerySolutions)
        count = next(iter(solutions))["n"]
        return int(count.value) if isinstance(count, ox.Literal) else 0

    def lines(self) -> int:
        """Lines of the source files (an upper bound of :attr:`triples`, without loading them)."""
        total = 0
        for path in self.sources:
            with path.open("rb") as f:
                while block := f.read(1 << 24):
                    total += block.count(b"\n")
        return total


def load(source: DataSource) -> LoadedData:
    """Load ``source``: a build folder (its ``manifest.json``), RDF files, a store or a graph."""
    store = ox.Store()
    labels: dict[str, str] = {}
    if isinstance(source, ox.Store):
        store = source
    elif isinstance(source, Graph):
        _load_rdflib(store, source)
    elif isinstance(source, (str, Path)) and Path(source).is_dir():
        return load_graphs(manifest_graphs(Path(source)))
    else:
        paths = [Path(source)] if isinstance(source, (str, Path)) else [Path(p) for p in source]
        for path in paths:
            labels.update(_load_file(store, path))
    return LoadedData(store, labels)


def manifest_graphs(build_dir: Path) -> list[tuple[str, str, Path]]:
    """``(name, graph IRI, N-Triples path)`` of every graph listed in a build's ``manifest.json``.

    A missing or malformed manifest is unreadable input here (:class:`~kg.errors.InputError`).
    """
    try:
        manifest = read_manifest(build_dir)
    except ConfigError as exc:
        raise InputError(str(exc)) from exc
    return [(g.name, g.iri, manifest.ntriples(g)) for g in manifest.graphs]


def load_graphs(graphs: Iterable[tuple[str, str, Path]]) -> LoadedData:
    """N-Triples files, each ``(name, graph IRI, path)`` to load into its named graph (on first use)."""
    graphs = tuple(graphs)
    for _name, _iri, path in graphs:
        if not path.is_file():
            raise InputError("no such file", Position(file=str(path)))
    return LoadedData(None, {iri: name for name, iri, _path in graphs}, graphs)


def _load_ntriples(store: ox.Store, graphs: Iterable[tuple[str, str, Path]]) -> dict[str, str]:
    labels = {}
    for name, iri, path in graphs:
        _bulk_load(store, path, ox.RdfFormat.N_TRIPLES, ox.NamedNode(iri))
        labels[iri] = name
    return labels


def _load_file(store: ox.Store, path: Path) -> dict[str, str]:
    fmt = FORMATS_BY_SUFFIX.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(FORMATS_BY_SUFFIX))
        raise InputError(f"unknown RDF file type {path.suffix!r} (known: {known})", Position(file=str(path)))
    if not path.is_file():
        raise InputError("no such file", Position(file=str(path)))
    if fmt.supports_datasets:
        before = {g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)}
        _bulk_load(store, path, fmt, None)
        after = {g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)}
        return {iri: f"{path.name} <{iri}>" for iri in sorted(after - before)}
    iri = path.resolve().as_uri()
    _bulk_load(store, path, fmt, ox.NamedNode(iri))
    return {iri: path.name}


def _bulk_load(store: ox.Store, path: Path, fmt: ox.RdfFormat, graph: ox.NamedNode | None) -> None:
    try:
        if graph is None:
            store.bulk_load(path=path, format=fmt)
        else:
            store.bulk_load(path=path, format=fmt, to_graph=graph)
    except SyntaxError as exc:
        raise InputError(f"not valid {fmt.name}: {exc}", Position(file=str(path))) from exc
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", Position(file=str(path))) from exc


def _load_rdflib(store: ox.Store, graph: Graph) -> None:
    """Copy an rdflib graph (or dataset, keeping its named graphs) into the store."""
    data = graph.serialize(format="nquads" if graph.context_aware else "nt", encoding="utf-8")
    fmt = ox.RdfFormat.N_QUADS if graph.context_aware else ox.RdfFormat.N_TRIPLES
    store.bulk_load(input=data, format=fmt)


def dump_ntriples(store: ox.Store, folder: Path) -> list[tuple[str, Path]]:
    """Each graph of ``store`` (the default graph too) as an N-Triples file under ``folder``, with the
    graph's name as in N-Quads ("" for the default graph)."""
    folder.mkdir(parents=True, exist_ok=True)
    graphs: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = [ox.DefaultGraph()]
    graphs += sorted(store.named_graphs(), key=str)
    paths = []
    for index, graph in enumerate(graphs):
        path = folder / f"graph-{index}.nt"
        store.dump(path, ox.RdfFormat.N_TRIPLES, from_graph=graph)
        paths.append(("" if isinstance(graph, ox.DefaultGraph) else str(graph), path))
    return paths


def to_rdflib(store: ox.Store) -> Graph:
    """The union of the store's graphs as one rdflib graph, the form pyshacl validates fastest."""
    return graph_of(store)


def graph_of(triples: Iterable[ox.Triple | ox.Quad]) -> Graph:
    """An rdflib graph of Oxigraph triples or quads (graph names dropped; a term cache: IRIs repeat a lot).

    Its store is rdflib's ``Memory``, filled in one pass (:class:`OneGraphMemory`).
    """
    cache: dict[object, Node] = {}

    def term(t: object) -> Node:
        found = cache.get(t)
        if found is None:
            found = cache[t] = rdflib_term(t)
        return found

    store = OneGraphMemory()
    graph = Graph(store=store)
    store.fill(graph, ((term(t.subject), term(t.predicate), term(t.object)) for t in triples))
    return graph


class OneGraphMemory(Memory):
    """rdflib's ``Memory`` store holding one graph, filled in bulk and read without per-triple context work.

    pyshacl reads an rdflib graph through ``Memory.triples``, which looks up
    each matching triple's contexts; ``Memory.add`` keeps them per triple and
    sends an event. Here every triple is in the one graph, so :meth:`fill` leaves
    the store exactly as adding each triple to that graph would (the same
    indexes and context records: tests/test_partition.py compares them) in a
    fraction of the time, and :meth:`triples` answers from the indexes with
    that one context while no other context has been added; otherwise it is
    ``Memory``'s own. About a third of pyshacl's time on a part, and most of
    building the graph.
    """

    def fill(self, graph: Graph, triples: Iterable[tuple[Node, Node, Node]]) -> None:
        """Add ``triples`` to ``graph`` (this store's only graph; the store must be empty)."""
        state = vars(self)  # Memory's private attributes
        spo, pos, osp = state["_Memory__spo"], state["_Memory__pos"], state["_Memory__osp"]
        if spo:
            raise ValueError("fill() needs an empty store")
        everything: set[tuple[Node, Node, Node]] = set()
        in_graph: set[tuple[Node, Node, Node]] = set()
        for s, p, o in triples:
            by_p = spo.get(s)
            if by_p is None:
                by_p = spo[s] = {}
            objects = by_p.get(p)
            if objects is None:
                objects = by_p[p] = {}
            if o in objects:
                continue
            objects[o] = 1
            by_o = pos.get(p)
            if by_o is None:
                by_o = pos[p] = {}
            subjects = by_o.get(o)
            if subjects is None:
                subjects = by_o[o] = {}
            subjects[s] = 1
            by_s = osp.get(o)
            if by_s is None:
                by_s = osp[o] = {}
            predicates = by_s.get(s)
            if predicates is None:
                predicates = by_s[s] = {}
            predicates[p] = 1
            everything.add((s, p, o))
            in_graph.add((s, p, o))
        if not everything:
            return
        context = self._context_name(graph)
        state["_Memory__all_contexts"].add(graph)
        state["_Memory__contextTriples"][None] = everything
        state["_Memory__contextTriples"][context] = in_graph
        state["_Memory__defaultContexts"] = {context: False, None: False}

    def _context_name(self, graph: Graph | None) -> str | None:
        name: str | None = getattr(self, "_Memory__ctx_to_str")(graph)  # noqa: B009  (name-mangled)
        return name

    def triples(  # type: ignore[override]
        self, triple_pattern: tuple[Node | None, Node | None, Node | None], context: Graph | None = None
    ) -> Iterator[tuple[tuple[Node, Node, Node], Iterator[Graph | None]]]:
        state = vars(self)
        defaults = state["_Memory__defaultContexts"]
        if (
            defaults is None
            or state["_Memory__tripleContexts"]
            or len(state["_Memory__all_contexts"]) != 1
            or self._context_name(context) not in defaults
        ):
            yield from super().triples(triple_pattern, context)
            return
        names = state["_Memory__context_obj_map"]
        graphs = tuple(names.get(c, c) for c, quoted in defaults.items() if c is not None and not quoted)
        s, p, o = triple_pattern
        if s is not None:
            by_p = state["_Memory__spo"].get(s)
            if by_p is None:
                return
            for p2 in [p] if p is not None else list(by_p):
                objects = by_p.get(p2)
                if objects is None:
                    continue
                if o is not None:
                    if o in objects:
                        yield (s, p2, o), iter(graphs)
                else:
                    for o2 in list(objects):
                        yield (s, p2, o2), iter(graphs)
        elif p is not None:
            by_o = state["_Memory__pos"].get(p)
            if by_o is None:
                return
            for o2 in [o] if o is not None else list(by_o):
                for s2 in list(by_o.get(o2, ())):
                    yield (s2, p, o2), iter(graphs)
        elif o is not None:
            by_s = state["_Memory__osp"].get(o)
            if by_s is None:
                return
            for s2 in list(by_s):
                for p2 in list(by_s[s2]):
                    yield (s2, p2, o), iter(graphs)
        else:
            for triple in state["_Memory__contextTriples"][self._context_name(context)].copy():
                yield triple, iter(graphs)


def rdflib_term(t: object) -> Node:
    """The rdflib term for an Oxigraph term."""
    if isinstance(t, ox.NamedNode):
        return URIRef(t.value)
    if isinstance(t, ox.BlankNode):
        return BNode(t.value)
    if isinstance(t, ox.Literal):
        if t.language:
            return Literal(t.value, lang=t.language)
        datatype = t.datatype.value
        # rdflib tells "x" from "x"^^xsd:string; its parsers produce the former.
        return Literal(t.value) if datatype == XSD_STRING else Literal(t.value, datatype=URIRef(datatype))
    raise InputError(f"unsupported RDF term {t!r} (RDF-star triples are not validated)")


def from_rdflib(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """The Oxigraph term for an rdflib term (to look a report's node up in the store)."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")
