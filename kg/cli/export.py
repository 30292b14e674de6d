"""``kg export``: the curated table, for a person to correct what the extraction broke."""

from __future__ import annotations

import click

from kg.build.export import export_curated
from kg.cli._common import reports_errors, settings_options
from kg.config import Settings
from kg.errors import InputError
from kg.findings import Severity


@click.command("export")
@reports_errors
@settings_options
@click.option("--force", is_flag=True, help="Rewrite an existing curated table (its edits are kept).")
@click.option("--encoding", help="Encoding of the source files (default: UTF-8, else detected).")
def command(settings: Settings, force: bool, encoding: str | None) -> None:
    """Write data/curated/<year>.csv, one row per measure, for review and correction."""
    result = export_curated(settings, force=force, encoding=encoding)
    for f in result.report:
        if f.severity is Severity.ERROR:
            click.echo(str(f), err=True)
    if not result.written:
        click.echo("nothing written: fix the errors above", err=True)
        raise SystemExit(InputError.exit_code)
    for path in result.written:
        click.echo(f"wrote {path}")
