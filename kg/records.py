"""The model: plain typed records of one plan edition, independent of RDF.

Normalisers produce these records from raw cells; the RDF mapping consumes
them. Keeping the model free of RDF lets the curated table, the review report
and the mapping share one representation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from kg.findings import Finding


class Strength(StrEnum):
    """Strength of a law-article mark: ◎ 主に該当するもの / ○ 連携するもの."""

    PRIMARY = "◎"
    LINKED = "○"


class Confidence(StrEnum):
    """How sure the builder is of a mark's article column (see kg.normalise.marks)."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Comparator(StrEnum):
    """How a KPI target relates to its value: 以上, 以下, 超, 未満, 約, or exact."""

    AT_LEAST = "at-least"  # 以上
    AT_MOST = "at-most"  # 以下
    MORE_THAN = "more-than"  # 超
    LESS_THAN = "less-than"  # 未満
    APPROXIMATELY = "approximately"  # 約
    EXACTLY = "exactly"  # a bare number


class SplitMethod(StrEnum):
    """How a KPI item was told apart from its neighbours in the cell."""

    WHOLE = "whole"  # the cell is one KPI
    BULLET = "bullet"  # ・ or - markers
    LIST_ITEM = "list-item"  # <li> elements
    CIRCLED = "circled"  # ①②…
    SPACE = "space"  # a space between two Japanese sentences (needs review)


class MatchMethod(StrEnum):
    """How an organisation name in a cell was matched to the gazetteer."""

    EXACT = "exact"
    ALIAS = "alias"  # short form or variant (経産省, 総務省消防庁)
    SPLIT = "split"  # glued names split apart (内閣官房デジタル庁)


@dataclass(frozen=True)
class Cell:
    """One raw cell: its text as extracted, and where it stands (1-based)."""

    line: int
    column: int
    text: str


@dataclass(frozen=True)
class SourceRow:
    """The source row a measure was read from: file name, its SHA-256, line."""

    file: str
    sha256: str
    line: int


@dataclass(frozen=True)
class Target:
    """A KPI's target value, extracted only where the text is unambiguous."""

    value: Decimal
    unit: str
    comparator: Comparator
    text: str  # the phrase the target was read from


@dataclass(frozen=True)
class Kpi:
    """One KPI item of a measure. ``text`` is always kept in full."""

    order: int
    text: str
    split: SplitMethod = SplitMethod.WHOLE
    deadline_fiscal_year: int | None = None
    deadline_text: str | None = None
    target: Target | None = None


@dataclass(frozen=True)
class Participation:
    """An organisation running a measure, as the 府省庁名 cell names it.

    ``lead`` follows the leading ◎ (主担当): a convention of the table, not a
    statement of it, documented as an assumption.
    """

    order: int
    org_id: str
    raw_name: str
    lead: bool
    method: MatchMethod = MatchMethod.EXACT


@dataclass(frozen=True)
class Mark:
    """A ◎/○ mark against a law-article column, with how sure its column is.

    ``column_label`` is the normalised header label (``11条1項2項``) or None when
    no reading places the mark. ``alternatives`` are the other labels that some
    reading of the row gave. ``line``/``column`` locate the raw cell.
    """

    order: int
    strength: Strength
    column_label: str | None
    confidence: Confidence
    line: int
    column: int
    raw: str
    alternatives: tuple[str, ...] = ()
    reviewed: bool = False


@dataclass(frozen=True)
class Measure:
    """One 施策 of one edition."""

    id: str
    group: str
    name: str
    description: str
    kpis: tuple[Kpi, ...]
    participations: tuple[Participation, ...]
    marks: tuple[Mark, ...]
    source: SourceRow
    concerned_ministries: bool = False


@dataclass(frozen=True)
class Edition:
    """One edition of the 施策集 and where it was read from."""

    year: int
    title_ja: str
    title_en: str
    decided: date
    source_file: str
    sha256: str
    article_columns: tuple[str, ...] = field(default=())
    curated_file: str | None = None  # the curated table read over the extract, if any
    curated_sha256: str | None = None


@dataclass(frozen=True)
class Assembled:
    """One row's measure (None when the row could not be read) and its findings.

    What the assembler yields for the extract and the curated table alike.
    """

    measure: Measure | None
    findings: tuple[Finding, ...]
