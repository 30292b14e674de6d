"""The DCAT-AP 3.0.1 description of a build: catalog, the plan as a series, each edition, files, service.

Shape of the record (IRIs under the configured base):

- ``catalog`` — the ``dcat:Catalog``, listing everything below;
- ``plan`` — the plan as a ``dcat:DatasetSeries`` (the Cabinet decides one a year);
- ``plan/<decision date>`` — each edition, the very resource the plan graph
  calls a ``kg:PlanEdition``, as a ``dcat:Dataset`` with ``dcat:inSeries``,
  ``dcat:version``, ``dct:issued`` (the decision date) and
  ``dcat:previousVersion``; it says what it covers (how many measures, their
  ID range, the source file and, from ``edition.toml``, whether that is an excerpt);
- ``catalog/dataset/graph`` — the whole graph (every edition, ontology,
  reference data, lineage) with its dumps;
- ``catalog/distribution/<file>`` — one ``dcat:Distribution`` per file, with
  download URL, IANA media type, EU file type, byte size, SHA-256, licence and
  what it conforms to (our ontology and shapes, or the CSV definitions file);
- ``catalog/sparql`` — the SPARQL endpoint as a ``dcat:DataService``, only when
  one is configured.

No blank nodes (a checksum is ``<distribution>/checksum``), so the Turtle is
byte-identical for the same build. Reused IRIs outside our base (the EU
authority tables, IANA media types, the licence page) are only referred to:
what the offline SHACL run needs to know about them lives in
``shapes/dcat-ap-3.0.1/local-vocabularies.ttl``, not in the record.
"""

from __future__ import annotations

from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef

from kg.catalog.facts import CatalogFacts, EditionFacts, FileFacts
from kg.vocabulary import (
    ADMS,
    DCAT,
    DCATAP,
    DCTERMS,
    ELI,
    EU_AUTHORITY,
    FOAF,
    KGSH,
    ORG,
    RDFS,
    SKOS,
    SPDX,
    VCARD,
)

DCT = Namespace(DCTERMS)
DCATN = Namespace(DCAT)
DCATAPN = Namespace(DCATAP)
FOAFN = Namespace(FOAF)
SPDXN = Namespace(SPDX)
ADMSN = Namespace(ADMS)
VCARDN = Namespace(VCARD)
SKOSN = Namespace(SKOS)
RDFSN = Namespace(RDFS)

IANA_MEDIA_TYPES = "http://www.iana.org/assignments/media-types/"
SPARQL_PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/"
#: ADMS publisher type of a national government body.
NATIONAL_AUTHORITY = "http://purl.org/adms/publishertype/NationalAuthority"
#: SHA-256 as SPDX names it, in the https form DCAT-AP 3.0.1's shapes require (docs/catalog.md).
CHECKSUM_SHA256 = "https://spdx.org/rdf/terms#checksumAlgorithm_sha256"
#: ADMS licence type of a licence that asks for attribution (PDL1.0: 出典の記載).
ATTRIBUTION = "http://purl.org/adms/licencetype/Attribution"
#: The issuer of 法人番号 (corporate numbers): 国税庁.
CORPORATE_NUMBER_AGENCY = "国税庁"

KEYWORDS_JA = ("デジタル社会", "重点計画", "施策集", "KPI", "官民データ活用推進基本法",
               "デジタル社会形成基本法", "リンクトデータ")
KEYWORDS_EN = ("digital society", "priority policy program", "KPI", "linked data", "knowledge graph")


#: What each kind of file is, said in every distribution's description.
FORMAT_NOTES: dict[str, tuple[str, str]] = {
    "RDF_N_TRIPLES": ("N-Triples形式（1行に1トリプル、並べ替え済み）。",
                      "N-Triples, one triple a line, sorted."),
    "RDF_TURTLE": ("Turtle形式。", "Turtle."),
    "RDF_TRIG": ("TriG形式（名前付きグラフごと）。", "TriG, with every named graph."),
    "JSON_LD": ("JSON-LD形式（文脈はcontext.jsonld）。", "JSON-LD (its context is context.jsonld)."),
    "CSV": ("行政データの機械可読性ルールに沿ったCSV（UTF-8、1セルに1値、1行に1レコード）。"
            "列の定義は項目定義書にある。",
            "CSV following the machine-readability rules for government data (UTF-8, one value a cell, one "
            "record a row); its columns are defined in the definitions file."),
}


def authority(table: str, code: str) -> URIRef:
    """A concept of an EU Publications Office authority table (``authority("language", "JPN")``)."""
    return URIRef(f"{EU_AUTHORITY}{table}/{code}")


def catalog_iri(base: str) -> URIRef:
    return URIRef(f"{base}catalog")


def series_iri(base: str) -> URIRef:
    return URIRef(f"{base}plan")


def edition_iri(base: str, key: str) -> URIRef:
    return URIRef(f"{base}plan/{key}")


def graph_dataset_iri(base: str) -> URIRef:
    return URIRef(f"{base}catalog/dataset/graph")


def distribution_iri(base: str, path: str) -> URIRef:
    return URIRef(f"{base}catalog/distribution/{path}")


def service_iri(base: str) -> URIRef:
    return URIRef(f"{base}catalog/sparql")


def download_url(facts: CatalogFacts, file: FileFacts) -> str:
    return facts.config.download_base + file.path


def coverage(edition: EditionFacts) -> tuple[str, str]:
    """What an edition covers, in Japanese and English; an excerpt says so, where the graph states it."""
    d = edition.decided
    ja = (f"{d.year}年{d.month}月{d.day}日閣議決定の重点計画の施策集のうち、"
          f"施策{edition.measures}件（施策番号{edition.first_id}～{edition.last_id}）。"
          f"元データ: {edition.source}（SHA-256 {edition.source_sha256 or '不明'}）。")
    en = (f"The list of measures of the plan decided by the Cabinet on {edition.key}: "
          f"{edition.measures} measures "
          f"(IDs {edition.first_id} to {edition.last_id}), from {edition.source} "
          f"(SHA-256 {edition.source_sha256 or 'unknown'}).")
    if edition.excerpt:
        ja, en = "抜粋：" + ja, "An excerpt: " + en
    if edition.scope_ja:
        ja += edition.scope_ja
    if edition.scope_en:
        en += " " + edition.scope_en
    return ja, en


def catalog_graph(facts: CatalogFacts) -> Graph:
    """The DCAT-AP 3.0.1 record of the build as an rdflib graph."""
    g = Graph()
    for prefix, ns in (("dcat", DCAT), ("dct", DCTERMS), ("dcatap", DCATAP), ("foaf", FOAF), ("spdx", SPDX),
                       ("adms", ADMS), ("vcard", VCARD), ("skos", SKOS), ("eli", ELI), ("org", ORG)):
        g.bind(prefix, Namespace(ns))
    base = facts.config.base_iri
    catalog, series, whole = catalog_iri(base), series_iri(base), graph_dataset_iri(base)
    publisher = _publisher(g, facts)
    licence = _licence(g, facts)
    standards = _standards(g, facts)
    laws = _laws(g, facts)
    contact = _contact(g, facts)

    def common(node: URIRef, title: tuple[str, str], description: tuple[str, str]) -> None:
        _texts(g, node, DCT["title"], title)
        _texts(g, node, DCT.description, description)
        g.add((node, DCT.publisher, publisher))
        for lang in ("JPN", "ENG"):
            g.add((node, DCT.language, authority("language", lang)))

    def dataset(node: URIRef) -> None:
        g.add((node, DCATN.theme, authority("data-theme", "GOVE")))
        g.add((node, DCT.spatial, authority("country", "JPN")))
        g.add((node, DCT.accessRights, authority("access-right", "PUBLIC")))
        g.add((node, DCATN.landingPage, _document(g, facts.config.landing_page)))
        for law in laws:
            g.add((node, DCATAPN.applicableLegislation, law))
        for word in KEYWORDS_JA:
            g.add((node, DCATN.keyword, Literal(word, lang="ja")))
        for word in KEYWORDS_EN:
            g.add((node, DCATN.keyword, Literal(word, lang="en")))
        if contact is not None:
            g.add((node, DCATN.contactPoint, contact))

    g.add((catalog, RDF.type, DCATN.Catalog))
    common(catalog, ("デジタル重点計画 施策集の知識グラフ カタログ",
                     "Catalog of the knowledge graph of the Priority Policy Program"),
           ("「デジタル社会の実現に向けた重点計画」施策集を知識グラフにしたデータの目録。",
            "The datasets and services of the knowledge graph built from the lists of measures of Japan's "
            "Priority Policy Program for Realizing Digital Society."))
    g.add((catalog, FOAFN.homepage, _document(g, facts.config.landing_page)))
    g.add((catalog, DCT.license, licence))
    g.add((catalog, DCATN.themeTaxonomy, URIRef(f"{EU_AUTHORITY}data-theme")))
    g.add((catalog, DCT.spatial, authority("country", "JPN")))

    g.add((series, RDF.type, DCATN.DatasetSeries))
    g.add((series, RDF.type, DCATN.Dataset))  # a series is a dataset; said, as no inference runs
    common(series, ("デジタル社会の実現に向けた重点計画 施策集",
                    "Priority Policy Program for Realizing Digital Society: lists of measures"),
           ("内閣が毎年閣議決定する「デジタル社会の実現に向けた重点計画」の施策集"
            "（施策、KPI、担当府省庁、根拠条項の印）の各版。",
            "The editions of the list of measures (measures, KPIs, ministries, legal-basis marks) of the "
            "plan the Cabinet decides each year."))
    dataset(series)
    g.add((series, DCT.accrualPeriodicity, authority("frequency", "ANNUAL")))
    g.add((catalog, DCATN.dataset, series))

    previous: URIRef | None = None
    for edition in facts.editions:
        node = edition_iri(base, edition.key)
        g.add((node, RDF.type, DCATN.Dataset))
        common(node, (edition.title_ja, edition.title_en), coverage(edition))
        dataset(node)
        g.add((node, DCT.identifier, Literal(edition.key)))
        g.add((node, DCATN.inSeries, series))
        g.add((node, DCATN.version, Literal(edition.key)))
        g.add((node, DCT.issued, Literal(edition.decided.isoformat(), datatype=XSD.date)))
        g.add((node, DCT.conformsTo, standards[0]))
        if previous is not None:
            g.add((node, DCATN.previousVersion, previous))
        if edition.version_notes is not None:  # only from a diff of this build: no text is made up
            _texts(g, node, ADMSN.versionNotes, edition.version_notes)
        previous = node
        for file in (*edition.files, *facts.shared):
            g.add((node, DCATN.distribution, _distribution(g, facts, file, licence, standards)))
        g.add((catalog, DCATN.dataset, node))
        g.add((whole, DCT.hasPart, node))
    if facts.editions:
        g.add((series, DCATN.first, edition_iri(base, facts.editions[0].key)))
        g.add((series, DCATN.last, edition_iri(base, facts.latest.key)))

    g.add((whole, RDF.type, DCATN.Dataset))
    common(whole, ("デジタル重点計画 施策集の知識グラフ（全体）",
                   "Knowledge graph of the Priority Policy Program (whole)"),
           ("全ての版の施策集に、オントロジー、参照データ（府省庁、法令、条項）、"
            "版をまたぐ施策の系譜を加えたRDFデータ。",
            "Every edition's measures with the ontology, the reference data (organisations, laws, "
            "articles) and the lineage of measures across editions, as RDF."))
    dataset(whole)
    g.add((whole, DCT.conformsTo, standards[0]))
    for file in facts.whole:
        g.add((whole, DCATN.distribution, _distribution(g, facts, file, licence, standards)))
    g.add((catalog, DCATN.dataset, whole))

    if facts.config.endpoint:
        service = service_iri(base)
        g.add((service, RDF.type, DCATN.DataService))
        common(service, ("SPARQLエンドポイント", "SPARQL endpoint"),
               ("知識グラフを問い合わせるSPARQL 1.1エンドポイント。",
                "A SPARQL 1.1 endpoint to query the knowledge graph."))
        g.add((service, DCATN.endpointURL, URIRef(facts.config.endpoint)))
        if facts.config.service_description:
            g.add((service, DCATN.endpointDescription, URIRef(facts.config.service_description)))
        protocol = _standard(g, SPARQL_PROTOCOL, "SPARQL 1.1 プロトコル", "SPARQL 1.1 Protocol")
        g.add((service, DCT.conformsTo, protocol))
        g.add((service, DCT.license, licence))
        g.add((service, DCT.accessRights, authority("access-right", "PUBLIC")))
        for served in (whole, *(edition_iri(base, e.key) for e in facts.editions)):
            g.add((service, DCATN.servesDataset, served))
        for word in ("SPARQL", *KEYWORDS_EN):
            g.add((service, DCATN.keyword, Literal(word, lang="en")))
        g.add((service, DCATN.theme, authority("data-theme", "GOVE")))
        if contact is not None:
            g.add((service, DCATN.contactPoint, contact))
        g.add((catalog, DCATN.service, service))
    return g


def _texts(g: Graph, node: URIRef, predicate: URIRef, texts: tuple[str, str]) -> None:
    g.add((node, predicate, Literal(texts[0], lang="ja")))
    g.add((node, predicate, Literal(texts[1], lang="en")))


def _document(g: Graph, url: str) -> URIRef:
    node = URIRef(url)
    g.add((node, RDF.type, FOAFN.Document))
    return node


def _publisher(g: Graph, facts: CatalogFacts) -> URIRef:
    org = facts.publisher
    node = URIRef(f"{facts.config.base_iri}org/{org.id}")
    g.add((node, RDF.type, FOAFN.Agent))
    g.add((node, RDF.type, URIRef(ORG + "Organization")))
    g.add((node, FOAFN.name, Literal(org.name_ja, lang="ja")))
    g.add((node, FOAFN.name, Literal(org.name_en, lang="en")))
    g.add((node, DCT.type, URIRef(NATIONAL_AUTHORITY)))
    if org.corporate_number:  # only where the gazetteer gives it with a source
        ident = URIRef(f"{facts.config.base_iri}catalog/corporate-number/{org.corporate_number}")
        g.add((node, ADMSN.identifier, ident))
        g.add((ident, RDF.type, ADMSN.Identifier))
        g.add((ident, SKOSN.notation, Literal(org.corporate_number)))
        g.add((ident, ADMSN.schemaAgency, Literal(CORPORATE_NUMBER_AGENCY, lang="ja")))
        if org.corporate_number_source:
            g.add((ident, DCT.source, URIRef(org.corporate_number_source)))
    return node


def _licence(g: Graph, facts: CatalogFacts) -> URIRef:
    lic = facts.licence
    node = URIRef(lic.url)
    g.add((node, RDF.type, DCT.LicenseDocument))
    _texts(g, node, DCT["title"], (lic.title_ja, lic.title_en))
    g.add((node, DCT.issued, Literal(lic.issued.isoformat(), datatype=XSD.date)))
    g.add((node, DCT.type, URIRef(ATTRIBUTION)))
    for other in lic.compatible_with:
        g.add((node, RDFSN.seeAlso, URIRef(other)))
    return node


def _standard(g: Graph, iri: str, ja: str, en: str) -> URIRef:
    node = URIRef(iri)
    g.add((node, RDF.type, DCT.Standard))
    _texts(g, node, DCT["title"], (ja, en))
    return node


def _standards(g: Graph, facts: CatalogFacts) -> tuple[URIRef, URIRef]:
    """Our ontology and our SHACL shapes, the standards the RDF files conform to."""
    return (
        _standard(g, facts.ontology_iri, "施策集の知識グラフのオントロジー", "The kg ontology"),
        _standard(g, KGSH.rstrip("#"), "施策集の知識グラフのSHACLシェイプ", "The kg SHACL shapes"),
    )


def _laws(g: Graph, facts: CatalogFacts) -> list[URIRef]:
    nodes = []
    for law in facts.laws:
        node = URIRef(f"{facts.config.base_iri}law/{law.law_id}")
        g.add((node, RDF.type, URIRef(ELI + "LegalResource")))
        _texts(g, node, DCT["title"], (law.title_ja, law.title_en))
        g.add((node, RDFSN.seeAlso, URIRef(law.egov_url)))
        nodes.append(node)
    return nodes


def _contact(g: Graph, facts: CatalogFacts) -> URIRef | None:
    cfg = facts.config
    if not (cfg.contact_email or cfg.contact_url):
        return None
    node = URIRef(f"{cfg.base_iri}catalog/contact")
    g.add((node, RDF.type, VCARDN.Organization))
    g.add((node, RDF.type, VCARDN.Kind))
    g.add((node, VCARDN.fn, Literal(cfg.contact_name or facts.publisher.name_ja, lang="ja")))
    if cfg.contact_email:
        g.add((node, VCARDN.hasEmail, URIRef(f"mailto:{cfg.contact_email}")))
    if cfg.contact_url:
        g.add((node, VCARDN.hasURL, URIRef(cfg.contact_url)))
    return node


def _distribution(g: Graph, facts: CatalogFacts, file: FileFacts, licence: URIRef,
                  standards: tuple[URIRef, URIRef]) -> URIRef:
    base = facts.config.base_iri
    node = distribution_iri(base, file.path)
    if (node, RDF.type, DCATN.Distribution) in g:
        return node  # a shared file (code table, definitions) listed by several editions
    url = URIRef(download_url(facts, file))
    g.add((node, RDF.type, DCATN.Distribution))
    _texts(g, node, DCT["title"], (file.title_ja, file.title_en))
    about_ja, about_en = FORMAT_NOTES[file.format.eu_file_type]
    _texts(g, node, DCT.description, (f"{file.title_ja}。{about_ja}", f"{file.title_en}. {about_en}"))
    g.add((node, DCATN.accessURL, url))
    g.add((node, DCATN.downloadURL, url))
    media = URIRef(IANA_MEDIA_TYPES + file.format.media_type)
    g.add((node, DCATN.mediaType, media))
    g.add((media, RDF.type, DCT.MediaType))
    g.add((node, DCT["format"], authority("file-type", file.format.eu_file_type)))
    g.add((node, DCATN.byteSize, Literal(file.size, datatype=XSD.nonNegativeInteger)))
    checksum = URIRef(f"{node}/checksum")
    g.add((node, SPDXN.checksum, checksum))
    g.add((checksum, RDF.type, SPDXN.Checksum))
    g.add((checksum, SPDXN.algorithm, URIRef(CHECKSUM_SHA256)))
    g.add((checksum, SPDXN.checksumValue, Literal(file.sha256, datatype=XSD.hexBinary)))
    g.add((node, DCT.license, licence))
    for lang in ("JPN",):
        g.add((node, DCT.language, authority("language", lang)))
    if file.rdf:
        for standard in standards:
            g.add((node, DCT.conformsTo, standard))
    else:
        definitions = URIRef(download_url(facts, facts.definitions))
        g.add((definitions, RDF.type, DCT.Standard))
        _texts(g, definitions, DCT["title"], ("CSVの項目定義書", "Definitions of the CSV columns"))
        g.add((node, DCT.conformsTo, definitions))
    return node
