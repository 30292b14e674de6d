"""A measure across editions: which measures of the editions of a build are one measure.

Editions are taken in decision-date order. A measure of an edition joins the
lineage of an earlier measure when

1. the curated crosswalk (``data/lineage.csv``) says so, or else
2. the previous edition has a measure with the same ID *and the same name*.

A crosswalk row with the relation ``merged`` says instead that a measure was
merged into one of a later edition: its lineage ends there (a measure has one
lineage, so the measure it went into cannot continue two), and the merge is
recorded as a :class:`Merge`, which the lineage graph states as
``kg:mergedInto`` — the way a split is two measures of one edition sharing a
lineage, a merge is a lineage that ends in a measure of another. A merged
measure that the later edition also continues (same ID and name, or another
row) is an error: it cannot both end and go on.

Anything else starts a lineage of its own, minted at this edition
(``{base}lineage/{edition}/{id}``). The same ID under another name is not
taken as the same measure (IDs are reassigned between editions): it is listed
for review, and a crosswalk row settles it. A crosswalk row about two editions
of the build that names a measure one of them does not have is an error:
nothing would show that it was ignored. Rows about editions the build does not
have are not about this build, and are left alone (a crosswalk can cover every
plan while a user builds some).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.errors import Position
from kg.findings import Finding, finding
from kg.read.crosswalk import CrosswalkRow


@dataclass(frozen=True)
class Lineage:
    """A lineage: where it starts (edition key, measure ID) and the name it started under."""

    edition: str
    measure_id: str
    name: str

    @property
    def key(self) -> str:
        return f"{self.edition}/{self.measure_id}"


@dataclass(frozen=True)
class Merge:
    """Measure ``measure_id`` of ``edition`` was merged into ``into_id`` of ``into`` (a crosswalk row)."""

    edition: str
    measure_id: str
    into: str
    into_id: str


@dataclass
class LineageBook:
    """Lineages assigned so far, edition by edition (call :meth:`add_edition` in date order)."""

    crosswalk: list[CrosswalkRow]
    assigned: dict[tuple[str, str], Lineage] = field(default_factory=dict)
    new: list[Lineage] = field(default_factory=list)  # lineages started, in order
    merges: list[Merge] = field(default_factory=list)  # merges stated, in crosswalk order
    #: (edition, ID) of a measure → the first later measure that continues it (same ID and name, or a row).
    continued: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    _previous: dict[str, str] | None = None  # id → name of the previous edition
    _previous_key: str | None = None
    _editions: set[str] = field(default_factory=set)

    def starts_every_lineage(self) -> bool:
        """Whether the next edition starts a lineage for each of its measures, known before it is read.

        So it is for the first edition of a build: no earlier measure to continue,
        no crosswalk row that applies. Its measures' links (``kg:lineage``) can then
        be written with the measures, by the workers that map them.
        """
        return not self._editions

    def add_edition(
        self, edition: str, names: dict[str, str], positions: dict[str, Position]
    ) -> tuple[dict[str, Lineage], list[Finding]]:
        """Assign a lineage to each measure (ID → name, ID → source row) of ``edition``."""
        findings: list[Finding] = []
        rows = [r for r in self.crosswalk if r.to_edition == edition and r.from_edition in self._editions]
        stated = {(r.to_edition, r.to_id): r for r in rows if not r.merged}
        out: dict[str, Lineage] = {}
        for measure_id, name in names.items():
            row = stated.get((edition, measure_id))
            earlier = self.assigned.get((row.from_edition, row.from_id)) if row is not None else None
            if row is not None and earlier is None:
                findings.append(_unknown(row, row.from_edition, row.from_id))
            if earlier is None and row is None and self._previous is not None:
                before = self._previous.get(measure_id)
                if before is not None and before == name:
                    earlier = self.assigned[(self._previous_key or "", measure_id)]
                    self.continued.setdefault((self._previous_key or "", measure_id), (edition, measure_id))
                elif before is not None:
                    findings.append(
                        finding(
                            "lineage-unconfirmed",
                            positions.get(measure_id),
                            raw=name,
                            measure=measure_id,
                            edition=edition,
                            previous=self._previous_key,
                            name=before,
                        )
                    )
            if row is not None:
                self.continued.setdefault((row.from_edition, row.from_id), (edition, measure_id))
            lineage = earlier or Lineage(edition, measure_id, name)
            if earlier is None:
                self.new.append(lineage)
            self.assigned[(edition, measure_id)] = lineage
            out[measure_id] = lineage
        for row in stated.values():
            if row.to_id not in names:
                findings.append(_unknown(row, row.to_edition, row.to_id))
        findings += self._merges([r for r in rows if r.merged], names)
        self._previous, self._previous_key = names, edition
        self._editions.add(edition)
        return out, findings

    def _merges(self, rows: list[CrosswalkRow], names: dict[str, str]) -> list[Finding]:
        """Record the merges into this edition; a merged measure missing, or continued, is an error.

        Continued means by a measure of this edition or of one between (the
        merged measure's own successor, not a sibling of a split it was part of).
        """
        findings: list[Finding] = []
        for row in rows:
            known = (row.from_edition, row.from_id) in self.assigned
            if not known:
                findings.append(_unknown(row, row.from_edition, row.from_id))
            if row.to_id not in names:
                findings.append(_unknown(row, row.to_edition, row.to_id))
            also = self.continued.get((row.from_edition, row.from_id))
            if also is not None:
                findings.append(
                    finding(
                        "crosswalk-merged-kept", row.position, raw=row.from_id, measure=row.from_id,
                        edition=row.from_edition, target=row.to_id, into=row.to_edition,
                        kept=f"{also[1]} of {also[0]}",
                    )
                )
            elif known and row.to_id in names:
                self.merges.append(Merge(row.from_edition, row.from_id, row.to_edition, row.to_id))
        return findings


def _unknown(row: CrosswalkRow, edition: str, measure_id: str) -> Finding:
    return finding(
        "crosswalk-unknown-measure", row.position, raw=measure_id, edition=edition, measure=measure_id
    )
