"""Rows → sorted triple blocks, in this process or spread over worker processes.

Normalising and mapping one measure depends on no other measure, so a large
edition is cut into chunks of rows that worker processes normalise, map and
serialise; the results come back in source order, so the output is the same
bytes whatever the number of workers. Small editions (the bundled one) run in
this process: starting workers would cost more than it saves.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice

from kg.findings import Finding
from kg.model.assemble import Assembled, assemble_row
from kg.rdf.plan import PlanMapper
from kg.rdf.write import SortedBlock, sorted_block
from kg.read.table import RawRow
from kg.reference.organizations import Gazetteer

#: Below this many rows an edition is mapped in-process.
PARALLEL_THRESHOLD = 2000
_CHUNK = 200


@dataclass(frozen=True)
class Context:
    """What mapping a row needs; sent once to each worker."""

    mapper: PlanMapper
    labels: tuple[str, ...]
    sha256: str
    gazetteer: Gazetteer


@dataclass(frozen=True)
class Mapped:
    """One row's outcome: findings, its triples as sorted blocks per namespace, and counts."""

    findings: tuple[Finding, ...]
    blocks: tuple[tuple[bytes, SortedBlock], ...] = ()
    kpis: int = 0
    participations: int = 0
    marks: tuple[str, ...] = ()  # confidence of each mark
    organizations: tuple[str, ...] = ()

    @property
    def mapped(self) -> bool:
        return bool(self.blocks)


def map_item(ctx: Context, item: Assembled) -> Mapped:
    """Map an assembled measure (or pass on the findings of a row that could not be read)."""
    m = item.measure
    if m is None:
        return Mapped(item.findings)
    lanes = ctx.mapper.measure_lanes(m)
    return Mapped(
        item.findings,
        tuple((kind.encode(), sorted_block(triples)) for kind, triples in lanes.items() if triples),
        len(m.kpis),
        len(m.participations),
        tuple(str(mark.confidence) for mark in m.marks),
        tuple(p.org_id for p in m.participations),
    )


def map_row(ctx: Context, row: RawRow) -> Mapped:
    return map_item(ctx, assemble_row(row, ctx.labels, ctx.sha256, ctx.gazetteer))


def default_jobs(rows: int) -> int:
    """One process for small editions; otherwise one worker per core (at most 8)."""
    return 1 if rows < PARALLEL_THRESHOLD else max(1, min(os.cpu_count() or 1, 8))


def map_rows(ctx: Context, rows: Iterable[RawRow], jobs: int) -> Iterator[Mapped]:
    """Map ``rows`` in order, with ``jobs`` worker processes (1: in this process)."""
    if jobs <= 1:
        for row in rows:
            yield map_row(ctx, row)
        return
    window: deque[Future[list[Mapped]]] = deque()
    it = iter(rows)
    with ProcessPoolExecutor(jobs, initializer=_init, initargs=(ctx,)) as pool:
        # A bounded window of chunks in flight keeps memory flat: the reader runs
        # only as far ahead of the writer as the workers can use.
        while True:
            while len(window) < 2 * jobs:
                chunk = list(islice(it, _CHUNK))
                if not chunk:
                    break
                window.append(pool.submit(_map_chunk, chunk))
            if not window:
                return
            yield from window.popleft().result()


_WORKER: Context | None = None


def _init(ctx: Context) -> None:
    global _WORKER
    _WORKER = ctx


def _map_chunk(rows: list[RawRow]) -> list[Mapped]:
    assert _WORKER is not None, "worker not initialised"
    return [map_row(_WORKER, row) for row in rows]
