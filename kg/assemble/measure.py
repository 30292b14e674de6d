"""The one assembler: interpret a draft's cells, collect the findings, make the measure."""

from __future__ import annotations

import re
from dataclasses import replace

from kg.errors import Position
from kg.findings import REVIEW_CODES, Finding, Severity, finding
from kg.normalise.kpi import kpis_from_items
from kg.normalise.organizations import parse_organizations
from kg.records import Assembled, Confidence, Draft, DraftText, Kpi, Measure, Participation
from kg.reference.organizations import Gazetteer

#: A tag that survived text normalisation (formatting tags are removed; anything else is kept as text).
_TAG = re.compile(r"<[A-Za-z!/][^>]{0,40}>?")


def assemble(draft: Draft, gazetteer: Gazetteer) -> Assembled:
    """The measure a draft states, and every finding about it, tied to its cell.

    A reviewed draft (確認済) is a person's word: its marks are stated with full
    confidence and the doubts listed for review are dropped (errors stay).
    """
    findings: list[Finding] = []
    if not draft.name.text:
        findings.append(finding("missing-name", draft.name.position))
    findings.extend(draft.kpi_findings)
    kpis: list[Kpi] = []
    for item in draft.kpis:  # numbered on across KPI columns, each KPI knowing its column's kind
        (kpi,), year_findings = kpis_from_items(
            [(item.text, item.split)], item.raw, item.position, first=len(kpis) + 1, kind=item.kind
        )
        kpis.append(kpi)
        findings.extend(year_findings)
    texts = [draft.name, draft.description, *(DraftText(k.text, k.raw, k.position) for k in draft.kpis)]
    markup = next(((t, m) for t in texts if (m := _TAG.search(t.text))), None)
    if markup is not None:
        cell, tag = markup
        findings.append(finding("markup-kept-as-text", cell.position, raw=cell.raw, value=tag[0]))
    findings.extend(draft.mark_findings)
    if not draft.marks:
        where = Position(draft.source.file, draft.source.line, measure_id=draft.id)
        findings.append(finding("no-marks", where))
    participations: tuple[Participation, ...] = ()
    concerned = False
    orgs = draft.organizations
    if not orgs.text.strip():
        findings.append(finding("missing-organization", orgs.position))
    else:
        parsed = parse_organizations(orgs.text, gazetteer, orgs.position, lead_marker=draft.lead_marker)
        findings.extend(parsed.findings)
        participations, concerned = parsed.participations, parsed.concerned_ministries
    marks = draft.marks
    if draft.reviewed:
        marks = tuple(replace(m, confidence=Confidence.HIGH, reviewed=True) for m in marks)
        findings = [f for f in findings if f.severity is Severity.ERROR or f.code not in REVIEW_CODES]
    measure = Measure(
        id=draft.id,
        group=draft.id.split("-", 1)[0],
        name=draft.name.text,
        description=draft.description.text,
        kpis=tuple(kpis),
        participations=participations,
        marks=marks,
        source=draft.source,
        concerned_ministries=concerned,
    )
    return Assembled(measure, tuple(findings))
