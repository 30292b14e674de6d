"""The curated crosswalk of measures across editions: ``data/lineage.csv``.

Measure IDs are unique only within an edition (the AI-principles measure is
2-4 in 2022 and 03-01 in 2023), so which measures of two editions are one
measure is a person's statement. Each row says so for one pair, with a note
and a source; :mod:`kg.build.lineage` reads the rows and decides the rest.

A row says one of two things, by its optional last column ``relation``:

* empty (or ``same``): ``to_id`` continues ``from_id`` (the same measure, maybe
  renumbered or renamed; several such rows from one measure are a split);
* ``merged``: ``from_id`` was merged into ``to_id``. Its lineage ends there;
  ``to_id`` continues whichever lineage its own rows (or the same ID and name)
  give it. A merge needs a word of its own because a measure has one lineage:
  two plain rows into one measure would ask for two, and are refused.

What can be checked from the file alone is checked here, each refusal naming
the file and line: a measure continued from two rows, and a measure both
merged and continued (or merged twice) into one edition. What needs the build
(the measures exist; a merged measure is not also kept under its own ID) is
checked by :mod:`kg.build.lineage`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kg.errors import InputError, Position

FILE_NAME = "lineage.csv"
COLUMNS = ("from_edition", "from_id", "to_edition", "to_id", "note", "source")
#: The optional last column, and its values (empty is ``same``).
RELATION = "relation"
SAME, MERGED = "same", "merged"


@dataclass(frozen=True)
class CrosswalkRow:
    """One statement: ``from_id`` of ``from_edition`` is (or was merged into) ``to_id`` of ``to_edition``."""

    from_edition: str
    from_id: str
    to_edition: str
    to_id: str
    note: str
    source: str
    position: Position
    relation: str = SAME

    @property
    def merged(self) -> bool:
        return self.relation == MERGED


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
    with fh:
        reader = csv.DictReader(fh)
        header = tuple(reader.fieldnames or ())
        if header not in (COLUMNS, (*COLUMNS, RELATION)):
            raise InputError(
                f"the header must be {','.join(COLUMNS)} (and, optionally, {RELATION})",
                Position(str(path), 1),
            )
        for cells in reader:
            rows.append(_row(cells, Position(str(path), reader.line_num), len(header)))
    _check_links(rows)
    return rows


def _row(cells: dict[str | None, str | None], where: Position, width: int) -> CrosswalkRow:
    if None in cells or any(v is None for v in cells.values()):
        raise InputError(f"the row must have {width} cells", where)
    c = {str(k): (v or "").strip() for k, v in cells.items()}

    def at(key: str) -> Position:
        return Position(where.file, where.line, column_name=key)

    for key in ("from_edition", "to_edition"):
        try:
            date.fromisoformat(c[key])
        except ValueError:
            raise InputError(
                f"{key} {c[key]!r} is not an edition key (its decision date, YYYY-MM-DD)", at(key)
            ) from None
    for key in ("from_id", "to_id", "source"):
        if not c[key]:
            raise InputError(f"{key} is empty", at(key))
    if c["from_edition"] >= c["to_edition"]:
        raise InputError("from_edition must be decided before to_edition", where)
    relation = c.get(RELATION) or SAME
    if relation not in (SAME, MERGED):
        raise InputError(
            f"{RELATION} {relation!r} is not one of: (empty), {SAME}, {MERGED}", at(RELATION)
        )
    return CrosswalkRow(
        c["from_edition"], c["from_id"], c["to_edition"], c["to_id"], c["note"], c["source"], where, relation
    )


def _check_links(rows: list[CrosswalkRow]) -> None:
    """Refuse a measure continued from two rows, and a measure merged and also continued or merged again."""
    continued: dict[tuple[str, str], CrosswalkRow] = {}
    leaving: dict[tuple[str, str, str], list[CrosswalkRow]] = {}
    for row in rows:
        if not row.merged:
            target = (row.to_edition, row.to_id)
            if target in continued:
                raise InputError(
                    f"measure {row.to_id} of {row.to_edition} is already linked at line"
                    f" {continued[target].position.line} (a measure continues one measure; to say that"
                    f" others were merged into it, give their rows {RELATION} {MERGED})",
                    row.position,
                )
            continued[target] = row
        leaving.setdefault((row.from_edition, row.from_id, row.to_edition), []).append(row)
    for same_source in leaving.values():
        merges = [r for r in same_source if r.merged]
        if merges and len(same_source) > 1:
            first, again = same_source[0], same_source[1]
            what = "merged into" if first.merged else "continued by"
            raise InputError(
                f"measure {first.from_id} of {first.from_edition} is {what} {first.to_id} of"
                f" {first.to_edition} at line {first.position.line}: a merged measure goes into one"
                f" measure and is not also continued",
                again.position,
            )
