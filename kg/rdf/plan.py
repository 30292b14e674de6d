"""Map one plan edition (model records) to triples of its named graph.

Each measure maps to one list of triples (the measure and its KPIs, marks,
participations and source row); :mod:`kg.rdf.write` sorts them as one block.
Marks are qualified nodes carrying confidence and their source cell; the plain
``kg:primaryLegalBasis``/``kg:linkedLegalBasis`` shortcut is asserted only for
marks whose column is certain (high confidence, or reviewed by a person), so a
guess is never published as a fact.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from pyoxigraph import Literal, NamedNode, Triple

from kg.rdf.terms import (
    RDF_TYPE,
    RDFS_LABEL,
    Minter,
    boolean,
    decimal,
    en,
    gyear,
    integer,
    iri,
    ja,
    kg,
    xsd_date,
)
from kg.records import (
    Change,
    Comparator,
    Confidence,
    Edition,
    FigureKind,
    Kpi,
    KpiKind,
    Mark,
    MatchMethod,
    Measure,
    Participation,
    SplitMethod,
    Strength,
)
from kg.reference.laws import LawReference
from kg.vocabulary import DCAT, DCTERMS, PROV, SKOS

STRENGTH = {Strength.PRIMARY: kg("Primary"), Strength.LINKED: kg("Linked")}
CONFIDENCE = {
    Confidence.HIGH: kg("HighConfidence"),
    Confidence.MEDIUM: kg("MediumConfidence"),
    Confidence.LOW: kg("LowConfidence"),
}
COMPARATOR = {
    Comparator.AT_LEAST: kg("AtLeast"),
    Comparator.AT_MOST: kg("AtMost"),
    Comparator.MORE_THAN: kg("MoreThan"),
    Comparator.LESS_THAN: kg("LessThan"),
    Comparator.APPROXIMATELY: kg("Approximately"),
    Comparator.EXACTLY: kg("Exactly"),
}
SPLIT = {
    SplitMethod.WHOLE: kg("SplitWhole"),
    SplitMethod.BULLET: kg("SplitBullet"),
    SplitMethod.LIST_ITEM: kg("SplitListItem"),
    SplitMethod.CIRCLED: kg("SplitCircled"),
    SplitMethod.SPACE: kg("SplitSpace"),
}
CHANGE = {
    Change.INCREASE: kg("IncreaseChange"),
    Change.DECREASE: kg("DecreaseChange"),
    Change.MULTIPLE: kg("MultipleChange"),
}
FIGURE_KIND = {
    FigureKind.PROJECTION: kg("ProjectionFigure"),
    FigureKind.ACTUAL: kg("ActualFigure"),
    FigureKind.REFERENCE: kg("ReferenceFigure"),
}
KPI_KIND = {
    KpiKind.PROGRESS: kg("ProgressKPI"),
    KpiKind.EFFECT: kg("EffectKPI"),
}
MATCH = {
    MatchMethod.EXACT: kg("MatchExact"),
    MatchMethod.ALIAS: kg("MatchAlias"),
    MatchMethod.SPLIT: kg("MatchSplit"),
}
LEAD, PARTICIPANT = kg("LeadRole"), kg("ParticipantRole")

_DERIVED = NamedNode(PROV + "wasDerivedFrom")
_IDENTIFIER = NamedNode(DCTERMS + "identifier")
_TITLE = NamedNode(DCTERMS + "title")
_SCOPE_NOTE = NamedNode(SKOS + "scopeNote")
_DESCRIPTION = NamedNode(DCTERMS + "description")
_ISSUED = NamedNode(DCTERMS + "issued")
_ORDER = kg("order")


class PlanMapper:
    """Maps the records of one edition; holds what every measure of it shares."""

    def __init__(self, minter: Minter, edition: Edition, laws: LawReference) -> None:
        self.minter = minter
        self.edition = edition
        self.laws = laws
        self.edition_iri = minter.edition(edition.key)
        self.point_in_time: date = edition.decided
        self._provisions: dict[str, tuple[NamedNode, ...]] = {}
        self.key = edition.key

    def edition_triples(self) -> list[Triple]:
        """The edition and its source file."""
        e, src = self.edition_iri, self.minter.source_file(self.key)
        return [
            Triple(e, RDF_TYPE, kg("PlanEdition")),
            Triple(e, RDF_TYPE, iri(DCAT, "Dataset")),
            Triple(e, _TITLE, ja(self.edition.title_ja)),
            Triple(e, _TITLE, en(self.edition.title_en)),
            Triple(e, RDFS_LABEL, ja(self.edition.title_ja)),
            Triple(e, _IDENTIFIER, Literal(self.key)),
            Triple(e, _ISSUED, xsd_date(self.edition.decided)),
            Triple(e, kg("editionYear"), gyear(self.edition.year)),
            Triple(e, _DERIVED, src),
            Triple(src, RDF_TYPE, kg("SourceFile")),
            Triple(src, _IDENTIFIER, Literal(self.edition.source_file)),
            Triple(src, kg("sha256"), Literal(self.edition.sha256)),
            *self._scope_triples(),
            *self._curated_triples(),
        ]

    def _scope_triples(self) -> list[Triple]:
        """Whether the edition is an excerpt of its plan, and the note saying what it holds."""
        e, scope = self.edition_iri, self.edition.scope
        out = [Triple(e, kg("excerpt"), boolean(scope.excerpt))]
        if scope.note_ja:
            out.append(Triple(e, _SCOPE_NOTE, ja(scope.note_ja)))
        if scope.note_en:
            out.append(Triple(e, _SCOPE_NOTE, en(scope.note_en)))
        return out

    def content_triples(self, measures: int, groups: Iterable[str]) -> list[Triple]:
        """What the edition turned out to hold: its number of measures and their group codes.

        Counted while the measures are mapped, so emitted after them.
        """
        e = self.edition_iri
        out = [Triple(e, kg("measureCount"), integer(measures))]
        out.extend(Triple(e, kg("measureGroupCode"), Literal(g)) for g in sorted(set(groups)))
        return out

    def _curated_triples(self) -> list[Triple]:
        if self.edition.curated_file is None or self.edition.curated_sha256 is None:
            return []
        e, cur = self.edition_iri, self.minter.curated_file(self.key)
        return [
            Triple(e, _DERIVED, cur),
            Triple(cur, RDF_TYPE, kg("SourceFile")),
            Triple(cur, _IDENTIFIER, Literal(self.edition.curated_file)),
            Triple(cur, kg("sha256"), Literal(self.edition.curated_sha256)),
            Triple(cur, _DERIVED, self.minter.source_file(self.key)),
        ]

    def measure_lanes(self, m: Measure) -> dict[str, list[Triple]]:
        """Every triple about measure ``m`` and its sub-resources, by subject namespace.

        The keys are the namespaces of :meth:`Minter.edition_namespace` (``measure``,
        ``row``, ``kpi``, ``participation``, ``mark``): the sorted writer keeps one
        spool per namespace, and knowing it here saves parsing it out of each line.
        """
        key = self.key
        s = self.minter.measure(key, m.id)
        curated = m.source.file != self.edition.source_file
        row = self.minter.row(key, m.source.line, curated)
        source_file = (self.minter.curated_file if curated else self.minter.source_file)(key)
        own = [
            Triple(s, RDF_TYPE, kg("Measure")),
            Triple(s, _IDENTIFIER, Literal(m.id)),
            Triple(s, kg("groupCode"), Literal(m.group)),
            Triple(s, kg("inEdition"), self.edition_iri),
            Triple(s, _DERIVED, row),
        ]
        rows = [
            Triple(row, RDF_TYPE, kg("SourceRow")),
            Triple(row, kg("sourceFile"), source_file),
            Triple(row, kg("lineNumber"), integer(m.source.line)),
        ]
        if m.name:
            own.append(Triple(s, RDFS_LABEL, ja(m.name)))
        if m.description:
            own.append(Triple(s, _DESCRIPTION, ja(m.description)))
        if m.concerned_ministries:
            own.append(Triple(s, kg("concernedMinistries"), boolean(True)))
        kpis: list[Triple] = []
        for k in m.kpis:
            self._kpi(own, kpis, s, self.minter.part(key, "kpi", m.id, k.order), k)
        parts: list[Triple] = []
        for p in m.participations:
            self._participation(own, parts, s, self.minter.part(key, "participation", m.id, p.order), p)
        marks: list[Triple] = []
        for mark in m.marks:
            self._mark(own, marks, s, self.minter.part(key, "mark", m.id, mark.order), mark)
        return {"measure": own, "row": rows, "kpi": kpis, "participation": parts, "mark": marks}

    def _kpi(self, own: list[Triple], out: list[Triple], measure: NamedNode, s: NamedNode, k: Kpi) -> None:
        own.append(Triple(measure, kg("hasKPI"), s))
        out += [
            Triple(s, RDF_TYPE, kg("KPI")),
            Triple(s, _ORDER, integer(k.order)),
            Triple(s, kg("text"), ja(k.text)),
            Triple(s, kg("splitMethod"), SPLIT[k.split]),
        ]
        if k.kind is not None:
            out.append(Triple(s, kg("kpiKind"), KPI_KIND[k.kind]))
        if k.deadline_fiscal_year is not None:
            out.append(Triple(s, kg("deadlineFiscalYear"), gyear(k.deadline_fiscal_year)))
            if k.deadline_text:
                out.append(Triple(s, kg("deadlineText"), ja(k.deadline_text)))
        if k.target is not None:
            out.append(Triple(s, kg("targetValue"), decimal(k.target.value)))
            out.append(Triple(s, kg("targetUnit"), Literal(k.target.unit)))
            out.append(Triple(s, kg("targetComparator"), COMPARATOR[k.target.comparator]))
            if k.target.change is not None:
                out.append(Triple(s, kg("targetChange"), CHANGE[k.target.change]))
            if k.target.base:
                out.append(Triple(s, kg("targetBase"), ja(k.target.base)))
        for n, f in enumerate(k.figures, start=1):
            node = NamedNode(f"{s.value}/figure/{n}")
            out += [
                Triple(s, kg("statedFigure"), node),
                Triple(node, RDF_TYPE, kg("StatedFigure")),
                Triple(node, _ORDER, integer(n)),
                Triple(node, kg("figureKind"), FIGURE_KIND[f.kind]),
                Triple(node, kg("figureValue"), decimal(f.value)),
                Triple(node, kg("figureUnit"), Literal(f.unit)),
                Triple(node, kg("figureComparator"), COMPARATOR[f.comparator]),
                Triple(node, kg("figureText"), ja(f.text)),
            ]
            if f.fiscal_year is not None:
                out.append(Triple(node, kg("figureFiscalYear"), gyear(f.fiscal_year)))

    def _participation(
        self, own: list[Triple], out: list[Triple], measure: NamedNode, s: NamedNode, p: Participation
    ) -> None:
        org = self.minter.organization(p.org_id)
        own.append(Triple(measure, kg("hasParticipation"), s))
        own.append(Triple(measure, kg("implementedBy"), org))
        if p.lead:
            own.append(Triple(measure, kg("ledBy"), org))
        out += [
            Triple(s, RDF_TYPE, kg("Participation")),
            Triple(s, _ORDER, integer(p.order)),
            Triple(s, kg("organization"), org),
            Triple(s, kg("role"), LEAD if p.lead else PARTICIPANT),
            Triple(s, kg("rawName"), ja(p.raw_name)),
            Triple(s, kg("matchMethod"), MATCH[p.method]),
        ]

    def _mark(
        self, own: list[Triple], out: list[Triple], measure: NamedNode, s: NamedNode, mark: Mark
    ) -> None:
        own.append(Triple(measure, kg("hasMark"), s))
        out += [
            Triple(s, RDF_TYPE, kg("LegalBasisMark")),
            Triple(s, _ORDER, integer(mark.order)),
            Triple(s, kg("strength"), STRENGTH[mark.strength]),
            Triple(s, kg("confidence"), CONFIDENCE[mark.confidence]),
            Triple(s, kg("sourceLine"), integer(mark.line)),
            Triple(s, kg("sourceColumn"), integer(mark.column)),
            Triple(s, kg("rawValue"), Literal(mark.raw)),
        ]
        if mark.reviewed:
            out.append(Triple(s, kg("reviewed"), boolean(True)))
        for alt in mark.alternatives:
            out.append(Triple(s, kg("alternativeColumnLabel"), Literal(alt)))
        if mark.column_label is None:
            return
        out.append(Triple(s, kg("columnLabel"), Literal(mark.column_label)))
        certain = mark.confidence is Confidence.HIGH or mark.reviewed
        shortcut = kg("primaryLegalBasis") if mark.strength is Strength.PRIMARY else kg("linkedLegalBasis")
        for provision in self.provisions(mark.column_label):
            out.append(Triple(s, kg("provision"), provision))
            if certain:
                own.append(Triple(measure, shortcut, provision))

    def provisions(self, label: str) -> tuple[NamedNode, ...]:
        """The article, or its paragraphs, that a column label names at this edition's date.

        None where the label is not the edition's, or the law reference data does
        not say which article bore that number on the decision date.
        """
        found = self._provisions.get(label)
        if found is None:
            column = self.edition.layout.article(label)
            article = None
            if column is not None:
                article = self.laws.resolve(column.law_id, column.article, self.point_in_time)
            if column is None or article is None:
                found = ()
            elif column.paragraphs:
                found = tuple(
                    NamedNode(self.minter.paragraph(column.law_id, self.point_in_time, column.article, p))
                    for p in column.paragraphs
                )
            else:
                found = (NamedNode(self.minter.article(column.law_id, self.point_in_time, column.article)),)
            self._provisions[label] = found
        return found
