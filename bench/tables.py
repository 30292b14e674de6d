"""Long, normalised CSV tables of a kg plan graph, and the RML mapping that turns them back into it.

The apples-to-apples peer of the benchmark: Morph-KGC mapping the same
information to the same triples as kg. The tables are what a normalised
export of the 施策集 would be (the catalog issue's long tables): one table per
kind of resource (measures, KPIs, their figures, marks, participations, source
rows, the edition), one row per resource, one column per single-valued
property, and one two-column link table per many-valued property (a measure's
KPIs, its organisations …). The mapping (RML-Core, ``http://w3id.org/rml/``)
has one triples map per table. Both are derived from kg's own N-Triples, so
that the mapping's output can be compared with kg's graph for isomorphism
(run.py does, at 1k): whatever Morph-KGC then takes is the time a
declarative mapper needs to write the same triples from tables that are
already clean — a lower bound, since kg reads the raw extract.

IRIs are stored whole and mapped with ``rml:reference`` (templates would
percent-encode the ``/`` of ``…/kpi/10-01-1/figure/1``). A missing cell holds
:data:`NULL` (the config's ``na_values``), so that an empty string stays a
value. Standard library only.

    python bench/tables.py BUILD_DIR/plan-2022-06-07.nt OUT_DIR
"""

from __future__ import annotations

import configparser
import csv
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

_BENCH = Path(__file__).resolve().parent
NULL = "#KG-NULL#"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_DIGITS = re.compile(r"/[^/]*[0-9][^/]*")
_LITERAL = re.compile(r'^"(?P<value>(?:[^"\\]|\\.)*)"(?:@(?P<lang>[A-Za-z0-9-]+)|\^\^<(?P<dt>[^>]*)>)?$')
_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


@dataclass(frozen=True)
class Column:
    """A property with one kind of value: an IRI, or a literal of one datatype or language."""

    predicate: str
    kind: str  # "iri", "lang:<tag>" or "dt:<datatype IRI>"


@dataclass
class _Kind:
    """One table: resources whose IRIs differ only in their numbered segments."""

    name: str
    columns: dict[Column, bool] = field(default_factory=dict)  # column → many-valued


def kind_of(subject_iri: str) -> str:
    """The table of a resource: its IRI's namespace with every segment holding a digit as ``*``."""
    return _DIGITS.sub("/*", subject_iri[: subject_iri.rfind("/") + 1])


def _unescape(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c != "\\":
            out.append(c)
            i += 1
        elif text[i + 1] in "uU":
            width = 4 if text[i + 1] == "u" else 8
            out.append(chr(int(text[i + 2 : i + 2 + width], 16)))
            i += 2 + width
        else:
            out.append(_ESCAPES[text[i + 1]])
            i += 2
    return "".join(out)


def parse_line(line: str) -> tuple[str, str, Column, str] | None:
    """(subject IRI, predicate IRI, column, value) of an N-Triples line whose subject is an IRI."""
    if not line.startswith("<"):
        return None
    s_end = line.index("> ")
    p_end = line.index("> ", s_end + 2)
    subject, predicate = line[1:s_end], line[s_end + 3 : p_end]
    obj = line[p_end + 2 :].rstrip()
    obj = obj[:-1].rstrip() if obj.endswith(".") else obj
    if obj.startswith("<"):
        return subject, predicate, Column(predicate, "iri"), obj[1:-1]
    found = _LITERAL.match(obj)
    if found is None:
        return None  # a blank node: not in plan graphs
    lang, dt = found.group("lang"), found.group("dt")
    kind = f"lang:{lang}" if lang else f"dt:{dt or XSD_STRING}"
    return subject, predicate, Column(predicate, kind), _unescape(found.group("value"))


def _subjects(path: Path) -> Iterator[tuple[str, list[tuple[Column, str]]]]:
    current, values = None, []
    with path.open(encoding="utf-8") as f:
        for line in f:
            parsed = parse_line(line)
            if parsed is None:
                if line.strip():
                    raise ValueError(f"not a triple these tables can hold (blank node?): {line[:200]}")
                continue
            subject, _p, column, value = parsed
            if subject != current:
                if current is not None:
                    yield current, values
                current, values = subject, []
            values.append((column, value))
    if current is not None:
        yield current, values


def export(ntriples: Path, out_dir: Path) -> Path:
    """Write the tables and ``mapping.rml.ttl`` (returned) for a sorted N-Triples file."""
    out_dir.mkdir(parents=True, exist_ok=True)
    kinds: dict[str, _Kind] = {}
    for subject, values in _subjects(ntriples):  # pass 1: the columns, and which are many-valued
        kind = kinds.setdefault(kind_of(subject), _Kind(f"t{len(kinds)}"))
        seen: dict[Column, int] = {}
        for column, _value in values:
            seen[column] = seen.get(column, 0) + 1
        for column, count in seen.items():
            kind.columns[column] = kind.columns.get(column, False) or count > 1
    writers, files = {}, []
    try:
        for key, kind in kinds.items():
            single = [c for c, many in kind.columns.items() if not many]
            f = (out_dir / f"{kind.name}.csv").open("w", encoding="utf-8", newline="")
            files.append(f)
            w = csv.writer(f)
            w.writerow(["s", *[f"c{i}" for i in range(len(single))]])
            writers[(key, None)] = (w, single)
            for i, column in enumerate(c for c, many in kind.columns.items() if many):
                f = (out_dir / f"{kind.name}_m{i}.csv").open("w", encoding="utf-8", newline="")
                files.append(f)
                w = csv.writer(f)
                w.writerow(["s", "o"])
                writers[(key, column)] = (w, [column])
        for subject, values in _subjects(ntriples):  # pass 2: the rows
            key = kind_of(subject)
            w, single = writers[(key, None)]
            cells = dict.fromkeys(single, NULL)
            for column, value in values:
                if column in cells:
                    cells[column] = value
                else:
                    writers[(key, column)][0].writerow([subject, value])
            w.writerow([subject, *cells.values()])
    finally:
        for f in files:
            f.close()
    mapping = out_dir / "mapping.rml.ttl"
    mapping.write_text(_mapping(kinds, out_dir), encoding="utf-8")
    (out_dir / "tables.json").write_text(
        json.dumps({k.name: key for key, k in kinds.items()}, indent=1) + "\n", encoding="utf-8"
    )
    return mapping


def _object_map(reference: str, column: Column) -> str:
    if column.kind == "iri":
        return f'[ rml:reference "{reference}" ; rml:termType rml:IRI ]'
    if column.kind.startswith("lang:"):
        return f'[ rml:reference "{reference}" ; rml:language "{column.kind[5:]}" ]'
    datatype = column.kind[3:]
    if datatype == XSD_STRING:
        return f'[ rml:reference "{reference}" ]'
    return f'[ rml:reference "{reference}" ; rml:datatype <{datatype}> ]'


def _triples_map(name: str, path: Path, poms: list[str]) -> str:
    body = " ;\n".join(f"    rml:predicateObjectMap {p}" for p in poms)
    return (
        f"<#{name}> a rml:TriplesMap ;\n"
        f'    rml:logicalSource [ rml:source "{path}" ; rml:referenceFormulation rml:CSV ] ;\n'
        f'    rml:subjectMap [ rml:reference "s" ; rml:termType rml:IRI ] ;\n{body} .\n'
    )


def _mapping(kinds: dict[str, _Kind], out_dir: Path) -> str:
    parts = [
        "# Generated by bench/tables.py: one triples map per table (see its docstring).\n",
        "@prefix rml: <http://w3id.org/rml/> .\n@base <https://kg.example.jp/bench/tables/> .\n",
    ]
    for kind in kinds.values():
        single = [c for c, many in kind.columns.items() if not many]
        poms = [
            f"[ rml:predicate <{c.predicate}> ; rml:objectMap {_object_map(f'c{i}', c)} ]"
            for i, c in enumerate(single)
        ]
        if poms:
            parts.append(_triples_map(kind.name, (out_dir / f"{kind.name}.csv").resolve(), poms))
        for i, c in enumerate(c for c, many in kind.columns.items() if many):
            name = f"{kind.name}_m{i}"
            pom = f"[ rml:predicate <{c.predicate}> ; rml:objectMap {_object_map('o', c)} ]"
            parts.append(_triples_map(name, (out_dir / f"{name}.csv").resolve(), [pom]))
    return "\n".join(parts)


def morph_config(mapping: Path, output: Path, processes: int | None, path: Path) -> Path:
    """A Morph-KGC config for the tables (the missing-cell marker as its only NA value)."""
    lines = [
        "[CONFIGURATION]",
        f"output_file: {output}",
        "output_format: N-TRIPLES",
        "logging_level: WARNING",
        f"na_values: {NULL}",
        *([f"number_of_processes: {processes}"] if processes else []),
        "",
        "[KgTables]",
        f"mappings: {mapping}",
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def rows_config(run_dir: Path, rows_csv: Path, output: Path, processes: int | None) -> Path:
    """The earlier baseline's config: bench/morph-kgc.ini with its paths set."""
    cfg = configparser.ConfigParser(interpolation=None)
    cfg.optionxform = str  # type: ignore[assignment,method-assign]
    cfg.read(_BENCH / "morph-kgc.ini", encoding="utf-8")
    cfg["DEFAULT"]["rows_csv"] = str(rows_csv)
    cfg["DEFAULT"]["output"] = str(output)
    cfg["DEFAULT"]["mapping"] = str(_BENCH / "mapping.rml.ttl")
    if processes:
        cfg["CONFIGURATION"]["number_of_processes"] = str(processes)
    path = run_dir / "config.ini"
    run_dir.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        cfg.write(f)
    return path


def triples(path: Path) -> set[tuple[str, str, Column, str]]:
    """The triples of an N-Triples file as parsed values (no blank nodes here: equality is isomorphism)."""
    found = set()
    with path.open(encoding="utf-8") as f:
        for line in f:
            parsed = parse_line(line)
            if parsed is not None:
                found.add(parsed)
    return found


if __name__ == "__main__":
    print(export(Path(sys.argv[1]), Path(sys.argv[2])))
