"""Reading reference CSV files with positions, so a bad row is reported by line."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from kg.errors import InputError, Position
from kg.resources import reference_dir

#: The repository's reference-data folder, found from this file so that it works
#: from any working directory (the package is installed in editable mode).
REFERENCE_DIR = reference_dir()


def read_rows(path: Path, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) of a UTF-8 CSV file whose header has ``required`` columns."""
    try:
        fh = path.open(encoding="utf-8", newline="")
    except OSError as exc:
        raise InputError(f"cannot read reference data: {exc.strerror}", Position(file=str(path))) from exc
    with fh:
        reader = csv.DictReader(fh)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(f"missing column(s) {', '.join(missing)}", Position(file=str(path), line=1))
        for row in reader:
            yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if k is not None}


def split_list(value: str) -> tuple[str, ...]:
    """A semicolon-separated cell as a tuple, empty parts dropped."""
    return tuple(part.strip() for part in value.split(";") if part.strip())
