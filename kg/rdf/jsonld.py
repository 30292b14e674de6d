"""JSON-LD of the dataset, written as a stream: one compacted node object per subject.

Why not compact the whole document (pyld, as the build once did): JSON-LD
compaction of an expanded dataset holds every node in memory several times
over and ran at ~7,000 triples/s (87 s of a 218 s build at 10k measures; at
100k it does not fit). The build's context holds only prefixes (no term
definitions, no coercion), so compacting one node needs nothing but that node:
IRIs become compact IRIs, ``rdf:type`` becomes ``@type``, one value stays a
value and several become an array. The per-graph N-Triples are sorted, so a
subject's triples are consecutive: the writer reads them as a stream, keeps
one subject at a time, and writes
``{"@context": …, "@graph": [{"@id": graph, "@graph": [nodes…]}, …]}``.

The compaction follows the JSON-LD 1.1 rules that apply to such a context
(a prefix is used only when its IRI ends with a gen-delim character, never
with a suffix starting ``//``, and the shortest then least compact IRI wins),
so the document expands to exactly the N-Triples' graph: tests check that with
pyld, which the build itself no longer needs. Lists stay rdf:first/rdf:rest
triples (they expand to the same triples as an ``@list`` would).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, parse

from kg.vocabulary import RDF_TYPE, XSD_STRING

_GEN_DELIMS = tuple(":/?#[]@")
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


class Compactor:
    """Compact IRIs with a prefix-only context, as JSON-LD 1.1 compaction would (see module doc)."""

    def __init__(self, prefixes: Mapping[str, str]) -> None:
        # Longest namespace first: its compact IRI is the shortest; ties by prefix, the least one.
        usable = [(p, ns) for p, ns in prefixes.items() if ns.endswith(_GEN_DELIMS) and ":" not in p]
        self._prefixes = sorted(usable, key=lambda pn: (-len(pn[1]), len(pn[0]), pn[0]))
        self._cache: dict[str, str] = {}

    def iri(self, iri: str) -> str:
        found = self._cache.get(iri)
        if found is None:
            found = self._cache[iri] = self._compact(iri)
        return found

    def _compact(self, iri: str) -> str:
        best: str | None = None
        for prefix, namespace in self._prefixes:
            if iri.startswith(namespace) and len(iri) > len(namespace):
                suffix = iri[len(namespace):]
                if suffix.startswith("//"):
                    continue  # would read as an absolute IRI
                candidate = f"{prefix}:{suffix}"
                if best is None or (len(candidate), candidate) < (len(best), best):
                    best = candidate
        return best if best is not None else iri


def _node_id(term: NamedNode | BlankNode, compactor: Compactor) -> str:
    return compactor.iri(term.value) if isinstance(term, NamedNode) else f"_:{term.value}"


def _value(term: object, compactor: Compactor) -> Any:
    if isinstance(term, (NamedNode, BlankNode)):
        return {"@id": _node_id(term, compactor)}
    if isinstance(term, Literal):
        if term.language:
            return {"@value": term.value, "@language": term.language}
        datatype = term.datatype.value
        if datatype == XSD_STRING:
            return term.value
        return {"@value": term.value, "@type": compactor.iri(datatype)}
    raise ValueError(f"JSON-LD cannot state {term!r} (RDF-star)")


def node_object(
    subject: NamedNode | BlankNode, triples: Iterable[Triple], compactor: Compactor
) -> dict[str, Any]:
    """The compacted node object of one subject's triples (in their order)."""
    node: dict[str, Any] = {"@id": _node_id(subject, compactor)}
    for t in triples:
        obj = t.object
        if t.predicate.value == RDF_TYPE and isinstance(obj, (NamedNode, BlankNode)):
            key, value = "@type", _node_id(obj, compactor)
        else:
            key, value = compactor.iri(t.predicate.value), _value(obj, compactor)
        before = node.get(key)
        if before is None:
            node[key] = value
        elif isinstance(before, list):
            before.append(value)
        else:
            node[key] = [before, value]
    return node


def subjects(triples: Iterable[Triple]) -> Iterator[tuple[NamedNode | BlankNode, list[Triple]]]:
    """Consecutive triples grouped by subject (the sorted N-Triples have each subject's together)."""
    current: NamedNode | BlankNode | None = None
    group: list[Triple] = []
    for t in triples:
        if t.subject != current:
            if current is not None:
                yield current, group
            current, group = t.subject, []  # type: ignore[assignment]
        group.append(t)
    if current is not None:
        yield current, group


def write_dataset_jsonld(
    target: Path, graphs: Iterable[tuple[str, Path]], context: Mapping[str, str]
) -> None:
    """Write the named graphs (graph IRI, sorted N-Triples file) as one compacted JSON-LD document.

    A subject that occurs in the N-Triples twice apart (unsorted input) gets two node
    objects with the same ``@id``: JSON-LD merges them on expansion, so the graph is still right.
    """
    compactor = Compactor(context)
    with target.open("w", encoding="utf-8", buffering=1 << 20) as out:
        out.write('{\n "@context": ')
        out.write(_indented(dict(sorted(context.items())), 1))
        out.write(',\n "@graph": [')
        first_graph = True
        for iri, path in graphs:
            out.write("" if first_graph else ",")
            first_graph = False
            out.write('\n  {\n   "@graph": [')
            _write_nodes(out, parse(path=path, format=RdfFormat.N_TRIPLES), compactor)
            out.write(f'\n   ],\n   "@id": {_dump(compactor.iri(iri))}\n  }}')
        out.write("\n ]\n}\n")


def _write_nodes(out: IO[str], triples: Iterable[Triple], compactor: Compactor) -> None:
    # One node object per line, keys sorted: json's C encoder (an indented dump would use
    # the pure-Python one, three times slower), and still a file to read and diff by line.
    encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode
    first = True
    for subject, group in subjects(triples):
        out.write("\n    " if first else ",\n    ")
        first = False
        out.write(encode(node_object(subject, group, compactor)))


def _dump(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _indented(value: object, level: int) -> str:
    """``value`` as JSON indented by one space per level, nested ``level`` deep (as ``indent=1`` writes)."""
    text = json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)
    return text.replace("\n", "\n" + " " * level)
