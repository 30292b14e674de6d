"""Links and values as a page shows them: a name to read, a relative address to follow.

Every IRI a page mentions goes through :class:`Linker`: a minted resource
links to its page, an ontology term to its anchor on the ontology page, an
external http(s) IRI to itself; any other scheme (``javascript:``, ``data:``)
is shown as text and never becomes an address. Literals keep their language
tag so the template can mark English text ``lang="en"``.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import BlankNode, NamedNode

from kg import vocabulary as v
from kg.site import paths
from kg.site.graph import Object, SiteGraph, Subject
from kg.site.labels import Name, Namer, compact

_DATATYPE_NAMES = {
    v.XSD_INTEGER: "整数", v.XSD_DECIMAL: "数値", v.XSD_DATE: "日付", v.XSD_GYEAR: "年",
    v.XSD_BOOLEAN: "真偽値",
}


@dataclass(frozen=True)
class Link:
    """A resource to show: its name, its IRI, and where to go (``None``: nowhere safe to go)."""

    name: Name
    iri: str
    href: str | None
    external: bool = False


@dataclass(frozen=True)
class Value:
    """One object of a statement: a link, or a literal with its language and datatype name."""

    link: Link | None = None
    text: str = ""
    lang: str | None = None
    datatype: str | None = None


@dataclass(frozen=True)
class Row:
    """A property and its values, as one row of a page's statement table."""

    prop: Link
    values: tuple[Value, ...]


def safe_href(iri: str) -> str | None:
    """An external address a page may link to: only http(s); anything else is shown, not linked."""
    lowered = iri.strip().lower()
    return iri if lowered.startswith(("http://", "https://")) else None


class Linker:
    """Makes links relative to one page at a time; knows which IRIs have pages."""

    def __init__(self, graph: SiteGraph, namer: Namer, base: str, pages: frozenset[str]) -> None:
        self.graph = graph
        self.namer = namer
        self.base = base
        self.pages = pages  # stems that will be written

    def stem(self, iri: str) -> str | None:
        stem = paths.resource_stem(iri, self.base)
        return stem if stem in self.pages else None

    def to(self, page: str, target: str, fragment: str = "") -> str:
        """Relative address from ``page`` (a stem) to the page ``target`` (a stem, ``.html`` added)."""
        return paths.href(page + ".html", target + ".html", fragment)

    def file(self, page: str, target: str) -> str:
        """Relative address from ``page`` (a stem) to any file of the site."""
        return paths.href(page + ".html", target)

    def link(self, node: Subject, page: str) -> Link:
        name = self.namer(node)
        if isinstance(node, BlankNode):
            return Link(name, "", None)
        iri = node.value
        stem = self.stem(iri)
        if stem is not None:
            return Link(name, iri, self.to(page, stem, paths.anchor(iri)))
        local = paths.site_file(iri, self.base)
        if local is not None:  # a dump or the VoID document: the file in this copy of the site
            return Link(name, iri, self.file(page, local))
        return Link(name, iri, safe_href(iri), external=True)

    def prop(self, iri: str, page: str) -> Link:
        name = self.namer.term(iri)
        # Only a term the ontology graph declares has a section (an anchor) on the ontology page.
        if iri.startswith(v.KG) and paths.ONTOLOGY_PAGE in self.pages and self.graph.types(NamedNode(iri)):
            return Link(name, iri, self.to(page, paths.ONTOLOGY_PAGE, paths.anchor(iri)))
        return Link(name, iri, safe_href(iri), external=True)

    def value(self, o: Object, page: str) -> Value:
        if isinstance(o, NamedNode | BlankNode):
            return Value(link=self.link(o, page))
        dt = o.datatype.value
        name = None if o.language or dt == v.XSD_STRING else _DATATYPE_NAMES.get(dt, compact(dt))
        return Value(text=o.value, lang=o.language, datatype=name)

    def rows(self, node: Subject, page: str, skip: frozenset[str] = frozenset()) -> list[Row]:
        """The resource's statements grouped by property: identifier and names first, then by property."""
        grouped: dict[str, list[Object]] = {}
        for p, o in self.graph.out.get(node, ()):
            if p.value not in skip:
                grouped.setdefault(p.value, []).append(o)
        first = (v.DCTERMS_IDENTIFIER, v.RDF_TYPE, v.SKOS + "prefLabel", v.RDFS_LABEL, v.DCTERMS + "title")
        order = sorted(grouped, key=lambda p: (first.index(p) if p in first else len(first), compact(p)))
        return [Row(self.prop(p, page), tuple(self.value(o, page) for o in grouped[p])) for p in order]

    def incoming(self, node: NamedNode, page: str) -> list[tuple[Link, list[Link]]]:
        """What links here, by property (each with its subjects, sorted by IRI)."""
        grouped: dict[str, list[Subject]] = {}
        for p, s in self.graph.into.get(node, ()):
            if p.value != v.RDF_TYPE:
                grouped.setdefault(p.value, []).append(s)
        return [
            (self.prop(p, page), [self.link(s, page) for s in sorted(grouped[p], key=str)])
            for p in sorted(grouped, key=compact)
        ]
