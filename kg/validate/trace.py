"""Trace a validation result back to the source table: measure ID, file:line, column.

The graph records its provenance (docs/vocabulary.md), so the trace is a walk:
a KPI, mark or participation up to its measure (``kg:hasKPI``, ``kg:hasMark``,
``kg:hasParticipation`` inverse), a measure to its row (``prov:wasDerivedFrom``)
and the row to its line (``kg:lineNumber``) and file (``kg:sourceFile`` →
``dcterms:identifier``). A mark knows its own line and cell (``kg:sourceLine``,
``kg:sourceColumn``) and column label. Shared reference data (an organisation,
an article) has no row of its own: its result is placed at the first measure
that uses it, with a count of the others.

The column name comes from the property (or the kind of record) the result is
about, using the headers of the 施策集 table (domain.md §2).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.term import Node

from kg import vocabulary
from kg.validate.data import LoadedData, from_rdflib
from kg.validate.results import RawResult, ShapeResult
from kg.vocabulary import KG

RDF_TYPE = ox.NamedNode(vocabulary.RDF_TYPE)
IDENTIFIER = ox.NamedNode(vocabulary.DCTERMS_IDENTIFIER)
DERIVED_FROM = ox.NamedNode(vocabulary.PROV_WAS_DERIVED_FROM)

Resource = ox.NamedNode | ox.BlankNode
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def _kg(name: str) -> ox.NamedNode:
    return ox.NamedNode(KG + name)


MEASURE, KPI, MARK, PARTICIPATION = _kg("Measure"), _kg("KPI"), _kg("LegalBasisMark"), _kg("Participation")
SOURCE_ROW, SOURCE_FILE, EDITION = _kg("SourceRow"), _kg("SourceFile"), _kg("PlanEdition")
ORGANIZATION, ARTICLE, PARAGRAPH = _kg("GovernmentOrganization"), _kg("Article"), _kg("Paragraph")

#: The role of the table column a result is about. Each edition names its columns
#: in its own edition.toml; the caller passes those headers (graph IRI → role →
#: header), and these neutral names stand in where it did not.
ROLE_NAMES = {
    "id": "measure ID",
    "name": "measure name",
    "kpi": "KPI",
    "description": "description",
    "organizations": "ministries",
}

#: The column role of a measure's own property.
MEASURE_COLUMNS: dict[str, str] = {
    vocabulary.DCTERMS + "identifier": "id",
    KG + "groupCode": "id",
    vocabulary.RDFS + "label": "name",
    KG + "hasKPI": "kpi",
    vocabulary.DCTERMS + "description": "description",
    KG + "hasParticipation": "organizations",
    KG + "implementedBy": "organizations",
    KG + "ledBy": "organizations",
    KG + "concernedMinistries": "organizations",
}
#: Properties whose value is a mark or a provision: the column is the mark's (or provision's) label.
MARK_PROPERTIES = {KG + "hasMark", KG + "primaryLegalBasis", KG + "linkedLegalBasis"}

#: Prefixes that shorten IRIs in results: the build's, and SHACL's.
PREFIXES: dict[str, str] = {**vocabulary.PREFIXES, "sh": vocabulary.SH}


def compact(iri: str) -> str:
    """``kg:text`` for a known namespace, the IRI itself otherwise."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and iri[len(namespace):].replace("_", "a").isalnum():
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


@dataclass(frozen=True)
class _Place:
    measure_id: str | None = None
    file: str | None = None
    line: int | None = None
    column: int | None = None
    column_name: str | None = None
    other_measures: int = 0


class Tracer:
    """Looks results up in the loaded store; caches what many results share."""

    def __init__(self, data: LoadedData, headers: Mapping[str, Mapping[str, str]] | None = None) -> None:
        self.store = data.store
        self.labels = data.labels
        self.headers = headers or {}
        self._rows: dict[Resource, _Place] = {}
        self._uses: dict[Resource, _Place] = {}

    def trace(self, raw: RawResult) -> ShapeResult:
        focus = from_rdflib(raw.focus)
        place = _Place()
        if not isinstance(focus, ox.Literal):
            place = self._place(focus, raw.path, raw.value)
        messages = {m.language: str(m) for m in raw.messages}
        untagged = messages.get(None, "")
        return ShapeResult(
            severity=raw.severity,
            focus_node=str(raw.focus),
            measure_id=place.measure_id,
            file=place.file,
            line=place.line,
            column=place.column,
            column_name=place.column_name,
            path=(("^" if raw.inverse else "") + compact(str(raw.path))) if raw.path is not None else None,
            value=_show(raw.value),
            message_ja=messages.get("ja") or untagged or messages.get("en", ""),
            message_en=messages.get("en") or untagged or messages.get("ja", ""),
            shape=str(raw.shape) if raw.shape is not None else None,
            constraint=compact(str(raw.component)) if raw.component is not None else None,
            graph=self._graph(focus),
            other_measures=place.other_measures,
        )

    # ------------------------------------------------------------ where a node comes from

    def _place(self, focus: Resource, path: URIRef | None, value: Node | None) -> _Place:
        types = {t for t in self._objects(focus, RDF_TYPE) if isinstance(t, ox.NamedNode)}
        p = str(path) if path is not None else ""
        if MEASURE in types:
            role = MEASURE_COLUMNS.get(p)
            column = self._header(focus, role) if role else None
            target = from_rdflib(value) if p in MARK_PROPERTIES and value is not None else None
            if isinstance(target, (ox.NamedNode, ox.BlankNode)):
                column = self._label(target)
            return replace(self._row_place(focus), column_name=column)
        if KPI in types:
            return replace(self._owner_place(_kg("hasKPI"), focus), column_name=self._header(focus, "kpi"))
        if PARTICIPATION in types:
            place = self._owner_place(_kg("hasParticipation"), focus)
            return replace(place, column_name=self._header(focus, "organizations"))
        if MARK in types:
            return self._mark_place(focus)
        if SOURCE_ROW in types:
            measure = self._first(self._subjects(DERIVED_FROM, focus))
            return self._row_place(measure) if measure else _Place(file=self._file_of_row(focus))
        if SOURCE_FILE in types:
            return _Place(file=self._literal(focus, IDENTIFIER))
        if EDITION in types:
            source = self._first(self._objects(focus, DERIVED_FROM))
            return _Place(file=self._literal(source, IDENTIFIER) if source else None)
        return self._use_place(focus, types)

    def _row_place(self, measure: Resource) -> _Place:
        found = self._rows.get(measure)
        if found is None:
            row = self._first(self._objects(measure, DERIVED_FROM))
            line = self._literal(row, _kg("lineNumber")) if row else None
            found = _Place(
                measure_id=self._literal(measure, IDENTIFIER),
                file=self._file_of_row(row) if row else None,
                line=int(line) if line and line.isdigit() else None,
            )
            self._rows[measure] = found
        return found

    def _owner_place(self, link: ox.NamedNode, child: Resource) -> _Place:
        measure = self._first(self._subjects(link, child))
        return self._row_place(measure) if measure else _Place()

    def _mark_place(self, mark: Resource) -> _Place:
        place = self._owner_place(_kg("hasMark"), mark)
        line = self._literal(mark, _kg("sourceLine"))
        column = self._literal(mark, _kg("sourceColumn"))
        return replace(
            place,
            line=int(line) if line and line.isdigit() else place.line,
            column=int(column) if column and column.isdigit() else None,
            column_name=self._literal(mark, _kg("columnLabel")),
        )

    def _use_place(self, node: Resource, types: set[ox.NamedNode]) -> _Place:
        """Reference data: the first measure (by file and line) that uses the node."""
        found = self._uses.get(node)
        if found is not None:
            return found
        places: list[_Place] = []
        if ORGANIZATION in types:
            for measure in self._subjects(_kg("implementedBy"), node):
                column = self._header(measure, "organizations")
                places.append(replace(self._row_place(measure), column_name=column))
        elif ARTICLE in types or PARAGRAPH in types:
            for mark in self._subjects(_kg("provision"), node):
                places.append(self._mark_place(mark))
        places.sort(key=lambda pl: (pl.file or "~", pl.line or 0, pl.measure_id or "~"))
        found = replace(places[0], other_measures=len(places) - 1) if places else _Place()
        self._uses[node] = found
        return found

    def _header(self, node: Resource, role: str) -> str:
        """The header of the column ``role`` in the edition (graph) ``node`` belongs to."""
        for quad in self.store.quads_for_pattern(node, None, None, None):
            if isinstance(quad.graph_name, ox.NamedNode):
                found = self.headers.get(quad.graph_name.value, {}).get(role)
                if found:
                    return found
            break
        return ROLE_NAMES[role]

    def _label(self, node: Resource) -> str | None:
        labels = sorted(v.value for v in self._objects(node, _kg("columnLabel")) if isinstance(v, ox.Literal))
        return labels[0] if labels else None

    def _file_of_row(self, row: Resource) -> str | None:
        source = self._first(self._objects(row, _kg("sourceFile")))
        return self._literal(source, IDENTIFIER) if source else None

    def _graph(self, focus: Term) -> str | None:
        if isinstance(focus, ox.Literal):
            return None
        for quad in self.store.quads_for_pattern(focus, None, None, None):
            if isinstance(quad.graph_name, ox.NamedNode):
                return self.labels.get(quad.graph_name.value, quad.graph_name.value)
            return None
        return None

    # ------------------------------------------------------------ store access

    def _objects(self, s: Resource, p: ox.NamedNode) -> Iterator[Term]:
        for quad in self.store.quads_for_pattern(s, p, None, None):
            yield quad.object

    def _subjects(self, p: ox.NamedNode, o: Resource) -> list[Resource]:
        found = {q.subject for q in self.store.quads_for_pattern(None, p, o, None)}
        return sorted((s for s in found if isinstance(s, (ox.NamedNode, ox.BlankNode))), key=str)

    @staticmethod
    def _first(nodes: Iterable[Term]) -> Resource | None:
        for node in nodes:
            if isinstance(node, (ox.NamedNode, ox.BlankNode)):
                return node
        return None

    def _literal(self, s: Resource, p: ox.NamedNode) -> str | None:
        values = sorted(str(o.value) for o in self._objects(s, p) if isinstance(o, ox.Literal))
        return values[0] if values else None


def _show(value: Node | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, URIRef):
        return compact(str(value))
    return str(value)
