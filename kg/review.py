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
import io
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


def _record(f: Finding) -> tuple[str, ...]:
    """The row's cells in :data:`COLUMNS` order."""
    p = f.position
    return (
        p.measure_id or "",
        p.file or "",
        str(p.line or ""),
        str(p.column or ""),
        p.column_name or "",
        f.code,
        str(f.severity),
        f.raw or "",
        f.inferred or "",
        f.confidence or "",
        f.message,
    )


def _md_cell(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace("|", "\\|").replace("\n", " ")


def _md_row(r: tuple[str, ...]) -> str:
    measure, _file, line, column, column_name, code, _severity, raw, inferred, confidence, message = r
    cells = (measure, f"{line}:{column}", column_name, f"{message} [{code}]", raw[:120], inferred, confidence)
    return "| " + " | ".join(map(_md_cell, cells)) + " |\n"


def write_review(directory: Path, findings: Iterable[Finding], scope: Sequence[str] = ()) -> int:
    """Write ``review.csv`` and ``review.md`` into ``directory``; return the number of rows.

    ``scope`` are statements of what the editions hold (an excerpt says so), put at the top of
    ``review.md`` so that nobody reads a short list as a whole plan's.
    """
    rows = [_record(f) for f in review_rows(findings)]
    _write_csv(directory, rows)
    _write_markdown(directory, rows, scope)
    return len(rows)


#: Rows rendered, then written, at a time: one write of their text rather than one a row.
_BATCH = 10_000
#: Cells that hold text from the source or made from it: these go through spreadsheet_safe. The
#: others (line, column, code, severity) are numbers or kg's own words, never a formula.
_FREE_TEXT = tuple(i for i, name in enumerate(COLUMNS) if name not in ("line", "column", "code", "severity"))


def _safe(row: tuple[str, ...]) -> list[str]:
    cells = list(row)
    for i in _FREE_TEXT:
        cells[i] = spreadsheet_safe(cells[i])
    return cells


def _write_csv(directory: Path, rows: list[tuple[str, ...]]) -> None:
    with (directory / "review.csv").open("w", encoding="utf-8", newline="") as fh:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(COLUMNS)
        for start in range(0, len(rows), _BATCH):
            writer.writerows(map(_safe, rows[start : start + _BATCH]))
            fh.write(buffer.getvalue())
            buffer.seek(0)
            buffer.truncate()
        fh.write(buffer.getvalue())


def _write_markdown(directory: Path, rows: list[tuple[str, ...]], scope: Sequence[str]) -> None:
    preface = "".join(f"> {line}\n\n" for line in scope)
    with (directory / "review.md").open("w", encoding="utf-8") as fh:
        fh.write(
            "# Review report / 要確認一覧\n\n"
            + preface
            + f"{len(rows)} inferences to check. Fix them in the curated table (`kg export`),"
            " then mark the row reviewed (確認済).\n\n"
            "| measure | line:cell | column | what | raw | inferred | confidence |\n"
            "|---|---|---|---|---|---|---|\n"
        )
        for start in range(0, len(rows), _BATCH):
            fh.write("".join(map(_md_row, rows[start : start + _BATCH])))
