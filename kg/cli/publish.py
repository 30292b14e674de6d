"""``kg publish``: load the build's named graphs into a triple store, each replaced atomically."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli._common import StepReporter, progress_option, reports_errors
from kg.config import load_settings
from kg.publish import Endpoints, PublishReport, RetryPolicy, publish


@click.command("publish")
@click.option("--endpoint", required=True, metavar="URL", help="SPARQL query endpoint (…:7878/query).")
@click.option("--update", metavar="URL", help="SPARQL update endpoint (default: --endpoint, /query→/update).")
@click.option("--gsp", metavar="URL", help="Graph Store Protocol endpoint, e.g. http://localhost:7878/store.")
@click.option(
    "--build-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Build folder to publish (default from kg.toml / pyproject.toml: build).",
)
@click.option("--timeout", type=float, default=60.0, show_default=True, help="Seconds per request.")
@click.option("--retries", type=click.IntRange(0, 20), default=3, show_default=True,
              help="Retries of a request that met a 5xx answer, a timeout or a dropped connection.")
@progress_option
@reports_errors
def command(
    endpoint: str,
    update: str | None,
    gsp: str | None,
    build_dir: Path | None,
    timeout: float,
    retries: int,
    progress: bool | None,
) -> None:
    """Publish the build to a triple store, one named graph each, all swapped in at once (--gsp).

    The build is verified against its manifest first. Credentials come from
    KG_ENDPOINT_USER/KG_ENDPOINT_PASSWORD or netrc, never from options.
    --timeout is per request; a request that carries or moves a graph also
    gets a second per 2,000 of its triples.
    """
    with StepReporter(progress) as steps:
        report = publish(
            build_dir or load_settings().build_dir,
            Endpoints.from_options(endpoint, update, gsp),
            timeout=timeout,
            retry=RetryPolicy(attempts=retries + 1),
            progress=steps,
        )
    click.echo(render_report(report))


def render_report(report: PublishReport) -> str:
    lines = [f"published to {report.endpoint}:"]
    for g in report.graphs:
        lines.append(f"  {g.name:<12} {g.triples:>9} triples  {g.seconds:6.2f} s  ({g.method})  <{g.iri}>")
    if report.swap_seconds is not None:
        lost = " (its answer was lost; the store shows it done)" if report.swap_answer_lost else ""
        dropped = any(g.method == "staged+difference" for g in report.graphs)
        how = " (by difference; the staging graphs then dropped)" if dropped else ""
        lines.append(f"  swapped in by one update request{how} in {report.swap_seconds:.2f} s{lost}")
    lines.append(
        f"checked: every graph's triple count on the store equals the build's; "
        f"{report.retries} request(s) retried; {report.seconds:.2f} s in all"
    )
    return "\n".join(lines)
