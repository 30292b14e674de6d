"""Render a :class:`~kg.validate.ValidationReport` as text, CSV, JSON or the SHACL report in Turtle.

Pure functions returning strings: the CLI prints them, the library never does.
"""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING

from kg.validate.results import ShapeResult
from kg.vocabulary import KG, KGSH, SH

if TYPE_CHECKING:
    from kg.validate import ValidationReport

FORMATS = ("text", "csv", "json", "turtle")
LANGS = ("ja", "en")

#: Columns of the CSV output (and keys of each JSON result), in order.
FIELDS = (
    "severity", "measure_id", "file", "line", "column", "column_name", "path", "value", "message",
    "focus_node", "shape", "constraint", "graph", "other_measures",
)


def render(report: ValidationReport, fmt: str = "text", lang: str = "en") -> str:
    """The report in one of :data:`FORMATS`, messages in ``lang`` (``ja`` or ``en``)."""
    if fmt == "text":
        return render_text(report, lang)
    if fmt == "csv":
        return render_csv(report, lang)
    if fmt == "json":
        return render_json(report, lang)
    if fmt == "turtle":
        report.report_graph.bind("sh", SH)
        report.report_graph.bind("kgsh", KGSH)
        report.report_graph.bind("kg", KG)
        return report.report_graph.serialize(format="turtle")
    raise ValueError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")


def render_text(report: ValidationReport, lang: str = "en") -> str:
    """One line per result (where, what, message), then the summary."""
    lines = [_text_line(r, lang) for r in report.results]
    verdict = "conforms" if report.conforms else "does not conform"
    if lang == "ja":
        verdict = "適合" if report.conforms else "不適合"
    lines.append(f"{verdict}: {report.summary()}")
    return "\n".join(lines) + "\n"


def _text_line(r: ShapeResult, lang: str) -> str:
    where = str(r.position) or r.graph or ""
    if r.other_measures:
        where += f" (+{r.other_measures} more measure(s))"
    what = r.path or ""
    if r.value is not None:
        what += f" = {_quoted(r.value)}" if what else _quoted(r.value)
    subject = f" ({_tail(r.focus_node)})" if not r.focus_node.endswith(f"/measure/{r.measure_id}") else ""
    shape = r.shape.rsplit("#", 1)[-1] if r.shape else ""
    parts = [f"{r.severity}:", f"{where}:" if where else "", f"{what}:" if what else "", r.message(lang)]
    return " ".join(p for p in parts if p) + subject + (f" [{shape}]" if shape else "")


def _tail(iri: str) -> str:
    """The last two segments of an IRI (``kpi/06-22-1``, ``org/mic``): enough to tell records apart."""
    return "/".join(iri.rstrip("/").split("/")[-2:])


def _quoted(value: str) -> str:
    one_line = " ".join(value.split())
    return repr(one_line[:80] + ("…" if len(one_line) > 80 else ""))


def _record(r: ShapeResult, lang: str) -> dict[str, object]:
    record: dict[str, object] = {name: getattr(r, name, None) for name in FIELDS if name != "message"}
    record["severity"] = str(r.severity)
    record["message"] = r.message(lang)
    return record


def render_csv(report: ValidationReport, lang: str = "en") -> str:
    """RFC 4180 CSV with a header row: one row per result."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    for r in report.results:
        writer.writerow(_record(r, lang))
    return out.getvalue()


def render_json(report: ValidationReport, lang: str = "en") -> str:
    """``{"conforms", "counts", "triples", "seconds", "results": [...]}``; results carry both languages.

    The text is ``json.dumps(document, ensure_ascii=False, indent=1)``, written a
    result at a time: with an indent, ``json`` builds a list of every token of
    the document first (about 3 KiB a result; 700 MiB at 100k measures).
    """
    document = {
        "conforms": report.conforms,
        "strict": report.strict,
        "counts": report.counts(),
        "triples": report.triples,
        "seconds": {k: round(v, 3) for k, v in report.timings.items()},
        "results": [],
    }
    head = json.dumps(document, ensure_ascii=False, indent=1)
    if not report.results:
        return head + "\n"
    assert head.endswith('"results": []\n}')
    pieces = [head[: -len("]\n}")], "\n"]
    for index, r in enumerate(report.results):
        record = _record(r, lang)
        record["message_ja"], record["message_en"] = r.message_ja, r.message_en
        text = json.dumps(record, ensure_ascii=False, indent=1)
        pieces.append(("" if index == 0 else ",\n") + "  " + text.replace("\n", "\n  "))
    pieces.append("\n ]\n}\n")
    return "".join(pieces)
