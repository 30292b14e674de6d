"""``kg harvest egov``: read the e-Gov data portal's catalog into the graph, politely and resumably."""

from __future__ import annotations

import sys

import click

from kg.cli._common import reports_errors, settings_options
from kg.config import Settings
from kg.harvest.egov import harvest_egov

#: The portal's CKAN site (the Action API is under /api/3/action/).
EGOV = "https://data.e-gov.go.jp/data"


@click.group("harvest")
def command() -> None:
    """Read other catalogs into the knowledge graph."""


@command.command("egov")
@reports_errors
@settings_options
@click.option("--url", default=EGOV, show_default=True, help="The CKAN site (API under /api/3/action/).")
@click.option("--rows", type=int, default=100, show_default=True, help="Page size (CKAN allows 1000).")
@click.option("--delay", type=float, default=1.0, show_default=True, help="Seconds between requests.")
@click.option("--timeout", type=float, default=30.0, show_default=True, help="Seconds to wait for an answer.")
@click.option("--retries", type=int, default=4, show_default=True, help="Retries on 5xx and timeouts.")
@click.option("--full", is_flag=True, help="Harvest everything again (default: what changed since the last).")
@click.option("--offline", is_flag=True,
              help="Map the stored responses again (of the site they came from), without asking it.")
def egov(settings: Settings, url: str, rows: int, delay: float, timeout: float, retries: int, full: bool,
         offline: bool) -> None:
    """Harvest the e-Gov data portal (CKAN 2.9) into data/harvest/egov/ and the build's graph egov."""
    shown = {"last": -1}

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty() and done != shown["last"]:
            shown["last"] = done
            click.echo(f"\rharvest: {done}/{total} datasets", err=True, nl=False)

    result = harvest_egov(url, settings.data_dir, settings.build_dir, settings.base_iri, rows=rows,
                          delay=delay, timeout=timeout, retries=retries, full=full, offline=offline,
                          progress=progress)
    if shown["last"] >= 0:
        click.echo("", err=True)
    for f in result.findings:
        click.echo(str(f))
    if result.run is not None:
        click.echo(f"harvest: {result.run.pages} pages, {result.run.records} records "
                   f"(run {result.run.state.run}) into {result.folder}")
        if not result.run.complete:
            click.echo("harvest incomplete: run the same command again to resume", err=True)
            raise SystemExit(5)
    keys = ", ".join(f"{k} {n}" for k, n in sorted(result.linked.items())) or "none"
    click.echo(f"graph egov: {result.datasets} datasets, publishers linked by {keys}")
    if result.build is not None:
        click.echo(f"added graph egov to {result.build}")
    else:
        click.echo(f"wrote {result.graph_file} (no build folder to add it to)")
