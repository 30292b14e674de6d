"""The ontology page: every kg: class, property and code list on one page, with anchors, pyLODE style.

``…/def/kg#Measure`` is a hash IRI, so all terms share one document; each
term is a section with its id, its labels in Japanese and English, its
comments, its place in the hierarchy and its alignments, and for a class the
SHACL shapes that target it (read from the bundled shapes, so the page says
what the build actually checks).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, parse

from kg import vocabulary as v
from kg.errors import ConfigError
from kg.site.graph import SiteGraph
from kg.site.labels import Namer
from kg.site.links import Linker

OWL_CLASS, OBJECT_P, DATA_P, ANNOT_P = (v.OWL + "Class", v.OWL + "ObjectProperty", v.OWL + "DatatypeProperty",
                                        v.OWL + "AnnotationProperty")
CONCEPT, SCHEME = v.SKOS + "Concept", v.SKOS + "ConceptScheme"


@dataclass
class Shape:
    """One shape that targets a class: the property it constrains, its limits, severity and message."""

    iri: str
    path: str | None
    constraints: list[str] = field(default_factory=list)
    severity: str = "Violation"
    message_ja: str | None = None
    message_en: str | None = None


def load_shapes(folder: Path) -> dict[str, list[Shape]]:
    """The kg shapes (``shapes/*.ttl``, not the DCAT-AP set beside them), by target class IRI."""
    out: dict[NamedNode | BlankNode, list[tuple[NamedNode, Any]]] = {}
    for path in sorted(folder.glob("*.ttl")):
        try:
            for q in parse(path=path, format=RdfFormat.TURTLE):
                s = q.subject
                if isinstance(s, NamedNode | BlankNode):
                    out.setdefault(s, []).append((q.predicate, q.object))
        except (SyntaxError, OSError) as exc:
            raise ConfigError(f"cannot read the shapes {path}: {exc}") from exc
    by_class: dict[str, list[Shape]] = {}
    for s, pos in out.items():
        if not isinstance(s, NamedNode):
            continue
        targets = [o.value for p, o in pos if p.value == v.SH + "targetClass" and isinstance(o, NamedNode)]
        if not targets:
            continue
        prop = next((o.value for p, o in pos if p.value == v.SH + "path" and isinstance(o, NamedNode)), None)
        shape = Shape(s.value, prop)
        for p, o in pos:
            local = p.value[len(v.SH):] if p.value.startswith(v.SH) else ""
            if local in ("minCount", "maxCount", "datatype", "class", "pattern", "in", "hasValue",
                         "minInclusive", "maxInclusive", "closed", "nodeKind"):
                shown = o.value if isinstance(o, Literal | NamedNode) else "…"
                shape.constraints.append(f"sh:{local} {_short(shown)}")
            elif local == "sparql":
                shape.constraints.append("sh:sparql …")
            elif local == "severity" and isinstance(o, NamedNode):
                shape.severity = o.value[len(v.SH):]
            elif local == "message" and isinstance(o, Literal):
                if o.language == "ja":
                    shape.message_ja = o.value
                elif o.language == "en":
                    shape.message_en = o.value
        shape.constraints.sort()
        for t in targets:
            by_class.setdefault(t, []).append(shape)
    for shapes in by_class.values():
        shapes.sort(key=lambda sh: (sh.path or "", sh.iri))
    return by_class


def _short(text: str) -> str:
    for prefix, ns in v.PREFIXES.items():
        if text.startswith(ns):
            return f"{prefix}:{text[len(ns):]}"
    return text


class OntologyPage:
    """The context of ``def/kg.html``."""

    def __init__(
        self, graph: SiteGraph, namer: Namer, linker: Linker, shapes: dict[str, list[Shape]]
    ) -> None:
        self.g, self.namer, self.ln, self.shapes = graph, namer, linker, shapes

    def _terms(self, cls: str) -> list[NamedNode]:
        return sorted((t for t in self.g.of_type(cls) if t.value.startswith(v.KG)), key=str)

    def _text(self, node: NamedNode, prop: str, lang: str) -> str | None:
        for o in self.g.objects(node, prop):
            if isinstance(o, Literal) and o.language == lang:
                return o.value
        return None

    def term(self, node: NamedNode, page: str) -> dict[str, Any]:
        g, ln = self.g, self.ln

        def links(prop: str) -> list[Any]:
            return [ln.value(o, page) for o in g.objects(node, prop)]

        return {
            "anchor": node.value[len(v.KG):], "iri": node.value, "name": self.namer(node),
            "comment_ja": self._text(node, v.RDFS_COMMENT, "ja"),
            "comment_en": self._text(node, v.RDFS_COMMENT, "en"),
            "definition_ja": self._text(node, v.SKOS + "definition", "ja"),
            "definition_en": self._text(node, v.SKOS + "definition", "en"),
            "types": [ln.prop(t, page) for t in g.types(node)],
            "rows": [
                (ln.prop(p, page), links(p)) for p in (
                    v.RDFS_SUBCLASS_OF, v.RDFS + "subPropertyOf", v.RDFS + "domain", v.RDFS + "range",
                    v.OWL + "inverseOf", v.RDFS + "seeAlso", v.SKOS + "inScheme", v.SKOS + "notation",
                ) if g.objects(node, p)
            ],
            "shapes": [{"shape": sh, "path": ln.prop(sh.path, page) if sh.path else None}
                       for sh in self.shapes.get(node.value, [])],
            "used_by": [ln.link(s, page) for s in sorted(
                (s for s in g.subjects(v.RDFS + "domain", node) if isinstance(s, NamedNode)), key=str)],
        }

    def context(self, page: str) -> dict[str, Any]:
        onto = NamedNode(v.ONTOLOGY_IRI)
        properties = sorted({*self._terms(OBJECT_P), *self._terms(DATA_P), *self._terms(ANNOT_P)}, key=str)
        concepts = set(self._terms(CONCEPT))
        schemes = [{"term": self.term(s, page),
                    "members": [self.term(c, page) for c in sorted(
                        (c for c in self.g.subjects(v.SKOS + "inScheme", s)
                         if isinstance(c, NamedNode) and c in concepts), key=str)]}
                   for s in self._terms(SCHEME)]
        shown = {c["iri"] for c in concepts_shown(schemes)} | {*(c.value for c in self._terms(OWL_CLASS)),
                                                                 *(p.value for p in properties)}
        others = sorted((s for s in self.g.out if isinstance(s, NamedNode) and s.value.startswith(v.KG)
                         and s.value not in shown and self.g.types(s)), key=str)
        return {
            "others": [self.term(t, page) for t in others],
            "iri": v.ONTOLOGY_IRI, "name": self.namer(onto),
            "description_ja": self._text(onto, v.DCTERMS + "description", "ja"),
            "description_en": self._text(onto, v.DCTERMS + "description", "en"),
            "version": self.g.text(onto, v.OWL + "versionInfo"),
            "classes": [self.term(c, page) for c in self._terms(OWL_CLASS)],
            "properties": [self.term(p, page) for p in properties],
            "schemes": schemes,
        }


def concepts_shown(schemes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The terms the code-list section shows: each scheme and its members."""
    return [t for s in schemes for t in (s["term"], *s["members"])]
