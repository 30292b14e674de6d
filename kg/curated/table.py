"""Reading and writing the curated CSV, keeping every cell's line and column."""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from kg.errors import InputError, Position
from kg.files import FORMULA_START, spreadsheet_safe, write_text_atomic
from kg.read.source import read_source

#: Column headers, in order, with the role each plays.
COLUMNS = {
    "id": "施策番号",
    "name": "施策名",
    "kpis": "KPI",
    "description": "課題・取組概要",
    "marks": "根拠条文",
    "organizations": "府省庁名",
    "reviewed": "確認済",
    "source_line": "元の行",
}
#: What 確認済 may hold (compared case-blind, NFKC): yes, or no. Anything else is refused, not read as "no".
YES = ("yes", "y", "true", "1", "はい", "済", "確認済", "✓", "✔", "○", "◯")
NO = ("", "no", "n", "false", "0", "いいえ", "未", "未確認")


@dataclass(frozen=True)
class CuratedRow:
    """One measure row of the curated table, with its position."""

    file: str
    line: int
    cells: dict[str, str]

    @property
    def measure_id(self) -> str:
        return self.cells["id"].strip()

    @property
    def reviewed(self) -> bool:
        return _flag(self.cells["reviewed"]) in YES

    def position(self, role: str) -> Position:
        column = list(COLUMNS).index(role) + 1
        return Position(self.file, self.line, column, COLUMNS[role], self.measure_id or None)


def curated_path(data_dir: Path, edition: str) -> Path:
    """``data/curated/<edition key>.csv``: the curated table of an edition (by its decision date)."""
    return data_dir / "curated" / f"{edition}.csv"


def read_curated(path: Path, encoding: str | None = None) -> tuple[list[CuratedRow], str]:
    """The rows of a curated table and the file's SHA-256."""
    source = read_source(path, encoding)
    reader = csv.reader(io.StringIO("\n".join(source.lines())))
    try:
        header = next(reader)
    except StopIteration:
        raise InputError("the curated table has no header row", Position(str(path), 1)) from None
    expected = list(COLUMNS.values())
    if [h.strip() for h in header] != expected:
        raise InputError(
            f"header must be {','.join(expected)} (got {','.join(header)})", Position(str(path), 1)
        )
    rows: list[CuratedRow] = []
    line = reader.line_num + 1
    for record in reader:
        start, line = line, reader.line_num + 1
        if not any(c.strip() for c in record):
            continue
        if len(record) != len(COLUMNS):
            raise InputError(
                f"row has {len(record)} cells, expected {len(COLUMNS)}", Position(str(path), start)
            )
        row = CuratedRow(str(path), start, dict(zip(COLUMNS, (restore(c) for c in record), strict=True)))
        if _flag(row.cells["reviewed"]) not in YES + NO:
            raise InputError(
                f"{COLUMNS['reviewed']} is {row.cells['reviewed']!r}: write one of {', '.join(YES)} for a"
                " checked row, or leave it empty (or no, いいえ, 未)",
                row.position("reviewed"),
            )
        rows.append(row)
    return rows, source.sha256


def _flag(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower()


def restore(cell: str) -> str:
    """Undo :func:`kg.files.spreadsheet_safe`: the ``'`` before a formula-leading character goes again."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_START) else cell


def write_curated(path: Path, rows: list[dict[str, str]]) -> None:
    """Write the table atomically (a temp file renamed into place)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS.values())
    for row in rows:
        writer.writerow(spreadsheet_safe(row[k]) for k in COLUMNS)
    write_text_atomic(path, buf.getvalue(), encoding="utf-8-sig")
