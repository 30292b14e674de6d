"""Run the core shapes in partitions of the data, in worker processes, with the same results.

Why: pyshacl needs the data as an rdflib graph, which costs about 1 KiB a
triple and is checked by one process; a 100k-measure build (6 M triples) needed
9 GiB and 8 minutes. The shapes look at a focus node, its own values, the
types of those values and (through ``sh:inversePath``) the nodes pointing at
it; none looks further. So the data can be cut into parts that each hold a set
of focus nodes and everything those shapes read about them, and each part
validated on its own.

How the cut is made:

- every node gets a *partition*: a measure, its KPIs, figures, marks and
  participations, by the measure ID in their IRIs (``…/kpi/06-22-1`` belongs
  with ``…/measure/06-22``), its source row through ``prov:wasDerivedFrom``, a
  lineage by the measure ID its IRI ends with; a hash of the ID picks one of
  ``parts`` partitions. Every other node (the ontology, the reference data, the
  edition and its source file) is *global*: its triples go into every part, as
  context (they are few);
- a triple goes into its subject's partition. Where it links two partitions,
  the object's ``rdf:type`` triples are added to the subject's part (for
  ``sh:class``), and, if its predicate is one some shape follows backwards
  (``sh:inversePath``), the triple and the subject's types to the object's part;
- which partition a node falls in therefore changes only the work, never the
  results: a part always holds what its focus nodes' shapes read. Results are
  kept only from the part that owns their focus node (a global node's from the
  run on the global triples alone), so nothing is reported twice.

:func:`partition_safe` checks that the shapes stay within that reach (no
``sh:node``, logical constraints, complex paths, SPARQL left to pyshacl, or
``sh:targetObjectsOf``); if not, :func:`kg.validate.validate` validates the whole
graph at once. tests/test_partition.py compares both runs on 1,000 synthetic
measures with violations planted in them.
"""

from __future__ import annotations

import os
import re
import zlib
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pyoxigraph as ox
from rdflib import BNode, Graph, Namespace, URIRef
from rdflib.term import Node

from kg import vocabulary
from kg.validate.core import core_results
from kg.validate.results import RawResult

SH = Namespace(vocabulary.SH)
#: Triples per partition: about 2,500 measures; an rdflib graph of this size takes ~150 MiB.
PARTITION_TRIPLES = 150_000
#: Shape predicates whose constraints read beyond a node's values and their types.
_FAR_REACHING = {
    SH.node, SH["and"], SH["or"], SH.xone, SH["not"], SH.sparql, SH.target, SH.targetObjectsOf,
    SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath, SH.alternativePath,
}
_OWNED = re.compile(r"/plan/[^/]+/(measure|kpi|mark|participation)/([^/>]+)")
_LINEAGE = re.compile(r"/lineage/[^/]+/([^/>]+)>$")
_SERIAL = re.compile(r"-[0-9]+$")
_RDF_TYPE = ox.NamedNode(vocabulary.RDF_TYPE)
_DERIVED_FROM = f"<{vocabulary.PROV_WAS_DERIVED_FROM}>"
GLOBAL = -1


def partition_safe(core: Graph) -> bool:
    """Whether the core shapes read only a focus node's values, their types and inverse links."""
    if any((None, p, None) in core for p in _FAR_REACHING):
        return False
    for path in core.objects(None, SH.path):
        if isinstance(path, BNode):
            inverse = core.value(path, SH.inversePath)
            if not isinstance(inverse, URIRef):
                return False  # a sequence path, or an inverse of one
    # A qualified value shape is checked on the value nodes: only their values and types.
    return not any(
        (shape, p, None) in core
        for shape in core.objects(None, SH.qualifiedValueShape)
        for p in (SH.path, SH.property, SH.qualifiedValueShape)
    )


def inverse_predicates(core: Graph) -> frozenset[str]:
    """The predicates some shape follows backwards, as N-Triples IRIs (``<…>``)."""
    return frozenset(f"<{p}>" for p in core.objects(None, SH.inversePath) if isinstance(p, URIRef))


@dataclass
class Partitioner:
    """Which partition a node (written as in N-Triples: ``<iri>``, ``_:b``) falls in."""

    parts: int
    rows: dict[str, int] = field(default_factory=dict)  # source row → its measure's partition

    def of(self, node: str) -> int:
        found = _OWNED.search(node)
        if found is not None:
            kind, segment = found.groups()
            return self._hash(segment if kind == "measure" else _SERIAL.sub("", segment))
        found = _LINEAGE.search(node)
        if found is not None:
            return self._hash(found.group(1))
        return self.rows.get(node, GLOBAL)

    def of_term(self, term: Node) -> int:
        return self.of(f"<{term}>") if isinstance(term, URIRef) else GLOBAL

    def _hash(self, key: str) -> int:
        return zlib.crc32(key.encode("utf-8")) % self.parts

    def learn_rows(self, store: ox.Store) -> None:
        """Put each node a measure is derived from (its source row) in that measure's partition."""
        query = f"SELECT ?s ?o WHERE {{ ?s {_DERIVED_FROM} ?o . FILTER(isIRI(?o)) }}"
        solutions = store.query(query, use_default_graph_as_union=True)
        assert isinstance(solutions, ox.QuerySolutions)
        for s, o in solutions:
            part = self.of(str(s))
            if part != GLOBAL and self.of(str(o)) == GLOBAL:
                self.rows.setdefault(str(o), part)


@dataclass
class _Split:
    """The files of one partitioned run: the global triples, the global run's extras, one file per part."""

    folder: Path
    parts: int

    @property
    def global_file(self) -> Path:
        return self.folder / "global.nt"

    @property
    def global_extra(self) -> Path:
        return self.folder / "global-extra.nt"

    def part(self, index: int) -> Path:
        return self.global_extra if index == GLOBAL else self.folder / f"part-{index}.nt"

    def runs(self) -> list[tuple[int, list[Path]]]:
        """(partition, files) of each validation run: the global one, then each non-empty part."""
        runs = [(GLOBAL, [self.global_file, self.global_extra])]
        for i in range(self.parts):
            if self.part(i).stat().st_size:
                runs.append((i, [self.global_file, self.part(i)]))
        return runs


def split(
    sources: Sequence[Path], store: ox.Store, partitioner: Partitioner, inverse: frozenset[str], folder: Path
) -> _Split:
    """Write the N-Triples ``sources`` (their union) into partition files under ``folder``."""
    layout = _Split(folder, partitioner.parts)
    needs_types: list[set[str]] = [set() for _ in range(partitioner.parts + 1)]  # index: partition + 1
    handles: list[IO[str]] = []
    try:
        handles = [layout.part(i).open("w", encoding="utf-8", buffering=1 << 20)
                   for i in range(GLOBAL, partitioner.parts)]
        shared = layout.global_file.open("w", encoding="utf-8", buffering=1 << 20)
        handles.append(shared)
        for line in _lines(sources):
            subject, predicate, obj = _terms(line)
            ps = partitioner.of(subject)
            (shared if ps == GLOBAL else handles[ps + 1]).write(line)
            if obj is None:
                continue
            po = partitioner.of(obj)
            if po == ps:
                continue
            if po != GLOBAL:
                needs_types[ps + 1].add(obj)  # sh:class on the value, in the subject's part
            if ps != GLOBAL and predicate in inverse:
                handles[po + 1].write(line)  # an inverse path, read from the object's part
                needs_types[po + 1].add(subject)
        for index, nodes in enumerate(needs_types):
            for node in sorted(nodes):
                handles[index].writelines(_type_lines(store, node))
    finally:
        for h in handles:
            h.close()
    return layout


def _lines(sources: Sequence[Path]) -> Iterator[str]:
    for path in sources:
        with path.open(encoding="utf-8") as f:
            for line in f:
                if line.strip() and not line.startswith("#"):
                    yield line if line.endswith("\n") else line + "\n"


def _terms(line: str) -> tuple[str, str, str | None]:
    """Subject, predicate and (unless a literal) object of a canonical N-Triples line."""
    i = line.index(" ")
    j = line.index(" ", i + 1)
    rest = line[j + 1:]
    obj = None if rest.startswith('"') else rest[: rest.index(" ")]
    return line[:i], line[i + 1: j], obj


def _type_lines(store: ox.Store, node: str) -> list[str]:
    term: ox.NamedNode | ox.BlankNode = (
        ox.NamedNode(node[1:-1]) if node.startswith("<") else ox.BlankNode(node[2:])
    )
    quads = store.quads_for_pattern(term, _RDF_TYPE, None)
    return [f"{q.subject} {q.predicate} {q.object} .\n" for q in quads]


def partitioned_results(
    sources: Sequence[Path],
    store: ox.Store,
    core: Graph,
    shape_paths: tuple[Path, ...],
    folder: Path,
    *,
    parts: int,
    jobs: int | None = None,
) -> list[RawResult]:
    """The core shapes' results over the union of ``sources``, computed part by part.

    Same results as one pyshacl run on the whole union, in a fixed order
    (global part first, then by partition, each in pyshacl's order).
    """
    partitioner = Partitioner(max(1, parts))
    partitioner.learn_rows(store)
    layout = split(sources, store, partitioner, inverse_predicates(core), folder)
    runs = layout.runs()
    workers = max(1, min(jobs or os.cpu_count() or 1, len(runs)))
    if workers == 1:
        outputs = [core_results(files, shape_paths) for _index, files in runs]
    else:
        with ProcessPoolExecutor(workers) as pool:
            outputs = list(pool.map(core_results, [f for _i, f in runs], [shape_paths] * len(runs)))
    kept: list[RawResult] = []
    for (index, _files), results in zip(runs, outputs, strict=True):
        kept.extend(r for r in results if partitioner.of_term(r.focus) == index)
    return kept

