"""SHACL validation of the built graph, with every result traced to the source table.

:func:`validate` runs the shapes in ``shapes/`` on a build folder, RDF files or
graphs in memory and returns a :class:`ValidationReport` of
:class:`~kg.validate.results.ShapeResult` records (severity, measure ID,
file:line, column, path, value, message in Japanese and English).
:func:`build_validator` is the hook ``kg build`` calls before it writes.

How the validation is run, and why (measured on synthetic editions, 2 cores):

- pyshacl checks the core constraints with ``inference=None``: the graph is
  fully asserted by the build and the shapes name the classes it asserts, so
  RDFS/OWL-RL expansion would only add triples to check. Hence no
  ``ont_graph`` either (it exists to feed inference); the ontology graph is
  validated as data, since it holds the SKOS code lists.
- ``inplace=True``: the rdflib graph is our own fresh copy, so pyshacl's
  defensive clone of it (a second copy of every triple) is skipped.
- ``advanced=False``, ``js=False``: no SHACL-AF rules, SPARQL targets or
  functions are used, so pyshacl skips the rule pass.
- ``meta_shacl=False``: the shapes are checked against SHACL-SHACL once, by a
  test (tests/test_shapes.py), not at every run.
- ``abort_on_first=False``: every result is wanted, each traced to its row.
- ``allow_warnings=True``: pyshacl's ``sh:conforms`` then ignores warnings;
  :attr:`ValidationReport.conforms` re-derives it (with ``strict``).
- SPARQL-based constraints are taken out of pyshacl's share and run
  set-at-a-time in Oxigraph (see :mod:`kg.validate.shapes`): pyshacl re-parses
  a constraint's query for every focus node (~25 ms each).
- The shapes give each property shape its own target (see shapes/plan.ttl), so
  pyshacl evaluates a constraint over all focus nodes in one pass.
- Above :data:`~kg.validate.partition.PARTITION_ABOVE` triples the core
  shapes run in partitions of the data (per chunk of measures, with the
  ontology and reference data), in worker processes, each read from the
  N-Triples into its own small rdflib graph: the whole data is never copied
  into rdflib (about 1 KiB a triple; 9 GiB at 100k measures). When no link
  crosses partitions, the parts also run the SPARQL checks (each in its own
  small Oxigraph store) and trace their results, and the whole data is never
  loaded into one store either (4 GiB at 100k measures). The results and
  their order are the whole-graph run's (see :mod:`kg.validate.partition`).

Measured (2 shared cores): the bundled 2023 edition (4,079 triples) in 0.2 s,
of which pyshacl 0.09 s. The synthetic editions of bench/ (seed 42, 1-minute
load 3-4), ``kg validate --format json``: 10,000 measures (664k triples,
24,451 warnings) 37 s, peak 395 MiB (the whole store in the main process
before: 41 s, 1,053 MiB); 100,000 measures (6.6 M triples, 246,885 warnings)
281 s, peak 903 MiB (before: 674 s, 5,810 MiB), the same report byte for byte.
Before these choices (every constraint in pyshacl, property shapes under node
shapes) the bundled edition took 22 s.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from rdflib import Graph

from kg.errors import ValidationFailed
from kg.findings import Report, Severity
from kg.validate.core import prepared_shapes, run_pyshacl
from kg.validate.data import DataSource, LoadedData, dump_ntriples, load, load_graphs
from kg.validate.partition import (
    PARTITION_ABOVE,
    PARTITION_TRIPLES,
    partition_safe,
    partitioned_results,
    unique,
    unpack,
)
from kg.validate.results import RawResult, ResultSeverity, ShapeResult, add_results, kept, read_report
from kg.validate.shapes import shape_files
from kg.validate.sparql import run_checks
from kg.validate.trace import Tracer

__all__ = [
    "DataSource",
    "ResultSeverity",
    "ShapeResult",
    "ValidationReport",
    "build_validator",
    "validate",
]


@dataclass
class ValidationReport:
    """The results of one validation, sorted (violations first, then by file and line).

    ``timings`` gives seconds per phase: ``load``, ``core`` (pyshacl),
    ``sparql``, ``trace``. :attr:`report_graph` is the SHACL report.
    """

    results: tuple[ShapeResult, ...]
    triples: int
    timings: dict[str, float] = field(default_factory=dict)
    strict: bool = False
    #: pyshacl's report graph, and the SPARQL checks' results not yet in it.
    _graph: Graph = field(default_factory=Graph, repr=False)
    _pending: list[RawResult] | None = field(default=None, repr=False)
    _packed: list[bytes] = field(default_factory=list, repr=False)  # more of them, compressed

    @property
    def report_graph(self) -> Graph:
        """The SHACL validation report (``sh:ValidationReport``) with every result.

        Completed on first use: only ``--format turtle`` needs it, and adding
        thousands of warnings to it costs seconds on a large edition.
        """
        if self._pending is not None:
            add_results(self._graph, self._pending, self.conforms)
            self._pending = None
        while self._packed:
            add_results(self._graph, unpack(self._packed.pop(0)), self.conforms)
        return self._graph

    def of(self, severity: ResultSeverity) -> list[ShapeResult]:
        return [r for r in self.results if r.severity is severity]

    @property
    def violations(self) -> list[ShapeResult]:
        return self.of(ResultSeverity.VIOLATION)

    @property
    def warnings(self) -> list[ShapeResult]:
        return self.of(ResultSeverity.WARNING)

    @property
    def conforms(self) -> bool:
        """No violation (and, when ``strict``, no warning either)."""
        return not self.violations and not (self.strict and self.warnings)

    @property
    def elapsed(self) -> float:
        return sum(self.timings.values())

    def counts(self) -> dict[str, int]:
        return {str(s): len(self.of(s)) for s in ResultSeverity}

    def summary(self) -> str:
        c = self.counts()
        return (
            f"{c['violation']} violation(s), {c['warning']} warning(s), {c['info']} info "
            f"on {self.triples} triples in {self.elapsed:.2f} s"
        )

    def raise_on_failure(self, lang: str = "en") -> None:
        """Raise :class:`~kg.errors.ValidationFailed` (exit code 4) unless the graph conforms."""
        if not self.conforms:
            failing = self.violations or self.warnings
            first = failing[0]
            where = str(first.position)
            raise ValidationFailed(
                f"the graph does not conform: {self.summary()}; first: "
                + (f"{where}: " if where else "")
                + first.message(lang)
            )


def validate(
    data: DataSource | LoadedData,
    *,
    shapes: Sequence[Path] | None = None,
    strict: bool = False,
    headers: Mapping[str, Mapping[str, str]] | None = None,
    parts: int | None = None,
    jobs: int | None = None,
    severities: Collection[ResultSeverity] | None = None,
) -> ValidationReport:
    """Validate ``data`` against the shapes (default: every ``shapes/*.ttl``).

    ``data`` is a build folder (the graphs its ``manifest.json`` lists), one or
    more Turtle/N-Triples/TriG/N-Quads files, a pyoxigraph ``Store`` or an
    rdflib ``Graph``/``Dataset``; all graphs are validated as one union. With
    ``strict``, warnings make the report fail too. Raises
    :class:`~kg.errors.InputError` for unreadable data and
    :class:`~kg.errors.ConfigError` for unreadable shapes. ``headers`` (plan graph
    IRI → column role → header text, from the editions' ``edition.toml``) name
    the table column a result comes from in the edition's own words.

    ``parts``: validate the core shapes in this many partitions of the data
    (:mod:`kg.validate.partition`), in up to ``jobs`` worker processes (default:
    one per core); 0 validates the whole graph at once; the default partitions
    data of more than :data:`~kg.validate.partition.PARTITION_ABOVE` triples, at
    most :data:`~kg.validate.partition.PARTITION_TRIPLES` in a partition, as many
    partitions for each worker. The results are the same either way.

    ``severities``: keep only results of these severities (the others are not
    traced, and not counted); a build that reports only violations needs no
    more, and at 100k measures there are a quarter of a million warnings.
    """
    keep = frozenset(severities) if severities is not None else None
    timings: dict[str, float] = {}
    start = time.perf_counter()
    loaded = data if isinstance(data, LoadedData) else load(data)
    # A build's files are read by the partitioned run itself: their lines decide, not the store.
    hint = loaded.lines() if loaded.graphs and not loaded.loaded else loaded.triples
    timings["load"] = time.perf_counter() - start
    shape_paths = tuple(shapes) if shapes is not None else tuple(shape_files())
    core, checks = prepared_shapes(shape_paths)
    if parts is None:
        parts = -(-hint // PARTITION_TRIPLES) if hint > PARTITION_ABOVE else 0
        if parts:  # as many parts for each worker: none is left working alone at the end
            workers = jobs or os.cpu_count() or 1
            parts = -(-parts // workers) * workers

    start = time.perf_counter()
    report_graph = Graph()
    if parts > 0 and partition_safe(core):
        with tempfile.TemporaryDirectory(prefix="kg-validate-") as tmp:
            folder = Path(tmp)
            sources = (
                [(f"<{iri}>", path) for _name, iri, path in loaded.graphs]
                if loaded.graphs else dump_ntriples(loaded.store, folder / "data")
            )
            run = partitioned_results(
                sources, core, checks, shape_paths, folder, parts=parts, jobs=jobs,
                labels=loaded.labels, headers=headers, keep=keep,
            )
        found, pending = run.core, run.core
        if run.local:
            # The checks ran and the results were traced in the parts: no store of the whole data.
            timings["core"] = time.perf_counter() - start
            start = time.perf_counter()
            results = tuple(sorted(run.traced, key=ShapeResult.sort_key))
            timings["trace"] = time.perf_counter() - start
            return ValidationReport(results, run.triples, timings, strict, _graph=report_graph,
                                    _pending=run.core + run.checks, _packed=run.packed)
    else:
        report_graph = run_pyshacl(loaded.graph, core)
        found, pending = kept(read_report(report_graph), keep), []
    timings["core"] = time.perf_counter() - start

    start = time.perf_counter()
    extra = kept(run_checks(loaded.store, checks), keep)
    timings["sparql"] = time.perf_counter() - start

    start = time.perf_counter()
    tracer = Tracer(loaded, headers)
    raw = unique(found + extra)
    results = tuple(sorted((tracer.trace(r) for r in raw), key=ShapeResult.sort_key))
    timings["trace"] = time.perf_counter() - start
    return ValidationReport(results, loaded.triples, timings, strict, _graph=report_graph,
                            _pending=pending + extra)


class NamedGraphFile(Protocol):
    """A graph a build has staged (a :class:`kg.manifest.GraphEntry`): name, IRI and files by format."""

    @property
    def name(self) -> str: ...

    @property
    def iri(self) -> str: ...

    @property
    def files(self) -> Mapping[str, str]: ...


def build_validator(
    *,
    shapes: Sequence[Path] | None = None,
    strict: bool = False,
    include_warnings: bool = False,
    headers: Mapping[str, Mapping[str, str]] | None = None,
) -> Callable[[Path, Sequence[NamedGraphFile], Report], None]:
    """The hook ``kg build`` runs on its staged graphs before it writes them.

    It loads each graph's N-Triples from the staging folder, validates them,
    and adds each violation to the build's report as a finding (code
    ``shacl-violation``, severity error, placed at measure, file, line and
    column), so a violation stops the build. Warnings are added only with
    ``include_warnings``: the build's review report already lists the same
    inferences (uncertain marks, split names, 関係府省庁, space-split KPIs).
    With ``strict``, warnings are added as errors.
    """

    def run(stage: Path, graphs: Sequence[NamedGraphFile], report: Report) -> None:
        loaded = load_graphs([(g.name, g.iri, stage / g.files["ntriples"]) for g in graphs])
        wanted = None if strict or include_warnings else (ResultSeverity.VIOLATION,)
        result = validate(loaded, shapes=shapes, strict=strict, headers=headers, severities=wanted)
        for r in result.results:
            if r.severity is ResultSeverity.VIOLATION:
                report.add(r.to_finding())
            elif strict:
                report.add(dataclasses.replace(r.to_finding(), severity=Severity.ERROR))
            elif include_warnings:
                report.add(r.to_finding())

    return run
