"""Render SPARQL results JSON as a table, CSV, TSV or JSON.

CSV and TSV are the W3C SPARQL 1.1 Query Results CSV/TSV formats, written by
pyoxigraph from the parsed JSON so that both follow the specification (CSV:
plain values; TSV: terms in N-Triples syntax). The table is for people:
prefixed names, literals without quotes, cells clipped to a width, and
columns aligned by display width (a Japanese character takes two cells).
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping
from typing import Any

from pyoxigraph import QueryResultsFormat, parse_query_results

from kg.errors import QueryError
from kg.store.target import Results
from kg.vocabulary import PREFIXES

FORMATS = ("table", "csv", "tsv", "json")
MAX_CELL = 60


def render(results: Results, fmt: str, prefixes: Mapping[str, str] | None = None) -> str:
    """``results`` in format ``fmt`` (one of FORMATS), ending with a newline."""
    if fmt == "json":
        return json.dumps(results, ensure_ascii=False, indent=2) + "\n"
    if fmt in ("csv", "tsv"):
        return _w3c(results, QueryResultsFormat.CSV if fmt == "csv" else QueryResultsFormat.TSV)
    if fmt == "table":
        return table(results, {**PREFIXES, **(prefixes or {})})
    raise QueryError(f"unknown output format {fmt!r}; known: {', '.join(FORMATS)}")


def _w3c(results: Results, fmt: QueryResultsFormat) -> str:
    parsed = parse_query_results(json.dumps(results).encode(), format=QueryResultsFormat.JSON)
    text = (parsed.serialize(format=fmt) or b"").decode("utf-8")
    if "boolean" in results:  # the W3C formats have no boolean form: say it plainly
        return text if text.endswith("\n") else text + "\n"
    return text


def table(results: Results, prefixes: Mapping[str, str]) -> str:
    if "boolean" in results:
        return ("yes" if results["boolean"] else "no") + "\n"
    variables: list[str] = results["head"].get("vars", [])
    rows = [[cell(b.get(v), prefixes) for v in variables] for b in results["results"]["bindings"]]
    widths = [max([width(v)] + [width(r[i]) for r in rows]) for i, v in enumerate(variables)]
    lines = [_line(variables, widths), "  ".join("-" * w for w in widths)]
    lines += [_line(r, widths) for r in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _line(cells: list[str], widths: list[int]) -> str:
    return "  ".join(c + " " * (w - width(c)) for c, w in zip(cells, widths, strict=True))


def cell(term: dict[str, Any] | None, prefixes: Mapping[str, str]) -> str:
    """One term as a short, single-line string."""
    if term is None:
        return ""
    value = str(term.get("value", ""))
    if term.get("type") == "uri":
        value = _prefixed(value, prefixes)
    elif term.get("type") == "bnode":
        value = f"_:{value}"
    value = " ".join(value.split())
    return _clip(value, MAX_CELL)


def _prefixed(iri: str, prefixes: Mapping[str, str]) -> str:
    best = max((ns for ns in prefixes.values() if iri.startswith(ns)), key=len, default=None)
    if best is None:
        return iri
    prefix = next(p for p, ns in prefixes.items() if ns == best)
    return f"{prefix}:{iri[len(best):]}"


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _clip(text: str, limit: int) -> str:
    if width(text) <= limit:
        return text
    out, used = [], 0
    for ch in text:
        w = width(ch)
        if used + w > limit - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"
