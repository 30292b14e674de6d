"""``kg serve``: the build's site served live, with content negotiation on the IRIs and ``/sparql``."""

from __future__ import annotations

import shutil

import click

from kg.cli._common import reports_errors, settings_options
from kg.config import Settings
from kg.serve import serve


@click.command("serve")
@reports_errors
@settings_options
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port (0: any free one).")
@click.option("--redirect-303", is_flag=True,
              help="Answer an IRI with 303 See Other to its page or data (httpRange-14 style).")
@click.option("--time-limit", type=click.FloatRange(min=0.1), default=10.0, show_default=True,
              help="Seconds a /sparql query may run.")
@click.option("--max-bytes", type=click.IntRange(min=1), default=10_000_000, show_default=True,
              help="Largest /sparql result.")
def command(
    settings: Settings, host: str, port: int, redirect_303: bool, time_limit: float, max_bytes: int
) -> None:
    """Serve the site of the build: pages and RDF by content negotiation, and a read-only /sparql."""
    _, server, folder = serve(settings.build_dir, host, port, redirect_303=redirect_303,
                              time_limit=time_limit, max_bytes=max_bytes)
    url = f"http://{host}:{server.server_address[1]}/"
    click.echo(f"serving {settings.build_dir} at {url} (IRIs {settings.base_iri}… as {url}…; "
               f"SPARQL at {url}sparql); Ctrl-C stops")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped")
    finally:
        server.server_close()
        shutil.rmtree(folder, ignore_errors=True)
