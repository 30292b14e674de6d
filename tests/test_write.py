"""The sorted N-Triples writer: any arrival order gives sorted, de-duplicated lines."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Triple

from kg.rdf.write import GraphSink, sorted_block

P = NamedNode("https://kg.example.jp/def/kg#p")


def _triples(subject: str, n: int = 3) -> list[Triple]:
    s = NamedNode(f"https://kg.example.jp/plan/2022-06-07/{subject}")
    return [Triple(s, P, Literal(str(i))) for i in range(n)]


def _expected(blocks: list[list[Triple]], tmp_path: Path) -> bytes:
    lines = set()
    for b in blocks:
        lines.update(sorted_block(b).data.splitlines())
    return b"".join(line + b"\n" for line in sorted(lines))


@pytest.mark.parametrize("order", ["sorted", "reversed", "shuffled", "line-numbers", "few-runs"])
def test_any_order_gives_sorted_output(tmp_path: Path, order: str) -> None:
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
        sink.add_sorted(b"lane", sorted_block(b))
    count = sink.finish(tmp_path / "g.nt")
    data = (tmp_path / "g.nt").read_bytes()
    assert data == _expected(blocks, tmp_path)
    assert count == len(data.splitlines()) == 3 * len(subjects)
    assert not list(tmp_path.glob("*.spool"))


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
