"""One assembler for both tables: a measure means the same whether the extract or the curated table states it.

Each measure of the bundled edition is written as its curated row and read back
as a row *the extract does not have* (so nothing of the extract's reading is
carried over): the assembler must interpret the cells exactly as it did for the
extract — the same KPIs with the same deadlines and targets, the same
organisations and lead, the same marks.
"""

from __future__ import annotations

from kg.assemble import assemble
from kg.build.edition import read_edition
from kg.curated.table import CuratedRow
from kg.findings import Finding, Report
from kg.read.edition import load_editions
from kg.records import Measure
from kg.reference.laws import load_laws
from kg.reference.organizations import load_gazetteer
from tests.paths import ROOT


def _interpretation(m: Measure) -> tuple[object, ...]:
    """What a measure states, without where it was read from or how its KPI cell was split."""
    kpis = tuple((k.text, k.deadline_fiscal_year, k.deadline_text, k.target, k.kind) for k in m.kpis)
    orgs = tuple((p.org_id, p.lead) for p in m.participations)
    marks = tuple((k.strength, k.column_label, k.confidence, k.alternatives) for k in m.marks)
    return (m.id, m.group, m.name, m.description, kpis, orgs, m.concerned_ministries, marks)


def test_a_measure_read_from_either_table_states_the_same() -> None:
    data = ROOT / "data"
    (meta,) = load_editions(data)
    gazetteer = load_gazetteer(data / "reference")
    reading = read_edition(meta, data, gazetteer, load_laws(data / "reference"), Report(), use_curated=False)
    compared = 0
    for draft in reading.drafts():
        assert not isinstance(draft, Finding)
        extract = assemble(draft, gazetteer).measure
        assert extract is not None
        cells = reading.overlay.export_row(extract)
        row = CuratedRow("curated.csv", 2, cells)
        curated = assemble(reading.overlay.draft(None, row, "0" * 64), gazetteer).measure
        assert curated is not None
        assert _interpretation(curated) == _interpretation(extract)
        assert curated.source.file == "curated.csv"  # …and it says which table it came from
        compared += 1
    assert compared == 48
