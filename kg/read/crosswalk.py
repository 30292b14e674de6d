"""The curated crosswalk of measures across editions: ``data/lineage.csv``.

Measure IDs are unique only within an edition (the AI-principles measure is
2-4 in 2022 and 03-01 in 2023), so which measures of two editions are one
measure is a person's statement. Each row says so for one pair, with a note
and a source; :mod:`kg.build.lineage` reads the rows and decides the rest.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kg.errors import InputError, Position

FILE_NAME = "lineage.csv"
COLUMNS = ("from_edition", "from_id", "to_edition", "to_id", "note", "source")


@dataclass(frozen=True)
class CrosswalkRow:
    """One statement: measure ``from_id`` of ``from_edition`` is ``to_id`` of ``to_edition``."""

    from_edition: str
    from_id: str
    to_edition: str
    to_id: str
    note: str
    source: str
    position: Position


def read_crosswalk(data_dir: Path) -> list[CrosswalkRow]:
    """The rows of ``data_dir/lineage.csv`` (none when the file is absent)."""
    path = data_dir / FILE_NAME
    if not path.is_file():
        return []
    try:
        fh = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", Position(str(path))) from exc
    rows: list[CrosswalkRow] = []
    targets: dict[tuple[str, str], int] = {}
    with fh:
        reader = csv.DictReader(fh)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise InputError(f"the header must be {','.join(COLUMNS)}", Position(str(path), 1))
        for cells in reader:
            where = Position(str(path), reader.line_num)
            if None in cells or any(v is None for v in cells.values()):
                raise InputError(f"the row must have {len(COLUMNS)} cells", where)
            c = {k: v.strip() for k, v in cells.items()}
            for key in ("from_edition", "to_edition"):
                try:
                    date.fromisoformat(c[key])
                except ValueError:
                    raise InputError(
                        f"{key} {c[key]!r} is not an edition key (its decision date, YYYY-MM-DD)",
                        Position(str(path), reader.line_num, column_name=key),
                    ) from None
            for key in ("from_id", "to_id", "source"):
                if not c[key]:
                    raise InputError(f"{key} is empty", Position(str(path), reader.line_num, column_name=key))
            if c["from_edition"] >= c["to_edition"]:
                raise InputError("from_edition must be decided before to_edition", where)
            target = (c["to_edition"], c["to_id"])
            if target in targets:
                raise InputError(
                    f"measure {c['to_id']} of {c['to_edition']} is already linked at line {targets[target]}",
                    where,
                )
            targets[target] = reader.line_num
            rows.append(
                CrosswalkRow(
                    c["from_edition"], c["from_id"], c["to_edition"], c["to_id"], c["note"], c["source"],
                    where,
                )
            )
    return rows
