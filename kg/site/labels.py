"""Names for what a page shows: resources, properties and classes, Japanese first.

The kg: ontology labels its own terms (@ja, @en) and the build carries those
labels in its ontology graph; it deliberately restates nothing of the external
vocabularies (see ontology/kg.ttl). A page must still never show a bare IRI
where a name exists, so the external terms the graph uses get their display
names here, keyed by compact IRI (expanded with kg.vocabulary's prefixes).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pyoxigraph import BlankNode, NamedNode

from kg import vocabulary as v
from kg.site.graph import SiteGraph, Subject

#: Display names of external terms: compact IRI → (Japanese, English).
EXTERNAL: dict[str, tuple[str, str]] = {
    "rdf:type": ("種別", "type"),
    "rdfs:label": ("ラベル", "label"),
    "rdfs:comment": ("説明", "comment"),
    "rdfs:seeAlso": ("関連", "see also"),
    "rdfs:subClassOf": ("上位クラス", "subclass of"),
    "rdfs:subPropertyOf": ("上位プロパティ", "subproperty of"),
    "rdfs:domain": ("定義域", "domain"),
    "rdfs:range": ("値域", "range"),
    "rdfs:isDefinedBy": ("定義元", "defined by"),
    "dcterms:identifier": ("識別子", "identifier"),
    "dcterms:title": ("名称", "title"),
    "dcterms:description": ("課題・取組概要", "description"),
    "dcterms:issued": ("閣議決定日", "issued"),
    "dcterms:source": ("出典", "source"),
    "dcterms:license": ("ライセンス", "licence"),
    "dcterms:isPartOf": ("上位", "is part of"),
    "prov:wasDerivedFrom": ("由来", "derived from"),
    "prov:Entity": ("実体（PROV）", "entity (PROV)"),
    "skos:prefLabel": ("名称", "preferred label"),
    "skos:altLabel": ("別名・略称", "alternative label"),
    "skos:notation": ("記号", "notation"),
    "skos:definition": ("定義", "definition"),
    "skos:inScheme": ("体系", "in scheme"),
    "skos:topConceptOf": ("最上位概念", "top concept of"),
    "skos:Concept": ("概念", "concept"),
    "skos:ConceptScheme": ("概念体系", "concept scheme"),
    "org:subOrganizationOf": ("上位組織", "sub-organisation of"),
    "org:Organization": ("組織", "organisation"),
    "org:classification": ("分類", "classification"),
    "org:identifier": ("識別子", "identifier"),
    "eli:is_part_of": ("上位", "is part of"),
    "eli:id_local": ("法令ID", "local identifier"),
    "eli:date_document": ("公布日", "date of the document"),
    "eli:first_date_entry_in_force": ("施行日", "first date of entry into force"),
    "eli:LegalResource": ("法令資源（ELI）", "legal resource (ELI)"),
    "eli:LegalResourceSubdivision": ("法令の区分（ELI）", "legal resource subdivision (ELI)"),
    "dcat:Dataset": ("データセット", "dataset"),
    "owl:Class": ("クラス", "class"),
    "owl:ObjectProperty": ("オブジェクトプロパティ", "object property"),
    "owl:DatatypeProperty": ("データ型プロパティ", "datatype property"),
    "owl:AnnotationProperty": ("注釈プロパティ", "annotation property"),
    "owl:Ontology": ("オントロジー", "ontology"),
    "owl:versionInfo": ("版", "version"),
    "void:Dataset": ("データセット（VoID）", "dataset (VoID)"),
    "adms:versionNotes": ("前の版からの変更", "version notes"),
}
#: Namespaces shown compactly beyond the build's prefixes (VoID: the site's own; ADMS: version notes).
_MORE_PREFIXES = {"void": v.VOID, "adms": v.ADMS}


def compact(iri: str) -> str:
    """``prefix:local`` for an IRI in a known namespace (the VoID one included), else the IRI."""
    for prefix, ns in (*v.PREFIXES.items(), *_MORE_PREFIXES.items()):
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


@dataclass(frozen=True)
class Name:
    """What a link or heading shows: the Japanese name, the English one, and an identifier fallback."""

    ja: str | None
    en: str | None
    fallback: str

    @property
    def main(self) -> str:
        return self.ja or self.en or self.fallback

    @property
    def second(self) -> str | None:
        """The English name when it adds something to the main one."""
        return self.en if self.ja and self.en and self.en != self.ja else None


class Namer:
    """Names any term of the graph: label ja → en → identifier → type and IRI tail → compact IRI."""

    def __init__(self, graph: SiteGraph) -> None:
        self.graph = graph
        self._cache: dict[Subject, Name] = {}

    def term(self, iri: str) -> Name:
        """A property or class: its ontology labels, the table above, else its compact IRI."""
        node = NamedNode(iri)
        ja, en = self.graph.label(node, "ja"), self.graph.label(node, "en")
        if ja or en:
            return Name(ja, en, compact(iri))
        known = EXTERNAL.get(compact(iri))
        if known:
            return Name(known[0], known[1], compact(iri))
        return Name(None, None, compact(iri))

    def __call__(self, node: Subject) -> Name:
        cached = self._cache.get(node)
        if cached is None:
            cached = self._cache[node] = self._name(node)
        return cached

    def _name(self, node: Subject) -> Name:
        if isinstance(node, BlankNode):
            return Name(None, None, "（無名ノード）")
        g = self.graph
        ja = g.label(node, "ja") or g.plain_label(node)
        en = g.label(node, "en")
        if ja or en:
            return Name(ja, en, node.value)
        if node.value.startswith(v.KG) or node.value in EXTERNAL_IRIS:
            return self.term(node.value)
        tail = node.value.rstrip("/").rsplit("/", 1)[-1]
        ident = g.text(node, v.DCTERMS_IDENTIFIER) or tail
        kinds = [self.term(t) for t in g.types(node) if t.startswith(v.KG)]
        if kinds:
            k = kinds[0]
            return Name(f"{k.ja} {ident}" if k.ja else None, f"{k.en} {ident}" if k.en else None, ident)
        return Name(None, None, compact(node.value))


EXTERNAL_IRIS = frozenset(
    v.PREFIXES[c.split(":", 1)[0]] + c.split(":", 1)[1] for c in EXTERNAL if c.split(":", 1)[0] in v.PREFIXES
)


def wareki(day: date) -> str:
    """The Japanese era date (令和5年6月9日) of a decision date; 元年 for an era's first year."""
    eras = ((date(2019, 5, 1), "令和"), (date(1989, 1, 8), "平成"), (date(1926, 12, 25), "昭和"))
    for start, name in eras:
        if day >= start:
            year = day.year - start.year + 1
            return f"{name}{'元' if year == 1 else year}年{day.month}月{day.day}日"
    return f"{day.year}年{day.month}月{day.day}日"


def edition_badge(day: date) -> str:
    """``2023（令和5年6月9日閣議決定）``: how an edition is named on every page."""
    return f"{day.year}（{wareki(day)}閣議決定）"
