"""Place each ◎/○ mark of a row under its law-article column, and say how sure that is.

The extraction does not keep mark cells under their labels: header rows carry
gaps the data rows lack, rows are padded or lose cells, and the ministry cell
wanders. So a mark's column is *inferred*, never assumed. The rule:

1. The ministry cell is the row's last non-empty cell that is not a bare mark.
   A bare ◎ right before it, when the ministry text has no ◎ of its own, is the
   lead marker of the ministry (domain.md §3), not an article mark.
2. The mark area runs from the cell after the last fixed column (課題・取組概要) to the cell before the
   ministry (or its lead marker). Each ◎/○ in it gets three readings against
   the block's ``n`` article labels:
   * **left**: the k-th cell of the area is the k-th label (cells lost at the right);
   * **right**: counted back from the ministry cell (cells lost at the left);
   * **header**: the label standing in the same cell index in the label row.
3. Confidence:
   * **high** when the area has exactly ``n`` cells (left and right agree) and
     either the block's header lists every article column of the edition or
     the header reading agrees too;
   * **medium** when two of the three readings agree (that label is chosen);
   * **low** otherwise: the left reading is chosen if there is one, else the
     right, else the header one; a mark no reading places has no column.
Only high-confidence (or reviewed) marks are published as facts; the others are
published with their confidence and alternatives and listed for review.
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.findings import Finding, finding
from kg.read.table import RawRow
from kg.records import Cell, Confidence, Mark, Strength

MARK_TEXTS = {"◎": Strength.PRIMARY, "○": Strength.LINKED}
_LEAD = "◎"


@dataclass(frozen=True)
class RowMarks:
    """What the mark area of a row holds: marks, the ministry cell, and findings."""

    marks: tuple[Mark, ...]
    organizations: Cell | None  # the 府省庁名 cell
    lead_marker: bool  # a bare ◎ stood right before the ministry cell
    findings: tuple[Finding, ...]


def read_marks(row: RawRow, edition_labels: tuple[str, ...], measure_id: str) -> RowMarks:
    """Find the ministry cell and place every mark of ``row`` (see the module docstring)."""
    first = row.header.mark_start  # 0-based index of the first mark-area cell
    cells = row.texts
    org_index = _organization_index(cells, first)
    if org_index is None:
        return RowMarks((), None, False, ())
    org_cell = Cell(row.line, org_index + 1, cells[org_index])
    lead_marker = (
        org_index - 1 >= first
        and cells[org_index - 1].strip() == _LEAD
        and not org_cell.text.strip().startswith(_LEAD)
    )
    end = org_index - 1 if lead_marker else org_index  # exclusive end of the mark area
    labels = row.header.labels
    header_at = row.header.label_at
    complete = len(labels) >= len(edition_labels) and set(edition_labels) <= set(labels)
    exact = end - first == len(labels)
    marks: list[Mark] = []
    findings: list[Finding] = []
    for index in range(first, end):
        text = cells[index].strip()
        if not text:
            continue
        strength = MARK_TEXTS.get(text)
        if strength is None:
            where = row.position(index + 1, measure_id)
            findings.append(finding("unexpected-mark-cell", where, raw=cells[index], value=text))
            continue
        left = _at(labels, index - first)
        right = _at(labels, len(labels) - (end - index))
        header = header_at.get(index)
        label, confidence, alternatives = _decide(left, right, header, exact=exact, complete=complete)
        mark = Mark(
            order=len(marks) + 1,
            strength=strength,
            column_label=label,
            confidence=confidence,
            line=row.line,
            column=index + 1,
            raw=cells[index],
            alternatives=alternatives,
        )
        marks.append(mark)
        if confidence is Confidence.HIGH:
            continue
        position = row.position(index + 1, measure_id)
        readings = f"left={left or '-'}, right={right or '-'}, header={header or '-'}"
        if label is None:
            findings.append(
                finding(
                    "unplaceable-mark",
                    position,
                    raw=text,
                    confidence=str(confidence),
                    strength=strength.value,
                    column=index + 1,
                    readings=readings,
                )
            )
        else:
            findings.append(
                finding(
                    "uncertain-mark-column",
                    position,
                    raw=text,
                    inferred=label,
                    confidence=str(confidence),
                    strength=strength.value,
                    column=index + 1,
                    label=label,
                    level=confidence.value,
                    readings=readings,
                )
            )
    return RowMarks(tuple(marks), org_cell, lead_marker, tuple(findings))


def _organization_index(cells: tuple[str, ...], first: int) -> int | None:
    for index in range(len(cells) - 1, first - 1, -1):
        text = cells[index].strip()
        if text and text not in MARK_TEXTS:
            return index
    return None


def _at(labels: tuple[str, ...], k: int) -> str | None:
    return labels[k] if 0 <= k < len(labels) else None


def _decide(
    left: str | None, right: str | None, header: str | None, *, exact: bool, complete: bool
) -> tuple[str | None, Confidence, tuple[str, ...]]:
    readings = [r for r in (left, right, header) if r is not None]
    others = tuple(dict.fromkeys(r for r in readings))
    if exact and left is not None and (complete or header == left):
        return left, Confidence.HIGH, tuple(r for r in others if r != left)
    if not readings:
        return None, Confidence.LOW, ()
    # Of three readings, at most one label can have two votes.
    agreed = next((r for r in readings if readings.count(r) >= 2), None)
    if agreed is not None:
        return agreed, Confidence.MEDIUM, tuple(r for r in others if r != agreed)
    chosen = readings[0]  # left, else right, else header: the order of `readings`
    return chosen, Confidence.LOW, tuple(r for r in others if r != chosen)
