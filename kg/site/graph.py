"""The build's graphs held in memory, indexed the way pages are written: by subject and by object.

A page shows a resource's own statements, the labels of everything it links
to, and the resources that link to it; each of those is one dictionary lookup
here instead of a SPARQL query per page, which keeps a 10k-measure edition
linear in time. Terms are pyoxigraph's (hashable, and serialisable back to
Turtle and RDF/XML without a copy).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, parse

from kg import vocabulary as v
from kg.errors import ConfigError
from kg.manifest import Manifest

Subject = NamedNode | BlankNode
Object = NamedNode | BlankNode | Literal

#: Properties whose value names a resource, best first (Japanese before English within each).
LABEL_PROPERTIES = (
    v.SKOS + "prefLabel", v.RDFS_LABEL, v.DCTERMS + "title",
)


@dataclass
class SiteGraph:
    """Every triple of a build, by subject (``out``) and by IRI object (``into``), with graph membership."""

    out: dict[Subject, list[tuple[NamedNode, Object]]] = field(default_factory=lambda: defaultdict(list))
    into: dict[NamedNode, list[tuple[NamedNode, Subject]]] = field(default_factory=lambda: defaultdict(list))
    #: The name of the manifest graph each subject's statements come from (the first one seen).
    graph_of: dict[Subject, str] = field(default_factory=dict)
    #: The same statements keyed by property IRI, so that a lookup costs one step, not a scan.
    by_property: dict[Subject, dict[str, list[Object]]] = field(default_factory=lambda: defaultdict(dict))
    into_by_property: dict[NamedNode, dict[str, list[Subject]]] = field(
        default_factory=lambda: defaultdict(dict))

    @classmethod
    def load(cls, manifest: Manifest) -> SiteGraph:
        """Read every graph's N-Triples (sorted by the build, so the indexes come out in a stable order)."""
        graph = cls()
        for entry in manifest.graphs:
            path = manifest.ntriples(entry)
            try:
                quads = parse(path=path, format=RdfFormat.N_TRIPLES)
                graph.add((q.triple for q in quads), entry.name)
            except (SyntaxError, OSError) as exc:
                raise ConfigError(f"cannot read {path}: {exc}") from exc
        return graph

    def add(self, triples: Iterable[Triple], graph_name: str) -> None:
        for t in triples:
            s, p, o = t.subject, t.predicate, t.object
            assert isinstance(s, NamedNode | BlankNode) and isinstance(o, NamedNode | BlankNode | Literal)
            self.out[s].append((p, o))
            self.graph_of.setdefault(s, graph_name)
            self.by_property[s].setdefault(p.value, []).append(o)
            if isinstance(o, NamedNode):
                self.into[o].append((p, s))
                self.into_by_property[o].setdefault(p.value, []).append(s)

    # --- reading -------------------------------------------------------------------------------

    def objects(self, s: Subject, p: str) -> list[Object]:
        found = self.by_property.get(s)
        return found.get(p, []) if found else []

    def first(self, s: Subject, p: str) -> Object | None:
        found = self.objects(s, p)
        return found[0] if found else None

    def text(self, s: Subject, p: str) -> str | None:
        o = self.first(s, p)
        return o.value if isinstance(o, Literal | NamedNode) else None

    def iris(self, s: Subject, p: str) -> list[NamedNode]:
        return [o for o in self.objects(s, p) if isinstance(o, NamedNode)]

    def subjects(self, p: str, o: NamedNode) -> list[Subject]:
        found = self.into_by_property.get(o)
        return found.get(p, []) if found else []

    def types(self, s: Subject) -> list[str]:
        return [o.value for o in self.iris(s, v.RDF_TYPE)]

    def has_type(self, s: Subject, cls: str) -> bool:
        return any(o.value == cls for o in self.objects(s, v.RDF_TYPE))

    def of_type(self, cls: str) -> list[NamedNode]:
        """The IRI subjects typed ``cls``, in the order the build wrote them (sorted)."""
        return [s for s in self.subjects(v.RDF_TYPE, NamedNode(cls)) if isinstance(s, NamedNode)]

    def label(self, s: Subject, lang: str = "ja") -> str | None:
        """The resource's name in ``lang`` (SKOS preferred label, rdfs:label, title), else ``None``."""
        for prop in LABEL_PROPERTIES:
            for o in self.objects(s, prop):
                if isinstance(o, Literal) and (o.language or "") == lang:
                    return o.value
        return None

    def plain_label(self, s: Subject) -> str | None:
        """A label without a language tag (a string literal), for resources labelled that way."""
        for prop in LABEL_PROPERTIES:
            for o in self.objects(s, prop):
                if isinstance(o, Literal) and not o.language:
                    return o.value
        return None

    def description(self, s: Subject) -> list[Triple]:
        """The resource's concise bounded description: its statements and those of its blank nodes."""
        triples: list[Triple] = []
        seen: set[Subject] = set()
        todo: list[Subject] = [s]
        while todo:
            node = todo.pop(0)
            if node in seen:
                continue
            seen.add(node)
            for p, o in self.out.get(node, ()):
                triples.append(Triple(node, p, o))
                if isinstance(o, BlankNode):
                    todo.append(o)
        return triples
