"""Synthetic editions (bench/generate.py): the streaming and parallel build gives the same bytes."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from kg.build.pipeline import build
from kg.config import load_settings
from kg.read.edition import load_edition_meta
from tests.paths import ROOT, pin, seed_layout

GRAPH = "plan-2022-06-07"  # bench/generate.py: decided = 2022-06-07


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("synthetic") / "data"
    _generator().generate(600, 7, data / "editions" / "2099")
    return data


def test_the_synthetic_edition_has_the_layout_of_the_extract_its_headers_come_from(synthetic: Path) -> None:
    meta = load_edition_meta(synthetic / "editions" / "2099")
    assert meta.key == "2022-06-07" and f"plan-{meta.key}" == GRAPH
    assert meta.layout == seed_layout()


def test_workers_give_the_same_bytes_as_one_process(synthetic: Path, tmp_path: Path) -> None:
    settings = load_settings(ROOT).with_overrides(data_dir=synthetic)
    one = build(settings, out_dir=tmp_path / "one", formats=("nt", "ttl"), jobs=1)
    two = build(settings, out_dir=tmp_path / "two", formats=("nt", "ttl"), jobs=2)
    assert one.written and two.written, [str(f) for f in two.report.errors][:5]
    [e] = two.editions
    assert e.measures == 600
    for name in (f"{GRAPH}.nt", f"{GRAPH}.ttl", "lineage.nt", "review.csv", "manifest.json"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name
    assert [str(f) for f in one.report] == [str(f) for f in two.report]


def test_synthetic_n_triples_are_sorted_and_complete(synthetic: Path, tmp_path: Path) -> None:
    result = build(
        load_settings(ROOT).with_overrides(data_dir=synthetic), out_dir=tmp_path / "o", formats=("nt",)
    )
    lines = (tmp_path / "o" / f"{GRAPH}.nt").read_bytes().splitlines()
    assert lines == sorted(lines)
    assert len(lines) == len(set(lines)) == next(g.triples for g in result.graphs if g.name == GRAPH)
    measures = [line for line in lines if line.endswith(b"<https://kg.example.jp/def/kg#Measure> .")]
    assert len(measures) == 600
    assert all(line.startswith(b"<https://kg.example.jp/plan/2022-06-07/measure/") for line in measures)
    lineages = [line for line in lines if b"<https://kg.example.jp/def/kg#lineage>" in line]
    assert len(lineages) == 600


def test_findings_keep_source_order_with_workers(synthetic: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    edition = data / "editions" / "2099"
    edition.mkdir(parents=True)
    (edition / "edition.toml").write_text((synthetic / "editions" / "2099" / "edition.toml").read_text())
    lines = (synthetic / "editions" / "2099" / "edition.txt").read_text(encoding="utf-8").split("\n")
    rows = [i for i, line in enumerate(lines) if line[:2].isdigit()]
    for i in (rows[10], rows[400]):  # two unreadable rows, early and late
        lines[i] = "x" + lines[i]
    (edition / "edition.txt").write_text("\n".join(lines), encoding="utf-8")
    pin(edition)
    settings = load_settings(ROOT).with_overrides(data_dir=data)
    one = build(settings, out_dir=tmp_path / "one", formats=("nt",), jobs=1)
    two = build(settings, out_dir=tmp_path / "two", formats=("nt",), jobs=2)
    assert not one.written and not two.written
    assert [f.position.line for f in one.report.errors] == [rows[10] + 1, rows[400] + 1]
    assert [str(f) for f in one.report] == [str(f) for f in two.report]
