"""Assemble measures from raw rows: run each normaliser on its cell, collect findings.

This is where the stages meet: the reader's positions, the normalisers' results
and the edition metadata become :class:`kg.records.Measure` records, and every
finding is tied to its measure ID and cell.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import replace

from kg.findings import Finding, finding
from kg.normalise.kpi import parse_kpis
from kg.normalise.marks import read_marks
from kg.normalise.organizations import parse_organizations
from kg.normalise.text import cell_text
from kg.read.table import RawRow
from kg.records import Assembled, Cell, Kpi, Measure, Participation, SourceRow, TableLayout
from kg.reference.organizations import Gazetteer

#: A tag that survived text normalisation (formatting tags are removed; anything else is kept as text).
_TAG = re.compile(r"<[A-Za-z!/][^>]{0,40}>?")


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


def assemble_rows(
    rows: Iterable[RawRow | Finding], layout: TableLayout, sha256: str, gazetteer: Gazetteer
) -> Iterator[Assembled]:
    """Yield one :class:`Assembled` per row, in source order, checking IDs for duplicates."""
    for row in unique_rows(rows):
        if isinstance(row, Finding):
            yield Assembled(None, (row,))
        else:
            yield assemble_row(row, layout, sha256, gazetteer)


def assemble_row(row: RawRow, layout: TableLayout, sha256: str, gazetteer: Gazetteer) -> Assembled:
    """Normalise the cells of one measure row into a :class:`Measure`.

    ``layout`` is the edition's table layout (its article labels and header names).
    """
    measure_id = row.cell("id").text.strip()
    findings: list[Finding] = []
    name_cell = row.cell("name")
    name = cell_text(name_cell.text)
    if not name:
        findings.append(finding("missing-name", row.position(name_cell.column, measure_id)))
    kpis: list[Kpi] = []
    kpi_texts: list[tuple[Cell, str]] = []
    for column, kpi_cell in row.kpi_cells():
        items, kpi_findings = parse_kpis(kpi_cell.text, row.position(kpi_cell.column, measure_id))
        findings.extend(kpi_findings)
        for item in items:  # numbered on across the KPI columns, each KPI knowing its column's kind
            kpis.append(replace(item, order=len(kpis) + 1, kind=column.kind))
            kpi_texts.append((kpi_cell, item.text))
    description = cell_text(row.cell("description").text)
    texts = [(row.cell("name"), name), (row.cell("description"), description), *kpi_texts]
    for cell, text in texts:
        tag = _TAG.search(text)
        if tag:
            findings.append(
                finding(
                    "markup-kept-as-text", row.position(cell.column, measure_id), raw=cell.text, value=tag[0]
                )
            )
            break
    marks = read_marks(row, layout.labels, measure_id)
    findings.extend(marks.findings)
    if marks.organizations is None:
        findings.append(finding("missing-organization", row.position(None, measure_id)))
        participations: tuple[Participation, ...] = ()
        concerned = False
    else:
        # The ministry cell wanders, so name it by its role, not by the header above it.
        org_pos = row.position(marks.organizations.column, measure_id)
        org_pos = replace(org_pos, column_name=layout.organizations)
        orgs = parse_organizations(
            marks.organizations.text, gazetteer, org_pos, lead_marker=marks.lead_marker
        )
        findings.extend(orgs.findings)
        participations = orgs.participations
        concerned = orgs.concerned_ministries
    measure = Measure(
        id=measure_id,
        group=measure_id.split("-", 1)[0],
        name=name,
        description=description,
        kpis=tuple(kpis),
        participations=tuple(participations),
        marks=marks.marks,
        source=SourceRow(row.file, sha256, row.line),
        concerned_ministries=concerned,
    )
    return Assembled(measure, tuple(findings))
