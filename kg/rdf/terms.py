"""Namespaces, datatypes and IRI minting: the one place that knows how IRIs look.

IRIs follow docs/vocabulary.md. Sub-resources of a measure (KPIs, marks,
participations) live in a few flat namespaces per edition (``…/kpi/06-22-1``),
so that Turtle can write them as prefixed names (``kpi:06-22-1``) and the
sorted N-Triples writer sees, per namespace, one contiguous block per measure
(see :mod:`kg.rdf.write`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from urllib.parse import quote

from pyoxigraph import Literal, NamedNode

KG = "https://kg.example.jp/def/kg#"
ONTOLOGY_IRI = "https://kg.example.jp/def/kg"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"
ORG = "http://www.w3.org/ns/org#"
ELI = "http://data.europa.eu/eli/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
DCAT = "http://www.w3.org/ns/dcat#"
SCHEMA = "https://schema.org/"
IC = "http://imi.go.jp/ns/core/rdf#"

#: Prefixes written into Turtle/TriG and the JSON-LD context.
PREFIXES: dict[str, str] = {
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


@cache
def kg(local: str) -> NamedNode:
    """A term of our ontology (cached: terms are immutable and used millions of times)."""
    return NamedNode(KG + local)


def iri(namespace: str, local: str) -> NamedNode:
    return NamedNode(namespace + local)


RDF_TYPE = NamedNode(RDF + "type")
RDFS_LABEL = NamedNode(RDFS + "label")
XSD_INTEGER = NamedNode(XSD + "integer")
XSD_DECIMAL = NamedNode(XSD + "decimal")
XSD_DATE = NamedNode(XSD + "date")
XSD_GYEAR = NamedNode(XSD + "gYear")
XSD_BOOLEAN = NamedNode(XSD + "boolean")


def ja(text: str) -> Literal:
    return Literal(text, language="ja")


def en(text: str) -> Literal:
    return Literal(text, language="en")


def integer(value: int) -> Literal:
    return Literal(str(value), datatype=XSD_INTEGER)


def decimal(value: Decimal) -> Literal:
    # Canonical xsd:decimal lexical form: no exponent, at least one digit each side.
    text = format(value.normalize(), "f")
    if "." not in text:
        text += ".0"
    return Literal(text, datatype=XSD_DECIMAL)


def gyear(year: int) -> Literal:
    return Literal(f"{year:04d}", datatype=XSD_GYEAR)


def xsd_date(value: date) -> Literal:
    return Literal(value.isoformat(), datatype=XSD_DATE)


def boolean(value: bool) -> Literal:
    return Literal("true" if value else "false", datatype=XSD_BOOLEAN)


_SAFE_SEGMENT = re.compile(r"[A-Za-z0-9._~-]+")


def _segment(text: str) -> str:
    """A path segment: IDs are ASCII in practice, but never trust input to be IRI-safe."""
    return text if _SAFE_SEGMENT.fullmatch(text) else quote(text, safe="-._~")


@dataclass(frozen=True)
class Minter:
    """Mints every data IRI from the configured base (see docs/vocabulary.md)."""

    base: str

    def graph(self, name: str) -> NamedNode:
        return NamedNode(f"{self.base}graph/{name}")

    def plan_graph(self, year: int) -> NamedNode:
        return self.graph(f"plan/{year}")

    def edition(self, year: int) -> NamedNode:
        return NamedNode(f"{self.base}plan/{year}")

    def source_file(self, year: int) -> NamedNode:
        return NamedNode(f"{self.base}plan/{year}/source")

    def edition_namespace(self, year: int, kind: str) -> str:
        """The flat namespace of one kind of resource of an edition (``measure``, ``kpi`` …)."""
        return f"{self.base}plan/{year}/{kind}/"

    def measure(self, year: int, measure_id: str) -> NamedNode:
        return NamedNode(self.edition_namespace(year, "measure") + _segment(measure_id))

    def part(self, year: int, kind: str, measure_id: str, order: int) -> NamedNode:
        """A KPI, mark or participation: ``{base}plan/{year}/{kind}/{id}-{n}``."""
        return NamedNode(f"{self.edition_namespace(year, kind)}{_segment(measure_id)}-{order}")

    def row(self, year: int, line: int, curated: bool = False) -> NamedNode:
        """A source row: ``row/{line}`` of the extract, ``row/curated-{line}`` of the curated table."""
        return NamedNode(f"{self.edition_namespace(year, 'row')}{'curated-' if curated else ''}{line}")

    def curated_file(self, year: int) -> NamedNode:
        return NamedNode(f"{self.base}plan/{year}/curated")

    def organization(self, org_id: str) -> NamedNode:
        return NamedNode(f"{self.base}org/{_segment(org_id)}")

    def law(self, law_id: str) -> str:
        return f"{self.base}law/{_segment(law_id)}"

    def law_version(self, law_id: str, point_in_time: date) -> str:
        return f"{self.law(law_id)}/{point_in_time.isoformat()}"

    def article(self, law_id: str, point_in_time: date, number: int) -> str:
        return f"{self.law_version(law_id, point_in_time)}/article/{number}"

    def paragraph(self, law_id: str, point_in_time: date, article: int, paragraph: int) -> str:
        return f"{self.article(law_id, point_in_time, article)}/paragraph/{paragraph}"
