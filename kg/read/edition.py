"""Edition metadata: ``data/editions/<name>/edition.toml`` beside its source file.

The extract itself does not say which plan it belongs to, nor what its
columns mean; the metadata file does. It gives the Cabinet decision date (the
edition's key: two plans were decided in 2021), the titles, the source file
and its SHA-256 (so that a replaced or edited source is noticed before
anything is published from it), and the table's layout: which header names
each fixed column and which article labels head the mark columns, per law.
Every edition-specific fact lives there, none in code::

    decided = 2023-06-09
    title_ja = "…"
    title_en = "…"
    source = "000_12dec0b774bbd4f2.txt"
    sha256 = "…"

    [table]
    id = "施策番号"
    name = "施策名"
    kpi = ["KPI"]            # or [{header = "KPI（進捗）", kind = "progress"}, …]
    description = "課題・取組概要（スケジュール・効果）"
    organizations = "府省庁名"

    [table.articles]         # e-Gov law ID = labels as printed, in column order
    428AC1000000103 = ["10条", "11条 1項 2項", …]
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from kg.errors import InputError, Position
from kg.records import ArticleColumn, KpiColumn, KpiKind, Scope, TableLayout

#: An article label: the article number, then any paragraph numbers (``11条1項2項``).
_LABEL = re.compile(r"^(\d+)条((?:\d+項)*)$")
_PARAGRAPH = re.compile(r"(\d+)項")
#: An edition key as the user may write it: a decision date, or a year.
_KEY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def label_key(text: str) -> str:
    """A header cell reduced for matching: NFKC, no whitespace (``11条 1項 2項`` → ``11条1項2項``).

    Only for matching: published text keeps the source's own characters.
    """
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def is_article_label(text: str) -> bool:
    """Whether a header cell reads as an article label (``10条``, ``11条 1項 2項``)."""
    return _LABEL.match(label_key(text)) is not None


@dataclass(frozen=True)
class EditionMeta:
    directory: Path
    decided: date
    title_ja: str
    title_en: str
    source: Path
    sha256: str | None
    encoding: str | None
    layout: TableLayout
    scope: Scope = field(default_factory=lambda: Scope())

    @property
    def key(self) -> str:
        """The edition's key: its Cabinet decision date, ``YYYY-MM-DD``."""
        return self.decided.isoformat()

    @property
    def year(self) -> int:
        return self.decided.year


def find_editions(data_dir: Path) -> list[Path]:
    """The edition folders under ``data_dir/editions`` (sorted, so builds are deterministic)."""
    root = data_dir / "editions"
    if not root.is_dir():
        raise InputError(
            "no editions folder (expected data/editions/<edition>/edition.toml)", Position(str(root))
        )
    folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    # A folder without its metadata is refused, not skipped: a build that silently
    # leaves out an edition someone put there would publish an incomplete graph.
    bare = [p for p in folders if not (p / "edition.toml").is_file()]
    if bare:
        raise InputError(
            "edition folder without edition.toml (each edition needs one: decided, titles, source,"
            " sha256, [table]; move the folder out of editions/ if it is no edition)",
            Position(str(bare[0])),
        )
    if not folders:
        raise InputError("no edition.toml found", Position(str(root)))
    return folders


def load_editions(data_dir: Path) -> list[EditionMeta]:
    """Every edition under ``data_dir``, in decision-date order; two with one date are an error."""
    metas = sorted((load_edition_meta(d) for d in find_editions(data_dir)), key=lambda m: m.decided)
    seen: dict[str, Path] = {}
    for m in metas:
        if m.key in seen:
            raise InputError(
                f"edition {m.key} is also decided in {seen[m.key] / 'edition.toml'}",
                Position(str(m.directory / "edition.toml")),
            )
        seen[m.key] = m.directory
    return metas


def select_edition(metas: list[EditionMeta], wanted: str) -> EditionMeta:
    """The edition a user names by its decision date, or by its year where that is unique."""
    wanted = wanted.strip()
    if _KEY.match(wanted):
        found = [m for m in metas if m.key == wanted]
    elif wanted.isdigit():
        found = [m for m in metas if m.year == int(wanted)]
        if len(found) > 1:
            keys = ", ".join(m.key for m in found)
            raise InputError(f"{wanted} names more than one edition ({keys}): give the decision date")
    else:
        raise InputError(f"{wanted!r} is not an edition key (a decision date YYYY-MM-DD, or a year)")
    if not found:
        known = ", ".join(m.key for m in metas) or "none"
        raise InputError(f"no edition {wanted} (editions: {known})")
    return found[0]


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
    missing = [k for k in ("decided", "title_ja", "title_en", "source", "table") if k not in table]
    if missing:
        raise InputError(f"missing key(s): {', '.join(missing)}", where)
    decided = table["decided"]
    if isinstance(decided, datetime) or not isinstance(decided, date):
        raise InputError("decided must be a date (YYYY-MM-DD)", where)
    if "year" in table and table["year"] != decided.year:
        raise InputError(f"year {table['year']!r} is not the year of decided ({decided.isoformat()})", where)
    return EditionMeta(
        directory=directory,
        decided=decided,
        title_ja=_text(table, "title_ja", where),
        title_en=_text(table, "title_en", where),
        source=directory / _text(table, "source", where),
        sha256=_text(table, "sha256", where) if "sha256" in table else None,
        encoding=_text(table, "encoding", where) if "encoding" in table else None,
        layout=_layout(table["table"], where),
        scope=_scope(table.get("scope"), where),
    )


def _scope(table: object, where: Position) -> Scope:
    """``[scope]``: whether the edition holds only part of the plan, and a note saying what it holds."""
    if table is None:
        return Scope()
    if not isinstance(table, dict):
        raise InputError("[scope] must be a table (excerpt, note_ja, note_en)", where)
    unknown = sorted(set(table) - {"excerpt", "note_ja", "note_en"})
    if unknown:
        raise InputError(f"[scope] has unknown key(s): {', '.join(unknown)}", where)
    excerpt = table.get("excerpt", False)
    if not isinstance(excerpt, bool):
        raise InputError("[scope] excerpt must be true or false", where)
    notes = [_text(table, k, where, "[scope] ") if k in table else None for k in ("note_ja", "note_en")]
    if excerpt and None in notes:
        raise InputError("[scope] an excerpt needs note_ja and note_en saying what it holds", where)
    return Scope(excerpt, notes[0], notes[1])


def _text(table: dict[str, Any], key: str, where: Position, section: str = "") -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{section}{key} must be a non-empty string", where)
    return value


def _layout(table: object, where: Position) -> TableLayout:
    if not isinstance(table, dict):
        raise InputError("[table] must be a table of column headers", where)
    missing = [k for k in ("id", "name", "kpi", "description", "organizations", "articles") if k not in table]
    if missing:
        raise InputError(f"[table] lacks {', '.join(missing)}", where)
    kpis = table["kpi"]
    if isinstance(kpis, str):
        kpis = [kpis]
    if not isinstance(kpis, list) or not kpis:
        raise InputError("table.kpi must list the KPI column header(s)", where)
    articles = table["articles"]
    if not isinstance(articles, dict) or not articles:
        raise InputError("[table.articles] must map each law ID to its column labels", where)
    columns: list[ArticleColumn] = []
    for law_id, labels in articles.items():
        if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
            raise InputError(f"table.articles.{law_id} must be a list of labels", where)
        columns += [_article(law_id, raw, where) for raw in labels]
    seen: set[str] = set()
    for column in columns:
        if column.label in seen:
            raise InputError(f"article label {column.raw!r} is listed twice in [table.articles]", where)
        seen.add(column.label)
    return TableLayout(
        id=_text(table, "id", where, "table."),
        name=_text(table, "name", where, "table."),
        kpis=tuple(_kpi(k, where) for k in kpis),
        description=_text(table, "description", where, "table."),
        organizations=_text(table, "organizations", where, "table."),
        articles=tuple(columns),
    )


def _kpi(entry: object, where: Position) -> KpiColumn:
    if isinstance(entry, str) and entry.strip():
        return KpiColumn(entry)
    if isinstance(entry, dict) and isinstance(entry.get("header"), str):
        kind = entry.get("kind")
        if kind is None:
            return KpiColumn(entry["header"])
        try:
            return KpiColumn(entry["header"], KpiKind(kind))
        except ValueError:
            known = ", ".join(k.value for k in KpiKind)
            raise InputError(f"table.kpi: unknown kind {kind!r} (one of: {known})", where) from None
    raise InputError("table.kpi entries are header strings or {header = …, kind = …}", where)


def _article(law_id: str, raw: str, where: Position) -> ArticleColumn:
    label = label_key(raw)
    m = _LABEL.match(label)
    if m is None:
        raise InputError(f"table.articles.{law_id}: {raw!r} is not an article label (like 11条 1項)", where)
    paragraphs = tuple(int(p) for p in _PARAGRAPH.findall(m[2]))
    return ArticleColumn(label, raw, law_id, int(m[1]), paragraphs)
