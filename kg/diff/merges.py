"""Merges between two editions: which old measures went into which new ones (``kg:mergedInto``).

A merge is stated by the crosswalk and kept in the build's lineage graph as
``old-measure kg:mergedInto new-measure`` (:mod:`kg.build.lineage`): the
merged measure's lineage ends there, since the measure it went into continues
at most one lineage. So a diff that walks lineages sees the merged measure's
lineage with no measure in the new edition, and would call it removed; this
module says where it went.

The editions compared need not be the ones the merge links: in a build of
2022, 2023 and 2025, a 2023 merge shows in ``kg diff 2022 2025``. Each end of a
merge is placed by its lineage — read from the two editions' index, and, for a
measure of an edition between them, from that edition's plan graph (streamed,
only when a merge needs it). A merge with an end outside the editions compared
is not about them. The measure a lineage went into may itself be merged later:
the chain is followed until it reaches measures of the new edition.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import RdfFormat, parse

from kg.diff.snapshot import EditionIndex
from kg.vocabulary import KG

MERGED_INTO = KG + "mergedInto"


@dataclass(frozen=True)
class Merges:
    """Merges placed by lineage: the merged measure's lineage → (merged measure, target's lineage)."""

    by_lineage: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def targets(self, lineage: str, olds: Sequence[str], news: Sequence[str],
                members: dict[str, list[str]]) -> dict[str, list[str]]:
        """Old measure IRI → the new measures (IRIs) it was merged into, for one lineage.

        ``members`` gives each lineage's measures in the new edition. An old
        measure merged itself goes where its merge leads. One that was not, in a
        lineage with no measure in the new edition, went where the lineage's
        later measures (in editions between) were merged; in a lineage that goes
        on (a split sibling kept), it was not merged.
        """
        entries = self.by_lineage.get(lineage, [])
        out: dict[str, list[str]] = {}
        for old in olds:
            # Its own merge first; else, where the lineage ended, the merges of its later measures.
            own = [into for merged, into in entries if merged == old]
            later = [into for merged, into in entries if merged not in olds] if not news else []
            reached: list[str] = []
            for into in own or later:
                reached += [m for m in self._reach(into, members, {lineage}) if m not in reached]
            if reached:
                out[old] = reached
        return out

    def _reach(self, lineage: str, members: dict[str, list[str]], seen: set[str]) -> list[str]:
        if lineage in seen:
            return []
        seen.add(lineage)
        if members.get(lineage):
            return sorted(members[lineage])
        return [m for _, into in self.by_lineage.get(lineage, []) for m in self._reach(into, members, seen)]

    def lineages(self) -> set[str]:
        """Every lineage a merge leads into (whose new-edition measures :meth:`targets` needs)."""
        return {into for pairs in self.by_lineage.values() for _, into in pairs}


def read_merges(lineage_graph: Path, index: EditionIndex, between: Iterable[Path]) -> Merges:
    """The merges of the lineage graph whose two ends lie in the editions compared or between them."""
    pairs = [
        (t.subject.value, t.object.value)
        for t in parse(path=lineage_graph, format=RdfFormat.N_TRIPLES)
        if t.predicate.value == MERGED_INTO
    ]
    if not pairs:
        return Merges()
    wanted = {iri for pair in pairs for iri in pair}
    lineage_of = index.lineage_of(wanted)
    for path in between:
        missing = wanted - lineage_of.keys()
        if not missing:
            break
        for t in parse(path=path, format=RdfFormat.N_TRIPLES):
            if t.predicate.value == KG + "lineage" and t.subject.value in missing:
                lineage_of[t.subject.value] = t.object.value
    out: dict[str, list[tuple[str, str]]] = {}
    for merged, into in pairs:
        if merged in lineage_of and into in lineage_of:
            out.setdefault(lineage_of[merged], []).append((merged, lineage_of[into]))
    return Merges(out)
