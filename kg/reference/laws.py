"""The laws whose articles head the mark columns, their articles, and how those are numbered when.

Opens ``data/reference/laws.csv``, ``articles.csv`` and ``numbering.csv``
(facts from ``shared/reference/laws.json`` with their sources); a user's
``<data_dir>/reference/`` files of the same names replace or extend the
bundled rows by key (see :mod:`kg.reference._csv`).

An *article* here is a provision, identified by the number it had when the law
was made (``34``), or, for one inserted later, by its number and the year of
the amending act (``34-2024``). Its *number* can change: ``numbering.csv``
says which number each article had from when to when, as far as a source
attests it. An edition's column label (``34条``) names a number in the law as
in force on the decision date; :meth:`LawReference.resolve` turns it into the
article, or into nothing where no source covers that date, so a renumbering
(デジタル社会形成基本法, 2024) is data, and a date the data does not cover is
reported rather than guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from pathlib import Path

from kg.errors import InputError, Position
from kg.reference._csv import ReferenceFile, merge_rows, reference_files, split_list


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
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Article:
    """An article as a provision, whatever its number at a given date."""

    law_id: str
    key: str  # its number when the law was made, or <number>-<year> for one inserted later
    chapter: int
    heading_ja: str
    heading_verified: bool
    summary_en: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Numbering:
    """An article's number over a span of dates that a source attests (both ends included)."""

    law_id: str
    article: str  # Article.key
    number: int
    known_from: date
    known_until: date | None  # None: open
    sources: tuple[str, ...]

    def covers(self, when: date) -> bool:
        return self.known_from <= when and (self.known_until is None or when <= self.known_until)


@dataclass(frozen=True)
class LawReference:
    laws: dict[str, Law]
    articles: dict[tuple[str, str], Article]
    numbering: tuple[Numbering, ...]

    def resolve(self, law_id: str, number: int, when: date) -> Article | None:
        """The article numbered ``number`` in the law as in force on ``when``, if a source says."""
        for n in self.numbering:
            if n.law_id == law_id and n.number == number and n.covers(when):
                return self.articles[(n.law_id, n.article)]
        return None

    def numbered(self, when: date) -> list[tuple[int, Article]]:
        """Every article whose number on ``when`` is known, with that number."""
        return [(n.number, self.articles[(n.law_id, n.article)]) for n in self.numbering if n.covers(when)]

    def latest_number(self, article: Article) -> int | None:
        """The article's number in the latest version the data covers."""
        spans = [n for n in self.numbering if (n.law_id, n.article) == (article.law_id, article.key)]
        if not spans:
            return None
        return max(spans, key=lambda n: (n.known_until is None, n.known_until or n.known_from)).number

    def coverage(self, law_id: str) -> str:
        """The spans of dates the numbering of a law is known for, for messages."""
        spans = sorted({(n.known_from, n.known_until) for n in self.numbering if n.law_id == law_id})
        return ", ".join(f"{a.isoformat()}–{b.isoformat() if b else ''}" for a, b in spans) or "none"


LAW_COLUMNS = (
    "law_id",
    "title_ja",
    "title_en",
    "number_ja",
    "number_en",
    "promulgated",
    "enforced",
    "egov_url",
    "sources",
)
ARTICLE_COLUMNS = (
    "law_id",
    "article",
    "chapter",
    "heading_ja",
    "heading_verified",
    "summary_en",
    "sources",
)


NUMBERING_COLUMNS = ("law_id", "article", "number", "known_from", "known_until", "sources", "note")


def load_laws(user_dir: Path | None = None) -> LawReference:
    """The law reference, with the files of ``user_dir`` (if there) merged in.

    A user's law replaces the bundled one of the same ``law_id``, a user's article
    the bundled one of the same ``(law_id, article)``, a user's numbering row the
    bundled one of the same ``(law_id, article, known_from)``; new keys are added.
    Cached by the files' paths, modification times and sizes (they never change in a run).
    """
    return _load_laws(
        reference_files("laws.csv", user_dir),
        reference_files("articles.csv", user_dir),
        reference_files("numbering.csv", user_dir),
    )


@cache
def _load_laws(
    law_files: tuple[ReferenceFile, ...],
    article_files: tuple[ReferenceFile, ...],
    numbering_files: tuple[ReferenceFile, ...],
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
                split_list(r["sources"]),
            )
        except ValueError as exc:
            raise InputError(f"bad date: {exc}", row.position) from exc
    articles: dict[tuple[str, str], Article] = {}
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
                r["article"],
                int(r["chapter"]),
                r["heading_ja"],
                r["heading_verified"] == "true",
                r["summary_en"],
                split_list(r["sources"]),
            )
        except ValueError as exc:
            raise InputError(f"bad chapter number: {exc}", replace(where, column_name="chapter")) from exc
        articles[(art.law_id, art.key)] = art
    numbering: list[Numbering] = []
    for row in merge_rows(numbering_files, NUMBERING_COLUMNS, _numbering_key, "known_from"):
        numbering.append(_numbering(row.cells, row.position, articles))
    _check_overlaps(numbering)
    return LawReference(laws, articles, tuple(numbering))


def _numbering(r: dict[str, str], where: Position, articles: dict[tuple[str, str], Article]) -> Numbering:
    if (r["law_id"], r["article"]) not in articles:
        where = replace(where, column_name="article")
        raise InputError(f"unknown article {r['law_id']} {r['article']!r}", where)
    if not split_list(r["sources"]):
        raise InputError("every numbering row needs a source", replace(where, column_name="sources"))
    try:
        number = int(r["number"])
        known_from = date.fromisoformat(r["known_from"])
        known_until = date.fromisoformat(r["known_until"]) if r["known_until"] else None
    except ValueError as exc:
        raise InputError(f"bad number or date: {exc}", where) from exc
    if known_until is not None and known_until < known_from:
        raise InputError("known_until is before known_from", replace(where, column_name="known_until"))
    return Numbering(r["law_id"], r["article"], number, known_from, known_until, split_list(r["sources"]))


def _check_overlaps(numbering: list[Numbering]) -> None:
    """One number means one article at any date, and one article has one number."""
    for i, a in enumerate(numbering):
        for b in numbering[i + 1 :]:
            if a.law_id != b.law_id or (a.number != b.number and a.article != b.article):
                continue
            ends = (a.known_until or date.max, b.known_until or date.max)
            if a.known_from <= ends[1] and b.known_from <= ends[0]:
                what = f"number {a.number}" if a.number == b.number else f"article {a.article}"
                raise InputError(
                    f"numbering.csv: {what} of {a.law_id} has two meanings over overlapping dates "
                    f"({a.known_from}… and {b.known_from}…)"
                )



def _article_key(cells: dict[str, str]) -> tuple[str, str]:
    return cells["law_id"], cells["article"]


def _numbering_key(cells: dict[str, str]) -> tuple[str, str, str]:
    return cells["law_id"], cells["article"], cells["known_from"]
