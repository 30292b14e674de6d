"""``kg catalog``: describe a finished build as a catalog entry (DCAT-AP 3.0.1, CKAN, schema.org).

Reads a build folder through its manifest (never :mod:`kg.build`) and writes a
catalog folder beside it (``catalog/`` next to ``build/``: a build folder holds
only what its manifest lists, so that ``kg build`` may replace it whole): the
machine-readable CSV exports, then three renderings of one set of
facts (:mod:`kg.catalog.facts`): the DCAT-AP record (checked against the
official shapes, :mod:`kg.catalog.shacl`), the e-Gov CKAN ``package_create``
payload and the schema.org JSON-LD for the landing page.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.catalog import ckan, schemaorg
from kg.catalog.config import CatalogConfig
from kg.catalog.dcat import catalog_graph
from kg.catalog.exports import render_exports
from kg.catalog.facts import CatalogFacts, gather
from kg.catalog.shacl import ShaclReport, check
from kg.diff.notes import version_notes
from kg.errors import ConfigError, ValidationFailed
from kg.files import make_shareable, replace_folder
from kg.manifest import read

#: The catalog folder's name beside the build folder, and the path of its files under the download
#: base (which serves the build folder's files at its root and this folder's under ``catalog/``).
FOLDER = "catalog"
DCAT_TURTLE = "dcat-ap.ttl"
DCAT_JSONLD = "dcat-ap.jsonld"
CKAN_PAYLOAD = "ckan-package.json"
SCHEMA_ORG = "schema-org.jsonld"


@dataclass(frozen=True)
class CatalogResult:
    folder: Path
    files: tuple[Path, ...]
    shacl: ShaclReport
    gaps: tuple[str, ...]  # what the CKAN payload leaves for the registrar
    facts: CatalogFacts
    stale_notes: tuple[Path, ...] = ()  # diff folders beside the build not made from it (kg.diff.notes)


def default_folder(build_dir: Path) -> Path:
    """``catalog/`` beside the build folder."""
    return build_dir.absolute().parent / FOLDER


def write_catalog(build_dir: Path, config: CatalogConfig, data_dir: Path,
                  out_dir: Path | None = None) -> CatalogResult:
    """Write ``out_dir`` (default :func:`default_folder`) whole: CSV exports, DCAT-AP (Turtle, JSON-LD),
    CKAN payload, schema.org.

    The folder is staged beside its target and renamed into place, so a reader sees the old
    catalog or the new one. Raises :class:`ValidationFailed` (nothing written) if the record
    violates the DCAT-AP shapes.
    """
    manifest = read(build_dir)
    if manifest.base_iri != config.base_iri:
        raise ConfigError(f"{build_dir} was built with base IRI {manifest.base_iri}, not {config.base_iri}: "
                          "rebuild or pass --base-iri")
    target = (out_dir or default_folder(build_dir)).absolute()
    if target == build_dir.absolute() or build_dir.absolute() in target.parents:
        raise ConfigError(f"the catalog folder {target} may not lie inside the build folder {build_dir}")
    target.parent.mkdir(parents=True, exist_ok=True)
    notes = version_notes(manifest)
    stage = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        exports = render_exports(manifest)
        for rel, (_, text) in exports.items():
            path = stage / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="")
        # Sizes and digests are of the staged files, which are the ones renamed into place.
        facts = gather(manifest, config, data_dir, {rel: (f.title_ja, f.title_en, f.edition)
                                                    for rel, (f, _) in exports.items()},
                       FOLDER, stage, notes.notes)
        graph = catalog_graph(facts)
        report = check(graph)
        if not report.conforms:
            first = next(r for r in report.results if r.severity == "Violation")
            raise ValidationFailed(f"the catalog record violates DCAT-AP 3.0.1 ({report.count('Violation')} "
                                   f"violation(s); first: {first.focus} {first.path}: {first.message})")
        outputs = {
            DCAT_TURTLE: graph.serialize(format="turtle"),
            DCAT_JSONLD: _sorted_jsonld(graph.serialize(format="json-ld")),
            CKAN_PAYLOAD: ckan.render(ckan.ckan_payload(facts)),
            SCHEMA_ORG: schemaorg.render(schemaorg.schema_dataset(facts)),
        }
        for name, text in outputs.items():
            (stage / name).write_text(text, encoding="utf-8", newline="")
        for path in (stage, *stage.rglob("*")):
            make_shareable(path)
        replace_folder(stage, target)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    files = tuple(sorted(p for p in target.rglob("*") if p.is_file()))
    return CatalogResult(target, files, report, tuple(ckan.gaps(facts)), facts, notes.stale)


def _sorted_jsonld(text: str) -> str:
    """rdflib's JSON-LD in a fixed order (nodes by @id, values sorted), so equal records are equal bytes."""

    def order(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: order(v) for k, v in sorted(value.items())}
        if isinstance(value, list):
            items = [order(v) for v in value]
            return sorted(items, key=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True))
        return value

    return json.dumps(order(json.loads(text)), ensure_ascii=False, indent=1) + "\n"
