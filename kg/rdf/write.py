"""Write the dumps: sorted N-Triples per graph, Turtle, TriG and JSON-LD, atomically.

Sorted N-Triples without a global sort: triples arrive in groups (one per
measure); each group is split by subject namespace (``…/measure/``,
``…/kpi/`` …) into *blocks*, each block sorted on its own and spooled to its
namespace's file. Blocks that arrive in order extend a *run*, indexed by its
first and last subject. Segments whose subject ranges overlap no other are
copied in the order of their first subject — the common case (measures come
in ID order), costing one small sort per block and memory for a handful of
runs. Overlapping segments (the lineage links added after an edition's
measures; line numbers as text, ``row/99`` > ``row/100``; IDs that are prefixes
of one another, like 06-22 and 06-220) are merged a window at a time. The other formats are
produced by streaming the sorted N-Triples back: Turtle and TriG through
pyoxigraph's writers (with the build's prefixes), JSON-LD one compacted node per
subject (:mod:`kg.rdf.jsonld`). No format holds the dataset in memory, and every
format lists the same triples in the same order.

The caller (:mod:`kg.build.pipeline`) writes into a staging folder that replaces the
output folder only when complete.
"""

from __future__ import annotations

import bisect
import contextlib
import dataclasses
import itertools
import json
import os
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import islice
from pathlib import Path
from typing import IO

from pyoxigraph import NamedNode, Quad, RdfFormat, Triple, parse, serialize

from kg.manifest import GraphEntry, Manifest, sha256_file
from kg.rdf.jsonld import write_dataset_jsonld
from kg.vocabulary import PREFIXES

FORMATS = ("nt", "ttl", "trig", "jsonld")
_MAX_MERGE = 32  # sorted streams (runs) merged from disk at once (each holds a file open)


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


def sorted_block(lines: Collection[str]) -> SortedBlock:
    """Sort N-Triples lines (without their line ends) into a block, each line once.

    The lines are those :meth:`kg.rdf.plan.PlanMapper.measure_lanes` writes: terms
    pyoxigraph rendered, joined. Sorting text sorts by code point, which is the
    order of the UTF-8 bytes, so a block sorts as the files' bytes do.
    """
    if not lines:
        return _sorted([])
    unique = sorted(set(lines))
    data = ("\n".join(unique) + "\n").encode()
    first, last = (line[: line.index(" ") + 1].encode() for line in (unique[0], unique[-1]))
    return SortedBlock(data, first, last, len(unique))


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

    segments: list[Segment]

    @property
    def last(self) -> bytes:
        return self.segments[-1].last

    def extend(self, seg: Segment) -> None:
        prev = self.segments[-1]
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

    def add_lines(self, key: bytes, lines: Iterable[str], batch: int = 20_000) -> None:
        """Add a long stream of N-Triples lines (see :func:`sorted_block`) to lane ``key``, in batches."""
        it = iter(lines)
        while chunk := list(islice(it, batch)):
            self.add_sorted(key, sorted_block(chunk))

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
            lane.run = _Run([seg])
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

        Segments whose subject ranges overlap no other are copied as they are
        (by the kernel, where it can); segments that overlap (line numbers as
        text: ``row/99`` > ``row/100``; measure IDs such as ``10-0900`` …
        ``100-0001`` … ``11-0001``) are merged, reading each a megabyte at a
        time (:func:`_merge`). Overlaps are looked for segment by segment, not run by run: one
        stray segment then costs a merge of its neighbours, not of the whole lane.
        """
        self.close()
        try:
            with target.open("wb", buffering=0) as dst:  # unbuffered: copies and merges write whole chunks
                for group in _overlapping(self._runs):
                    if len(group) == 1 and len(group[0]) == 1:
                        _copy(group[0][0], dst)
                    else:
                        self.triples -= _merge(group, dst)
        finally:
            for lane in self._lanes.values():
                lane.path.unlink(missing_ok=True)
        return self.triples


def _overlapping(runs: list[_Run]) -> list[list[list[Segment]]]:
    """Segments grouped where their subject ranges overlap, ordered by first subject.

    Each group is given as its runs' segments (a list per run, in order): the
    segments of one run never overlap, so each list is one sorted stream.
    """
    segments = ((seg, i) for i, run in enumerate(runs) for seg in run.segments)
    tagged = sorted(segments, key=lambda t: t[0].first)
    groups: list[dict[int, list[Segment]]] = []
    last = b""
    for seg, run in tagged:
        if groups and seg.first <= last:
            groups[-1].setdefault(run, []).append(seg)
            last = max(last, seg.last)
        else:
            groups.append({run: [seg]})
            last = seg.last
    return [list(group.values()) for group in groups]


def _merge(streams: list[list[Segment]], dst: IO[bytes]) -> int:
    """Merge sorted streams of segments into ``dst``, each line once; return how many lines were repeats.

    A window at a time: up to a megabyte of lines from each stream, of which every
    line up to the smallest of the streams' last lines is written, sorted (``list.sort``
    merges sorted stretches in C, far faster than a heap a line at a time); the
    rest waits for the next window. Streams far out of ID order (too many to
    hold a file open each) are sorted in memory instead.
    """
    if len(streams) > _MAX_MERGE:
        lines = sorted(line for segs in streams for seg in segs for chunk in _chunks(seg) for line in chunk)
        unique = list(dict.fromkeys(lines))
        _write_lines(dst, unique)
        return len(lines) - len(unique)
    readers = [itertools.chain.from_iterable(_chunks(seg) for seg in segs) for segs in streams]
    buffers: list[list[bytes]] = [[] for _ in readers]
    open_ = [True] * len(readers)  # the stream may hold more than its buffer
    repeats, previous = 0, b""
    while True:
        for i, reader in enumerate(readers):
            if open_[i] and not buffers[i]:
                buffers[i] = next(reader, [])
                open_[i] = bool(buffers[i])
        tails = [buffers[i][-1] for i in range(len(readers)) if open_[i]]
        bound = min(tails) if tails else None  # None: every stream is read to its end
        window: list[bytes] = []
        for i, buf in enumerate(buffers):
            cut = len(buf) if bound is None else bisect.bisect_right(buf, bound)
            window += buf[:cut]
            buffers[i] = buf[cut:]
        if not window:
            return repeats
        window.sort()
        unique = list(dict.fromkeys(window))
        if unique[0] == previous:  # the last line of the window before
            unique.pop(0)
        repeats += len(window) - len(unique)
        if unique:
            _write_lines(dst, unique)
            previous = unique[-1]


def _write_lines(dst: IO[bytes], lines: list[bytes]) -> None:
    dst.write(b"\n".join(lines) + b"\n" if lines else b"")


def _chunks(seg: Segment) -> Iterator[list[bytes]]:
    """The lines of one segment (without their ends), a megabyte at a time."""
    with seg.path.open("rb") as src:
        src.seek(seg.offset)
        left, rest = seg.length, b""
        while left > 0:
            chunk = src.read(min(left, 1 << 20))
            if not chunk:
                raise OSError(f"spool file {seg.path} ended early")
            left -= len(chunk)
            lines = (rest + chunk).split(b"\n")
            rest = lines.pop()
            if lines:
                yield lines


def _copy(seg: Segment, dst: IO[bytes]) -> None:
    """Append a segment to ``dst``: by ``os.sendfile`` where the system has it (as :mod:`shutil` does)."""
    with seg.path.open("rb") as src:
        offset, left = seg.offset, seg.length
        if hasattr(os, "sendfile"):
            with contextlib.suppress(OSError):  # not for these files here: copied through memory below
                while left > 0 and (sent := os.sendfile(dst.fileno(), src.fileno(), offset, left)):
                    offset, left = offset + sent, left - sent
        src.seek(offset)
        while left > 0:
            chunk = src.read(min(left, 1 << 20))
            if not chunk:
                raise OSError(f"spool file {seg.path} ended early")
            dst.write(chunk)
            left -= len(chunk)


#: One written graph, as listed in ``manifest.json``: name, IRI, triple count, files by format.
GraphFile = GraphEntry


def _graph_prefixes(graph_prefixes: dict[str, str]) -> dict[str, str]:
    return {**PREFIXES, **graph_prefixes}


def finish_graph(directory: Path, sink: GraphSink) -> GraphFile:
    """Finish a graph's sorted N-Triples (the file every other format is derived from)."""
    nt = directory / f"{sink.name}.nt"
    count = sink.finish(nt)
    return GraphFile(sink.name, sink.iri.value, count, {"ntriples": nt.name})


def write_graph_formats(
    directory: Path, sink: GraphSink, formats: Iterable[str], prefixes: dict[str, str]
) -> GraphFile:
    """Finish a graph's N-Triples and derive its Turtle from them, here and now."""
    graph = finish_graph(directory, sink)
    only_turtle = set(formats) & {"ttl"}  # a graph alone has no dataset files
    graphs, _files, tasks = derived_formats(directory, [(graph, prefixes)], only_turtle, {})
    for task in tasks:
        task()
    return graphs[0]


def write_turtle(nt: Path, ttl: Path, prefixes: dict[str, str]) -> None:
    """Turtle of one graph, streamed from its sorted N-Triples by pyoxigraph's writer."""
    triples = parse(path=nt, format=RdfFormat.N_TRIPLES)
    serialize(triples, ttl, RdfFormat.TURTLE, prefixes=_graph_prefixes(prefixes))


def write_trig(directory: Path, graphs: Sequence[GraphFile], trig: Path, prefixes: dict[str, str]) -> None:
    """TriG of all graphs together, streamed from the per-graph N-Triples."""
    serialize(_quads(directory, graphs), trig, RdfFormat.TRIG, prefixes=_graph_prefixes(prefixes))


def write_jsonld(directory: Path, graphs: Sequence[GraphFile], prefixes: dict[str, str]) -> None:
    """JSON-LD of all graphs together (``dataset.jsonld``) and its context alone (``context.jsonld``)."""
    all_prefixes = _graph_prefixes(prefixes)
    _write_json(directory / "context.jsonld", {"@context": dict(sorted(all_prefixes.items()))})
    write_dataset_jsonld(
        directory / "dataset.jsonld",
        ((g.iri, directory / g.files["ntriples"]) for g in graphs),
        all_prefixes,
    )


def _quads(directory: Path, graphs: Sequence[GraphFile]) -> Iterator[Quad]:
    for g in graphs:
        name = NamedNode(g.iri)
        for t in parse(path=directory / g.files["ntriples"], format=RdfFormat.N_TRIPLES):
            yield Quad(t.subject, t.predicate, t.object, name)


#: A task that writes files of a derived format and returns their SHA-256, by file name.
Task = Callable[[], dict[str, str]]


def _hashed(write: Callable[[], None], paths: tuple[Path, ...]) -> dict[str, str]:
    """Run ``write``, then hash what it wrote, there and then (in the writer's process, for the manifest)."""
    write()
    return {path.name: sha256_file(path) for path in paths}


def derived_formats(
    directory: Path,
    graphs: Sequence[tuple[GraphFile, dict[str, str]]],
    formats: Iterable[str],
    prefixes: dict[str, str],
) -> tuple[list[GraphFile], dict[str, str], list[Task]]:
    """The formats derived from finished N-Triples: the graphs' new entries, the dataset's files, the tasks.

    ``graphs`` pairs each graph with its prefixes (for its Turtle); ``prefixes``
    are the dataset's (TriG, JSON-LD). The entries and file names are known
    before anything is written (the manifest lists them); each task writes one
    format's files, returns their SHA-256 for the manifest, and can run in
    another process (a picklable partial), largest first: JSON-LD, TriG, then
    each graph's Turtle by size.
    """
    wanted = set(formats)
    entries: list[GraphFile] = []
    turtle: list[tuple[int, Task]] = []
    for graph, graph_prefixes in graphs:
        if "ttl" not in wanted:
            entries.append(graph)
            continue
        ttl = f"{graph.name}.ttl"
        entries.append(dataclasses.replace(graph, files={**graph.files, "turtle": ttl}))
        nt = directory / graph.files["ntriples"]
        write = partial(write_turtle, nt, directory / ttl, graph_prefixes)
        turtle.append((graph.triples, partial(_hashed, write, (directory / ttl,))))
    files: dict[str, str] = {}
    tasks: list[Task] = []
    plain = [g for g, _ in graphs]
    if "trig" in wanted:
        trig = directory / "dataset.trig"
        tasks.append(partial(_hashed, partial(write_trig, directory, plain, trig, prefixes), (trig,)))
        files["trig"] = trig.name
    if "jsonld" in wanted:
        written = (directory / "dataset.jsonld", directory / "context.jsonld")
        # the slowest first
        tasks.insert(0, partial(_hashed, partial(write_jsonld, directory, plain, prefixes), written))
        files.update({"jsonld": written[0].name, "jsonld_context": written[1].name})
    tasks.extend(task for _, task in sorted(turtle, key=lambda pair: -pair[0]))
    return entries, files, tasks


def write_dataset_formats(
    directory: Path, graphs: Sequence[GraphFile], formats: Iterable[str], prefixes: dict[str, str]
) -> dict[str, str]:
    """TriG and JSON-LD of all graphs together, from the per-graph N-Triples, here and now."""
    pairs: list[tuple[GraphFile, dict[str, str]]] = [(g, {}) for g in graphs]
    _entries, files, tasks = derived_formats(directory, pairs, set(formats) - {"ttl"}, prefixes)
    for task in tasks:
        task()
    return files


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def write_manifest(directory: Path, manifest: Manifest, known: Mapping[str, str] | None = None) -> None:
    manifest.write(directory, known)
