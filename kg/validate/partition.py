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

When no link leads from one partition into another or from a global node
into a partition (the usual case: a build's nodes link to their own measure's
nodes and to reference data), and every SPARQL-based check reads only what a
part holds (:func:`local_checks`), the parts run the SPARQL checks too and
trace their own results to the source (a result on a global node gets its
first user and count of users merged over the parts: :class:`~kg.validate.trace.Remote`),
so the caller never loads the whole data into one store. Otherwise the caller
runs the checks and the tracing on the whole store, as for an unpartitioned run.

:func:`partition_safe` checks that the shapes stay within that reach (no
``sh:node``, logical constraints, complex paths, SPARQL left to pyshacl, or
``sh:targetObjectsOf``); if not, :func:`kg.validate.validate` validates the whole
graph at once. tests/test_partition.py compares both runs on 1,000 synthetic
measures with violations planted in them.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
import re
import zlib
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pyoxigraph as ox
from rdflib import BNode, Graph, Namespace, URIRef
from rdflib.term import Node

from kg import vocabulary
from kg.processes import fresh_context, worker_deaths
from kg.validate.core import prepared_shapes, run_pyshacl
from kg.validate.data import LoadedData, graph_of
from kg.validate.locality import local_checks
from kg.validate.results import RawResult, ResultSeverity, ShapeResult, kept, read_report
from kg.validate.shapes import SparqlCheck
from kg.validate.sparql import run_checks
from kg.validate.trace import Remote, Tracer

SH = Namespace(vocabulary.SH)
#: Triples per partition: about 700 measures; a worker validating a part this size holds ~100 MiB.
PARTITION_TRIPLES = 45_000
#: Data of more triples than this is validated in partitions (a 1,000-measure edition has 69k).
PARTITION_ABOVE = 150_000
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
_RDF_TYPE_NT = f"<{vocabulary.RDF_TYPE}>"
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

    def learn_rows(self, sources: Sequence[Source]) -> None:
        """Put each node a measure is derived from (its source row) in that measure's partition."""
        needle = f" {_DERIVED_FROM} <"
        for _graph, line in _lines(sources, needle):
            subject, predicate, obj = _terms(line)
            if predicate == _DERIVED_FROM and obj is not None and obj.startswith("<"):
                part = self.of(subject)
                if part != GLOBAL and self.of(obj) == GLOBAL:
                    self.rows.setdefault(obj, part)


#: A source file of the partitioned run: its graph (``<iri>``, ``_:b``, or "" for the default graph) and path.
Source = tuple[str, Path]


@dataclass
class _Split:
    """The files of one partitioned run (N-Quads): the global triples, the global run's extras, one per part.

    ``cross`` counts the links between two partitions, and from a global node
    into a partition: with none, each part holds everything any constraint that
    walks forward from its focus nodes can read (see :func:`local_checks`).
    """

    folder: Path
    parts: int
    cross: int = 0

    @property
    def global_file(self) -> Path:
        return self.folder / "global.nq"

    @property
    def global_extra(self) -> Path:
        return self.folder / "global-extra.nq"

    def part(self, index: int) -> Path:
        return self.global_extra if index == GLOBAL else self.folder / f"part-{index}.nq"

    def runs(self) -> list[tuple[int, list[Path]]]:
        """(partition, files) of each validation run: the global one, then each non-empty part."""
        runs = [(GLOBAL, [self.global_file, self.global_extra])]
        for i in range(self.parts):
            if self.part(i).stat().st_size:
                runs.append((i, [self.global_file, self.part(i)]))
        return runs


def split(
    sources: Sequence[Source], partitioner: Partitioner, inverse: frozenset[str], folder: Path,
    watched: frozenset[str] = frozenset(),
) -> _Split:
    """Write the ``sources`` (their union, each line with its graph) into partition files under ``folder``."""
    layout = _Split(folder, partitioner.parts)
    needs_types: list[set[str]] = [set() for _ in range(partitioner.parts + 1)]  # index: partition + 1
    handles: list[IO[str]] = []
    try:
        handles = [layout.part(i).open("w", encoding="utf-8", buffering=1 << 18)
                   for i in range(GLOBAL, partitioner.parts)]
        shared = layout.global_file.open("w", encoding="utf-8", buffering=1 << 18)
        handles.append(shared)
        last_subject, ps = "", GLOBAL
        out: IO[str] = shared
        for graph, line in _lines(sources):
            subject, predicate, obj = _terms(line)
            quad = _quad(line, graph)
            if subject != last_subject:  # a subject's triples come together in sorted N-Triples
                last_subject, ps = subject, partitioner.of(subject)
                out = shared if ps == GLOBAL else handles[ps + 1]
            out.write(quad)
            if obj is None:
                continue
            po = partitioner.of(obj)
            if po == ps:
                continue
            if po != GLOBAL:
                layout.cross += 1
                needs_types[ps + 1].add(obj)  # sh:class on the value, in the subject's part
            elif ps == GLOBAL:
                continue
            elif predicate in watched:
                layout.cross += 1  # a SPARQL check reads this link backwards from the global node
            if ps != GLOBAL and predicate in inverse:
                handles[po + 1].write(quad)  # an inverse path, read from the object's part
                needs_types[po + 1].add(subject)
        if any(needs_types):
            wanted = {node: [i for i, nodes in enumerate(needs_types) if node in nodes]
                      for nodes in needs_types for node in nodes}
            for graph, line in _lines(sources):
                subject, predicate, _obj = _terms(line)
                if predicate == _RDF_TYPE_NT and subject in wanted:
                    for index in wanted[subject]:
                        handles[index].write(_quad(line, graph))
    finally:
        for h in handles:
            h.close()
    return layout


def _lines(sources: Sequence[Source], containing: str = "") -> Iterator[tuple[str, str]]:
    """Each triple line of the sources (those ``containing`` a text, if given), with its graph."""
    for graph, path in sources:
        with path.open(encoding="utf-8") as f:
            for line in f:
                if containing and containing not in line:
                    continue
                if line.strip() and not line.startswith("#"):
                    yield graph, line


def _terms(line: str) -> tuple[str, str, str | None]:
    """Subject, predicate and (unless a literal) object of a canonical N-Triples line."""
    i = line.index(" ")
    j = line.index(" ", i + 1)
    rest = line[j + 1:]
    obj = None if rest.startswith('"') else rest[: rest.index(" ")]
    return line[:i], line[i + 1: j], obj


def _quad(line: str, graph: str) -> str:
    """An N-Triples line as an N-Quads line in ``graph``."""
    body = line.rstrip()
    if not graph:
        return body + "\n"
    return f"{body[:-1].rstrip()} {graph} .\n"


# ---------------------------------------------------------------- the runs


@dataclass(frozen=True)
class _Task:
    """What one worker validates: a partition (or the global nodes) and the files that hold its data."""

    index: int
    files: tuple[Path, ...]
    parts: int
    rows: dict[str, int]
    shape_paths: tuple[Path, ...]
    local: bool
    labels: dict[str, str]
    headers: dict[str, dict[str, str]]
    global_triples: int = 0
    keep: frozenset[ResultSeverity] | None = None  # the severities wanted (None: all)


@dataclass
class _Output:
    """A worker's answer: the results of its own focus nodes (raw, and traced when the run is local),
    its distinct triples, and what the global nodes' results need from it
    (see :class:`~kg.validate.trace.Remote`)."""

    core: list[RawResult]
    checks: list[RawResult]
    traced: list[ShapeResult]
    triples: int
    remote: Remote
    packed: bytes = b""  # a local part's raw results (core, checks), for the SHACL report graph only


def pack(results: list[RawResult]) -> bytes:
    """Raw results, compressed: kept for a report graph that is rarely asked for (``--format turtle``)."""
    return zlib.compress(pickle.dumps(results, protocol=pickle.HIGHEST_PROTOCOL), 1)


def unpack(packed: bytes) -> list[RawResult]:
    results: list[RawResult] = pickle.loads(zlib.decompress(packed))  # our own worker's bytes
    return results


def _shared(results: list[ShapeResult]) -> list[ShapeResult]:
    """The results with equal strings made one object (sent once, held once: thousands repeat each)."""
    seen: dict[str, str] = {}
    names = [f.name for f in dataclasses.fields(ShapeResult)]
    shared = []
    for r in results:
        values = {}
        for name in names:
            value = getattr(r, name)
            if type(value) is str:
                value = seen.setdefault(value, value)
            values[name] = value
        shared.append(ShapeResult(**values))
    return shared


def _run(task: _Task) -> _Output:
    partitioner = Partitioner(task.parts, task.rows)
    core, checks = prepared_shapes(task.shape_paths)
    store = ox.Store()
    for path in task.files:
        store.bulk_load(path=path, format=ox.RdfFormat.N_QUADS)
    graph = graph_of(store)

    def own(results: list[RawResult]) -> list[RawResult]:
        """This run's results (on its own focus nodes) of the severities asked for."""
        return kept((r for r in results if partitioner.of_term(r.focus) == task.index), task.keep)

    mine = own(read_report(run_pyshacl(graph, core)))
    # A part's own triples and the global ones have different subjects: none is in both.
    triples = len(graph) - task.global_triples
    del graph
    if not task.local:
        return _Output(mine, [], [], 0, Remote())
    found = own(run_checks(store, checks))
    if task.index == GLOBAL:
        return _Output(mine, found, [], 0, Remote())
    tracer = Tracer(LoadedData(store, task.labels), task.headers)
    traced = _shared([tracer.trace(r) for r in unique(mine + found)])
    remote = tracer.remote_for(lambda node: partitioner.of(str(node)) == GLOBAL,
                               lambda node: partitioner.of(str(node)) == task.index)
    return _Output([], [], traced, triples, remote, pack(mine + found))


@dataclass
class PartitionedRun:
    """The results of a partitioned run. With ``local``, the SPARQL checks ran in the parts too and
    ``traced`` holds every result traced to its source, ``core`` and ``checks`` the global run's raw
    results and ``packed`` the parts'; else only ``core`` is filled."""

    core: list[RawResult]
    checks: list[RawResult]
    traced: list[ShapeResult]
    triples: int
    local: bool
    packed: list[bytes] = field(default_factory=list)  # the local parts' raw results (:func:`unpack`)


def partitioned_results(
    sources: Sequence[Source],
    core: Graph,
    checks: Sequence[SparqlCheck],
    shape_paths: tuple[Path, ...],
    folder: Path,
    *,
    parts: int,
    jobs: int | None = None,
    labels: Mapping[str, str] | None = None,
    headers: Mapping[str, Mapping[str, str]] | None = None,
    keep: frozenset[ResultSeverity] | None = None,
) -> PartitionedRun:
    """The core shapes' results over the union of ``sources``, computed part by part.

    Same results as one pyshacl run on the whole union, in a fixed order
    (global part first, then by partition, each in pyshacl's order). When no
    link crosses partitions and every SPARQL check is local
    (:func:`local_checks`), the checks run in the parts too and each part
    traces its own results, so the caller needs no store of the whole data.
    """
    partitioner = Partitioner(max(1, parts))
    partitioner.learn_rows(sources)
    reach = local_checks(checks)
    watched = frozenset(reach.inverse) if reach is not None else frozenset()
    layout = split(sources, partitioner, inverse_predicates(core), folder, watched)
    local = (
        layout.cross == 0 and reach is not None
        and all(partitioner.of(c) == GLOBAL for c in reach.constants)
    )
    runs = layout.runs()
    global_triples = len({ox.Triple(q.subject, q.predicate, q.object)
                          for q in ox.parse(path=layout.global_file, format=ox.RdfFormat.N_QUADS)})
    tasks = [
        _Task(index, tuple(files), partitioner.parts, _rows_of(partitioner, index), shape_paths, local,
              dict(labels or {}), {k: dict(v) for k, v in (headers or {}).items()}, global_triples, keep)
        for index, files in runs
    ]
    workers = max(1, min(jobs or os.cpu_count() or 1, len(tasks)))
    if workers == 1:
        outputs = [_run(t) for t in tasks]
    else:
        with worker_deaths("validating a partition"), ProcessPoolExecutor(
            workers, mp_context=fresh_context(__name__)
        ) as pool:
            outputs = list(pool.map(_run, tasks, chunksize=1))
    run = PartitionedRun([], [], [], global_triples, local)
    remote = Remote()
    for output in outputs:
        run.core.extend(output.core)
        run.checks.extend(output.checks)
        run.traced.extend(output.traced)
        run.triples += output.triples
        remote.merge(output.remote)
        if output.packed:
            run.packed.append(output.packed)
    if local:
        store = ox.Store()
        store.bulk_load(path=layout.global_file, format=ox.RdfFormat.N_QUADS)
        tracer = Tracer(LoadedData(store, dict(labels or {})), headers, remote)
        run.traced.extend(tracer.trace(r) for r in unique(outputs[0].core + outputs[0].checks))
    return run


def _rows_of(partitioner: Partitioner, index: int) -> dict[str, int]:
    """The rows a run needs to place its focus nodes: its own (the global run: all, none being its)."""
    if index == GLOBAL:
        return partitioner.rows
    return {row: part for row, part in partitioner.rows.items() if part == index}


def unique(results: list[RawResult]) -> list[RawResult]:
    """The results without repeats (the same focus, path, value, shape and component), first kept."""
    seen: set[tuple[str, ...]] = set()
    kept = []
    for r in results:
        key = tuple(str(x) for x in (r.focus, r.path, r.inverse, r.value, r.shape, r.component))
        if key not in seen:
            seen.add(key)
            kept.append(r)
    return kept
