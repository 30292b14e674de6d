"""The sorted N-Triples writer: any arrival order gives sorted, de-duplicated lines, as pyoxigraph's."""

from __future__ import annotations

import dataclasses
import errno
import os
import random
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, parse, serialize

from kg.build.edition import read_edition
from kg.findings import Report
from kg.rdf.plan import PlanMapper
from kg.rdf.terms import Minter
from kg.rdf.write import GraphSink, Segment, sorted_block
from kg.read.edition import load_editions
from kg.reference.laws import load_laws
from kg.reference.organizations import load_gazetteer
from tests.paths import ROOT

P = NamedNode("https://kg.example.jp/def/kg#p")


def _triples(subject: str, n: int = 3) -> list[Triple]:
    s = NamedNode(f"https://kg.example.jp/plan/2022-06-07/{subject}")
    return [Triple(s, P, Literal(str(i))) for i in range(n)]


def _lines(triples: list[Triple]) -> list[str]:
    """The triples as N-Triples lines, as the plan mapper writes them (terms as pyoxigraph renders them)."""
    return [f"{t.subject} {t.predicate} {t.object} ." for t in triples]


def _expected(blocks: list[list[Triple]], tmp_path: Path) -> bytes:
    """Every block's triples once, as pyoxigraph's N-Triples serialiser writes them, sorted."""
    lines = set()
    for b in blocks:
        lines.update(serialize(b, format=RdfFormat.N_TRIPLES).splitlines())
    return b"".join(line + b"\n" for line in sorted(lines))


@pytest.fixture(params=["sendfile", "sendfile refused", "no sendfile"])
def copying(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How segments are copied: by the kernel (the calls are counted), or through memory where it refuses."""
    calls: list[int] = []
    real = os.sendfile

    def sendfile(out_fd: int, in_fd: int, offset: int, count: int) -> int:
        calls.append(count)
        if request.param == "sendfile refused":
            raise OSError(errno.EINVAL, "not for these files")
        return real(out_fd, in_fd, offset, count)

    if request.param == "no sendfile":
        monkeypatch.delattr(os, "sendfile")
    else:
        monkeypatch.setattr(os, "sendfile", sendfile)
    return calls


@pytest.mark.parametrize("order", ["sorted", "reversed", "shuffled", "line-numbers", "few-runs"])
def test_any_order_gives_sorted_output(tmp_path: Path, order: str, copying: list[int]) -> None:
    if order == "line-numbers":  # row/99 sorts after row/100: runs overlap and are merged
        subjects = [f"row/{n}" for n in range(1, 1200)]
    else:
        subjects = [f"measure/{g:02d}-{n:02d}" for g in range(3, 10) for n in range(1, 40)]
        if order == "reversed":
            subjects.reverse()
        elif order == "shuffled":
            random.Random(3).shuffle(subjects)
        elif order == "few-runs":  # three interleaved sorted runs: merged from disk
            subjects = subjects[::3] + subjects[1::3] + subjects[2::3]
    blocks = [_triples(s) for s in subjects]
    blocks.append(_triples(subjects[5]))  # the same triples again: written once
    sink = GraphSink("g", NamedNode("https://kg.example.jp/graph/g"), tmp_path)
    for b in blocks:
        sink.add_sorted(b"lane", sorted_block(_lines(b)))
    count = sink.finish(tmp_path / "g.nt")
    data = (tmp_path / "g.nt").read_bytes()
    assert data == _expected(blocks, tmp_path)
    assert count == len(data.splitlines()) == 3 * len(subjects)
    assert not list(tmp_path.glob("*.spool"))


def test_a_stray_chunk_is_copied_not_merged(tmp_path: Path, copying: list[int]) -> None:
    """Group 100's measures come after group 99's but sort between groups 10 and 11.

    Chunks of rows (as worker processes write them, one file each) arrive in
    source order; the stray chunk overlaps no other chunk, so every chunk is
    copied whole, in sorted order, and nothing is merged line by line.
    """
    chunks = [[f"measure/{g}-{n:02d}" for n in range(i, i + 10)] for g in (10, 11) for i in (1, 11)]
    chunks.append([f"measure/100-{n:02d}" for n in range(1, 11)])
    sink = GraphSink("g", NamedNode("https://kg.example.jp/graph/g"), tmp_path)
    blocks = []
    for i, chunk in enumerate(chunks):
        triples = [t for subject in chunk for t in _triples(subject)]
        blocks.append(triples)
        block = sorted_block(_lines(triples))
        path = tmp_path / f"chunk-{i}.nt"
        path.write_bytes(block.data)
        sink.add_segment(b"lane", Segment(path, 0, len(block.data), block.first, block.last, block.count))
    assert sink.finish(tmp_path / "g.nt") == 150
    assert (tmp_path / "g.nt").read_bytes() == _expected(blocks, tmp_path)
    assert len(copying) == (5 if hasattr(os, "sendfile") else 0)  # one call a chunk: none merged


def test_mixed_namespaces_in_one_block(tmp_path: Path) -> None:
    sink = GraphSink("g", NamedNode("https://kg.example.jp/graph/g"), tmp_path)
    blocks = [
        _triples("measure/01-01") + _triples("kpi/01-01-1"),
        _triples("row/5") + _triples("kpi/01-01-2"),
    ]
    for b in blocks:
        sink.add_block(b)
    assert sink.finish(tmp_path / "g.nt") == 12
    assert (tmp_path / "g.nt").read_bytes() == _expected(blocks, tmp_path)


#: Text that N-Triples must escape, or must not: quotes, backslashes, line ends, a tab, control
#: characters, a line separator (U+2028) and characters outside the BMP.
TRICKY = 'say "はい" \\ C:\\path\nnext\r\tline \x01\x7f \u2028 𠮷 🙂'


def test_a_measures_lines_are_pyoxigraphs_n_triples() -> None:
    """The plan mapper joins terms pyoxigraph rendered into lines; they must be its serialiser's lines.

    A real measure of the bundled edition, its texts replaced by ones N-Triples
    escapes: each lane parses back to the same text, and its block is, byte for
    byte, what pyoxigraph writes for the parsed triples.
    """
    data = ROOT / "data"
    (meta,) = load_editions(data)
    gazetteer, laws = load_gazetteer(data / "reference"), load_laws(data / "reference")
    reading = read_edition(meta, data, gazetteer, laws, Report())
    measure = next(i.measure for i in reading.items() if i.measure is not None and i.measure.kpis)
    kpi = dataclasses.replace(measure.kpis[0], text=TRICKY)
    measure = dataclasses.replace(measure, name=TRICKY, description=TRICKY, kpis=(kpi, *measure.kpis[1:]))
    lanes = PlanMapper(Minter("https://kg.example.jp/"), reading.edition, laws).measure_lanes(measure)
    for lane, lines in lanes.items():
        if not lines:
            continue
        block = sorted_block(lines)
        triples = list(parse(block.data, format=RdfFormat.N_TRIPLES))
        written = serialize(triples, format=RdfFormat.N_TRIPLES).splitlines(keepends=True)
        assert block.data == b"".join(sorted(set(written)))
        assert block.count == len(triples), lane
        if lane in ("measure", "kpi"):
            assert TRICKY in {t.object.value for t in triples if isinstance(t.object, Literal)}, lane
