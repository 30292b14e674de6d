"""Edition metadata: ``data/editions/<name>/edition.toml`` beside its source file.

The extract itself does not say which plan it belongs to; the metadata file
does (year, 閣議決定 date, titles) and pins the source file's SHA-256 so that a
replaced or edited source is noticed before anything is published from it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from kg.errors import InputError, Position


@dataclass(frozen=True)
class EditionMeta:
    directory: Path
    year: int
    title_ja: str
    title_en: str
    decided: date
    source: Path
    sha256: str | None
    encoding: str | None


def find_editions(data_dir: Path) -> list[Path]:
    """The edition folders under ``data_dir/editions`` (sorted, so builds are deterministic)."""
    root = data_dir / "editions"
    if not root.is_dir():
        raise InputError(
            "no editions folder (expected data/editions/<edition>/edition.toml)", Position(str(root))
        )
    found = sorted(p.parent for p in root.glob("*/edition.toml"))
    if not found:
        raise InputError("no edition.toml found", Position(str(root)))
    return found


def load_edition_meta(directory: Path) -> EditionMeta:
    """Read and check one ``edition.toml``."""
    path = directory / "edition.toml"
    where = Position(file=str(path))
    try:
        with path.open("rb") as fh:
            table = tomllib.load(fh)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", where) from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"not a valid UTF-8 TOML file: {exc}", where) from exc
    missing = [k for k in ("year", "title_ja", "title_en", "decided", "source") if k not in table]
    if missing:
        raise InputError(f"missing key(s): {', '.join(missing)}", where)
    decided = table["decided"]
    if isinstance(decided, datetime) or not isinstance(decided, date):
        raise InputError("decided must be a date (YYYY-MM-DD)", where)
    year = table["year"]
    if not isinstance(year, int) or not 2000 <= year <= 2200:
        raise InputError(f"year {year!r} is not a plausible edition year", where)
    return EditionMeta(
        directory=directory,
        year=year,
        title_ja=str(table["title_ja"]),
        title_en=str(table["title_en"]),
        decided=decided,
        source=directory / str(table["source"]),
        sha256=str(table["sha256"]) if "sha256" in table else None,
        encoding=str(table["encoding"]) if "encoding" in table else None,
    )
