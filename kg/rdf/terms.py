"""RDF terms as pyoxigraph nodes, literals of each datatype, and IRI minting.

Namespaces and prefixes are written in :mod:`kg.vocabulary`; this module makes
pyoxigraph terms of them, and :class:`Minter` makes the data IRIs.

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

from kg import vocabulary


@cache
def kg(local: str) -> NamedNode:
    """A term of our ontology (cached: terms are immutable and used millions of times)."""
    return NamedNode(vocabulary.kg_iri(local))


def iri(namespace: str, local: str) -> NamedNode:
    """A term of a namespace of :mod:`kg.vocabulary` (``iri(DCAT, "Dataset")``)."""
    return NamedNode(namespace + local)


RDF_TYPE = NamedNode(vocabulary.RDF_TYPE)
RDFS_LABEL = NamedNode(vocabulary.RDFS_LABEL)
XSD_INTEGER = NamedNode(vocabulary.XSD_INTEGER)
XSD_DECIMAL = NamedNode(vocabulary.XSD_DECIMAL)
XSD_DATE = NamedNode(vocabulary.XSD_DATE)
XSD_GYEAR = NamedNode(vocabulary.XSD_GYEAR)
XSD_BOOLEAN = NamedNode(vocabulary.XSD_BOOLEAN)


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

    def plan_graph(self, edition: str) -> NamedNode:
        return self.graph(f"plan/{_segment(edition)}")

    def edition(self, edition: str) -> NamedNode:
        """An edition, by its key (decision date): ``{base}plan/2023-06-09``."""
        return NamedNode(f"{self.base}plan/{_segment(edition)}")

    def source_file(self, edition: str) -> NamedNode:
        return NamedNode(f"{self.base}plan/{_segment(edition)}/source")

    def edition_namespace(self, edition: str, kind: str) -> str:
        """The flat namespace of one kind of resource of an edition (``measure``, ``kpi`` …)."""
        return f"{self.base}plan/{_segment(edition)}/{kind}/"

    def measure(self, edition: str, measure_id: str) -> NamedNode:
        return NamedNode(self.edition_namespace(edition, "measure") + _segment(measure_id))

    def part(self, edition: str, kind: str, measure_id: str, order: int) -> NamedNode:
        """A KPI, mark or participation: ``{base}plan/{edition}/{kind}/{id}-{n}``."""
        return NamedNode(f"{self.edition_namespace(edition, kind)}{_segment(measure_id)}-{order}")

    def row(self, edition: str, line: int, curated: bool = False) -> NamedNode:
        """A source row: ``row/{line}`` of the extract, ``row/curated-{line}`` of the curated table."""
        return NamedNode(f"{self.edition_namespace(edition, 'row')}{'curated-' if curated else ''}{line}")

    def curated_file(self, edition: str) -> NamedNode:
        return NamedNode(f"{self.base}plan/{_segment(edition)}/curated")

    def lineage(self, edition: str, measure_id: str) -> NamedNode:
        """A measure across editions, minted where it first appears: ``{base}lineage/{edition}/{id}``."""
        return NamedNode(f"{self.base}lineage/{_segment(edition)}/{_segment(measure_id)}")

    def organization(self, org_id: str) -> NamedNode:
        return NamedNode(f"{self.base}org/{_segment(org_id)}")

    def law(self, law_id: str) -> str:
        return f"{self.base}law/{_segment(law_id)}"

    def law_version(self, law_id: str, point_in_time: date) -> str:
        return f"{self.law(law_id)}/{point_in_time.isoformat()}"

    def provision(self, law_id: str, article: str) -> str:
        """An article as a provision, whatever its number: ``{base}law/{id}/provision/34-2024``."""
        return f"{self.law(law_id)}/provision/{_segment(article)}"

    def article(self, law_id: str, point_in_time: date, number: int) -> str:
        return f"{self.law_version(law_id, point_in_time)}/article/{number}"

    def paragraph(self, law_id: str, point_in_time: date, article: int, paragraph: int) -> str:
        return f"{self.article(law_id, point_in_time, article)}/paragraph/{paragraph}"
