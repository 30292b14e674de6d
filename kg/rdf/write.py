"""Write the dumps: sorted N-Triples per graph, Turtle, TriG and JSON-LD, atomically.

Sorted N-Triples without a global sort: triples arrive in groups (one per
measure); each group is split by subject namespace (``…/measure/``,
``…/kpi/`` …) into *blocks*, each block sorted on its own and spooled to its
namespace's file. Blocks that arrive in order extend a *run*, indexed by its
first and last subject. If the runs, ordered by their first subject, do not
overlap, writing them in that order gives the sorted file — the common case
(measures come in ID order), costing one small sort per block and memory for
a handful of runs. Overlapping blocks (possible only for IDs that are prefixes of one
another, like 06-22 and 06-220) fall back to sorting all lines in memory. The other formats are
produced by streaming the sorted N-Triples back: Turtle and TriG through
pyoxigraph's writers (with the build's prefixes), JSON-LD one compacted node per
subject (:mod:`kg.rdf.jsonld`). No format holds the dataset in memory, and every
format lists the same triples in the same order.

The caller (:mod:`kg.build.pipeline`) writes into a staging folder that replaces the
output folder only when complete.
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from pyoxigraph import NamedNode, Quad, RdfFormat, Triple, parse, serialize

from kg.manifest import GraphEntry, Manifest
from kg.rdf.jsonld import write_dataset_jsonld
from kg.vocabulary import PREFIXES

FORMATS = ("nt", "ttl", "trig", "jsonld")
_MAX_MERGE = 32  # runs merged from disk at once (each holds a file open)


@dataclass(frozen=True)
class SortedBlock:
    """Sorted, de-duplicated N-Triples lines of one subject namespace, ready for a :class:`GraphSink`.

    ``first`` and ``last`` are the subjects (``<iri> ``, with the space) of its
    first and last lines: two blocks whose subjects don't interleave can't have
    interleaving lines, since no subject is a prefix of another up to that
    space. Made by :func:`sorted_block`, possibly in a worker process.
    """

    data: bytes
    first: bytes
    last: bytes
    count: int


def sorted_block(triples: Sequence[Triple]) -> SortedBlock:
    """Serialise ``triples`` as canonical N-Triples, one line each, sorted."""
    return _sorted(list(set(_ntriples(triples).splitlines())) if triples else [])


def _sorted(lines: list[bytes]) -> SortedBlock:
    if not lines:
        return SortedBlock(b"", b"", b"", 0)
    lines.sort()
    return SortedBlock(b"\n".join(lines) + b"\n", _subject(lines[0]), _subject(lines[-1]), len(lines))


def _subject(line: bytes) -> bytes:
    return line[: line.index(b" ") + 1]


@dataclass(frozen=True)
class Segment:
    """Sorted N-Triples lines stored at ``path`` (``offset``, ``length``), with their first and last subject.

    Worker processes write their chunks to files and hand back only segments,
    so the triples themselves never travel between processes.
    """

    path: Path
    offset: int
    length: int
    first: bytes
    last: bytes
    count: int


@dataclass
class _Run:
    """Segments of one namespace whose subjects come in order: one index entry for all of them."""

    first: bytes
    last: bytes
    segments: list[Segment]

    def extend(self, seg: Segment) -> None:
        prev = self.segments[-1]
        self.last = seg.last
        if prev.path == seg.path and prev.offset + prev.length == seg.offset:
            self.segments[-1] = Segment(
                prev.path, prev.offset, prev.length + seg.length, prev.first, seg.last, 0
            )
        else:
            self.segments.append(seg)


def _bytes(data: bytes | None) -> bytes:
    assert data is not None  # serialize() returns bytes when given no output
    return data


def _ntriples(triples: Sequence[Triple]) -> bytes:
    return _bytes(serialize(triples, format=RdfFormat.N_TRIPLES))


def _namespace(line: bytes) -> bytes:
    """The subject's namespace: the subject IRI up to its last '/' (or ``_:`` for blank nodes)."""
    if not line.startswith(b"<"):
        return b"_:"
    end = line.index(b"> ")
    cut = line.rfind(b"/", 0, end)
    return line[: cut + 1] if cut > 0 else line[:end]


@dataclass
class _Lane:
    """One subject namespace (``…/kpi/``, ``…/measure/`` …): its spool file (if written here) and open run."""

    path: Path
    fh: IO[bytes] | None = None
    offset: int = 0
    run: _Run | None = None


@dataclass
class GraphSink:
    """Accumulates one named graph as sorted segments, indexed by runs per subject namespace."""

    name: str
    iri: NamedNode
    spool_dir: Path
    triples: int = 0
    _lanes: dict[bytes, _Lane] = field(default_factory=dict)
    _runs: list[_Run] = field(default_factory=list)

    def add_block(self, triples: Sequence[Triple]) -> None:
        """Add triples that belong together (one reference table), in any subject namespaces."""
        by_lane: dict[bytes, list[bytes]] = {}
        for line in set(_ntriples(triples).splitlines()):
            by_lane.setdefault(_namespace(line), []).append(line)
        for key, lines in by_lane.items():
            self.add_sorted(key, _sorted(lines))

    def add_sorted(self, key: bytes, block: SortedBlock) -> None:
        """Add one block already sorted (see :func:`sorted_block`), spooled to ``key``'s file."""
        if not block.count:
            return
        lane = self._lane(key)
        if lane.fh is None:
            lane.fh = lane.path.open("wb", buffering=1 << 20)
        lane.fh.write(block.data)
        self.add_segment(
            key, Segment(lane.path, lane.offset, len(block.data), block.first, block.last, block.count)
        )
        lane.offset += len(block.data)

    def add_segment(self, key: bytes, seg: Segment) -> None:
        """Add sorted lines already stored in a file (by a worker process) to namespace ``key``."""
        lane = self._lane(key)
        self.triples += seg.count
        if lane.run is not None and lane.run.last < seg.first:
            lane.run.extend(seg)  # still in order (the common case)
        else:
            lane.run = _Run(seg.first, seg.last, [seg])
            self._runs.append(lane.run)

    def _lane(self, key: bytes) -> _Lane:
        lane = self._lanes.get(key)
        if lane is None:
            lane = self._lanes[key] = _Lane(self.spool_dir / f".{self.name}.{len(self._lanes)}.spool")
        return lane

    def close(self) -> None:
        """Close the spool files (``finish`` does; this is for a build that stops early)."""
        for lane in self._lanes.values():
            if lane.fh is not None and not lane.fh.closed:
                lane.fh.close()

    def finish(self, target: Path) -> int:
        """Write the sorted N-Triples to ``target``; return the number of triples.

        Runs whose subject ranges don't overlap are copied as they are; runs
        that overlap (line numbers as text: ``row/99`` > ``row/100``) are
        merged line by line, reading each run in chunks.
        """
        self.close()
        try:
            with target.open("wb", buffering=1 << 20) as dst:
                for cluster in _clusters(self._runs):
                    if len(cluster) == 1:
                        for seg in cluster[0].segments:
                            _copy(seg, dst)
                        continue
                    if len(cluster) <= _MAX_MERGE:
                        merged: Iterable[bytes] = heapq.merge(*(_run_lines(r) for r in cluster))
                    else:  # measures far out of ID order: sort this stretch in memory
                        merged = sorted(line for r in cluster for line in _run_lines(r))
                    previous = None
                    for line in merged:
                        if line == previous:
                            self.triples -= 1  # the same triple in two blocks
                        else:
                            dst.write(line)
                            previous = line
        finally:
            for lane in self._lanes.values():
                lane.path.unlink(missing_ok=True)
        return self.triples


def _clusters(runs: list[_Run]) -> list[list[_Run]]:
    """Runs ordered by first subject, grouped where their subject ranges overlap."""
    clusters: list[list[_Run]] = []
    last = b""
    for run in sorted(runs, key=lambda r: r.first):
        if clusters and run.first <= last:
            clusters[-1].append(run)
            last = max(last, run.last)
        else:
            clusters.append([run])
            last = run.last
    return clusters


def _copy(seg: Segment, dst: IO[bytes]) -> None:
    with seg.path.open("rb") as src:
        src.seek(seg.offset)
        left = seg.length
        while left > 0:
            chunk = src.read(min(left, 1 << 20))
            if not chunk:
                raise OSError(f"spool file {seg.path} ended early")
            dst.write(chunk)
            left -= len(chunk)


def _run_lines(run: _Run) -> Iterator[bytes]:
    """The lines (with their ends) of one run, read segment by segment in chunks."""
    for seg in run.segments:
        with seg.path.open("rb") as src:
            src.seek(seg.offset)
            left, rest = seg.length, b""
            while left > 0:
                chunk = src.read(min(left, 1 << 20))
                left -= len(chunk)
                lines = (rest + chunk).split(b"\n")
                rest = lines.pop()
                for line in lines:
                    yield line + b"\n"


#: One written graph, as listed in ``manifest.json``: name, IRI, triple count, files by format.
GraphFile = GraphEntry


def _graph_prefixes(graph_prefixes: dict[str, str]) -> dict[str, str]:
    return {**PREFIXES, **graph_prefixes}


def write_graph_formats(
    directory: Path, sink: GraphSink, formats: Iterable[str], prefixes: dict[str, str]
) -> GraphFile:
    """Finish a graph's N-Triples and derive its Turtle from them."""
    nt = directory / f"{sink.name}.nt"
    count = sink.finish(nt)
    files = {"ntriples": nt.name}
    if "ttl" in formats:
        ttl = directory / f"{sink.name}.ttl"
        write_turtle(nt, ttl, prefixes)
        files["turtle"] = ttl.name
    return GraphFile(sink.name, sink.iri.value, count, files)


def write_turtle(nt: Path, ttl: Path, prefixes: dict[str, str]) -> None:
    """Turtle of one graph, streamed from its sorted N-Triples by pyoxigraph's writer."""
    triples = parse(path=nt, format=RdfFormat.N_TRIPLES)
    serialize(triples, ttl, RdfFormat.TURTLE, prefixes=_graph_prefixes(prefixes))


def _quads(directory: Path, graphs: Sequence[GraphFile]) -> Iterator[Quad]:
    for g in graphs:
        name = NamedNode(g.iri)
        for t in parse(path=directory / g.files["ntriples"], format=RdfFormat.N_TRIPLES):
            yield Quad(t.subject, t.predicate, t.object, name)


def write_dataset_formats(
    directory: Path, graphs: Sequence[GraphFile], formats: Iterable[str], prefixes: dict[str, str]
) -> dict[str, str]:
    """TriG and JSON-LD of all graphs together, from the per-graph N-Triples."""
    files: dict[str, str] = {}
    all_prefixes = _graph_prefixes(prefixes)
    if "trig" in formats:
        serialize(
            _quads(directory, graphs), directory / "dataset.trig", RdfFormat.TRIG, prefixes=all_prefixes
        )
        files["trig"] = "dataset.trig"
    if "jsonld" in formats:
        context: dict[str, Any] = {"@context": dict(sorted(all_prefixes.items()))}
        _write_json(directory / "context.jsonld", context)
        write_dataset_jsonld(
            directory / "dataset.jsonld",
            ((g.iri, directory / g.files["ntriples"]) for g in graphs),
            all_prefixes,
        )
        files["jsonld"] = "dataset.jsonld"
        files["jsonld_context"] = "context.jsonld"
    return files


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def write_manifest(directory: Path, manifest: Manifest) -> None:
    manifest.write(directory)
