"""The review report: every inference a person should check, as CSV and Markdown.

A build infers things the source does not state: a mark's column, a split or
aliased ministry name, a KPI boundary at a space. Each such inference is a
finding of one of :data:`REVIEW_CODES`; this module lists them, one row each,
with the raw cell and what was concluded, in ``review.csv`` (for tools and
spreadsheets) and ``review.md`` (for reading). Rows of a curated table marked
``reviewed`` produce no such findings, so they drop out of the report.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path

from kg.files import spreadsheet_safe
from kg.findings import REVIEW_CODES, Finding

COLUMNS = (
    "measure_id",
    "file",
    "line",
    "column",
    "column_name",
    "code",
    "severity",
    "raw",
    "inferred",
    "confidence",
    "message",
)


def review_rows(findings: Iterable[Finding]) -> list[Finding]:
    """The findings that belong in the review report, in source order."""
    rows = [f for f in findings if f.code in REVIEW_CODES]
    return sorted(
        rows, key=lambda f: (f.position.file or "", f.position.line or 0, f.position.column or 0, f.code)
    )


def _record(f: Finding) -> dict[str, str]:
    p = f.position
    return {
        "measure_id": p.measure_id or "",
        "file": p.file or "",
        "line": str(p.line or ""),
        "column": str(p.column or ""),
        "column_name": p.column_name or "",
        "code": f.code,
        "severity": str(f.severity),
        "raw": f.raw or "",
        "inferred": f.inferred or "",
        "confidence": f.confidence or "",
        "message": f.message,
    }


def _md_cell(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace("|", "\\|").replace("\n", " ")


def _md_row(f: Finding) -> str:
    r = _record(f)
    cells = (
        r["measure_id"],
        f"{r['line']}:{r['column']}",
        r["column_name"],
        f"{f.message} [{f.code}]",
        r["raw"][:120],
        r["inferred"],
        r["confidence"],
    )
    return "| " + " | ".join(_md_cell(x) for x in cells) + " |\n"


def write_review(directory: Path, findings: Iterable[Finding], scope: Sequence[str] = ()) -> int:
    """Write ``review.csv`` and ``review.md`` into ``directory``, row by row; return the number of rows.

    ``scope`` are statements of what the editions hold (an excerpt says so), put at the top of
    ``review.md`` so that nobody reads a short list as a whole plan's.
    """
    rows = review_rows(findings)
    preface = "".join(f"> {line}\n\n" for line in scope)
    with (directory / "review.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, COLUMNS, lineterminator="\n")
        writer.writeheader()
        for f in rows:
            writer.writerow({k: spreadsheet_safe(v) for k, v in _record(f).items()})
    with (directory / "review.md").open("w", encoding="utf-8") as fh:
        fh.write(
            "# Review report / 要確認一覧\n\n"
            + preface
            + f"{len(rows)} inferences to check. Fix them in the curated table (`kg export`),"
            " then mark the row reviewed (確認済).\n\n"
            "| measure | line:cell | column | what | raw | inferred | confidence |\n"
            "|---|---|---|---|---|---|---|\n"
        )
        fh.writelines(_md_row(f) for f in rows)
    return len(rows)
