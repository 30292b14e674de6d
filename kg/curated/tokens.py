"""The small grammar of the curated table's mark and ministry cells.

Mark token: ``STRENGTH LABEL [ "(" CONFIDENCE { "|" ALTERNATIVE } ")" ]`` where
STRENGTH is ◎ or ○, LABEL a column label (``11条1項2項``) or ``?`` for a mark no
reading placed, CONFIDENCE ``high``/``medium``/``low``. A token without the
parenthesis states the column with full confidence.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from kg.read.edition import label_key
from kg.records import Confidence, Mark, Participation, Strength

SEPARATOR = ";"
CONCERNED = "関係府省庁"
_TOKEN = re.compile(r"^(?P<strength>[◎○])(?P<label>[^()|]+?)(?:\((?P<extra>[^()]*)\))?$")


@dataclass(frozen=True)
class MarkToken:
    strength: Strength
    label: str | None
    confidence: Confidence
    alternatives: tuple[str, ...]
    stated: bool  # True when the token gave no confidence: a person's statement


def render_mark(mark: Mark) -> str:
    label = mark.column_label or "?"
    if mark.confidence is Confidence.HIGH and not mark.alternatives:
        return f"{mark.strength.value}{label}"
    extra = "|".join((str(mark.confidence), *mark.alternatives))
    return f"{mark.strength.value}{label}({extra})"


def parse_mark(token: str) -> MarkToken:
    """Parse one token; raises ValueError with a reason a person can act on."""
    m = _TOKEN.match(token.strip())
    if m is None:
        raise ValueError(f"{token!r} is not a mark: write ◎ or ○ then the article column, e.g. ◎10条")
    label = label_key(m["label"])
    extra = m["extra"]
    if extra is None:
        if label == "?":
            raise ValueError(f"{token!r}: a stated mark needs its article column")
        return MarkToken(Strength(m["strength"]), label, Confidence.HIGH, (), True)
    parts = [p.strip() for p in extra.split("|")]
    try:
        confidence = Confidence(parts[0])
    except ValueError:
        raise ValueError(f"{token!r}: confidence must be high, medium or low, not {parts[0]!r}") from None
    return MarkToken(
        Strength(m["strength"]),
        None if label == "?" else label,
        confidence,
        tuple(label_key(p) for p in parts[1:] if p),
        False,
    )


def render_marks(marks: tuple[Mark, ...]) -> str:
    return SEPARATOR.join(render_mark(m) for m in marks)


def split_cell(cell: str) -> list[str]:
    return [t.strip() for t in cell.split(SEPARATOR) if t.strip()]


def render_organizations(
    participations: tuple[Participation, ...], names: Mapping[str, str], concerned: bool
) -> str:
    """``◎総務省;経済産業省`` with gazetteer names; ``関係府省庁`` last when flagged."""
    tokens = [("◎" if p.lead else "") + names[p.org_id] for p in participations]
    if concerned:
        tokens.append(CONCERNED)
    return SEPARATOR.join(tokens)
