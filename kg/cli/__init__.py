"""The ``kg`` command line: a thin layer over the library.

Each command lives in its own module, parses options, calls one library
function and renders its result. Only this package prints or exits: library
errors (:class:`kg.errors.KgError`) become a message on stderr and the error's
exit code.
"""

from __future__ import annotations

import importlib

import click

from kg import __version__

#: Each command: its module (imported only when the command runs or shows its own help) and the
#: first paragraph of its help, for ``kg --help``; tests/test_startup.py checks both against the
#: commands themselves. Importing every command would import rdflib, pyshacl and the build (~1 s).
COMMANDS: dict[str, tuple[str, str]] = {
    "build": ("kg.cli.build", "Build the knowledge graph of every edition under the data folder."),
    "catalog": ("kg.cli.catalog", "Write catalog/: DCAT-AP record, CKAN package_create payload,"
                " schema.org JSON-LD, CSV exports."),
    "diff": ("kg.cli.diff", "Report what changed from edition OLD to NEW (decision dates, or years"
             " with one edition)."),
    "export": ("kg.cli.export", "Write data/curated/<year>.csv, one row per measure, for review and"
               " correction."),
    "harvest": ("kg.cli.harvest", "Read other catalogs into the knowledge graph."),
    "publish": ("kg.cli.publish", "Publish the build to a triple store, one named graph each, all"
                " swapped in at once (--gsp)."),
    "query": ("kg.cli.query", "Run query NAME (a bundled query, see --list) or FILE (a .rq file)."),
    "serve": ("kg.cli.serve", "Serve the site of the build: pages and RDF by content negotiation, and a"
              " read-only /sparql."),
    "site": ("kg.cli.site", "Write a static site from the build: a page per IRI, .ttl/.nt/.jsonld/.rdf"
             " beside it."),
    "validate": ("kg.cli.validate", "Validate FILE… (Turtle, N-Triples, TriG, N-Quads; or one build"
                 " folder) against the shapes."),
}


class LazyGroup(click.Group):
    """A group that imports a command's module only when that command is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(COMMANDS))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module = importlib.import_module(COMMANDS[cmd_name][0])
            self.add_command(module.command, cmd_name)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(n) for n in names)
        rows = []
        for name in names:
            loaded = self.commands.get(name)
            text = (loaded.get_short_help_str(limit) if loaded is not None
                    else click.Command(name, help=COMMANDS[name][1]).get_short_help_str(limit))
            rows.append((name, text))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="kg", message="%(prog)s %(version)s")
def cli() -> None:
    """Build, validate, query and publish the knowledge graph of the 施策集."""


def main() -> None:
    """Console-script entry point."""
    cli()


def _register() -> None:
    """Load every command now (for tests that look at them all; ``main`` loads one, when asked)."""
    from kg.cli import build, catalog, diff, export, harvest, publish, query, serve, site, validate

    for module in (build, export, query, publish, validate, diff, catalog, site, harvest, serve):
        cli.add_command(module.command)
