"""Findings as files: every finding of a run, as JSON or CSV (``kg build --findings FILE``).

One record per finding, in the order of the run's report (source order):
``code``, ``severity``, ``message``, the position (``file``, ``line``,
``column``, ``column_name``, ``measure_id``), ``raw``, ``inferred``,
``confidence`` and ``fields``, the values its message was made from (see
:attr:`kg.findings.Finding.fields`). JSON is an array of objects, absent
values ``null`` and ``fields`` an object; CSV is UTF-8 with a header row, absent
values empty and ``fields`` a JSON object as text. The file is written
atomically: a temporary file beside it, renamed into place.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from pathlib import Path

from kg.errors import ConfigError, InputError
from kg.files import spreadsheet_safe, write_text_atomic
from kg.findings import FieldValue, Finding, finding

#: The formats :func:`write_findings` writes, each named by its file suffix.
FINDINGS_FORMATS = ("json", "csv")

#: The columns of a record, in order.
COLUMNS = (
    "code",
    "severity",
    "message",
    "file",
    "line",
    "column",
    "column_name",
    "measure_id",
    "raw",
    "inferred",
    "confidence",
    "fields",
)

Record = dict[str, str | int | dict[str, FieldValue] | None]


def findings_format(path: Path, fmt: str | None = None) -> str:
    """The format to write ``path`` in: ``fmt`` if given, else the file's suffix."""
    chosen = (fmt or path.suffix.lstrip(".")).lower()
    if chosen not in FINDINGS_FORMATS:
        raise ConfigError(
            f"{path}: cannot tell the findings format from the suffix; name the file .json or .csv"
            " or give --findings-format"
            if fmt is None
            else f"unknown findings format {fmt!r}; known: {', '.join(FINDINGS_FORMATS)}"
        )
    return chosen


def finding_record(f: Finding) -> Record:
    """One finding as a flat record (``fields`` as a dictionary)."""
    p = f.position
    return {
        "code": f.code,
        "severity": str(f.severity),
        "message": f.message,
        "file": p.file,
        "line": p.line,
        "column": p.column,
        "column_name": p.column_name,
        "measure_id": p.measure_id,
        "raw": f.raw,
        "inferred": f.inferred,
        "confidence": f.confidence,
        "fields": f.values,
    }


def input_error_finding(exc: InputError) -> Finding:
    """The finding that stands for input that could not be read at all (code ``input-error``)."""
    return finding("input-error", exc.position, message=exc.message)


def render_findings(findings: Iterable[Finding], fmt: str) -> str:
    """The text of a findings file in ``fmt`` (``json`` or ``csv``)."""
    records = [finding_record(f) for f in findings]
    if fmt == "json":
        return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, COLUMNS, lineterminator="\n")
        writer.writeheader()
        for r in records:
            writer.writerow(
                {
                    k: json.dumps(v, ensure_ascii=False)
                    if k == "fields"
                    else ""
                    if v is None
                    else spreadsheet_safe(v)
                    if isinstance(v, str)
                    else v
                    for k, v in r.items()
                }
            )
        return buf.getvalue()
    raise ConfigError(f"unknown findings format {fmt!r}; known: {', '.join(FINDINGS_FORMATS)}")


def write_findings(path: Path, findings: Iterable[Finding], fmt: str | None = None) -> int:
    """Write ``findings`` to ``path`` atomically; return how many were written.

    The format is ``fmt``, else the suffix of ``path`` (:func:`findings_format`).
    The folder is created if needed; on failure ``path`` is left as it was and
    a :class:`ConfigError` says why (the path is the user's choice).
    """
    items = list(findings)
    text = render_findings(items, findings_format(path, fmt))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(path, text)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot write the findings file: {exc.strerror or exc}") from exc
    return len(items)
