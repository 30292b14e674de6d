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
    DCTERMS,
    ELI,
    ORG,
    RDF_TYPE,
    RDFS,
    RDFS_LABEL,
    SKOS,
    Minter,
    boolean,
    en,
    integer,
    iri,
    ja,
    kg,
    xsd_date,
)
from kg.reference.laws import Article, LawReference
from kg.reference.organizations import Gazetteer

ORG_KIND = {
    "ministry": kg("Ministry"),
    "agency": kg("Agency"),
    "commission": kg("Commission"),
    "cabinet-body": kg("CabinetBody"),
    "office": kg("Office"),
}
_SOURCE = NamedNode(DCTERMS + "source")
_TITLE = NamedNode(DCTERMS + "title")
_PREF = NamedNode(SKOS + "prefLabel")
_ALT = NamedNode(SKOS + "altLabel")
_PART_OF = NamedNode(ELI + "is_part_of")


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
            out.append(Triple(s, iri(ORG, "subOrganizationOf"), minter.organization(org.parent_id)))
        if org.corporate_number:
            out.append(Triple(s, kg("corporateNumber"), Literal(org.corporate_number)))
        out += _source(s, org.sources)
    return out


def law_triples(minter: Minter, laws: LawReference, points_in_time: Iterable[date]) -> list[Triple]:
    """The laws, one version per point in time, and their articles and paragraphs."""
    out: list[Triple] = []
    dates = sorted(set(points_in_time))
    paragraphs: dict[tuple[str, int], set[int]] = {}
    for col in laws.columns.values():
        paragraphs.setdefault((col.law_id, col.article), set()).update(col.paragraphs)
    labels: dict[tuple[str, int, int | None], list[str]] = {}
    for col in laws.columns.values():
        for p in col.paragraphs or (None,):
            labels.setdefault((col.law_id, col.article, p), []).append(col.label)
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
        for when in dates:
            v = NamedNode(minter.law_version(law.law_id, when))
            out += [
                Triple(v, RDF_TYPE, kg("LawVersion")),
                Triple(v, RDF_TYPE, iri(ELI, "LegalResource")),
                Triple(v, kg("versionOf"), s),
                Triple(v, kg("pointInTime"), xsd_date(when)),
                Triple(v, RDFS_LABEL, ja(f"{law.title_ja}（{when.isoformat()}時点）")),
                Triple(v, RDFS_LABEL, en(f"{law.title_en} (as in force on {when.isoformat()})")),
            ]
            for art in sorted(
                (a for a in laws.articles.values() if a.law_id == law.law_id), key=lambda a: a.number
            ):
                out += _article(minter, law.title_ja, law.number_en, when, art, paragraphs, labels)
    return out


def _article(
    minter: Minter,
    title_ja: str,
    number_en: str,
    when: date,
    art: Article,
    paragraphs: dict[tuple[str, int], set[int]],
    labels: dict[tuple[str, int, int | None], list[str]],
) -> list[Triple]:
    s = NamedNode(minter.article(art.law_id, when, art.number))
    out = [
        Triple(s, RDF_TYPE, kg("Article")),
        Triple(s, RDF_TYPE, iri(ELI, "LegalResourceSubdivision")),
        Triple(s, _PART_OF, NamedNode(minter.law_version(art.law_id, when))),
        Triple(s, kg("articleNumber"), integer(art.number)),
        Triple(s, RDFS_LABEL, ja(f"{title_ja} 第{art.number}条")),
        Triple(s, RDFS_LABEL, en(f"{number_en}, Article {art.number}")),
        Triple(s, kg("headingVerified"), boolean(art.heading_verified)),
        # An unverified heading is a label we wrote, not the law's: never dcterms:title.
        Triple(s, _TITLE if art.heading_verified else kg("descriptiveHeading"), ja(art.heading_ja)),
    ]
    if art.current_number is not None:
        out.append(Triple(s, kg("currentArticleNumber"), integer(art.current_number)))
    for label in labels.get((art.law_id, art.number, None), []):
        out.append(Triple(s, kg("columnLabel"), Literal(label)))
    out += _source(s, art.sources)
    for p in sorted(paragraphs.get((art.law_id, art.number), set())):
        ps = NamedNode(minter.paragraph(art.law_id, when, art.number, p))
        out += [
            Triple(ps, RDF_TYPE, kg("Paragraph")),
            Triple(ps, RDF_TYPE, iri(ELI, "LegalResourceSubdivision")),
            Triple(ps, _PART_OF, s),
            Triple(ps, kg("paragraphNumber"), integer(p)),
            Triple(ps, RDFS_LABEL, ja(f"{title_ja} 第{art.number}条第{p}項")),
            Triple(ps, RDFS_LABEL, en(f"{number_en}, Article {art.number}, paragraph {p}")),
        ]
        for label in labels.get((art.law_id, art.number, p), []):
            out.append(Triple(ps, kg("columnLabel"), Literal(label)))
    return out
