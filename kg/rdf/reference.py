"""Map the reference data (organisations, laws, point-in-time articles) to triples.

Articles are minted per law *version*: the text in force on each edition's
decision date. The 2023 ``34条`` of デジタル社会形成基本法 is therefore
``…/law/503AC0000000035/2023-06-09/article/34``, never today's Art. 34; where
the number changed since, ``kg:currentArticleNumber`` says so. Headings that
no source confirms are published only as ``kg:descriptiveHeading``.
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
    en,
    integer,
    iri,
    ja,
    kg,
    xsd_date,
)
from kg.records import ArticleColumn, TableLayout
from kg.reference.laws import Article, LawReference
from kg.reference.org_sources import Citation, Fact, Scope
from kg.reference.organizations import Gazetteer, Organization, OrganizationKind
from kg.vocabulary import DCTERMS, ELI, ORG, RDFS, SKOS

#: The concept of kg:OrganizationKindScheme each gazetteer kind is published as.
ORG_KIND: dict[OrganizationKind, NamedNode] = {
    OrganizationKind.MINISTRY: kg("Ministry"),
    OrganizationKind.FU: kg("Fu"),
    OrganizationKind.AGENCY: kg("Agency"),
    OrganizationKind.COMMISSION: kg("Commission"),
    OrganizationKind.CABINET_BODY: kg("CabinetBody"),
    OrganizationKind.INDEPENDENT_BODY: kg("IndependentBody"),
    OrganizationKind.OFFICE: kg("Office"),
}
_SOURCE = NamedNode(DCTERMS + "source")
_TITLE = NamedNode(DCTERMS + "title")
_IDENTIFIER = NamedNode(DCTERMS + "identifier")
_PREF = NamedNode(SKOS + "prefLabel")
_ALT = NamedNode(SKOS + "altLabel")
_PART_OF = NamedNode(ELI + "is_part_of")
_SUB_ORG = iri(ORG, "subOrganizationOf")

#: The concept of kg:CitationScopeScheme each kind of cited source is published as.
CITATION_SCOPE: dict[Scope, NamedNode] = {
    Scope.BODY: kg("PageAboutBody"),
    Scope.RECORD: kg("RecordOfBody"),
    Scope.LIST: kg("ListNamingBody"),
}


def _source(s: NamedNode, urls: Iterable[str]) -> list[Triple]:
    # Sources are published as IRIs where they are IRIs, else as text (e.g. "tag on the e-Gov record …").
    out = []
    for url in urls:
        obj = NamedNode(url) if url.startswith(("http://", "https://")) and " " not in url else Literal(url)
        out.append(Triple(s, _SOURCE, obj))
    return out


def organization_triples(minter: Minter, gazetteer: Gazetteer) -> list[Triple]:
    """Every organisation of the gazetteer, with names, kind, parent and sourced 法人番号."""
    out: list[Triple] = []
    for org in sorted(gazetteer.by_id.values(), key=lambda o: o.id):
        s = minter.organization(org.id)
        out += [
            Triple(s, RDF_TYPE, kg("GovernmentOrganization")),
            Triple(s, RDF_TYPE, iri(ORG, "Organization")),
            Triple(s, _PREF, ja(org.name_ja)),
            Triple(s, _PREF, en(org.name_en)),
            Triple(s, RDFS_LABEL, ja(org.name_ja)),
            Triple(s, RDFS_LABEL, en(org.name_en)),
            Triple(s, kg("organizationKind"), ORG_KIND[org.kind]),
        ]
        if org.abbreviation_en:
            out.append(Triple(s, _ALT, en(org.abbreviation_en)))
        for variant in org.variants_ja:
            out.append(Triple(s, _ALT, ja(variant)))
        if org.parent_id:
            out.append(Triple(s, _SUB_ORG, minter.organization(org.parent_id)))
        if org.corporate_number:
            out.append(Triple(s, kg("corporateNumber"), Literal(org.corporate_number)))
        out += _source(s, org.sources)
        for n, citation in enumerate(org.citations, start=1):
            out += _citation(s, NamedNode(f"{s.value}/source/{n}"), org, citation)
    return out


def _citation(s: NamedNode, c: NamedNode, org: Organization, citation: Citation) -> list[Triple]:
    """A cited source as a qualified node: the page, what was seen on it, and the published facts it backs."""
    out = [
        Triple(s, kg("citation"), c),
        Triple(c, RDF_TYPE, kg("Citation")),
        Triple(c, _SOURCE, NamedNode(citation.url)),
        Triple(c, _TITLE, Literal(citation.title)),
        Triple(c, kg("nameInSource"), Literal(citation.name)),
        Triple(c, kg("citationScope"), CITATION_SCOPE[citation.scope]),
    ]
    if Fact.CORPORATE_NUMBER in citation.facts and org.corporate_number:
        out.append(Triple(c, kg("citedFor"), kg("corporateNumber")))
    if Fact.ORGANIZATION in citation.facts:
        out += [Triple(c, kg("citedFor"), _PREF), Triple(c, kg("citedFor"), kg("organizationKind"))]
        if org.parent_id:
            out.append(Triple(c, kg("citedFor"), _SUB_ORG))
    if citation.note:
        out.append(Triple(c, iri(RDFS, "comment"), Literal(citation.note)))
    return out


def law_triples(
    minter: Minter, laws: LawReference, editions: Iterable[tuple[date, TableLayout]]
) -> list[Triple]:
    """The laws, one version per edition date, their articles and paragraphs, and the provisions.

    A version holds the articles whose number on that date the reference data
    knows; an article links to the provision it is (``kg:asProvision``), so the
    2023 Art. 34 and the 2025 Art. 35 are seen to be one provision, and the 2023
    and 2025 Arts. 34 two.
    """
    out: list[Triple] = []
    by_date: dict[date, list[TableLayout]] = {}
    for when, layout in editions:
        by_date.setdefault(when, []).append(layout)
    for law in sorted(laws.laws.values(), key=lambda x: x.law_id):
        s = NamedNode(minter.law(law.law_id))
        out += [
            Triple(s, RDF_TYPE, kg("Law")),
            Triple(s, RDF_TYPE, iri(ELI, "LegalResource")),
            Triple(s, iri(ELI, "id_local"), Literal(law.law_id)),
            # dcterms:title, not eli:title: ELI gives eli:title the domain eli:Expression.
            Triple(s, _TITLE, ja(law.title_ja)),
            Triple(s, _TITLE, en(law.title_en)),
            Triple(s, RDFS_LABEL, ja(law.title_ja)),
            Triple(s, RDFS_LABEL, en(law.title_en)),
            Triple(s, kg("lawNumber"), ja(law.number_ja)),
            Triple(s, kg("lawNumber"), en(law.number_en)),
            Triple(s, iri(ELI, "date_document"), xsd_date(law.promulgated)),
            Triple(s, iri(ELI, "first_date_entry_in_force"), xsd_date(law.enforced)),
            Triple(s, iri(RDFS, "seeAlso"), NamedNode(law.egov_url)),
        ]
        out += _source(s, law.sources)
        for art in sorted((a for a in laws.articles.values() if a.law_id == law.law_id), key=_order):
            out += _provision(minter, law.title_ja, law.number_en, art)
        for when in sorted(by_date):
            v = NamedNode(minter.law_version(law.law_id, when))
            out += [
                Triple(v, RDF_TYPE, kg("LawVersion")),
                Triple(v, RDF_TYPE, iri(ELI, "LegalResource")),
                Triple(v, kg("versionOf"), s),
                Triple(v, kg("pointInTime"), xsd_date(when)),
                Triple(v, RDFS_LABEL, ja(f"{law.title_ja}（{when.isoformat()}時点）")),
                Triple(v, RDFS_LABEL, en(f"{law.title_en} (as in force on {when.isoformat()})")),
            ]
            columns = [c for layout in by_date[when] for c in layout.articles if c.law_id == law.law_id]
            for number, art in sorted(
                ((n, a) for n, a in laws.numbered(when) if a.law_id == law.law_id), key=lambda x: x[0]
            ):
                latest = laws.latest_number(art)
                mine = [c for c in columns if c.article == number]
                out += _article(minter, law.title_ja, law.number_en, when, number, art, latest, mine)
    return out


def _order(art: Article) -> tuple[int, str]:
    number, _, rest = art.key.partition("-")
    return (int(number), rest) if number.isdigit() else (0, art.key)


def _provision(minter: Minter, title_ja: str, number_en: str, art: Article) -> list[Triple]:
    s = NamedNode(minter.provision(art.law_id, art.key))
    out = [
        Triple(s, RDF_TYPE, kg("Provision")),
        Triple(s, _IDENTIFIER, Literal(art.key)),
        Triple(s, RDFS_LABEL, ja(_provision_label_ja(title_ja, art.key))),
        Triple(s, RDFS_LABEL, en(_provision_label_en(number_en, art.key))),
        Triple(s, kg("headingVerified"), boolean(art.heading_verified)),
        Triple(s, _TITLE if art.heading_verified else kg("descriptiveHeading"), ja(art.heading_ja)),
    ]
    return out + _source(s, art.sources)


def _provision_label_ja(title_ja: str, key: str) -> str:
    number, _, year = key.partition("-")
    if year:
        return f"{title_ja} 第{number}条（{year}年の改正で加えられた規定）"
    return f"{title_ja} 第{number}条（制定時の条番号による規定）"


def _provision_label_en(number_en: str, key: str) -> str:
    number, _, year = key.partition("-")
    if year:
        return f"{number_en}, Article {number} as inserted in {year}"
    return f"{number_en}, Article {number} as enacted"


def _article(
    minter: Minter,
    title_ja: str,
    number_en: str,
    when: date,
    number: int,
    art: Article,
    latest: int | None,
    columns: list[ArticleColumn],
) -> list[Triple]:
    s = NamedNode(minter.article(art.law_id, when, number))
    out = [
        Triple(s, RDF_TYPE, kg("Article")),
        Triple(s, RDF_TYPE, iri(ELI, "LegalResourceSubdivision")),
        Triple(s, _PART_OF, NamedNode(minter.law_version(art.law_id, when))),
        Triple(s, kg("articleNumber"), integer(number)),
        Triple(s, kg("asProvision"), NamedNode(minter.provision(art.law_id, art.key))),
        Triple(s, RDFS_LABEL, ja(f"{title_ja} 第{number}条")),
        Triple(s, RDFS_LABEL, en(f"{number_en}, Article {number}")),
        Triple(s, kg("headingVerified"), boolean(art.heading_verified)),
        # An unverified heading is a label we wrote, not the law's: never dcterms:title.
        Triple(s, _TITLE if art.heading_verified else kg("descriptiveHeading"), ja(art.heading_ja)),
    ]
    if latest is not None and latest != number:
        out.append(Triple(s, kg("currentArticleNumber"), integer(latest)))
    for c in columns:
        if not c.paragraphs:
            out.append(Triple(s, kg("columnLabel"), Literal(c.label)))
    out += _source(s, art.sources)
    for p in sorted({p for c in columns for p in c.paragraphs}):
        ps = NamedNode(minter.paragraph(art.law_id, when, number, p))
        out += [
            Triple(ps, RDF_TYPE, kg("Paragraph")),
            Triple(ps, RDF_TYPE, iri(ELI, "LegalResourceSubdivision")),
            Triple(ps, _PART_OF, s),
            Triple(ps, kg("paragraphNumber"), integer(p)),
            Triple(ps, RDFS_LABEL, ja(f"{title_ja} 第{number}条第{p}項")),
            Triple(ps, RDFS_LABEL, en(f"{number_en}, Article {number}, paragraph {p}")),
        ]
        for c in columns:
            if p in c.paragraphs:
                out.append(Triple(ps, kg("columnLabel"), Literal(c.label)))
    return out
