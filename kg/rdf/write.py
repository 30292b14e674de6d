"""Write the dumps: sorted N-Triples per graph, Turtle, TriG and JSON-LD, atomically.

Sorted N-Triples without a global sort: triples arrive in *blocks* (one per
measure, all of whose subjects share the measure's IRI as prefix), each block
is sorted on its own and spooled to disk with its first and last line. If the
blocks, ordered by their first line, do not overlap, their concatenation is
the sorted file — the common case, costing one sort per measure and memory for
the index only. Overlapping blocks (possible only for IDs that are prefixes of
one another) fall back to sorting all lines in memory. The other formats are
produced by streaming the sorted N-Triples back through pyoxigraph, so every
format lists the same triples in the same order.

The caller (:mod:`kg.pipeline`) writes into a staging folder that replaces the
output folder only when complete.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from pyld import jsonld
from pyoxigraph import NamedNode, Quad, RdfFormat, Triple, parse, serialize

from kg.rdf.terms import PREFIXES

FORMATS = ("nt", "ttl", "trig", "jsonld")


@dataclass
class _Block:
    first: bytes
    last: bytes
    offset: int
    length: int


@dataclass
class GraphSink:
    """Accumulates one named graph as sorted blocks in a spool file."""

    name: str
    iri: NamedNode
    spool: Path
    _fh: IO[bytes] | None = None
    _blocks: list[_Block] = field(default_factory=list)
    _offset: int = 0
    triples: int = 0

    def add_block(self, triples: Sequence[Triple]) -> None:
        """Add triples that belong together (one measure, or one reference table)."""
        if not triples:
            return
        if self._fh is None:
            self._fh = self.spool.open("wb")
        lines = sorted(set(serialize(triples, format=RdfFormat.N_TRIPLES).splitlines()))
        data = b"\n".join(lines) + b"\n"
        self._fh.write(data)
        self._blocks.append(_Block(lines[0], lines[-1], self._offset, len(data)))
        self._offset += len(data)
        self.triples += len(lines)

    def finish(self, target: Path) -> int:
        """Write the sorted N-Triples to ``target``; return the number of triples."""
        if self._fh is None:
            target.write_bytes(b"")
            return 0
        self._fh.close()
        order = sorted(range(len(self._blocks)), key=lambda i: self._blocks[i].first)
        blocks = [self._blocks[i] for i in order]
        disjoint = all(a.last < b.first for a, b in zip(blocks, blocks[1:], strict=False))
        if disjoint and order == list(range(len(order))):
            os.replace(self.spool, target)
        elif disjoint:
            with self.spool.open("rb") as src, target.open("wb") as dst:
                for b in blocks:
                    src.seek(b.offset)
                    dst.write(src.read(b.length))
        else:
            lines = sorted(set(self.spool.read_bytes().splitlines()))
            self.triples = len(lines)
            target.write_bytes(b"\n".join(lines) + b"\n")
        self.spool.unlink(missing_ok=True)
        return self.triples


@dataclass(frozen=True)
class GraphFile:
    """One written graph, as listed in ``manifest.json``."""

    name: str
    iri: str
    triples: int
    files: dict[str, str]


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
        serialize(
            parse(path=nt, format=RdfFormat.N_TRIPLES),
            ttl,
            RdfFormat.TURTLE,
            prefixes=_graph_prefixes(prefixes),
        )
        files["turtle"] = ttl.name
    return GraphFile(sink.name, sink.iri.value, count, files)


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
        serialize(_quads(directory, graphs), directory / "dataset.trig", RdfFormat.TRIG, prefixes=all_prefixes)
        files["trig"] = "dataset.trig"
    if "jsonld" in formats:
        context: dict[str, Any] = {"@context": dict(sorted(all_prefixes.items()))}
        _write_json(directory / "context.jsonld", context)
        expanded = json.loads(serialize(_quads(directory, graphs), format=RdfFormat.JSON_LD))
        compacted = jsonld.compact(expanded, context)
        _write_json(directory / "dataset.jsonld", compacted)
        files["jsonld"] = "dataset.jsonld"
        files["jsonld_context"] = "context.jsonld"
    return files


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def write_manifest(directory: Path, manifest: dict[str, Any]) -> None:
    _write_json(directory / "manifest.json", manifest)
