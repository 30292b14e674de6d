"""Namespaces, prefixes and terms: the one module where a vocabulary IRI is written.

Plain strings only (no pyoxigraph, no rdflib), so that every stage can use
them: :mod:`kg.rdf.terms` wraps them as pyoxigraph terms for the mapping,
:mod:`kg.validate` as rdflib terms, :mod:`kg.query` for readable results.
The data IRIs minted under the configured base are not here: they are
:class:`kg.rdf.terms.Minter`'s (see docs/vocabulary.md).
"""

from __future__ import annotations

from typing import Final

#: The kg ontology: its terms, and the ontology itself.
KG: Final = "https://kg.example.jp/def/kg#"
ONTOLOGY_IRI: Final = "https://kg.example.jp/def/kg"
#: The SHACL shapes of shapes/.
KGSH: Final = "https://kg.example.jp/def/shapes#"

RDF: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS: Final = "http://www.w3.org/2000/01/rdf-schema#"
XSD: Final = "http://www.w3.org/2001/XMLSchema#"
OWL: Final = "http://www.w3.org/2002/07/owl#"
ORG: Final = "http://www.w3.org/ns/org#"
ELI: Final = "http://data.europa.eu/eli/ontology#"
SKOS: Final = "http://www.w3.org/2004/02/skos/core#"
DCTERMS: Final = "http://purl.org/dc/terms/"
PROV: Final = "http://www.w3.org/ns/prov#"
DCAT: Final = "http://www.w3.org/ns/dcat#"
SCHEMA: Final = "https://schema.org/"
#: DCAT-AP, ADMS, SPDX, FOAF and vCard: the catalog record (kg catalog).
DCATAP: Final = "http://data.europa.eu/r5r/"
ADMS: Final = "http://www.w3.org/ns/adms#"
SPDX: Final = "http://spdx.org/rdf/terms#"
FOAF: Final = "http://xmlns.com/foaf/0.1/"
VCARD: Final = "http://www.w3.org/2006/vcard/ns#"
#: The EU Publications Office authority tables DCAT-AP takes its code values from.
EU_AUTHORITY: Final = "http://publications.europa.eu/resource/authority/"
IC: Final = "http://imi.go.jp/ns/core/rdf#"
SH: Final = "http://www.w3.org/ns/shacl#"
#: VoID, for the dataset description the site publishes (kg site); not a prefix of the build's dumps.
VOID: Final = "http://rdfs.org/ns/void#"
#: W3C's IRIs of RDF serialisation formats (void:feature).
W3C_FORMATS: Final = "http://www.w3.org/ns/formats/"

#: Prefixes written into Turtle/TriG and the JSON-LD context, and used to shorten IRIs in results.
PREFIXES: Final[dict[str, str]] = {
    "kg": KG,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "owl": OWL,
    "org": ORG,
    "eli": ELI,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "prov": PROV,
    "dcat": DCAT,
    "schema": SCHEMA,
    "ic": IC,
}


#: Prefixes of the data namespaces minted under the base IRI (see :class:`kg.rdf.terms.Minter`): the
#: organisations, and in a plan graph each kind of per-edition resource, named as its path segment.
ORGANIZATION_PREFIX: Final = "gov"
EDITION_PREFIXES: Final = ("measure", "kpi", "mark", "participation", "row")


def kg_iri(local: str) -> str:
    """The IRI of a term of the kg ontology (``kg_iri("Measure")``)."""
    return KG + local


#: Terms used by more than one stage, as IRI strings.
RDF_TYPE: Final = RDF + "type"
RDFS_LABEL: Final = RDFS + "label"
RDFS_COMMENT: Final = RDFS + "comment"
RDFS_SUBCLASS_OF: Final = RDFS + "subClassOf"
XSD_STRING: Final = XSD + "string"
XSD_INTEGER: Final = XSD + "integer"
XSD_DECIMAL: Final = XSD + "decimal"
XSD_DATE: Final = XSD + "date"
XSD_GYEAR: Final = XSD + "gYear"
XSD_BOOLEAN: Final = XSD + "boolean"
DCTERMS_IDENTIFIER: Final = DCTERMS + "identifier"
PROV_WAS_DERIVED_FROM: Final = PROV + "wasDerivedFrom"
