"""Drafts from the extract: each raw row's cells by role, its KPIs told apart, its marks placed."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from kg.errors import Position
from kg.findings import Finding, finding
from kg.normalise.kpi import split_kpis
from kg.normalise.marks import read_marks
from kg.normalise.text import cell_text
from kg.read.table import RawRow
from kg.records import Draft, DraftKpi, DraftText, SourceRow, TableLayout


class FirstSeen:
    """The measure IDs of an edition seen so far: a row whose ID came before is a duplicate."""

    def __init__(self) -> None:
        self._lines: dict[str, int | None] = {}

    def again(self, measure_id: str, where: Position) -> Finding | None:
        """None the first time ``measure_id`` is seen (at ``where``, its ID cell); a finding after."""
        if measure_id not in self._lines:
            self._lines[measure_id] = where.line
            return None
        first = self._lines[measure_id]
        return finding("duplicate-measure-id", where, raw=measure_id, value=measure_id, first_line=first)


def id_cell(row: RawRow) -> tuple[str, Position]:
    """The row's measure ID and the position of its cell."""
    measure_id = row.cell("id").text.strip()
    return measure_id, row.position(row.header.columns["id"], measure_id)


def unique_rows(rows: Iterable[RawRow | Finding]) -> Iterator[RawRow | Finding]:
    """Pass rows on in order, replacing a row whose measure ID came before by a finding."""
    seen = FirstSeen()
    for row in rows:
        if isinstance(row, Finding):
            yield row
        elif (duplicate := seen.again(*id_cell(row))) is not None:
            yield duplicate
        else:
            yield row


def draft_row(row: RawRow, layout: TableLayout, sha256: str) -> Draft:
    """The draft of one extract row (``layout``: the edition's columns; ``sha256``: its source's)."""
    measure_id = row.cell("id").text.strip()

    def text(role: str) -> DraftText:
        cell = row.cell(role)
        return DraftText(cell_text(cell.text), cell.text, row.position(cell.column, measure_id))

    kpis: list[DraftKpi] = []
    kpi_findings: list[Finding] = []
    for column, cell in row.kpi_cells():
        where = row.position(cell.column, measure_id)
        items, split_findings = split_kpis(cell.text, where)
        kpi_findings.extend(split_findings)
        kpis.extend(DraftKpi(t, method, column.kind, cell.text, where) for t, method in items)
    marks = read_marks(row, layout.labels, measure_id)
    if marks.organizations is None:
        organizations = DraftText("", "", row.position(None, measure_id))
    else:
        # The ministry cell wanders, so name it by its role, not by the header above it.
        where = Position(row.file, row.line, marks.organizations.column, layout.organizations, measure_id)
        organizations = DraftText(marks.organizations.text, marks.organizations.text, where)
    return Draft(
        id=measure_id,
        name=text("name"),
        description=text("description"),
        kpis=tuple(kpis),
        kpi_findings=tuple(kpi_findings),
        organizations=organizations,
        lead_marker=marks.lead_marker,
        marks=marks.marks,
        mark_findings=marks.findings,
        source=SourceRow(row.file, sha256, row.line),
    )
