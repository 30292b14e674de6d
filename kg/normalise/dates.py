"""Years written in the Western and the Japanese (era) calendar, in either order.

The plan writes a year twice, one form in brackets after the other
(docs/domain.md §6): ``2023年度（令和5年度）``, ``令和8年度（2026年度）``,
``2019年（令和元年）``, lists ``2021・2022年度（令和3・4年度）``, and the
suffix ``末`` on both forms (``2023年度末（令和5年度末）``). Either form may also
stand alone (``令和3年度``, ``2025年度``). ``年度`` is the fiscal year (April to
March); a ``度`` after the bracket (``2023年（令和5年）度``) counts too.

The two forms are kept apart in :class:`YearMention` rather than collapsed,
because when they disagree (``2023年度（令和4年度）``) the table is wrong and
the builder must say so instead of silently picking one
(:attr:`YearMention.consistent`).

Rules:

* A Western year has exactly four digits (``3年後`` is a duration, not a
  year; ``12023年`` is no year either). Full-width digits are read as digits.
* Eras: 令和 1 = 2019, 平成 1 = 1989, 昭和 1 = 1926 (and 大正, 明治); ``元`` = 1.
* A list such as ``2021・2022年度（令和3・4年度）`` gives one mention per year,
  paired by position, each spanning the whole expression. If the two lists
  differ in length they cannot be paired: each form then gives its own
  mentions, with no consistency claim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["ERAS", "YearMention", "era_to_western", "find_years"]

#: Year 0 of each era: the Western year of era year ``n`` is ``ERAS[era] + n``.
ERAS: dict[str, int] = {"令和": 2018, "平成": 1988, "昭和": 1925, "大正": 1911, "明治": 1867}

_ERA = "|".join(ERAS)
_WEST = r"\d{4}(?:・\d{4})*"
_JP_NUM = r"(?:元|\d{1,2})(?:・(?:元|\d{1,2}))*"
_OPEN, _CLOSE = r"\s*[（(]\s*", r"\s*[）)]"
_YEARS = re.compile(
    rf"""
    (?P<w1>{_WEST})年(?P<f1>度)?(?P<x1>末)?
      (?:{_OPEN}(?P<e1>{_ERA})(?P<n1>{_JP_NUM})年(?P<g1>度)?末?{_CLOSE}(?P<h1>度)?)?
    |
    (?P<e2>{_ERA})(?P<n2>{_JP_NUM})年(?P<f2>度)?(?P<x2>末)?
      (?:{_OPEN}(?P<w2>{_WEST})年(?P<g2>度)?末?{_CLOSE}(?P<h2>度)?)?
    """,
    re.VERBOSE,
)
# Where a mention can start. Scanning for these first and trying the full pattern
# only there is several times faster than ``_YEARS.finditer`` (whose alternation
# the regex engine must try at every character).
_ANCHOR = re.compile(rf"[0-9０-９]|{_ERA}")


def era_to_western(era: str, n: int) -> int:
    """The Western year of year ``n`` of ``era`` (令和5 → 2023). Raises ValueError for an unknown era."""
    try:
        return ERAS[era] + n
    except KeyError:
        raise ValueError(f"unknown era {era!r}") from None


@dataclass(frozen=True)
class YearMention:
    """One year named in a text, in one or both calendars.

    ``start``/``end`` index the whole expression in the text searched (both
    forms and the brackets), and ``text`` is that expression as written.
    """

    western: int | None
    era: str | None
    era_year: int | None
    fiscal: bool
    start: int
    end: int
    text: str

    @property
    def japanese(self) -> int | None:
        """The Western year the era form names, or None without one."""
        if self.era is None or self.era_year is None:
            return None
        return era_to_western(self.era, self.era_year)

    @property
    def year(self) -> int:
        """The Western year, from the Western form when present, else from the era form."""
        if self.western is not None:
            return self.western
        japanese = self.japanese
        if japanese is None:  # pragma: no cover - find_years never builds such a mention
            raise ValueError(f"{self.text!r} names no year")
        return japanese

    @property
    def consistent(self) -> bool:
        """False when both forms are given and name different years."""
        japanese = self.japanese
        return self.western is None or japanese is None or self.western == japanese

    @property
    def western_text(self) -> str | None:
        """The Western form, normalised (``2023年度``), for messages."""
        return None if self.western is None else f"{self.western}{self._suffix}"

    @property
    def japanese_text(self) -> str | None:
        """The era form, normalised (``令和5年度``, ``令和元年``), for messages."""
        if self.era is None or self.era_year is None:
            return None
        n = "元" if self.era_year == 1 else str(self.era_year)
        return f"{self.era}{n}{self._suffix}"

    @property
    def _suffix(self) -> str:
        return "年度" if self.fiscal else "年"


def _numbers(text: str) -> list[int]:
    return [1 if part == "元" else int(part) for part in text.split("・")]


def _scan(text: str) -> list[re.Match[str]]:
    matches, pos = [], 0
    while anchor := _ANCHOR.search(text, pos):
        at = anchor.start()
        if at and text[at].isdecimal() and text[at - 1].isdecimal():  # 12023年 names no year
            pos = at + 1
            continue
        m = _YEARS.match(text, at)
        if m is None:
            pos = at + 1
        else:
            matches.append(m)
            pos = m.end()
    return matches


def find_years(text: str) -> list[YearMention]:
    """Every year named in ``text``, in order of appearance."""
    found: list[YearMention] = []
    if "年" not in text:
        return found
    for m in _scan(text):
        if m.group("w1") is not None:
            west, era, nums, bracket = m.group("w1"), m.group("e1"), m.group("n1"), m.group("e1") is not None
            trailing_end = m.end("x1")
        else:
            west, era, nums, bracket = m.group("w2"), m.group("e2"), m.group("n2"), m.group("w2") is not None
            trailing_end = m.end("x2")
        fiscal = any(m.group(g) for g in ("f1", "g1", "h1", "f2", "g2", "h2"))
        start, end = m.start(), m.end()
        if not bracket and trailing_end == end:  # a lone "2023年度末": the span stops before 末
            end -= 1
        expression = text[start:end]
        westerns = _numbers(west) if west is not None else []
        eras = _numbers(nums) if nums is not None else []
        if westerns and eras and len(westerns) == len(eras):
            pairs: list[tuple[int | None, int | None]] = list(zip(westerns, eras, strict=True))
        else:
            pairs = [(w, None) for w in westerns] + [(None, n) for n in eras]
        for w, n in pairs:
            found.append(YearMention(w, era if n is not None else None, n, fiscal, start, end, expression))
    return found
