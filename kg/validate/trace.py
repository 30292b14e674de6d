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

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace

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


#: The links a trace follows backwards to a node's owner (a measure) and to the measures using it.
OWNER_LINKS = (_kg("hasKPI").value, _kg("hasParticipation").value, _kg("hasMark").value, DERIVED_FROM.value)
USE_LINKS = (_kg("implementedBy").value, _kg("provision").value)


@dataclass
class Remote:
    """What tracing a global node (one every part holds) needs from the parts of a partitioned run.

    ``owners``: (link, node) → the first node (by its N-Triples form) of a part
    that links to it, with that node's place (:meth:`Tracer._row_place`);
    ``uses``: (link, node) → the first use of the node in a part (by file, line,
    measure ID, then node) and the part's count of uses. Merged over the parts,
    they are what the whole store would give.
    """

    owners: dict[tuple[str, str], tuple[str, _Place]] = field(default_factory=dict)
    uses: dict[tuple[str, str], tuple[tuple[str, int, str], str, _Place, int]] = field(default_factory=dict)

    def merge(self, other: Remote) -> None:
        for key, owner in other.owners.items():
            mine = self.owners.get(key)
            if mine is None or owner[0] < mine[0]:
                self.owners[key] = owner
        for key, (order, node, place, count) in other.uses.items():
            found = self.uses.get(key)
            if found is None:
                self.uses[key] = (order, node, place, count)
            else:
                best = min((order, node, place), found[:3], key=lambda x: (x[0], x[1]))
                self.uses[key] = (*best, found[3] + count)


def _use_order(place: _Place) -> tuple[str, int, str]:
    return (place.file or "~", place.line or 0, place.measure_id or "~")


class Tracer:
    """Looks results up in the loaded store; caches what many results share.

    With ``remote`` (a partitioned run), the store holds the global nodes only
    and the links into them from the parts come from ``remote``.
    """

    def __init__(
        self,
        data: LoadedData,
        headers: Mapping[str, Mapping[str, str]] | None = None,
        remote: Remote | None = None,
    ) -> None:
        self.store = data.store
        self.labels = data.labels
        self.headers = headers or {}
        self.remote = remote
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
            found = self._owner(DERIVED_FROM, focus)
            return found if found is not None else _Place(file=self._file_of_row(focus))
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
        found = self._owner(link, child)
        return found if found is not None else _Place()

    def _owner(self, link: ox.NamedNode, child: Resource) -> _Place | None:
        """The place of the first node (by its N-Triples form) that links to ``child``, if any."""
        measure = self._first(self._subjects(link, child))
        remote = self.remote.owners.get((link.value, str(child))) if self.remote else None
        if remote is not None and (measure is None or remote[0] < str(measure)):
            return remote[1]
        return self._row_place(measure) if measure else None

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
        link = _kg("implementedBy") if ORGANIZATION in types else (
            _kg("provision") if ARTICLE in types or PARAGRAPH in types else None)
        places = self._uses_of(link, node) if link is not None else []
        remote = self.remote.uses.get((link.value, str(node))) if self.remote and link is not None else None
        count = len(places) + (remote[3] if remote else 0)
        candidates = [(_use_order(pl), str(user), pl) for user, pl in places[:1]]
        if remote is not None:
            candidates.append(remote[:3])
        if candidates:
            first = min(candidates, key=lambda c: (c[0], c[1]))
            found = replace(first[2], other_measures=count - 1)
        else:
            found = _Place()
        self._uses[node] = found
        return found

    def _uses_of(self, link: ox.NamedNode, node: Resource) -> list[tuple[Resource, _Place]]:
        """The nodes that use ``node`` (through ``link``), each with its place, first use first."""
        users = self._subjects(link, node)
        if link == _kg("implementedBy"):
            places = [replace(self._row_place(m), column_name=self._header(m, "organizations"))
                      for m in users]
        else:
            places = [self._mark_place(mark) for mark in users]
        found = list(zip(users, places, strict=True))
        found.sort(key=lambda pair: _use_order(pair[1]))  # stable: by node where the order ties
        return found

    def remote_for(self, is_global: Callable[[Resource], bool], is_own: Callable[[Resource], bool]) -> Remote:
        """What this part gives the tracing of global nodes: its own nodes' links into them."""
        remote = Remote()
        for link in (*OWNER_LINKS, *USE_LINKS):
            predicate = ox.NamedNode(link)
            objects = {q.object for q in self.store.quads_for_pattern(None, predicate, None, None)}
            targets = (t for t in objects if isinstance(t, (ox.NamedNode, ox.BlankNode)))
            for target in sorted(targets, key=str):
                if not is_global(target):
                    continue
                if link in OWNER_LINKS:
                    owner = self._first(s for s in self._subjects(predicate, target) if is_own(s))
                    if owner is not None:
                        remote.owners[(link, str(target))] = (str(owner), self._row_place(owner))
                else:
                    uses = [(u, pl) for u, pl in self._uses_of(predicate, target) if is_own(u)]
                    if uses:
                        user, place = uses[0]
                        remote.uses[(link, str(target))] = (_use_order(place), str(user), place, len(uses))
        return remote

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
