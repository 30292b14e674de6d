"""The table reader: blocks, headers of any width, positions, malformed rows."""

from __future__ import annotations

from pathlib import Path

from kg.findings import Finding
from kg.read.source import decode_source, read_source
from kg.read.table import RawRow, TableReading, read_table
from kg.records import KpiColumn, KpiKind, TableLayout
from tests.paths import SEED, layout_of, seed_layout

#: The fixed columns of the bundled edition with the three article labels of HEAD2.
LAYOUT = layout_of("10条", "11条 1項 2項", "21条")


def _read(text: str, layout: TableLayout = LAYOUT) -> TableReading:
    return read_table(decode_source(text.encode(), Path("t.txt")), layout)


def _header_labels(t: TableReading) -> tuple[str, ...]:
    """Every article label the headers print, in the order they first appear."""
    return tuple(dict.fromkeys(label for h in t.headers for label in h.labels))


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
    t = read_table(read_source(SEED), seed_layout())
    rows = _rows(t)
    assert len(rows) == 48
    assert len(t.headers) == 8
    assert t.findings == []
    assert [r.cell("id").text for r in rows][:3] == ["03-01", "03-02", "04-01"]
    assert rows[-1].cell("id").text == "09-37"
    labels = _header_labels(t)
    assert labels[0] == "10条" and labels[1] == "11条1項2項" and labels[-1] == "35条"
    assert len(labels) == 27
    # The headers print the labels edition.toml lists, in its order.
    assert labels == seed_layout().labels
    # Widths differ from block to block and are read, not assumed.
    assert sorted({h.width for h in t.headers}) == [30, 31, 32, 37, 38]
    # Some blocks lack the 34条/35条 labels.
    assert sum(1 for h in t.headers if "35条" not in h.labels) == 3


def test_positions_are_one_based_line_and_cell() -> None:
    t = read_table(read_source(SEED), seed_layout())
    row = next(r for r in _rows(t) if r.cell("id").text == "06-22")
    assert row.line == 35
    assert row.cell("name").column == 2
    assert row.cell("name").text == "医療高度化に資するPHRデータ流通基盤の構築"


def test_block_of_another_width_and_columns_is_read_from_its_header() -> None:
    t = _read(f"{HEAD1}\n{HEAD2}\n01-01\t名前\t—\t説明\t◎\t\t\t◎総務省\n")
    assert _header_labels(t) == ("10条", "11条1項2項", "21条")
    header = _rows(t)[0].header
    assert header.columns == {"id": 1, "name": 2, "description": 4}
    assert header.kpis == ((3, KpiColumn("KPI")),)
    assert header.mark_start == 4


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


#: A layout of another edition: other header texts, two KPI columns after the description.
TWO_KPIS = TableLayout(
    id="施策ID",
    name="施策名",
    kpis=(KpiColumn("KPI（進捗）", KpiKind.PROGRESS), KpiColumn("KPI（効果）", KpiKind.EFFECT)),
    description="施策の概要",
    organizations="担当府省庁",
    articles=LAYOUT.articles,
)


def test_fixed_columns_and_kpi_columns_are_named_by_the_edition_layout() -> None:
    head1 = "施策ID\t施策名\t施策の概要\tKPI（効果）\tKPI（進捗）\t官デ法\t\t\t担当府省庁"
    head2 = "\t\t\t\t\t10条\t11条1項2項\t21条\t"
    t = _read(f"{head1}\n{head2}\n2-4\t名前\t説明\t効果\t進捗\t◎\t\t\t総務省\n", TWO_KPIS)
    assert t.findings == []
    [row] = _rows(t)
    assert row.cell("id").text == "2-4"  # a 2022-style ID
    # KPI cells come in the order the layout lists its KPI columns, whatever their place.
    assert [(k.kind, c.column, c.text) for k, c in row.kpi_cells()] == [
        (KpiKind.PROGRESS, 5, "進捗"),
        (KpiKind.EFFECT, 4, "効果"),
    ]
    assert row.header.mark_start == 5
    assert row.position(4).column_name == "KPI（効果）"


def test_a_header_of_another_layout_is_reported() -> None:
    # The bundled layout's header read with the other edition's layout: its columns are not there.
    t = _read(f"{HEAD1}\n{HEAD2}\n01-01\tA\t—\tB\t\t\t\t総務省\n", TWO_KPIS)
    assert _rows(t) == []
    [f] = _findings(t)
    assert f.code == "missing-header" and f.position.line == 1


def test_a_row_ending_before_the_last_kpi_column_is_truncated() -> None:
    head1 = "施策ID\t施策名\t施策の概要\tKPI（進捗）\tKPI（効果）\t官デ法\t担当府省庁"
    t = _read(f"{head1}\n\t\t\t\t\t10条\t\n2-4\t名前\t説明\t進捗\n", TWO_KPIS)
    [f] = _findings(t)
    assert f.code == "truncated-row" and (f.position.line, f.position.measure_id) == (3, "2-4")


def _first_pass_reading(text: str, encoding: str) -> tuple[object, ...]:
    source = decode_source(text.encode(encoding), Path("t.txt"), encoding)
    assert source.sliceable is (encoding != "utf-16")
    t = read_table(source, LAYOUT)
    rows = [(r.line, r.texts) if isinstance(r, RawRow) else str(r) for r in t.rows()]
    return [(h.line, h.labels) for h in t.headers], [str(f) for f in t.findings], rows


def test_the_first_pass_over_bytes_reads_the_table_as_the_pass_over_text() -> None:
    """A sliceable source's first pass walks bytes and decodes only the header lines; it must find
    the blocks, headers and rows that the pass over decoded text finds (UTF-16 is not sliceable),
    whatever makes a line blank: ASCII spaces, an ideographic space, NBSP, a control character."""
    row = "01-0{n}\t名前\t－\t説明\t◎\t\t\t◎総務省"
    for encoding, blanks in (
        ("utf-8", ["", "  ", "\u3000", "\t\u3000 ", "\xa0", "\x1c", "\u2028"]),
        ("utf-8-sig", ["", "\u3000", "\x85"]),
        ("cp932", ["", "  ", "\u3000", "\t\u3000 ", "\x1c"]),
    ):
        lines = [HEAD1, HEAD2]
        for n, blank in enumerate(blanks, start=1):
            lines += [row.format(n=n), f"\u3000{row.format(n=n)}", blank, HEAD1, HEAD2]
        lines += ["\x1d01-09\tA\t－\tB\t\t\t\t総務省", "\u3000\t\u3000", " 01-10\tC\t－\tD\t\t\t\t総務省"]
        text = "\r\n".join(lines) + "\n"
        over_bytes = _first_pass_reading(text, encoding)
        assert over_bytes[2], encoding  # rows were read
        assert over_bytes == _first_pass_reading(text, "utf-16"), encoding
