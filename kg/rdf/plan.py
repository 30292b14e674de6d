"""Map one plan edition (model records) to triples of its named graph.

Each measure maps to N-Triples lines (the measure and its KPIs, marks,
participations and source row), by subject namespace; :mod:`kg.rdf.write`
sorts each as one block. The edition's own triples are pyoxigraph triples.
Marks are qualified nodes carrying confidence and their source cell; the plain
``kg:primaryLegalBasis``/``kg:linkedLegalBasis`` shortcut is asserted only for
marks whose column is certain (high confidence, or reviewed by a person), so a
guess is never published as a fact.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import cache, lru_cache

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

# A measure's triples are written as N-Triples lines straight away (see
# :meth:`PlanMapper.measure_lanes`): the terms every measure shares are rendered
# here once, by pyoxigraph, in that form.


@cache
def _k(local: str) -> str:
    """A term of our ontology as N-Triples (``<…#Measure>``)."""
    return str(kg(local))


STRENGTH = {Strength.PRIMARY: _k("Primary"), Strength.LINKED: _k("Linked")}
CONFIDENCE = {
    Confidence.HIGH: _k("HighConfidence"),
    Confidence.MEDIUM: _k("MediumConfidence"),
    Confidence.LOW: _k("LowConfidence"),
}
COMPARATOR = {
    Comparator.AT_LEAST: _k("AtLeast"),
    Comparator.AT_MOST: _k("AtMost"),
    Comparator.MORE_THAN: _k("MoreThan"),
    Comparator.LESS_THAN: _k("LessThan"),
    Comparator.APPROXIMATELY: _k("Approximately"),
    Comparator.EXACTLY: _k("Exactly"),
}
SPLIT = {
    SplitMethod.WHOLE: _k("SplitWhole"),
    SplitMethod.BULLET: _k("SplitBullet"),
    SplitMethod.LIST_ITEM: _k("SplitListItem"),
    SplitMethod.CIRCLED: _k("SplitCircled"),
    SplitMethod.SPACE: _k("SplitSpace"),
}
CHANGE = {
    Change.INCREASE: _k("IncreaseChange"),
    Change.DECREASE: _k("DecreaseChange"),
    Change.MULTIPLE: _k("MultipleChange"),
}
FIGURE_KIND = {
    FigureKind.PROJECTION: _k("ProjectionFigure"),
    FigureKind.ACTUAL: _k("ActualFigure"),
    FigureKind.REFERENCE: _k("ReferenceFigure"),
}
KPI_KIND = {
    KpiKind.PROGRESS: _k("ProgressKPI"),
    KpiKind.EFFECT: _k("EffectKPI"),
}
MATCH = {
    MatchMethod.EXACT: _k("MatchExact"),
    MatchMethod.ALIAS: _k("MatchAlias"),
    MatchMethod.SPLIT: _k("MatchSplit"),
}
LEAD, PARTICIPANT = _k("LeadRole"), _k("ParticipantRole")

_DERIVED = NamedNode(PROV + "wasDerivedFrom")
_IDENTIFIER = NamedNode(DCTERMS + "identifier")
_TITLE = NamedNode(DCTERMS + "title")
_SCOPE_NOTE = NamedNode(SKOS + "scopeNote")
_ISSUED = NamedNode(DCTERMS + "issued")

_A, _LABEL = str(RDF_TYPE), str(RDFS_LABEL)
_DERIVED_NT, _IDENTIFIER_NT = str(_DERIVED), str(_IDENTIFIER)
_DESCRIPTION_NT = str(NamedNode(DCTERMS + "description"))
_TRUE = str(boolean(True))


@lru_cache(maxsize=1024)
def _int(value: int) -> str:
    """An xsd:integer as N-Triples (cached: orders and columns are small numbers that repeat)."""
    return str(integer(value))


def _ja(text: str) -> str:
    return str(ja(text))


def _plain(text: str) -> str:
    return str(Literal(text))


@lru_cache(maxsize=4096)
def _word(text: str) -> str:
    """A plain literal from a small vocabulary (group codes, units, mark cells, column labels), cached."""
    return _plain(text)


@lru_cache(maxsize=256)
def _year(year: int) -> str:
    """An xsd:gYear as N-Triples (cached: a plan names a few dozen fiscal years)."""
    return str(gyear(year))


class PlanMapper:
    """Maps the records of one edition; holds what every measure of it shares."""

    def __init__(self, minter: Minter, edition: Edition, laws: LawReference) -> None:
        self.minter = minter
        self.edition = edition
        self.laws = laws
        self.edition_iri = minter.edition(edition.key)
        self._edition_nt = str(self.edition_iri)
        self.point_in_time: date = edition.decided
        self._provisions: dict[str, tuple[str, ...]] = {}
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

    def measure_lanes(self, m: Measure) -> dict[str, list[str]]:
        """Every triple about measure ``m`` and its sub-resources, as N-Triples lines by subject namespace.

        The keys are the namespaces of :meth:`Minter.edition_namespace` (``measure``,
        ``row``, ``kpi``, ``participation``, ``mark``): the sorted writer keeps one
        spool per namespace, and knowing it here saves parsing it out of each line.

        Lines, not :class:`~pyoxigraph.Triple` objects: a large edition has millions
        of these triples, and joining terms pyoxigraph rendered (its ``str`` of a
        term is its N-Triples form, escapes included) costs a third of building
        triples and serialising them. IRIs are still minted as ``NamedNode`` (which
        checks them) and literals made as ``Literal`` (which escapes them).
        """
        key = self.key
        s = str(self.minter.measure(key, m.id))
        curated = m.source.file != self.edition.source_file
        row = str(self.minter.row(key, m.source.line, curated))
        source_file = (self.minter.curated_file if curated else self.minter.source_file)(key)
        own = [
            f"{s} {_A} {_k('Measure')} .",
            f"{s} {_IDENTIFIER_NT} {_plain(m.id)} .",
            f"{s} {_k('groupCode')} {_word(m.group)} .",
            f"{s} {_k('inEdition')} {self._edition_nt} .",
            f"{s} {_DERIVED_NT} {row} .",
        ]
        rows = [
            f"{row} {_A} {_k('SourceRow')} .",
            f"{row} {_k('sourceFile')} {source_file} .",
            f"{row} {_k('lineNumber')} {integer(m.source.line)} .",
        ]
        if m.name:
            own.append(f"{s} {_LABEL} {_ja(m.name)} .")
        if m.description:
            own.append(f"{s} {_DESCRIPTION_NT} {_ja(m.description)} .")
        if m.concerned_ministries:
            own.append(f"{s} {_k('concernedMinistries')} {_TRUE} .")
        kpis: list[str] = []
        for k in m.kpis:
            self._kpi(own, kpis, s, str(self.minter.part(key, "kpi", m.id, k.order)), k)
        parts: list[str] = []
        for p in m.participations:
            self._participation(own, parts, s, str(self.minter.part(key, "participation", m.id, p.order)), p)
        marks: list[str] = []
        for mark in m.marks:
            self._mark(own, marks, s, str(self.minter.part(key, "mark", m.id, mark.order)), mark)
        return {"measure": own, "row": rows, "kpi": kpis, "participation": parts, "mark": marks}

    def _kpi(self, own: list[str], out: list[str], measure: str, s: str, k: Kpi) -> None:
        own.append(f"{measure} {_k('hasKPI')} {s} .")
        out += [
            f"{s} {_A} {_k('KPI')} .",
            f"{s} {_k('order')} {_int(k.order)} .",
            f"{s} {_k('text')} {_ja(k.text)} .",
            f"{s} {_k('splitMethod')} {SPLIT[k.split]} .",
        ]
        if k.kind is not None:
            out.append(f"{s} {_k('kpiKind')} {KPI_KIND[k.kind]} .")
        if k.deadline_fiscal_year is not None:
            out.append(f"{s} {_k('deadlineFiscalYear')} {_year(k.deadline_fiscal_year)} .")
            if k.deadline_text:
                out.append(f"{s} {_k('deadlineText')} {_ja(k.deadline_text)} .")
        if k.target is not None:
            out.append(f"{s} {_k('targetValue')} {decimal(k.target.value)} .")
            out.append(f"{s} {_k('targetUnit')} {_word(k.target.unit)} .")
            out.append(f"{s} {_k('targetComparator')} {COMPARATOR[k.target.comparator]} .")
            if k.target.change is not None:
                out.append(f"{s} {_k('targetChange')} {CHANGE[k.target.change]} .")
            if k.target.base:
                out.append(f"{s} {_k('targetBase')} {_ja(k.target.base)} .")
        for n, f in enumerate(k.figures, start=1):
            node = str(NamedNode(f"{s[1:-1]}/figure/{n}"))
            out += [
                f"{s} {_k('statedFigure')} {node} .",
                f"{node} {_A} {_k('StatedFigure')} .",
                f"{node} {_k('order')} {_int(n)} .",
                f"{node} {_k('figureKind')} {FIGURE_KIND[f.kind]} .",
                f"{node} {_k('figureValue')} {decimal(f.value)} .",
                f"{node} {_k('figureUnit')} {_word(f.unit)} .",
                f"{node} {_k('figureComparator')} {COMPARATOR[f.comparator]} .",
                f"{node} {_k('figureText')} {_ja(f.text)} .",
            ]
            if f.fiscal_year is not None:
                out.append(f"{node} {_k('figureFiscalYear')} {_year(f.fiscal_year)} .")

    def _participation(self, own: list[str], out: list[str], measure: str, s: str, p: Participation) -> None:
        org = _organization(self.minter, p.org_id)
        own.append(f"{measure} {_k('hasParticipation')} {s} .")
        own.append(f"{measure} {_k('implementedBy')} {org} .")
        if p.lead:
            own.append(f"{measure} {_k('ledBy')} {org} .")
        out += [
            f"{s} {_A} {_k('Participation')} .",
            f"{s} {_k('order')} {_int(p.order)} .",
            f"{s} {_k('organization')} {org} .",
            f"{s} {_k('role')} {LEAD if p.lead else PARTICIPANT} .",
            f"{s} {_k('rawName')} {_ja(p.raw_name)} .",
            f"{s} {_k('matchMethod')} {MATCH[p.method]} .",
        ]

    def _mark(self, own: list[str], out: list[str], measure: str, s: str, mark: Mark) -> None:
        own.append(f"{measure} {_k('hasMark')} {s} .")
        out += [
            f"{s} {_A} {_k('LegalBasisMark')} .",
            f"{s} {_k('order')} {_int(mark.order)} .",
            f"{s} {_k('strength')} {STRENGTH[mark.strength]} .",
            f"{s} {_k('confidence')} {CONFIDENCE[mark.confidence]} .",
            f"{s} {_k('sourceLine')} {integer(mark.line)} .",
            f"{s} {_k('sourceColumn')} {_int(mark.column)} .",
            f"{s} {_k('rawValue')} {_word(mark.raw)} .",
        ]
        if mark.reviewed:
            out.append(f"{s} {_k('reviewed')} {_TRUE} .")
        for alt in mark.alternatives:
            out.append(f"{s} {_k('alternativeColumnLabel')} {_word(alt)} .")
        if mark.column_label is None:
            return
        out.append(f"{s} {_k('columnLabel')} {_word(mark.column_label)} .")
        certain = mark.confidence is Confidence.HIGH or mark.reviewed
        shortcut = _k("primaryLegalBasis") if mark.strength is Strength.PRIMARY else _k("linkedLegalBasis")
        for provision in self.provisions(mark.column_label):
            out.append(f"{s} {_k('provision')} {provision} .")
            if certain:
                own.append(f"{measure} {shortcut} {provision} .")

    def provisions(self, label: str) -> tuple[str, ...]:
        """The article, or its paragraphs, that a column label names at this edition's date (N-Triples IRIs).

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
                law, when, number = column.law_id, self.point_in_time, column.article
                found = tuple(
                    str(NamedNode(self.minter.paragraph(law, when, number, p))) for p in column.paragraphs
                )
            else:
                found = (
                    str(NamedNode(self.minter.article(column.law_id, self.point_in_time, column.article))),
                )
            self._provisions[label] = found
        return found


@lru_cache(maxsize=256)
def _organization(minter: Minter, org_id: str) -> str:
    """An organisation's IRI as N-Triples (cached: a few dozen organisations run every measure)."""
    return str(minter.organization(org_id))
