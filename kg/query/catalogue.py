"""The bundled queries in ``queries/`` and the comment header every query file starts with.

A header is the leading run of ``#`` comment lines::

    # title@ja: 府省庁別の施策
    # title@en: Measures per ministry
    # description: Which measures an organisation leads or takes part in,
    #   continued on lines indented by two or more spaces.
    # param ministry: string = 総務省
    #   The organisation, by name, short form or id.
    # param fy: integer
    #   A parameter without "= default" is required.
    # param edition: edition = latest
    #   A plan edition: a decision date, a year with one edition, or latest;
    #   looked up in the graph and bound as the edition's key (kg.query.binding).

It is parsed, not executed: SPARQL ignores comments, so the file stays a
plain query that any SPARQL tool can run (with the parameters' defaults
written in by hand).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from kg.errors import QueryError
from kg.query.binding import PARAM_TYPES, Parameter
from kg.resources import queries_dir

#: The bundled queries live at the top of the source tree, next to ``kg/``.
QUERIES_DIR = queries_dir()

_FIELD = re.compile(r"#\s?(title@ja|title@en|description|param\s+(\w+))\s*:\s*(.*)$")
_PARAM = re.compile(r"(\w+)\s*(?:=\s*(.*))?$")
_CONTINUATION = re.compile(r"#\s{2,}(\S.*)$")


@dataclass(frozen=True)
class QueryDoc:
    """A query file: its text and what its header says about it."""

    name: str
    path: Path
    text: str
    title_ja: str = ""
    title_en: str = ""
    description: str = ""
    parameters: tuple[Parameter, ...] = ()

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)


def parse_query_file(path: Path, name: str | None = None) -> QueryDoc:
    """Read a query file and its header."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"cannot read query file {path}: {exc}") from exc
    return parse_query_text(text, path, name or path.stem)


def parse_query_text(text: str, path: Path, name: str) -> QueryDoc:
    fields: dict[str, list[str]] = {}
    params: list[tuple[str, str, list[str], int]] = []
    current: list[str] | None = None
    for lineno, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        match = _FIELD.match(stripped)
        if match:
            key, param_name, value = match.groups()
            current = [value.strip()] if value.strip() else []
            if param_name:
                params.append((param_name, value.strip(), current, lineno))
            else:
                fields[key] = current
            continue
        cont = _CONTINUATION.match(stripped)
        if cont and current is not None:
            current.append(cont.group(1).strip())
        else:
            current = None  # a plain comment ends the field it follows
    parameters = tuple(_parameter(path, name_, spec, lines[1:], at) for name_, spec, lines, at in params)
    names = [p.name for p in parameters]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise QueryError(f"{path}: parameter(s) declared twice: {', '.join(duplicates)}")
    return QueryDoc(
        name=name,
        path=path,
        text=text,
        title_ja=" ".join(fields.get("title@ja", [])),
        title_en=" ".join(fields.get("title@en", [])),
        description=" ".join(fields.get("description", [])),
        parameters=parameters,
    )


def _parameter(path: Path, name: str, spec: str, description: list[str], lineno: int) -> Parameter:
    match = _PARAM.match(spec)
    if not match or match.group(1) not in PARAM_TYPES:
        raise QueryError(
            f"{path}:{lineno}: parameter {name}: expected 'TYPE [= DEFAULT]' with TYPE one of "
            f"{', '.join(PARAM_TYPES)}, got {spec!r}"
        )
    kind, default = match.group(1), match.group(2)
    param = Parameter(name, kind, default.strip() if default is not None else None, " ".join(description))
    if param.default is not None:
        try:
            param.term(param.default)
        except QueryError as exc:
            raise QueryError(f"{path}:{lineno}: default of parameter {name}: {exc}") from exc
    return param


def bundled_queries(directory: Path = QUERIES_DIR) -> list[QueryDoc]:
    """Every ``*.rq`` in the bundled catalogue, by name."""
    return [parse_query_file(p) for p in sorted(directory.glob("*.rq"))]


def find_query(name_or_file: str, directory: Path = QUERIES_DIR) -> QueryDoc:
    """A bundled query by name (``measures-by-ministry``), or any query file by path."""
    bundled = directory / f"{name_or_file}.rq"
    if "/" not in name_or_file and not name_or_file.endswith(".rq") and bundled.is_file():
        return parse_query_file(bundled)
    path = Path(name_or_file)
    if path.is_file():
        return parse_query_file(path)
    known = ", ".join(q.stem for q in sorted(directory.glob("*.rq")))
    raise QueryError(f"no bundled query or query file named {name_or_file!r}; bundled: {known}")
