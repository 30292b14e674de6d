"""One resource's description in the four formats written beside its page.

N-Triples, Turtle and RDF/XML come from pyoxigraph's serialisers; JSON-LD is
written here, term by term, because compacting with PyLD costs milliseconds
per document, which a site of 10k measures (some 80k resources) cannot pay.
The JSON-LD carries the build's own ``@context`` (prefixes only), compacts
property and type IRIs with it, and spells every value as an explicit value
or node object, so it expands to exactly the triples of the N-Triples file.
Input triples are sorted first: the same build gives the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, serialize

from kg import vocabulary as v


def sort_triples(triples: Sequence[Triple]) -> list[Triple]:
    return sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def ntriples(triples: Sequence[Triple]) -> bytes:
    return b"".join(f"{t} .\n".encode() for t in triples)


def turtle(triples: Sequence[Triple], prefixes: Mapping[str, str]) -> bytes:
    return serialize(triples, format=RdfFormat.TURTLE, prefixes=dict(prefixes)) or b""


def rdfxml(triples: Sequence[Triple], prefixes: Mapping[str, str]) -> bytes:
    return serialize(triples, format=RdfFormat.RDF_XML, prefixes=dict(prefixes)) or b""


class Compactor:
    """Shortens IRIs to ``prefix:local`` with a JSON-LD context made only of prefixes."""

    def __init__(self, context: Mapping[str, Any]) -> None:
        self.context = dict(context)
        # Longest namespace first, so gov: (…/org/) wins over a shorter one that also matches.
        self._spaces = sorted(
            ((ns, p) for p, ns in self.context.items() if isinstance(ns, str) and ns[-1:] in "/#"),
            key=lambda item: -len(item[0]),
        )

    def compact(self, iri: str) -> str:
        for ns, prefix in self._spaces:
            local = iri[len(ns):]
            if iri.startswith(ns) and local and not local.startswith("//") and ":" not in local:
                return f"{prefix}:{local}"
        return iri

    def value(self, o: NamedNode | BlankNode | Literal) -> dict[str, str]:
        if isinstance(o, NamedNode):
            return {"@id": o.value}
        if isinstance(o, BlankNode):
            return {"@id": f"_:{o.value}"}
        if o.language:
            return {"@value": o.value, "@language": o.language}
        if o.datatype.value == v.XSD_STRING:
            return {"@value": o.value}
        return {"@value": o.value, "@type": self.compact(o.datatype.value)}

    def document(self, triples: Sequence[Triple]) -> dict[str, Any]:
        """A JSON-LD document of sorted ``triples``: one node object per subject, in order."""
        nodes: list[dict[str, Any]] = []
        current: dict[str, Any] | None = None
        last: NamedNode | BlankNode | None = None
        for t in triples:
            s = t.subject
            assert isinstance(s, NamedNode | BlankNode)
            if s != last:
                current = {"@id": s.value if isinstance(s, NamedNode) else f"_:{s.value}"}
                nodes.append(current)
                last = s
            assert current is not None
            o = t.object
            assert isinstance(o, NamedNode | BlankNode | Literal)
            if t.predicate.value == v.RDF_TYPE and isinstance(o, NamedNode):
                current.setdefault("@type", []).append(self.compact(o.value))
            else:
                current.setdefault(self.compact(t.predicate.value), []).append(self.value(o))
        return {"@context": self.context, "@graph": nodes}


def jsonld(document: Mapping[str, Any]) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode()


def script_json(document: Mapping[str, Any]) -> str:
    """JSON for a ``<script type="application/ld+json">``: ``<``, ``>`` and ``&`` escaped so no cell can
    close the script element, whatever it holds."""
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
