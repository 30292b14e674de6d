"""The curated table: export, lossless round trip, one edited mark, reviewed rows, bad edits."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.build.export import export_curated
from kg.build.pipeline import build
from kg.cli import _register, cli
from kg.config import Settings, load_settings
from kg.curated.table import COLUMNS
from kg.errors import ConfigError
from kg.validate import build_validator
from tests.paths import ROOT, pin

KG = "<https://kg.example.jp/def/kg#"
KEY = "2023-06-09"  # the bundled edition, keyed by its decision date
PLAN = f"https://kg.example.jp/plan/{KEY}"


@pytest.fixture()
def data(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "editions", d / "editions")
    return d


def _settings(data: Path) -> Settings:
    return load_settings(ROOT).with_overrides(data_dir=data)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.DictWriter(fh, list(COLUMNS.values()), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def _lines(out: Path) -> set[str]:
    return set((out / f"plan-{KEY}.nt").read_text(encoding="utf-8").splitlines())


def _edit(rows: list[dict[str, str]], measure_id: str, column: str, old: str, new: str) -> None:
    row = next(r for r in rows if r["施策番号"] == measure_id)
    assert old in row[column], row[column]
    row[column] = row[column].replace(old, new)


def test_export_writes_one_row_per_measure(data: Path) -> None:
    result = export_curated(_settings(data))
    [path] = result.written
    assert path == data / "curated" / f"{KEY}.csv"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # spreadsheet programs need the BOM
    rows = _rows(path)
    assert len(rows) == 48
    r = next(r for r in rows if r["施策番号"] == "06-22")
    assert (
        r["根拠条文"] == "◎10条(low|11条1項2項);◎12条(low|13条);○14条(low|15条1項);"
        "○15条1項(low|15条2項);◎34条(low|35条|33条)"
    )
    assert r["府省庁名"] == "◎総務省;デジタル庁;厚生労働省;経済産業省"
    assert r["元の行"] == "35"
    assert next(r for r in rows if r["施策番号"] == "04-07")["府省庁名"].endswith(";関係府省庁")
    assert len(next(r for r in rows if r["施策番号"] == "06-23")["KPI"].split("\n")) == 6


def test_export_refuses_to_overwrite_without_force(data: Path) -> None:
    export_curated(_settings(data))
    with pytest.raises(ConfigError, match="--force"):
        export_curated(_settings(data))
    assert export_curated(_settings(data), force=True).written


def test_round_trip_is_lossless(data: Path, tmp_path: Path) -> None:
    # With SHACL on, as kg build runs by default: the curated file's provenance must conform too.
    validator = build_validator()
    plain = build(_settings(data), out_dir=tmp_path / "plain", formats=("nt",), validator=validator)
    export_curated(_settings(data))
    curated = build(_settings(data), out_dir=tmp_path / "curated", formats=("nt",), validator=validator)
    assert plain.written and curated.written, [str(f) for f in curated.report.errors]
    assert plain.validated and curated.validated
    added = _lines(tmp_path / "curated") - _lines(tmp_path / "plain")
    removed = _lines(tmp_path / "plain") - _lines(tmp_path / "curated")
    assert removed == set()
    # Only provenance is added: the edition also derives from the curated file.
    assert added and all(f"{PLAN}/curated>" in line for line in added)
    assert (tmp_path / "plain" / "review.csv").read_bytes() == (
        tmp_path / "curated" / "review.csv"
    ).read_bytes()


def test_editing_one_mark_changes_only_that_mark(data: Path, tmp_path: Path) -> None:
    export_curated(_settings(data))
    before = build(_settings(data), out_dir=tmp_path / "before", formats=("nt",))
    path = data / "curated" / f"{KEY}.csv"
    rows = _rows(path)
    _edit(rows, "06-22", "根拠条文", "◎34条(low|35条|33条)", "◎35条")
    _write(path, rows)
    after = build(_settings(data), out_dir=tmp_path / "after", formats=("nt",), validator=build_validator())
    assert before.written and after.written, [str(f) for f in after.report.errors]
    changed = _lines(tmp_path / "before") ^ _lines(tmp_path / "after")
    curated_sha = [
        line for line in changed if f"{PLAN}/curated> {KG}sha256>" in line
    ]
    changed -= set(curated_sha)
    mark = f"<{PLAN}/mark/06-22-5>"
    assert changed, "the edit changed the graph"
    assert all(
        line.startswith(mark) or line.endswith(f"{mark} .") or "primaryLegalBasis" in line for line in changed
    )
    new = _lines(tmp_path / "after")
    art35 = "<https://kg.example.jp/law/503AC0000000035/2023-06-09/article/35>"
    assert f"{mark} <https://kg.example.jp/def/kg#provision> {art35} ." in new
    assert (
        f"{mark} <https://kg.example.jp/def/kg#confidence> <https://kg.example.jp/def/kg#HighConfidence> ."
        in new
    )
    assert f"<{PLAN}/measure/06-22> {KG}primaryLegalBasis> {art35} ." in new
    # The source cell of the mark is kept: line 35, cell 30 of the extract.
    assert f'{mark} {KG}sourceColumn> "30"^^<http://www.w3.org/2001/XMLSchema#integer> .' in new

    def review(out: Path) -> list[tuple[str, str, str]]:
        return [(r["measure_id"], r["line"], r["column"]) for r in _rows(out / "review.csv")]

    assert ("06-22", "35", "30") in review(tmp_path / "before")
    assert set(review(tmp_path / "before")) - set(review(tmp_path / "after")) == {("06-22", "35", "30")}


def test_reviewed_row_raises_marks_and_leaves_the_review(data: Path, tmp_path: Path) -> None:
    export_curated(_settings(data))
    path = data / "curated" / f"{KEY}.csv"
    rows = _rows(path)
    _edit(rows, "06-22", "確認済", "", "yes")
    _write(path, rows)
    result = build(_settings(data), out_dir=tmp_path / "out", formats=("nt",))
    assert result.written
    assert "06-22" not in {r["measure_id"] for r in _rows(tmp_path / "out" / "review.csv")}
    lines = _lines(tmp_path / "out")
    for n in range(1, 6):
        assert (
            f"<{PLAN}/mark/06-22-{n}> {KG}reviewed> "
            '"true"^^<http://www.w3.org/2001/XMLSchema#boolean> .' in lines
        )
    # Re-export keeps the flag.
    export_curated(_settings(data), force=True)
    assert next(r for r in _rows(path) if r["施策番号"] == "06-22")["確認済"] == "yes"


@pytest.mark.parametrize(
    ("old", "new", "code", "text"),
    [
        ("◎34条(low|35条|33条)", "◎99条", "unknown-article-label", "99条"),
        ("◎34条(low|35条|33条)", "◎34条(sure)", "bad-curated-mark", "confidence must be"),
        ("◎34条(low|35条|33条)", "34条", "bad-curated-mark", "is not a mark"),
    ],
)
def test_bad_curated_marks_are_reported_with_position(
    data: Path, tmp_path: Path, old: str, new: str, code: str, text: str
) -> None:
    export_curated(_settings(data))
    path = data / "curated" / f"{KEY}.csv"
    rows = _rows(path)
    _edit(rows, "06-22", "根拠条文", old, new)
    _write(path, rows)
    _register()
    out = tmp_path / "out"
    res = CliRunner().invoke(cli, ["build", "--no-validate", "--data-dir", str(data), "--out", str(out)])
    assert res.exit_code == 3
    assert f"{KEY}.csv:{_row_line(path, '06-22')}:5, column 根拠条文, measure 06-22" in res.stderr
    assert text in res.stderr and f"[{code}]" in res.stderr
    assert not out.exists()


def test_unknown_ministry_in_curated_table(data: Path, tmp_path: Path) -> None:
    export_curated(_settings(data))
    path = data / "curated" / f"{KEY}.csv"
    rows = _rows(path)
    _edit(rows, "06-22", "府省庁名", "デジタル庁", "未来省")
    _write(path, rows)
    result = build(_settings(data), out_dir=tmp_path / "o", formats=("nt",))
    assert not result.written
    [err] = result.report.errors
    assert err.code == "unknown-organization" and "未来省" in err.message
    assert (err.position.measure_id, err.position.column_name) == ("06-22", "府省庁名")


def _row_line(path: Path, measure_id: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        if line.startswith(measure_id + ","):
            return number
    raise AssertionError(measure_id)


def test_cli_export(data: Path) -> None:
    _register()
    res = CliRunner().invoke(cli, ["export", "--data-dir", str(data)])
    assert res.exit_code == 0, res.output
    assert f"{KEY}.csv" in res.stdout
    res = CliRunner().invoke(cli, ["export", "--data-dir", str(data)])
    assert res.exit_code == 2 and "--force" in res.stderr


# --- issue 13, point 7 ------------------------------------------------------------------------------


def _formula_edition(data: Path) -> None:
    """Measure 06-22's name starts with '=' and 03-01's first KPI with '-', as a hostile source might."""
    edition = data / "editions" / "2023"
    source = edition / "000_12dec0b774bbd4f2.txt"
    text = source.read_text(encoding="utf-8")
    formula = '=HYPERLINK("http://evil.example","PHR")'
    text = text.replace("\t医療高度化に資するPHRデータ流通基盤の構築\t", f"\t{formula}\t", 1)
    lines = text.split("\n")
    cells = lines[4].split("\t")
    cells[2] = "-" + cells[2]
    lines[4] = "\t".join(cells)
    source.write_text("\n".join(lines), encoding="utf-8")
    pin(edition)


def test_export_neutralises_formula_cells_and_the_reader_undoes_it(data: Path, tmp_path: Path) -> None:
    """kg export wrote cells starting with =, +, -, @ as live spreadsheet formulas (OWASP CSV injection)."""
    _formula_edition(data)
    plain = build(_settings(data), out_dir=tmp_path / "plain", formats=("nt",))
    assert plain.written, [str(f) for f in plain.report.errors]
    export_curated(_settings(data))
    rows = _rows(data / "curated" / f"{KEY}.csv")
    row = next(r for r in rows if r["施策番号"] == "06-22")
    assert row["施策名"] == '\'=HYPERLINK("http://evil.example","PHR")'
    assert next(r for r in rows if r["施策番号"] == "03-01")["KPI"].startswith("'-")
    starts = ("=", "+", "-", "@", "\t", "\r")
    assert not [c for r in rows for c in r.values() if c.startswith(starts)]
    curated = build(_settings(data), out_dir=tmp_path / "curated", formats=("nt",))
    assert curated.written, [str(f) for f in curated.report.errors]
    removed = _lines(tmp_path / "plain") - _lines(tmp_path / "curated")
    assert removed == set()  # the names read back exactly, without the quote
    name = f'<{PLAN}/measure/06-22> <http://www.w3.org/2000/01/rdf-schema#label> "=HYPERLINK(\\"http'
    assert any(line.startswith(name) for line in _lines(tmp_path / "curated"))


@pytest.mark.parametrize("value", ["はい", "済", "確認済", "YES", "ｙｅｓ", "✓", "1"])
def test_reviewed_accepts_the_documented_values(data: Path, tmp_path: Path, value: str) -> None:
    """確認済 = はい was silently read as not reviewed."""
    export_curated(_settings(data))
    path = data / "curated" / f"{KEY}.csv"
    rows = _rows(path)
    _edit(rows, "06-22", "確認済", "", value)
    _write(path, rows)
    result = build(_settings(data), out_dir=tmp_path / "out", formats=("nt",))
    assert result.written
    assert "06-22" not in {r["measure_id"] for r in _rows(tmp_path / "out" / "review.csv")}


def test_reviewed_refuses_other_values_naming_the_cell(data: Path, tmp_path: Path) -> None:
    export_curated(_settings(data))
    path = data / "curated" / f"{KEY}.csv"
    rows = _rows(path)
    _edit(rows, "06-22", "確認済", "", "たぶん")
    _write(path, rows)
    physical = path.read_text(encoding="utf-8-sig").split("\n")
    line = 1 + next(i for i, text in enumerate(physical) if text.startswith("06-22,"))  # cells span lines
    _register()
    res = CliRunner().invoke(cli, ["build", "--data-dir", str(data), "--out", str(tmp_path / "out")])
    assert res.exit_code == 3, res.output
    where = f"{path}:{line}:7, column 確認済, measure 06-22"
    assert f"{where}: 確認済 is 'たぶん': write one of yes" in res.stderr
    assert not (tmp_path / "out").exists()
