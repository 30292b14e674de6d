"""Compare the measures of one lineage in two editions: the rules a change report follows.

* **Which measures are one.** Measures are matched through their lineage (the
  build's ``kg:lineage``), never by ID: IDs are reassigned between editions.
  In a lineage, an old and a new measure pair up by equal ID, then equal name,
  then as the last one left on each side. A lineage with no old measure is an
  addition, with no new one a removal; a new measure left over where the
  lineage has old ones is a split from them. An old measure whose lineage
  ends in a merge (``kg:mergedInto``, :mod:`kg.diff.merges`) is merged into the
  measures the merge reaches, not removed.
* **KPIs** pair up by equal text, then by the most similar text (at least
  half alike, by character) — a rewritten KPI is one KPI, not a removal and an
  addition — and the pair is compared for deadline, target and 見込/実績 (the
  projections and actual values the graph states as kg:StatedFigure).
* **Organisations** are compared by the organisation the gazetteer resolved,
  not by the name written: a ministry written another way (or renamed, when
  the gazetteer knows both names) is the same organisation, and said so.
* **Marks** are compared by the *provision* their article is (the reference
  data's numbering over time), not by the column label: a mark under ``34条``
  in 2023 and ``35条`` in 2025 is the same provision (the 2024 renumbering of
  デジタル社会形成基本法), reported as unchanged with the reason. A mark whose
  article is not known on one side (numbering not verified for that date) is
  matched by its column label, and the note says so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TypeVar

from kg.diff.changes import Change
from kg.diff.snapshot import Kpi, Mark, Measure, local
from kg.diff.text import char_diff, similarity

_SIMILAR = 0.6
_SYMBOL = {"Primary": "◎", "Linked": "○"}
_COMPARATOR = {
    "AtLeast": "以上", "AtMost": "以下", "MoreThan": "超", "LessThan": "未満", "Approximately": "約",
    "Exactly": "",
}
_CONFIDENCE = {"HighConfidence": "高", "MediumConfidence": "中", "LowConfidence": "低"}
T = TypeVar("T")


def compare_lineage(
    lineage: str, olds: Sequence[Measure], news: Sequence[Measure], org_names: dict[str, str],
    merged: Mapping[str, Sequence[Measure]] | None = None,
) -> list[Change]:
    """Every change of the measures of one lineage between the old and the new edition.

    ``merged`` maps an old measure (IRI) to the new measures it was merged into
    (:mod:`kg.diff.merges`): such a measure is reported as merged, not removed.
    """
    merged = merged or {}
    if not olds:
        return [Change(lineage, "", n.id, n.name, "measure-added", new=n.name) for n in news]
    if not news:
        return [c for o in olds for c in _gone(lineage, o, merged.get(o.iri, ()), "")]
    pairs, left_old, left_new = _pair_measures(olds, news)
    out: list[Change] = []
    for o, n in pairs:
        out += compare_pair(lineage, o, n, org_names)
    from_ids = "・".join(o.id for o in (left_old or olds))
    for n in left_new:
        out.append(Change(lineage, from_ids, n.id, n.name, "measure-split", old=from_ids, new=n.id,
                          note=f"{from_ids} から分かれた施策"))
    continued = "・".join(n.id for n in news)
    for o in left_old if not left_new else []:  # with new measures left over, it was split into them
        out += _gone(lineage, o, merged.get(o.iri, ()), f"同じ系譜の施策は新しい版では {continued}")
    return out


def _gone(lineage: str, o: Measure, into: Sequence[Measure], note: str) -> list[Change]:
    """An old measure with no successor in its lineage: merged into ``into``, or else removed."""
    if not into:
        return [Change(lineage, o.id, "", o.name, "measure-removed", old=o.name, note=note)]
    return [Change(lineage, o.id, n.id, o.name, "measure-merged", old=o.id, new=n.id,
                   note=f"{n.id}（{n.name}）に統合された施策") for n in into]


def _pair_measures(
    olds: Sequence[Measure], news: Sequence[Measure]
) -> tuple[list[tuple[Measure, Measure]], list[Measure], list[Measure]]:
    pairs, left_old, left_new = _pair(olds, news, [_same_id, _same_name])
    if len(left_old) == 1 and len(left_new) == 1:
        pairs.append((left_old.pop(), left_new.pop()))
    return pairs, left_old, left_new


def _same_id(a: Measure, b: Measure) -> bool:
    return a.id == b.id


def _same_name(a: Measure, b: Measure) -> bool:
    return a.name == b.name


def compare_pair(lineage: str, o: Measure, n: Measure, org_names: dict[str, str]) -> list[Change]:
    """The changes from one measure to the same measure in the new edition."""

    def change(code: str, aspect: str = "", old: str = "", new: str = "", note: str = "",
               detail: str = "") -> Change:
        return Change(lineage, o.id, n.id, n.name, code, aspect, old, new, note, detail)

    out: list[Change] = []
    if o.id != n.id:
        out.append(change("measure-renumbered", old=o.id, new=n.id))
    if o.name != n.name:
        out.append(change("measure-renamed", old=o.name, new=n.name, detail=char_diff(o.name, n.name)))
    if o.description != n.description:
        out.append(change("description-changed", old=o.description, new=n.description,
                          detail=char_diff(o.description, n.description)))
    for code, aspect, old, new, note, detail in _kpis(o.kpis, n.kpis):
        out.append(change(code, aspect, old, new, note, detail))
    for code, aspect, old, new, note in _organisations(o, n, org_names):
        out.append(change(code, aspect, old, new, note))
    for code, aspect, old, new, note in _marks(o.marks, n.marks):
        out.append(change(code, aspect, old, new, note))
    return out


# --- KPIs ------------------------------------------------------------------------------------------


def _kpis(old: Sequence[Kpi], new: Sequence[Kpi]) -> list[tuple[str, str, str, str, str, str]]:
    pairs, gone, came = _pair(
        old, new, [lambda a, b: a.text == b.text], lambda a, b: similarity(a.text, b.text)
    )
    out: list[tuple[str, str, str, str, str, str]] = []
    for a, b in pairs:
        aspect = f"KPI {b.order}"
        if a.text != b.text:
            out.append(("kpi-rewritten", aspect, a.text, b.text, "", char_diff(a.text, b.text)))
        if a.deadline != b.deadline:
            out.append(("kpi-deadline-moved", aspect, _year(a), _year(b), "", ""))
        if a.target != b.target:
            out.append(("kpi-target-changed", aspect, _target(a), _target(b), "", ""))
        if a.status != b.status and b.status is not None:
            out.append(("kpi-status-changed", aspect, a.status or "目標", b.status,
                        f"新しい版のKPIは{b.reported()}を示す", ""))
    for a in gone:
        out.append(("kpi-removed", f"KPI {a.order}", a.text, "", "", ""))
    for b in came:
        out.append(("kpi-added", f"KPI {b.order}", "", b.text, "", ""))
    return out


def _year(k: Kpi) -> str:
    return f"{k.deadline}年度" if k.deadline else ""


def _target(k: Kpi) -> str:
    if k.value is None:
        return ""
    comparator = _COMPARATOR.get(local(k.comparator or ""), "")
    if comparator == "約":
        return f"約{k.value}{k.unit or ''}"
    return f"{k.value}{k.unit or ''}{comparator}"


def _pair(
    old: Sequence[T], new: Sequence[T], exact: Iterable[Callable[[T, T], bool]],
    score: Callable[[T, T], float] | None = None,
) -> tuple[list[tuple[T, T]], list[T], list[T]]:
    """Pair items by each exact rule in turn, then greedily by ``score`` (at least half alike)."""
    left_old, left_new = list(old), list(new)
    pairs: list[tuple[T, T]] = []
    for same in exact:
        for a in list(left_old):
            b = next((b for b in left_new if same(a, b)), None)
            if b is not None:
                pairs.append((a, b))
                left_old.remove(a)
                left_new.remove(b)
    if score is not None:
        scored = sorted(
            ((score(a, b), i, j) for i, a in enumerate(left_old) for j, b in enumerate(left_new)),
            key=lambda x: (-x[0], x[1], x[2]),
        )
        used_old: set[int] = set()
        used_new: set[int] = set()
        for value, i, j in scored:
            if value < _SIMILAR or i in used_old or j in used_new:
                continue
            pairs.append((left_old[i], left_new[j]))
            used_old.add(i)
            used_new.add(j)
        left_old = [a for i, a in enumerate(left_old) if i not in used_old]
        left_new = [b for j, b in enumerate(left_new) if j not in used_new]
    return pairs, left_old, left_new


# --- organisations ---------------------------------------------------------------------------------


def _organisations(o: Measure, n: Measure, names: dict[str, str]) -> list[tuple[str, str, str, str, str]]:
    def roles(m: Measure) -> dict[str, tuple[bool, str]]:
        out: dict[str, tuple[bool, str]] = {}
        for p in m.participations:
            key = p.organization or f"?{p.raw_name}"
            lead = local(p.role) == "LeadRole" or out.get(key, (False, ""))[0]
            out[key] = (lead, out.get(key, (False, p.raw_name))[1])
        return out

    before, after = roles(o), roles(n)
    out: list[tuple[str, str, str, str, str]] = []
    for org in sorted(before.keys() | after.keys()):
        name = names.get(org) or (before.get(org) or after.get(org) or (False, org))[1]
        if org not in after:
            lead, raw = before[org]
            out.append(("lead-removed" if lead else "organization-removed", name, raw, "", ""))
        elif org not in before:
            lead, raw = after[org]
            out.append(("lead-added" if lead else "organization-added", name, "", raw, ""))
        else:
            (was_lead, old_raw), (is_lead, new_raw) = before[org], after[org]
            if is_lead and not was_lead:
                out.append(("lead-added", name, "参加", "主担当", "参加から主担当に"))
            elif was_lead and not is_lead:
                out.append(("lead-removed", name, "主担当", "参加", "主担当から参加に"))
            if old_raw != new_raw:
                out.append(("organization-renamed", name, old_raw, new_raw,
                            f"表記は変わったが同じ組織（{name}）：変更なし"))
    if o.concerned != n.concerned:
        out.append(("concerned-changed", "関係府省庁", _flag(o.concerned), _flag(n.concerned), ""))
    return out


def _flag(value: bool) -> str:
    return "あり" if value else "なし"


# --- marks -----------------------------------------------------------------------------------------


def _marks(old: Sequence[Mark], new: Sequence[Mark]) -> list[tuple[str, str, str, str, str]]:
    both = [lambda a, b: bool(a.provisions) and a.provisions == b.provisions]
    pairs, gone, came = _pair(old, new, both)
    by_label, gone, came = _pair(gone, came, [_same_label_one_unknown])
    out: list[tuple[str, str, str, str, str]] = []
    for a, b in pairs + by_label:
        aspect = _mark_label(b)
        found: list[tuple[str, str, str, str, str]] = []
        if a.strength != b.strength:
            found.append(("mark-strength-changed", aspect, _mark_label(a), _mark_label(b), ""))
        if a.column != b.column:
            found.append(("mark-renumbered", aspect, a.column or "", b.column or "",
                          "条番号の改正で列の名前が変わっただけで、同じ条項：変更なし"))
        if a.confidence != b.confidence:
            found.append(("mark-confidence-changed", aspect, _confidence(a), _confidence(b), ""))
        if (a, b) in by_label:
            note = "一方の版の日付の条番号が確認できないため、列の名前で対応づけた"
            found = [(c, asp, x, y, f"{n}。{note}" if n else note) for c, asp, x, y, n in found]
        out += found
    for a in gone:
        out.append(("mark-removed", _mark_label(a), _mark_label(a), "", _unverified(a)))
    for b in came:
        out.append(("mark-added", _mark_label(b), "", _mark_label(b), _unverified(b)))
    return out


def _same_label_one_unknown(a: Mark, b: Mark) -> bool:
    """The same column label where one side's article is not known (numbering not verified then)."""
    return bool(a.column) and a.column == b.column and not (a.provisions and b.provisions)


def _mark_label(m: Mark) -> str:
    return f"{_SYMBOL.get(local(m.strength), '?')}{m.column or '（列不明）'}"


def _confidence(m: Mark) -> str:
    return _CONFIDENCE.get(local(m.confidence or ""), "")


def _unverified(m: Mark) -> str:
    return "" if m.provisions or not m.column else "この版の日付の条番号は確認できない（条項に結びつかない）"
