"""Everything a catalog record says, gathered once from a build folder and the reference data.

The three outputs (DCAT-AP, the CKAN payload, schema.org) are renderings of
one :class:`CatalogFacts`, so they cannot disagree on a size, a checksum or a
title. Facts come from where they are stated: file sizes and SHA-256 from the
files themselves, editions from the manifest and the plan graphs (titles,
measures and their ID range, and the edition's scope — an excerpt or the whole
list — where the graph states it; what changed since the previous edition
where ``kg diff`` left it beside the build, :mod:`kg.diff.notes`), the publisher and its 法人番号 from the
gazetteer (only where a source states the number), the licence and laws
from their reference files, and the rest from :mod:`kg.catalog.config`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pyoxigraph import Literal, NamedNode, RdfFormat, parse

from kg.catalog.config import CatalogConfig
from kg.diff.notes import VersionNotes, version_notes
from kg.errors import ConfigError
from kg.manifest import Manifest
from kg.reference.laws import Law, load_laws
from kg.reference.licences import Licence, load_licence
from kg.reference.organizations import Organization, load_gazetteer
from kg.vocabulary import DCTERMS, KG, ONTOLOGY_IRI, RDF_TYPE, SKOS

#: The two laws the plan's mark columns cite (the plan's applicable legislation).
LAW_IDS = ("428AC1000000103", "503AC0000000035")


@dataclass(frozen=True)
class FileFormat:
    media_type: str
    eu_file_type: str  # code in the EU file-type authority table
    ckan_format: str  # the label CKAN shows (e-Gov writes CSV, …)


FORMATS: dict[str, FileFormat] = {
    ".nt": FileFormat("application/n-triples", "RDF_N_TRIPLES", "N-Triples"),
    ".ttl": FileFormat("text/turtle", "RDF_TURTLE", "Turtle"),
    ".trig": FileFormat("application/trig", "RDF_TRIG", "TriG"),
    ".jsonld": FileFormat("application/ld+json", "JSON_LD", "JSON-LD"),
    ".csv": FileFormat("text/csv", "CSV", "CSV"),
}


@dataclass(frozen=True)
class FileFacts:
    """One published file: its path in the build folder (``/``-separated), size, digest and what it is."""

    path: str
    size: int
    sha256: str
    format: FileFormat
    title_ja: str
    title_en: str
    rdf: bool  # conforms to the kg ontology (and its shapes) rather than to the CSV definitions


@dataclass(frozen=True)
class EditionFacts:
    key: str  # decision date, YYYY-MM-DD
    decided: date
    title_ja: str
    title_en: str
    measures: int
    first_id: str
    last_id: str
    source: str  # the extract's file name
    source_sha256: str | None
    excerpt: bool | None  # kg:excerpt of the edition, where the graph states it
    scope_ja: str | None  # its skos:scopeNote
    scope_en: str | None
    files: tuple[FileFacts, ...]
    #: What changed since the previous edition (adms:versionNotes), where kg diff left it (kg.diff.notes).
    version_notes: tuple[str, str] | None = None


@dataclass(frozen=True)
class CatalogFacts:
    config: CatalogConfig
    publisher: Organization
    licence: Licence
    laws: tuple[Law, ...]
    editions: tuple[EditionFacts, ...]  # in decision-date order
    whole: tuple[FileFacts, ...]  # the dumps of the whole graph (every edition, ontology, reference, lineage)
    shared: tuple[FileFacts, ...]  # code table and definitions, listed with every edition
    ontology_iri: str = ONTOLOGY_IRI

    @property
    def latest(self) -> EditionFacts:
        return self.editions[-1]

    @property
    def definitions(self) -> FileFacts:
        """The definitions file of the CSV exports (what every CSV distribution conforms to)."""
        found = [f for f in self.shared if f.path.endswith("/definitions.csv")]
        if not found:
            raise ConfigError("the CSV exports have no definitions.csv")
        return found[0]


def file_facts(path: Path, relative: str, title_ja: str, title_en: str) -> FileFacts:
    suffix = path.suffix
    if suffix not in FORMATS:
        raise ConfigError(f"{relative}: no catalog format for {suffix} files")
    fmt = FORMATS[suffix]
    data = path.read_bytes()
    return FileFacts(relative, len(data), hashlib.sha256(data).hexdigest(), fmt,
                     f"{title_ja}（{fmt.ckan_format}）", f"{title_en} ({fmt.ckan_format})", suffix != ".csv")


def gather(manifest: Manifest, config: CatalogConfig, data_dir: Path,
           exports: dict[str, tuple[str, str, str | None]], catalog_folder: str,
           export_root: Path, notes: Mapping[str, VersionNotes] | None = None) -> CatalogFacts:
    """The facts of a build; ``exports`` maps each CSV written under ``export_root`` (by its path there,
    which becomes ``catalog_folder/path`` in the build) to its titles and edition (None: shared by all);
    ``notes``: each edition's version notes (:func:`kg.diff.notes.version_notes`; default: looked up)."""
    if not manifest.editions:
        raise ConfigError("the build holds no edition: nothing to catalog")
    gazetteer = load_gazetteer(data_dir / "reference")
    publisher = gazetteer.get(config.publisher)
    if publisher is None:
        raise ConfigError(f"publisher {config.publisher!r} is not an organisation id of the gazetteer")
    laws_ref = load_laws(data_dir / "reference")
    laws = tuple(laws_ref.laws[i] for i in LAW_IDS if i in laws_ref.laws)
    build = manifest.directory
    assert build is not None
    if notes is None:
        notes = version_notes(manifest).notes
    editions: list[EditionFacts] = []
    for entry in sorted(manifest.editions, key=lambda e: e.decided):
        key = entry.decided.isoformat()
        graph = next((g for g in manifest.graphs if g.name == f"plan-{key}"), None)
        if graph is None:
            raise ConfigError(f"{build}: no graph plan-{key} for edition {key}")
        read = _edition_in_graph(manifest.ntriples(graph), manifest.base_iri, key)
        files = [file_facts(manifest.path(name), name, read.title_ja, read.title_en)
                 for _, name in sorted(graph.files.items())]
        files += [file_facts(export_root / rel, f"{catalog_folder}/{rel}", tja, ten)
                  for rel, (tja, ten, ed) in sorted(exports.items()) if ed == key]
        ids = read.ids
        editions.append(EditionFacts(
            key, entry.decided, read.title_ja, read.title_en, len(ids), min(ids, default=""),
            max(ids, default=""), entry.source, read.sha256, read.excerpt, read.scope.get("ja"),
            read.scope.get("en"), tuple(files),
            (notes[key].ja, notes[key].en) if key in notes else None,
        ))
    whole = [file_facts(manifest.path(name), name, "知識グラフ全体", "The whole knowledge graph")
             for name in (manifest.dataset.get("trig"), manifest.dataset.get("jsonld")) if name]
    for g in manifest.graphs:
        if not g.name.startswith("plan-"):
            whole += [file_facts(manifest.path(name), name, f"{g.name}グラフ", f"The {g.name} graph")
                      for _, name in sorted(g.files.items())]
    shared = tuple(file_facts(export_root / rel, f"{catalog_folder}/{rel}", tja, ten)
                   for rel, (tja, ten, ed) in sorted(exports.items()) if ed is None)
    licence = load_licence(config.licence)
    return CatalogFacts(config, publisher, licence, laws, tuple(editions), tuple(whole), shared)


@dataclass
class _Read:
    title_ja: str
    title_en: str
    ids: list[str]
    sha256: str | None
    excerpt: bool | None
    scope: dict[str, str]


def _edition_in_graph(path: Path, base: str, key: str) -> _Read:
    """Titles, measure IDs, the source's SHA-256 and the scope of one edition, read from its plan graph."""
    edition = f"{base}plan/{key}"
    source = f"{edition}/source"
    titles: dict[str, str] = {}
    scope: dict[str, str] = {}
    excerpt: bool | None = None
    measures: set[str] = set()
    identifiers: dict[str, str] = {}
    sha: str | None = None
    with path.open("rb") as fh:
        for triple in parse(fh, format=RdfFormat.N_TRIPLES):
            s, p, o = triple.subject, triple.predicate.value, triple.object
            if not isinstance(s, NamedNode):
                continue
            if s.value == edition and p == DCTERMS + "title" and isinstance(o, Literal) and o.language:
                titles[o.language] = o.value
            elif p == RDF_TYPE and o == NamedNode(KG + "Measure"):
                measures.add(s.value)
            elif p == DCTERMS + "identifier" and isinstance(o, Literal):
                identifiers[s.value] = o.value
            elif s.value == source and p == KG + "sha256" and isinstance(o, Literal):
                sha = o.value
            elif s.value == edition and p == SKOS + "scopeNote" and isinstance(o, Literal) and o.language:
                scope[o.language] = o.value
            elif s.value == edition and p == KG + "excerpt" and isinstance(o, Literal):
                excerpt = o.value == "true"
    ids = sorted(identifiers[m] for m in measures if m in identifiers)
    if "ja" not in titles or "en" not in titles:
        raise ConfigError(f"{path}: edition {key} has no Japanese and English dcterms:title")
    return _Read(titles["ja"], titles["en"], ids, sha, excerpt, scope)
