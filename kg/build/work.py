"""Rows → sorted triple blocks, in this process or spread over worker processes.

Normalising and mapping one measure depends on no other measure, so a large
edition is cut into chunks of rows that worker processes normalise, map and
serialise. Where the source can be cut at any line (UTF-8, Shift_JIS, EUC-JP)
a chunk is a stretch of its bytes that the worker reads itself
(:func:`map_slices`); otherwise the rows are read here and sent. Each worker
writes a chunk's sorted lines to a spool file and sends back only findings,
counts and :class:`~kg.rdf.write.Segment` records, so the triples never travel
between processes. Chunks are taken back in source order, so the output is the
same bytes whatever the number of workers. Small editions (the bundled one) run
in this process: starting workers would cost more than it saves. A measure's
lines go to its edition's graph, except, for the build's first edition, its
lineage resource, which goes to the lineage graph (:class:`Sinks`).

Workers never outlive the build: when the build stops early (an error, or a
signal the CLI turned into an exception) the pool's workers are killed before
the staging folder they write into is removed (:mod:`kg.processes`).

:class:`Writers` runs the writers of the formats derived from the N-Triples
(Turtle, TriG, JSON-LD): for a large build in worker processes while the build
validates (validation leaves a core idle for part of its time: it splits the data
into partitions on one core); for a small one here, after validation, where
starting workers would cost more than it saves.
"""

from __future__ import annotations

import itertools
import os
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from kg.assemble import assemble, draft_row, id_cell
from kg.build.lineage import Lineage
from kg.errors import Position
from kg.findings import Finding
from kg.processes import fresh_context, kill_pool, quiet_worker, worker_deaths
from kg.rdf.lineage import lineage_lines, lineage_links
from kg.rdf.plan import PlanMapper
from kg.rdf.write import GraphSink, Segment, sorted_block
from kg.read.source import SourceText
from kg.read.table import RawRow, RowSlice, TableReading, slice_rows
from kg.records import Assembled
from kg.reference.organizations import Gazetteer

#: Below this many rows an edition is mapped in-process.
PARALLEL_THRESHOLD = 2000
_CHUNK = 250

#: A measure's (or a chunk's) N-Triples lines by subject namespace (see :meth:`PlanMapper.measure_lanes`).
Lanes = dict[str, list[str]]
#: The lane of the lineage resources a measure starts (the build's first edition), for the lineage graph.
LINEAGE_LANE = "lineage"
#: Its key in a :class:`~kg.rdf.write.GraphSink` (lanes are keyed by bytes there).
LINEAGE_KEY = LINEAGE_LANE.encode()


@dataclass(frozen=True)
class Sinks:
    """Where mapped lines go: the edition's graph, but the lineage lane to the lineage graph."""

    plan: GraphSink
    lineage: GraphSink

    def __call__(self, key: bytes) -> GraphSink:
        return self.lineage if key == LINEAGE_KEY else self.plan


@dataclass(frozen=True)
class Context:
    """What mapping a row needs; sent once to each worker."""

    mapper: PlanMapper  # holds the edition: its layout and its source's SHA-256
    gazetteer: Gazetteer
    spool_dir: Path  # where workers write their chunks
    source: SourceText | None = None  # the extract, for workers that read their own rows
    #: Each measure starts its own lineage (the build's first edition): its link (in its edition's
    #: graph) and the lineage itself (in lane :data:`LINEAGE_LANE`) are written with it.
    links: bool = False


@dataclass(frozen=True)
class Mapped:
    """One row's outcome: its findings, and counts for the summary when it became a measure."""

    findings: tuple[Finding, ...]
    mapped: bool = False
    kpis: int = 0
    participations: int = 0
    marks: tuple[str, ...] = ()  # confidence of each mark
    organizations: tuple[str, ...] = ()
    measure_id: str = ""  # the measure's ID and name, for its lineage across editions
    name: str = ""
    source: Position | None = None
    #: A readable row's measure ID and the position of its cell (mapped or not), so that the
    #: build can tell a duplicate ID where workers read the rows (see :func:`map_slices`).
    row: tuple[str, Position] | None = None


def map_item(
    ctx: Context, item: Assembled, row: tuple[str, Position] | None = None
) -> tuple[Mapped, Lanes]:
    """Map an assembled measure (or pass on the findings of a row that could not be read)."""
    m = item.measure
    if m is None:
        return Mapped(item.findings, row=row), {}
    lanes = ctx.mapper.measure_lanes(m)
    if ctx.links:
        lineage = Lineage(ctx.mapper.key, m.id, m.name)
        lanes["measure"].extend(lineage_links(ctx.mapper.minter, lineage.edition, {m.id: lineage}))
        lanes[LINEAGE_LANE] = list(lineage_lines(ctx.mapper.minter, (lineage,)))
    counts = Mapped(
        item.findings,
        True,
        len(m.kpis),
        len(m.participations),
        tuple(str(mark.confidence) for mark in m.marks),
        tuple(p.org_id for p in m.participations),
        m.id,
        m.name,
        Position(m.source.file, m.source.line, measure_id=m.id),
        row,
    )
    return counts, lanes


def map_row(ctx: Context, row: RawRow | Finding) -> tuple[Mapped, Lanes]:
    """Map a row; a finding in its place (a row that could not be read) passes through in order."""
    if isinstance(row, Finding):
        return Mapped((row,)), {}
    edition = ctx.mapper.edition
    draft = draft_row(row, edition.layout, edition.sha256)
    return map_item(ctx, assemble(draft, ctx.gazetteer), id_cell(row))


def map_items(ctx: Context, items: Iterable[Assembled], sinks: Sinks) -> Generator[Mapped]:
    """Map assembled measures in this process, adding their triples to ``sinks``."""
    for item in items:
        mapped, lanes = map_item(ctx, item)
        _emit(sinks, lanes)
        yield mapped


def default_jobs(rows: int) -> int:
    """One process for small editions; otherwise one worker per core (at most 8)."""
    return 1 if rows < PARALLEL_THRESHOLD else max(1, min(os.cpu_count() or 1, 8))


def map_rows(
    ctx: Context, rows: Iterable[RawRow | Finding], jobs: int, sinks: Sinks
) -> Generator[Mapped]:
    """Map ``rows`` in order with ``jobs`` worker processes (1: here), adding their triples to ``sinks``."""
    if jobs <= 1:
        for row in rows:
            mapped, lanes = map_row(ctx, row)
            _emit(sinks, lanes)
            yield mapped
        return
    it = iter(rows)
    yield from _in_workers(ctx, iter(lambda: list(islice(it, _CHUNK)), []), jobs, sinks)


def map_slices(ctx: Context, table: TableReading, jobs: int, sinks: Sinks) -> Generator[Mapped]:
    """Map a large edition's rows in order with ``jobs`` workers that read their own stretches of it.

    For a :attr:`~kg.read.source.SourceText.sliceable` source: this process sends
    each worker a span of bytes, not the rows' text (a large edition is hundreds
    of megabytes of it). Duplicate IDs are not caught here: each result names
    its row's ID (:attr:`Mapped.row`), for the caller to check in order.
    """
    yield from _in_workers(ctx, iter(table.slices(_CHUNK)), jobs, sinks)


#: What a worker is given: rows read by the build process, or a stretch of the source to read.
Work = list[RawRow | Finding] | RowSlice


def _in_workers(ctx: Context, work: Iterator[Work], jobs: int, sinks: Sinks) -> Generator[Mapped]:
    ctx.spool_dir.mkdir(parents=True, exist_ok=True)
    window: deque[Future[tuple[list[Mapped], list[tuple[bytes, Segment]]]]] = deque()
    pool = ProcessPoolExecutor(jobs, initializer=_init, initargs=(ctx,))
    try:
        # A bounded window of chunks in flight keeps memory flat: the reader runs
        # only as far ahead of the writer as the workers can use. A dead worker
        # breaks the pool: submitting or waiting then raises, either way WorkerDied.
        with worker_deaths("mapping rows"):
            while True:
                while len(window) < 2 * jobs:
                    chunk = next(work, None)
                    if chunk is None:
                        break
                    window.append(pool.submit(_map_chunk, chunk))
                if not window:
                    break
                results, segments = window.popleft().result()
                yield from results
                for key, seg in segments:
                    sinks(key).add_segment(key, seg)
    except BaseException:  # an error, a signal turned into an exception, or the consumer closing us
        kill_pool(pool)
        raise
    pool.shutdown(wait=True)


def _emit(sinks: Sinks, lanes: Lanes) -> None:
    for kind, lines in lanes.items():
        if lines:
            key = kind.encode()
            sinks(key).add_sorted(key, sorted_block(lines))


_WORKER: Context | None = None
_CHUNKS = itertools.count()


def _init(ctx: Context) -> None:
    global _WORKER
    _WORKER = ctx
    quiet_worker()


def _map_chunk(work: Work) -> tuple[list[Mapped], list[tuple[bytes, Segment]]]:
    """Map a chunk in a worker; write its lines to one spool file, namespace by namespace."""
    ctx = _WORKER
    assert ctx is not None, "worker not initialised"
    if isinstance(work, RowSlice):
        assert ctx.source is not None, "a stretch of rows needs the source"
        rows: Iterable[RawRow | Finding] = slice_rows(ctx.source, work)
    else:
        rows = work
    results: list[Mapped] = []
    lanes: Lanes = {}
    for row in rows:
        mapped, row_lanes = map_row(ctx, row)
        results.append(mapped)
        for kind, lines in row_lanes.items():
            lanes.setdefault(kind, []).extend(lines)
    path = ctx.spool_dir / f"chunk-{os.getpid()}-{next(_CHUNKS)}.nt"
    segments: list[tuple[bytes, Segment]] = []
    offset = 0
    with path.open("wb") as fh:
        for kind, lines in lanes.items():  # one sort a namespace a chunk, not one a measure
            block = sorted_block(lines)
            if not block.count:
                continue
            fh.write(block.data)
            segment = Segment(path, offset, len(block.data), block.first, block.last, block.count)
            segments.append((kind.encode(), segment))
            offset += len(block.data)
    return results, segments


#: Above this many triples (all graphs) the derived formats are written in worker processes.
BACKGROUND_TRIPLES = 150_000


class Writers:
    """Tasks that write the derived formats: started in worker processes now, or run here when waited for.

    Each task is a picklable callable that writes one format's files into the
    staging folder and returns their SHA-256 (for the manifest). In the
    background the largest go first (the caller's order), on at most one
    worker per core; :meth:`cancel` ends them (the build failed
    validation, or stopped), and nothing they wrote outlives the staging folder.
    """

    def __init__(self, tasks: Sequence[Callable[[], dict[str, str]]], triples: int) -> None:
        """Start ``tasks`` in the background if the build (``triples`` in all graphs) is large."""
        self._tasks = list(tasks)
        self._pool: ProcessPoolExecutor | None = None
        self._futures: list[Future[dict[str, str]]] = []
        if triples > BACKGROUND_TRIPLES and self._tasks:
            workers = max(1, min(len(self._tasks), os.cpu_count() or 1))
            context = fresh_context("kg.rdf.write")
            self._pool = ProcessPoolExecutor(workers, mp_context=context, initializer=quiet_worker)
            try:
                with worker_deaths("writing Turtle, TriG or JSON-LD"):
                    self._futures = [self._pool.submit(task) for task in self._tasks]
            except BaseException:
                self.cancel()
                raise

    def wait(self) -> dict[str, str]:
        """Every file written (here, or by workers) and its SHA-256, by name; a writer's error is raised."""
        digests: dict[str, str] = {}
        if self._pool is None:
            for task in self._tasks:
                digests.update(task())
            self._tasks = []
            return digests
        try:
            with worker_deaths("writing Turtle, TriG or JSON-LD"):
                for future in self._futures:
                    digests.update(future.result())
        except BaseException:
            self.cancel()
            raise
        self._pool.shutdown(wait=True)
        self._pool = None
        return digests

    def cancel(self) -> None:
        """End the workers now, if any are left (a no-op after :meth:`wait`)."""
        if self._pool is not None:
            kill_pool(self._pool)
            self._pool = None
