"""The change report as Markdown (ja first, for people), CSV (one row per change) and JSON.

All three are written as the changes stream in, measure by measure, so a
report on two 100k-measure editions never holds more than one measure's
changes; the summary (counts per change type) is known before the first
measure is written, since the changes are spooled and counted first
(:mod:`kg.diff.run`).
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO

from kg.diff.changes import COLUMNS, TYPES, Change

MARKDOWN, CSV, JSON = "changes.md", "changes.csv", "changes.json"


@dataclass(frozen=True)
class Summary:
    """Counts: measures in each edition, measures added/removed/changed, changes by type code."""

    old: str
    new: str
    old_measures: int
    new_measures: int
    counts: Counter[str]
    measures_changed: int

    def text(self) -> str:
        """One Japanese sentence: what the edition descriptions and the change set say."""
        real = [(TYPES[c], n) for c, n in self.counts.items() if not TYPES[c].unchanged]
        parts = "、".join(f"{t.ja} {n}" for t, n in sorted(real, key=lambda x: list(TYPES).index(x[0].code)))
        return (
            f"{self.old} から {self.new} への変更：施策 {self.old_measures} → {self.new_measures}、"
            f"変更のある施策 {self.measures_changed}" + (f"（{parts}）" if parts else "（変更なし）") + "。"
        )

    def text_en(self) -> str:
        """The same sentence in English (for the English version notes of the new edition)."""
        parts = ", ".join(f"{t.en} {self.counts[c]}" for c, t in TYPES.items()
                          if self.counts[c] and not t.unchanged)
        return (
            f"Changes from {self.old} to {self.new}: measures {self.old_measures} → {self.new_measures},"
            f" measures changed {self.measures_changed}" + (f" ({parts})" if parts else " (no changes)") + "."
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "old": self.old, "new": self.new, "old_measures": self.old_measures,
            "new_measures": self.new_measures, "measures_changed": self.measures_changed,
            "changes": {c: self.counts[c] for c in TYPES if self.counts[c]}, "text": self.text(),
            "text_en": self.text_en(),
        }


class ReportWriter:
    """Writes the three reports into a folder, one measure's changes at a time."""

    def __init__(self, folder: Path, summary: Summary) -> None:
        self.summary = summary
        self._md: IO[str] = (folder / MARKDOWN).open("w", encoding="utf-8", newline="\n")
        self._csv_fh: IO[str] = (folder / CSV).open("w", encoding="utf-8", newline="")
        self._json: IO[str] = (folder / JSON).open("w", encoding="utf-8", newline="\n")
        self._csv = csv.DictWriter(self._csv_fh, fieldnames=COLUMNS, lineterminator="\n")
        self._csv.writeheader()
        self._first = True
        self._header()

    def __enter__(self) -> ReportWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close(ok=kind is None)

    def _header(self) -> None:
        s = self.summary
        md = self._md
        md.write(f"# 重点計画の変更：{s.old} → {s.new}\n\n")
        md.write(f"Changes in the Priority Policy Program from {s.old} to {s.new}.\n\n")
        md.write(f"{s.text()}\n\n")
        md.write("## 概要 / Summary\n\n| 変更 | change | 件数 |\n|---|---|--:|\n")
        for code, t in TYPES.items():
            if s.counts[code]:
                md.write(f"| {t.ja} | {code} | {s.counts[code]} |\n")
        md.write("\n## 施策ごとの変更 / Changes per measure\n")
        head = {k: v for k, v in s.to_dict().items()}
        self._json.write(json.dumps({"summary": head}, ensure_ascii=False, sort_keys=True)[:-1])
        self._json.write(', "measures": [')

    def measure(self, changes: Sequence[Change]) -> None:
        """Write the changes of one measure (one lineage and one pair of IDs)."""
        first = changes[0]
        ids = _ids(first)
        self._md.write(f"\n### {ids} {first.name}\n\n")
        for c in changes:
            t = c.type
            aspect = f"（{c.aspect}）" if c.aspect else ""
            line = f"- {t.ja}{aspect}"
            if (c.old or c.new) and c.change != "description-changed":  # long: its diff says it
                line += f"：{_quote(c.old)} → {_quote(c.new)}"
            if c.note:
                line += f" — {c.note}"
            self._md.write(line + f" `{c.change}`\n")
            if c.detail:
                self._md.write(f"  - 差分：{c.detail}\n")
            self._csv.writerow(c.row(self.summary.old, self.summary.new))
        entry = {
            "lineage": first.lineage, "old_id": first.old_id, "new_id": first.new_id, "name": first.name,
            "changes": [
                {k: v for k, v in c.row(self.summary.old, self.summary.new).items()
                 if k not in ("old_edition", "new_edition", "lineage", "old_id", "new_id", "name")}
                for c in changes
            ],
        }
        text = json.dumps(entry, ensure_ascii=False, sort_keys=True)
        self._json.write(("\n" if self._first else ",\n") + text)
        self._first = False

    def close(self, ok: bool = True) -> None:
        if ok:
            if self._first:
                self._md.write("\n変更はない。 / No changes.\n")
            self._json.write("\n]}\n")
        for fh in (self._md, self._csv_fh, self._json):
            fh.close()


def _ids(c: Change) -> str:
    if c.change == "measure-merged":
        return f"{c.old_id}（{c.new_id} に統合）"
    if c.old_id and c.new_id and c.old_id != c.new_id:
        return f"{c.new_id}（旧 {c.old_id}）"
    return c.new_id or f"{c.old_id}（削除）"


def _quote(text: str) -> str:
    if not text:
        return "（なし）"
    short = text if len(text) <= 80 else text[:79] + "…"
    return f"「{short}」".replace("\n", " ")
