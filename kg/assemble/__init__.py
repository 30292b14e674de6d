"""Assemble measures: a reader's :class:`~kg.records.Draft` becomes a :class:`~kg.records.Measure`.

Two readers give drafts — the extract (:mod:`kg.assemble.extract`) and the
curated table (:mod:`kg.curated`) — and :func:`assemble` is the one place a
draft's cells are interpreted (KPI deadlines and targets, organisation names,
what a reviewed row means), so a measure says the same whichever table it came
from.
"""

from kg.assemble.extract import FirstSeen, draft_row, id_cell, unique_rows
from kg.assemble.measure import assemble

__all__ = ["FirstSeen", "assemble", "draft_row", "id_cell", "unique_rows"]
