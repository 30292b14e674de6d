"""``kg query``: run a bundled query (or a query file) on the build or on an endpoint."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli._common import reports_errors
from kg.config import load_settings
from kg.errors import KgError
from kg.query.catalogue import bundled_queries, find_query
from kg.query.describe import catalogue_listing, query_help
from kg.query.output import FORMATS, render
from kg.store.target import DEFAULT_TIMEOUT

_HELP_FLAGS = ("-h", "--help")


class _QueryCommand(click.Command):
    """Puts the named query's own help (its parameters) above the options on ``--help``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if any(a in _HELP_FLAGS for a in args):
            ctx.meta["kg.query.name"] = self._first_argument(args)
        return super().parse_args(ctx, args)

    def _first_argument(self, args: list[str]) -> str | None:
        takes_value = {
            name for p in self.params if isinstance(p, click.Option) and not p.is_flag for name in p.opts
        }
        skip = False
        for arg in args:
            if skip:
                skip = False
            elif arg in takes_value:
                skip = True
            elif not arg.startswith("-"):
                return arg
        return None

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        name = ctx.meta.get("kg.query.name")
        if name:
            try:
                formatter.write(query_help(find_query(name)) + "\n")
            except KgError as exc:
                formatter.write(f"({exc})\n\n")
        super().format_help(ctx, formatter)


@click.command("query", cls=_QueryCommand)
@click.argument("name", required=False, metavar="NAME|FILE")
@click.option("--list", "list_only", is_flag=True, help="List the bundled queries and their parameters.")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE", help="Bind a query parameter.")
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option(
    "--build-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Build folder to query (default from kg.toml / pyproject.toml: build).",
)
@click.option("--endpoint", metavar="URL", help="Query this SPARQL endpoint instead of the build.")
@click.option(
    "--graph",
    "graphs",
    multiple=True,
    metavar="IRI",
    help="With --endpoint: default graph(s) to query (default: the graphs of the build's manifest).",
)
@click.option("--timeout", type=float, default=DEFAULT_TIMEOUT, show_default=True, help="Seconds (endpoint).")
@reports_errors
def command(
    name: str | None,
    list_only: bool,
    params: tuple[str, ...],
    fmt: str,
    build_dir: Path | None,
    endpoint: str | None,
    graphs: tuple[str, ...],
    timeout: float,
) -> None:
    """Run query NAME (a bundled query, see --list) or FILE (a .rq file).

    kg query NAME --help shows the query's parameters.
    """
    if list_only or name is None:
        click.echo(catalogue_listing(bundled_queries()), nl=False)
        return
    from kg.query.run import parse_assignments, query  # the stores and the HTTP client: only to run

    answer = query(
        name,
        parse_assignments(params),
        build_dir=build_dir or load_settings().build_dir,
        endpoint=endpoint,
        graphs=graphs,
        timeout=timeout,
    )
    click.echo(render(answer.results, fmt, answer.prefixes), nl=False)
