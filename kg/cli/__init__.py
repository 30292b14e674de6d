"""The ``kg`` command line: a thin layer over the library.

Each command lives in its own module, parses options, calls one library
function and renders its result. Only this package prints or exits: library
errors (:class:`kg.errors.KgError`) become a message on stderr and the error's
exit code.
"""

from __future__ import annotations

import click

from kg import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="kg", message="%(prog)s %(version)s")
def cli() -> None:
    """Build, validate, query and publish the knowledge graph of the 施策集."""


def main() -> None:
    """Console-script entry point."""
    _register()
    cli()


def _register() -> None:
    # Imported here so that ``import kg.cli`` stays cheap and free of cycles.
    from kg.cli import build, catalog, diff, export, harvest, publish, query, site, validate

    for module in (build, export, query, publish, validate, diff, catalog, site, harvest):
        cli.add_command(module.command)
