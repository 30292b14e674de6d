"""``kg diff OLD NEW``: what changed between two editions of the plan (see docs/diff.md)."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli._common import reports_errors
from kg.config import load_settings
from kg.diff import diff_build


@click.command("diff")
@click.argument("old")
@click.argument("new", required=False, default="latest")
@click.option(
    "--build-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Build holding both editions (default from kg.toml / pyproject.toml: build).",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder for the reports (default: diff-OLD-NEW beside the build folder).",
)
@reports_errors
def command(old: str, new: str, build_dir: Path | None, out_dir: Path | None) -> None:
    """Report what changed from edition OLD to NEW (decision dates, or years with one edition).

    Writes changes.md (ja first), changes.csv, changes.json, the RDF Patch
    between the two plan graphs (plan.rdfp) and the change graph (changes.nt,
    changes.ttl), with a manifest, so the folder can be queried and published.
    """
    settings = load_settings().with_overrides(build_dir=build_dir)
    result = diff_build(settings.build_dir, old, new, out_dir)
    s = result.summary
    click.echo(s.text())
    click.echo(
        f"RDF Patch plan-{s.old} → plan-{s.new}: {result.patch.deleted} deleted, {result.patch.added} added,"
        f" {result.patch.kept} kept"
    )
    click.echo(f"wrote {result.triples} change triples and the reports to {result.out_dir}")
    if not result.version_notes:
        click.echo(f"not version notes: {s.old} is not the edition just before {s.new} in the build")
    elif result.out_dir == result.notes_folder:
        click.echo(f"version notes of {s.new}: kg catalog and kg site show this summary")
    else:
        click.echo(f"version notes of {s.new}: kg catalog and kg site look for them in {result.notes_folder},"
                   " not here")
