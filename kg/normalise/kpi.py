"""KPI cells → :class:`kg.records.Kpi` records, with a deadline and target where unambiguous.

Items. A cell is first split by :func:`kg.normalise.text.cell_items`
(bullets ``・``/``- ``, ``<li>``/``<p>``, circled ``①②``). Within an item, the
PDF extraction often left two KPIs separated by nothing but a space (04-01,
06-18; 06-23 is a ``<ul>`` of six KPIs with no bullets at all), while spaces
also occur inside one KPI (``JP PINT``, ``PDS（Personal Data Store）``). Read
off the 48 rows of the 2023 edition, the rule is: split at a run of spaces
when

* the character before it ends a Japanese statement: kanji, kana, ``ー``,
  ``%``, a closing bracket ``）」』〕】`` or ``。`` — so ``JP PINT``,
  ``Self-Billing Invoice`` and ``Data Store`` (Latin on the left) never split;
* the character after it starts one: kanji, kana, ``「『``, or a Latin letter
  or digit (``…構築 AIを活用した…`` in 06-23, ``…を目的） PDS（…`` in 04-07,
  ``…を実施 2022年度…`` in 06-13) — but not an opening bracket ``（([〔``,
  which annotates what precedes it (08-04: ``拠点数 （2023年度…見込：11拠点）``),
  nor ``、。・：`` which continue a sentence;
* the space stands outside every bracket (an annotation is never cut);
* what follows is not a note label ending in ``：`` within 15 characters
  (06-11, 06-12: ``…サービス数 KPIの設定時期：2023年度（令和5年度）末`` is
  one KPI with a note on when its target will be set).

A split at a space is a guess, so each cell where it happens gives one
``kpi-space-split`` warning (raw: the cell; inferred: the items joined by
`` | ``) for a person to confirm in the curated table.

Deadline. ``deadline_fiscal_year`` is set when exactly one fiscal year (``年度``,
both calendars agreeing, within 1989..2100) is used as a deadline in the
item; ``deadline_text`` is that phrase as written. A ``年度`` mention counts
as a deadline when it is

* followed by ``までに``/``まで``, ``末`` (not ``末時点``/``末現在``), ``中``,
  ``早期``, ``目標``/``目途``/``目的`` (``を目的に`` is used for 目標 in 04-07);
* alone in a bracket that ends the item (09-36: ``…の構築（令和8年度（2026年度））``);
* followed directly (after ``見込：``/``目標：``/``に``) by a quantity
  (09-37: ``（2030年度（令和12年度）19,000人）``; 06-27: ``2024年度…に100%とする``).

It does not count inside a ``（参考：…）`` bracket, or after another label such
as ``KPIの設定時期：``; nor when followed by anything else (``補正予算``,
``策定``, ``までの研究成果``, ``に実施する``): the year then dates something
other than the target. Calendar years (``2025年（令和7年）までに``) are not
converted to fiscal years: the field stays None. Two deadline years in one
item (``2023年度までに…開始し、2025年度までに本格運用``) are ambiguous: None.

Target. The item's quantities are numbers with a counting unit (``件``,
``%``, ``人``, ``拠点``, ``か所``, ``倍``, ``回``, ``団体``, ``社``…) and
optional ``約``, multiplier ``万``/``億``/``千``, rate (``/年``; ``年間``/``年``
before the number → ``/年``, ``1か月当たり`` → ``/月``; not for ``%``) and
comparator suffix (``以上``, ``以下``, ``超``, ``未満``). Years are never
quantities (``年`` is no unit). A quantity is kept as what it is:

* inside ``（参考：…）``: a *reference* figure (04-02);
* followed by a bracket saying ``現在``/``時点``/``確定値``/``実績`` and holding
  no quantity of its own: an *actual* value, a baseline (06-27); in
  ``100件（2024年度実績：120件）`` the bracket's 120 is the actual value and
  100 is still aimed at;
* right after ``実績：``/``実績値：``/``確定値：``/``現在：``/``時点：``
  (``2024年度実績：120件``): an *actual* value;
* right after ``見込：`` (08-04: ``2023年度（令和5年度）見込：11拠点``): a
  *projection*, what is expected rather than aimed at — its year is the
  figure's year, not a deadline;

these are :class:`~kg.records.Figure` records, with the fiscal year written
just before them. Of the rest, a ``target`` is set only when exactly one
remains and it is not part of a range (``5～10件``). A target followed by
``増加``/``向上``/``減少``/``削減``… (08-04: ``6%以上増加``) or in ``倍`` is a
*change*, not a level: ``change`` says which, and ``base`` what it is measured
from where the text says so just before it (``2020年度比``).

Years written in both calendars that disagree give a ``calendar-mismatch``
error; a fiscal year outside 1989..2100 gives ``bad-fiscal-year``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from kg.errors import Position
from kg.findings import Finding, finding
from kg.normalise.dates import YearMention, find_years
from kg.normalise.text import cell_items
from kg.records import Change, Comparator, Figure, FigureKind, Kpi, KpiKind, SplitMethod, Target

__all__ = ["FISCAL_YEAR_RANGE", "kpis_from_items", "parse_kpis", "split_kpis"]

#: Fiscal years a plan can plausibly name: 平成 1 to the end of the century.
FISCAL_YEAR_RANGE = range(1989, 2101)

# -- splitting at spaces ------------------------------------------------------------

# Kana (without the middle dot ・ U+30FB, which joins words), ー, and kanji.
_JP = r"\u3040-\u30fa\u30fc-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆"
_SPACE_SPLIT = re.compile(
    rf"(?<=[{_JP}%％）」』〕】。])"  # a statement ends…
    r"[ \u3000]+"
    rf"(?=[{_JP}「『A-Za-z0-9Ａ-Ｚａ-ｚ０-９])"  # …and another starts,
    r"(?![^\s：:（）()]{1,15}[：:])"  # not with a note label (KPIの設定時期：…)
)
_OPENING = "（([［〔【「『"
_CLOSING = "）)]］〕】」』"
_BRACKET = re.compile(r"[（(\[［〔【「『）)\]］〕】」』]")


def _outside_brackets(text: str, positions: list[int]) -> list[bool]:
    """For each of the ascending ``positions``: does it stand outside every bracket?"""
    out, depth, brackets = [], 0, _BRACKET.finditer(text)
    bracket = next(brackets, None)
    for pos in positions:
        while bracket is not None and bracket.start() < pos:
            depth = depth + 1 if bracket.group() in _OPENING else max(depth - 1, 0)
            bracket = next(brackets, None)
        out.append(depth == 0)
    return out


def _space_split(text: str) -> list[str]:
    """Split one item at the spaces that separate two Japanese statements."""
    if " " not in text and "\u3000" not in text:
        return [text]
    cuts = list(_SPACE_SPLIT.finditer(text))
    if not cuts:
        return [text]
    parts, start = [], 0
    for cut, outside in zip(cuts, _outside_brackets(text, [c.start() for c in cuts]), strict=True):
        if outside:
            parts.append(text[start : cut.start()])
            start = cut.end()
    parts.append(text[start:])
    return [p for p in (part.strip() for part in parts) if p]


# -- brackets: reference regions --------------------------------------------------------

_REFERENCE_OPENING = re.compile(r"[（(]\s*参考")
_STATUS_WORDS = ("現在", "時点", "確定値", "実績")


def _bracket_end(text: str, start: int) -> int:
    """Index just past the bracket opened at ``text[start]`` (or the text's end)."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] in _OPENING:
            depth += 1
        elif text[i] in _CLOSING:
            depth -= 1
            if depth == 0:
                return i + 1
    return len(text)


def _reference_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), _bracket_end(text, m.start())) for m in _REFERENCE_OPENING.finditer(text)]


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


# -- targets ---------------------------------------------------------------------------

# Counting units a target can carry (longer ones first). 年/月/日 are not units: they make dates.
_UNITS = (
    "市区町村|自治体|事業者|拠点|か所|カ所|ヶ所|箇所|団体|機関|課題|分野|地域"
    "|件|人|名|倍|回|社|校|本|台|円|%|％"
)
_NUMBER = r"\d[\d,]*(?:\.\d+)?"
# Starts with the number, so that the regex engine can skip ahead to digits (約 is checked by hand).
_QUANTITY = re.compile(
    rf"(?P<num>{_NUMBER})(?P<mult>万|億|千)?(?P<unit>{_UNITS})(?P<rate>/(?:年|月|日))?(?P<cmp>以上|以下|超|未満)?"
)
_RANGE_BEFORE = re.compile(r"\d[\d,.]*(?:万|億|千)?\s*[～〜~]\s*$")
_RATE_BEFORE = re.compile(
    r"(?:(?<![\d度])(?P<year>年間?)|(?P<month>1?か月(?:当たり|あたり)|月間?))(?:平均)?$"
)
_MULTIPLIERS = {"万": Decimal(10_000), "億": Decimal(100_000_000), "千": Decimal(1_000)}
_COMPARATORS = {
    "以上": Comparator.AT_LEAST,
    "以下": Comparator.AT_MOST,
    "超": Comparator.MORE_THAN,
    "未満": Comparator.LESS_THAN,
}


def _is_status(text: str, end: int) -> bool:
    """Is the quantity ending at ``end`` followed by a bracket that dates it as a baseline?

    Only a bracket without a quantity of its own does: in ``100件（2024年度実績：120件）``
    the bracket states its own actual figure, 120, and 100 stays what is aimed at.
    """
    if end >= len(text) or text[end] not in "（(":
        return False
    bracket = text[end : _bracket_end(text, end)]
    return any(word in bracket for word in _STATUS_WORDS) and not _QUANTITY.search(bracket)


#: A label right before a quantity that says it is a projection (2023年度見込：11拠点), not a target.
_PROJECTION_BEFORE = re.compile(r"見込み?\s*[：:]?\s*$")
#: A label right before a quantity that says it is an actual value (2024年度実績：120件), not a target.
_ACTUAL_BEFORE = re.compile(r"(?:実績値?|確定値|現在|時点)\s*[：:]\s*$")
#: A change the quantity measures (6%以上増加), right after it.
_CHANGE_AFTER = re.compile(r"\s*の?(?P<up>増加|増|向上|上昇|拡大)|\s*の?(?P<down>減少|減|削減|低下|縮減)")
#: The end of a phrase naming what a change is measured from (2020年度比, 試行時点…と比べ).
_BASE_MARKER = re.compile(r"と比べて?|に比べて?|比(?![率較例重])")
#: Where such a phrase starts, looking back from its marker outside brackets.
_BASE_BOUNDARY = "、。，, \u3000をはがで"


def _quantities(
    text: str, references: list[tuple[int, int]], mentions: list[YearMention]
) -> tuple[Target | None, list[Figure]]:
    """The item's target (when exactly one quantity is aimed at) and its other figures, each as what it is."""
    candidates: list[Target] = []
    figures: list[Figure] = []
    ranged = False
    for m in _QUANTITY.finditer(text):
        start = m.start()
        if start and (text[start - 1] in ".,第" or text[start - 1].isdecimal()):
            continue  # the tail of a longer number, or an ordinal (第2回)
        after = text[m.end() : m.end() + 1]
        in_range = bool(_RANGE_BEFORE.search(text, max(0, start - 24), start) or (after and after in "～〜~"))
        approx = start > 0 and text[start - 1] == "約"
        if approx:
            start -= 1
        unit = "%" if m.group("unit") in "%％" else m.group("unit")
        value = Decimal(m.group("num").replace(",", "")) * _MULTIPLIERS.get(m.group("mult") or "", Decimal(1))
        rate = m.group("rate")
        prefix = _RATE_BEFORE.search(text, max(0, start - 12), start)
        if prefix:
            start = prefix.start()  # 年間250件以上, 1か月当たり平均10,000件: the rate is part of the phrase
            if unit != "%":  # …but a share (年間90%以上) has no rate
                rate = rate or ("/年" if prefix.group("year") else "/月")
        if m.group("cmp"):
            comparator = _COMPARATORS[m.group("cmp")]
        elif approx:
            comparator = Comparator.APPROXIMATELY
        else:
            comparator = Comparator.EXACTLY
        if value == value.to_integral_value():
            value = Decimal(int(value))  # 1.5万 → 15000, not 15000.0
        unit += rate or ""
        kind = (
            FigureKind.REFERENCE
            if _inside(m.start(), references)
            else FigureKind.ACTUAL
            if _is_status(text, m.end()) or _ACTUAL_BEFORE.search(text, max(0, start - 6), start)
            else FigureKind.PROJECTION
            if _PROJECTION_BEFORE.search(text, max(0, start - 6), start)
            else None
        )
        if kind is not None:
            year = _year_before(mentions, start)
            figures.append(Figure(kind, value, unit, comparator, text[start : m.end()], year))
            continue
        ranged = ranged or in_range
        change_match = _CHANGE_AFTER.match(text, m.end())
        change = (
            Change.MULTIPLE
            if unit.startswith("倍")
            else (Change.INCREASE if change_match["up"] else Change.DECREASE)
            if change_match
            else None
        )
        end = change_match.end() if change_match else m.end()
        base = _base(text, start) if change else None
        candidates.append(Target(value, unit, comparator, text[start:end], change, base))
    # A range (5～10件) names no single target; two quantities aimed at are ambiguous.
    target = candidates[0] if len(candidates) == 1 and not ranged else None
    return target, figures


def _base(text: str, start: int) -> str | None:
    """The phrase before ``start`` naming what a change is measured from, brackets and all, or None."""
    markers = list(_BASE_MARKER.finditer(text, 0, start))
    if not markers:
        return None
    marker = markers[-1]
    i, depth = marker.start(), 0
    while i > 0:
        c = text[i - 1]
        if c in _CLOSING:
            depth += 1
        elif c in _OPENING:
            if depth == 0:
                break
            depth -= 1
        elif depth == 0 and c in _BASE_BOUNDARY:
            break
        i -= 1
    return text[i : marker.end()] if i < marker.start() else None


def _year_before(mentions: list[YearMention], start: int) -> int | None:
    """The fiscal year written just before a figure (2023年度（令和5年度）見込：11拠点), if consistent."""
    near = [m for m in mentions if m.fiscal and m.consistent and m.end <= start and start - m.end <= 8]
    return near[-1].year if near else None


# -- deadlines --------------------------------------------------------------------------

_DEADLINE_MARKER = re.compile(
    r"\s*(?:末(?!時点|現在)(?:まで(?:に)?)?|まで(?:に|(?=[）)、。]|$))|中(?=[に。、）)]|$)|早期|を?(?:目標|目途|めど|目的))"
)
_ALONE_AT_END = re.compile(r"\s*[）)][）)。\s]*$")
_BEFORE_QUANTITY = re.compile(
    rf"\s*(?:目標[：:]?|に)?\s*約?{_NUMBER}(?:万|億|千)?(?:\s*[～〜~]\s*{_NUMBER}(?:万|億|千)?)?(?:{_UNITS})"
)
_LABEL_BEFORE = re.compile(r"([^\s：:、。（）()]{1,15})[：:]\s*$")
_TARGET_LABEL = re.compile(r"目標|期限|達成")


def _deadline_phrase(text: str, m: YearMention) -> str | None:
    """The deadline phrase ``m`` opens, or None when the year dates something else."""
    label = _LABEL_BEFORE.search(text, max(0, m.start - 20), m.start)
    if label and not _TARGET_LABEL.search(label.group(1)):
        return None  # KPIの設定時期：2023年度末 — a note, not the target's deadline
    marker = _DEADLINE_MARKER.match(text, m.end)
    if marker:
        return m.text + marker.group().strip()
    if "末" in m.text:  # 2023年度末（令和5年度末）
        return m.text
    if m.start > 0 and text[m.start - 1] in "（(" and _ALONE_AT_END.match(text, m.end):
        return m.text
    if _BEFORE_QUANTITY.match(text, m.end):
        return m.text
    return None


def _deadline(
    text: str, mentions: list[YearMention], references: list[tuple[int, int]]
) -> tuple[int, str] | None:
    phrases: dict[int, str] = {}
    for m in mentions:
        if not m.fiscal or _inside(m.start, references):
            continue
        phrase = _deadline_phrase(text, m)
        if phrase is None:
            continue
        if not m.consistent or m.year not in FISCAL_YEAR_RANGE:
            return None
        phrases.setdefault(m.year, phrase)
    if len(phrases) != 1:
        return None
    ((year, phrase),) = phrases.items()
    return year, phrase


def _year_findings(mentions: list[YearMention], raw: str, position: Position) -> list[Finding]:
    out: list[Finding] = []
    for m in mentions:
        if not m.consistent:
            out.append(
                finding(
                    "calendar-mismatch",
                    position,
                    raw=raw,
                    inferred=f"{m.text}: {m.western} ≠ {m.japanese}",
                    western=m.western_text,
                    japanese=m.japanese_text,
                )
            )
        if m.fiscal and m.year not in FISCAL_YEAR_RANGE:
            out.append(finding("bad-fiscal-year", position, raw=raw, inferred=str(m.year), value=m.text))
    return out


# -- the cell ---------------------------------------------------------------------------


def parse_kpis(raw: str, position: Position) -> tuple[list[Kpi], list[Finding]]:
    """The KPIs of one KPI cell, and what was noticed reading it.

    ``—`` or an empty cell gives no KPI. Every KPI keeps its full text (clean
    text, no NFKC); ``order`` is 1-based in cell order.
    """
    items, findings = split_kpis(raw, position)
    kpis, year_findings = kpis_from_items(items, raw, position)
    return kpis, findings + year_findings


def split_kpis(raw: str, position: Position) -> tuple[list[tuple[str, SplitMethod]], list[Finding]]:
    """Tell the KPIs of one cell apart (markers, list items, then spaces between sentences).

    Separate from reading each KPI because the curated table gives KPIs already
    apart (one per line): both then go through :func:`kpis_from_items`.
    """
    items: list[tuple[str, SplitMethod]] = []
    space_split = False
    for text, method in cell_items(raw):
        parts = _space_split(text)
        if len(parts) > 1:
            space_split = True
            items.extend((part, SplitMethod.SPACE) for part in parts)
        else:
            items.append((text, method))
    findings: list[Finding] = []
    if space_split:
        findings.append(
            finding(
                "kpi-space-split",
                position,
                raw=raw,
                inferred=" | ".join(t for t, _ in items),
                count=len(items),
            )
        )
    return items, findings


def kpis_from_items(
    items: Sequence[tuple[str, SplitMethod]],
    raw: str,
    position: Position,
    *,
    first: int = 1,
    kind: KpiKind | None = None,
) -> tuple[list[Kpi], list[Finding]]:
    """KPI records of items already told apart (by :func:`parse_kpis`, or a person).

    No further splitting: each item is one KPI, read for its deadline and
    target. ``raw`` (the source cell) and ``position`` go into the year
    findings (``calendar-mismatch``, ``bad-fiscal-year``). The KPIs are
    numbered from ``first`` and take the ``kind`` of their column.
    """
    kpis: list[Kpi] = []
    findings: list[Finding] = []
    for order, (text, method) in enumerate(items, start=first):
        mentions = find_years(text)
        findings.extend(_year_findings(mentions, raw, position))
        references = _reference_spans(text) if "参考" in text else []
        deadline = _deadline(text, mentions, references)
        target, figures = _quantities(text, references, mentions)
        kpis.append(
            Kpi(
                order=order,
                text=text,
                split=method,
                deadline_fiscal_year=deadline[0] if deadline else None,
                deadline_text=deadline[1] if deadline else None,
                target=target,
                kind=kind,
                figures=tuple(figures),
            )
        )
    return kpis, findings
