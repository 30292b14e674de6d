"""Drafts from the extract: each raw row's cells by role, its KPIs told apart, its marks placed."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace

from kg.findings import Finding, finding
from kg.normalise.kpi import split_kpis
from kg.normalise.marks import read_marks
from kg.normalise.text import cell_text
from kg.read.table import RawRow
from kg.records import Draft, DraftKpi, DraftText, SourceRow, TableLayout


def unique_rows(rows: Iterable[RawRow | Finding]) -> Iterator[RawRow | Finding]:
    """Pass rows on in order, replacing a row whose measure ID came before by a finding."""
    seen: dict[str, int] = {}
    for row in rows:
        if isinstance(row, Finding):
            yield row
            continue
        measure_id = row.cell("id").text.strip()
        if measure_id in seen:
            yield finding(
                "duplicate-measure-id",
                row.position(row.header.columns["id"], measure_id),
                raw=measure_id,
                value=measure_id,
                first_line=seen[measure_id],
            )
            continue
        seen[measure_id] = row.line
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
        where = replace(
            row.position(marks.organizations.column, measure_id), column_name=layout.organizations
        )
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
