"""Checks of ontology/kg.ttl against itself and against the contract in docs/vocabulary.md.

- the file parses with rdflib and with pyoxigraph, to the same number of triples;
- every kg: term that appears anywhere in docs/vocabulary.md is declared (has an rdf:type);
- every declared kg: term has rdfs:label @ja and @en, an rdfs:comment and rdfs:isDefinedBy;
- every SKOS concept is in a declared scheme and has skos:prefLabel @ja/@en and skos:definition;
- no kg: term is used in the ontology without being declared;
- every external term is one of the terms checked to exist in its vocabulary (catches typos).
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from rdflib.term import Node

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology" / "kg.ttl"
VOCABULARY = ROOT / "docs" / "vocabulary.md"

KG = Namespace("https://kg.example.jp/def/kg#")
ONTOLOGY_IRI = URIRef("https://kg.example.jp/def/kg")

# External terms the ontology may mention, each checked to exist in its vocabulary
# (W3C ORG, ELI 1.5, PROV-O, DCAT 3, DCTERMS, SKOS, schema.org, IMI core). A new external
# term must be checked and added here; a misspelt one fails test_external_terms_are_known.
_ORG = "http://www.w3.org/ns/org#"
_ELI = "http://data.europa.eu/eli/ontology#"
_PROV = "http://www.w3.org/ns/prov#"
_DCAT = "http://www.w3.org/ns/dcat#"
_SKOS = str(SKOS)
_DCT = str(DCTERMS)
KNOWN_EXTERNAL = {
    URIRef(iri)
    for iri in [
        _ORG + "Organization",
        _ORG + "subOrganizationOf",
        _ORG + "classification",
        _ORG + "identifier",
        _ELI + "LegalResource",
        _ELI + "LegalResourceSubdivision",
        _ELI + "is_part_of",
        _ELI + "is_member_of",
        _ELI + "id_local",
        _ELI + "title",
        _ELI + "date_document",
        _ELI + "first_date_entry_in_force",
        _ELI + "version_date",
        _PROV + "Entity",
        _PROV + "wasDerivedFrom",
        _DCAT + "Dataset",
        _SKOS + "Concept",
        _SKOS + "ConceptScheme",
        _SKOS + "inScheme",
        _SKOS + "topConceptOf",
        _SKOS + "notation",
        _SKOS + "prefLabel",
        _SKOS + "altLabel",
        _SKOS + "definition",
        _DCT + "isPartOf",
        _DCT + "title",
        _DCT + "description",
        _DCT + "identifier",
        _DCT + "issued",
        _DCT + "source",
        _DCT + "license",
        "https://schema.org/Action",
        "http://imi.go.jp/ns/core/rdf#組織型",
        "http://spdx.org/licenses/MIT",
        # Sources of the organisation-kind definitions (dcterms:source): the e-Gov pages of
        # 会計検査院法, 国家公務員法, 国家行政組織法 and 内閣府設置法.
        "https://laws.e-gov.go.jp/law/322AC0000000073",
        "https://laws.e-gov.go.jp/law/322AC0000000120",
        "https://laws.e-gov.go.jp/law/323AC0000000120",
        "https://laws.e-gov.go.jp/law/411AC0000000089",
    ]
}
# Namespaces whose terms are the language itself (RDF, RDFS, OWL, XSD): always allowed.
BUILTIN_NAMESPACES = (str(RDF), str(RDFS), str(OWL), "http://www.w3.org/2001/XMLSchema#")

DECLARATION_TYPES = {
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    SKOS.Concept,
    SKOS.ConceptScheme,
}


@pytest.fixture(scope="module")
def graph() -> Graph:
    return Graph().parse(ONTOLOGY, format="turtle")


def _kg_terms_in_vocabulary() -> set[URIRef]:
    text = VOCABULARY.read_text(encoding="utf-8")
    return {KG[name] for name in re.findall(r"\bkg:([A-Za-z][A-Za-z0-9_]*)", text)}


def _iris(graph: Graph) -> set[URIRef]:
    return {term for triple in graph for term in triple if isinstance(term, URIRef)}


def _kg_iris(graph: Graph) -> set[URIRef]:
    return {iri for iri in _iris(graph) if str(iri).startswith(str(KG))}


def _declared_kg_terms(graph: Graph) -> set[URIRef]:
    return {s for s in graph.subjects(RDF.type, None) if isinstance(s, URIRef) and str(s).startswith(str(KG))}


def _langs(graph: Graph, subject: Node, predicate: URIRef) -> set[str | None]:
    return {o.language for o in graph.objects(subject, predicate) if isinstance(o, Literal)}


def test_parses_with_rdflib_and_pyoxigraph(graph: Graph) -> None:
    quads = list(pyoxigraph.parse(path=str(ONTOLOGY), format=pyoxigraph.RdfFormat.TURTLE))
    assert len(graph) > 0
    assert len(quads) == len(graph)


def test_ontology_header(graph: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in graph
    assert graph.value(ONTOLOGY_IRI, OWL.versionInfo) is not None
    assert {"ja", "en"} <= _langs(graph, ONTOLOGY_IRI, DCTERMS.title)
    assert graph.value(ONTOLOGY_IRI, DCTERMS.description) is not None
    assert graph.value(ONTOLOGY_IRI, DCTERMS.license) is not None


def test_vocabulary_terms_are_declared(graph: Graph) -> None:
    wanted = _kg_terms_in_vocabulary()
    assert len(wanted) > 50, "the regex found too few kg: terms in docs/vocabulary.md"
    declared = _declared_kg_terms(graph)
    missing = sorted(str(t) for t in wanted - declared)
    assert not missing, f"kg: terms in docs/vocabulary.md not declared in kg.ttl: {missing}"


def test_no_undeclared_kg_term_is_used(graph: Graph) -> None:
    undeclared = sorted(str(t) for t in _kg_iris(graph) - _declared_kg_terms(graph))
    assert not undeclared, f"kg: terms used but not declared: {undeclared}"


def test_declared_terms_have_a_known_kind(graph: Graph) -> None:
    for term in _declared_kg_terms(graph):
        types = set(graph.objects(term, RDF.type))
        assert types & DECLARATION_TYPES, f"{term} has no class/property/concept/scheme type: {types}"


def test_declared_terms_are_documented(graph: Graph) -> None:
    problems = []
    for term in sorted(_declared_kg_terms(graph)):
        if not {"ja", "en"} <= _langs(graph, term, RDFS.label):
            problems.append(f"{term}: rdfs:label needs @ja and @en")
        if "en" not in _langs(graph, term, RDFS.comment):
            problems.append(f"{term}: rdfs:comment @en missing")
        if (term, RDFS.isDefinedBy, ONTOLOGY_IRI) not in graph:
            problems.append(f"{term}: rdfs:isDefinedBy the ontology missing")
    assert not problems, "\n".join(problems)


def test_properties_have_domain_and_range(graph: Graph) -> None:
    problems = []
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty):
        for prop in graph.subjects(RDF.type, kind):
            if not str(prop).startswith(str(KG)):
                continue
            if graph.value(prop, RDFS.domain) is None:
                problems.append(f"{prop}: no rdfs:domain")
            if graph.value(prop, RDFS.range) is None:
                problems.append(f"{prop}: no rdfs:range")
    assert not problems, "\n".join(problems)


def test_skos_concepts_are_in_a_scheme(graph: Graph) -> None:
    schemes = set(graph.subjects(RDF.type, SKOS.ConceptScheme))
    concepts = {c for c in graph.subjects(RDF.type, SKOS.Concept) if isinstance(c, URIRef)}
    assert concepts, "no SKOS concepts declared"
    problems = []
    for concept in sorted(concepts):
        in_schemes = set(graph.objects(concept, SKOS.inScheme))
        if not in_schemes:
            problems.append(f"{concept}: no skos:inScheme")
        elif not in_schemes <= schemes:
            problems.append(f"{concept}: in an undeclared scheme {in_schemes - schemes}")
        if not {"ja", "en"} <= _langs(graph, concept, SKOS.prefLabel):
            problems.append(f"{concept}: skos:prefLabel needs @ja and @en")
        if graph.value(concept, SKOS.definition) is None:
            problems.append(f"{concept}: no skos:definition")
    for scheme in schemes:
        if not any(graph.subjects(SKOS.inScheme, scheme)):
            problems.append(f"{scheme}: an empty scheme")
    assert not problems, "\n".join(problems)


def test_mark_strength_notations(graph: Graph) -> None:
    assert graph.value(KG.Primary, SKOS.notation) == Literal("◎")
    assert graph.value(KG.Linked, SKOS.notation) == Literal("○")
    assert (KG.Primary, SKOS.prefLabel, Literal("主に該当するもの", lang="ja")) in graph
    assert (KG.Linked, SKOS.prefLabel, Literal("連携するもの", lang="ja")) in graph
    assert (KG.LeadRole, SKOS.prefLabel, Literal("主担当", lang="ja")) in graph


def test_required_alignments(graph: Graph) -> None:
    org = Namespace(_ORG)
    eli = Namespace(_ELI)
    prov = Namespace(_PROV)
    dcat = Namespace(_DCAT)
    for sub, sup in [
        (KG.GovernmentOrganization, org.Organization),
        (KG.Law, eli.LegalResource),
        (KG.LawVersion, eli.LegalResource),
        (KG.Article, eli.LegalResourceSubdivision),
        (KG.Paragraph, eli.LegalResourceSubdivision),
        (KG.PlanEdition, dcat.Dataset),
        (KG.PlanEdition, prov.Entity),
        (KG.SourceFile, prov.Entity),
        (KG.SourceRow, prov.Entity),
        (KG.Measure, prov.Entity),
    ]:
        assert (sub, RDFS.subClassOf, sup) in graph, f"{sub} ⊑ {sup} missing"
    for sub, sup in [
        (KG.inEdition, DCTERMS.isPartOf),
        (KG.versionOf, eli.is_member_of),
        (KG.primaryLegalBasis, KG.legalBasis),
        (KG.linkedLegalBasis, KG.legalBasis),
        (KG.ledBy, KG.implementedBy),
    ]:
        assert (sub, RDFS.subPropertyOf, sup) in graph, f"{sub} ⊑ {sup} missing"


def test_external_terms_are_known(graph: Graph) -> None:
    unknown = sorted(
        str(iri)
        for iri in _iris(graph)
        if not str(iri).startswith(str(KG))
        and iri != ONTOLOGY_IRI
        and not str(iri).startswith(BUILTIN_NAMESPACES)
        and iri not in KNOWN_EXTERNAL
    )
    assert not unknown, f"external terms not in the checked list: {unknown}"


def test_external_terms_used_in_axioms_are_typed(graph: Graph) -> None:
    """OWL 2 DL: every external class or property the ontology builds on is declared."""
    needed = set(graph.objects(None, RDFS.subClassOf)) | set(graph.objects(None, RDFS.subPropertyOf))
    needed |= set(graph.predicates())
    problems = [
        str(iri)
        for iri in needed
        if isinstance(iri, URIRef)
        and not str(iri).startswith(BUILTIN_NAMESPACES)
        and not set(graph.objects(iri, RDF.type)) & DECLARATION_TYPES
    ]
    assert not problems, f"external terms used without an OWL type: {sorted(problems)}"


def test_subproperties_keep_their_kind(graph: Graph) -> None:
    """OWL 2 DL forbids subPropertyOf between an object and a datatype/annotation property."""
    kinds = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    problems = []
    for sub, sup in graph.subject_objects(RDFS.subPropertyOf):
        sub_kind = {k for k in kinds if (sub, RDF.type, k) in graph}
        sup_kind = {k for k in kinds if (sup, RDF.type, k) in graph}
        if sub_kind != sup_kind:
            problems.append(f"{sub} {sub_kind} ⊑ {sup} {sup_kind}")
    assert not problems, "\n".join(problems)
