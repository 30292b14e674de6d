"""Checking the catalog record against the official DCAT-AP 3.0.1 SHACL shapes, offline.

The shapes (``shapes/dcat-ap-3.0.1/``, copied unchanged from SEMIC) check the
class of every value and that coded values come from the EU authority tables.
Upstream, ``imports.ttl`` fetches those tables over the network; here the few
classes and concepts the record uses are in ``local-vocabularies.ttl`` beside
the shapes (each with its source), added to the data graph for the check only,
never published as part of the record.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pyshacl import validate
from rdflib import RDF, Graph, Namespace

from kg.resources import dcat_ap_shapes_dir

#: The upstream shape files (the folder also holds our local vocabularies and the licence notice).
SHAPE_FILES = ("shapes.ttl", "shapes_recommended.ttl", "range.ttl", "mdr-vocabularies.shape.ttl",
               "deprecateduris.ttl")
LOCAL_VOCABULARIES = "local-vocabularies.ttl"

SH = Namespace("http://www.w3.org/ns/shacl#")


@dataclass(frozen=True)
class ShaclResult:
    """One result: its severity (Violation, Warning, Info), focus node, path, message and shape."""

    severity: str
    focus: str
    path: str
    message: str
    shape: str


@dataclass(frozen=True)
class ShaclReport:
    results: tuple[ShaclResult, ...]

    def count(self, severity: str) -> int:
        return sum(1 for r in self.results if r.severity == severity)

    @property
    def conforms(self) -> bool:
        return self.count("Violation") == 0


def shapes_graph(folder: Path | None = None) -> Graph:
    folder = folder or dcat_ap_shapes_dir()
    g = Graph()
    for name in SHAPE_FILES:
        g.parse(folder / name, format="turtle")
    return g


def check(record: Graph, folder: Path | None = None) -> ShaclReport:
    """Validate ``record`` (with the local vocabularies) against the DCAT-AP 3.0.1 shapes."""
    folder = folder or dcat_ap_shapes_dir()
    data = Graph()
    for triple in record:
        data.add(triple)
    data.parse(folder / LOCAL_VOCABULARIES, format="turtle")
    _, report, _ = validate(data, shacl_graph=shapes_graph(folder), inference="none", advanced=True,
                            allow_warnings=True)
    results = []
    # Top-level results only: with advanced=True pyshacl also lists each nested shape's details.
    tops = list(report.subjects(RDF.type, SH.ValidationReport))
    nodes = [n for top in tops for n in report.objects(top, SH.result)]
    for node in nodes:
        severity = str(report.value(node, SH.resultSeverity)).rsplit("#", 1)[-1]
        results.append(ShaclResult(
            severity,
            str(report.value(node, SH.focusNode) or ""),
            str(report.value(node, SH.resultPath) or ""),
            str(report.value(node, SH.resultMessage) or ""),
            str(report.value(node, SH.sourceShape) or ""),
        ))
    order = {"Violation": 0, "Warning": 1, "Info": 2}
    results.sort(key=lambda r: (order.get(r.severity, 3), r.path, r.focus, r.message))
    return ShaclReport(tuple(results))
