"""Map measure lineages (kg.build.lineage) to triples.

Each measure gets ``kg:lineage`` in its edition's graph; the lineage resources
themselves live in a graph of their own (``{base}graph/lineage``), since they
belong to no one edition. So does ``kg:mergedInto`` (a measure merged into one
of a later edition), which links two editions.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from typing import Protocol

from pyoxigraph import Literal, NamedNode, Triple

from kg.rdf.terms import RDF_TYPE, RDFS_LABEL, Minter, ja, kg
from kg.vocabulary import DCTERMS

_IDENTIFIER = NamedNode(DCTERMS + "identifier")
# The terms every lineage line shares, rendered once as N-Triples (the workers write a
# large first edition's lineages one measure at a time).
_A, _LABEL, _IDENTIFIER_NT = str(RDF_TYPE), str(RDFS_LABEL), str(_IDENTIFIER)
_KIND, _FIRST, _LINK = str(kg("MeasureLineage")), str(kg("firstEdition")), str(kg("lineage"))


@lru_cache(maxsize=64)
def _edition(minter: Minter, edition: str) -> str:
    """An edition's IRI as N-Triples (cached: every lineage started in it names it)."""
    return str(minter.edition(edition))


class LineageLike(Protocol):
    """What the mapping needs of a lineage: its key, where it starts, and the name it started under."""

    @property
    def key(self) -> str: ...

    @property
    def edition(self) -> str: ...

    @property
    def measure_id(self) -> str: ...

    @property
    def name(self) -> str: ...


class MergeLike(Protocol):
    """What the mapping needs of a merge: the measure merged (edition, ID) and the one it went into."""

    @property
    def edition(self) -> str: ...

    @property
    def measure_id(self) -> str: ...

    @property
    def into(self) -> str: ...

    @property
    def into_id(self) -> str: ...


def lineage_links(minter: Minter, edition: str, lineages: Mapping[str, LineageLike]) -> Iterator[str]:
    """``measure kg:lineage L`` for every measure (by ID) of ``edition``: N-Triples lines, one per measure.

    Lines, as :meth:`kg.rdf.plan.PlanMapper.measure_lanes` writes its measures
    (terms pyoxigraph rendered, joined): one per measure of a large edition.
    """
    for measure_id, lin in lineages.items():
        yield f"{minter.measure(edition, measure_id)} {_LINK} {minter.lineage(lin.edition, lin.measure_id)} ."


def lineage_lines(minter: Minter, lineages: Iterable[LineageLike]) -> Iterator[str]:
    """The lineage resources as N-Triples lines: identifier, first edition, the name they started under."""
    for lin in lineages:
        s = minter.lineage(lin.edition, lin.measure_id)
        yield f"{s} {_A} {_KIND} ."
        yield f"{s} {_IDENTIFIER_NT} {Literal(lin.key)} ."
        yield f"{s} {_FIRST} {_edition(minter, lin.edition)} ."
        if lin.name:
            yield f"{s} {_LABEL} {ja(lin.name)} ."


def merge_triples(minter: Minter, merges: Iterable[MergeLike]) -> list[Triple]:
    """``measure kg:mergedInto measure`` for every merge the crosswalk states."""
    return [
        Triple(minter.measure(m.edition, m.measure_id), kg("mergedInto"), minter.measure(m.into, m.into_id))
        for m in merges
    ]
