"""The table reader: blocks, headers of any width, positions, malformed rows."""

from __future__ import annotations

from pathlib import Path

from kg.findings import Finding
from kg.read.source import decode_source, read_source
from kg.read.table import RawRow, TableReading, read_table
from tests.paths import SEED


def _read(text: str) -> TableReading:
    return read_table(decode_source(text.encode(), Path("t.txt")))


def _rows(t: TableReading) -> list[RawRow]:
    return [r for r in t.rows() if isinstance(r, RawRow)]


def _findings(t: TableReading) -> list[Finding]:
    """Header findings (first pass) and row findings (second pass)."""
    return t.findings + [r for r in t.rows() if isinstance(r, Finding)]


HEAD1 = "\t".join(
    [
        "施策番号",
        "施策名",
        "KPI",
        "課題・取組概要（スケジュール・効果）",
        "官デ法第3章",
        "",
        "デジタル社会形成基本法第4章",
        "府省庁名",
    ]
)
HEAD2 = "\t\t\t\t10条\t11条 1項 2項\t21条\t"


def test_real_extract_has_48_measures_in_8_blocks() -> None:
    t = read_table(read_source(SEED))
    rows = _rows(t)
    assert len(rows) == 48
    assert len(t.headers) == 8
    assert t.findings == []
    assert [r.cell("id").text for r in rows][:3] == ["03-01", "03-02", "04-01"]
    assert rows[-1].cell("id").text == "09-37"
    assert t.labels[0] == "10条" and t.labels[1] == "11条1項2項" and t.labels[-1] == "35条"
    assert len(t.labels) == 27
    # Widths differ from block to block and are read, not assumed.
    assert sorted({h.width for h in t.headers}) == [30, 31, 32, 37, 38]
    # Some blocks lack the 34条/35条 labels.
    assert sum(1 for h in t.headers if "35条" not in h.labels) == 3


def test_positions_are_one_based_line_and_cell() -> None:
    t = read_table(read_source(SEED))
    row = next(r for r in _rows(t) if r.cell("id").text == "06-22")
    assert row.line == 35
    assert row.cell("name").column == 2
    assert row.cell("name").text == "医療高度化に資するPHRデータ流通基盤の構築"


def test_block_of_another_width_and_columns_is_read_from_its_header() -> None:
    t = _read(f"{HEAD1}\n{HEAD2}\n01-01\t名前\t—\t説明\t◎\t\t\t◎総務省\n")
    assert t.labels == ("10条", "11条1項2項", "21条")
    assert _rows(t)[0].header.columns == {"id": 1, "name": 2, "kpi": 3, "description": 4}


def test_fixed_columns_are_found_by_name_not_position() -> None:
    head1 = "施策名\t施策番号\tKPI\t課題・取組概要（スケジュール・効果）\t官デ法\t府省庁名"
    t = _read(f"{head1}\n\t\t\t\t10条\t\n名前\t01-01\t—\t説明\t◎\t総務省\n")
    row = _rows(t)[0]
    assert row.cell("id").text == "01-01"
    assert row.cell("name").text == "名前"


def test_missing_header_is_reported_with_its_line() -> None:
    t = _read(f"{HEAD1}\n{HEAD2}\n01-01\tA\t—\tB\t\t\t\t総務省\n\n01-02\tC\t—\tD\t\t\t\t総務省\n")
    assert [r.cell("id").text for r in _rows(t)] == ["01-01"]
    [f] = _findings(t)
    assert f.code == "missing-header" and f.position.line == 5


def test_missing_label_row() -> None:
    t = _read(f"{HEAD1}\n01-01\tA\t—\tB\t\t\t\t総務省\n")
    assert [f.code for f in _findings(t)] == ["missing-header"]
    assert _findings(t)[0].position.line == 2


def test_truncated_row() -> None:
    t = _read(f"{HEAD1}\n{HEAD2}\n01-01\tA\n")
    [f] = _findings(t)
    assert f.code == "truncated-row"
    assert (f.position.line, f.position.measure_id) == (3, "01-01")


def test_malformed_measure_id() -> None:
    t = _read(f"{HEAD1}\n{HEAD2}\n1-1x\tA\t—\tB\t\t\t\t総務省\n")
    [f] = _findings(t)
    assert f.code == "bad-measure-id" and "1-1x" in f.message
    assert (f.position.line, f.position.column, f.position.column_name) == (3, 1, "施策番号")
