"""``kg catalog``: the build as a catalog entry (DCAT-AP 3.0.1, e-Gov CKAN payload, schema.org, CSV)."""

from __future__ import annotations

from pathlib import Path

import click

from kg.catalog import write_catalog
from kg.catalog.config import load_catalog_config
from kg.cli._common import reports_errors, settings_options
from kg.config import Settings


@click.command("catalog")
@reports_errors
@settings_options
@click.option("--endpoint", help="SPARQL endpoint URL to describe as a dcat:DataService (else catalog.toml).")
@click.option("--endpoint-description", help="Its service description URL (default: the endpoint itself).")
@click.option("--download-base", help="URL the build folder is served under (default <base IRI>download/).")
@click.option("--landing-page", help="The dataset's web page (default: the base IRI).")
@click.option("--publisher", help="Gazetteer id of the publisher (default da, デジタル庁).")
@click.option("--owner-org", help="The e-Gov organisation the CKAN payload is submitted under.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Catalog folder (default: catalog/ beside the build folder).")
def command(settings: Settings, endpoint: str | None, endpoint_description: str | None,
            download_base: str | None, landing_page: str | None, publisher: str | None,
            owner_org: str | None, out_dir: Path | None) -> None:
    """Write catalog/: DCAT-AP record, CKAN package_create payload, schema.org JSON-LD, CSV exports.

    Options override <data_dir>/catalog.toml. The record is checked against the official
    DCAT-AP 3.0.1 SHACL shapes first; a violation writes nothing (exit 4).
    """
    config = load_catalog_config(
        settings.base_iri, settings.data_dir, endpoint=endpoint, endpoint_description=endpoint_description,
        download_base=download_base, landing_page=landing_page, publisher=publisher, owner_org=owner_org,
    )
    result = write_catalog(settings.build_dir, config, settings.data_dir, out_dir)
    facts = result.facts
    files = sum(len(e.files) for e in facts.editions) + len(facts.whole) + len(facts.shared)
    number = facts.publisher.corporate_number
    click.echo(f"catalog: {len(facts.editions)} edition(s), {files} distributions, "
               f"publisher {facts.publisher.name_ja}" + (f" (法人番号 {number})" if number else ""))
    shacl = result.shacl
    click.echo(f"DCAT-AP 3.0.1: {shacl.count('Violation')} violations, {shacl.count('Warning')} warnings "
               "(see docs/catalog.md)")
    for gap in result.gaps:
        click.echo(f"ckan payload: {gap}")
    for folder in result.stale_notes:
        click.echo(f"version notes: left out {folder}: not made from this build (run kg diff again)")
    click.echo(f"wrote {len(result.files)} files to {result.folder}")
