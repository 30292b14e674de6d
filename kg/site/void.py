"""The VoID description of the dataset: at the dataset IRI and at ``/.well-known/void``.

VoID (W3C Interest Group Note, "Describing Linked Datasets with the VoID
Vocabulary", §7.2) says a publisher makes its dataset description
discoverable at ``/.well-known/void``; the dataset IRI ``{base}dataset`` gets
a page of its own like any resource. Each named graph of the build is a
subset with its triple count and dumps, so a crawler can fetch one graph.
No dates are written: the same build gives the same bytes.
"""

from __future__ import annotations

from pyoxigraph import Literal, NamedNode, Triple

from kg import vocabulary as v
from kg.manifest import Manifest

DATASET_PATH = "dataset"
_FORMAT_IRIS = {  # W3C's format IRIs, for void:feature
    "ntriples": "N-Triples", "turtle": "Turtle", "trig": "TriG", "jsonld": "JSON-LD",
}


def dataset_iri(base: str) -> str:
    return base + DATASET_PATH


def void_triples(manifest: Manifest, license_iri: str, examples: list[str], roots: list[str]) -> list[Triple]:
    """The dataset and one subset per named graph, with dumps under ``{base}dumps/``."""
    base = manifest.base_iri
    ds = NamedNode(dataset_iri(base))

    def t(s: NamedNode, p: str, o: NamedNode | Literal) -> Triple:
        return Triple(s, NamedNode(p), o)

    void = v.VOID
    out = [
        t(ds, v.RDF_TYPE, NamedNode(void + "Dataset")),
        t(ds, v.DCTERMS + "title", Literal("デジタル社会の実現に向けた重点計画 施策集 ナレッジグラフ",
                                           language="ja")),
        t(ds, v.DCTERMS + "title", Literal(
            "Knowledge graph of the list of measures of Japan's Priority Policy Program for Realizing "
            "Digital Society", language="en")),
        t(ds, v.DCTERMS + "description", Literal(
            "重点計画の施策集（施策・KPI・担当府省庁・根拠条項の印）と、府省庁・法令の参照データ。",
            language="ja")),
        t(ds, v.DCTERMS + "license", NamedNode(license_iri)),
        t(ds, void + "uriSpace", Literal(base)),
        t(ds, void + "triples", Literal(str(sum(g.triples for g in manifest.graphs)),
                                        datatype=NamedNode(v.XSD_INTEGER))),
        t(ds, void + "vocabulary", NamedNode(v.ONTOLOGY_IRI)),
    ]
    vocabularies = (v.ORG, v.ELI, v.SKOS, v.DCTERMS, v.PROV, v.DCAT)
    out += [t(ds, void + "vocabulary", NamedNode(ns)) for ns in vocabularies]
    out += [t(ds, void + "rootResource", NamedNode(r)) for r in roots]
    out += [t(ds, void + "exampleResource", NamedNode(e)) for e in examples]
    for key, name in sorted(manifest.dataset.items()):
        if key in ("trig", "jsonld"):
            out.append(t(ds, void + "dataDump", NamedNode(f"{base}dumps/{name}")))
    for g in manifest.graphs:
        sub = NamedNode(g.iri)
        out += [
            t(ds, void + "subset", sub),
            t(sub, v.RDF_TYPE, NamedNode(void + "Dataset")),
            t(sub, v.DCTERMS + "title", Literal(f"名前付きグラフ {g.name}", language="ja")),
            t(sub, v.DCTERMS + "title", Literal(f"named graph {g.name}", language="en")),
            t(sub, void + "triples", Literal(str(g.triples), datatype=NamedNode(v.XSD_INTEGER))),
        ]
        for key, name in sorted(g.files.items()):
            out.append(t(sub, void + "dataDump", NamedNode(f"{base}dumps/{name}")))
            if key in _FORMAT_IRIS:
                out.append(t(sub, void + "feature", NamedNode(v.W3C_FORMATS + _FORMAT_IRIS[key])))
    return out
