"""Apply a curated row over the measure read from the extract, cell by cell.

A cell whose text equals what ``kg export`` wrote for the extract keeps the
extract's reading (provenance, confidence, findings). A cell a person changed
is taken as their statement: it is parsed again, and the doubts the builder
had about the old reading (its review findings) go away. See :mod:`kg.curated`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace

from kg.curated.table import CuratedRow
from kg.curated.tokens import (
    CONCERNED,
    parse_mark,
    render_mark,
    render_marks,
    render_organizations,
    split_cell,
)
from kg.errors import Position
from kg.findings import REVIEW_CODES, Finding, Severity, finding
from kg.normalise.kpi import kpis_from_items
from kg.normalise.organizations import parse_organizations
from kg.read.table import MEASURE_ID
from kg.records import (
    Assembled,
    Confidence,
    Kpi,
    Mark,
    Measure,
    Participation,
    SourceRow,
    SplitMethod,
    TableLayout,
)
from kg.reference.organizations import Gazetteer


class Overlay:
    """What every row of one curated table needs: reference data and the file's identity."""

    def __init__(self, gazetteer: Gazetteer, layout: TableLayout, sha256: str) -> None:
        self.gazetteer = gazetteer
        self.layout = layout
        self.sha256 = sha256
        self.names = {o.id: o.name_ja for o in gazetteer.by_id.values()}

    def export_row(self, m: Measure, reviewed: bool = False) -> dict[str, str]:
        """The curated-table cells of measure ``m`` (what ``kg export`` writes)."""
        return {
            "id": m.id,
            "name": m.name,
            "kpis": "\n".join(k.text for k in m.kpis),
            "description": m.description,
            "marks": render_marks(m.marks),
            "organizations": render_organizations(m.participations, self.names, m.concerned_ministries),
            "reviewed": "yes" if reviewed else "",
            "source_line": str(m.source.line),
        }

    def apply(
        self, base: Measure | None, base_findings: tuple[Finding, ...], row: CuratedRow
    ) -> tuple[Measure | None, list[Finding]]:
        """The measure as the curated row states it, and the findings that still hold."""
        out: list[Finding] = []
        measure_id = row.measure_id
        if not MEASURE_ID.match(measure_id):
            return None, [finding("bad-measure-id", row.position("id"), raw=measure_id, value=measure_id)]
        exported = self.export_row(base) if base is not None else {}

        def unchanged(column: str) -> bool:
            return bool(exported) and row.cells[column] == exported[column]

        def base_notes(column_name: str) -> list[Finding]:
            return [f for f in base_findings if f.position.column_name == column_name]

        # Doubts about stray cells in the mark area hold whatever the table says.
        kept = [f for f in base_findings if f.code == "unexpected-mark-cell"]
        if unchanged("name"):
            kept += base_notes(self.layout.name)
        if unchanged("description"):
            kept += base_notes(self.layout.description)

        name = row.cells["name"].strip()
        if not name:
            out.append(finding("missing-name", row.position("name")))
        description = row.cells["description"].strip()

        if base is not None and unchanged("kpis"):
            kpis: tuple[Kpi, ...] = base.kpis
            out.extend(n for k in self.layout.kpis for n in base_notes(k.header))
        else:
            kpis, kpi_findings = self._kpis(row)
            out.extend(kpi_findings)

        if base is not None and unchanged("organizations"):
            participations: tuple[Participation, ...] = base.participations
            concerned = base.concerned_ministries
            out.extend(base_notes(self.layout.organizations))
        else:
            participations, concerned, org_findings = self._organizations(row)
            out.extend(org_findings)

        marks, mark_findings = self._marks(base, base_findings, row)
        out.extend(mark_findings)
        out.extend(kept)

        if row.reviewed:
            marks = tuple(replace(m, confidence=Confidence.HIGH, reviewed=True) for m in marks)
            out = [f for f in out if f.severity is Severity.ERROR or f.code not in REVIEW_CODES]
        source = (
            base.source if base is not None else SourceRow(row.file.rsplit("/", 1)[-1], self.sha256, row.line)
        )
        measure = Measure(
            id=measure_id,
            group=measure_id.split("-", 1)[0],
            name=name,
            description=description,
            kpis=kpis,
            participations=participations,
            marks=marks,
            source=source,
            concerned_ministries=concerned,
        )
        return measure, out

    def _kpis(self, row: CuratedRow) -> tuple[tuple[Kpi, ...], list[Finding]]:
        lines = [t.strip() for t in row.cells["kpis"].split("\n")]
        items = [(t, SplitMethod.WHOLE) for t in lines if t and t not in ("—", "-", "－")]
        kpis, findings = kpis_from_items(items, row.cells["kpis"], row.position("kpis"))
        return tuple(kpis), findings

    def _organizations(self, row: CuratedRow) -> tuple[tuple[Participation, ...], bool, list[Finding]]:
        tokens = split_cell(row.cells["organizations"])
        parsed = parse_organizations("、".join(tokens), self.gazetteer, row.position("organizations"))
        findings = list(parsed.findings)
        if not parsed.participations:
            findings.append(finding("missing-organization", row.position("organizations")))
        concerned = parsed.concerned_ministries or CONCERNED in tokens
        return parsed.participations, concerned, findings

    def _marks(
        self, base: Measure | None, base_findings: tuple[Finding, ...], row: CuratedRow
    ) -> tuple[tuple[Mark, ...], list[Finding]]:
        tokens = split_cell(row.cells["marks"])
        base_marks = list(base.marks) if base is not None else []
        rendered = [render_mark(m) for m in base_marks]
        used: set[int] = set()
        matches: dict[int, int] = {}
        for i, token in enumerate(tokens):  # first, tokens left exactly as exported
            for j, r in enumerate(rendered):
                if j not in used and r == token:
                    matches[i], used = j, used | {j}
                    break
        marks: list[Mark] = []
        findings: list[Finding] = []
        where = row.position("marks")
        for i, token in enumerate(tokens):
            if i in matches:
                old = base_marks[matches[i]]
                marks.append(replace(old, order=i + 1))
                findings.extend(
                    f
                    for f in base_findings
                    if f.code in ("uncertain-mark-column", "unplaceable-mark")
                    and (f.position.line, f.position.column) == (old.line, old.column)
                )
                continue
            try:
                parsed = parse_mark(token)
            except ValueError as exc:
                findings.append(finding("bad-curated-mark", where, raw=token, detail=str(exc)))
                continue
            for label in (parsed.label, *parsed.alternatives):
                if label is not None and self.layout.article(label) is None:
                    findings.append(finding("unknown-article-label", where, raw=token, label=label))
            # An edited token keeps the source cell of the mark it replaces, if that one is free.
            old_mark = base_marks[i] if i < len(base_marks) and i not in used else None
            marks.append(
                Mark(
                    order=i + 1,
                    strength=parsed.strength,
                    column_label=parsed.label,
                    confidence=parsed.confidence,
                    line=old_mark.line if old_mark else row.line,
                    column=old_mark.column if old_mark else where.column or 0,
                    raw=old_mark.raw if old_mark else token,
                    alternatives=parsed.alternatives,
                    reviewed=parsed.stated,
                )
            )
        return tuple(marks), findings


def overlay_rows(
    assembled: Iterable[Assembled], rows: list[CuratedRow], overlay: Overlay
) -> Iterator[Assembled]:
    """The measures as the curated table states them, in the table's order.

    A measure of the extract that the table lacks is dropped (with an ``info``
    finding); a row the extract lacks adds a measure derived from the table.
    """
    base: dict[str, Assembled] = {}
    for item in assembled:
        if item.measure is None:
            yield item  # unreadable rows stay errors: the table cannot vouch for them
        else:
            base[item.measure.id] = item
    seen: dict[str, int] = {}
    for row in rows:
        measure_id = row.measure_id
        if measure_id in seen:
            yield Assembled(
                None,
                (
                    finding(
                        "duplicate-measure-id",
                        row.position("id"),
                        raw=measure_id,
                        value=measure_id,
                        first_line=seen[measure_id],
                    ),
                ),
            )
            continue
        seen[measure_id] = row.line
        found = base.pop(measure_id) if measure_id in base else None
        measure, findings = overlay.apply(
            found.measure if found else None, found.findings if found else (), row
        )
        yield Assembled(measure, tuple(findings))
    for measure_id, item in base.items():
        assert item.measure is not None
        yield Assembled(
            None, (finding("curated-removed", Position(rows[0].file if rows else None), value=measure_id),)
        )
