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
   * **header**: the label standing in the same cell index in the label row
     (the row keeps the header's layout, gaps included).
3. Evidence. A reading counts only where it could have come out otherwise:
   * left and right assume losses at opposite ends; they agree exactly when the
     area has ``n`` cells (the row shows no loss);
   * left of the header's first gap, the header reading *is* the left reading
     (both count cells from the area's start), so there it counts once;
   * right of a gap it is a reading of its own, and a row of ``n`` cells refutes
     it (a row that kept the header's gap would be wider).
4. Confidence:
   * **high**: the area has ``n`` cells (left = right, the header reading is the
     same or refuted) *and* the block's header names every article column of
     the edition, so the labels counted are the edition's. No other reading
     stands: a high mark has no alternative.
     *Example*: 06-16, block of line 37 (all 31 labels), area of 31 cells, ○ in
     its 23rd cell: left = right = 26条 → 26条, high.
   * **medium**: two independent readings agree: left = right under a header
     that lacks some of the edition's labels (09-30: its block's header has no
     34条/35条), or the header reading (right of a gap) agrees with left or right.
   * **low**: no two independent readings agree; the left reading is chosen if
     there is one, else the right, else the header one; a mark no reading
     places has no column. *Example*: 06-22's ◎ in cell 5 reads left = 10条
     (and header = 10条, the same count) but right = 11条1項2項: low.
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
    # Marks right of the ministry cell stand under no article column: say so, never drop them silently.
    stray = [
        finding(
            "mark-after-organization",
            row.position(index + 1, measure_id),
            raw=cells[index],
            value=cells[index].strip(),
            column=index + 1,
        )
        for index in range(org_index + 1, len(cells))
        if cells[index].strip() in MARK_TEXTS
    ]
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
    aligned = _aligned(labels, header_at, first)
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
        header_own = index - first >= aligned  # the header reading is a reading of its own here
        label, confidence, alternatives = _decide(
            left, right, header, exact=exact, complete=complete, header_own=header_own
        )
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
        same = "" if header is None or header_own else " (= left)"
        readings = f"left={left or '-'}, right={right or '-'}, header={header or '-'}{same}"
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
    return RowMarks(tuple(marks), org_cell, lead_marker, tuple(findings + stray))


def _organization_index(cells: tuple[str, ...], first: int) -> int | None:
    for index in range(len(cells) - 1, first - 1, -1):
        text = cells[index].strip()
        if text and text not in MARK_TEXTS:
            return index
    return None


def _at(labels: tuple[str, ...], k: int) -> str | None:
    return labels[k] if 0 <= k < len(labels) else None


def _aligned(labels: tuple[str, ...], header_at: dict[int, str], first: int) -> int:
    """How many cells from the area's start the header fills with its labels in order (to its first gap)."""
    k = 0
    while k < len(labels) and header_at.get(first + k) == labels[k]:
        k += 1
    return k


def _decide(
    left: str | None,
    right: str | None,
    header: str | None,
    *,
    exact: bool,
    complete: bool,
    header_own: bool,
) -> tuple[str | None, Confidence, tuple[str, ...]]:
    """The label, confidence and remaining alternatives of one mark (see the module docstring)."""
    if exact and left is not None:
        # Left = right: the row has its full width. The header reading is the left one, or
        # assumes a gap this row does not have: either way no other reading stands.
        return left, Confidence.HIGH if complete else Confidence.MEDIUM, ()
    votes = [r for r in (left, right, header if header_own else None) if r is not None]
    readings = [r for r in (left, right, header) if r is not None]
    others = tuple(dict.fromkeys(readings))
    # Of at most three votes, only one label can have two.
    agreed = next((r for r in votes if votes.count(r) >= 2), None)
    if agreed is not None:
        return agreed, Confidence.MEDIUM, tuple(r for r in others if r != agreed)
    if not readings:
        return None, Confidence.LOW, ()
    chosen = readings[0]  # left, else right, else header: the order of `readings`
    return chosen, Confidence.LOW, tuple(r for r in others if r != chosen)
