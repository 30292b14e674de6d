"""``kg site``: write the static linked-data site of a build (pages, RDF per resource, VoID, sitemap)."""

from __future__ import annotations

import time
from pathlib import Path

import click

from kg.cli._common import reports_errors, settings_options
from kg.config import Settings
from kg.site import write_site
from kg.site.write import DEFAULT_LICENSE


@click.command("site")
@reports_errors
@settings_options
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("site"),
              show_default=True, help="Folder to write the site to (replaced whole, atomically).")
@click.option("--license", "license_iri", default=DEFAULT_LICENSE, show_default=True,
              help="IRI of the licence the data is published under (VoID and every page).")
@click.option("--report-to", help="Address for 'report an error' links (mailto: or a form URL); "
              "the link carries the measure and the curated-table row to fix.")
@click.option("--jobs", type=click.IntRange(min=1), help="Worker processes for the pages "
              "(default: 1 for a small site, one per core up to 4 from 5,000 resources).")
def command(
    settings: Settings, out_dir: Path, license_iri: str, report_to: str | None, jobs: int | None
) -> None:
    """Write a static site from the build: a page per IRI, .ttl/.nt/.jsonld/.rdf beside it."""
    start = time.perf_counter()
    result = write_site(settings.build_dir, out_dir, license_iri=license_iri, report_to=report_to,
                        jobs=jobs)
    seconds = time.perf_counter() - start
    click.echo(f"wrote {result.pages} pages for {result.resources} resources ({result.files} files) "
               f"to {result.out_dir} in {seconds:.1f} s")
    for folder in result.stale_notes:
        click.echo(f"version notes: left out {folder}: not made from this build (run kg diff again)")
    click.echo(f"serve it: python3 -m http.server -d {out_dir} 8000  (then open http://127.0.0.1:8000/); "
               f"content negotiation: {out_dir}/conneg/")
