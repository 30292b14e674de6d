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

from kg.errors import Position
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


class Change(StrEnum):
    """What a target that is a change aims at: 増加 (more), 減少/削減 (less), or a multiple (倍)."""

    INCREASE = "increase"
    DECREASE = "decrease"
    MULTIPLE = "multiple"


@dataclass(frozen=True)
class Target:
    """A KPI's target value, extracted only where the text is unambiguous.

    A target stated as a change (``6%以上増加``: an increase of at least 6 %) has
    ``change`` set: its value is the size of the change, not a level to reach;
    ``base`` is what the change is measured from, where the text says (``2020年度比``).
    """

    value: Decimal
    unit: str
    comparator: Comparator
    text: str  # the phrase the target was read from
    change: Change | None = None
    base: str | None = None


class FigureKind(StrEnum):
    """What a KPI figure that is not its target is: 見込 (projection), 実績 (actual), 参考 (reference)."""

    PROJECTION = "projection"  # 見込: what is expected, not what is aimed at
    ACTUAL = "actual"  # 実績 / 現在 / 時点 / 確定値: a value already reached (a baseline)
    REFERENCE = "reference"  # （参考：…）: given for context


@dataclass(frozen=True)
class Figure:
    """A quantity a KPI states that is not its target, kept as what it is."""

    kind: FigureKind
    value: Decimal
    unit: str
    comparator: Comparator
    text: str  # the phrase the figure was read from
    fiscal_year: int | None = None  # the 年度 the figure is for, where the text gives one just before it


class KpiKind(StrEnum):
    """What a KPI column measures, where an edition splits KPIs in two (2022: 進捗 / 効果)."""

    PROGRESS = "progress"  # KPI（進捗）: progress of the measure itself
    EFFECT = "effect"  # KPI（効果）: the effect it aims at


@dataclass(frozen=True)
class Kpi:
    """One KPI item of a measure. ``text`` is always kept in full."""

    order: int
    text: str
    split: SplitMethod = SplitMethod.WHOLE
    deadline_fiscal_year: int | None = None
    deadline_text: str | None = None
    target: Target | None = None
    kind: KpiKind | None = None  # what the KPI column measures, where the edition says
    figures: tuple[Figure, ...] = ()  # projections, actuals and reference figures the KPI states


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
class DraftText:
    """A cell as a reader gives it: its text (normalised as the reader must), as read, and where.

    ``raw`` is what findings quote; ``position`` is where they point.
    """

    text: str
    raw: str
    position: Position


@dataclass(frozen=True)
class DraftKpi:
    """One KPI told apart in its cell, not yet read for deadline and target."""

    text: str
    split: SplitMethod
    kind: KpiKind | None
    raw: str  # the whole cell it stands in, as read: year findings quote it
    position: Position  # the cell's


@dataclass(frozen=True)
class Draft:
    """One measure as a reader found it: cells by role, before any is interpreted.

    The extract's reader (:mod:`kg.assemble.extract`) and the curated table's
    (:mod:`kg.curated.overlay`) both produce drafts, and one assembler
    (:func:`kg.assemble.assemble`) turns a draft into a :class:`Measure`, so a
    measure means the same whichever table it came from. What only the reader
    can know stays with it: how the KPIs of a cell were told apart and under
    which column each mark stands (with the findings of doing so).
    """

    id: str
    name: DraftText
    description: DraftText
    kpis: tuple[DraftKpi, ...]
    kpi_findings: tuple[Finding, ...]  # found telling the KPIs apart
    organizations: DraftText  # the 府省庁名 cell; empty text when the row has none
    lead_marker: bool  # a bare ◎ stood before the ministry cell: the first name leads
    marks: tuple[Mark, ...]
    mark_findings: tuple[Finding, ...]  # found placing the marks
    source: SourceRow
    reviewed: bool = False  # a person checked the row (確認済)


@dataclass(frozen=True)
class KpiColumn:
    """A KPI column of an edition's table: its header text and what its KPIs measure."""

    header: str
    kind: KpiKind | None = None


@dataclass(frozen=True)
class ArticleColumn:
    """An article column of an edition's table: the label, and what it names.

    ``article`` and ``paragraphs`` are numbers in the law *as in force on the
    edition's decision date*; which provision that is on that date is for the
    law reference data to say (:mod:`kg.reference.laws`).
    """

    label: str  # normalised (no spaces, NFKC): 11条1項2項
    raw: str  # as edition.toml spells it: 11条 1項 2項
    law_id: str
    article: int
    paragraphs: tuple[int, ...] = ()


@dataclass(frozen=True)
class TableLayout:
    """The columns of one edition's table, by the header text that edition uses.

    Nothing about a particular year's table is written in code: each edition's
    ``edition.toml`` says which headers name the fixed columns (ID, name, KPIs,
    description, ministries) and which article labels head the mark columns.
    """

    id: str
    name: str
    kpis: tuple[KpiColumn, ...]
    description: str
    organizations: str
    articles: tuple[ArticleColumn, ...]
    # Derived once, read for every row and mark:
    labels: tuple[str, ...] = field(init=False, compare=False, repr=False)
    _by_label: dict[str, ArticleColumn] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "labels", tuple(a.label for a in self.articles))
        object.__setattr__(self, "_by_label", {a.label: a for a in self.articles})

    def fixed(self) -> dict[str, str]:
        """The single fixed columns by role (``id``, ``name``, ``description``)."""
        return {"id": self.id, "name": self.name, "description": self.description}

    def article(self, label: str) -> ArticleColumn | None:
        """The article column of a normalised label, or None."""
        return self._by_label.get(label)


@dataclass(frozen=True)
class Scope:
    """What an edition holds of its plan: all of it, or an excerpt, said in Japanese and English."""

    excerpt: bool = False
    note_ja: str | None = None
    note_en: str | None = None


@dataclass(frozen=True)
class Edition:
    """One edition of the 施策集 and where it was read from.

    ``key`` is the Cabinet decision date (``2023-06-09``): two editions can
    share a year (2021-06-18 and 2021-12-24), never a decision date.
    """

    key: str
    title_ja: str
    title_en: str
    decided: date
    source_file: str
    sha256: str
    layout: TableLayout
    curated_file: str | None = None  # the curated table read over the extract, if any
    curated_sha256: str | None = None
    scope: Scope = field(default_factory=Scope)

    @property
    def year(self) -> int:
        return self.decided.year


@dataclass(frozen=True)
class Assembled:
    """One row's measure (None when the row could not be read) and its findings.

    What the assembler yields for the extract and the curated table alike.
    """

    measure: Measure | None
    findings: tuple[Finding, ...]
