"""Validation results: as SHACL states them, and as a person acts on them.

A :class:`RawResult` is one ``sh:ValidationResult`` (from pyshacl's report
graph or from a set-at-a-time SPARQL check). A :class:`ShapeResult` is the same
result traced to the source table: measure ID, file, line, column. Results are
records, never strings, so the CLI's text, CSV and JSON and the build's
findings all render the same data.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from enum import StrEnum

from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from kg import vocabulary
from kg.errors import Position
from kg.findings import Finding, Severity, finding

SH = Namespace(vocabulary.SH)


class ResultSeverity(StrEnum):
    """SHACL's severities. A violation makes the graph wrong; a warning asks for review."""

    VIOLATION = "violation"
    WARNING = "warning"
    INFO = "info"

    @classmethod
    def from_iri(cls, iri: Node | None) -> ResultSeverity:
        if iri == SH.Warning:
            return cls.WARNING
        return cls.INFO if iri == SH.Info else cls.VIOLATION

    @property
    def iri(self) -> URIRef:
        return {ResultSeverity.VIOLATION: SH.Violation, ResultSeverity.WARNING: SH.Warning}.get(self, SH.Info)

    @property
    def finding_severity(self) -> Severity:
        return {ResultSeverity.VIOLATION: Severity.ERROR, ResultSeverity.WARNING: Severity.WARNING}.get(
            self, Severity.INFO
        )


@dataclass(frozen=True)
class RawResult:
    """One SHACL validation result, before it is traced to the source."""

    severity: ResultSeverity
    focus: Node
    path: URIRef | None
    value: Node | None
    shape: Node | None
    component: URIRef | None
    messages: tuple[Literal, ...]
    #: The path is ``[ sh:inversePath path ]`` (the only complex path the shapes use).
    inverse: bool = False


@dataclass(frozen=True)
class ShapeResult:
    """One validation result, traced to where it comes from in the source table.

    ``measure_id``, ``file``, ``line``, ``column`` and ``column_name`` say where
    to look (``column`` is the 1-based cell index where the graph records it,
    as marks do). A result on shared reference data (an organisation, an
    article) is placed at the first measure that uses it; ``other_measures``
    counts the others. ``graph`` names the input graph or file that holds the
    focus node. ``path`` and ``value`` are shown compactly (``kg:text``,
    ``^kg:hasKPI``); ``focus_node`` and ``shape`` are full IRIs.
    """

    severity: ResultSeverity
    focus_node: str
    measure_id: str | None
    file: str | None
    line: int | None
    column: int | None
    column_name: str | None
    path: str | None
    value: str | None
    message_ja: str
    message_en: str
    shape: str | None
    constraint: str | None
    graph: str | None = None
    other_measures: int = 0

    def message(self, lang: str = "en") -> str:
        return self.message_ja if lang == "ja" else self.message_en

    @property
    def position(self) -> Position:
        return Position(
            file=self.file, line=self.line, column=self.column, column_name=self.column_name,
            measure_id=self.measure_id,
        )

    def to_finding(self, lang: str = "en") -> Finding:
        """The result as a build finding (code ``shacl-violation``, ``shacl-warning`` or ``shacl-info``)."""
        detail = f" ({self.path} = {self.value})" if self.path and self.value else (
            f" ({self.path})" if self.path else ""
        )
        text = f"{self.message(lang)}{detail}"
        return finding(f"shacl-{self.severity}", self.position, raw=self.value, message=text)

    def sort_key(self) -> tuple[object, ...]:
        """Violations first, then by file, line, measure, node…; total, so that the order never
        depends on the order the results were found in (one pyshacl run or several partitions)."""
        rank = list(ResultSeverity).index(self.severity)
        return (rank, self.file or "~", self.line or 0, self.measure_id or "~", self.focus_node,
                self.path or "", self.value or "", self.shape or "", self.constraint or "",
                self.message_en, self.message_ja, self.graph or "", self.column or 0, self.other_measures)


def kept(results: Iterable[RawResult], keep: Collection[ResultSeverity] | None) -> list[RawResult]:
    """The results of the severities asked for (all of them when ``keep`` is None)."""
    return list(results) if keep is None else [r for r in results if r.severity in keep]


def read_report(report: Graph) -> list[RawResult]:
    """Every ``sh:ValidationResult`` of a SHACL report graph."""
    results = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(node, SH.focusNode)
        if focus is None:
            continue
        component = report.value(node, SH.sourceConstraintComponent)
        path = report.value(node, SH.resultPath)
        inverse = report.value(path, SH.inversePath) if isinstance(path, BNode) else None
        results.append(
            RawResult(
                severity=ResultSeverity.from_iri(report.value(node, SH.resultSeverity)),
                focus=focus,
                path=inverse if isinstance(inverse, URIRef) else path if isinstance(path, URIRef) else None,
                value=report.value(node, SH.value),
                shape=report.value(node, SH.sourceShape),
                component=component if isinstance(component, URIRef) else None,
                messages=tuple(m for m in report.objects(node, SH.resultMessage) if isinstance(m, Literal)),
                inverse=isinstance(inverse, URIRef),
            )
        )
    return results


def add_results(report: Graph, results: list[RawResult], conforms: bool) -> None:
    """Add results to a SHACL report graph (pyshacl's) and set its ``sh:conforms``."""
    root = report.value(predicate=RDF.type, object=SH.ValidationReport)
    if root is None:
        root = BNode()
        report.add((root, RDF.type, SH.ValidationReport))
    for r in results:
        node = BNode()
        report.add((root, SH.result, node))
        report.add((node, RDF.type, SH.ValidationResult))
        report.add((node, SH.focusNode, r.focus))
        report.add((node, SH.resultSeverity, r.severity.iri))
        path: Node | None = r.path
        if r.inverse and r.path is not None:
            path = BNode()
            report.add((path, SH.inversePath, r.path))
        for predicate, obj in ((SH.resultPath, path), (SH.value, r.value), (SH.sourceShape, r.shape),
                               (SH.sourceConstraintComponent, r.component)):
            if obj is not None:
                report.add((node, predicate, obj))
        for message in r.messages:
            report.add((node, SH.resultMessage, message))
    report.set((root, SH.conforms, Literal(conforms)))
