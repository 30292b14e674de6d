"""The streamed formats (Turtle, TriG, JSON-LD) state exactly the graphs of the sorted N-Triples.

JSON-LD is written one compacted node per subject (kg/rdf/jsonld.py); pyld, a
full JSON-LD processor, expands it here to check it means the same quads.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from pyld import jsonld

from kg.manifest import read as read_manifest
from kg.rdf.jsonld import Compactor, node_object, write_dataset_jsonld


def _canonical(dataset: ox.Dataset) -> set[str]:
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return {str(q) for q in dataset}


def _ntriples_dataset(build: Path) -> ox.Dataset:
    manifest = read_manifest(build)
    dataset = ox.Dataset()
    for g in manifest.graphs:
        name = ox.NamedNode(g.iri)
        for t in ox.parse(path=manifest.ntriples(g), format=ox.RdfFormat.N_TRIPLES):
            dataset.add(ox.Quad(t.subject, t.predicate, t.object, name))
    return dataset


def _jsonld_dataset(path: Path) -> ox.Dataset:
    document = json.loads(path.read_text(encoding="utf-8"))
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads"})
    return ox.Dataset(ox.parse(nquads.encode(), format=ox.RdfFormat.N_QUADS))


def test_jsonld_expands_to_the_ntriples(built: Path) -> None:
    expected = _ntriples_dataset(built)
    found = _jsonld_dataset(built / "dataset.jsonld")
    assert len(found) == len(expected) > 5000
    assert _canonical(found) == _canonical(expected)


def test_jsonld_is_compacted_with_the_context(built: Path) -> None:
    document = json.loads((built / "dataset.jsonld").read_text(encoding="utf-8"))
    context = json.loads((built / "context.jsonld").read_text(encoding="utf-8"))
    assert document["@context"] == context["@context"]
    graphs = {g["@id"]: g["@graph"] for g in document["@graph"]}
    manifest = read_manifest(built)
    assert set(graphs) == {g.iri for g in manifest.graphs}
    nodes = [n for ns in graphs.values() for n in ns]
    measure = next(n for n in nodes if n.get("@type") == "kg:Measure")
    assert "rdfs:label" in measure and "kg:inEdition" in measure
    # Measure IRIs stay whole (the dataset's context has no per-edition prefixes); organisations are gov:
    assert measure["@id"].startswith("https://kg.example.jp/plan/")
    assert any(n["@id"].startswith("gov:") for n in nodes)  # the organisations, in the reference graph


@pytest.mark.parametrize(("fmt", "suffix"), [(ox.RdfFormat.TURTLE, "ttl"), (ox.RdfFormat.TRIG, "trig")])
def test_turtle_and_trig_parse_to_the_ntriples(built: Path, fmt: ox.RdfFormat, suffix: str) -> None:
    expected = _ntriples_dataset(built)
    if suffix == "trig":
        found = ox.Dataset(ox.parse(path=built / "dataset.trig", format=fmt))
    else:
        found = ox.Dataset()
        for g in read_manifest(built).graphs:
            for t in ox.parse(path=built / g.files["turtle"], format=fmt):
                found.add(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g.iri)))
    assert _canonical(found) == _canonical(expected)


def test_compaction_follows_jsonld_rules() -> None:
    compactor = Compactor({"a": "http://x.org/", "ab": "http://x.org/b/", "odd": "http://x.org/o", "c": "http://y/"})
    assert compactor.iri("http://x.org/b/c") == "ab:c"  # the shortest compact IRI
    assert compactor.iri("http://x.org/ox") == "a:ox"  # a namespace not ending in a gen-delim is no prefix
    assert compactor.iri("http://y///z") == "http://y///z"  # c://z would read as an absolute IRI
    assert compactor.iri("http://x.org/") == "http://x.org/"  # no empty suffix
    assert compactor.iri("urn:other") == "urn:other"


def test_awkward_terms_round_trip(tmp_path: Path) -> None:
    """Types that are blank nodes, literal types, language tags, typed literals, JSON-looking text."""
    nt = (
        '<http://x.org/s> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://x.org/T> .\n'
        '<http://x.org/s> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> _:t .\n'
        '<http://x.org/s> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "lit" .\n'
        '<http://x.org/s> <http://x.org/p> "テキスト"@ja .\n'
        '<http://x.org/s> <http://x.org/p> "{\\"@id\\": \\"x\\"}\\n<b>" .\n'
        '<http://x.org/s> <http://x.org/p> "5"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
        '<http://x.org/s> <http://x.org/q> <http://other.example/o> .\n'
        '_:t <http://x.org/p> _:t .\n'
    )
    path = tmp_path / "g.nt"
    path.write_text(nt, encoding="utf-8")
    out = tmp_path / "d.jsonld"
    write_dataset_jsonld(out, [("http://x.org/g", path)], {"x": "http://x.org/", "xsd": "http://www.w3.org/2001/XMLSchema#"})
    expected = ox.Dataset(
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode("http://x.org/g"))
        for t in ox.parse(path=path, format=ox.RdfFormat.N_TRIPLES)
    )
    assert _canonical(_jsonld_dataset(out)) == _canonical(expected)


def test_node_object_shape() -> None:
    s, p = ox.NamedNode("http://x.org/s"), ox.NamedNode("http://x.org/p")
    triples = [ox.Triple(s, p, ox.Literal("a")), ox.Triple(s, p, ox.Literal("b")),
               ox.Triple(s, ox.NamedNode("http://x.org/q"), ox.Literal("c", language="ja"))]
    node = node_object(s, triples, Compactor({"x": "http://x.org/"}))
    assert node == {"@id": "x:s", "x:p": ["a", "b"], "x:q": {"@value": "c", "@language": "ja"}}
