"""Placing ◎/○ marks under article columns, with confidence (kg.normalise.marks)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.normalise.marks import RowMarks, read_marks
from kg.read.source import decode_source, read_source
from kg.read.table import RawRow, TableReading, read_table
from kg.records import Confidence, Strength
from tests.paths import SEED, layout_of, seed_layout


@pytest.fixture(scope="module")
def seed() -> TableReading:
    return read_table(read_source(SEED), seed_layout())


def _rows(t: TableReading) -> list[RawRow]:
    return [r for r in t.rows() if isinstance(r, RawRow)]


def _marks(t: TableReading, measure_id: str) -> RowMarks:
    row = next(r for r in _rows(t) if r.cell("id").text == measure_id)
    return read_marks(row, t.layout.labels, measure_id)


def _summary(m: RowMarks) -> list[tuple[str, str | None, str]]:
    return [(x.strength.value, x.column_label, x.confidence.value) for x in m.marks]


def test_exact_row_in_complete_block_is_high(seed: TableReading) -> None:
    m = _marks(seed, "06-16")
    assert _summary(m) == [("○", "26条", "high"), ("◎", "35条", "high")]
    assert m.findings == ()
    assert (m.marks[1].line, m.marks[1].column, m.marks[1].raw) == (29, 31, "◎")


def test_high_mark_keeps_no_reading_the_row_refutes(seed: TableReading) -> None:
    # 06-16's block header has a gap between 28条 and 29条, so its header reading of cell 31 is
    # 34条; but the row has exactly 31 cells, so it lacks that gap: the reading is refuted.
    m = _marks(seed, "06-16")
    assert m.marks[1].alternatives == ()


def test_row_with_lost_cell_is_low_and_reported(seed: TableReading) -> None:
    # One cell lost: left and right disagree; the header reading is the left count again
    # (no gap before these cells), so no two independent readings agree.
    m = _marks(seed, "06-22")
    assert _summary(m) == [
        ("◎", "10条", "low"),
        ("◎", "12条", "low"),
        ("○", "14条", "low"),
        ("○", "15条1項", "low"),
        ("◎", "34条", "low"),
    ]
    assert m.marks[4].alternatives == ("35条", "33条")
    assert [f.code for f in m.findings] == ["uncertain-mark-column"] * 5
    last = m.findings[4]
    assert (last.position.measure_id, last.position.line, last.position.column) == ("06-22", 35, 30)
    assert last.confidence == "low" and last.inferred == "34条"


def test_bare_lead_marker_before_ministry_is_not_an_article_mark(seed: TableReading) -> None:
    m = _marks(seed, "09-34")
    assert m.lead_marker is True
    assert m.marks == ()
    assert m.organizations is not None and m.organizations.text == "文部科学省 内閣府"


def test_lead_marker_and_a_mark_only_the_right_reading_places(seed: TableReading) -> None:
    m = _marks(seed, "09-35")
    assert m.lead_marker is True
    assert _summary(m) == [("◎", "35条", "low")]


def test_glued_lead_marker_leaves_bare_mark_as_article(seed: TableReading) -> None:
    # 06-16: the ministry cell is ◎総務省, so the bare ◎ before it is an article mark.
    m = _marks(seed, "06-16")
    assert m.lead_marker is False
    assert m.marks[-1].strength is Strength.PRIMARY


def test_every_mark_of_the_seed_is_placed_and_counted(seed: TableReading) -> None:
    counts = {c: 0 for c in Confidence}
    for row in _rows(seed):
        for mark in read_marks(row, seed.layout.labels, row.cell("id").text).marks:
            assert mark.column_label is not None
            counts[mark.confidence] += 1
    assert counts == {Confidence.HIGH: 5, Confidence.MEDIUM: 2, Confidence.LOW: 16}


def _evidence(row: RawRow, index: int, end: int) -> tuple[str | None, str | None, str | None, bool]:
    """The three readings of the cell at 0-based ``index``, and whether the header's is one of its own.

    Written out again here, from the header row itself, as an oracle for the rule.
    """
    header, first = row.header, row.header.mark_start
    labels = [a.label for a in sorted(header.articles, key=lambda a: a.column)]
    k, n = index - first, len(labels)
    left = labels[k] if 0 <= k < n else None
    right = labels[n - (end - index)] if 0 <= n - (end - index) < n else None
    by_cell = {a.column - 1: a.label for a in header.articles}
    gap_before = any(by_cell.get(first + j) != labels[j] for j in range(min(k + 1, n)))
    return left, right, by_cell.get(index), gap_before


def test_confidence_levels_follow_from_independent_evidence(seed: TableReading) -> None:
    """High: full width under a complete header, no alternative. Medium: two independent readings agree.

    Low: no two do. The header reading counts on its own only right of a gap in the header.
    """
    edition = set(seed.layout.labels)
    for row in _rows(seed):
        m = read_marks(row, seed.layout.labels, row.cell("id").text)
        org = m.organizations
        assert org is not None
        end = org.column - 1 - (1 if m.lead_marker else 0)
        for mark in m.marks:
            left, right, header, own = _evidence(row, mark.column - 1, end)
            votes = [r for r in (left, right, header if own else None) if r is not None]
            agreeing = {r for r in votes if votes.count(r) >= 2}
            where = f"line {mark.line} cell {mark.column}"
            if mark.confidence is Confidence.HIGH:
                assert mark.alternatives == (), where
                assert left is not None and left == right == mark.column_label, where
                assert edition <= {a.label for a in row.header.articles}, where
            elif mark.confidence is Confidence.MEDIUM:
                assert agreeing == {mark.column_label}, where
            else:
                assert not agreeing, where


HEAD = "施策番号\t施策名\tKPI\t課題・取組概要（スケジュール・効果）\t官デ法\t\tデジタル法\t府省庁名"


def _synthetic(labels: str, row: str) -> RowMarks:
    # The edition's article columns are those this header prints.
    layout = layout_of(*(label for label in labels.split("\t") if label))
    t = read_table(decode_source(f"{HEAD}\n{labels}\n{row}\n".encode(), Path("s.txt")), layout)
    return read_marks(_rows(t)[0], layout.labels, "01-01")


def test_exact_row_in_single_block_is_high() -> None:
    m = _synthetic("\t\t\t\t10条\t11条3項\t21条", "01-01\tA\t—\tB\t◎\t\t\t総務省")
    assert _summary(m) == [("◎", "10条", "high")]


def test_header_gap_refuted_by_a_full_row_is_no_alternative() -> None:
    # The header has a gap after 10条; the row has three cells, so it lacks the gap. (A ○: a ◎
    # right before the ministry would be its lead marker.)
    m = _synthetic("\t\t\t\t10条\t\t11条3項\t21条", "01-01\tA\t—\tB\t\t\t○\t総務省")
    assert _summary(m) == [("○", "21条", "high")]
    assert m.marks[0].alternatives == ()


def test_full_row_under_an_incomplete_header_is_medium() -> None:
    # Left and right agree, but the block's header lacks one of the edition's columns (22条).
    labels = "\t\t\t\t10条\t11条3項\t21条"
    layout = layout_of("10条", "11条3項", "21条", "22条")
    t = read_table(
        decode_source(f"{HEAD}\n{labels}\n01-01\tA\t—\tB\t◎\t\t\t総務省\n".encode(), Path("s.txt")), layout
    )
    m = read_marks(_rows(t)[0], layout.labels, "01-01")
    assert _summary(m) == [("◎", "10条", "medium")]


def test_header_reading_past_a_gap_agreeing_with_right_is_medium() -> None:
    # The row keeps the header's gap (four cells for three labels): left has no label for the
    # fourth cell; right and the header reading (its own, past the gap) agree on 21条.
    m = _synthetic("\t\t\t\t10条\t\t11条3項\t21条", "01-01\tA\t—\tB\t\t\t\t○\t総務省")
    assert _summary(m) == [("○", "21条", "medium")]


def test_left_and_its_own_header_count_are_one_reading() -> None:
    # A cell lost: left = header = 10条 (the same count), right = 11条3項: low.
    m = _synthetic("\t\t\t\t10条\t11条3項\t21条", "01-01\tA\t—\tB\t◎\t\t総務省")
    assert _summary(m) == [("◎", "10条", "low")]
    assert m.marks[0].alternatives == ("11条3項",)


def test_unexpected_text_in_mark_area() -> None:
    m = _synthetic("\t\t\t\t10条\t11条3項\t21条", "01-01\tA\t—\tB\t×\t\t\t総務省")
    assert m.marks == ()
    assert [f.code for f in m.findings] == ["unexpected-mark-cell"]


def test_row_without_ministry() -> None:
    m = _synthetic("\t\t\t\t10条\t11条3項\t21条", "01-01\tA\t—\tB\t◎\t\t\t")
    assert m.organizations is None


def test_a_mark_after_the_ministry_cell_is_reported_not_dropped() -> None:
    head = f"{HEAD}\t"
    layout = layout_of("10条", "11条3項", "21条")
    text = f"{head}\n\t\t\t\t10条\t11条3項\t21条\t\t\n01-01\tA\t—\tB\t○\t\t\t総務省\t◎\n"
    t = read_table(decode_source(text.encode(), Path("s.txt")), layout)
    m = read_marks(_rows(t)[0], layout.labels, "01-01")
    assert _summary(m) == [("○", "10条", "high")]
    assert m.organizations is not None and m.organizations.text == "総務省"
    [stray] = m.findings
    assert (stray.code, stray.position.line, stray.position.column, stray.raw) == (
        "mark-after-organization",
        3,
        9,
        "◎",
    )
