"""Reading reference CSV files with positions, so a bad row is reported by file and line.

The bundled reference data (:func:`kg.resources.reference_dir`) can be
overridden and extended by a user's own folder (``<data_dir>/reference``) that
holds files of the same name and columns: :func:`reference_files` says which
files to read, :func:`merge_rows` merges their rows by key. A user row whose key
is already bundled replaces that row (in its place), a new key is added at the
end. Every row keeps the file and line it came from, so an error names the
user's file when the row is theirs.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.errors import InputError, Position
from kg.resources import reference_dir

#: The bundled reference-data folder (inside the installed package).
REFERENCE_DIR = reference_dir()


@dataclass(frozen=True)
class ReferenceFile:
    """A reference file and the (modification time, size) it had when found: a cache key."""

    path: Path
    stamp: tuple[int, int]

    @classmethod
    def of(cls, path: Path) -> ReferenceFile:
        try:
            info = path.stat()
        except OSError:
            return cls(path, (-1, -1))  # reading it reports the error
        return cls(path, (info.st_mtime_ns, info.st_size))


@dataclass(frozen=True)
class Row:
    """One row of a reference file, with where it came from."""

    cells: dict[str, str]
    position: Position  # file and line
    source: int  # index of its file in the merge: later files override earlier ones


def reference_files(name: str, user_dir: Path | None = None) -> tuple[ReferenceFile, ...]:
    """The bundled file ``name``, then ``user_dir / name`` if that exists and is another file.

    The user folder may be the bundled folder itself (a checkout's ``data/reference``
    is what the package bundles): it is then read once, not merged with itself.
    """
    bundled = REFERENCE_DIR / name
    files = [ReferenceFile.of(bundled)]
    if user_dir is not None:
        user = user_dir / name
        if user.exists() and user.resolve() != bundled.resolve():
            files.append(ReferenceFile.of(user))
    return tuple(files)


def read_rows(
    path: Path, required: tuple[str, ...], *, exact: bool = False
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) of a UTF-8 CSV file whose header has ``required`` columns.

    With ``exact`` the header must be ``required`` in that order, and every row
    must have exactly that many cells. A byte-order mark (as spreadsheet programs
    write) is ignored.
    """
    where = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read reference data: {exc.strerror}", Position(file=where)) from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(f"not UTF-8: {exc.reason}", Position(file=where, line=line)) from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = tuple(reader.fieldnames or ())
        if exact and header != required:
            raise InputError(
                f"the header must be {','.join(required)} (found {','.join(header) or 'nothing'})",
                Position(file=where, line=1),
            )
        missing = [c for c in required if c not in header]
        if missing:
            raise InputError(f"missing column(s) {', '.join(missing)}", Position(file=where, line=1))
        for row in reader:
            if exact and (None in row or any(value is None for value in row.values())):
                raise InputError(
                    f"the row must have {len(required)} cells", Position(file=where, line=reader.line_num)
                )
            yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if k is not None}
    except csv.Error as exc:
        raise InputError(f"bad CSV: {exc}", Position(file=where, line=reader.line_num)) from exc


def merge_rows(
    files: tuple[ReferenceFile, ...],
    required: tuple[str, ...],
    key: Callable[[dict[str, str]], Hashable],
    key_name: str,
    *,
    exact: bool = False,
) -> list[Row]:
    """The rows of ``files`` merged by ``key``: a later file's row replaces an earlier one's of the same key.

    A replaced row keeps its place; a new key is appended. A key twice in one
    file is an error, and so is a key that ``key`` cannot read (a ValueError),
    both reported at the row's file, line and ``key_name`` column.
    """
    merged: dict[Hashable, Row] = {}
    for source, file in enumerate(files):
        first: dict[Hashable, int] = {}
        for line, cells in read_rows(file.path, required, exact=exact):
            where = Position(file=str(file.path), line=line, column_name=key_name)
            try:
                k = key(cells)
            except ValueError as exc:
                raise InputError(f"bad {key_name}: {exc}", where) from exc
            if k in first:
                raise InputError(f"duplicate {key_name} {k!r} (first at line {first[k]})", where)
            first[k] = line
            merged[k] = Row(cells, Position(file=str(file.path), line=line), source)
    return list(merged.values())


def split_list(value: str) -> tuple[str, ...]:
    """A semicolon-separated cell as a tuple, empty parts dropped."""
    return tuple(part.strip() for part in value.split(";") if part.strip())
