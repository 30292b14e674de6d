"""The two laws whose articles head the mark columns, their articles and the table columns.

Opens ``data/reference/laws.csv``, ``articles.csv`` and ``columns.csv`` (facts
from ``shared/reference/laws.json`` with their sources); a user's
``<data_dir>/reference/laws.csv`` and ``articles.csv`` replace or extend the
bundled rows by key (see :mod:`kg.reference._csv`). Article identity is
point-in-time: numbers are those of the text in force on a given date, and
``numbering_known_until`` says up to when the reference data is checked, so an
edition decided later is flagged rather than linked to a possibly renumbered
article.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from pathlib import Path

from kg.errors import InputError, Position
from kg.reference._csv import (
    REFERENCE_DIR,
    ReferenceFile,
    merge_rows,
    read_rows,
    reference_files,
    split_list,
)


@dataclass(frozen=True)
class Law:
    law_id: str  # e-Gov law ID
    title_ja: str
    title_en: str
    number_ja: str
    number_en: str
    promulgated: date
    enforced: date
    egov_url: str
    numbering_known_until: date
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Article:
    law_id: str
    number: int
    chapter: int
    heading_ja: str
    heading_verified: bool
    current_number: int | None  # the number in today's text, where it differs
    summary_en: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Column:
    """A mark column of the table: which article (and paragraphs) its label means."""

    label: str  # normalised, e.g. 11条1項2項
    law_id: str
    article: int
    paragraphs: tuple[int, ...]


@dataclass(frozen=True)
class LawReference:
    laws: dict[str, Law]
    articles: dict[tuple[str, int], Article]
    columns: dict[str, Column]

    def column(self, label: str) -> Column | None:
        return self.columns.get(label)


LAW_COLUMNS = (
    "law_id",
    "title_ja",
    "title_en",
    "number_ja",
    "number_en",
    "promulgated",
    "enforced",
    "egov_url",
    "numbering_known_until",
    "sources",
)
ARTICLE_COLUMNS = (
    "law_id",
    "article",
    "chapter",
    "heading_ja",
    "heading_verified",
    "current_number",
    "summary_en",
    "sources",
)


def load_laws(user_dir: Path | None = None) -> LawReference:
    """The law reference, with ``laws.csv`` and ``articles.csv`` of ``user_dir`` (if there) merged in.

    A user's law replaces the bundled one of the same ``law_id``, a user's article
    the bundled one of the same ``(law_id, article)``; new keys are added. Cached
    by the files' paths, modification times and sizes (they never change in a run).
    """
    return _load_laws(reference_files("laws.csv", user_dir), reference_files("articles.csv", user_dir))


@cache
def _load_laws(
    law_files: tuple[ReferenceFile, ...],
    article_files: tuple[ReferenceFile, ...],
    directory: Path = REFERENCE_DIR,
) -> LawReference:
    """Load and cross-check the law reference files."""
    laws: dict[str, Law] = {}
    for row in merge_rows(law_files, LAW_COLUMNS, lambda r: r["law_id"], "law_id"):
        r = row.cells
        if not r["law_id"]:
            raise InputError("law_id is empty", replace(row.position, column_name="law_id"))
        try:
            laws[r["law_id"]] = Law(
                r["law_id"],
                r["title_ja"],
                r["title_en"],
                r["number_ja"],
                r["number_en"],
                date.fromisoformat(r["promulgated"]),
                date.fromisoformat(r["enforced"]),
                r["egov_url"],
                date.fromisoformat(r["numbering_known_until"]),
                split_list(r["sources"]),
            )
        except ValueError as exc:
            raise InputError(f"bad date: {exc}", row.position) from exc
    articles: dict[tuple[str, int], Article] = {}
    for row in merge_rows(article_files, ARTICLE_COLUMNS, _article_key, "article"):
        r, where = row.cells, row.position
        if r["law_id"] not in laws:
            raise InputError(f"unknown law_id {r['law_id']!r}", replace(where, column_name="law_id"))
        if r["heading_verified"] not in ("true", "false"):
            raise InputError("heading_verified must be true or false", where)
        if not split_list(r["sources"]):
            raise InputError("every article needs a source", where)
        try:
            art = Article(
                r["law_id"],
                int(r["article"]),
                int(r["chapter"]),
                r["heading_ja"],
                r["heading_verified"] == "true",
                int(r["current_number"]) if r["current_number"] else None,
                r["summary_en"],
                split_list(r["sources"]),
            )
        except ValueError as exc:
            raise InputError(f"bad number: {exc}", where) from exc
        articles[(art.law_id, art.number)] = art
    columns: dict[str, Column] = {}
    path = directory / "columns.csv"
    for line, r in read_rows(path, ("column_label", "law_id", "article", "paragraphs")):
        key = (r["law_id"], int(r["article"]))
        if key not in articles:
            raise InputError(
                f"column {r['column_label']!r} names an unknown article {key}", Position(str(path), line)
            )
        columns[r["column_label"]] = Column(
            r["column_label"],
            r["law_id"],
            int(r["article"]),
            tuple(int(p) for p in split_list(r["paragraphs"])),
        )
    return LawReference(laws, articles, columns)


def _article_key(cells: dict[str, str]) -> tuple[str, int]:
    return cells["law_id"], int(cells["article"])
