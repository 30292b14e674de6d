"""Synthetic editions (bench/generate.py): the streaming and parallel build gives the same bytes."""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Generator
from pathlib import Path
from types import ModuleType

import pytest

from kg.build import pipeline
from kg.build.pipeline import build
from kg.build.work import Context, Mapped, Sinks
from kg.config import load_settings
from kg.read.edition import load_edition_meta
from kg.read.table import TableReading
from tests.paths import ROOT, pin, seed_layout
from tests.processes import alive, descendants, parent_of

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


def test_derived_formats_written_beside_validation_give_the_same_bytes(
    synthetic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large build writes Turtle, TriG and JSON-LD in worker processes while it validates.

    The threshold is lowered so that this small edition goes that way; every file must
    be the bytes the in-process writers give (the default for a small build).
    """
    from kg.build import work
    from kg.build.headers import column_headers
    from kg.validate import build_validator

    settings = load_settings(ROOT).with_overrides(data_dir=synthetic)
    validator = build_validator(headers=column_headers(settings))
    here = build(settings, out_dir=tmp_path / "here", validator=validator)
    monkeypatch.setattr(work, "BACKGROUND_TRIPLES", 0)
    started: list[bool] = []
    original = work.Writers.__init__

    def spy(self: work.Writers, tasks: list[object], triples: int) -> None:
        original(self, tasks, triples)  # type: ignore[arg-type]
        started.append(self._pool is not None)

    monkeypatch.setattr(work.Writers, "__init__", spy)
    beside = build(settings, out_dir=tmp_path / "beside", validator=validator)
    assert started == [True]
    assert here.written and beside.written and here.validated and beside.validated
    names = sorted(p.name for p in (tmp_path / "here").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "beside").iterdir())
    assert {"dataset.jsonld", "dataset.trig", f"{GRAPH}.ttl", "context.jsonld"} <= set(names)
    for name in names:
        assert (tmp_path / "here" / name).read_bytes() == (tmp_path / "beside" / name).read_bytes(), name


def test_the_review_written_by_a_forked_child_is_the_one_written_here(
    synthetic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large build writes review.csv and review.md in a forked child while it finishes the graphs.

    The threshold is lowered so that this small edition goes that way; both files must be
    the bytes written in this process (the default for a small build), and the count the same.
    """
    from kg.processes import Forked

    settings = load_settings(ROOT).with_overrides(data_dir=synthetic)
    here = build(settings, out_dir=tmp_path / "here", formats=("nt",))
    monkeypatch.setattr(pipeline, "BACKGROUND_FINDINGS", 0)
    forked: list[int] = []  # the child's pid
    init = Forked.__init__

    def spy(self: Forked[int], task: object, what: str, *, background: bool = True) -> None:
        init(self, task, what, background=background)  # type: ignore[arg-type]
        forked.append(self._process.pid if self._process is not None and self._process.pid else 0)

    monkeypatch.setattr(Forked, "__init__", spy)
    beside = build(settings, out_dir=tmp_path / "beside", formats=("nt",))
    assert len(forked) == 1 and forked[0] not in (0, os.getpid())
    assert here.written and beside.written and here.reviews == beside.reviews > 0
    for name in ("review.csv", "review.md"):
        assert (tmp_path / "here" / name).read_bytes() == (tmp_path / "beside" / name).read_bytes(), name


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find the worker processes")
def test_a_build_that_fails_validation_ends_its_writers_and_writes_nothing(
    synthetic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The writers started beside validation are killed when validation fails: no file, no process."""
    import time

    from kg.build import work
    from kg.findings import finding

    monkeypatch.setattr(work, "BACKGROUND_TRIPLES", 0)
    seen: list[int] = []

    def failing(stage: Path, graphs: object, report: object) -> None:
        deadline = time.monotonic() + 30
        while not seen and time.monotonic() < deadline:  # wait until the writers run
            seen.extend(p for p in descendants(os.getpid()) if _forkserver_worker(p))
            time.sleep(0.01)
        report.add(finding("missing-name", None))  # type: ignore[attr-defined]

    settings = load_settings(ROOT).with_overrides(data_dir=synthetic)
    result = build(settings, out_dir=tmp_path / "out", validator=failing)
    assert not result.written
    assert seen, "no writer process seen"
    assert [p for p in seen if alive(p)] == []
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no stage, no lock, no output


def _forkserver_worker(pid: int) -> bool:
    """A worker of the forkserver (its child), not the server itself."""
    parent = parent_of(pid)
    try:
        return parent is not None and b"forkserver" in Path(f"/proc/{parent}/cmdline").read_bytes()
    except OSError:
        return False


@pytest.mark.parametrize("variant", ["duplicate IDs", "CRLF", "CR", "cp932", "BOM"])
def test_workers_reading_their_own_rows_give_what_one_process_gives(
    synthetic: Path, tmp_path: Path, variant: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large edition's workers read their own stretches of the source: the findings, their order
    and every file are those of one process reading it, whatever the line ends and the encoding,
    and a measure ID seen before (in another worker's stretch) is still caught."""
    data = tmp_path / "data"
    edition = data / "editions" / "2099"
    edition.mkdir(parents=True)
    toml = (synthetic / "editions" / "2099" / "edition.toml").read_text(encoding="utf-8")
    lines = (synthetic / "editions" / "2099" / "edition.txt").read_text(encoding="utf-8").split("\n")
    rows = [i for i, line in enumerate(lines) if line[:2].isdigit()]
    encoding, end = "utf-8", "\n"
    if variant == "duplicate IDs":  # rows 300 and 500 take the IDs of rows 5 and 300
        for copy, of in ((rows[300], rows[5]), (rows[500], rows[300])):
            lines[copy] = lines[of].split("\t", 1)[0] + "\t" + lines[copy].split("\t", 1)[1]
    elif variant in ("CRLF", "CR"):
        end = "\r\n" if variant == "CRLF" else "\r"
    else:
        encoding = {"cp932": "cp932", "BOM": "utf-8-sig"}[variant]
        toml = toml.replace('source = "edition.txt"\n', f'source = "edition.txt"\nencoding = "{encoding}"\n')
    (edition / "edition.toml").write_text(toml, encoding="utf-8")
    (edition / "edition.txt").write_bytes(end.join(lines).encode(encoding, errors="replace"))
    pin(edition)
    settings = load_settings(ROOT).with_overrides(data_dir=data)
    one = build(settings, out_dir=tmp_path / "one", formats=("nt",), jobs=1)
    sliced: list[int] = []
    original = pipeline.map_slices

    def spy(ctx: Context, table: TableReading, jobs: int, sinks: Sinks) -> Generator[Mapped]:
        sliced.append(jobs)
        return original(ctx, table, jobs, sinks)

    monkeypatch.setattr(pipeline, "map_slices", spy)
    two = build(settings, out_dir=tmp_path / "two", formats=("nt",), jobs=2)
    assert sliced == [2]  # the workers read their own rows
    assert [str(f) for f in one.report] == [str(f) for f in two.report]
    if variant == "duplicate IDs":
        assert not one.written and not two.written
        duplicates = [f for f in two.report.errors if f.code == "duplicate-measure-id"]
        assert [(f.position.line, f.values["first_line"]) for f in duplicates] == [
            (rows[300] + 1, rows[5] + 1),
            (rows[500] + 1, rows[5] + 1),
        ]
        return
    assert one.written and two.written, [str(f) for f in two.report.errors][:3]
    for name in (f"{GRAPH}.nt", "lineage.nt", "review.csv", "manifest.json"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name
