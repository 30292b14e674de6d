"""Read the 府省庁名 cell of a measure: which organisations run it, and which one leads.

The cell lists organisations separated by ``、`` ``・`` ``，`` ``,`` or half- or
full-width spaces (``、 `` too). Each name is matched against the gazetteer
(:mod:`kg.reference.organizations`):

* an official name matches ``EXACT``;
* a short form or variant (経産省, 総務省消防庁) matches ``ALIAS`` and is
  reported as ``aliased-organization``;
* names glued together without a separator (内閣官房デジタル庁) are split by
  longest-match segmentation against the gazetteer, matched ``SPLIT`` and
  reported as ``split-organization`` for review;
* 関係府省庁 / 関係省庁 ("the ministries concerned") names no organisation: it
  sets ``concerned_ministries`` and is reported as ``concerned-ministries``;
* any other name is reported as an ``unknown-organization`` error, never
  dropped silently.

**Lead (assumption).** A ◎ in front of a name is read as marking the lead
ministry (主担当). The table does not say so; it is the convention of the
施策集 and an assumption of this builder. A cell may hold several ◎, and a
bare ◎ alone in the cell just before the ministry cell (``lead_marker=True``)
marks the first name. A ◎ before glued names marks only the first of them.

An organisation named twice in one cell is kept once, at its first place (it
leads if any of its mentions has a ◎). An empty cell gives an empty result:
the caller reports ``missing-organization``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from kg.errors import Position
from kg.findings import Finding, finding
from kg.records import MatchMethod, Participation
from kg.reference.organizations import Gazetteer, Organization, match_key

LEAD_MARK = "◎"

#: Separators between names: 、 ・ (and the half-width ･ ､), full/half-width commas, any whitespace.
_SEPARATORS = re.compile(r"[、､・･，,\s\u3000]+")

#: Phrases meaning "the ministries concerned": a flag, not an organisation.
CONCERNED_MINISTRIES = frozenset(match_key(text) for text in ("関係府省庁", "関係省庁"))


@dataclass(frozen=True)
class OrganizationCell:
    """What a 府省庁名 cell says: participations in order, the 関係府省庁 flag, findings."""

    participations: tuple[Participation, ...]
    concerned_ministries: bool
    findings: tuple[Finding, ...]


def parse_organizations(
    raw: str, gazetteer: Gazetteer, position: Position, *, lead_marker: bool = False
) -> OrganizationCell:
    """Read the organisations of a 府省庁名 cell (see the module docstring).

    ``lead_marker`` says that a bare ◎ stood alone in the cell just before this
    one: it marks the first name as the lead.
    """
    found: list[Participation] = []
    findings: list[Finding] = []
    concerned = False
    pending_lead = lead_marker  # a ◎ waiting for the next name
    for token in _SEPARATORS.split(raw):
        name = token.lstrip(LEAD_MARK + " \u3000")
        lead = name != token or pending_lead
        if not name:  # a ◎ standing alone marks the next name
            pending_lead = pending_lead or lead
            continue
        pending_lead = False
        key = match_key(name)
        if key in CONCERNED_MINISTRIES:
            concerned = True
            flag = finding(
                "concerned-ministries", position, raw=raw, inferred="concerned_ministries", value=name
            )
            findings.append(flag)
            continue
        matched = gazetteer.lookup(name)
        if matched is not None:
            org, method = matched
            found.append(Participation(len(found) + 1, org.id, name, lead, method))
            if method is MatchMethod.ALIAS:
                findings.append(
                    finding(
                        "aliased-organization",
                        position,
                        raw=raw,
                        inferred=_label(org),
                        value=name,
                        name=org.name_ja,
                    )
                )
            continue
        parts = _segment(key, gazetteer)
        if parts is not None:
            for index, (text, org) in enumerate(parts):
                first = lead and index == 0
                found.append(Participation(len(found) + 1, org.id, text, first, MatchMethod.SPLIT))
            findings.append(
                finding(
                    "split-organization",
                    position,
                    raw=raw,
                    inferred=" + ".join(_label(org) for _, org in parts),
                    value=name,
                    names=" + ".join(org.name_ja for _, org in parts),
                )
            )
            continue
        findings.append(finding("unknown-organization", position, raw=raw, value=name))
    return OrganizationCell(_deduplicate(found), concerned, tuple(findings))


def _segment(key: str, gazetteer: Gazetteer) -> list[tuple[str, Organization]] | None:
    """Split a name into two or more gazetteer names, longest match first from the left.

    Returns (text, organisation) for each part, the text taken from the match
    key (NFKC, no spaces), or None when known names cannot cover the whole name.
    """
    parts: list[tuple[str, Organization]] = []
    start = 0
    while start < len(key):
        for end in range(len(key), start, -1):
            matched = gazetteer.lookup(key[start:end])
            if matched is not None:
                parts.append((key[start:end], matched[0]))
                start = end
                break
        else:
            return None
    return parts if len(parts) >= 2 else None


def _deduplicate(found: list[Participation]) -> tuple[Participation, ...]:
    """Each organisation once (lead if any mention leads), numbered on (``found`` is numbered in order)."""
    kept: dict[str, Participation] = {}
    for item in found:
        first = kept.get(item.org_id)
        if first is None:
            kept[item.org_id] = item
        elif item.lead and not first.lead:
            kept[item.org_id] = replace(first, lead=True)
    if len(kept) == len(found):
        return tuple(kept.values())  # nothing dropped: the numbers stand (most rows)
    return tuple(replace(item, order=order) for order, item in enumerate(kept.values(), start=1))


def _label(org: Organization) -> str:
    return f"{org.name_ja} ({org.id})"
