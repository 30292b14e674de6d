"""Read a curated row over the extract's draft of the same measure, cell by cell.

A cell whose text equals what ``kg export`` wrote for the extract keeps the
extract's reading (its source cell, how its KPIs were told apart, where its
marks stand, and the findings of doing so). A cell a person changed is taken
as their statement and read again. Either way the result is a
:class:`~kg.records.Draft`, and the one assembler (:func:`kg.assemble.assemble`)
makes the measure, as it does for the extract. See :mod:`kg.curated`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace

from kg.assemble import assemble
from kg.curated.table import CuratedRow
from kg.curated.tokens import (
    parse_mark,
    render_mark,
    render_marks,
    render_organizations,
    split_cell,
)
from kg.errors import Position
from kg.findings import Finding, finding
from kg.read.table import MEASURE_ID
from kg.records import (
    Assembled,
    Draft,
    DraftKpi,
    DraftText,
    Mark,
    Measure,
    SourceRow,
    SplitMethod,
    TableLayout,
)
from kg.reference.organizations import Gazetteer

#: Mark findings that hold whatever the curated table says (stray text in the mark area).
_ROW_MARK_CODES = frozenset({"unexpected-mark-cell"})
#: Mark findings about one mark's column: kept with the mark while its token is left as exported.
_MARK_CODES = frozenset({"uncertain-mark-column", "unplaceable-mark"})
#: What a KPI line that says "no KPI" looks like.
_NO_KPI = frozenset({"—", "-", "－"})


def export_row(m: Measure, names: Mapping[str, str], reviewed: bool = False) -> dict[str, str]:
    """The curated-table cells of ``m`` (what ``kg export`` writes); ``names``: organisations' names by ID."""
    return {
        "id": m.id,
        "name": m.name,
        "kpis": "\n".join(k.text for k in m.kpis),
        "description": m.description,
        "marks": render_marks(m.marks),
        "organizations": render_organizations(m.participations, names, m.concerned_ministries),
        "reviewed": "yes" if reviewed else "",
        "source_line": str(m.source.line),
    }


class Overlay:
    """What reading an edition's curated rows needs: its reference data and table layout."""

    def __init__(self, gazetteer: Gazetteer, layout: TableLayout) -> None:
        self.gazetteer = gazetteer
        self.layout = layout
        self.names = {o.id: o.name_ja for o in gazetteer.by_id.values()}

    def export_row(self, m: Measure, reviewed: bool = False) -> dict[str, str]:
        """The curated-table cells of ``m``, organisations named as the gazetteer names them."""
        return export_row(m, self.names, reviewed)

    def draft(self, base: tuple[Draft, Measure] | None, row: CuratedRow, sha256: str) -> Draft:
        """The draft the curated row states, over the extract's draft and measure (``base``), if any.

        ``sha256`` identifies the curated file: a row the extract lacks has it as its source.
        """
        exported = self.export_row(base[1]) if base is not None else {}
        old = base[0] if base is not None else None

        def unchanged(column: str) -> bool:
            return bool(exported) and row.cells[column] == exported[column]

        def text(column: str) -> DraftText:
            if old is not None and unchanged(column):
                return old.name if column == "name" else old.description
            return DraftText(row.cells[column].strip(), row.cells[column], row.position(column))

        if old is not None and unchanged("kpis"):
            kpis, kpi_findings = old.kpis, old.kpi_findings
        else:
            kpis, kpi_findings = self._kpis(old, row), ()
        if old is not None and unchanged("organizations"):
            organizations, lead_marker = old.organizations, old.lead_marker
        else:
            tokens = split_cell(row.cells["organizations"])
            organizations = DraftText(
                "、".join(tokens), row.cells["organizations"], row.position("organizations")
            )
            lead_marker = False
        marks, mark_findings = self._marks(old, row)
        return Draft(
            id=row.measure_id,
            name=text("name"),
            description=text("description"),
            kpis=kpis,
            kpi_findings=kpi_findings,
            organizations=organizations,
            lead_marker=lead_marker,
            marks=marks,
            mark_findings=tuple(mark_findings),
            source=old.source
            if old is not None
            else SourceRow(row.file.rsplit("/", 1)[-1], sha256, row.line),
            reviewed=row.reviewed,
        )

    def _kpis(self, old: Draft | None, row: CuratedRow) -> tuple[DraftKpi, ...]:
        """One KPI per line, as a person wrote them; a line kept from the extract keeps its column's kind."""
        kinds = {k.text: k.kind for k in old.kpis} if old is not None else {}
        single = self.layout.kpis[0].kind if len(self.layout.kpis) == 1 else None
        cell, where = row.cells["kpis"], row.position("kpis")
        lines = [t.strip() for t in cell.split("\n")]
        return tuple(
            DraftKpi(t, SplitMethod.WHOLE, kinds.get(t, single), cell, where)
            for t in lines
            if t and t not in _NO_KPI
        )

    def _marks(self, old: Draft | None, row: CuratedRow) -> tuple[tuple[Mark, ...], list[Finding]]:
        tokens = split_cell(row.cells["marks"])
        base_marks = list(old.marks) if old is not None else []
        base_findings = old.mark_findings if old is not None else ()
        rendered = [render_mark(m) for m in base_marks]
        used: set[int] = set()
        matches: dict[int, int] = {}
        for i, token in enumerate(tokens):  # first, tokens left exactly as exported
            for j, r in enumerate(rendered):
                if j not in used and r == token:
                    matches[i], used = j, used | {j}
                    break
        marks: list[Mark] = []
        findings = [f for f in base_findings if f.code in _ROW_MARK_CODES]
        where = row.position("marks")
        for i, token in enumerate(tokens):
            if i in matches:
                kept = base_marks[matches[i]]
                marks.append(replace(kept, order=i + 1))
                findings.extend(
                    f
                    for f in base_findings
                    if f.code in _MARK_CODES
                    and (f.position.line, f.position.column) == (kept.line, kept.column)
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
            replaced = base_marks[i] if i < len(base_marks) and i not in used else None
            marks.append(
                Mark(
                    order=i + 1,
                    strength=parsed.strength,
                    column_label=parsed.label,
                    confidence=parsed.confidence,
                    line=replaced.line if replaced else row.line,
                    column=replaced.column if replaced else where.column or 0,
                    raw=replaced.raw if replaced else token,
                    alternatives=parsed.alternatives,
                    reviewed=parsed.stated,
                )
            )
        return tuple(marks), findings


def overlay_rows(
    drafts: Iterable[Draft | Finding], rows: list[CuratedRow], sha256: str, overlay: Overlay
) -> Iterator[Assembled]:
    """The measures as the curated table states them, in the table's order.

    ``drafts`` are the extract's (a finding stands for a row that could not be
    read: it stays an error, the table cannot vouch for it). A measure of the
    extract that the table lacks is dropped (with an ``info`` finding); a row
    the extract lacks adds a measure derived from the table.
    """
    base: dict[str, tuple[Draft, Measure]] = {}
    for draft in drafts:
        if isinstance(draft, Finding):
            yield Assembled(None, (draft,))
            continue
        measure = assemble(draft, overlay.gazetteer).measure
        assert measure is not None  # a draft always assembles into a measure
        base[draft.id] = (draft, measure)
    seen: dict[str, int] = {}
    for row in rows:
        measure_id = row.measure_id
        if not MEASURE_ID.match(measure_id):
            yield Assembled(
                None, (finding("bad-measure-id", row.position("id"), raw=measure_id, value=measure_id),)
            )
            continue
        if measure_id in seen:
            duplicate = finding(
                "duplicate-measure-id",
                row.position("id"),
                raw=measure_id,
                value=measure_id,
                first_line=seen[measure_id],
            )
            yield Assembled(None, (duplicate,))
            continue
        seen[measure_id] = row.line
        yield assemble(overlay.draft(base.pop(measure_id, None), row, sha256), overlay.gazetteer)
    for measure_id in base:
        yield Assembled(
            None, (finding("curated-removed", Position(rows[0].file if rows else None), value=measure_id),)
        )
