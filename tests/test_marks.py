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


def test_row_with_lost_cell_is_medium_or_low_and_reported(seed: TableReading) -> None:
    m = _marks(seed, "06-22")
    assert _summary(m) == [
        ("◎", "10条", "medium"),
        ("◎", "12条", "medium"),
        ("○", "14条", "medium"),
        ("○", "15条1項", "medium"),
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
    assert counts == {Confidence.HIGH: 6, Confidence.MEDIUM: 11, Confidence.LOW: 6}


HEAD = "施策番号\t施策名\tKPI\t課題・取組概要（スケジュール・効果）\t官デ法\t\tデジタル法\t府省庁名"


def _synthetic(labels: str, row: str) -> RowMarks:
    # The edition's article columns are those this header prints.
    layout = layout_of(*(label for label in labels.split("\t") if label))
    t = read_table(decode_source(f"{HEAD}\n{labels}\n{row}\n".encode(), Path("s.txt")), layout)
    return read_marks(_rows(t)[0], layout.labels, "01-01")


def test_exact_row_in_single_block_is_high() -> None:
    m = _synthetic("\t\t\t\t10条\t11条3項\t21条", "01-01\tA\t—\tB\t◎\t\t\t総務省")
    assert _summary(m) == [("◎", "10条", "high")]


def test_unexpected_text_in_mark_area() -> None:
    m = _synthetic("\t\t\t\t10条\t11条3項\t21条", "01-01\tA\t—\tB\t×\t\t\t総務省")
    assert m.marks == ()
    assert [f.code for f in m.findings] == ["unexpected-mark-cell"]


def test_row_without_ministry() -> None:
    m = _synthetic("\t\t\t\t10条\t11条3項\t21条", "01-01\tA\t—\tB\t◎\t\t\t")
    assert m.organizations is None
